import assert from 'node:assert/strict';
import net from 'node:net';
import { test, type TestContext } from 'node:test';
import { setTimeout as after } from 'node:timers/promises';
import { exchange } from './client.js';
import { answerEach, refusedPort, startFake, withConnectedDeadline } from './fake-server.js';
import type { RequestPlan } from './types.js';

const REQ = 'GET / HTTP/1.1\r\nHost: t\r\n\r\n';
const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

async function serve(t: TestContext, onConnection: (socket: net.Socket) => void): Promise<number> {
  const fake = await startFake(onConnection);
  t.after(() => fake.close());
  return fake.port;
}

/** The deadline of an exchange whose answer comes at once: generous, since it costs time only when
 * a test fails, and a loaded machine may take seconds to move a megabyte through two sockets. */
const ANSWER_DEADLINE_MS = 30_000;

function run(port: number, plan: RequestPlan, timeoutMs = ANSWER_DEADLINE_MS, closeWaitMs = 300) {
  return exchange('127.0.0.1', port, plan, { timeoutMs, closeWaitMs });
}

/** Writes `bytes` one at a time, so that the parser sees every possible split. */
function dribble(socket: net.Socket, bytes: Buffer, then?: () => void): void {
  let i = 0;
  const step = (): void => {
    if (socket.destroyed) return;
    if (i >= bytes.length) return then?.();
    socket.write(bytes.subarray(i, ++i));
    setImmediate(step);
  };
  step();
}

test('Content-Length body, exact sent and received bytes, connection left open', async (t) => {
  const response = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello';
  const port = await serve(
    t,
    answerEach(() => response),
  );
  const ex = await run(port, { chunks: [REQ] });
  assert.equal(ex.responses.length, 1);
  const [res] = ex.responses;
  assert.equal(res!.status, 200);
  assert.equal(res!.reason, 'OK');
  assert.equal(res!.version, 'HTTP/1.1');
  assert.deepEqual(res!.headers, [
    ['Content-Length', '5'],
    ['X-A', 'b'],
  ]);
  assert.equal(res!.body.toString(), 'hello');
  assert.equal(res!.framing, 'content-length');
  assert.equal(res!.raw.toString('latin1'), response);
  assert.equal(ex.sent.toString('latin1'), REQ);
  assert.equal(ex.received.toString('latin1'), response);
  assert.equal(ex.closed, false);
  assert.equal(ex.timedOut, false);
  assert.equal(ex.trailingGarbage.length, 0);
});

test('chunked body with an extension and trailers, arriving one byte at a time', async (t) => {
  const response = Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n');
  const port = await serve(t, (socket) => socket.once('data', () => dribble(socket, response)));
  const ex = await run(port, { chunks: [REQ] });
  const [res] = ex.responses;
  assert.equal(res!.framing, 'chunked');
  assert.equal(res!.body.toString(), 'hello world');
  assert.deepEqual(res!.trailers, [['X-Trailer', 'yes']]);
  assert.deepEqual(res!.raw, response);
});

test('a body without length runs until the server closes (FIN)', async (t) => {
  const port = await serve(t, (socket) => socket.once('data', () => socket.end('HTTP/1.0 200 OK\r\n\r\nuntil close')));
  const ex = await run(port, { chunks: [REQ] });
  assert.equal(ex.responses[0]!.framing, 'close');
  assert.equal(ex.responses[0]!.body.toString(), 'until close');
  assert.equal(ex.closed, true);
  assert.equal(ex.closedBy, 'fin');
});

test('a 1 MiB Content-Length body in small writes is read exactly', async (t) => {
  const body = Buffer.alloc(1024 * 1024, 0);
  for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 9)) & 0xff;
  const port = await serve(t, (socket) =>
    socket.once('data', () => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
      for (let i = 0; i < body.length; i += 1000) socket.write(body.subarray(i, i + 1000));
    }),
  );
  const ex = await run(port, { chunks: [REQ] });
  assert.ok(ex.responses[0]!.body.equals(body));
});

test('the response to HEAD has no body even with Content-Length; the next one parses', async (t) => {
  const port = await serve(
    t,
    answerEach((_, i) => (i === 0 ? 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n' : OK)),
  );
  const ex = await run(port, { chunks: ['HEAD / HTTP/1.1\r\nHost: t\r\n\r\n' + REQ], responses: 2, headIndexes: [0] });
  assert.equal(ex.responses.length, 2);
  assert.equal(ex.responses[0]!.framing, 'none');
  assert.equal(ex.responses[0]!.body.length, 0);
  assert.equal(ex.responses[1]!.body.toString(), 'ok');
});

test('304 and 204 carry no body; 1xx responses are recorded but not counted', async (t) => {
  const port = await serve(t, (socket) =>
    socket.once('data', () =>
      socket.write('HTTP/1.1 304 Not Modified\r\nContent-Length: 572\r\n\r\n' + 'HTTP/1.1 204 No Content\r\n\r\n' + 'HTTP/1.1 100 Continue\r\n\r\n' + OK),
    ),
  );
  const ex = await run(port, { chunks: [REQ + REQ + REQ], responses: 3 });
  assert.deepEqual(
    ex.responses.map((r) => r.status),
    [304, 204, 100, 200],
  );
  assert.deepEqual(
    ex.responses.map((r) => r.body.toString()),
    ['', '', '', 'ok'],
  );
});

test('a reset from the server counts as closed and does not reject', async (t) => {
  const port = await serve(t, (socket) => socket.once('data', () => socket.resetAndDestroy()));
  const ex = await run(port, { chunks: [REQ], awaitClose: true });
  assert.equal(ex.closed, true);
  assert.equal(ex.closedBy, 'reset');
  assert.equal(ex.responses.length, 0);
  assert.equal(ex.timedOut, false);
});

test('a server that never answers gives timedOut at the deadline, not a rejection', async (t) => {
  const port = await serve(t, () => {});
  const { value: ex, timeoutMs } = await withConnectedDeadline(async (ms) => {
    const exchanged = run(port, { chunks: [REQ] }, ms);
    // Ends at its deadline, not later: a timer for twice as long, set after it, fires after it
    // however loaded the machine is, since timers fire in the order of their expiry.
    return Promise.race([exchanged, after(2 * ms, 'still running', { ref: false })]);
  });
  assert.ok(typeof ex !== 'string', `still running at twice its deadline of ${timeoutMs} ms`);
  assert.equal(ex.timedOut, true);
  assert.equal(ex.responses.length, 0);
  assert.ok(ex.ms >= timeoutMs - 10, `ended before its deadline of ${timeoutMs} ms: ms = ${ex.ms}`);
});

test('bytes that are not a status line give a parseError', async (t) => {
  const port = await serve(
    t,
    answerEach(() => '<html>HTTP/0.9 style</html>'),
  );
  const ex = await run(port, { chunks: [REQ] });
  assert.equal(ex.responses.length, 0);
  assert.match(ex.parseError ?? '', /expected a status line/);
  assert.equal(ex.timedOut, false);
});

test('an invalid chunk size gives a parseError', async (t) => {
  const port = await serve(
    t,
    answerEach(() => 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n'),
  );
  const ex = await run(port, { chunks: [REQ] });
  assert.match(ex.parseError ?? '', /invalid chunk size/);
});

test('bytes after the last complete response are trailingGarbage', async (t) => {
  const port = await serve(
    t,
    answerEach(() => `${OK}HTTP/1.1 2`),
  );
  const ex = await run(port, { chunks: [REQ] });
  assert.equal(ex.responses.length, 1);
  assert.equal(ex.trailingGarbage.toString(), 'HTTP/1.1 2');
});

test('a connection closed mid-body is recorded as an incomplete response', async (t) => {
  const port = await serve(t, (socket) => socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')));
  const ex = await run(port, { chunks: [REQ] });
  assert.equal(ex.responses.length, 0);
  assert.match(ex.parseError ?? '', /incomplete response/);
  assert.equal(ex.closed, true);
});

test('awaitClose records a canary answer and a connection left open', async (t) => {
  const port = await serve(
    t,
    answerEach(() => OK),
  );
  const ex = await run(port, { chunks: [REQ + REQ], awaitClose: true }, ANSWER_DEADLINE_MS, 200);
  assert.equal(ex.responses.length, 2, 'the canary answer is recorded');
  assert.equal(ex.closed, false);
  assert.equal(ex.timedOut, false);
  assert.ok(ex.ms >= 190, `waited closeWaitMs, ms = ${ex.ms}`);
});

test('awaitClose sees the close that follows the response', async (t) => {
  const port = await serve(
    t,
    answerEach((_, __, socket) => void socket.end(OK)),
  );
  const closeWaitMs = 20_000;
  const ex = await run(port, { chunks: [REQ + REQ], awaitClose: true }, ANSWER_DEADLINE_MS, closeWaitMs);
  assert.equal(ex.responses.length, 1);
  assert.equal(ex.closed, true);
  // The time is the point: the close ends the wait; the wait, far longer than any stall, does not.
  assert.ok(ex.ms < closeWaitMs, `finished at the close, not after closeWaitMs: ms = ${ex.ms}`);
});

test('awaitEachResponse writes the next request only after the previous response', async (t) => {
  const seenWhenAnswering: string[] = [];
  let received = '';
  const port = await serve(t, (socket) => {
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      // Answer each request 50 ms later, recording what had arrived by then.
      setTimeout(() => {
        seenWhenAnswering.push(received);
        socket.write(OK);
      }, 50);
    });
  });
  const ex = await run(port, { chunks: [REQ, REQ], responses: 2, awaitEachResponse: true });
  assert.equal(ex.responses.length, 2);
  assert.equal(seenWhenAnswering[0], REQ, 'the second request was not sent before the first answer');
  assert.equal(ex.sent.toString('latin1'), REQ + REQ);
});

test('a follow-up chunk is built from the responses before it', async (t) => {
  let n = 0;
  const port = await serve(
    t,
    answerEach(() => `HTTP/1.1 200 OK\r\nETag: "v${++n}"\r\nContent-Length: 0\r\n\r\n`),
  );
  const seen: string[][] = [];
  const follow = (answered: readonly { headers: Array<[string, string]> }[]): string => {
    seen.push(answered.map((r) => r.headers.find(([name]) => name === 'ETag')![1]));
    return `GET / HTTP/1.1\r\nHost: t\r\nIf-None-Match: ${seen[seen.length - 1]!.at(-1)}\r\n\r\n`;
  };
  const ex = await run(port, { chunks: [REQ, follow, follow], responses: 3, awaitEachResponse: true });
  assert.equal(ex.responses.length, 3);
  assert.deepEqual(seen, [['"v1"'], ['"v1"', '"v2"']]);
  assert.equal(
    ex.sent.toString('latin1'),
    REQ + 'GET / HTTP/1.1\r\nHost: t\r\nIf-None-Match: "v1"\r\n\r\n' + 'GET / HTTP/1.1\r\nHost: t\r\nIf-None-Match: "v2"\r\n\r\n',
  );
});

test('a follow-up that throws rejects: the harness could not build the request', async (t) => {
  const port = await serve(
    t,
    answerEach(() => OK),
  );
  const broken = (): string => {
    throw new Error('no ETag');
  };
  await assert.rejects(run(port, { chunks: [REQ, broken], responses: 2, awaitEachResponse: true }), /request 2 could not be built: no ETag/);
});

test('reconnect: a server that closes after each response gets the next request on a new connection', async (t) => {
  let connections = 0;
  const port = await serve(t, (socket) => {
    const n = ++connections;
    answerEach(() => {
      socket.end(`HTTP/1.0 200 OK\r\nETag: "c${n}"\r\nContent-Length: 0\r\n\r\n`);
      return undefined;
    })(socket);
  });
  const follow = (answered: readonly { headers: Array<[string, string]> }[]): string =>
    `GET / HTTP/1.1\r\nHost: t\r\nIf-None-Match: ${answered.at(-1)!.headers[0]![1]}\r\n\r\n`;
  const ex = await run(port, { chunks: [REQ, follow, REQ], responses: 3, awaitEachResponse: true, reconnect: true });
  assert.equal(ex.responses.length, 3);
  assert.equal(ex.connections, 3);
  assert.ok(ex.sent.toString('latin1').includes('If-None-Match: "c1"'), ex.sent.toString('latin1'));
});

test('reconnect: a connection that ends in garbage is not replaced', async (t) => {
  const port = await serve(
    t,
    answerEach((_head, _i, socket) => {
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nnot a response');
      return undefined;
    }),
  );
  const ex = await run(port, { chunks: [REQ, REQ], responses: 2, awaitEachResponse: true, reconnect: true });
  assert.equal(ex.responses.length, 1);
  assert.equal(ex.connections, undefined);
  assert.ok(ex.parseError ?? ex.trailingGarbage.length, 'the garbage is reported');
});

test('delayMs separates the chunks', async (t) => {
  const port = await serve(
    t,
    answerEach(() => OK),
  );
  // Timed where the client writes: a server on a loaded machine may read both chunks at once, however
  // long the client waited between them.
  const writes: number[] = [];
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the original, applied to each socket below
  const write = net.Socket.prototype.write;
  t.mock.method(net.Socket.prototype, 'write', function (this: net.Socket, ...args: unknown[]) {
    if (this.remotePort === port) writes.push(performance.now());
    return Reflect.apply(write, this, args) as boolean;
  });
  const delayMs = 150;
  const ex = await run(port, { chunks: ['GET / HTTP/1.1\r\n', 'Host: t\r\n\r\n'], delayMs });
  assert.equal(ex.responses.length, 1);
  assert.equal(writes.length, 2);
  // timers never fire early, but count whole milliseconds
  assert.ok(writes[1]! - writes[0]! >= delayMs - 1, `gap ${writes[1]! - writes[0]!} ms`);
});

test('sentAtMs and atMs tell a response sent before a later chunk from one sent after it', async (t) => {
  // A 100 (Continue) as soon as the head is in, the final response only after the content.
  const port = await serve(t, (socket) => {
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.endsWith('\r\n\r\n')) socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      else if (got.endsWith('hello')) socket.write(OK);
    });
  });
  const delayMs = 200;
  const ex = await run(port, { chunks: ['POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n', 'hello'], delayMs });
  assert.deepEqual(
    ex.responses.map((r) => r.status),
    [100, 200],
  );
  const [head, content] = ex.sentAtMs!;
  const [interim, final] = ex.responses.map((r) => r.atMs!);
  assert.ok(content! - head! >= delayMs - 1, `chunks ${head} and ${content} ms`);
  assert.ok(interim! < content!, `the 100 at ${interim} ms, the content sent at ${content} ms`);
  assert.ok(final! >= content!, `the 200 at ${final} ms, the content sent at ${content} ms`);
});

test('a refused connection rejects with a clear message', async () => {
  const port = await refusedPort();
  await assert.rejects(run(port, { chunks: [REQ] }), new RegExp(`^Error: cannot connect to 127\\.0\\.0\\.1:${port}: ECONNREFUSED$`));
});
