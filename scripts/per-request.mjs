#!/usr/bin/env node
// npm run bench:per-request: where the epoll and io_uring servers' time per request goes, beside the C yardstick
// (bench/yardstick/epoll-loop.c) and nginx, stock and tuned (where installed), measured rather than guessed. The
// servers are pinned to CPU 0, wrk (keep-alive, 50 connections, GET /index.html) to CPU 1. For
// each, it reports:
// - user and system CPU per request, from /proc/PID/stat of the server's whole process tree before
//   and after each wrk run, alternated between the servers (ROUNDS times), with the medians;
// - system calls per request, by name, from `strace -c -f` attached during one more run (strace
//   slows the server down, but not the count of calls a request makes), where strace is installed.
// Environment: PER_REQUEST_SECONDS (4) per run, PER_REQUEST_ROUNDS (3). Needs wrk and cc.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer } from '../dist/targets/design-child.js';
import { findServer } from '../dist/servers/catalogue.js';
import { spawnPeer } from '../dist/targets/peers.js';
import { spawnYardstick } from '../dist/targets/yardsticks.js';
import { buildYardstick } from './build-yardstick.mjs';
import { clockTicksPerSecond, processTree } from '../dist/system/proc.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const HTML = join(ROOT, 'html');
const SECONDS = Number(process.env.PER_REQUEST_SECONDS ?? 4);
const ROUNDS = Number(process.env.PER_REQUEST_ROUNDS ?? 3);
const TICK_US = 1e6 / clockTicksPerSecond();

for (const program of ['wrk', 'cc', 'taskset']) {
  if (spawnSync(program, ['--version']).error !== undefined) {
    console.error(`bench:per-request: ${program} is not installed`);
    process.exit(2);
  }
}
buildYardstick();

/** Requests wrk completed in one run on CPU 1, and its error line if any. */
function wrk(url, seconds) {
  const out = execFileSync('taskset', ['-c', '1', 'wrk', '-t1', '-c50', `-d${seconds}s`, new URL('/index.html', url).href], { encoding: 'utf8' });
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const errors = /Socket errors: (.*)|Non-2xx or 3xx responses: (\d+)/.exec(out)?.[0];
  if (errors !== undefined) throw new Error(`wrk reported errors against ${url}: ${errors}`);
  return requests;
}

/** CPU ticks of the server's processes (nginx's master and worker), all their threads included. */
function ticks(pid) {
  return processTree(pid).reduce((t, p) => ({ user: t.user + p.utime, system: t.system + p.stime }), { user: 0, system: 0 });
}

/** System calls per request, by name, from strace -c attached for one wrk run. */
async function syscalls(server) {
  const dir = mkdtempSync(join(tmpdir(), 'per-request-'));
  const file = join(dir, 'strace.txt');
  try {
    const attach = processTree(server.pid).flatMap((p) => ['-p', String(p.pid)]);
    const strace = spawn('strace', ['-c', '-f', ...attach, '-o', file], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 500)); // attached to every thread
    const requests = wrk(server.url, 3);
    const exited = new Promise((r) => strace.once('exit', r));
    strace.kill('SIGINT');
    await exited;
    const calls = new Map();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$/.exec(line);
      if (m && m[2] !== 'total') calls.set(m[2], Number(m[1]) / requests);
    }
    return calls;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const servers = [await spawnServer('epoll', HTML), await spawnYardstick('yardstick', HTML)];
try {
  const uring = findServer('uring');
  const refused = await uring.refusal();
  if (refused === undefined) servers.splice(1, 0, await spawnServer('uring', HTML));
  else console.error(`bench:per-request: uring left out: ${refused}`);
  try {
    servers.push(await spawnPeer('nginx', HTML));
    servers.push(await spawnYardstick('nginx-tuned', HTML));
  } catch (err) {
    console.error(`bench:per-request: nginx left out: ${err.message}`);
  }
  for (const s of servers) for (const p of processTree(s.pid)) execFileSync('taskset', ['-a', '-p', '-c', '0', String(p.pid)], { stdio: 'ignore' });
  for (const s of servers) wrk(s.url, 2); // warm-up, not counted
  const runs = new Map(servers.map((s) => [s.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of servers) {
      const before = ticks(s.pid);
      const requests = wrk(s.url, SECONDS);
      const after = ticks(s.pid);
      runs.get(s.name).push({
        rps: requests / SECONDS,
        userUs: ((after.user - before.user) * TICK_US) / requests,
        systemUs: ((after.system - before.system) * TICK_US) / requests,
      });
    }
  }
  const haveStrace = spawnSync('strace', ['-V']).error === undefined;
  console.log(
    `npm run bench:per-request: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}; servers on CPU 0, wrk on CPU 1; ${ROUNDS} runs of ${SECONDS} s each, alternated; medians\n`,
  );
  console.log('server      rps (runs)                       user µs/req  system µs/req  syscalls/req');
  for (const s of servers) {
    const r = runs.get(s.name);
    const calls = haveStrace ? await syscalls(s) : undefined;
    const total = calls ? [...calls.values()].reduce((a, b) => a + b, 0) : undefined;
    const top = calls
      ? [...calls]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 4)
          .map(([name, n]) => `${name} ${n.toFixed(3)}`)
          .join(', ')
      : 'strace not installed';
    console.log(
      `${s.name.padEnd(11)} ${String(Math.round(median(r.map((x) => x.rps)))).padStart(7)} (${r.map((x) => Math.round(x.rps)).join(', ')})`.padEnd(45) +
        `${median(r.map((x) => x.userUs))
          .toFixed(2)
          .padStart(11)}  ${median(r.map((x) => x.systemUs))
          .toFixed(2)
          .padStart(13)}  ${total === undefined ? '' : total.toFixed(2)}: ${top}`,
    );
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}
