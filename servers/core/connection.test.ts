// ServerConnection: persistence (RFC 9112 §9.3), closing after framing errors, 100-continue,
// the Date header, output bounded per takeOutput() call, and byte-at-a-time input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DateCache, formatHttpDate } from './dates.js';
import { DEFAULT_LIMITS } from './limits.js';
import { ServerConnection, type RequestHandler } from './connection.js';
import type { Response } from './response.js';
import { ResponseWriter } from './response-writer.js';
import { FakeClock, collect, echoHandler, header, makeConnection, parseResponses, roundTrip, type WireResponse } from './testing.js';

const HOST = 'Host: example.test\r\n';
const get = (target: string, extra = '', version = '1.1'): string => `GET ${target} HTTP/${version}\r\n${version === '1.1' ? HOST : ''}${extra}\r\n`;
const CANARY = `GET /canary HTTP/1.1\r\n${HOST}\r\n`;

function exchange(raw: string, methods: string[] = [], handler: RequestHandler = echoHandler): { responses: WireResponse[]; close: boolean; bytes: Buffer } {
  const conn = makeConnection(handler);
  const out = roundTrip(conn, raw);
  return { responses: parseResponses(out.bytes, methods), close: out.close, bytes: out.bytes };
}

const bodies = (responses: WireResponse[]): string[] => responses.map((r) => r.body.toString('latin1'));

describe('connection: exact bytes', () => {
  it('answers a request with the status line, Date, Server, fields, Content-Length and body', () => {
    const clock = new FakeClock(Date.UTC(2024, 4, 17, 9, 8, 7, 500));
    const conn = makeConnection(echoHandler, { clock });
    const out = roundTrip(conn, get('/hello'));
    assert.equal(
      out.bytes.toString('latin1'),
      'HTTP/1.1 200 OK\r\nDate: Fri, 17 May 2024 09:08:07 GMT\r\nServer: http-lab\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 10\r\n\r\nGET /hello',
    );
    assert.equal(out.close, false);
  });

  it('answers HTTP/1.0 with an HTTP/1.1 status line and Connection: close', () => {
    const { bytes, close } = exchange(get('/old', '', '1.0'));
    assert.ok(bytes.toString('latin1').startsWith('HTTP/1.1 200 OK\r\n'));
    assert.match(bytes.toString('latin1'), /\r\nConnection: close\r\n/);
    assert.equal(close, true);
  });

  it('sends a large body as a separate chunk and a small one coalesced behind its head', () => {
    const large = Buffer.alloc(64 * 1024, 0x61);
    const handler: RequestHandler = (r) => ({ status: 200, headers: [], body: r.target === '/large' ? large : Buffer.from('small') });
    const conn = makeConnection(handler);
    conn.receive(Buffer.from(get('/small') + get('/large')));
    const out = conn.takeOutput();
    assert.equal(out.chunks.length, 3, 'small response in one buffer; large head and body separately');
    assert.ok(Buffer.from(out.chunks[0]!).toString('latin1').endsWith('\r\n\r\nsmall'));
    assert.ok(Buffer.from(out.chunks[1]!).toString('latin1').endsWith('\r\n\r\n'));
    assert.equal(out.chunks[2]!.length, large.length);
    assert.equal(
      out.bytes,
      out.chunks.reduce((n, c) => n + c.length, 0),
    );
  });

  it('returns nothing (and not close) while a request is incomplete', () => {
    const conn = makeConnection(echoHandler);
    conn.receive(Buffer.from('GET / HTTP/1.1\r\nHo'));
    const out = conn.takeOutput();
    assert.deepEqual([out.chunks.length, out.bytes, out.close], [0, 0, false]);
    assert.equal(conn.midRequest, true);
    conn.receive(Buffer.from('st: a\r\n\r\n'));
    assert.equal(parseResponses(collect(conn).bytes).length, 1);
    assert.equal(conn.midRequest, false);
    assert.equal(conn.requests, 1);
  });
});

describe('connection: Date header', () => {
  it('is IMF-fixdate, the same within one second and changed the next second', () => {
    const clock = new FakeClock(Date.UTC(2024, 0, 15, 12, 0, 0, 0));
    const conn = makeConnection(echoHandler, { clock });
    const dateOf = (): string => {
      conn.receive(Buffer.from(get('/')));
      return header(parseResponses(collect(conn).bytes)[0]!, 'date')!;
    };
    const first = dateOf();
    assert.equal(first, 'Mon, 15 Jan 2024 12:00:00 GMT');
    clock.advance(999);
    assert.equal(dateOf(), first, 'within the same second');
    clock.advance(1);
    const next = dateOf();
    assert.equal(next, 'Mon, 15 Jan 2024 12:00:01 GMT');
    assert.equal(next, formatHttpDate(clock.ms));
  });
});

describe('connection: prebuilt responses (Response.cacheKey)', () => {
  const reusable: Response = {
    status: 200,
    headers: [['Content-Type', 'text/plain; charset=utf-8']],
    body: Buffer.from('cached'),
    cacheKey: {},
  };
  const fresh: Response = { ...reusable, cacheKey: undefined };
  const answer = (conn: ServerConnection, raw: string): Uint8Array[] => {
    conn.receive(Buffer.from(raw, 'latin1'));
    return conn.takeOutput().chunks;
  };

  it('sends the same buffer again within a second, with the bytes a fresh serialisation would have', () => {
    const clock = new FakeClock(Date.UTC(2024, 0, 15, 12, 0, 0, 0));
    const conn = makeConnection(() => reusable, { clock });
    const first = answer(conn, get('/a'));
    clock.advance(999);
    const second = answer(conn, get('/b'));
    assert.equal(first.length, 1, 'one buffer: head and body, for one send');
    assert.equal(second[0], first[0], 'the very same buffer: nothing formatted or copied again');
    const reference = answer(
      makeConnection(() => fresh, { clock }),
      get('/a'),
    );
    assert.deepEqual(Buffer.from(first[0]!), Buffer.from(reference[0]!));
  });

  it('rebuilds when the Date changes, and keeps GET, HEAD and each Connection answer apart', () => {
    const clock = new FakeClock(Date.UTC(2024, 0, 15, 12, 0, 0, 0));
    const conn = makeConnection(() => reusable, { clock });
    const first = Buffer.from(answer(conn, get('/'))[0]!);
    clock.advance(1000);
    const next = Buffer.from(answer(conn, get('/'))[0]!).toString('latin1');
    assert.match(next, /\r\nDate: Mon, 15 Jan 2024 12:00:01 GMT\r\n/);
    assert.notEqual(first.toString('latin1'), next);
    const headOnly = Buffer.from(answer(conn, `HEAD / HTTP/1.1\r\n${HOST}\r\n`)[0]!).toString('latin1');
    assert.ok(headOnly.endsWith('Content-Length: 6\r\n\r\n'), 'HEAD: the GET length and no body');
    assert.ok(next.endsWith('\r\n\r\ncached'), 'GET after HEAD still carries the body');
    const http10 = Buffer.from(
      answer(
        makeConnection(() => reusable, { clock }),
        get('/', 'Connection: keep-alive\r\n', '1.0'),
      )[0]!,
    );
    assert.match(http10.toString('latin1'), /\r\nConnection: keep-alive\r\n/);
    const closing = Buffer.from(answer(conn, get('/', 'Connection: close\r\n'))[0]!);
    assert.match(closing.toString('latin1'), /\r\nConnection: close\r\n/);
  });

  it('is shared by the connections given one ResponseWriter', () => {
    const clock = new FakeClock();
    const dates = new DateCache(clock.clock);
    const writer = new ResponseWriter();
    const one = new ServerConnection(() => reusable, { dates, writer });
    const other = new ServerConnection(() => reusable, { dates, writer });
    assert.equal(answer(other, get('/'))[0], answer(one, get('/'))[0]);
  });
});

describe('connection: timeOut() (the header-read timeout)', () => {
  it('answers a complete 408 that announces the close, dated now, and then nothing more', () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 25, 3, 4, 5));
    const conn = makeConnection(echoHandler, { clock });
    conn.receive(Buffer.from('GET /slow HTTP/1.1\r\nHo', 'latin1'));
    assert.equal(conn.takeOutput().chunks.length, 0);
    const out = conn.timeOut();
    const text = Buffer.concat(out.chunks).toString('latin1');
    assert.equal(out.bytes, Buffer.byteLength(text, 'latin1'));
    assert.equal(out.close, true);
    assert.equal(out.answered, 1, 'the 408 is a final response');
    const [head, body] = text.split('\r\n\r\n') as [string, string];
    const lines = head.split('\r\n');
    assert.equal(lines[0], 'HTTP/1.1 408 Request Timeout');
    assert.ok(lines.includes('Date: Wed, 25 Nov 2026 03:04:05 GMT'), head);
    assert.ok(lines.includes('Connection: close'), head);
    assert.ok(lines.includes(`Content-Length: ${Buffer.byteLength(body)}`), head);
    assert.match(body, /^408 Request Timeout: /);
    conn.receive(Buffer.from(`st: a\r\n\r\n${CANARY}`, 'latin1'));
    assert.deepEqual(conn.takeOutput(), { chunks: [], bytes: 0, answered: 0, close: true }, 'the late rest of the request is not answered');
  });
});

describe('connection: persistence (RFC 9112 §9.3)', () => {
  it('HTTP/1.1 is kept alive by default: no Connection field, later requests answered', () => {
    const conn = makeConnection(echoHandler);
    for (const target of ['/a', '/b', '/c']) {
      const out = roundTrip(conn, get(target));
      const [res] = parseResponses(out.bytes);
      assert.equal(res!.body.toString(), `GET ${target}`);
      assert.equal(header(res!, 'connection'), undefined);
      assert.equal(out.close, false);
      assert.equal(conn.isClosing, false);
    }
    assert.equal(conn.requests, 3);
  });

  for (const value of ['close', 'Close', 'CLOSE', 'keep-alive, CLOSE', 'foo,,close', ' close ']) {
    it(`Connection: ${JSON.stringify(value)} closes after the response`, () => {
      const { responses, close } = exchange(get('/a', `Connection: ${value}\r\n`) + CANARY);
      assert.equal(responses.length, 1, 'the pipelined canary after a close is not answered');
      assert.equal(header(responses[0]!, 'connection'), 'close');
      assert.equal(close, true);
    });
  }

  it('Connection: close on a second field line also closes', () => {
    const { responses, close } = exchange(get('/a', 'Connection: keep-alive\r\nConnection: close\r\n') + CANARY);
    assert.equal(responses.length, 1);
    assert.equal(close, true);
  });

  it('Connection with other tokens only (e.g. "closed", "upgrade") does not close', () => {
    const { responses, close } = exchange(get('/a', 'Connection: closed, upgrade\r\n') + get('/b'));
    assert.deepEqual(bodies(responses), ['GET /a', 'GET /b']);
    assert.equal(close, false);
  });

  it('HTTP/1.0 closes unless keep-alive is asked for', () => {
    const { responses, close } = exchange(get('/a', '', '1.0') + 'GET /canary HTTP/1.0\r\n\r\n');
    assert.equal(responses.length, 1);
    assert.equal(header(responses[0]!, 'connection'), 'close');
    assert.equal(close, true);
  });

  it('HTTP/1.0 with Connection: keep-alive stays open and says Connection: keep-alive', () => {
    const { responses, close } = exchange(
      get('/a', 'Connection: Keep-Alive\r\n', '1.0') + get('/b', 'Connection: keep-alive\r\n', '1.0') + get('/c', '', '1.0'),
    );
    assert.deepEqual(bodies(responses), ['GET /a', 'GET /b', 'GET /c']);
    assert.equal(header(responses[0]!, 'connection'), 'keep-alive');
    assert.equal(header(responses[1]!, 'connection'), 'keep-alive');
    assert.equal(header(responses[2]!, 'connection'), 'close');
    assert.equal(close, true);
  });

  it('HTTP/1.0 with Connection: keep-alive, close closes', () => {
    const { responses, close } = exchange(get('/a', 'Connection: keep-alive, close\r\n', '1.0') + CANARY);
    assert.equal(responses.length, 1);
    assert.equal(header(responses[0]!, 'connection'), 'close');
    assert.equal(close, true);
  });

  it('after a closing response nothing more is read or answered, even in a later receive()', () => {
    const conn = makeConnection(echoHandler);
    const first = roundTrip(conn, get('/a', 'Connection: close\r\n'));
    assert.equal(first.close, true);
    assert.equal(conn.isClosing, true);
    conn.receive(Buffer.from(CANARY));
    const later = conn.takeOutput();
    assert.equal(later.bytes, 0);
    assert.equal(later.chunks.length, 0);
    assert.equal(later.close, true);
    assert.equal(conn.requests, 1);
  });
});

describe('connection: errors close the connection', () => {
  const framing: Array<[string, string, number]> = [
    ['CL + TE', `POST / HTTP/1.1\r\n${HOST}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400],
    ['two Content-Length', `POST / HTTP/1.1\r\n${HOST}Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc`, 400],
    ['invalid Content-Length', `POST / HTTP/1.1\r\n${HOST}Content-Length: +3\r\n\r\nabc`, 400],
    ['huge Content-Length', `POST / HTTP/1.1\r\n${HOST}Content-Length: 18446744073709551616\r\n\r\n`, 413],
    ['chunked not final', `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked, gzip\r\n\r\n`, 400],
    ['unknown transfer coding', `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: gzip, chunked\r\n\r\n`, 501],
    ['TE on HTTP/1.0', `POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400],
    ['bad chunk size', `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\nZ\r\n`, 400],
    ['missing CRLF after chunk data', `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n3\r\nabcde\r\n0\r\n\r\n`, 400],
    ['missing Host', 'GET / HTTP/1.1\r\n\r\n', 400],
    ['obs-fold', get('/', 'X: a\r\n b\r\n'), 400],
    ['HTTP/2.0', `GET / HTTP/2.0\r\n${HOST}\r\n`, 505],
    ['request-line too long', `GET /${'a'.repeat(9000)} HTTP/1.1\r\n${HOST}\r\n`, 414],
    ['header section too large', get('/', `X: ${'a'.repeat(17000)}\r\n`), 431],
    ['Expect: other', get('/', 'Expect: teapot\r\n'), 417],
  ];
  for (const [name, input, status] of framing) {
    it(`${name} → ${status}, Connection: close, self-delimited, and the canary is never answered`, () => {
      const { responses, close } = exchange(get('/before') + input + CANARY);
      assert.equal(responses.length, 2, `got ${responses.map((r) => r.status).join(',')}`);
      assert.equal(responses[0]!.body.toString(), 'GET /before', 'the earlier request is answered first');
      const err = responses[1]!;
      assert.equal(err.status, status);
      assert.equal(header(err, 'connection'), 'close');
      assert.equal(Number(header(err, 'content-length')), err.body.length);
      assert.ok(err.body.length > 0);
      assert.equal(header(err, 'content-type'), 'text/plain; charset=utf-8');
      assert.equal(close, true);
    });
  }

  it('the error response bytes are exact', () => {
    const conn = makeConnection(echoHandler, { clock: new FakeClock(Date.UTC(2024, 0, 15, 12, 0, 0)) });
    const out = roundTrip(conn, 'GET / HTTP/1.1\r\n\r\n');
    const text = out.bytes.toString('latin1');
    const body = text.slice(text.indexOf('\r\n\r\n') + 4);
    assert.ok(body.startsWith('400 Bad Request'), body);
    assert.equal(
      text,
      'HTTP/1.1 400 Bad Request\r\nDate: Mon, 15 Jan 2024 12:00:00 GMT\r\nServer: http-lab\r\nContent-Type: text/plain; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
});

describe('connection: content is never run as a request', () => {
  it('GET with Content-Length whose body is a request → one response, then the next real one', () => {
    const { responses } = exchange(`GET / HTTP/1.1\r\n${HOST}Content-Length: ${CANARY.length}\r\n\r\n${CANARY}` + get('/real'));
    assert.deepEqual(bodies(responses), ['GET /', 'GET /real']);
  });

  it('the same, with the body arriving one byte at a time', () => {
    const conn = makeConnection(echoHandler);
    const input = Buffer.from(`GET / HTTP/1.1\r\n${HOST}Content-Length: ${CANARY.length}\r\n\r\n${CANARY}` + get('/real'));
    const parts: Buffer[] = [];
    for (let i = 0; i < input.length; i++) {
      conn.receive(input.subarray(i, i + 1));
      parts.push(collect(conn).bytes);
    }
    assert.deepEqual(bodies(parseResponses(Buffer.concat(parts))), ['GET /', 'GET /real']);
  });
});

describe('connection: Expect: 100-continue', () => {
  it('HTTP/1.1 with content: an interim 100 Continue before the final response', () => {
    const conn = makeConnection(echoHandler);
    conn.receive(Buffer.from(`POST /up HTTP/1.1\r\n${HOST}Expect: 100-continue\r\nContent-Length: 5\r\n\r\n`));
    const interim = conn.takeOutput();
    assert.equal(Buffer.concat(interim.chunks).toString('latin1'), 'HTTP/1.1 100 Continue\r\n\r\n');
    assert.equal(interim.close, false);
    assert.equal(conn.takeOutput().bytes, 0, 'sent once');
    conn.receive(Buffer.from('hello'));
    const final = parseResponses(collect(conn).bytes);
    assert.equal(final.length, 1);
    assert.equal(final[0]!.status, 200);
  });

  it('content sent at once with the head: 100 Continue still precedes the final response', () => {
    const { responses } = exchange(`POST /up HTTP/1.1\r\n${HOST}Expect: 100-continue\r\nContent-Length: 5\r\n\r\nhello` + get('/next'));
    assert.deepEqual(
      responses.map((r) => r.status),
      [100, 200, 200],
    );
    assert.equal(responses[0]!.raw.toString('latin1'), 'HTTP/1.1 100 Continue\r\n\r\n');
    assert.deepEqual(bodies(responses.slice(1)), ['POST /up', 'GET /next']);
  });

  it('HTTP/1.0: the expectation is ignored, no interim response', () => {
    const conn = makeConnection(echoHandler);
    conn.receive(Buffer.from('POST /up HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n'));
    assert.equal(conn.takeOutput().bytes, 0);
    conn.receive(Buffer.from('hello'));
    const responses = parseResponses(collect(conn).bytes);
    assert.deepEqual(
      responses.map((r) => r.status),
      [200],
    );
  });

  it('without content: no interim response', () => {
    const { responses } = exchange(get('/', 'Expect: 100-continue\r\n'));
    assert.deepEqual(
      responses.map((r) => r.status),
      [200],
    );
  });

  it('another expectation → 417 and close', () => {
    const { responses, close } = exchange(`POST /up HTTP/1.1\r\n${HOST}Expect: 200-ok\r\nContent-Length: 5\r\n\r\nhello`);
    assert.deepEqual(
      responses.map((r) => r.status),
      [417],
    );
    assert.equal(close, true);
  });
});

describe('connection: end of input', () => {
  it('a request cut off by EOF gets no answer, and the connection closes', () => {
    const conn = makeConnection(echoHandler);
    conn.receive(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n'));
    conn.receiveEof();
    const out = conn.takeOutput();
    assert.equal(out.bytes, 0);
    assert.equal(out.close, true);
  });

  it('complete requests before EOF are still answered, then close', () => {
    const conn = makeConnection(echoHandler);
    conn.receive(Buffer.from(get('/a') + get('/b')));
    conn.receiveEof();
    const out = collect(conn);
    assert.deepEqual(bodies(parseResponses(out.bytes)), ['GET /a', 'GET /b']);
    assert.equal(out.close, true);
  });

  it('EOF on an idle connection closes without output', () => {
    const conn = makeConnection(echoHandler);
    conn.receiveEof();
    const out = conn.takeOutput();
    assert.deepEqual([out.bytes, out.close], [0, true]);
  });
});

describe('connection: output is bounded per takeOutput() call', () => {
  it('many pipelined requests for a large body come out over several calls, in order, none lost', () => {
    const size = 300 * 1024;
    const payload = (n: number): Buffer => Buffer.alloc(size, 0x30 + n);
    const handler: RequestHandler = (r) => ({ status: 200, headers: [['X-N', r.target.slice(1)]], body: payload(Number(r.target.slice(1))) });
    const conn = makeConnection(handler);
    const n = 8;
    let raw = '';
    for (let i = 0; i < n; i++) raw += get(`/${i}`);
    conn.receive(Buffer.from(raw));
    const out = collect(conn);
    assert.ok(out.calls >= n, `one large response per call at most (calls: ${out.calls})`);
    for (const bytes of out.perCall) assert.ok(bytes <= DEFAULT_LIMITS.outputHighWaterBytes + size + 1024, `a call returned ${bytes} bytes`);
    const responses = parseResponses(out.bytes);
    assert.equal(responses.length, n);
    responses.forEach((r, i) => {
      assert.equal(header(r, 'x-n'), String(i));
      assert.ok(r.body.equals(payload(i)), `body ${i} intact`);
    });
    assert.equal(out.close, false);
  });

  it('small responses are batched up to the high-water mark, then continue in the next call', () => {
    const limits = { ...DEFAULT_LIMITS, outputHighWaterBytes: 1000 };
    const conn = makeConnection((r) => ({ status: 200, headers: [], body: Buffer.alloc(300, r.target.charCodeAt(1)) }), { limits });
    const targets = 'abcdefghijklmnopqrst'.split('').map((c) => `/${c}`);
    conn.receive(Buffer.from(targets.map((t) => get(t)).join('')));
    const out = collect(conn);
    assert.ok(out.calls > 1, 'more than one call');
    const one = out.bytes.length / targets.length;
    for (const bytes of out.perCall) assert.ok(bytes < 1000 + one, `a call returned ${bytes} bytes`);
    const responses = parseResponses(out.bytes);
    assert.deepEqual(
      responses.map((r) => String.fromCharCode(r.body[0]!)),
      targets.map((t) => t[1]!),
    );
  });

  it('the caller may reuse its input buffer after takeOutput(), even with requests left unparsed', () => {
    const limits = { ...DEFAULT_LIMITS, outputHighWaterBytes: 100 };
    const conn = makeConnection(echoHandler, { limits });
    const input = Buffer.from(get('/one') + get('/two') + get('/three') + 'GET /fo');
    conn.receive(input);
    const first = conn.takeOutput();
    assert.ok(first.bytes > 0);
    input.fill(0x58); // the I/O layer reads the next packet into the same buffer
    const parts: Buffer[] = [Buffer.concat(first.chunks.map((c) => Buffer.from(c)))];
    parts.push(collect(conn).bytes);
    conn.receive(Buffer.from(`ur HTTP/1.1\r\n${HOST}\r\n`));
    parts.push(collect(conn).bytes);
    assert.deepEqual(bodies(parseResponses(Buffer.concat(parts))), ['GET /one', 'GET /two', 'GET /three', 'GET /four']);
  });
});

describe('connection: one byte at a time == whole buffer', () => {
  const cases: Array<[string, string]> = [
    ['keep-alive pipeline', get('/a') + get('/b', 'Connection: keep-alive\r\n') + get('/c')],
    ['HTTP/1.0 keep-alive then close', get('/a', 'Connection: keep-alive\r\n', '1.0') + get('/b', '', '1.0') + CANARY],
    ['body then request', `POST /p HTTP/1.1\r\n${HOST}Content-Length: 3\r\n\r\nabc` + get('/b')],
    ['chunked then request', `POST /p HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\n` + get('/b')],
    ['100-continue', `POST /p HTTP/1.1\r\n${HOST}Expect: 100-continue\r\nContent-Length: 3\r\n\r\nabc` + get('/b')],
    ['framing error after a request', get('/a') + `POST / HTTP/1.1\r\n${HOST}Content-Length: x\r\n\r\n` + CANARY],
    ['Connection: close then canary', get('/a', 'Connection: close\r\n') + CANARY],
  ];
  for (const [name, raw] of cases) {
    it(name, () => {
      const whole = roundTrip(makeConnection(echoHandler), raw);
      const conn = makeConnection(echoHandler);
      const input = Buffer.from(raw, 'latin1');
      const parts: Buffer[] = [];
      let close = false;
      for (let i = 0; i < input.length && !close; i++) {
        const byte = Buffer.from([input[i]!]);
        conn.receive(byte);
        const out = collect(conn);
        parts.push(out.bytes);
        close = out.close;
      }
      assert.ok(whole.bytes.length > 0);
      assert.equal(Buffer.concat(parts).toString('latin1'), whole.bytes.toString('latin1'));
      assert.equal(close, whole.close);
    });
  }
  it('an exception from the handler is answered 500 with Connection: close, and nothing after it', () => {
    const conn = new ServerConnection(
      () => {
        throw new Error('/secret/path exploded');
      },
      { dates: new DateCache(() => 0) },
    );
    conn.receive(Buffer.from('GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n'));
    const out = conn.takeOutput();
    const text = Buffer.concat(out.chunks).toString('latin1');
    assert.match(text, /^HTTP\/1\.1 500 Internal Server Error\r\n/);
    assert.match(text, /\r\nConnection: close\r\n/);
    assert.doesNotMatch(text, /secret/, 'no error detail leaks to the client');
    assert.equal((text.match(/^HTTP\/1\.1 /gm) ?? []).length, 1, 'the pipelined request is not answered');
    assert.equal(out.close, true);
  });
});
