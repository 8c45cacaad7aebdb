// Bench results written before warnings had codes hold each warning as its sentence alone. This is
// the one place that reads a warning's sentence: it gives an old one its code, by the words every
// sentence of that kind has started with since http-lab first wrote it.
import type { BenchWarning, WarningCode } from './types.js';

const LITTLES_LAW = /^run (\d+): Little's law /;

const STARTS: ReadonlyArray<readonly [string, Exclude<WarningCode, 'littles-law'>]> = [
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
