// What every way of starting a target gives back, and how it fails.
import type { ChildProcess } from 'node:child_process';

export interface RunningServer {
  name: string;
  url: string;
  /** the process that was started: the `http-lab serve` process, nginx's master, python3 */
  pid: number;
  child: ChildProcess;
  /** a built-in design (servers/catalogue.ts), a peer (PEERS) or a yardstick (YARDSTICKS) */
  kind: 'server' | 'peer' | 'yardstick';
  /** the built-in design under test; undefined for a peer, so that architecture checks skip */
  design?: string;
  /** serves one connection at a time: clients must not expect parallel answers */
  serial: boolean;
  /** connections it takes at once without dropping any (a peer with a small listen backlog);
   * undefined: the runner's default */
  concurrency?: number;
  /** SIGTERM, then SIGKILL if it has not exited within graceMs; resolves once it has exited */
  stop(graceMs?: number): Promise<void>;
}

/** How long a started server may take to say it listens: a server does it in milliseconds, and a
 * loaded machine can take seconds to schedule it; only a broken start ever waits this long. */
export const START_TIMEOUT_MS = 30_000;

/** A target did not start (it exited, never listened, or its program is missing or unknown): the
 * message says why, with the program's last words on stderr after the first line. */
export class TargetStartError extends Error {
  override readonly name: string = 'TargetStartError';
}
