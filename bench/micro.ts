// Micro-benchmarks (npm run bench): the core's request parser against Node's llhttp on the same
// bytes in the same tinybench run, and the static resolver on a cache hit.
//
//   node dist/bench/micro.js [--json] [--time MS] [--docroot DIR]
//
// How it times:
// - Each tinybench sample times a batch of back-to-back operations and records their mean. One
//   operation (about 250 ns for a resolver hit) is too short to time alone, because reading the
//   clock costs tens of nanoseconds.
// - Each case's time is split into ROUNDS tinybench tasks, added round by round (core, llhttp, ...,
//   core, llhttp, ...). When other work on a small shared machine slows a second or two, it then
//   slows both sides of a pair instead of only the one that happened to be running. A case's
//   figures pool the samples of all its rounds.
// Exit codes as elsewhere in the lab: 0 measured, 1 a case failed its check (no figures are
// printed), 2 bad usage.
import { cpus } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { bundledDocroot } from '../system/package.js';
import { buildSuite, type Case } from './cases.js';
import { SCHEMA, compare, renderText, summarize, type Machine, type MicrobenchReport, type TaskFigures } from './report.js';

const DEFAULT_TIME_MS = 3000;
const ROUNDS = 6;
/** run before a case is calibrated and timed, so that it is timed as optimised code */
const WARMUP_MS = 250;
/** long enough to dwarf the clock read, short enough to give thousands of samples */
const SAMPLE_TARGET_US = 100;

function usage(reason: string): never {
  process.stderr.write(`http-lab bench: ${reason}\n`);
  process.exit(2);
}

/** Warms a case up, then returns how many operations make one sample of about SAMPLE_TARGET_US. */
function warmAndCalibrate(c: Case): number {
  let n = 1;
  for (const until = performance.now() + WARMUP_MS; performance.now() < until; n = Math.min(n * 2, 1024)) c.run(n);
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    c.run(n);
    best = Math.min(best, (performance.now() - t0) / n);
  }
  return Math.max(1, Math.round(SAMPLE_TARGET_US / 1000 / best));
}

function machine(): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
  };
}

function fail(reason: string): never {
  process.stderr.write(`http-lab bench: ${reason}\n`);
  process.exit(1);
}

function main(): void {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        time: { type: 'string' },
        docroot: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }));
  } catch (err) {
    usage((err as Error).message);
  }
  if (values.help) {
    process.stdout.write('usage: node dist/bench/micro.js [--json] [--time MS per task, default 3000] [--docroot DIR]\n');
    return;
  }
  const timeMs = values.time === undefined ? DEFAULT_TIME_MS : Number(values.time);
  if (!Number.isFinite(timeMs) || timeMs <= 0) usage(`--time must be a positive number of milliseconds, not "${values.time}"`);
  let docroot = values.docroot;
  try {
    docroot ??= bundledDocroot();
  } catch (err) {
    usage((err as Error).message);
  }
  if (!existsSync(join(docroot, 'index.html'))) usage(`no index.html in the docroot ${docroot}`);

  const suite = buildSuite(docroot);
  for (const c of suite.cases) {
    try {
      c.check();
    } catch (err) {
      fail(`${c.name}: check failed, nothing was timed: ${(err as Error).message}`);
    }
  }
  if (!values.json) {
    const seconds = Math.ceil((suite.cases.length * (timeMs + WARMUP_MS + 100)) / 1000);
    process.stderr.write(`running ${suite.cases.length} tasks, about ${seconds} s...\n`);
  }
  const batch = new Map(suite.cases.map((c) => [c.id, warmAndCalibrate(c)]));

  // Warm-up is done above, once per case; tinybench's own would run again in every round.
  const bench = new Bench({ time: timeMs / ROUNDS, warmup: false, retainSamples: true, throws: true });
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of suite.cases) {
      const n = batch.get(c.id)!;
      bench.add(`${c.id}#${round}`, () => {
        const t0 = performance.now();
        c.run(n);
        const ms = performance.now() - t0;
        // The sample is the mean of the batch; the whole batch counts against the time budget.
        return { overriddenDuration: ms / n, overriddenIterationCost: ms };
      });
    }
  }
  const fsCallsBefore = suite.resolverFsCalls();
  bench.runSync();
  const fsCallsWhileTimed = suite.resolverFsCalls() - fsCallsBefore;

  const tasks: TaskFigures[] = suite.cases.map((c) => {
    const samplesMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const result = bench.getTask(`${c.id}#${round}`)!.result;
      if (result.state !== 'completed') {
        fail(`${c.name}: ${result.state}${result.state === 'errored' ? `: ${result.error.message}` : ''}`);
      }
      for (const ms of result.latency.samples ?? []) samplesMs.push(ms);
    }
    const s = summarize(samplesMs.map((ms) => ms * 1e6));
    return {
      id: c.id,
      name: c.name,
      opsPerSec: 1e9 / s.mean,
      meanNs: s.mean,
      p50Ns: s.p50,
      p99Ns: s.p99,
      rmePercent: s.rme,
      samples: s.count,
      opsPerSample: batch.get(c.id)!,
      requestsPerOp: c.requestsPerOp,
    };
  });

  const report: MicrobenchReport = {
    schema: SCHEMA,
    createdAt: new Date().toISOString(),
    machine: machine(),
    settings: { timeMs, rounds: ROUNDS, warmupMs: WARMUP_MS, sampleTargetUs: SAMPLE_TARGET_US },
    llhttpVia: suite.llhttpVia,
    tasks,
    comparisons: suite.pairs.map((p) => compare(tasks, p)),
    resolverFsCallsWhileTimed: fsCallsWhileTimed,
  };
  process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : renderText(report));
}

main();
