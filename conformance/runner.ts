// Runs checks against a target over TCP, with a deadline per exchange and bounded parallelism, and
// turns verdicts into outcomes:
// - pass: the expectation held;
// - fail: a required check failed (with --strict, SHOULD checks count as required);
// - warn: any other check failed;
// - error: the harness could not judge (no complete answer before the deadline, an exception);
// - skip: the check does not apply to this target, with the reason.
// A server that must close but does not is a fail, not an error: the client waits closeWaitMs for
// the close and the check's verifier judges what it saw.
import { exchange } from './client.js';
import { escapeBytes } from './escape.js';
import { fixtureContext } from './fixtures.js';
import type {
  Check,
  CheckContext,
  CheckResult,
  ConformanceReport,
  ConformanceSummary,
  Exchange,
  Outcome,
  RequestPlan,
  Verdict,
} from './types.js';
import { finalResponses } from './verifiers.js';

export interface Target {
  host: string;
  port: number;
}

export interface RunOptions {
  /** deadline per exchange, connect included (default 5000) */
  timeoutMs?: number;
  /** most exchanges in flight at once (default 8) */
  concurrency?: number;
  /** how long to wait for the server to close where a check expects it to (default 1000) */
  closeWaitMs?: number;
  /** SHOULD checks become required */
  strict?: boolean;
  /** the server's process id, known for a built-in target; architecture checks need it */
  pid?: number;
  /** the docroot whose files the expectations compare against (default: the bundled html/) */
  docroot?: string;
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_CONCURRENCY = 8;
/** escaped characters kept per direction in a result's trace */
const TRACE_CHARS = 8192;

function toPlan(request: Check['request']): RequestPlan {
  return typeof request === 'string' || Buffer.isBuffer(request) ? { chunks: [request] } : request;
}

/** Whether a failed check fails the run. */
function isRequired(check: Pick<Check, 'required' | 'level'>, strict = false): boolean {
  return check.required || (strict && check.level === 'SHOULD');
}

function outcomeOf(check: Pick<Check, 'required' | 'level'>, verdict: Verdict, strict = false): Outcome {
  if (verdict.pass) return 'pass';
  return isRequired(check, strict) ? 'fail' : 'warn';
}

function trace(ex: Exchange): NonNullable<CheckResult['trace']> {
  return { sent: escapeBytes(ex.sent, TRACE_CHARS, true), received: escapeBytes(ex.received, TRACE_CHARS, true) };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function runOne(check: Check, target: Target, opts: RunOptions, ctx: CheckContext): Promise<CheckResult> {
  const base = {
    id: check.id,
    section: check.section,
    level: check.level,
    required: isRequired(check, opts.strict),
    title: check.title,
    requirement: check.requirement,
  };
  const errorResult = (reason: string, ms: number, expected = '', ex?: Exchange): CheckResult => ({
    ...base,
    outcome: 'error',
    expected,
    actual: '',
    reason,
    ms,
    ...(ex ? { trace: trace(ex) } : {}),
  });

  if (check.level === 'architecture' && ctx.pid === undefined) {
    return { ...base, outcome: 'skip', expected: '', actual: '', reason: 'needs a built-in target (pid)', ms: 0 };
  }
  const plan = toPlan(check.request);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let ex: Exchange;
  try {
    ex = await exchange(target.host, target.port, plan, {
      timeoutMs,
      ...(opts.closeWaitMs !== undefined ? { closeWaitMs: opts.closeWaitMs } : {}),
    });
  } catch (err) {
    return errorResult(message(err), 0);
  }
  let verdict: Verdict;
  try {
    verdict = check.expect(ex, ctx);
  } catch (err) {
    return errorResult(`the expectation threw: ${message(err)}`, ex.ms, '', ex);
  }
  if (ex.timedOut) {
    const got = finalResponses(ex).length;
    const want = plan.responses ?? 1;
    return errorResult(`timed out after ${timeoutMs} ms with ${got} of ${want} response(s)`, ex.ms, verdict.expected, ex);
  }
  return {
    ...base,
    outcome: outcomeOf(check, verdict, opts.strict),
    expected: verdict.expected,
    actual: verdict.actual,
    ...(verdict.branch !== undefined ? { branch: verdict.branch } : {}),
    ms: ex.ms,
    trace: trace(ex),
  };
}

/** Run `checks` against `target`, at most `concurrency` at a time; results keep the checks' order. */
export async function runChecks(checks: readonly Check[], target: Target, opts: RunOptions = {}): Promise<CheckResult[]> {
  const ctx = fixtureContext(opts.docroot, opts.pid);
  const results: CheckResult[] = new Array(checks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < checks.length) {
      const i = next++;
      results[i] = await runOne(checks[i]!, target, opts, ctx);
    }
  };
  const width = Math.max(1, Math.min(opts.concurrency ?? DEFAULT_CONCURRENCY, checks.length));
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

export function summarize(results: readonly CheckResult[]): ConformanceSummary {
  const summary: ConformanceSummary = { total: results.length, pass: 0, fail: 0, warn: 0, skip: 0, error: 0 };
  for (const r of results) summary[r.outcome]++;
  return summary;
}

export function buildReport(
  target: string,
  url: string,
  results: CheckResult[],
  startedAt: Date | string,
  durationMs: number,
): ConformanceReport {
  return {
    schema: 'http-lab/conformance@1',
    target,
    url,
    startedAt: typeof startedAt === 'string' ? startedAt : startedAt.toISOString(),
    durationMs: Math.round(durationMs),
    summary: summarize(results),
    checks: results,
  };
}

export interface ProbeResult {
  status: number;
  ms: number;
}

/** Is an HTTP server answering at host:port? Rejects with a one-line reason (for exit code 2). */
export async function probe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  const ex = await exchange(
    host,
    port,
    { chunks: [`GET / HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n\r\n`] },
    { timeoutMs },
  );
  const [res] = finalResponses(ex);
  if (res) return { status: res.status, ms: ex.ms };
  if (ex.parseError) throw new Error(`${host}:${port} did not answer with HTTP: ${ex.parseError}`);
  if (ex.timedOut) throw new Error(`no HTTP response from ${host}:${port} within ${timeoutMs} ms`);
  throw new Error(`${host}:${port} closed the connection without a response`);
}
