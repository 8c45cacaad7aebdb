#!/usr/bin/env node
// npm run bench:engines: the same scenario on the epoll server, driven by each load engine, side by
// side in one run, each through `http-lab bench` as a user runs it:
// - at one fixed rate (ENGINES_RATE, 1000 requests per second): http-lab's open-model generator,
//   and Locust paced to the rate (constant_throughput) with 1 and with 2 workers;
// - autocannon's closed model, for reference (its rps is what the server gives, not a set rate).
// It prints how closely their rps, p50 and p99 agree, and each engine's CPU per request (the
// generator's CPU time over the requests it made). Environment: ENGINES_RATE, ENGINES_SECONDS (5),
// ENGINES_RUNS (3).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLocust } from '../dist/loadtest/locust.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const RATE = process.env.ENGINES_RATE ?? '1000';
const SECONDS = process.env.ENGINES_SECONDS ?? '5';
const RUNS = process.env.ENGINES_RUNS ?? '3';
const say = (line) => process.stderr.write(`bench:engines: ${line}\n`);

if (findLocust() === undefined) {
  say('Locust is not installed for python3 (apt-get install python3-locust)');
  process.exit(2);
}

function bench(args) {
  const all = ['bench', '--target', 'epoll', '--duration', SECONDS, '--runs', RUNS, '--warmup', '1', '--format', 'json', ...args];
  say(`http-lab ${all.join(' ')}`);
  const r = spawnSync(process.execPath, [CLI, ...all], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`bench exited ${r.status}`);
  return JSON.parse(r.stdout);
}

const engines = [
  { name: 'open model (http-lab)', args: ['--rate', RATE] },
  { name: 'Locust, 1 worker', args: ['--engine', 'locust', '--workers', '1', '--rate', RATE] },
  { name: 'Locust, 2 workers', args: ['--engine', 'locust', '--workers', '2', '--rate', RATE] },
  { name: 'autocannon, closed model', args: [] },
];
const rows = [];
let first;
for (const engine of engines) {
  const report = bench(engine.args);
  first ??= report;
  const m = report.results[0].median;
  rows.push({
    name: engine.name,
    version: report.generator.version,
    rps: m.rps,
    p50: m.latencyUs.p50,
    p99: m.latencyUs.p99,
    uncorrectedP99: m.uncorrectedLatencyUs?.p99,
    // the generator's CPU time per request it made, in µs
    cpuUs: ((m.generatorCpuPct / 100) * 1e6) / m.rps,
    failures: m.errors + m.timeouts + m.non2xx,
  });
}

const machine = first.machine;
process.stdout.write(
  `npm run bench:engines on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; the epoll server; ${RUNS} runs of ${SECONDS} s after 1 s of warm-up, medians; rate ${RATE} requests per second where set\n\n`,
);
process.stdout.write('| engine | rps | p50 | p99 | generator CPU per request | failures |\n|---|---:|---:|---:|---:|---:|\n');
const us = (x) => (x === undefined ? '' : x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${Math.round(x)} µs`);
for (const r of rows) {
  const p99 = r.uncorrectedP99 === undefined ? us(r.p99) : `${us(r.p99)} (uncorrected ${us(r.uncorrectedP99)})`;
  process.stdout.write(
    `| ${r.name} (${r.version}) | ${Math.round(r.rps).toLocaleString('en-US')} | ${us(r.p50)} | ${p99} | ${us(r.cpuUs)} | ${r.failures} |\n`,
  );
}
