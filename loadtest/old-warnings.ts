// Bench results written by earlier versions, read into today's model. This is the one place that
// knows old documents:
// - results written before warnings had codes hold each warning as its sentence alone: an old one
//   gets its code by the words every sentence of that kind has started with since http-lab first
//   wrote it;
// - a bench@1 run has no timeline and no PSS (it summed RSS only), and every bench@1 result is of
//   the closed model.
import type { BenchResult, BenchRun, BenchWarning, WarningCode } from './types.js';

const LITTLES_LAW = /^run (\d+): Little's law /;

const STARTS: ReadonlyArray<readonly [string, Exclude<WarningCode, 'littles-law' | 'stall'>]> = [
  ['generator-bound: ', 'generator-bound'],
  ['noisy: ', 'noisy'],
  ['one run: ', 'one-run'],
  ['failures: ', 'failures'],
  ['server CPU and memory unknown: ', 'resources-unknown'],
  ['the server closes the connection after each response ', 'closes-connections'],
];

/** The coded warning an old sentence stands for; undefined for a sentence http-lab never wrote. */
export function warningFromSentence(message: string): BenchWarning | undefined {
  const littlesLaw = LITTLES_LAW.exec(message);
  if (littlesLaw) return { code: 'littles-law', message, run: Number(littlesLaw[1]) };
  const code = STARTS.find(([start]) => message.startsWith(start))?.[1];
  return code === undefined ? undefined : { code, message };
}

/** A bench@1 result (or one of a results@1 document written then) as a bench@2 one: the closed model,
 * no timeline, PSS unknown. Fields a bench@2 result already has are kept. */
export function resultFromV1(r: Omit<BenchResult, 'model' | 'warnings'> & Partial<Pick<BenchResult, 'model'>>): Omit<BenchResult, 'warnings'> {
  const run = (x: BenchRun): BenchRun => ({
    ...x,
    timeline: x.timeline ?? [],
    serverPssBytes: x.serverPssBytes ?? null,
    serverPssAtRestBytes: x.serverPssAtRestBytes ?? null,
  });
  return { ...r, model: r.model ?? 'closed', runs: r.runs.map(run), median: run(r.median) };
}
