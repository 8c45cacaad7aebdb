#!/usr/bin/env node
// npm run c10k: the C10K problem on the event-driven servers. For each of epoll, uring (where the
// kernel allows io_uring) and async: start it,
// open 10,000 keep-alive connections (C10K_CONNECTIONS), send a GET on every one and check each
// answer byte for byte, keep them all open and idle, then ask again on every one. It reports the
// errors (goal 0) and the server's memory per idle connection: (PSS with all connections open and
// answered − PSS before the first) ÷ connections (goal for epoll: at most 4 KiB), its RSS beside.
// PSS (smaps_rollup) counts each page once; for these one-process servers it is close to RSS.
// The fd limit is raised here (prlimit on this process; the servers inherit it), not by hand.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { findServer } from '../dist/servers/catalogue.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const CONNECTIONS = Number(process.env.C10K_CONNECTIONS ?? 10_000);
const uringRefused = await findServer('uring').refusal();
if (uringRefused !== undefined && process.env.C10K_TARGETS === undefined) process.stderr.write(`c10k: uring left out: ${uringRefused}\n`);
const TARGETS = (process.env.C10K_TARGETS ?? `epoll ${uringRefused === undefined ? 'uring ' : ''}async`).split(/\s+/).filter(Boolean);
const body = readFileSync(join(ROOT, 'html', 'index.html'));
const say = (line) => process.stderr.write(`c10k: ${line}\n`);

// Two fds per connection on this machine (ours and the server's, in two processes), plus room.
const want = CONNECTIONS + 1024;
const limit = spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${want}:${want}`], { encoding: 'utf8' });
if (limit.status !== 0) {
  process.stderr.write(
    `c10k: cannot raise the fd limit to ${want} (prlimit: ${limit.stderr.trim() || limit.error?.message}); run as root or raise the hard limit\n`,
  );
  process.exit(2);
}

const rssBytes = (pid) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const pssBytes = (pid) => Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) * 1024;

function start(target) {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--target', target, '--port', '0', '--backlog', '4096', '--idle-timeout', '600', '--parent-pid', String(process.pid)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${target} exited with ${code}`)));
    child.stdout.on('data', (d) => {
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(d.toString());
      if (m) resolve({ child, port: Number(m[1]) });
    });
  });
}

/** One request on a socket; resolves true when exactly one 200 with the file's bytes came back. */
function ask(socket) {
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    const expected = `HTTP/1.1 200`;
    const timer = setTimeout(() => done(false), 30_000);
    const onData = (chunk) => {
      got = Buffer.concat([got, chunk]);
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(got.subarray(0, end).toString('latin1'))?.[1]);
      if (got.length < end + 4 + length) return;
      done(got.subarray(0, expected.length).toString() === expected && got.subarray(end + 4, end + 4 + length).equals(body) && got.length === end + 4 + length);
    };
    const onEnd = () => done(false);
    function done(ok) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onEnd);
      resolve(ok);
    }
    socket.on('data', onData);
    socket.once('close', onEnd);
    socket.write('GET /index.html HTTP/1.1\r\nHost: c10k\r\n\r\n');
  });
}

const results = [];
for (const target of TARGETS) {
  const { child, port } = await start(target);
  try {
    await sleep(500);
    const before = rssBytes(child.pid);
    const pssBefore = pssBytes(child.pid);
    say(`${target}: opening ${CONNECTIONS} connections`);
    const sockets = [];
    let connectErrors = 0;
    // in batches, as clients arrive: a SYN flood of 10,000 at once only measures the backlog
    for (let i = 0; i < CONNECTIONS; i += 500) {
      const batch = Array.from(
        { length: Math.min(500, CONNECTIONS - i) },
        () =>
          new Promise((resolve) => {
            const s = connect(port, '127.0.0.1', () => resolve(s));
            s.once('error', () => {
              connectErrors++;
              resolve(undefined);
            });
          }),
      );
      for (const s of await Promise.all(batch)) if (s) sockets.push(s);
    }
    const first = await Promise.all(sockets.map(ask));
    await sleep(1000);
    const open = rssBytes(child.pid);
    const pssOpen = pssBytes(child.pid);
    const second = await Promise.all(sockets.map(ask));
    const failed = first.filter((ok) => !ok).length + second.filter((ok) => !ok).length;
    const r = {
      target,
      connections: sockets.length,
      connectErrors,
      failedResponses: failed,
      rssBeforeMiB: before / 2 ** 20,
      rssOpenMiB: open / 2 ** 20,
      bytesPerConnection: Math.round((open - before) / sockets.length),
      pssBeforeMiB: pssBefore / 2 ** 20,
      pssOpenMiB: pssOpen / 2 ** 20,
      pssPerConnection: Math.round((pssOpen - pssBefore) / sockets.length),
    };
    results.push(r);
    say(
      `${target}: ${r.connections} connections, ${connectErrors} connect errors, ${failed} failed responses of ${2 * sockets.length}; PSS ${r.pssBeforeMiB.toFixed(1)} → ${r.pssOpenMiB.toFixed(1)} MiB, ${r.pssPerConnection} B per connection; RSS ${r.rssBeforeMiB.toFixed(1)} → ${r.rssOpenMiB.toFixed(1)} MiB, ${r.bytesPerConnection} B per connection`,
    );
    for (const s of sockets) s.destroy();
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}
process.stdout.write(`npm run c10k: ${CONNECTIONS} keep-alive connections, two requests on each\n`);
for (const r of results) {
  process.stdout.write(
    `  ${r.target.padEnd(6)} errors ${r.connectErrors + r.failedResponses} (goal 0); ${(r.pssPerConnection / 1024).toFixed(2)} KiB PSS per idle connection${r.target === 'epoll' || r.target === 'uring' ? ' (goal ≤ 4 KiB)' : ''} (RSS: ${(r.bytesPerConnection / 1024).toFixed(2)} KiB)\n`,
  );
}
process.exit(results.every((r) => r.connectErrors + r.failedResponses === 0) ? 0 : 1);
