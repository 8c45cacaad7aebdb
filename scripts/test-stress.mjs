#!/usr/bin/env node
// npm run test:stress: does the suite hold on a loaded machine? It runs npm test's own test command
// (package.json's "test" script, after its build step) N times, each run beside a CPU hog on every
// core: a busy loop per core that it starts and always stops, so that every test shares the CPUs
// with work it did not ask for, as on a busy CI host. It prints each run's pass, fail and skip counts,
// every failure with its first error line, and the slowest tests over all runs.
// It exits 1 when any test failed in any run, 2 on bad usage.
//
// Usage: npm run test:stress -- [--runs N] [--hogs N] [--slowest N] [--keep-logs] [FILE...]
//   FILE       compiled test files to run instead of the whole suite (e.g. dist/test/peers.test.js)
//   --runs     whole-suite runs (default 3)
//   --hogs     busy loops beside each run (default: one per core; 0 runs the suite alone)
//   --slowest  how many of the slowest tests to list (default 10)
//   --keep-logs  keep each run's full spec output and event file (their paths are printed)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, openSync, closeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const REPORTER = join(ROOT, 'scripts', 'test-events-reporter.mjs');

function usage(message) {
  process.stderr.write(`test:stress: ${message}\nusage: npm run test:stress -- [--runs N] [--hogs N] [--slowest N] [--keep-logs] [FILE...]\n`);
  process.exit(2);
}

function count(value, flag, min) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) usage(`${flag} must be a whole number of at least ${min}, got ${JSON.stringify(value)}`);
  return n;
}

let values;
let files;
try {
  ({ values, positionals: files } = parseArgs({
    options: { runs: { type: 'string' }, hogs: { type: 'string' }, slowest: { type: 'string' }, 'keep-logs': { type: 'boolean' } },
    strict: true,
    allowPositionals: true,
  }));
} catch (err) {
  if (err.code?.startsWith('ERR_PARSE_ARGS_')) usage(err.message);
  throw err;
}
const runs = count(values.runs, '--runs', 1) ?? 3;
const hogs = count(values.hogs, '--hogs', 0) ?? availableParallelism();
const slowest = count(values.slowest, '--slowest', 0) ?? 10;

/**
 * npm test's test command, without its build step, so that the stress runs test exactly what npm
 * test tests; with FILEs, its options and those files.
 */
function testCommand() {
  const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.test;
  const words = script.split('&&').at(-1).trim().split(/\s+/);
  if (words[0] !== 'node' || words[1] !== '--test') throw new Error(`package.json's test script does not end in "node --test ...": ${script}`);
  const args = words.slice(1);
  return files.length === 0 ? args : [...args.filter((word) => word.startsWith('--')), ...files];
}

/**
 * A busy loop on a core of its own. It checks every few milliseconds that its parent still lives,
 * so that even a stress run that is killed outright leaves no hog behind.
 */
function startHog() {
  const parent = process.pid;
  const loop = `for (;;) { for (let i = 0; i < 1e7; i++); if (process.ppid !== ${parent}) process.exit(0); }`;
  return spawn(process.execPath, ['-e', loop], { stdio: 'ignore' });
}

const children = new Set();
function stopAll() {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopAll();
    process.exit(130);
  });
}

/** One run of the suite beside `hogs` busy loops; its events, wall time and log paths. */
async function runSuite(dir, index) {
  const events = join(dir, `run-${index}.jsonl`);
  const log = join(dir, `run-${index}.log`);
  const [test, ...rest] = testCommand();
  const args = [
    test,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${REPORTER}`,
    `--test-reporter-destination=${events}`,
    ...rest,
  ];
  const hogProcesses = Array.from({ length: hogs }, startHog);
  for (const hog of hogProcesses) children.add(hog);
  const started = Date.now();
  try {
    const out = openSync(log, 'w'); // the spec output and anything the runner says on stderr
    const suite = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', out, out] });
    children.add(suite);
    const code = await new Promise((resolve) => suite.on('close', resolve));
    children.delete(suite);
    closeSync(out);
    const records = readFileSync(events, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    namePaths(records);
    return { code, seconds: (Date.now() - started) / 1000, records, log, events };
  } finally {
    for (const hog of hogProcesses) {
      hog.kill('SIGKILL');
      children.delete(hog);
    }
  }
}

/**
 * Names each record by its file and its suites' names: tests made in a loop share a name, and only
 * their suites tell them apart. A suite's event follows its tests' events, in its file's order.
 */
function namePaths(records) {
  const waiting = new Map(); // file -> records whose suites have not all been seen
  for (const r of records) {
    r.path = [r.name];
    r.named = new Set();
    const before = waiting.get(r.file) ?? [];
    if (r.suite) {
      for (const w of before) {
        if (w.nesting > r.nesting && !w.named.has(r.nesting)) {
          w.path.unshift(r.name);
          w.named.add(r.nesting);
        }
      }
    }
    before.push(r);
    waiting.set(r.file, before);
  }
}

const where = (r) => [r.file ? r.file.replace(`${ROOT}/dist/`, '') : '?', ...r.path].join(' › ');

const dir = mkdtempSync(join(tmpdir(), 'http-lab-stress-'));
console.log(
  `test:stress: ${runs} run${runs === 1 ? '' : 's'} of ${files.length === 0 ? 'the suite' : files.join(' ')}, each beside ${hogs} busy loop${hogs === 1 ? '' : 's'} (${availableParallelism()} cores)`,
);
const durations = new Map(); // test -> its duration in each run
let failedRuns = 0;
let failures = 0;
for (let i = 1; i <= runs; i++) {
  const run = await runSuite(dir, i);
  const tests = run.records.filter((r) => !r.suite);
  const by = (outcome) => tests.filter((r) => r.outcome === outcome);
  const failed = run.records.filter((r) => r.outcome === 'fail' && (!r.suite || r.error !== null));
  const failedTests = by('fail');
  console.log(
    `run ${i}/${runs}: ${by('pass').length} passed, ${failedTests.length} failed, ${by('skip').length} skipped, ${by('todo').length} todo in ${run.seconds.toFixed(0)} s (exit ${run.code})`,
  );
  for (const r of failed) console.log(`  FAIL ${where(r)}${r.error ? `: ${r.error}` : ''}`);
  if (run.code !== 0 || failed.length > 0) {
    failedRuns++;
    console.log(`  full output: ${run.log}`);
  }
  failures += failedTests.length;
  for (const r of tests) {
    const key = where(r);
    if (!durations.has(key)) durations.set(key, []);
    durations.get(key).push(r.durationMs);
  }
}

if (slowest > 0) {
  console.log(`\nslowest tests (the longest of ${runs} run${runs === 1 ? '' : 's'}, then each run's):`);
  const rows = [...durations].map(([key, ms]) => ({ key, ms, max: Math.max(...ms) })).sort((a, b) => b.max - a.max);
  for (const { key, ms, max } of rows.slice(0, slowest)) {
    console.log(`  ${(max / 1000).toFixed(1).padStart(6)} s  [${ms.map((m) => (m / 1000).toFixed(1)).join(', ')}]  ${key}`);
  }
}
console.log(`\ntest:stress: ${failures} failed test${failures === 1 ? '' : 's'} in ${failedRuns} of ${runs} run${runs === 1 ? '' : 's'}`);
if (values['keep-logs'] || failedRuns > 0) console.log(`logs kept in ${dir}`);
else rmSync(dir, { recursive: true, force: true });
process.exit(failedRuns > 0 ? 1 : 0);
