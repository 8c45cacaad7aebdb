#!/usr/bin/env node
// npm run noise: how much do the lab's load figures move, and does pinning help? The lab's default
// load (the six designs, keepalive and close, 3 runs of 2 s after 1 s of warm-up) is run through
// `http-lab bench` as a user would, alternately with the servers and the generator sharing the
// CPUs and pinned apart (`--pin`), NOISE_REPEATS times each (default 3), so that drift of the
// machine hits both alike. For each setting it prints:
// - the rps range of a row's runs as a share of their median (what flags a row noisy, over 10%);
// - how many rows were flagged noisy, and how many generator-bound;
// - how far the row's median moved between repeats (range ÷ median of the medians);
// - whether the order of the designs by median rps changed between repeats.
// Environment: NOISE_REPEATS, NOISE_DURATION (2), NOISE_RUNS (3), NOISE_SETTINGS (shared,pinned).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const REPEATS = Number(process.env.NOISE_REPEATS ?? 3);
const DURATION = process.env.NOISE_DURATION ?? '2';
const RUNS = process.env.NOISE_RUNS ?? '3';
const SETTINGS = (process.env.NOISE_SETTINGS ?? 'shared,pinned').split(',');
const DESIGNS = ['blocking', 'process', 'thread', 'async', 'poll', 'epoll'];
const SCENARIOS = ['keepalive', 'close'];
const say = (line) => process.stdout.write(`${line}\n`);

function bench(pinned) {
  const args = [CLI, 'bench', '--target', ...DESIGNS, '--scenario', ...SCENARIOS, '--duration', DURATION, '--runs', RUNS, '--warmup', '1', '--format', 'json'];
  if (pinned) args.push('--pin');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 || code === 1 ? resolve(JSON.parse(out).results) : reject(new Error(`bench exited ${code}`)))),
  );
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const relRange = (xs) => (Math.max(...xs) - Math.min(...xs)) / median(xs);
const pct = (x) => `${(100 * x).toFixed(1)}%`;

/** setting → repeat → results */
const collected = Object.fromEntries(SETTINGS.map((s) => [s, []]));
for (let r = 0; r < REPEATS; r++) {
  for (const setting of SETTINGS) {
    const started = Date.now();
    collected[setting].push(await bench(setting === 'pinned'));
    process.stderr.write(`noise: ${setting} repeat ${r + 1}/${REPEATS} took ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
}

say(`${REPEATS} repeats of: bench --target ${DESIGNS.join(' ')} --scenario ${SCENARIOS.join(' ')} --duration ${DURATION} --runs ${RUNS} --warmup 1 [--pin]`);
for (const scenario of SCENARIOS) {
  say('');
  say(`## ${scenario}`);
  say(`| design | ${SETTINGS.map((s) => `${s}: median rps | runs' range (median of repeats) | medians' range`).join(' | ')} |`);
  say(`|---|${SETTINGS.map(() => '---:|---:|---:').join('|')}|`);
  for (const design of DESIGNS) {
    const cells = SETTINGS.map((setting) => {
      const rows = collected[setting].map((results) => results.find((x) => x.target === design && x.scenario === scenario));
      const medians = rows.map((x) => x.median.rps);
      const within = rows.map((x) => relRange(x.runs.map((run) => run.rps)));
      return `${Math.round(median(medians))} | ${pct(median(within))} | ${pct(relRange(medians))}`;
    });
    say(`| ${design} | ${cells.join(' | ')} |`);
  }
}
say('');
say('| setting | rows flagged noisy | generator-bound | order of the designs by rps, per repeat (keepalive) |');
say('|---|---:|---:|---|');
for (const setting of SETTINGS) {
  const all = collected[setting].flat();
  const noisy = all.filter((x) => x.warnings.some((w) => w.code === 'noisy')).length;
  const bound = all.filter((x) => x.generatorBound).length;
  const orders = collected[setting].map((results) =>
    results
      .filter((x) => x.scenario === 'keepalive')
      .sort((a, b) => b.median.rps - a.median.rps)
      .map((x) => x.target)
      .join(' > '),
  );
  say(`| ${setting} | ${noisy} of ${all.length} | ${bound} of ${all.length} | ${orders.join('<br>')} |`);
}
