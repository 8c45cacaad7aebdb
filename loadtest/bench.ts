// The bench schedule: verify every target, then for each scenario warm each target up and measure
// it `runs` times, the targets interleaved (A B C A B C ...) so that drift of the machine (another
// tenant, thermal limits, a page cache filling) hits them all alike. While one target is measured,
// the others are paused where they can be (a busy-polling server idles at 100% of a core, and
// would take it from the one under load).
import { cpus as osCpus } from 'node:os';
import { runLoad, type LoadResult } from './load.js';
import { runOpenLoad, type OpenLoadResult } from './open-model.js';
import { runWrk, type WrkProgram } from './wrk.js';
import { LOCUST_SLICE_MS, runLocust, type LocustOptions } from './locust.js';
import { ResourceSampler, ResourceSamplerError } from './resources.js';
import type { Scenario } from './scenarios.js';
import { summarize } from './summarize.js';
import type { BenchResult, BenchRun, BenchWarning, Refusal } from './types.js';
import { describeRequests, type RequestEntry } from './requests.js';
import { fileEntry, VerificationError, verifyRequest } from './verify.js';

export interface BenchTarget {
  name: string;
  /** base URL; each scenario's path is requested from it */
  url: URL;
  /** root of the server's process tree, for CPU and memory; undefined when unknown */
  pid: number | undefined;
  /** started by us (not a --url): ours to pin to a CPU */
  started?: boolean;
  /** what this target is sent instead of its scenarios' requests: a user's endpoint beside a
   * reference server that serves the docroot's files */
  requests?: RequestEntry[];
  /** stop the server while other targets are measured, and let it go on (SIGSTOP, SIGCONT) */
  pause?: () => void;
  resume?: () => void;
}

/** ms between resource samples in the open model (DEFAULT_SAMPLE_INTERVAL_MS in the closed one). */
const OPEN_MODEL_SAMPLE_MS = 500;

/** A server we were measuring exited: it crashed, or someone stopped it. */
export class TargetGoneError extends Error {
  override readonly name = 'TargetGoneError';
  constructor(readonly target: string) {
    super(`${target} exited during the load`);
  }
}

/** Which load generator runs the load: autocannon in this process, wrk as a child, or Locust's
 * master and workers. */
export type Engine = { kind: 'autocannon' } | { kind: 'wrk'; program: WrkProgram; cpus?: string } | { kind: 'locust'; locust: LocustOptions };

export interface BenchPlan {
  targets: BenchTarget[];
  /** default autocannon */
  engine?: Engine;
  scenarios: Scenario[];
  durationS: number;
  runs: number;
  warmupS: number;
  /** the folder whose files the responses must match byte for byte */
  docroot: string;
  /** open model: requests per second in total, at evenly spaced intended starts (runOpenLoad);
   * undefined: the closed model of `engine` */
  rate?: number;
  /** open model: connections open at once, at most */
  maxConnections?: number;
}

export type BenchEvent =
  | { kind: 'refused'; refusal: Refusal }
  | { kind: 'start'; target: string; scenario: string; phase: 'warmup' | 'run'; run: number; runs: number; durationS: number }
  | { kind: 'tick'; responses: number; elapsedS: number }
  | { kind: 'run'; target: string; scenario: string; run: number; runs: number; result: BenchRun };

export interface BenchOutcome {
  results: BenchResult[];
  refused: Refusal[];
}

/** Seconds of load the plan holds (for a progress bar's total). */
export function plannedSeconds(plan: BenchPlan): number {
  const perTarget = (plan.warmupS > 0 ? plan.warmupS : 0) + plan.runs * plan.durationS;
  return plan.scenarios.length * plan.targets.length * perTarget;
}

/** Runs the plan. Throws UnreachableError from verification when a target does not answer at all;
 * a target that answers wrongly is refused (reported, not measured) and the others go on. */
export async function runBench(plan: BenchPlan, onEvent: (event: BenchEvent) => void = () => {}, signal?: AbortSignal): Promise<BenchOutcome> {
  const cpus = osCpus().length;
  const refused: Refusal[] = [];
  /** per scenario: the targets that passed the check, each with the scenario as it will be run */
  const accepted = new Map<string, Array<{ target: BenchTarget; scenario: Scenario; notes: BenchWarning[] }>>();
  for (const scenario of plan.scenarios) {
    const ok: Array<{ target: BenchTarget; scenario: Scenario; notes: BenchWarning[] }> = [];
    /** the GET of the scenario's docroot file, read once for every target that is sent it */
    let fileCheck: RequestEntry[] | undefined;
    for (const target of plan.targets) {
      const refuse = (reason: string): void => {
        const refusal = { target: target.name, scenario: scenario.name, reason };
        refused.push(refusal);
        onEvent({ kind: 'refused', refusal });
      };
      const entries = target.requests ?? scenario.requests ?? (fileCheck ??= [fileEntry(plan.docroot, scenario.path)]);
      const asSent = target.requests !== undefined ? { ...scenario, requests: target.requests } : scenario;
      // Each distinct request once, before any load: all must meet their expectation.
      let persistentAll = true;
      try {
        for (const entry of entries) {
          const verified = await withResumed(target, () => verifyRequest(target.url, entry));
          persistentAll &&= verified.persistent;
        }
      } catch (err) {
        if (!(err instanceof VerificationError)) throw err;
        refuse(err.message);
        continue;
      }
      if (persistentAll || scenario.newConnectionPerRequest) {
        ok.push({ target, scenario: asSent, notes: [] });
      } else if (scenario.pipelining > 1) {
        refuse('the server closes the connection after each response (HTTP/1.0, or Connection: close): pipelining cannot be measured');
      } else {
        // Loaded as keep-alive, autocannon would write each next request on the connection the
        // server is closing, and time it from there: measure what the server does instead.
        ok.push({
          target,
          scenario: { ...asSent, newConnectionPerRequest: true },
          notes: [
            {
              code: 'closes-connections',
              message:
                'the server closes the connection after each response (HTTP/1.0, or Connection: close): measured with a new connection per request, as the close scenario is',
            },
          ],
        });
      }
    }
    accepted.set(scenario.name, ok);
  }

  const results: BenchResult[] = [];
  for (const scenario of plan.scenarios) {
    const entries = accepted.get(scenario.name)!;
    const runs = new Map<string, BenchRun[]>(entries.map((e) => [e.target.name, []]));
    if (plan.warmupS > 0) {
      for (const { target, scenario: asRun } of entries) {
        if (signal?.aborted) return { results, refused };
        onEvent({ kind: 'start', target: target.name, scenario: scenario.name, phase: 'warmup', run: 0, runs: plan.runs, durationS: plan.warmupS });
        await withResumed(target, () => measure(target, asRun, plan.warmupS, plan, onEvent, signal));
      }
    }
    for (let run = 1; run <= plan.runs; run++) {
      for (const { target, scenario: asRun } of entries) {
        if (signal?.aborted) return { results, refused };
        onEvent({ kind: 'start', target: target.name, scenario: scenario.name, phase: 'run', run, runs: plan.runs, durationS: plan.durationS });
        const result = await withResumed(target, () => measure(target, asRun, plan.durationS, plan, onEvent, signal));
        runs.get(target.name)!.push(result);
        onEvent({ kind: 'run', target: target.name, scenario: scenario.name, run, runs: plan.runs, result });
      }
    }
    for (const { target, scenario: asRun, notes } of entries) {
      const result = summarize(runs.get(target.name)!, {
        target: target.name,
        url: target.url.href,
        scenario: asRun,
        durationS: plan.durationS,
        warmupS: plan.warmupS,
        cpus,
        ...(plan.rate !== undefined ? { rate: plan.rate, maxConnections: plan.maxConnections ?? asRun.connections } : {}),
      });
      result.warnings.unshift(...notes);
      if (asRun.requests !== undefined) {
        result.requests = describeRequests(asRun.requests);
        const statusOnly = asRun.requests.filter((e) => e.expect.body === undefined).map((e) => `${e.request.method} ${e.request.path}`);
        if (statusOnly.length > 0) {
          result.warnings.push({
            code: 'status-only',
            message: `checked before load by status only (${statusOnly.join(', ')}): give --expect-body-file for the exact bytes`,
          });
        }
      }
      results.push(result);
    }
  }
  return { results, refused };
}

async function withResumed<T>(target: BenchTarget, work: () => Promise<T>): Promise<T> {
  target.resume?.();
  try {
    return await work();
  } finally {
    target.pause?.();
  }
}

/** One period of load on one target, with its resources sampled over the same period. */
async function measure(
  target: BenchTarget,
  scenario: Scenario,
  durationS: number,
  plan: Pick<BenchPlan, 'engine' | 'rate' | 'maxConnections'>,
  onEvent: (event: BenchEvent) => void,
  signal?: AbortSignal,
): Promise<BenchRun> {
  const engine = plan.engine;
  // The sampler reads /proc in this process, about 1 ms a sample: in the open model each read
  // delays the sends due meanwhile, so it samples five times less often there.
  const sampler = target.pid !== undefined ? new ResourceSampler(target.pid, plan.rate !== undefined ? { intervalMs: OPEN_MODEL_SAMPLE_MS } : {}) : undefined;
  try {
    sampler?.start();
  } catch (err) {
    throw err instanceof ResourceSamplerError && err.code === 'SERVER_GONE' ? new TargetGoneError(target.name) : err;
  }
  const generatorStart = process.cpuUsage();
  const wallStart = performance.now();
  let load: (LoadResult | OpenLoadResult) & { generatorCpuMs?: number };
  try {
    const options = {
      url: target.url,
      scenario,
      durationS,
      onTick: (responses: number) => onEvent({ kind: 'tick', responses, elapsedS: (performance.now() - wallStart) / 1000 }),
      ...(signal ? { signal } : {}),
    };
    // Locust paces its users itself (constant_throughput) when given a rate: its own model
    load =
      engine?.kind === 'locust'
        ? await runLocust({ ...options, locust: engine.locust })
        : plan.rate !== undefined
          ? await runOpenLoad({ ...options, rate: plan.rate, maxConnections: plan.maxConnections ?? scenario.connections })
          : engine?.kind === 'wrk'
            ? await runWrk({ ...options, program: engine.program, ...(engine.cpus !== undefined ? { cpus: engine.cpus } : {}) })
            : await runLoad(options);
  } catch (err) {
    sampler?.cancel();
    throw err;
  }
  let resources;
  try {
    resources = sampler?.stop();
  } catch (err) {
    // Stopped on purpose (Ctrl-C) is not a crash; any other exit during the run is.
    if (signal?.aborted) resources = undefined;
    else throw err instanceof ResourceSamplerError && err.code === 'SERVER_GONE' ? new TargetGoneError(target.name) : err;
  }
  // autocannon runs in this process; wrk reports its own CPU (this process's reaped-children time)
  const own = process.cpuUsage(generatorStart);
  const generatorMs = load.generatorCpuMs ?? (own.user + own.system) / 1000;
  const generatorCpuPct = (generatorMs / (performance.now() - wallStart)) * 100;
  return {
    rps: Math.round((load.responses / load.elapsedS) * 10) / 10,
    latencyUs: load.latencyUs,
    errors: load.errors,
    timeouts: load.timeouts,
    non2xx: load.non2xx,
    serverCpuPct: resources ? round1(resources.serverCpuPct) : null,
    serverRssBytes: resources ? resources.serverRssBytes : null,
    serverPssBytes: resources ? resources.serverPssBytes : null,
    serverPssAtRestBytes: resources ? resources.serverPssAtRestBytes : null,
    generatorCpuPct: round1(generatorCpuPct),
    serverBusiestThreadPct: resources ? round1(resources.busiestThreadPct) : null,
    responses: load.responses,
    elapsedS: Math.round(load.elapsedS * 1000) / 1000,
    timeline: load.timeline,
    ...(engine?.kind === 'locust' ? { timelineSliceMs: LOCUST_SLICE_MS } : {}),
    ...(isOpen(load) ? { uncorrectedLatencyUs: load.uncorrectedLatencyUs, sendLagUs: load.sendLagUs, late: load.late, dropped: load.dropped } : {}),
  };
}

function isOpen(load: LoadResult | OpenLoadResult): load is OpenLoadResult {
  return 'sendLagUs' in load;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
