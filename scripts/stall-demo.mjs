#!/usr/bin/env node
// npm run stall: coordinated omission, shown. The epoll server is stopped (SIGSTOP) for 1 s in the
// middle of a 4 s run, once under the closed model (autocannon, 50 connections: what `bench`
// measured before --rate) and once under the open model at a fixed rate (`bench --rate`), each
// run through `http-lab bench --url` as a user would. Then the generator's own precision: the open
// model without a stall at a few rates, its send lag (dispatch after the intended start) p50 and p99.
// Environment: STALL_RATE (1000) for the stalled open-model run.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const RATE = Number(process.env.STALL_RATE ?? 1000);
const say = (line) => process.stdout.write(`${line}\n`);

const server = spawn(process.execPath, [CLI, 'serve', '--target', 'epoll', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  server.stdout.on('data', (d) => {
    const m = /http:\/\/[\d.]+:\d+/.exec(String(d));
    if (m) resolve(m[0]);
  });
  server.on('exit', (code) => reject(new Error(`the epoll server exited (${code})`)));
});

/** Runs `http-lab bench --url` with `args`, stopping the server for 1 s from 1.5 s into the run when `stall`. */
async function benchRun(args, stall) {
  const child = spawn(process.execPath, [CLI, 'bench', '--url', url, '--duration', '4', '--runs', '1', '--warmup', '0', '--format', 'json', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  if (stall) {
    setTimeout(() => {
      server.kill('SIGSTOP');
      setTimeout(() => server.kill('SIGCONT'), 1000);
    }, 1500);
  }
  await new Promise((resolve) => child.on('exit', resolve));
  return JSON.parse(out).results[0];
}

const ms = (us) => `${(us / 1000).toFixed(us < 10_000 ? 2 : 0)} ms`;
try {
  const closed = await benchRun([], true);
  const c = closed.median;
  say(`closed model (autocannon, 50 connections), 1 s stall in a 4 s run:`);
  say(
    `  ${Math.round(c.rps)} rps; p50 ${ms(c.latencyUs.p50)}, p90 ${ms(c.latencyUs.p90)}, p99 ${ms(c.latencyUs.p99)}, p99.9 ${ms(c.latencyUs.p999)}, max ${ms(c.latencyUs.max)}`,
  );
  for (const w of closed.warnings.filter((x) => x.code === 'stall' || x.code === 'littles-law')) say(`  warning: ${w.message}`);

  const open = await benchRun(['--rate', String(RATE)], true);
  const o = open.median;
  say(`open model (--rate ${RATE}), the same stall:`);
  say(
    `  corrected (from the intended start):   p50 ${ms(o.latencyUs.p50)}, p90 ${ms(o.latencyUs.p90)}, p99 ${ms(o.latencyUs.p99)}, max ${ms(o.latencyUs.max)}`,
  );
  say(
    `  uncorrected (from the actual send):    p50 ${ms(o.uncorrectedLatencyUs.p50)}, p90 ${ms(o.uncorrectedLatencyUs.p90)}, p99 ${ms(o.uncorrectedLatencyUs.p99)}, max ${ms(o.uncorrectedLatencyUs.max)}`,
  );
  say(`  late ${o.late}, dropped ${o.dropped}; send lag p50 ${o.sendLagUs.p50} µs, p99 ${o.sendLagUs.p99} µs`);
  for (const w of open.warnings.filter((x) => x.code === 'stall' || x.code === 'late')) say(`  warning: ${w.message}`);

  say(`the generator's own precision, no stall (send lag: dispatch after the intended start):`);
  for (const rate of [200, 1000, 5000]) {
    const r = (await benchRun(['--rate', String(rate)], false)).median;
    say(`  --rate ${rate}: send lag p50 ${r.sendLagUs.p50} µs, p99 ${r.sendLagUs.p99} µs; generator CPU ${r.generatorCpuPct}% of a core`);
  }
} finally {
  server.kill('SIGCONT');
  server.kill('SIGTERM');
}
