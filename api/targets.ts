// What conform, bench, gate and lab share about targets: checking the names before anything
// starts, starting and measuring them with what went wrong said in one line and the exit code it
// means, and reading --url.
import { TargetGoneError } from '../loadtest/bench.js';
import type { BenchReport } from '../loadtest/types.js';
import { UnreachableError, VerificationError } from '../loadtest/verify.js';
import { findServer } from '../servers/catalogue.js';
import { measureTargets, type MeasureOptions } from '../targets/measure.js';
import { findPeer } from '../targets/peers.js';
import { PinError } from '../targets/pin.js';
import { findProgram, ProgramMissingError } from '../targets/programs.js';
import { TargetStartError, type RunningServer } from '../targets/running.js';
import { spawnTarget, TARGET_NAMES } from '../targets/spawn-target.js';
import { findYardstick } from '../targets/yardsticks.js';
import { HttpLabMeasuredFailure, HttpLabUsageError } from './errors.js';

/** Every name is known and every peer's program is installed; checked before any target starts. */
export function checkTargetNames(names: readonly string[]): void {
  for (const name of names) {
    const program = findPeer(name) ?? findYardstick(name);
    if (findServer(name) === undefined && program === undefined)
      throw new HttpLabUsageError(`unknown target "${name}" (built-in targets: ${TARGET_NAMES.join(', ')})`);
    if (program !== undefined) {
      try {
        findProgram(program);
      } catch (err) {
        if (!(err instanceof ProgramMissingError)) throw err;
        throw new HttpLabUsageError(err.message);
      }
    }
  }
}

/** Starts a built-in target; a start-up failure is an HttpLabUsageError (exit 2) in one line. */
export async function startTarget(name: string, docroot: string): Promise<RunningServer> {
  try {
    return await spawnTarget(name, docroot);
  } catch (err) {
    if (!(err instanceof TargetStartError)) throw err;
    throw new HttpLabUsageError(oneLine(err.message));
  }
}

/** Measures built-in targets (targets/measure.ts). A target that does not start or answer wrongly,
 * or pinning that fails, is an HttpLabUsageError (exit 2); a target that dies under load an HttpLabMeasuredFailure
 * (exit 1). */
export async function measure(o: MeasureOptions): Promise<BenchReport> {
  try {
    return await measureTargets(o);
  } catch (err) {
    if (err instanceof TargetStartError) throw new HttpLabUsageError(oneLine(err.message));
    if (err instanceof PinError || err instanceof UnreachableError || err instanceof VerificationError) throw new HttpLabUsageError(err.message);
    if (err instanceof TargetGoneError) throw new HttpLabMeasuredFailure(err.message);
    throw err;
  }
}

/** What happened, and the program's last word on it. */
function oneLine(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.length <= 1 ? (lines[0] ?? message) : `${lines[0]} (${lines[lines.length - 1]})`;
}

export function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HttpLabUsageError(`--url ${raw} is not a URL`);
  }
  if (url.protocol !== 'http:') throw new HttpLabUsageError(`--url must be http:// (got ${url.protocol})`);
  return url;
}
