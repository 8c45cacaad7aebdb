import assert from 'node:assert/strict';
import type net from 'node:net';
import { test, type TestContext } from 'node:test';
import { answerEach, refusedPort, startFake, type FakeServer } from './fake-server.js';
import { buildReport, probe, runChecks, summarize } from './runner.js';
import type { Check, CheckResult } from './types.js';
import { all, closedAfter, status } from './verifiers.js';

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
const REQ = 'GET / HTTP/1.1\r\nHost: t\r\n\r\n';
const CANARY = 'GET /canary HTTP/1.1\r\nHost: t\r\n\r\n';

async function serve(t: TestContext, onConnection: (socket: net.Socket) => void): Promise<FakeServer> {
  const fake = await startFake(onConnection);
  t.after(() => fake.close());
  return fake;
}

function check(overrides: Partial<Check>): Check {
  return {
    id: 'test/check',
    section: 'RFC 9110 §9.1',
    level: 'MUST',
    required: true,
    title: 'a check',
    requirement: 'a sentence',
    request: REQ,
    expect: (ex) => status(ex, 200),
    ...overrides,
  };
}

const target = (fake: FakeServer) => ({ host: '127.0.0.1', port: fake.port });

test('outcomes: pass; a failed required check fails; a failed SHOULD or MAY warns', async (t) => {
  const fake = await serve(t, answerEach(() => OK));
  const expect404: Check['expect'] = (ex) => status(ex, 404);
  const results = await runChecks(
    [
      check({ id: 'a/pass' }),
      check({ id: 'a/must', expect: expect404 }),
      check({ id: 'a/should', level: 'SHOULD', required: false, expect: expect404 }),
      check({ id: 'a/may', level: 'MAY', required: false, expect: expect404 }),
      check({ id: 'a/required-should', level: 'SHOULD', required: true, expect: expect404 }),
    ],
    target(fake),
  );
  assert.deepEqual(
    results.map((r) => [r.id, r.outcome]),
    [['a/pass', 'pass'], ['a/must', 'fail'], ['a/should', 'warn'], ['a/may', 'warn'], ['a/required-should', 'fail']],
  );
  const failed = results[1]!;
  assert.equal(failed.expected, '404');
  assert.match(failed.actual, /HTTP\/1\.1 200 OK \[Content-Length: 2\], body 2 B "ok"/);
  assert.equal(failed.requirement, 'a sentence');
  assert.match(failed.trace!.sent, /GET \/ HTTP\/1\.1\\r\\n/);
});

test('strict makes SHOULD checks required, and only those', async (t) => {
  const fake = await serve(t, answerEach(() => OK));
  const expect404: Check['expect'] = (ex) => status(ex, 404);
  const results = await runChecks(
    [
      check({ id: 'a/should', level: 'SHOULD', required: false, expect: expect404 }),
      check({ id: 'a/may', level: 'MAY', required: false, expect: expect404 }),
    ],
    target(fake),
    { strict: true },
  );
  assert.deepEqual(results.map((r) => [r.outcome, r.required]), [['fail', true], ['warn', false]]);
});

test('a server that never answers is an error (timeout), not a fail', async (t) => {
  const fake = await serve(t, () => {});
  const [result] = await runChecks([check({})], target(fake), { timeoutMs: 200 });
  assert.equal(result!.outcome, 'error');
  assert.match(result!.reason ?? '', /timed out after 200 ms with 0 of 1 response/);
  assert.equal(result!.expected, '200');
});

test('an expectation that throws is an error with the reason', async (t) => {
  const fake = await serve(t, answerEach(() => OK));
  const [result] = await runChecks(
    [check({ expect: () => { throw new Error('boom'); } })],
    target(fake),
  );
  assert.equal(result!.outcome, 'error');
  assert.equal(result!.reason, 'the expectation threw: boom');
});

const mustClose = check({
  id: 'close/check',
  request: { chunks: [REQ + CANARY], awaitClose: true },
  expect: (ex) => all(status(ex, 200), closedAfter(ex, 1)),
});

test('a canary that is answered fails', async (t) => {
  const fake = await serve(t, answerEach(() => OK));
  const [result] = await runChecks([mustClose], target(fake), { closeWaitMs: 200 });
  assert.equal(result!.outcome, 'fail');
  assert.match(result!.actual, /the canary was answered/);
});

test('a connection left open where the server must close fails, not errors', async (t) => {
  const fake = await serve(t, answerEach((_, i) => (i === 0 ? OK : undefined)));
  const [result] = await runChecks([mustClose], target(fake), { closeWaitMs: 200 });
  assert.equal(result!.outcome, 'fail');
  assert.match(result!.actual, /connection left open/);
});

test('a response then a close passes', async (t) => {
  const fake = await serve(t, answerEach((_, __, socket) => void socket.end(OK)));
  const [result] = await runChecks([mustClose], target(fake), { closeWaitMs: 1000 });
  assert.equal(result!.outcome, 'pass');
});

/** A server that answers each connection's single request 40 ms late, and records the most
 * requests it held unanswered at once. The client finishes an exchange only after its answer, so
 * that peak is a lower bound of the runner's parallelism that can never exceed it. */
async function slowServer(t: TestContext): Promise<{ fake: FakeServer; peak: () => number }> {
  let waiting = 0;
  let peak = 0;
  const fake = await serve(t, answerEach((_, __, socket) => {
    peak = Math.max(peak, ++waiting);
    setTimeout(() => {
      waiting--;
      socket.write(OK);
    }, 40);
    return undefined;
  }));
  return { fake, peak: () => peak };
}

test('parallelism is bounded and results keep catalogue order', async (t) => {
  const { fake, peak } = await slowServer(t);
  const checks = Array.from({ length: 12 }, (_, i) => check({ id: `par/${i}` }));
  const results = await runChecks(checks, target(fake), { concurrency: 3 });
  assert.equal(peak(), 3, 'exactly 3 exchanges at once');
  assert.deepEqual(results.map((r) => r.id), checks.map((c) => c.id));
  assert.ok(results.every((r) => r.outcome === 'pass'));
});

test('concurrency 1 runs one exchange at a time', async (t) => {
  const { fake, peak } = await slowServer(t);
  await runChecks(Array.from({ length: 4 }, () => check({})), target(fake), { concurrency: 1 });
  assert.equal(peak(), 1);
});

test('architecture checks are skipped without a pid, and run with one', async (t) => {
  const fake = await serve(t, answerEach(() => OK));
  const arch = check({ id: 'arch/x', level: 'architecture', expect: (ex, ctx) => ({ ...status(ex, 200), pass: ctx.pid === 42 }) });
  const [skipped] = await runChecks([arch], target(fake));
  assert.equal(skipped!.outcome, 'skip');
  assert.equal(skipped!.reason, 'needs a built-in target (pid)');
  const [ran] = await runChecks([arch], target(fake), { pid: 42 });
  assert.equal(ran!.outcome, 'pass');
});

test('an unreachable target is an error result, not a rejection', async () => {
  const port = await refusedPort();
  const [result] = await runChecks([check({})], { host: '127.0.0.1', port });
  assert.equal(result!.outcome, 'error');
  assert.match(result!.reason ?? '', /ECONNREFUSED/);
});

test('probe rejects quickly with a clear message when the connection is refused', async () => {
  const port = await refusedPort();
  const started = performance.now();
  await assert.rejects(probe('127.0.0.1', port, 2000), { message: `cannot connect to 127.0.0.1:${port}: ECONNREFUSED` });
  assert.ok(performance.now() - started < 1000);
});

test('probe answers with the status of GET /, and rejects a server that stays silent', async (t) => {
  let head = '';
  const good = await serve(t, answerEach((h) => ((head = h), OK)));
  assert.equal((await probe('127.0.0.1', good.port, 1000)).status, 200);
  assert.match(head, new RegExp(`^GET / HTTP/1\\.1\\r\\nHost: 127\\.0\\.0\\.1:${good.port}\\r\\n`));
  const silent = await serve(t, () => {});
  await assert.rejects(probe('127.0.0.1', silent.port, 200), /no HTTP response from 127\.0\.0\.1:\d+ within 200 ms/);
});

test('summarize counts outcomes; buildReport carries the schema', () => {
  const result = (outcome: CheckResult['outcome']): CheckResult => ({
    id: outcome, section: 'RFC 9110 §9.1', level: 'MUST', required: true, title: '', outcome, expected: '', actual: '', ms: 1,
  });
  const results = (['pass', 'pass', 'fail', 'warn', 'skip', 'error'] as const).map(result);
  assert.deepEqual(summarize(results), { total: 6, pass: 2, fail: 1, warn: 1, skip: 1, error: 1 });
  const report = buildReport('python', 'http://127.0.0.1:1', results, new Date(0), 12.4);
  assert.equal(report.schema, 'http-lab/conformance@1');
  assert.equal(report.startedAt, '1970-01-01T00:00:00.000Z');
  assert.equal(report.durationMs, 12);
  assert.equal(report.summary.fail, 1);
});
