// Pinning: the servers we started on the first CPU, the load generator on the others (taskset), so
// that the two never take turns on one core. On by default where there are at least 2 CPUs:
// measured side by side on a quiet 2-core machine (npm run noise), it cut the spread of the
// process and thread designs' rps between runs by about two thirds, and left the event-loop
// designs' small spread where it was (README, "Noise").
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import type { BenchTarget } from '../loadtest/bench.js';
import { processTree } from '../system/proc.js';

/** Pinning is impossible here (one CPU) or taskset failed: the message is the one line to show. */
export class PinError extends Error {
  override readonly name = 'PinError';
}

/** true: pin, or fail with a PinError; false: never; 'auto': pin where it can be done, else not. */
export type PinMode = boolean | 'auto';

export interface Pinned {
  generator: string;
  servers: string;
  /** gives this process back the CPUs it had: pinning it is for the measurement only */
  restore(): void;
}

function taskset(args: string[]): { ok: boolean; out: string; why: string } {
  const r = spawnSync('taskset', args, { encoding: 'utf8', timeout: 5000 });
  const ok = r.error === undefined && r.status === 0;
  return { ok, out: r.stdout ?? '', why: r.error?.message ?? r.stderr?.trim() ?? '' };
}

/** Children and threads started later inherit the pinning. A server behind --url is not ours to
 * move, and is left where it is. Undefined when mode is 'auto' and pinning cannot be done. */
export function pinCpus(targets: readonly BenchTarget[], mode: PinMode): Pinned | undefined {
  if (mode === false) return undefined;
  const n = cpus().length;
  if (n < 2) {
    if (mode === 'auto') return undefined;
    throw new PinError('--pin needs at least 2 CPUs: one for the servers, the others for the generator');
  }
  if (mode === 'auto' && !targets.some((t) => t.started)) return undefined; // nothing of ours to move
  const before = taskset(['-a', '-p', '-c', String(process.pid)]);
  const original = /:\s*(\S+)\s*$/m.exec(before.out)?.[1];
  if (!before.ok || original === undefined) {
    if (mode === 'auto') return undefined; // taskset missing: measure unpinned
    throw new PinError(`--pin: taskset failed: ${before.why || 'no affinity list in its output'}`);
  }
  const pinned = { servers: '0', generator: n === 2 ? '1' : `1-${n - 1}` };
  const pin = (cpuList: string, pid: number): void => {
    const r = taskset(['-a', '-p', '-c', cpuList, String(pid)]);
    if (!r.ok) throw new PinError(`--pin: taskset failed for pid ${pid}: ${r.why}`);
  };
  for (const t of targets) if (t.started && t.pid !== undefined) for (const p of processTree(t.pid)) pin(pinned.servers, p.pid);
  pin(pinned.generator, process.pid); // autocannon runs here; wrk is started under taskset itself
  return { ...pinned, restore: () => void taskset(['-a', '-p', '-c', original, String(process.pid)]) };
}
