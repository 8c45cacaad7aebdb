// From the runs of one target and scenario to the reported result: the median of each metric, the
// spread of rps, whether the generator was the bottleneck, and every warning a reader needs to
// judge the figures. Pure: runs in, result out.
import { checkLittlesLaw, littlesLawWarning } from './littles-law.js';
import { isGeneratorBound } from './resources.js';
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
}

export function summarize(runs: readonly BenchRun[], context: ResultContext): BenchResult {
  if (runs.length === 0) throw new RangeError('summarize: no runs');
  const { scenario } = context;
  const rps = runs.map((r) => r.rps);
  const medianRun = medianOfRuns(runs);
  const bound = generatorVerdict(medianRun, context.cpus);
  const warnings: BenchWarning[] = [];

  if (bound.generatorBound) warnings.push({ code: 'generator-bound', message: `${bound.reason}; the server may be faster than these figures` });
  if (runs.length > 1 && relativeRange(rps) > NOISY_SPREAD) {
    warnings.push({
      code: 'noisy',
      message: `noisy: rps ranged from ${Math.round(Math.min(...rps))} to ${Math.round(Math.max(...rps))} over ${runs.length} runs, ${pct(relativeRange(rps))} of the median (more than ${pct(NOISY_SPREAD)}); add --runs or --duration, or quiet the machine`,
    });
  }
  if (runs.length === 1) warnings.push({ code: 'one-run', message: 'one run: no spread to report; use --runs 3 or more' });
  runs.forEach((run, i) => {
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
    durationS: context.durationS,
    warmupS: context.warmupS,
    runs: [...runs],
    median: medianRun,
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

/** Each metric's median over the runs, taken on its own: the median run of rps need not be the
 * median run of p99. A metric unknown in any run is unknown in the median. */
export function medianOfRuns(runs: readonly BenchRun[]): BenchRun {
  const m = (pick: (r: BenchRun) => number): number => median(runs.map(pick));
  const nullable = (pick: (r: BenchRun) => number | null): number | null => {
    const values = runs.map(pick);
    return values.some((v) => v === null) ? null : median(values as number[]);
  };
  const latency = (key: keyof LatencyUs): number =>
    round(
      m((r) => r.latencyUs[key]),
      1,
    );
  const serverCpuPct = nullable((r) => r.serverCpuPct);
  const serverRssBytes = nullable((r) => r.serverRssBytes);
  const busiest = nullable((r) => r.serverBusiestThreadPct);
  return {
    rps: round(
      m((r) => r.rps),
      1,
    ),
    latencyUs: { mean: latency('mean'), p50: latency('p50'), p90: latency('p90'), p99: latency('p99'), p999: latency('p999'), max: latency('max') },
    errors: m((r) => r.errors),
    timeouts: m((r) => r.timeouts),
    non2xx: m((r) => r.non2xx),
    serverCpuPct: serverCpuPct === null ? null : round(serverCpuPct, 1),
    serverRssBytes: serverRssBytes === null ? null : Math.round(serverRssBytes),
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
