#!/usr/bin/env node
// npm run bench:compare: issue 9's comparisons in one go, each a ratio measured side by side in one
// run, printed against its target.
// - the epoll server ÷ nginx (one worker, sendfile on), ÷ nginx tuned as its users tune it
//   (open_file_cache, sendfile off, access_log off), ÷ Node's http module (cached Buffers) and
//   ÷ a minimal C epoll loop (the practical ceiling): keepalive, 50 connections, wrk where it is
//   installed (autocannon otherwise, which then bounds every figure), servers pinned to CPU 0 and
//   the generator to the others;
// - the io_uring server ÷ epoll on keepalive, pipeline and many, and ÷ tuned nginx, where the
//   kernel allows io_uring;
// - the core parser ÷ llhttp on a browser GET and on 16 pipelined GETs (tinybench, npm run bench);
// - the thread and process servers with a new connection per request, against the figures Python's
//   threading and forking servers reach here (issue 9: about 880 and 140 rps), and python3 -m
//   http.server measured in the same run.
// Environment: COMPARE_SECONDS (5) per run, COMPARE_RUNS (3).
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { buildYardstick } from './build-yardstick.mjs';
import { findServer } from '../dist/servers/catalogue.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const SECONDS = process.env.COMPARE_SECONDS ?? '5';
const RUNS = process.env.COMPARE_RUNS ?? '3';
const say = (line) => process.stderr.write(`bench:compare: ${line}\n`);

buildYardstick();

const haveWrk = spawnSync('wrk', ['--version']).error === undefined;
if (!haveWrk) say('wrk is not installed (apt-get install wrk): autocannon drives the load, and is likely the bottleneck');
const engine = haveWrk ? ['--engine', 'wrk'] : [];

function bench(args) {
  say(`http-lab bench ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [CLI, 'bench', ...args, '--format', 'json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`bench exited ${r.status}`);
  return JSON.parse(r.stdout);
}

const rps = (report, target, scenario) => report.results.find((r) => r.target === target && r.scenario === scenario)?.median.rps ?? 0;
const rows = [];
const row = (what, value, goal, met, note = '') => rows.push({ what, value, goal, met, note });

const uringRefused = await findServer('uring').refusal();
if (uringRefused !== undefined) say(`uring left out: ${uringRefused}`);
const uring = uringRefused === undefined ? ['uring'] : [];

const servers = bench([
  '--target',
  'epoll',
  ...uring,
  'nginx',
  'nginx-tuned',
  'node',
  'yardstick',
  ...engine,
  '--pin',
  '--scenario',
  'keepalive',
  '--duration',
  SECONDS,
  '--runs',
  RUNS,
  '--warmup',
  '2',
]);
const epoll = rps(servers, 'epoll', 'keepalive');
const gen = servers.results.find((r) => r.target === 'epoll')?.generatorBound ? ' (generator-bound)' : '';
row(
  'epoll ÷ nginx, keepalive',
  epoll / rps(servers, 'nginx', 'keepalive'),
  '≥ 1.0',
  epoll / rps(servers, 'nginx', 'keepalive') >= 1,
  `${Math.round(epoll)} vs ${Math.round(rps(servers, 'nginx', 'keepalive'))} rps${gen}`,
);
row(
  'epoll ÷ tuned nginx, keepalive',
  epoll / rps(servers, 'nginx-tuned', 'keepalive'),
  '≥ 1.0',
  epoll / rps(servers, 'nginx-tuned', 'keepalive') >= 1,
  `${Math.round(rps(servers, 'nginx-tuned', 'keepalive'))} rps (open_file_cache, sendfile off, access_log off)`,
);
if (uring.length > 0) {
  const ratio = rps(servers, 'uring', 'keepalive') / epoll;
  row('uring ÷ epoll, keepalive', ratio, '≥ 1.0', ratio >= 1, `${Math.round(rps(servers, 'uring', 'keepalive'))} rps`);
  const tuned = rps(servers, 'uring', 'keepalive') / rps(servers, 'nginx-tuned', 'keepalive');
  row('uring ÷ tuned nginx, keepalive', tuned, '≥ 1.0', tuned >= 1);
  // pipeline and many: where batching many operations per io_uring_enter should pay most. Beside
  // many, the C loop is the ceiling of the load: where it is generator-bound, so is the ratio (it
  // does not answer pipelined requests, so it sits out pipeline).
  const loaded = (scenario, extra) =>
    bench(['--target', 'epoll', 'uring', ...extra, ...engine, '--pin', '--scenario', scenario, '--duration', SECONDS, '--runs', RUNS, '--warmup', '2']);
  for (const [scenario, report] of [
    ['pipeline', loaded('pipeline', [])],
    ['many', loaded('many', ['yardstick'])],
  ]) {
    const r = rps(report, 'uring', scenario) / rps(report, 'epoll', scenario);
    const ceiling = report.results.find((x) => x.target === 'yardstick');
    const note = ceiling === undefined ? '' : `; C loop ${Math.round(ceiling.median.rps)} rps${ceiling.generatorBound ? ', generator-bound' : ''}`;
    row(
      `uring ÷ epoll, ${scenario}`,
      r,
      '≥ 1.15',
      r >= 1.15,
      `${Math.round(rps(report, 'uring', scenario))} vs ${Math.round(rps(report, 'epoll', scenario))} rps${note}`,
    );
  }
}
row(
  "epoll ÷ Node's http (cached Buffer)",
  epoll / rps(servers, 'node', 'keepalive'),
  '≥ 1.3',
  epoll / rps(servers, 'node', 'keepalive') >= 1.3,
  `${Math.round(rps(servers, 'node', 'keepalive'))} rps`,
);
row(
  'epoll ÷ C epoll loop (stretch)',
  epoll / rps(servers, 'yardstick', 'keepalive'),
  '≥ 0.95',
  epoll / rps(servers, 'yardstick', 'keepalive') >= 0.95,
  `${Math.round(rps(servers, 'yardstick', 'keepalive'))} rps`,
);

say('npm run bench (tinybench)');
const micro = JSON.parse(
  execFileSync(process.execPath, [join(ROOT, 'dist', 'bench', 'micro.js'), '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
);
for (const c of micro.comparisons) row(`parser ÷ llhttp, ${c.name}`, c.ratio, '≥ 1.0', c.ratio >= 1);

const designs = bench([
  '--target',
  'thread',
  'process',
  'python',
  ...engine,
  '--scenario',
  'close',
  'keepalive',
  '--duration',
  SECONDS,
  '--runs',
  RUNS,
  '--warmup',
  '1',
]);
for (const [target, goal] of [
  ['thread', 880],
  ['process', 140],
]) {
  const close = rps(designs, target, 'close');
  row(
    `${target}, new connection per request (rps)`,
    close,
    `≥ ${goal}`,
    close >= goal,
    `keep-alive ${Math.round(rps(designs, target, 'keepalive'))} rps; python3 -m http.server (threads, HTTP/1.0) ${Math.round(rps(designs, 'python', 'close'))} rps`,
  );
}

const m = servers.machine;
process.stdout.write(
  `npm run bench:compare on ${m.cpus} × ${m.cpuModel}, Node ${m.node}, Linux ${m.kernel}; load by ${servers.generator.engine} ${servers.generator.version}${servers.generator.pinned ? `, servers on CPU ${servers.generator.pinned.servers}, generator on CPU ${servers.generator.pinned.generator}` : ''}\n\n`,
);
const width = Math.max(...rows.map((r) => r.what.length));
for (const r of rows) {
  const value = r.value >= 10 ? Math.round(r.value).toLocaleString('en-US') : `${r.value.toFixed(2)}×`;
  process.stdout.write(`${r.what.padEnd(width)}  ${value.padStart(8)}  goal ${r.goal.padEnd(6)} ${r.met ? 'met ' : 'MISSED'}  ${r.note}\n`);
}
