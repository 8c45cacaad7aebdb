// Any built-in target by name, started as a child on an ephemeral port of 127.0.0.1: a design, a
// peer, or (for bench) a yardstick.
import { findServer, SERVER_NAMES } from '../servers/catalogue.js';
import { spawnServer } from './design-child.js';
import { findPeer, PEER_NAMES, spawnPeer } from './peers.js';
import { TargetStartError, type RunningServer } from './running.js';
import { findYardstick, spawnYardstick, YARDSTICK_NAMES } from './yardsticks.js';

/** Every name `--target` accepts: the six designs, then the peers. */
export const TARGET_NAMES: readonly string[] = [...SERVER_NAMES, ...PEER_NAMES];

/** What `bench` accepts: every target, and the yardsticks. */
export const BENCH_TARGET_NAMES: readonly string[] = [...TARGET_NAMES, ...YARDSTICK_NAMES];

/** Starts any built-in target. One that cannot start (its program missing included) rejects with a
 * TargetStartError. */
export function spawnTarget(name: string, docroot: string): Promise<RunningServer> {
  if (findServer(name) !== undefined) return spawnServer(name, docroot);
  if (findPeer(name) !== undefined) return spawnPeer(name, docroot);
  if (findYardstick(name) !== undefined) return spawnYardstick(name, docroot);
  return Promise.reject(new TargetStartError(`unknown target "${name}"; built-in targets: ${TARGET_NAMES.join(', ')}`));
}
