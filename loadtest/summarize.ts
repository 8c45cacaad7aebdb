// From the runs of one target and scenario to the reported result: the median of each metric, the
// spread of rps, whether the generator was the bottleneck, and every warning a reader needs to
// judge the figures. Pure: runs in, result out.
import { checkLittlesLaw, littlesLawWarning } from './littles-law.js';
import { isGeneratorBound } from './resources.js';
import { findGaps, MIN_GAP_MS } from './timeline.js';
import { coefficientOfVariation, interquartileRange, median, relativeRange } from './stats.js';
import type { BenchResult, BenchRun, BenchWarning, LatencyUs } from './types.js';
import type { Scenario } from './scenarios.js';

/** Runs whose rps lie further apart than this, relative to the median, are reported as noisy. */
export const NOISY_SPREAD = 0.1;

export interface ResultContext {
  target: string;
  url: string;
  scenario: Scenario;
  durationS: number;
  warmupS: number;
  cpus: number;
  /** open model: the rate and the connection cap it ran with */
  rate?: number;
  maxConnections?: number;
}

export function summarize(runs: readonly BenchRun[], context: ResultContext): BenchResult {
  if (runs.length === 0) throw new RangeError('summarize: no runs');
  const { scenario } = context;
  const rps = runs.map((r) => r.rps);
  const medianRun = medianOfRuns(runs);
  const bound = context.rate === undefined ? generatorVerdict(medianRun, context.cpus) : openGeneratorVerdict(medianRun);
  const warnings: BenchWarning[] = [];

  if (bound.generatorBound) warnings.push({ code: 'generator-bound', message: `${bound.reason}; the server may be faster than these figures` });
  if (runs.length > 1 && relativeRange(rps) > NOISY_SPREAD) {
    warnings.push({
      code: 'noisy',
      message: `noisy: rps ranged from ${Math.round(Math.min(...rps))} to ${Math.round(Math.max(...rps))} over ${runs.length} runs, ${pct(relativeRange(rps))} of the median (more than ${pct(NOISY_SPREAD)}); add --runs or --duration, or quiet the machine`,
    });
  }
  if (runs.length === 1) warnings.push({ code: 'one-run', message: 'one run: no spread to report; use --runs 3 or more' });
  // Little's law relates a fixed number of connections to rps and latency: the closed model's.
  runs.forEach((run, i) => {
    if (context.rate !== undefined) return;
    const check = checkLittlesLaw(scenario.connections, scenario.pipelining, run.latencyUs.mean, run.rps);
    const warning = littlesLawWarning(check, {
      generatorBound: generatorVerdict(run, context.cpus).generatorBound,
      errors: run.errors,
      timeouts: run.timeouts,
      maxLatencyUs: run.latencyUs.max,
    });
    if (warning !== undefined) warnings.push({ code: 'littles-law', message: `run ${i + 1}: ${warning}`, run: i + 1 });
  });
  const failures = sum(runs, 'errors') + sum(runs, 'timeouts') + sum(runs, 'non2xx');
  if (failures > 0) {
    warnings.push({
      code: 'failures',
      message: `failures: ${sum(runs, 'errors')} connection errors, ${sum(runs, 'timeouts')} timeouts and ${sum(runs, 'non2xx')} non-2xx responses over ${runs.length} runs; their rps is not all success`,
    });
  }
  runs.forEach((run, i) => {
    for (const gap of findGaps(run.timeline, MIN_GAP_MS, run.timelineSliceMs)) {
      const where = `run ${i + 1}: no response for ${gap.lengthMs} ms from ${(gap.startMs / 1000).toFixed(1)} s`;
      warnings.push({
        code: 'stall',
        run: i + 1,
        startMs: gap.startMs,
        lengthMs: gap.lengthMs,
        message:
          context.rate === undefined
            ? `stall: ${where} while requests were outstanding; a closed model sends nothing new during a stall, so its percentiles hide it: measure with --rate`
            : `stall: ${where} while requests were due; the corrected percentiles count it`,
      });
    }
  });
  const late = runs.reduce((n, r) => n + (r.late ?? 0), 0);
  const dropped = runs.reduce((n, r) => n + (r.dropped ?? 0), 0);
  if (context.rate !== undefined && late + dropped > 0) {
    warnings.push({
      code: 'late',
      message: `late: ${late} requests waited for a free connection (at most ${context.maxConnections ?? scenario.connections} open) and ${dropped} were never sent, over ${runs.length} run${runs.length === 1 ? '' : 's'}; their latency counts from their intended start`,
    });
  }
  if (medianRun.serverCpuPct === null)
    warnings.push({
      code: 'resources-unknown',
      message: "server CPU and memory unknown: the server's process was not found (a --url whose listening socket is not this user's to read)",
    });

  return {
    target: context.target,
    url: context.url,
    scenario: scenario.name,
    path: scenario.path,
    connections: scenario.connections,
    pipelining: scenario.pipelining,
    newConnectionPerRequest: scenario.newConnectionPerRequest,
    model: context.rate === undefined ? 'closed' : 'open',
    ...(context.rate !== undefined ? { rate: context.rate, maxConnections: context.maxConnections ?? scenario.connections } : {}),
    durationS: context.durationS,
    warmupS: context.warmupS,
    runs: [...runs],
    median: medianRun,
    pssPerConnectionBytes:
      medianRun.serverPssBytes === null || medianRun.serverPssAtRestBytes === null
        ? null
        : Math.round(Math.max(0, medianRun.serverPssBytes - medianRun.serverPssAtRestBytes) / (context.maxConnections ?? scenario.connections)),
    spread: { rpsMin: Math.min(...rps), rpsMax: Math.max(...rps), rpsCv: round(coefficientOfVariation(rps), 4), rpsIqr: round(interquartileRange(rps), 1) },
    generatorBound: bound.generatorBound,
    warnings,
  };
}

/** The generator-bound verdict for one run (or the median run). Unknowable without the server's
 * CPU: then it is not claimed. */
function generatorVerdict(run: BenchRun, cpus: number): { generatorBound: boolean; reason: string } {
  if (run.serverCpuPct === null || run.serverBusiestThreadPct === null) return { generatorBound: false, reason: "the server's CPU is unknown" };
  const verdict = isGeneratorBound({
    generatorCpuPct: run.generatorCpuPct,
    serverCpuPct: run.serverCpuPct,
    busiestThreadPct: run.serverBusiestThreadPct,
    cpus,
  });
  return { generatorBound: verdict.bound, reason: verdict.reason };
}

/** The open model's generator is the limit when it cannot keep its own schedule: the server's
 * speed then no longer decides when requests go out. The rate itself it meets or counts as late. */
export const OPEN_LAG_LIMIT_US = 1000;

function openGeneratorVerdict(run: BenchRun): { generatorBound: boolean; reason: string } {
  const p99 = run.sendLagUs?.p99 ?? 0;
  return {
    generatorBound: p99 > OPEN_LAG_LIMIT_US,
    reason: `the generator dispatched requests up to ${Math.round(p99)} µs after their intended start (p99; more than ${OPEN_LAG_LIMIT_US} µs): it could not keep the rate's schedule`,
  };
}

/** Each metric's median over the runs, taken on its own: the median run of rps need not be the
 * median run of p99. A metric unknown in any run is unknown in the median. */
export function medianOfRuns(runs: readonly BenchRun[]): BenchRun {
  const m = (pick: (r: BenchRun) => number): number => median(runs.map(pick));
  const nullable = (pick: (r: BenchRun) => number | null): number | null => {
    const values = runs.map(pick);
    return values.some((v) => v === null) ? null : median(values as number[]);
  };
  const latencyOf = (pick: (r: BenchRun) => LatencyUs): LatencyUs => {
    const at = (key: keyof LatencyUs): number =>
      round(
        m((r) => pick(r)[key]),
        1,
      );
    return { mean: at('mean'), p50: at('p50'), p90: at('p90'), p99: at('p99'), p999: at('p999'), max: at('max') };
  };
  // The open model's own figures, where every run has them.
  const open = runs.every((r) => r.uncorrectedLatencyUs !== undefined && r.sendLagUs !== undefined);
  // The timeline shown for the median is the run whose rps is the median one.
  const middle = [...runs].sort((a, b) => a.rps - b.rps)[Math.floor((runs.length - 1) / 2)]!;
  const serverCpuPct = nullable((r) => r.serverCpuPct);
  const serverRssBytes = nullable((r) => r.serverRssBytes);
  const serverPssBytes = nullable((r) => r.serverPssBytes);
  const serverPssAtRestBytes = nullable((r) => r.serverPssAtRestBytes);
  const busiest = nullable((r) => r.serverBusiestThreadPct);
  return {
    rps: round(
      m((r) => r.rps),
      1,
    ),
    latencyUs: latencyOf((r) => r.latencyUs),
    ...(open
      ? {
          uncorrectedLatencyUs: latencyOf((r) => r.uncorrectedLatencyUs!),
          sendLagUs: latencyOf((r) => r.sendLagUs!),
          late: m((r) => r.late ?? 0),
          dropped: m((r) => r.dropped ?? 0),
        }
      : {}),
    errors: m((r) => r.errors),
    timeouts: m((r) => r.timeouts),
    non2xx: m((r) => r.non2xx),
    serverCpuPct: serverCpuPct === null ? null : round(serverCpuPct, 1),
    serverRssBytes: serverRssBytes === null ? null : Math.round(serverRssBytes),
    serverPssBytes: serverPssBytes === null ? null : Math.round(serverPssBytes),
    serverPssAtRestBytes: serverPssAtRestBytes === null ? null : Math.round(serverPssAtRestBytes),
    generatorCpuPct: round(
      m((r) => r.generatorCpuPct),
      1,
    ),
    serverBusiestThreadPct: busiest === null ? null : round(busiest, 1),
    responses: m((r) => r.responses),
    elapsedS: round(
      m((r) => r.elapsedS),
      3,
    ),
    timeline: middle.timeline,
    ...(middle.timelineSliceMs !== undefined ? { timelineSliceMs: middle.timelineSliceMs } : {}),
  };
}

function sum(runs: readonly BenchRun[], key: 'errors' | 'timeouts' | 'non2xx'): number {
  return runs.reduce((total, r) => total + r[key], 0);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
