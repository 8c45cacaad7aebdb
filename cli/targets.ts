// What conform, bench and gate share about targets: checking the names before anything starts,
// starting one with a one-line error, and reading --url.
import { findPeer, findPeerProgram, findServer, spawnTarget, TARGET_NAMES, type RunningServer } from '../servers/registry.js';
import { UsageError } from './errors.js';

/** Every name is known and every peer's program is installed; checked before any target starts. */
export function checkTargetNames(names: readonly string[]): void {
  for (const name of names) {
    const peer = findPeer(name);
    if (findServer(name) === undefined && peer === undefined) throw new UsageError(`unknown target "${name}" (built-in targets: ${TARGET_NAMES.join(', ')})`);
    if (peer !== undefined) {
      try {
        findPeerProgram(peer);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    }
  }
}

/** Starts a built-in target; a start-up failure is a UsageError (exit 2) in one line. */
export async function startTarget(name: string, docroot: string): Promise<RunningServer> {
  try {
    return await spawnTarget(name, docroot);
  } catch (err) {
    throw new UsageError(oneLine((err as Error).message));
  }
}

/** What happened, and the program's last word on it. */
function oneLine(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.length <= 1 ? (lines[0] ?? message) : `${lines[0]} (${lines[lines.length - 1]})`;
}

export function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url ${raw} is not a URL`);
  }
  if (url.protocol !== 'http:') throw new UsageError(`--url must be http:// (got ${url.protocol})`);
  return url;
}
