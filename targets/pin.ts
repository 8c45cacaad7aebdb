// `--pin`: the servers we started on the first CPU, the load generator on the others (taskset), so
// that the two never take turns on one core.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import type { BenchTarget } from '../loadtest/bench.js';
import { processTree } from '../system/proc.js';

/** Pinning is impossible here (one CPU) or taskset failed: the message is the one line to show. */
export class PinError extends Error {
  override readonly name = 'PinError';
}

/** Children and threads started later inherit the pinning. A server behind --url is not ours to
 * move, and is left where it is. */
export function pinCpus(targets: readonly BenchTarget[]): { generator: string; servers: string } {
  const n = cpus().length;
  if (n < 2) throw new PinError('--pin needs at least 2 CPUs: one for the servers, the others for the generator');
  const pinned = { servers: '0', generator: n === 2 ? '1' : `1-${n - 1}` };
  const taskset = (cpuList: string, pid: number): void => {
    const r = spawnSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { encoding: 'utf8', timeout: 5000 });
    if (r.error !== undefined || r.status !== 0) throw new PinError(`--pin: taskset failed for pid ${pid}: ${r.error?.message ?? r.stderr.trim()}`);
  };
  for (const t of targets) if (t.started && t.pid !== undefined) for (const p of processTree(t.pid)) taskset(pinned.servers, p.pid);
  taskset(pinned.generator, process.pid); // autocannon runs here; wrk is started under taskset itself
  return pinned;
}
