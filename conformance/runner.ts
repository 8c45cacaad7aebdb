// Runs checks against a target over TCP, with a deadline per exchange and bounded parallelism, and
// turns verdicts into outcomes:
// - pass: the expectation held;
// - fail: a required check failed (with --strict, SHOULD checks count as required);
// - warn: any other check failed;
// - error: the harness could not judge (no complete answer before the deadline, an exception);
// - skip: the check does not apply to this target, with the reason.
// Most checks are data: request bytes and an expectation. A procedural check (`run`, for the
// architecture fingerprints) gets the same deadline, and a deadline that passes or an exception is
// an error, never a fail. Architecture checks measure the server process itself (its threads,
// children, CPU time, epoll sets), so they run last and one at a time, with nothing else in flight.
// A server that must close but does not is a fail, not an error: the client waits closeWaitMs for
// the close and the check's verifier judges what it saw.
import { exchange } from './client.js';
import { escapeBytes } from './escape.js';
import { fixtureContext } from './fixtures.js';
import { profileTarget, type Profiled } from './profile.js';
import { summarize } from './summary.js';
import type {
  Check,
  CheckContext,
  CheckResult,
  CheckTarget,
  ConformanceReport,
  Exchange,
  Offer,
  Outcome,
  ProcedureCheck,
  RequestCheck,
  RequestPlan,
  TargetProfile,
  Verdict,
} from './types.js';
import { finalResponses } from './verifiers.js';

export type Target = CheckTarget;

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
  /** the built-in design under test (e.g. 'thread'); checks that name another design are skipped */
  design?: string;
  /** the docroot whose files the expectations compare against (default: the bundled html/) */
  docroot?: string;
  /** the resource's path (default /index.html where the fixtures are served, else /) */
  path?: string;
  /** what the target gives, when already known; else found out before the checks run, if any
   * selected check needs the resource or the fixtures */
  profiled?: Profiled;
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_CONCURRENCY = 8;
/** escaped characters kept per direction in a result's trace */
const TRACE_CHARS = 8192;

/** Connections open at once, as a multiple of the concurrency, counting those that only wait for
 * the server to close (see runChecks). */
const IDLE_FACTOR = 4;

/** How long a procedural check that passed its deadline may take to close its sockets. */
const ABORT_GRACE_MS = 1000;

function toPlan(request: RequestCheck['request'], ctx: CheckContext): RequestPlan {
  const bytes = typeof request === 'function' ? request(ctx) : request;
  return typeof bytes === 'string' || Buffer.isBuffer(bytes) ? { chunks: [bytes] } : bytes;
}

const OFFER_WORDS: Record<Offer, string> = { etag: 'ETag', 'last-modified': 'Last-Modified date', ranges: 'byte ranges (Accept-Ranges: bytes)' };

/** Whether a failed check fails the run. */
function isRequired(check: Pick<Check, 'required' | 'level'>, strict = false): boolean {
  // SHOULD checks are required under --strict; MAY checks never are.
  return check.required || (strict && check.level === 'SHOULD');
}

/** The parts of a result that come from the verdict. */
function judged(check: Check, verdict: Verdict, strict: boolean | undefined): Pick<CheckResult, 'outcome' | 'expected' | 'actual' | 'branch'> {
  return {
    outcome: outcomeOf(check, verdict, strict),
    expected: verdict.expected,
    actual: verdict.actual,
    ...(verdict.branch !== undefined ? { branch: verdict.branch } : {}),
  };
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

/** Why `check` does not apply to this target, or undefined when it does. */
function skipReason(check: Check, ctx: CheckContext, profiled: Profiled | undefined): string | undefined {
  if (check.needs === 'fixtures' && profiled?.profile.fixtures.served === false) {
    return `needs the bundled fixtures: ${profiled.profile.fixtures.reason}`;
  }
  if (check.needs === 'resource') {
    const resource = profiled?.profile.resource;
    if (resource?.available === false) return `needs a resource that answers 200 to GET: ${resource.reason}`;
    const missing = (check.offers ?? []).filter((o) => !ctx.resource?.offers.includes(o));
    if (missing.length > 0) return `the resource ${ctx.resource?.path ?? ''} offers no ${missing.map((o) => OFFER_WORDS[o]).join(' and no ')}`;
  }
  if (check.level === 'architecture' && ctx.pid === undefined) {
    return "needs a built-in target: it inspects the server's process (pid) under /proc, and --url gives none";
  }
  if (check.design !== undefined && check.design !== ctx.design) {
    const target =
      ctx.design !== undefined
        ? `the target is ${ctx.design}`
        : ctx.pid !== undefined
          ? 'the target is not a built-in design'
          : 'the target design is not known';
    return `applies to the ${check.design} design only (${target})`;
  }
  return undefined;
}

type Base = Pick<CheckResult, 'id' | 'section' | 'level' | 'required' | 'title' | 'requirement' | 'cause' | 'rationale'>;

async function runProcedure(
  check: ProcedureCheck,
  target: Target,
  opts: RunOptions,
  ctx: CheckContext,
  base: Base,
  errorResult: (reason: string, ms: number) => CheckResult,
): Promise<CheckResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const started = performance.now();
  const elapsed = (): number => Math.round((performance.now() - started) * 10) / 10;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  let running: Promise<Verdict>;
  try {
    running = check.run({ host: target.host, port: target.port }, { ...ctx, signal: controller.signal, timeoutMs });
  } catch (err) {
    clearTimeout(timer);
    return errorResult(`the check threw: ${message(err)}`, elapsed());
  }
  const settled = running.then(
    () => undefined,
    () => undefined,
  );
  let verdict: Verdict | 'timeout';
  try {
    verdict = await Promise.race([running, deadline]);
  } catch (err) {
    return errorResult(`the check threw: ${message(err)}`, elapsed());
  } finally {
    clearTimeout(timer);
  }
  if (verdict === 'timeout') {
    const ms = elapsed();
    controller.abort(new Error(`the deadline of ${timeoutMs} ms passed`));
    // Let it close its sockets, so that the next check finds the server as it was.
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise<void>((resolve) => (grace = setTimeout(resolve, ABORT_GRACE_MS)))]);
    clearTimeout(grace);
    return errorResult(`timed out after ${timeoutMs} ms`, ms);
  }
  return { ...base, ...judged(check, verdict, opts.strict), ms: elapsed() };
}

async function runOne(check: Check, target: Target, opts: RunOptions, ctx: CheckContext, onCloseWait?: () => void): Promise<CheckResult> {
  const base: Base = {
    id: check.id,
    section: check.section,
    level: check.level,
    required: isRequired(check, opts.strict),
    title: check.title,
    requirement: check.requirement,
    cause: check.cause ?? check.id,
    ...(check.rationale !== undefined ? { rationale: check.rationale } : {}),
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

  const skip = skipReason(check, ctx, opts.profiled);
  if (skip !== undefined) return { ...base, outcome: 'skip', expected: '', actual: '', reason: skip, ms: 0 };
  if (check.run !== undefined) return runProcedure(check, target, opts, ctx, base, errorResult);
  const plan = toPlan(check.request, ctx);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let ex: Exchange;
  try {
    ex = await exchange(target.host, target.port, plan, {
      timeoutMs,
      ...(opts.closeWaitMs !== undefined ? { closeWaitMs: opts.closeWaitMs } : {}),
      ...(onCloseWait !== undefined ? { onCloseWait } : {}),
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
    ...judged(check, verdict, opts.strict),
    ms: ex.ms,
    trace: trace(ex),
  };
}

function waitsForClose(check: Check, ctx: CheckContext): boolean {
  // A resource check's request is built from the resource; without one, the check will skip.
  if (check.request === undefined || (check.needs === 'resource' && ctx.resource === undefined)) return false;
  return toPlan(check.request, ctx).awaitClose === true;
}

/** Run `checks` against `target`, at most `concurrency` at a time; results keep the checks' order.
 * Architecture checks run after all the others, one at a time. */
export async function runChecks(checks: readonly Check[], target: Target, opts: RunOptions = {}): Promise<CheckResult[]> {
  return (await runConformance(checks, target, opts)).results;
}

/** runChecks, and what the target was found to give (the fixtures, the resource), when a selected
 * check needed to know. */
export async function runConformance(
  checks: readonly Check[],
  target: Target,
  options: RunOptions = {},
): Promise<{ results: CheckResult[]; profiled?: Profiled }> {
  const base = fixtureContext(options.docroot, options.pid);
  const profiled =
    options.profiled ??
    (checks.some((c) => c.needs !== 'origin' && c.level !== 'architecture')
      ? await profileTarget(target, {
          ...(options.path !== undefined ? { path: options.path } : {}),
          index: base.fixture('index.html'),
          timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        })
      : undefined);
  const opts: RunOptions = { ...options, ...(profiled !== undefined ? { profiled } : {}) };
  const ctx: CheckContext = {
    ...base,
    ...(options.design !== undefined ? { design: options.design } : {}),
    ...(profiled?.resource !== undefined ? { resource: profiled.resource } : {}),
  };
  const results: CheckResult[] = new Array<CheckResult>(checks.length);
  const indexes = checks.map((_, i) => i);
  const alone = indexes.filter((i) => checks[i]!.level === 'architecture');
  const shared = indexes.filter((i) => checks[i]!.level !== 'architecture');
  const width = Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY);
  // `width` checks exchange bytes at once. A check whose responses are in and that only waits for
  // the server to close (awaitClose, up to closeWaitMs) gives its slot to the next check: an idle
  // connection puts no load on the server, and against a server that keeps connections open these
  // waits would otherwise make up most of the run. At most `width * IDLE_FACTOR` connections are
  // open in all. A serial target (width 1) keeps strictly one connection at a time: a second one
  // would queue behind the first and its timings would include the wait.
  const maxOpen = width === 1 ? 1 : width * IDLE_FACTOR;
  // For the same reason, the checks that will wait for a close start first, so that their waits
  // run alongside the other checks rather than after them (results keep the catalogue's order).
  if (width > 1) {
    // each check's plan built once, not at every comparison of the sort
    const closes = checks.map((c) => waitsForClose(c, ctx));
    shared.sort((a, b) => Number(!closes[a]) - Number(!closes[b]) || a - b);
  }
  let active = 0;
  let open = 0;
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    let settled = 0;
    const pump = (): void => {
      while (next < shared.length && active < width && open < maxOpen) {
        const i = shared[next++]!;
        active++;
        open++;
        let released = false;
        const release = (): void => {
          if (released) return;
          released = true;
          active--;
        };
        runOne(
          checks[i]!,
          target,
          opts,
          ctx,
          width === 1
            ? undefined
            : () => {
                release();
                // let the next check start on the next turn, not inside the client's read handler
                setImmediate(pump);
              },
        ).then((result) => {
          results[i] = result;
          release();
          open--;
          settled++;
          if (settled === shared.length) resolve();
          else pump();
        }, reject);
      }
    };
    if (shared.length === 0) resolve();
    else pump();
  });
  for (const i of alone) results[i] = await runOne(checks[i]!, target, opts, ctx);
  return { results, ...(profiled !== undefined ? { profiled } : {}) };
}

export function buildReport(
  target: string,
  url: string,
  results: CheckResult[],
  startedAt: Date | string,
  durationMs: number,
  profile?: TargetProfile,
): ConformanceReport {
  return {
    schema: 'http-lab/conformance@1',
    target,
    url,
    startedAt: typeof startedAt === 'string' ? startedAt : startedAt.toISOString(),
    durationMs: Math.round(durationMs),
    summary: summarize(results),
    ...(profile !== undefined ? { profile } : {}),
    checks: results,
  };
}

export interface ProbeResult {
  status: number;
  ms: number;
}

/** Is an HTTP server answering at host:port? Rejects with a one-line reason (for exit code 2). */
export async function probe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  const ex = await exchange(host, port, { chunks: [`GET / HTTP/1.1\r\nHost: ${host}:${port}\r\nConnection: close\r\n\r\n`] }, { timeoutMs });
  const [res] = finalResponses(ex);
  if (res) return { status: res.status, ms: ex.ms };
  if (ex.parseError) throw new Error(`${host}:${port} did not answer with HTTP: ${ex.parseError}`);
  if (ex.timedOut) throw new Error(`no HTTP response from ${host}:${port} within ${timeoutMs} ms`);
  throw new Error(`${host}:${port} closed the connection without a response`);
}
