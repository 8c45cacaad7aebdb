// `npm run fuzz`: the core parser's properties (bench/parser-properties.ts) at fuzzing scale.
//
//   node dist/bench/fuzz.js [--runs N] [--property NAME] [--seed S [--path P]]
//
// --runs (or the FUZZ_RUNS variable) is the number of cases in all, shared equally by the
// properties run (default 1,000,000). It prints the cases run and the time per property; a failure
// prints its seed, path and shrunk counterexample, and --seed with --path replays it. Exit codes:
// 0 when every property held, 1 when one failed, 2 on bad usage.
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { PROPERTIES } from './parser-properties.js';

function usage(reason: string): never {
  process.stderr.write(`fuzz: ${reason}\n`);
  process.exit(2);
}

function integer(name: string, text: string): number {
  if (!/^-?\d+$/.test(text)) usage(`${name} must be an integer, not ${JSON.stringify(text)}`);
  return Number(text);
}

let args;
try {
  args = parseArgs({
    options: { runs: { type: 'string' }, property: { type: 'string' }, seed: { type: 'string' }, path: { type: 'string' } },
  }).values;
} catch (err) {
  usage((err as Error).message);
}

const total = integer('--runs', args.runs ?? process.env['FUZZ_RUNS'] ?? '1000000');
const chosen = args.property === undefined ? PROPERTIES : PROPERTIES.filter((p) => p.name === args.property);
if (chosen.length === 0) usage(`no property ${args.property}; there are ${PROPERTIES.map((p) => p.name).join(', ')}`);
if (total < chosen.length) usage(`--runs must be at least ${chosen.length}, one case per property`);
if (args.path !== undefined && args.seed === undefined) usage('--path replays a failure only with its --seed');

const params: fc.Parameters<unknown[]> = { includeErrorInReport: true };
if (args.seed !== undefined) params.seed = integer('--seed', args.seed);
if (args.path !== undefined) params.path = args.path;

const count = (n: number): string => n.toLocaleString('en-US');
console.log(`fuzzing the request parser: ${count(total)} cases over ${chosen.map((p) => p.name).join(', ')}`);
let failed = 0;
let cases = 0;
const started = performance.now();
for (const [k, { name, property }] of chosen.entries()) {
  const start = performance.now();
  const numRuns = Math.floor(total / chosen.length) + (k < total % chosen.length ? 1 : 0);
  const details = fc.check(property, { ...params, numRuns });
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  cases += details.numRuns;
  if (!details.failed) {
    console.log(`${name}: ${count(details.numRuns)} cases in ${seconds} s: held`);
    continue;
  }
  failed++;
  console.log(`${name}: FAILED after ${count(details.numRuns)} cases in ${seconds} s`);
  console.log(fc.defaultReportMessage(details));
  console.log(`replay: node dist/bench/fuzz.js --property ${name} --seed ${details.seed} --path ${details.counterexamplePath}`);
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`${count(cases)} cases in ${seconds} s: ${failed === 0 ? 'every property held' : `${failed} failed`}`);
process.exit(failed === 0 ? 0 : 1);
