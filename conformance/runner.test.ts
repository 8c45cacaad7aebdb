import assert from 'node:assert/strict';
import type net from 'node:net';
import { test, type TestContext } from 'node:test';
import { answerEach, refusedPort, startFake, withConnectedDeadline, type FakeServer } from './fake-server.js';
import { get } from './checks/requests.js';
import { resourceBody, resourcePath } from './checks/resource.js';
import { buildReport, probe, runChecks, runConformance } from './runner.js';
import { summarize } from './summary.js';
import type { CheckResult, ProcedureCheck, RequestCheck } from './types.js';
import { all, bodyEquals, closedAfter, status, verdict } from './verifiers.js';

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
const REQ = 'GET / HTTP/1.1\r\nHost: t\r\n\r\n';
const CANARY = 'GET /canary HTTP/1.1\r\nHost: t\r\n\r\n';

async function serve(t: TestContext, onConnection: (socket: net.Socket) => void): Promise<FakeServer> {
  const fake = await startFake(onConnection);
  t.after(() => fake.close());
  return fake;
}

function check(overrides: Partial<RequestCheck>): RequestCheck {
  return {
    id: 'test/check',
    section: 'RFC 9110 §9.1',
    level: 'MUST',
    required: true,
    title: 'a check',
    requirement: 'a sentence',
    needs: 'origin',
    request: REQ,
    expect: (ex) => status(ex, 200),
    ...overrides,
  };
}

const target = (fake: FakeServer) => ({ host: '127.0.0.1', port: fake.port });

/** The deadline of an exchange whose answer comes at once (the runner's default is 5 s): generous,
 * since it costs time only when a test fails. */
const ANSWERED = { timeoutMs: 30_000 };

test('outcomes: pass; a failed required check fails; a failed SHOULD or MAY warns', async (t) => {
  const fake = await serve(
    t,
    answerEach(() => OK),
  );
  const expect404: RequestCheck['expect'] = (ex) => status(ex, 404);
  const results = await runChecks(
    [
      check({ id: 'a/pass' }),
      check({ id: 'a/must', expect: expect404 }),
      check({ id: 'a/should', level: 'SHOULD', required: false, expect: expect404 }),
      check({ id: 'a/may', level: 'MAY', required: false, expect: expect404 }),
      check({ id: 'a/required-should', level: 'SHOULD', required: true, expect: expect404 }),
    ],
    target(fake),
    ANSWERED,
  );
  assert.deepEqual(
    results.map((r) => [r.id, r.outcome]),
    [
      ['a/pass', 'pass'],
      ['a/must', 'fail'],
      ['a/should', 'warn'],
      ['a/may', 'warn'],
      ['a/required-should', 'fail'],
    ],
  );
  const failed = results[1]!;
  assert.equal(failed.expected, '404');
  assert.match(failed.actual, /HTTP\/1\.1 200 OK \[Content-Length: 2\], body 2 B "ok"/);
  assert.equal(failed.requirement, 'a sentence');
  assert.match(failed.trace!.sent, /GET \/ HTTP\/1\.1\\r\\n/);
});

test('strict makes SHOULD checks required, and only those', async (t) => {
  const fake = await serve(
    t,
    answerEach(() => OK),
  );
  const expect404: RequestCheck['expect'] = (ex) => status(ex, 404);
  const results = await runChecks(
    [check({ id: 'a/should', level: 'SHOULD', required: false, expect: expect404 }), check({ id: 'a/may', level: 'MAY', required: false, expect: expect404 })],
    target(fake),
    { ...ANSWERED, strict: true },
  );
  assert.deepEqual(
    results.map((r) => [r.outcome, r.required]),
    [
      ['fail', true],
      ['warn', false],
    ],
  );
});

test('a server that never answers is an error (timeout), not a fail', async (t) => {
  const fake = await serve(t, () => {});
  const { value: result, timeoutMs } = await withConnectedDeadline(
    async (ms) => (await runChecks([check({})], target(fake), { timeoutMs: ms }))[0]!,
    (r) => r.reason,
  );
  assert.equal(result.outcome, 'error');
  assert.match(result.reason ?? '', new RegExp(`timed out after ${timeoutMs} ms with 0 of 1 response`));
  assert.equal(result.expected, '200');
});

test('an expectation that throws is an error with the reason', async (t) => {
  const fake = await serve(
    t,
    answerEach(() => OK),
  );
  const [result] = await runChecks(
    [
      check({
        expect: () => {
          throw new Error('boom');
        },
      }),
    ],
    target(fake),
    ANSWERED,
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
  const fake = await serve(
    t,
    answerEach(() => OK),
  );
  // the canary's answer is written with the first one, so it is read before the wait can end
  const [result] = await runChecks([mustClose], target(fake), { ...ANSWERED, closeWaitMs: 200 });
  assert.equal(result!.outcome, 'fail');
  assert.match(result!.actual, /the canary was answered/);
});

test('a connection left open where the server must close fails, not errors', async (t) => {
  const fake = await serve(
    t,
    answerEach((_, i) => (i === 0 ? OK : undefined)),
  );
  const [result] = await runChecks([mustClose], target(fake), { ...ANSWERED, closeWaitMs: 200 });
  assert.equal(result!.outcome, 'fail');
  assert.match(result!.actual, /connection left open/);
});

test('a response then a close passes', async (t) => {
  const fake = await serve(
    t,
    answerEach((_, __, socket) => void socket.end(OK)),
  );
  // a close wait far beyond any stall of a loaded machine: it ends at the close
  const [result] = await runChecks([mustClose], target(fake), { ...ANSWERED, closeWaitMs: 20_000 });
  assert.equal(result!.outcome, 'pass');
});

/** A server that holds each connection's single request until `batch` of them are held, answers
 * those 40 ms later, and records the most requests it had unanswered at once. An exchange, and so
 * its slot in the runner, ends only with its answer: a runner that keeps `batch` exchanges going
 * fills every batch however slow the machine, and never has more unanswered. One that runs more at
 * once shows it in the peak, as the extra requests arrive during the 40 ms; one that runs fewer
 * never fills a batch, and its checks time out. */
async function batchingServer(
  t: TestContext,
  batch: number,
  afterEachBatch: (open: ReadonlySet<net.Socket>) => void = () => {},
): Promise<{ fake: FakeServer; peak: () => number }> {
  const open = new Set<net.Socket>();
  const held: net.Socket[] = [];
  let unanswered = 0;
  let peak = 0;
  const holdEach = answerEach((_, __, socket) => {
    held.push(socket);
    peak = Math.max(peak, ++unanswered);
    if (held.length < batch) return undefined;
    const answering = held.splice(0);
    // the time is a window for extra requests from a runner that starts too many, not a wait
    setTimeout(() => {
      unanswered -= answering.length;
      for (const s of answering) s.write(OK);
      afterEachBatch(open);
    }, 40);
    return undefined;
  });
  const fake = await serve(t, (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    holdEach(socket);
  });
  return { fake, peak: () => peak };
}

test('parallelism is bounded and results keep catalogue order', async (t) => {
  const { fake, peak } = await batchingServer(t, 3);
  const checks = Array.from({ length: 12 }, (_, i) => check({ id: `par/${i}` }));
  const results = await runChecks(checks, target(fake), { ...ANSWERED, concurrency: 3 });
  assert.equal(peak(), 3, 'exactly 3 exchanges at once');
  assert.deepEqual(
    results.map((r) => r.id),
    checks.map((c) => c.id),
  );
  assert.ok(results.every((r) => r.outcome === 'pass'));
});

test('concurrency 1 runs one exchange at a time', async (t) => {
  const { fake, peak } = await batchingServer(t, 1);
  const results = await runChecks(
    Array.from({ length: 4 }, () => check({})),
    target(fake),
    { ...ANSWERED, concurrency: 1 },
  );
  assert.equal(peak(), 1);
  assert.ok(results.every((r) => r.outcome === 'pass'));
});

test('architecture checks are skipped without a pid, and run with one', async (t) => {
  const fake = await serve(
    t,
    answerEach(() => OK),
  );
  const arch = check({ id: 'arch/x', level: 'architecture', expect: (ex, ctx) => ({ ...status(ex, 200), pass: ctx.pid === 42 }) });
  const [skipped] = await runChecks([arch], target(fake), ANSWERED);
  assert.equal(skipped!.outcome, 'skip');
  assert.match(skipped!.reason ?? '', /^needs a built-in target: .*\(pid\)/);
  const [ran] = await runChecks([arch], target(fake), { ...ANSWERED, pid: 42 });
  assert.equal(ran!.outcome, 'pass');
});

/** A check that passes when the server closes after its answer. */
function waitsForClose(id: string): RequestCheck {
  return check({
    id,
    request: { chunks: [REQ], awaitClose: true },
    expect: (ex) => ({ pass: ex.closed, expected: 'close', actual: ex.closed ? 'closed' : 'left open' }),
  });
}

test('a check that only waits for the close gives its slot to the next one; active exchanges stay bounded', async (t) => {
  // The server answers two requests at a time, and closes nothing until all 8 connections are open
  // at once: a runner with 2 slots gets there only by giving away the slot of each check that waits
  // for the close. Then it closes them all. A runner that keeps the slots waits out every close
  // wait, and the checks fail.
  const { fake, peak } = await batchingServer(t, 2, (open) => {
    if (open.size === 8) for (const s of open) s.end();
  });
  const checks = Array.from({ length: 8 }, (_, i) => waitsForClose(`idle/${i}`));
  // a close wait far beyond the time it takes to open 8 connections, however loaded the machine
  const results = await runChecks(checks, target(fake), { ...ANSWERED, concurrency: 2, closeWaitMs: 20_000 });
  assert.deepEqual(
    results.map((r) => r.outcome),
    Array(8).fill('pass'),
    'the waits overlapped',
  );
  assert.equal(peak(), 2, 'never more than 2 requests being answered at once');
});

test('a check whose slot was given away still waits its whole closeWaitMs; a serial target waits one at a time', async (t) => {
  const neverCloses = await serve(
    t,
    answerEach(() => OK),
  );
  const checks = Array.from({ length: 4 }, (_, i) => waitsForClose(`idle/${i}`));
  const results = await runChecks(checks, target(neverCloses), { ...ANSWERED, concurrency: 2, closeWaitMs: 200 });
  assert.deepEqual(
    results.map((r) => r.outcome),
    Array(4).fill('fail'),
  );
  assert.ok(
    results.every((r) => r.ms >= 190),
    'each check still waited its whole closeWaitMs',
  );
  // a serial target keeps one connection at a time, waits included
  const serialStarted = performance.now();
  await runChecks(checks.slice(0, 3), target(neverCloses), { ...ANSWERED, concurrency: 1, closeWaitMs: 200 });
  assert.ok(performance.now() - serialStarted >= 3 * 190, 'serial: the waits did not overlap');
});

test('a check for one design is skipped, with the reason, for any other target', async (t) => {
  const fake = await serve(
    t,
    answerEach(() => OK),
  );
  const arch = check({ id: 'arch/x', level: 'architecture', design: 'thread' });
  const [other] = await runChecks([arch], target(fake), { pid: 42, design: 'blocking' });
  assert.deepEqual([other!.outcome, other!.reason], ['skip', 'applies to the thread design only (the target is blocking)']);
  const [unknown] = await runChecks([arch], target(fake), { pid: 42 });
  // a pid without a design: a peer such as nginx
  assert.deepEqual([unknown!.outcome, unknown!.reason], ['skip', 'applies to the thread design only (the target is not a built-in design)']);
  const [url] = await runChecks([check({ id: 'x/y', design: 'thread' })], target(fake));
  assert.deepEqual([url!.outcome, url!.reason], ['skip', 'applies to the thread design only (the target design is not known)']);
  const [own] = await runChecks([arch], target(fake), { ...ANSWERED, pid: 42, design: 'thread' });
  assert.equal(own!.outcome, 'pass');
});

function procedure(overrides: Partial<ProcedureCheck> & Pick<ProcedureCheck, 'run'>): ProcedureCheck {
  return { id: 'arch/p', section: 'http-lab architecture', level: 'architecture', required: true, title: 'p', requirement: 's', needs: 'origin', ...overrides };
}

test('a procedure gets the target and context, and its verdict becomes the outcome', async () => {
  const seen: unknown[] = [];
  const results = await runChecks(
    [
      procedure({ id: 'arch/a', run: (tg, ctx) => (seen.push([tg, ctx.pid, ctx.design, ctx.timeoutMs]), Promise.resolve(verdict(true, 'e', 'a'))) }),
      procedure({ id: 'arch/b', run: () => Promise.resolve(verdict(false, 'two threads', 'one thread')) }),
    ],
    { host: '127.0.0.1', port: 9 },
    { pid: 7, design: 'x', timeoutMs: 1234 },
  );
  assert.deepEqual(seen, [[{ host: '127.0.0.1', port: 9 }, 7, 'x', 1234]]);
  assert.deepEqual(
    results.map((r) => [r.id, r.outcome, r.expected, r.actual]),
    [
      ['arch/a', 'pass', 'e', 'a'],
      ['arch/b', 'fail', 'two threads', 'one thread'],
    ],
  );
});

test('a procedure that throws is an error with the reason', async () => {
  const [result] = await runChecks(
    [procedure({ run: () => Promise.reject(new Error('cannot read /proc/1/syscall')) })],
    { host: '127.0.0.1', port: 9 },
    { pid: 1 },
  );
  assert.equal(result!.outcome, 'error');
  assert.equal(result!.reason, 'the check threw: cannot read /proc/1/syscall');
});

test('a procedure past its deadline is an error, and its signal aborts so it can clean up', async () => {
  let cleaned = false;
  const run: ProcedureCheck['run'] = (_, ctx) =>
    new Promise((_resolve, reject) => {
      ctx.signal.addEventListener('abort', () => {
        cleaned = true;
        reject(new Error('aborted', { cause: ctx.signal.reason }));
      });
    });
  const [result] = await runChecks([procedure({ run })], { host: '127.0.0.1', port: 9 }, { pid: 1, timeoutMs: 100 });
  assert.equal(result!.outcome, 'error');
  assert.equal(result!.reason, 'timed out after 100 ms');
  assert.equal(cleaned, true, 'the runner waits for it to clean up');
});

test('architecture checks run after all the others, one at a time; results keep catalogue order', async (t) => {
  const { fake, peak } = await batchingServer(t, 6);
  let inFlight = 0;
  let most = 0;
  let ordinaryDone = 0;
  const arch = (id: string) =>
    procedure({
      id,
      run: async () => {
        most = Math.max(most, ++inFlight);
        const sawAll = ordinaryDone;
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        return verdict(sawAll === 6, 'after the 6 others', `after ${sawAll}`);
      },
    });
  const ordinary = (i: number) => check({ id: `o/${i}`, expect: (ex) => (ordinaryDone++, status(ex, 200)) });
  const checks = [arch('arch/1'), ordinary(0), ordinary(1), ordinary(2), arch('arch/2'), ordinary(3), ordinary(4), ordinary(5)];
  const results = await runChecks(checks, target(fake), { ...ANSWERED, pid: 1, concurrency: 8 });
  assert.deepEqual(
    results.map((r) => r.id),
    checks.map((c) => c.id),
  );
  assert.ok(
    results.every((r) => r.outcome === 'pass'),
    JSON.stringify(results.map((r) => [r.id, r.actual])),
  );
  assert.equal(most, 1, 'one architecture check at a time');
  assert.equal(peak(), 6, 'the others still run in parallel');
});

test('an unreachable target is an error result, not a rejection', async () => {
  const port = await refusedPort();
  const [result] = await runChecks([check({})], { host: '127.0.0.1', port }, ANSWERED);
  assert.equal(result!.outcome, 'error');
  assert.match(result!.reason ?? '', /ECONNREFUSED/);
});

test('probe rejects at the refusal, not at its deadline, with a clear message', async () => {
  const port = await refusedPort();
  // at the deadline the message would be "timed out after 30000 ms"
  await assert.rejects(probe('127.0.0.1', port, ANSWERED.timeoutMs), { message: `cannot connect to 127.0.0.1:${port}: ECONNREFUSED` });
});

test('probe answers with the status of GET /, and rejects a server that stays silent', async (t) => {
  let head = '';
  const good = await serve(
    t,
    answerEach((h) => ((head = h), OK)),
  );
  assert.equal((await probe('127.0.0.1', good.port, ANSWERED.timeoutMs)).status, 200);
  assert.match(head, new RegExp(`^GET / HTTP/1\\.1\\r\\nHost: 127\\.0\\.0\\.1:${good.port}\\r\\n`));
  const silent = await serve(t, () => {});
  const { value: silence, timeoutMs } = await withConnectedDeadline(
    (ms) =>
      probe('127.0.0.1', silent.port, ms).then(
        () => new Error('answered'),
        (err: Error) => err,
      ),
    (err) => err.message,
  );
  assert.match(silence.message, new RegExp(`^no HTTP response from 127\\.0\\.0\\.1:\\d+ within ${timeoutMs} ms$`));
});

test('summarize counts outcomes and groups failures by root cause; buildReport carries the schema', () => {
  const result = (outcome: CheckResult['outcome'], id: string = outcome, cause = id): CheckResult => ({
    id,
    section: 'RFC 9110 §9.1',
    level: 'MUST',
    required: true,
    title: '',
    cause,
    outcome,
    expected: '',
    actual: '',
    ms: 1,
  });
  const results = [
    result('pass'),
    result('pass', 'pass-2'),
    result('fail', 'allow-post', 'allow-on-405'),
    result('fail', 'te-http10'),
    result('fail', 'allow-put', 'allow-on-405'),
    result('warn'),
    result('skip'),
    result('error'),
  ];
  assert.deepEqual(summarize(results), {
    total: 8,
    pass: 2,
    fail: 3,
    warn: 1,
    skip: 1,
    error: 1,
    // one fault, two checks: counted once, most checks first
    failedCauses: [
      { cause: 'allow-on-405', checks: ['allow-post', 'allow-put'] },
      { cause: 'te-http10', checks: ['te-http10'] },
    ],
    warnedCauses: [{ cause: 'warn', checks: ['warn'] }],
  });
  const report = buildReport('python', 'http://127.0.0.1:1', results, new Date(0), 12.4);
  assert.equal(report.schema, 'http-lab/conformance@1');
  assert.equal(report.startedAt, '1970-01-01T00:00:00.000Z');
  assert.equal(report.durationMs, 12);
  assert.equal(report.summary.fail, 3);
});

// What a check needs of its target (issue 17): found out before the checks run, never assumed.

/** A user's own service: `/` and `/health` answer 200 with their own bytes (ETag on /health only),
 * everything else 404; every request line it receives is recorded. */
async function ownService(t: TestContext, body: (path: string, n: number) => string = (p) => (p === '/' ? 'hello\n' : '{"ok":true}\n')) {
  const seen: string[] = [];
  const fake = await serve(
    t,
    answerEach((head) => {
      const line = head.split('\r\n')[0]!;
      seen.push(line);
      const path = line.split(' ')[1]!;
      if (path !== '/' && path !== '/health') return 'HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found';
      const b = body(path, seen.length);
      const etag = path === '/health' ? 'ETag: "h1"\r\n' : '';
      return `HTTP/1.1 200 OK\r\n${etag}Content-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`;
    }),
  );
  return { fake, seen };
}

const resourceCheck = (id: string, extra: Partial<RequestCheck> = {}): RequestCheck =>
  check({
    id,
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx)),
    expect: (ex, ctx) => bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx)),
    ...extra,
  });

test('on a server without the fixtures: fixture checks skip with what GET /index.html answered, resource checks request / and compare its bytes', async (t) => {
  const { fake, seen } = await ownService(t);
  const { results, profiled } = await runConformance(
    [
      check({ id: 'n/origin', request: get('/nowhere'), expect: (ex) => status(ex, 404) }),
      check({ id: 'n/fixtures', needs: 'fixtures' }),
      resourceCheck('n/resource'),
    ],
    target(fake),
    ANSWERED,
  );
  assert.deepEqual(
    results.map((r) => [r.id, r.outcome]),
    [
      ['n/origin', 'pass'],
      ['n/fixtures', 'skip'],
      ['n/resource', 'pass'],
    ],
  );
  assert.match(
    results[1]!.reason!,
    /^needs the bundled fixtures: GET \/index\.html answered HTTP\/1\.1 404 Not Found \[Content-Length: 9\], body 9 B "not found", not the docroot's index\.html/,
  );
  assert.equal(results[2]!.expected, 'body == / (6 B)');
  assert.deepEqual(profiled?.profile, {
    fixtures: { served: false, reason: results[1]!.reason!.replace('needs the bundled fixtures: ', '') },
    resource: { path: '/', available: true, offers: [], bytes: 6 },
  });
  // the profile: GET /index.html, then / twice; then the checks
  assert.deepEqual(seen.slice(0, 3), ['GET /index.html HTTP/1.1', 'GET / HTTP/1.1', 'GET / HTTP/1.1']);
});

test('--path names the resource; a check that needs what it does not offer skips, saying what', async (t) => {
  const { fake } = await ownService(t);
  const results = await runChecks(
    [resourceCheck('p/body'), resourceCheck('p/etag', { offers: ['etag'] }), resourceCheck('p/ranges', { offers: ['etag', 'ranges'] })],
    target(fake),
    { ...ANSWERED, path: '/health' },
  );
  assert.deepEqual(
    results.map((r) => [r.id, r.outcome, r.reason]),
    [
      ['p/body', 'pass', undefined],
      ['p/etag', 'pass', undefined],
      ['p/ranges', 'skip', 'the resource /health offers no byte ranges (Accept-Ranges: bytes)'],
    ],
  );
  assert.match(results[0]!.trace!.sent, /^GET \/health HTTP\/1\.1/);
});

test('no resource: a path that is not 200, or whose bytes change between two GETs, skips the resource checks with that reason', async (t) => {
  const { fake } = await ownService(t, (path, n) => `${path} request ${n}\n`);
  const changing = await runChecks([resourceCheck('r/changing')], target(fake), ANSWERED);
  assert.equal(changing[0]!.outcome, 'skip');
  assert.match(changing[0]!.reason!, /^needs a resource that answers 200 to GET: two GETs of \/ answered different bytes/);
  const missing = await runChecks([resourceCheck('r/missing')], target(fake), { ...ANSWERED, path: '/nope' });
  assert.match(
    missing[0]!.reason!,
    /^needs a resource that answers 200 to GET: GET \/nope answered HTTP\/1\.1 404 Not Found.*, not 200; --path names one that does$/,
  );
});

test('only origin checks selected: nothing is requested before them', async (t) => {
  const { fake, seen } = await ownService(t);
  const { profiled } = await runConformance([check({ id: 'o/only', request: get('/'), expect: (ex) => status(ex, 200) })], target(fake), ANSWERED);
  assert.equal(profiled, undefined);
  assert.deepEqual(seen, ['GET / HTTP/1.1']);
});
