#!/usr/bin/env node
// Measures what each server design costs, side by side in one run: requests/s with keep-alive and
// with a new connection per request (wrk), OS threads and processes at 100 open connections, and
// CPU while idle. Usage: npm run measure:designs [-- blocking epoll ...] (needs wrk: apt-get install wrk).
//
// The server is pinned to CPU 0 and wrk to CPU 1 (taskset), so that they do not share a core. A 2 s
// wrk run warms each server up first and is not counted.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVER_NAMES } from '../dist/servers/catalogue.js';
import { spawnServer } from '../dist/targets/design-child.js';
import { childPids, clockTicksPerSecond, readStat, taskCount } from '../dist/system/proc.js';

const HTML = new URL('../html', import.meta.url).pathname;
const SECONDS = Number(process.env.MEASURE_SECONDS ?? 5);
const CLK_TCK = clockTicksPerSecond();

function requireWrk() {
  if (spawnSync('wrk', ['--version']).error) {
    console.error('measure-designs: wrk is not installed (apt-get install wrk)');
    process.exit(2);
  }
}

/** wrk's Requests/sec line, and its error counts. */
function wrk(url, connections, extra = [], seconds = SECONDS) {
  const out = execFileSync('taskset', ['-c', '1', 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, ...extra, url], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const errors = /Socket errors: (.*)/.exec(out)?.[1] ?? 'none';
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0';
  return { rps, errors, non2xx };
}

/** The server and every descendant process. */
function tree(pid) {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) pids.push(...childPids(pids[i]));
  return pids;
}

function cpuTicks(pids) {
  return pids.reduce((ticks, pid) => {
    try {
      const { utime, stime } = readStat(pid);
      return ticks + utime + stime;
    } catch {
      return ticks; // exited
    }
  }, 0);
}

/** Proportional set size: shared pages are split between the processes that share them, so a
 * sum over the tree does not count Node's shared code once per child. */
function pssBytes(pids) {
  return pids.reduce((sum, pid) => {
    try {
      const kb = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1];
      return sum + Number(kb ?? 0) * 1024;
    } catch {
      return sum;
    }
  }, 0);
}

function threads(pids) {
  return pids.reduce((n, pid) => {
    try {
      return n + taskCount(pid);
    } catch {
      return n; // exited
    }
  }, 0);
}

/** Opens `count` keep-alive connections, each sending one request, and waits until every one is
 * answered or answers stop coming for 5 s (the blocking server answers only the first; worker start-ups
 * sharing one core all finish late). */
async function openConnections(host, port, count) {
  const sockets = [];
  const started = Date.now();
  let answered = 0;
  let lastAnswerMs = 0;
  for (let i = 0; i < count; i++) {
    const socket = connect({ host, port });
    socket.on('error', () => {});
    socket.once('data', () => {
      answered++;
      lastAnswerMs = Date.now() - started;
    });
    socket.write('GET /index.html HTTP/1.1\r\nHost: m\r\n\r\n');
    sockets.push(socket);
  }
  let last = -1;
  let lastChange = Date.now();
  while (answered < count && Date.now() - lastChange < 5000 && Date.now() - started < 30_000) {
    if (answered !== last) [last, lastChange] = [answered, Date.now()];
    await sleep(100);
  }
  return { sockets, answered, lastAnswerMs };
}

/** Runs one phase on a fresh server pinned to CPU 0: a phase that overloads the process or thread
 * server leaves a backlog of worker start-ups that would otherwise land in the next phase. */
async function withServer(name, phase) {
  const server = await spawnServer(name, HTML, ['--idle-timeout', '30']);
  try {
    spawnSync('taskset', ['-a', '-pc', '0', String(server.pid)]);
    await sleep(500);
    return await phase(server, `${server.url}/index.html`);
  } finally {
    await server.stop();
  }
}

async function measure(name) {
  const idle = await withServer(name, async (server) => {
    const before = cpuTicks(tree(server.pid));
    await sleep(2000);
    return { cpu: ((cpuTicks(tree(server.pid)) - before) / CLK_TCK / 2) * 100, threads: threads(tree(server.pid)) };
  });
  // Each wrk run follows a 2 s warm-up run that is not counted (JIT, page cache).
  const keepAlive = await withServer(name, (_, url) => (wrk(url, 50, [], 2), wrk(url, 50)));
  const close = await withServer(name, (_, url) => (wrk(url, 10, ['-H', 'Connection: close'], 2), wrk(url, 10, ['-H', 'Connection: close'])));
  const at100 = await withServer(name, async (server) => {
    const { hostname, port } = new URL(server.url);
    const restPss = pssBytes(tree(server.pid));
    const cpuBefore = cpuTicks(tree(server.pid));
    const opened = await openConnections(hostname, Number(port), 100);
    const pids = tree(server.pid);
    const cpuMsPerConnection = ((cpuTicks(pids) - cpuBefore) * (1000 / CLK_TCK)) / Math.max(opened.answered, 1);
    const pssMiB = (pssBytes(pids) - restPss) / 2 ** 20;
    for (const s of opened.sockets) s.destroy();
    return { threads: threads(pids), processes: pids.length, answered: opened.answered, ms: opened.lastAnswerMs, cpuMsPerConnection, pssMiB };
  });
  return { name, idleCpu: idle.cpu, restThreads: idle.threads, keepAlive, close, at100 };
}

requireWrk();
const wanted = process.argv.slice(2).filter((a) => a !== '--');
const names = wanted.length > 0 ? wanted : SERVER_NAMES;
console.log(`measure-designs: ${names.join(', ')}; ${SECONDS} s per wrk run; server on CPU 0, wrk on CPU 1; ${new Date().toISOString()}\n`);
console.log(
  '| server | rps keep-alive (50 conns) | rps new connection per request (10 conns) | idle CPU | threads at rest | 100 new conns: answered, in ms | server CPU per answered new conn | threads / processes at 100 conns | memory added by 100 conns (PSS) |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const name of names) {
  const r = await measure(name);
  const note = (w) => (w.errors !== 'none' || w.non2xx !== '0' ? ` (errors: ${w.errors}; non-2xx: ${w.non2xx})` : '');
  console.log(
    `| ${r.name} | ${Math.round(r.keepAlive.rps)}${note(r.keepAlive)} | ${Math.round(r.close.rps)}${note(r.close)} | ${r.idleCpu.toFixed(0)}% | ${r.restThreads} | ${r.at100.answered}, ${r.at100.ms} | ${r.at100.cpuMsPerConnection.toFixed(1)} ms | ${r.at100.threads} / ${r.at100.processes} | ${r.at100.pssMiB.toFixed(0)} MiB |`,
  );
}
