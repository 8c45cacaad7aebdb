// The resource sampler of `http-lab bench`: what a run cost the server (CPU of its whole process
// tree, peak resident memory, its busiest thread), the load generator (this process) and the
// machine, read from Linux /proc through system/proc.ts.
//
// Rules:
// - CPU is computed from two snapshots, one at start() and one at stop(); the samples in between
//   (every `intervalMs`, 100 by default) only track peaks (RSS, processes, threads). So CPU figures
//   do not depend on how regularly the timer fired while the generator kept the event loop busy.
// - Sampling is cheap: a sample is one readdir of /proc plus one read of each /proc/N/stat (the
//   process tree has to be found among all processes, and stat already holds the RSS): about 1 ms
//   of CPU with 70 processes on the machine, so about 1% of a core at 100 ms (samplerMs reports
//   it). The threads are read only at start and stop; smaps never.
// - A process or thread that vanishes while it is read is skipped. The server's own process gone,
//   or /proc not readable, is a ResourceSamplerError with a reason, never a zero.
//
// Tree CPU accounting. For a process, utime+stime (field 14, 15 of /proc/PID/stat) is the CPU of all
// its threads, live and exited; cutime+cstime (16, 17) is the CPU of the children it has reaped,
// including what those children had reaped themselves (the kernel adds a child's utime+stime+cutime+
// cstime to its parent's cutime+cstime when the parent waits for it). So
//     treeCpu = Σ over the root and every descendant (zombies too) of utime+stime+cutime+cstime
// only grows as the tree runs, and moves between terms without loss or double count:
// - a child alive at start and reaped before stop is in the live sum at start and in its parent's
//   cutime at stop: the difference is exactly what it used in between;
// - a child born and reaped between the snapshots (a process server's child per connection) shows up
//   only in its parent's cutime at stop, all of it used in the interval since it was born after start;
// - a zombie (exited, not yet reaped) still reports its times, and is not in its parent's cutime yet.
// A descendant's cutime counts too, not only the root's: a grandchild reaped by a live child moves
// into that child's cutime, not the root's. What this cannot see: children reaped automatically
// (their parent ignores SIGCHLD: the kernel then adds nothing to cutime), and a descendant whose
// parent died, which the kernel hands to init or a subreaper outside the tree. A reaping that happens
// in the middle of one snapshot's scan can also be missed once (one child's time at most).
import {
  clockTicksPerSecond,
  gone,
  pageSize,
  readMachineCpu,
  readPssBytes,
  readStat,
  scanProcesses,
  threadStats,
  treeOf,
  uptimeTicks,
  type MachineCpu,
  type ProcStat,
} from '../system/proc.js';

export const DEFAULT_SAMPLE_INTERVAL_MS = 100;
/** PSS is read at start, at stop and every this many samples (500 ms at the default interval). */
const PSS_EVERY = 5;

/** What one interval cost. Percentages are of one core: 100 is one core busy the whole interval. */
export interface ResourceUsage {
  /** CPU time of the server's whole process tree over wall time */
  serverCpuPct: number;
  /** the peak, over the samples, of the RSS summed over the server's process tree, in bytes. Pages
   * that processes share (the program's code, copy-on-write pages of a forked child) count once per
   * process, so for a multi-process server this is an upper bound of the memory it really holds. */
  serverRssBytes: number;
  /** the peak of the PSS summed over the tree (smaps_rollup): every page once, a shared page split
   * among its processes; null where a process's smaps_rollup could not be read */
  serverPssBytes: number | null;
  /** the same at the start snapshot, before the load: the server at rest */
  serverPssAtRestBytes: number | null;
  /** the highest CPU of any one server thread (every thread of every process of the tree) over the
   * interval: near 100 means a single-threaded server, or that thread, is saturated. Threads present
   * at both start and stop count with what they used in between; threads started after the start
   * snapshot (a worker, a process server's child) with all they used; threads gone by stop do not
   * count. */
  busiestThreadPct: number;
  /** this process's CPU (process.cpuUsage(): the load generator, and the sampler itself) */
  generatorCpuPct: number;
  /** the whole machine's busy time (/proc/stat): 100 × CPUs is every core busy; undefined where
   * /proc/stat could not be read. Inside a container it is the host's CPUs, not the container's share. */
  machineBusyPct?: number;
  /** the most processes and threads the server's tree had in a sample */
  serverProcesses: number;
  serverThreads: number;
  /** snapshots that succeeded: start, every interval, stop */
  samples: number;
  /** wall time from the start snapshot to the stop snapshot */
  wallMs: number;
  /** wall time this process spent reading /proc for the samples (part of generatorCpuPct) */
  samplerMs: number;
}

/** The state of the server's tree, this process and the machine at one instant. */
export interface ResourceSnapshot {
  /** performance.now() when the tree was read */
  atMs: number;
  /** clock ticks since boot (/proc/uptime), read just before the tree: a thread whose starttime is
   * at least this was started after the snapshot began */
  bootTicks?: number;
  /** the root first, then every descendant, zombies included */
  processes: ProcStat[];
  /** every thread of every live process in `processes`; `pid` is the thread id */
  threads: ProcStat[];
  /** process.cpuUsage() of this process, in µs */
  generator: NodeJS.CpuUsage;
  machine?: MachineCpu;
}

export type ResourceSamplerErrorCode = 'NO_PROC' | 'SERVER_GONE';

/** The sampler could not measure: /proc is missing or unreadable (NO_PROC), or the server's process
 * is not running, or exited during the interval (SERVER_GONE). */
export class ResourceSamplerError extends Error {
  constructor(
    readonly code: ResourceSamplerErrorCode,
    message: string,
  ) {
    super(`resource sampler: ${message}`);
    this.name = 'ResourceSamplerError';
  }
}

/** CPU ticks of a process tree so far, summed: see the accounting rule at the top of this file. */
export function treeCpuTicks(processes: readonly ProcStat[]): number {
  let ticks = 0;
  for (const p of processes) ticks += p.utime + p.stime + p.cutime + p.cstime;
  return ticks;
}

/** RSS summed over the live processes of a tree, in bytes (a zombie has none). */
/** PSS summed over the live processes of a tree: every resident page counted once, however many of
 * its processes map it. Undefined when a process's smaps_rollup cannot be read (another user's
 * process, or a kernel without it); a process that exits meanwhile is skipped. */
export function treePssBytes(processes: readonly ProcStat[], readPss: (pid: number) => number = readPssBytes): number | undefined {
  let bytes = 0;
  for (const p of processes) {
    if (p.state === 'Z' || p.state === 'X') continue;
    try {
      bytes += readPss(p.pid);
    } catch (err) {
      if (gone(err)) continue;
      return undefined;
    }
  }
  return bytes;
}

export function treeRssBytes(processes: readonly ProcStat[], bytesPerPage: number): number {
  let pages = 0;
  for (const p of processes) if (p.state !== 'Z' && p.state !== 'X') pages += p.rssPages;
  return pages * bytesPerPage;
}

/** The most ticks (utime+stime) any one thread used between two snapshots. A thread is its id and
 * its start time, so a thread id reused by a new thread does not match. A thread in `stop` only counts
 * with all its ticks when its start time shows it was started after the start snapshot began
 * (starttime ≥ `bornAfterTicks`); without `bornAfterTicks`, only threads in both count. */
export function busiestThreadTicks(start: readonly ProcStat[], stop: readonly ProcStat[], bornAfterTicks?: number): number {
  const key = (t: ProcStat): string => `${t.pid}@${t.starttime}`;
  const before = new Map(start.map((t) => [key(t), t.utime + t.stime]));
  let busiest = 0;
  for (const t of stop) {
    const b = before.get(key(t));
    if (b !== undefined) busiest = Math.max(busiest, t.utime + t.stime - b);
    else if (bornAfterTicks !== undefined && t.starttime >= bornAfterTicks) busiest = Math.max(busiest, t.utime + t.stime);
  }
  return busiest;
}

export type CpuUsageBetween = Pick<ResourceUsage, 'serverCpuPct' | 'busiestThreadPct' | 'generatorCpuPct' | 'machineBusyPct' | 'wallMs'>;

/** The CPU figures between two snapshots; `hz` is clock ticks per second (USER_HZ). Pure. */
export function cpuBetween(start: ResourceSnapshot, stop: ResourceSnapshot, hz: number): CpuUsageBetween {
  const wallMs = stop.atMs - start.atMs;
  if (!(wallMs > 0)) throw new RangeError(`snapshots ${wallMs} ms apart: stop must come after start`);
  const ticksToPct = (ticks: number): number => ((ticks * 1000) / hz / wallMs) * 100;
  // Never below zero: only a descendant that left the tree (handed to init) can make the sum shrink.
  const serverTicks = Math.max(0, treeCpuTicks(stop.processes) - treeCpuTicks(start.processes));
  const generatorUs = stop.generator.user + stop.generator.system - start.generator.user - start.generator.system;
  const usage: CpuUsageBetween = {
    serverCpuPct: ticksToPct(serverTicks),
    busiestThreadPct: ticksToPct(busiestThreadTicks(start.threads, stop.threads, start.bootTicks)),
    generatorCpuPct: (generatorUs / 1000 / wallMs) * 100,
    wallMs,
  };
  if (start.machine && stop.machine) {
    const total = stop.machine.totalTicks - start.machine.totalTicks;
    const busy = stop.machine.busyTicks - start.machine.busyTicks;
    if (total > 0) usage.machineBusyPct = (busy / total) * stop.machine.cpus * 100;
  }
  return usage;
}

function errnoCode(err: unknown): string {
  return (err as NodeJS.ErrnoException | undefined)?.code ?? String(err);
}

/** The server's tree from one scan of /proc; throws ResourceSamplerError when it cannot be read or
 * the root is not running (a zombie root has exited: only its parent has not reaped it yet). */
function readTree(root: number): ProcStat[] {
  let table: Map<number, ProcStat>;
  try {
    table = scanProcesses();
  } catch (err) {
    const code = errnoCode(err);
    throw new ResourceSamplerError('NO_PROC', `cannot read /proc (${code})${code === 'ENOENT' ? ': it needs Linux, with procfs mounted' : ''}`);
  }
  const tree = treeOf(root, table);
  const rootStat = tree[0];
  if (!rootStat) {
    // not in the scan: gone, or its stat unreadable (hidepid), which the scan skips; ask directly
    try {
      readStat(root);
    } catch (err) {
      if (gone(err)) throw new ResourceSamplerError('SERVER_GONE', `server process ${root} is not running`);
      throw new ResourceSamplerError('NO_PROC', `cannot read /proc/${root}/stat (${errnoCode(err)})`);
    }
    throw new ResourceSamplerError('SERVER_GONE', `server process ${root} is not running`);
  }
  if (rootStat.state === 'Z' || rootStat.state === 'X') {
    throw new ResourceSamplerError('SERVER_GONE', `server process ${root} has exited`);
  }
  return tree;
}

/** Reads a full snapshot: the tree, the threads of its live processes, this process, the machine. */
export function takeSnapshot(root: number): ResourceSnapshot {
  let bootTicks: number | undefined;
  try {
    bootTicks = uptimeTicks();
  } catch {
    bootTicks = undefined; // then only threads present at both snapshots count
  }
  const processes = readTree(root);
  const atMs = performance.now();
  const generator = process.cpuUsage();
  const threads: ProcStat[] = [];
  for (const p of processes) {
    if (p.state === 'Z' || p.state === 'X') continue;
    try {
      threads.push(...threadStats(p.pid));
    } catch (err) {
      if (gone(err)) continue;
      throw new ResourceSamplerError('NO_PROC', `cannot read /proc/${p.pid}/task (${errnoCode(err)})`);
    }
  }
  let machine: MachineCpu | undefined;
  try {
    machine = readMachineCpu();
  } catch {
    machine = undefined; // optional: machineBusyPct is left out
  }
  return { atMs, processes, threads, generator, ...(bootTicks !== undefined ? { bootTicks } : {}), ...(machine ? { machine } : {}) };
}

export interface ResourceSamplerOptions {
  /** ms between samples of RSS and tree size; default 100 */
  intervalMs?: number;
}

/**
 * Samples a server's process tree, given its root pid, from start() to stop():
 *
 *     const sampler = new ResourceSampler(pid).start();   // throws ResourceSamplerError
 *     try { await load(); } finally { usage = sampler.stop(); }  // or sampler.cancel()
 *
 * The timer is unref'd: a sampler left running does not keep the process alive.
 */
export class ResourceSampler {
  readonly pid: number;
  readonly intervalMs: number;
  #start: ResourceSnapshot | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failure: Error | undefined;
  #done = false;
  #pageBytes = 0;
  #peakRss = 0;
  /** PSS at start, its peak, and whether it could be read at all */
  #pssAtRest: number | undefined;
  #peakPss: number | undefined;
  #pssKnown = true;
  #peakProcesses = 0;
  #peakThreads = 0;
  #samples = 0;
  #samplerMs = 0;

  constructor(pid: number, options: ResourceSamplerOptions = {}) {
    if (!Number.isInteger(pid) || pid <= 0) throw new RangeError(`resource sampler: pid must be a positive integer, got ${pid}`);
    const intervalMs = options.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
    if (!Number.isFinite(intervalMs) || intervalMs < 1) throw new RangeError(`resource sampler: intervalMs must be at least 1, got ${intervalMs}`);
    this.pid = pid;
    this.intervalMs = intervalMs;
  }

  /** Takes the start snapshot and starts sampling. Throws ResourceSamplerError when /proc cannot be
   * read or the server's process is not running. */
  start(): this {
    if (this.#start || this.#done) throw new Error('resource sampler: already started (a sampler runs once)');
    this.#pageBytes = pageSize();
    clockTicksPerSecond(); // resolved now (getconf), not inside stop()
    const t0 = performance.now();
    const snapshot = takeSnapshot(this.pid);
    this.#record(snapshot.processes, snapshot.threads.length);
    this.#recordPss(snapshot.processes);
    this.#pssAtRest = this.#peakPss;
    this.#samplerMs += performance.now() - t0;
    this.#start = snapshot;
    this.#timer = setInterval(() => this.#sample(), this.intervalMs);
    this.#timer.unref();
    return this;
  }

  /** Takes the stop snapshot, ends sampling and returns the interval's usage. Throws
   * ResourceSamplerError when the server exited during the interval (its CPU can no longer be read)
   * or a sample could not read /proc. */
  stop(): ResourceUsage {
    const start = this.#start;
    if (!start) throw new Error('resource sampler: not started');
    if (this.#done) throw new Error('resource sampler: already stopped');
    this.cancel();
    if (this.#failure) throw this.#failure;
    const t0 = performance.now();
    const stop = takeSnapshot(this.pid);
    this.#record(stop.processes, stop.threads.length);
    this.#recordPss(stop.processes);
    this.#samplerMs += performance.now() - t0;
    return {
      ...cpuBetween(start, stop, clockTicksPerSecond()),
      serverRssBytes: this.#peakRss,
      serverPssBytes: this.#pssKnown ? (this.#peakPss ?? null) : null,
      serverPssAtRestBytes: this.#pssKnown ? (this.#pssAtRest ?? null) : null,
      serverProcesses: this.#peakProcesses,
      serverThreads: this.#peakThreads,
      samples: this.#samples,
      samplerMs: this.#samplerMs,
    };
  }

  /** Ends sampling without a result (cleanup after a failed run); safe to call more than once. */
  cancel(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#done = true;
  }

  #sample(): void {
    const t0 = performance.now();
    try {
      const tree = readTree(this.pid);
      let threads = 0;
      for (const p of tree) if (p.state !== 'Z' && p.state !== 'X') threads += p.threads;
      this.#record(tree, threads);
      // smaps_rollup walks every mapping of a process: read it every PSS_EVERY samples, not each
      if (this.#samples % PSS_EVERY === 0) this.#recordPss(tree);
    } catch (err) {
      // The server gone is remembered for stop(), which reports it; sampling more would only repeat
      // it. Any other failure (EMFILE while the generator holds many sockets, say) only loses this
      // sample's peaks: the CPU figures come from the start and stop snapshots, which fail loudly.
      if (err instanceof ResourceSamplerError && err.code === 'SERVER_GONE') {
        this.#failure = err;
        if (this.#timer) clearInterval(this.#timer);
        this.#timer = undefined;
      }
    }
    this.#samplerMs += performance.now() - t0;
  }

  #recordPss(tree: readonly ProcStat[]): void {
    if (!this.#pssKnown) return;
    const pss = treePssBytes(tree);
    if (pss === undefined) this.#pssKnown = false;
    else this.#peakPss = Math.max(this.#peakPss ?? 0, pss);
  }

  #record(tree: readonly ProcStat[], threads: number): void {
    this.#samples++;
    this.#peakRss = Math.max(this.#peakRss, treeRssBytes(tree, this.#pageBytes));
    this.#peakProcesses = Math.max(this.#peakProcesses, tree.filter((p) => p.state !== 'Z' && p.state !== 'X').length);
    this.#peakThreads = Math.max(this.#peakThreads, threads);
  }
}

/** Above this share of one core, a process counts as saturated. Not 100: clock ticks (10 ms), the
 * sampler's and the kernel's own work keep a process that never waits a few % below 100. */
export const SATURATED_PCT = 90;

export interface GeneratorBoundInput {
  generatorCpuPct: number;
  serverCpuPct: number;
  busiestThreadPct: number;
  /** CPUs of the machine (os.availableParallelism()) */
  cpus: number;
}

export interface GeneratorBoundVerdict {
  bound: boolean;
  /** one line, for a warning or a report */
  reason: string;
}

/**
 * Whether the load generator, not the server, limited the throughput. The generator runs on one
 * JavaScript thread, so about 100% of a core is its ceiling. It is the bottleneck when it is
 * saturated while the server has headroom:
 * - the generator is above SATURATED_PCT (90%) of one core;
 * - the server's busiest thread is below 90% of a core (else that thread is a bottleneck: the whole
 *   of a single-threaded server, or the hot thread of any other);
 * - the server's whole tree is below 90% of the CPU the generator left over on the machine,
 *   cpus × 100 − generatorCpuPct (else the machine is full, and neither side could go faster).
 * Pure.
 */
export function isGeneratorBound(input: GeneratorBoundInput): GeneratorBoundVerdict {
  const { generatorCpuPct: gen, serverCpuPct: server, busiestThreadPct: thread, cpus } = input;
  for (const [name, v] of Object.entries({ generatorCpuPct: gen, serverCpuPct: server, busiestThreadPct: thread, cpus })) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`isGeneratorBound: ${name} must be a finite number ≥ 0, got ${v}`);
  }
  if (cpus < 1) throw new RangeError(`isGeneratorBound: cpus must be at least 1, got ${cpus}`);
  const pct = (v: number): string => `${Math.round(v)}%`;
  const left = cpus * 100 - gen;
  if (gen <= SATURATED_PCT) {
    return { bound: false, reason: `the load generator used ${pct(gen)} of a core: not saturated` };
  }
  if (thread >= SATURATED_PCT) {
    return {
      bound: false,
      reason: `the load generator used ${pct(gen)} of a core, but the server's busiest thread used ${pct(thread)}: the server is saturated too`,
    };
  }
  if (server >= (SATURATED_PCT / 100) * left) {
    return {
      bound: false,
      reason: `the load generator used ${pct(gen)} of a core and the server ${pct(server)} of the ${pct(Math.max(left, 0))} left on ${cpus} CPUs: the machine is saturated`,
    };
  }
  return {
    bound: true,
    reason: `generator-bound: the load generator used ${pct(gen)} of a core while the server had headroom (busiest thread ${pct(thread)}, ${pct(server)} in all of the ${pct(left)} left on ${cpus} CPUs)`,
  };
}
