// Small, synthetic result documents for the renderers' tests.
import { summarize } from '../conformance/summary.js';
import type { CheckResult, ConformanceReport, Outcome } from '../conformance/types.js';
import type { BenchReport, BenchResult } from '../loadtest/types.js';

export const MACHINE = { cpus: 2, cpuModel: 'Test CPU', node: '20.0.0', kernel: '6.1.0', platform: 'linux' };

/** One check's result as the runner records it, on RFC 9112 §3.2's Host rule: a pass or a failure
 * with what was expected and what came back, a warn for a check that is not required, a skip with
 * neither and an error with no answer. `extra` sets any field (a reason, a level, a hostile title). */
export function checkResult(id: string, outcome: Outcome, extra: Partial<CheckResult> = {}): CheckResult {
  return {
    id,
    section: 'RFC 9112 §3.2',
    level: 'MUST',
    required: outcome !== 'warn',
    title: `title of ${id}`,
    requirement: 'A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request message that lacks a Host header field',
    cause: id,
    outcome,
    expected: outcome === 'skip' ? '' : '400',
    actual: outcome === 'pass' ? 'HTTP/1.1 400 Bad Request' : outcome === 'fail' || outcome === 'warn' ? 'HTTP/1.0 200 OK' : '',
    ms: 2,
    ...extra,
  };
}

/** A report of these checks, its summary counted from them; `extra` sets the url, times and so on. */
export function conformanceReportFrom(target: string, checks: CheckResult[], extra: Partial<ConformanceReport> = {}): ConformanceReport {
  const summary = summarize(checks);
  return {
    schema: 'http-lab/conformance@1',
    target,
    url: 'http://127.0.0.1:1/',
    startedAt: '2026-11-25T00:00:00.000Z',
    durationMs: 1000,
    summary,
    checks,
    ...extra,
  };
}

/** A report that lists no checks, only a summary of 10 with `fail` failures: for what reads the summary alone. */
export function conformanceReport(target: string, fail = 0): ConformanceReport {
  return {
    ...conformanceReportFrom(target, []),
    summary: { total: 10, pass: 10 - fail, fail, warn: 0, skip: 0, error: 0, failedCauses: [], warnedCauses: [] },
  };
}

export function benchResult(target: string, scenario: string, rps: number, extra: Partial<BenchResult> = {}): BenchResult {
  const run = {
    rps,
    latencyUs: { mean: 50e6 / rps, p50: 500, p90: 900, p99: 2000, p999: 5000, max: 9000 },
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    serverCpuPct: 90,
    serverRssBytes: 64 * 2 ** 20,
    serverPssBytes: 24 * 2 ** 20,
    serverPssAtRestBytes: 12 * 2 ** 20,
    generatorCpuPct: 80,
    serverBusiestThreadPct: 90,
    responses: rps * 2,
    elapsedS: 2,
    timeline: [],
  };
  return {
    target,
    url: 'http://127.0.0.1:1/',
    scenario,
    path: '/index.html',
    connections: 50,
    pipelining: 1,
    newConnectionPerRequest: scenario === 'close',
    model: 'closed',
    durationS: 2,
    warmupS: 1,
    runs: [run, run],
    median: run,
    spread: { rpsMin: rps, rpsMax: rps, rpsCv: 0, rpsIqr: 0 },
    generatorBound: false,
    warnings: [],
    ...extra,
  };
}

export function benchReport(results: BenchResult[], machine = MACHINE): BenchReport {
  return {
    schema: 'http-lab/bench@2',
    version: '0.1.0',
    startedAt: '2026-11-25T00:00:00.000Z',
    machine,
    generator: { engine: 'autocannon', version: '9.0.0', responseTimeoutS: 10 },
    results,
    refused: [],
  };
}
