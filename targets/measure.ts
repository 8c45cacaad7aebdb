// Built-in targets measured under load: started all at once (so that their runs can be
// interleaved), paused while the others are measured, optionally pinned, and stopped at the end,
// also on failure and on Ctrl-C. Used by bench, gate and lab.
import { createRequire } from 'node:module';
import { runBench, type BenchEvent, type BenchPlan, type BenchTarget, type Engine } from '../loadtest/bench.js';
import { describeMachine } from '../loadtest/machine.js';
import { barProgress, lineProgress, silentProgress } from '../loadtest/progress.js';
import { RESPONSE_TIMEOUT_S, type Scenario } from '../loadtest/scenarios.js';
import { BENCH_SCHEMA, type BenchReport, type BenchResult } from '../loadtest/types.js';

type BenchEventHandler = (event: BenchEvent) => void;
import type { WrkProgram } from '../loadtest/wrk.js';
import { LOCUST_LIMITS, type LocustOptions } from '../loadtest/locust.js';
import { listenerPid, processTree } from '../system/proc.js';
import { packageVersion } from '../system/package.js';
import { pinCpus, type Pinned, type PinMode } from './pin.js';
import type { RunningServer } from './running.js';
import { spawnTarget } from './spawn-target.js';
import { onInterrupt, stopAllTargets } from './stop-on-exit.js';
import type { RequestEntry } from '../loadtest/requests.js';

/** The name a reference server's results carry. */
export const REFERENCE = 'reference';

export interface MeasureOptions {
  /** built-in targets to start (checked names) */
  targetNames: string[];
  /** a running server, measured first */
  url?: URL;
  /** what the --url server is sent instead of the scenarios' requests (the reference keeps those) */
  urlRequests?: RequestEntry[];
  /** a built-in server started beside the targets and reported as target "reference" */
  reference?: string;
  scenarios: Scenario[];
  durationS: number;
  runs: number;
  warmupS: number;
  docroot: string;
  /** progress on stderr: a bar (a terminal), plain lines (logs and pipes), or none (the API) */
  progress: 'bar' | 'lines' | 'none';
  /** the load generator: wrk where given, else autocannon */
  wrk?: WrkProgram;
  /** the load generator: Locust's master and workers (wrk is not given then) */
  locust?: Omit<LocustOptions, 'rate' | 'onWaiting'>;
  /** pin the servers we start to the first CPU and the generator to the others (default 'auto') */
  pin?: PinMode;
  /** the open model: requests per second in total, on up to maxConnections (default: the
   * scenario's connections); the generator is then http-lab's own */
  rate?: number;
  maxConnections?: number;
  /** after the scenarios: the open model at these percentages of each target's measured capacity
   * on the first scenario (one run each) */
  sweepRate?: number[];
  /** after the scenarios: the first scenario at these numbers of connections (one run each) */
  sweepConnections?: number[];
}

/**
 * Starts the targets, measures them and stops them. Besides loadtest's errors (UnreachableError,
 * VerificationError, TargetGoneError), it rejects with a TargetStartError when a target does not
 * start and a PinError when pinning fails.
 */
export async function measureTargets(o: MeasureOptions): Promise<BenchReport> {
  const targets: BenchTarget[] = [];
  const stopping = new AbortController();
  // The load stops first, so that nothing pauses a server again; then every server is resumed (a
  // paused one would hold its SIGTERM until the SIGKILL 3 s later, and a process server's spare
  // child paused before it armed its parent-death signal would outlive it), then stopped.
  const stopAll = async (): Promise<void> => {
    stopping.abort();
    for (const t of targets) t.resume?.();
    await stopAllTargets();
  };
  const removeInterruptHandler = onInterrupt(stopAll);
  let pinned: Pinned | undefined;
  try {
    if (o.url !== undefined) targets.push({ ...urlTarget(o.url), ...(o.urlRequests !== undefined ? { requests: o.urlRequests } : {}) });
    for (const name of o.targetNames) {
      targets.push(startedTarget(await spawnTarget(name, o.docroot), stopping.signal));
    }
    if (o.reference !== undefined) {
      targets.push({ ...startedTarget(await spawnTarget(o.reference, o.docroot), stopping.signal), name: REFERENCE });
    }
    pinned = pinCpus(targets, o.pin ?? 'auto');
    for (const t of targets) t.pause?.();

    const engine: Engine =
      o.locust !== undefined
        ? {
            kind: 'locust',
            locust: {
              ...o.locust,
              ...(o.rate !== undefined ? { rate: o.rate } : {}),
              ...(o.progress !== 'none' ? { onWaiting: (line: string) => void process.stderr.write(`${line}\n`) } : {}),
            },
          }
        : o.wrk !== undefined
          ? { kind: 'wrk', program: o.wrk, ...(pinned ? { cpus: pinned.generator } : {}) }
          : { kind: 'autocannon' };
    // Locust paces its own users: the rate goes to it, and the plan stays a closed one
    const rate = o.locust === undefined ? o.rate : undefined;
    const plan: BenchPlan = {
      targets,
      engine,
      scenarios: o.scenarios,
      durationS: o.durationS,
      runs: o.runs,
      warmupS: o.warmupS,
      docroot: o.docroot,
      ...(rate !== undefined ? { rate } : {}),
      ...(o.maxConnections !== undefined ? { maxConnections: o.maxConnections } : {}),
    };
    const progress = o.progress === 'bar' ? barProgress(plan, sweepSeconds(o, plan)) : o.progress === 'lines' ? lineProgress() : silentProgress();
    const startedAt = new Date().toISOString();
    let outcome;
    try {
      outcome = await runBench(plan, progress.onEvent, stopping.signal);
      outcome = { ...outcome, results: [...outcome.results, ...(await sweeps(o, plan, outcome.results, progress.onEvent, stopping.signal))] };
    } finally {
      progress.done();
    }
    return {
      schema: BENCH_SCHEMA,
      version: packageVersion(),
      startedAt,
      machine: describeMachine(),
      generator: {
        engine: engine.kind === 'locust' ? 'locust' : rate !== undefined ? 'open-model' : engine.kind,
        version:
          engine.kind === 'locust'
            ? engine.locust.program.version
            : rate !== undefined
              ? packageVersion()
              : engine.kind === 'wrk'
                ? engine.program.version
                : autocannonVersion(),
        ...(engine.kind === 'locust'
          ? {
              workers: engine.locust.expectWorkers ?? engine.locust.workers,
              ...(o.rate !== undefined ? { pacedRate: o.rate } : {}),
              limits: LOCUST_LIMITS,
            }
          : {}),
        responseTimeoutS: RESPONSE_TIMEOUT_S,
        ...(pinned ? { pinned: { generator: pinned.generator, servers: pinned.servers } } : {}),
      },
      results: outcome.results,
      refused: outcome.refused,
    };
  } finally {
    removeInterruptHandler();
    pinned?.restore();
    await stopAll();
  }
}

/** The seconds the sweeps add to the plan: one run per point and target, without warm-up. */
function sweepSeconds(o: MeasureOptions, plan: BenchPlan): number {
  if (o.scenarios.length === 0) return 0;
  return ((o.sweepRate?.length ?? 0) + (o.sweepConnections?.length ?? 0)) * plan.targets.length * plan.durationS;
}

/** The sweeps of the first scenario, each point one run, labelled as its own scenario. The rate
 * sweep needs each target's closed-model capacity, which the scenarios just measured. */
async function sweeps(
  o: MeasureOptions,
  plan: BenchPlan,
  measured: readonly BenchResult[],
  onEvent: BenchEventHandler,
  signal: AbortSignal,
): Promise<BenchResult[]> {
  const base = o.scenarios[0];
  if (base === undefined) return [];
  const out: BenchResult[] = [];
  const point = { ...plan, scenarios: [base], runs: 1, warmupS: 0 };
  for (const percent of o.sweepRate ?? []) {
    for (const target of plan.targets) {
      const capacity = measured.find((r) => r.target === target.name && r.scenario === base.name)?.median.rps;
      if (capacity === undefined || capacity <= 0 || signal.aborted) continue;
      const rate = Math.max(1, Math.round((capacity * percent) / 100));
      const { results } = await runBench({ ...point, targets: [target], rate, maxConnections: base.connections }, onEvent, signal);
      out.push(...results.map((r) => ({ ...r, scenario: `${base.name}@${percent}%`, sweep: { kind: 'rate' as const, percent, capacityRps: capacity } })));
    }
  }
  for (const connections of o.sweepConnections ?? []) {
    if (signal.aborted) break;
    const { results } = await runBench({ ...point, scenarios: [{ ...base, connections }] }, onEvent, signal);
    out.push(...results.map((r) => ({ ...r, scenario: `${base.name}@c${connections}`, sweep: { kind: 'connections' as const, connections } })));
  }
  return out;
}

/** A server that we started. The built-in designs are paused while others are measured (the poll
 * server spins at 100% of a core even when idle); peers and yardsticks are left running: they sleep when idle,
 * and a stopped nginx could not act on the SIGTERM its parent-death signal sends. */
function startedTarget(server: RunningServer, stopping: AbortSignal): BenchTarget {
  const signalTree = (signal: NodeJS.Signals): void => {
    for (const p of processTree(server.pid)) {
      try {
        process.kill(p.pid, signal);
      } catch {
        // gone since the scan: a process server's child that finished its connection
      }
    }
  };
  return {
    name: server.name,
    url: new URL(server.url),
    pid: server.pid,
    started: true,
    ...(server.kind === 'server' ? { pause: () => stopping.aborted || signalTree('SIGSTOP'), resume: () => signalTree('SIGCONT') } : {}),
  };
}

/** A server someone else started: its process is found by its listening socket, when it is on
 * this machine and readable. */
function urlTarget(url: URL): BenchTarget {
  const local = ['127.0.0.1', 'localhost', '[::1]', '0.0.0.0'].includes(url.hostname);
  const pid = local ? listenerPid(Number(url.port || 80)) : undefined;
  return { name: url.host, url: new URL('/', url), pid };
}

function autocannonVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('autocannon/package.json') as { version: string }).version;
}
