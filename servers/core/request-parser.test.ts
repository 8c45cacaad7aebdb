// The incremental request parser (RFC 9112): events, limits, framing, and the rule that feeding
// one byte at a time gives exactly what feeding the whole buffer gives.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LIMITS } from './limits.js';
import { HOST_CHAR } from './abnf.js';
import { KNOWN_NAMES } from './headers.js';
import { RequestParser, isValidHost } from './request-parser.js';
import { errorStatus, parseByteByByte, parseInPieces, parseOne, parseWhole, summarise, type EventSummary } from './testing.js';

const HOST = 'Host: example.test\r\n';
const get = (target = '/', extra = ''): string => `GET ${target} HTTP/1.1\r\n${HOST}${extra}\r\n`;
const post = (body: string, extra = ''): string =>
  `POST /upload HTTP/1.1\r\n${HOST}Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\n${extra}\r\n${body}`;
const chunked = (body: string, extra = ''): string => `POST /upload HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n${extra}\r\n${body}`;

function requests(events: EventSummary[]): Array<Extract<EventSummary, { kind: 'request' }>> {
  return events.filter((e): e is Extract<EventSummary, { kind: 'request' }> => e.kind === 'request');
}

/** Asserts that `input` parses (as a whole) into no error and exactly the given targets. */
function assertTargets(input: string, targets: string[]): EventSummary[] {
  const events = parseWhole(input);
  assert.deepEqual(
    events.filter((e) => e.kind === 'error'),
    [],
    'no error expected',
  );
  assert.deepEqual(
    requests(events).map((r) => r.target),
    targets,
  );
  return events;
}

function assertStatus(input: string | Buffer, status: number, message?: string): void {
  assert.equal(errorStatus(input), status, message ?? JSON.stringify(input.toString().slice(0, 200)));
}

describe('request parser: events', () => {
  it('says need-data until the head is complete, then returns the request', () => {
    const parser = new RequestParser();
    assert.equal(parser.next().kind, 'need-data', 'nothing pushed yet');
    parser.push(Buffer.from('GET /index.html HTTP/1.1\r\nHost: a'));
    assert.equal(parser.next().kind, 'need-data');
    assert.equal(parser.inMessage, true);
    parser.push(Buffer.from('\r\n\r'));
    assert.equal(parser.next().kind, 'need-data', 'the final CRLF is not complete');
    parser.push(Buffer.from('\n'));
    const event = parser.next();
    assert.equal(event.kind, 'request');
    if (event.kind !== 'request') return;
    assert.equal(event.request.method, 'GET');
    assert.equal(event.request.target, '/index.html');
    assert.equal(event.request.version, 'HTTP/1.1');
    assert.equal(event.request.http11, true);
    assert.equal(event.request.headers.get('host'), 'a');
    assert.equal(event.request.contentLength, 0);
    assert.equal(parser.next().kind, 'need-data');
    assert.equal(parser.inMessage, false);
    assert.equal(parser.buffered, 0);
  });

  it('lower-cases field names, trims OWS from values and keeps field order', () => {
    const r = parseOne('GET / HTTP/1.1\r\nHost: h\r\nX-One:  \t a b \t \r\nx-one:c\r\nACCEPT:\r\n\r\n');
    assert.deepEqual(r.headers.names, ['host', 'x-one', 'x-one', 'accept']);
    assert.deepEqual(r.headers.values, ['h', 'a b', 'c', '']);
    assert.deepEqual(r.headers.getAll('x-one'), ['a b', 'c']);
    assert.equal(r.headers.combined('x-one'), 'a b, c');
    assert.equal(r.headers.count('x-one'), 2);
    assert.equal(r.headers.get('missing'), undefined);
  });

  it('keeps obs-text (bytes >= 0x80) in field values as latin1', () => {
    const r = parseOne('GET / HTTP/1.1\r\nHost: h\r\nX-Latin: caf\xe9\r\n\r\n');
    assert.equal(r.headers.get('x-latin'), 'caf\xe9');
  });

  it('returns pipelined requests from one buffer one per next(), in order', () => {
    const parser = new RequestParser();
    parser.push(Buffer.from(get('/a') + get('/b') + post('xyz') + get('/c'), 'latin1'));
    const targets: string[] = [];
    for (let e = parser.next(); e.kind === 'request'; e = parser.next()) targets.push(e.request.target);
    assert.deepEqual(targets, ['/a', '/b', '/upload', '/c']);
    assert.equal(parser.buffered, 0);
  });

  it('ignores empty lines (CRLF) before a request-line', () => {
    assertTargets('\r\n' + get('/a'), ['/a']);
    assertTargets('\r\n\r\n' + get('/a') + '\r\n' + get('/b'), ['/a', '/b']);
  });

  it('rejects an endless run of empty lines instead of buffering them forever', () => {
    assertStatus('\r\n'.repeat(DEFAULT_LIMITS.maxLeadingEmptyLines + 1) + get('/'), 400);
  });

  it('stays failed after an error and drops its input', () => {
    const parser = new RequestParser();
    parser.push(Buffer.from('GET / HTTP/1.1\r\nBad Field: x\r\n\r\n'));
    const first = parser.next();
    assert.equal(first.kind, 'error');
    parser.push(Buffer.from(get('/after')));
    const second = parser.next();
    assert.equal(second.kind, 'error', 'no request is parsed after an error');
    if (first.kind === 'error' && second.kind === 'error') assert.equal(second.error.status, first.error.status);
  });

  it('treats HTTP/1.9 as HTTP/1.1 and HTTP/1.0 as 1.0', () => {
    const r19 = parseOne(`GET / HTTP/1.9\r\n${HOST}\r\n`);
    assert.equal(r19.http11, true);
    assert.equal(r19.version, 'HTTP/1.9');
    const r10 = parseOne('GET / HTTP/1.0\r\n\r\n');
    assert.equal(r10.http11, false);
  });

  it('accepts the request-target forms byte-for-byte (origin, absolute, asterisk)', () => {
    assert.equal(parseOne(get('/a/b?x=1&y=%20')).target, '/a/b?x=1&y=%20');
    assert.equal(parseOne(get('http://example.test/index.html')).target, 'http://example.test/index.html');
    assert.equal(parseOne(`OPTIONS * HTTP/1.1\r\n${HOST}\r\n`).target, '*');
  });

  it('accepts an absolute-form target whose host is an IP literal (found by fuzzing)', () => {
    assert.equal(parseOne(get('http://[::1]:8080/index.html')).target, 'http://[::1]:8080/index.html');
    assert.equal(parseOne('GET http://[0] HTTP/1.0\r\n\r\n').target, 'http://[0]');
  });

  it('parses any token as a method (the application answers 501 for unknown ones)', () => {
    assert.equal(parseOne(`FOO / HTTP/1.1\r\n${HOST}\r\n`).method, 'FOO');
    assert.equal(parseOne(`get / HTTP/1.1\r\n${HOST}\r\n`).method, 'get');
  });
});

describe('request parser: retain() and borrowed input', () => {
  it('copies the unconsumed tail on retain(), so the caller may reuse its buffer', () => {
    const parser = new RequestParser();
    const input = Buffer.from(get('/first') + 'GET /sec', 'latin1');
    parser.push(input);
    const first = parser.next();
    assert.equal(first.kind, 'request');
    assert.equal(parser.next().kind, 'need-data');
    parser.retain();
    input.fill(0x21); // the caller reuses its buffer
    parser.push(Buffer.from(`ond HTTP/1.1\r\n${HOST}\r\n`, 'latin1'));
    const second = parser.next();
    assert.equal(second.kind, 'request');
    if (second.kind === 'request') assert.equal(second.request.target, '/second');
  });

  it('accepts Uint8Array views at an offset, not only Buffers', () => {
    const bytes = Buffer.from('xxxx' + get('/view'), 'latin1');
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset + 4, bytes.length - 4);
    const parser = new RequestParser();
    parser.push(view);
    const event = parser.next();
    assert.equal(event.kind, 'request');
    if (event.kind === 'request') assert.equal(event.request.target, '/view');
  });
});

describe('request parser: request-line', () => {
  const cases: Array<[string, string, number]> = [
    ['HTTP/2.0', `GET / HTTP/2.0\r\n${HOST}\r\n`, 505],
    ['HTTP/3.0', `GET / HTTP/3.0\r\n${HOST}\r\n`, 505],
    ['HTTP/1. (truncated)', `GET / HTTP/1.\r\n${HOST}\r\n`, 400],
    ['lowercase http/1.1', `GET / http/1.1\r\n${HOST}\r\n`, 400],
    ['HTTP/1.10 (two-digit minor)', `GET / HTTP/1.10\r\n${HOST}\r\n`, 400],
    ['HTTP/11.1', `GET / HTTP/11.1\r\n${HOST}\r\n`, 400],
    ['no version (HTTP/0.9 style)', 'GET /\r\n\r\n', 400],
    ['trailing SP after version', `GET / HTTP/1.1 \r\n${HOST}\r\n`, 400],
    ['two SP after method', `GET  / HTTP/1.1\r\n${HOST}\r\n`, 400],
    ['leading SP', ` GET / HTTP/1.1\r\n${HOST}\r\n`, 400],
    ['HTAB instead of SP', `GET\t/ HTTP/1.1\r\n${HOST}\r\n`, 400],
    ['SP inside the target', `GET /a b HTTP/1.1\r\n${HOST}\r\n`, 400],
    ['NUL in the target', `GET /a\0b HTTP/1.1\r\n${HOST}\r\n`, 400],
    ['DEL in the target', `GET /a\x7f HTTP/1.1\r\n${HOST}\r\n`, 400],
    ['non-ASCII byte in the target', `GET /caf\xe9 HTTP/1.1\r\n${HOST}\r\n`, 400],
    ['fragment in the target', `GET /a#frag HTTP/1.1\r\n${HOST}\r\n`, 400],
    ['non-token byte in the method', `GE(T / HTTP/1.1\r\n${HOST}\r\n`, 400],
    ['bare CR inside the request-line', `GET / HTTP/1.1\rX\r\n${HOST}\r\n`, 400],
    ['bare LF ending the request-line', `GET / HTTP/1.1\n${HOST}\r\n`, 400],
    ['bare LF as a leading empty line', `\n${get('/')}`, 400],
    ['only a method', 'GET\r\n\r\n', 400],
  ];
  for (const [name, input, status] of cases) {
    it(`${name} → ${status}`, () => assertStatus(input, status));
  }
});

describe('request parser: field lines', () => {
  const cases: Array<[string, string, number]> = [
    ['whitespace between field name and colon', get('/', 'X-A : b\r\n'), 400],
    ['HTAB between field name and colon', get('/', 'X-A\t: b\r\n'), 400],
    ['whitespace between Host and colon', `GET / HTTP/1.1\r\nHost : example.test\r\n\r\n`, 400],
    ['non-token field name X[]', get('/', 'X[]: a\r\n'), 400],
    ['empty field name', get('/', ': x\r\n'), 400],
    ['no colon', get('/', 'NoColonHere\r\n'), 400],
    ['bare CR in a field value', get('/', 'X-A: a\rb\r\n'), 400],
    ['NUL in a field value', get('/', 'X-A: a\0b\r\n'), 400],
    ['NUL in a field name', get('/', 'X-\0A: a\r\n'), 400],
    ['control character in a field value', get('/', 'X-A: a\x01b\r\n'), 400],
    ['DEL in a field value', get('/', 'X-A: a\x7fb\r\n'), 400],
    ['obs-fold (continuation line)', get('/', 'X-A: a\r\n  folded\r\n'), 400],
    ['obs-fold with HTAB', get('/', 'X-A: a\r\n\tfolded\r\n'), 400],
    ['whitespace before the first field line', `GET / HTTP/1.1\r\n ${HOST}\r\n`, 400],
    ['bare LF ending a field line', `GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n`, 400],
    ['bare LF ending the header section', `GET / HTTP/1.1\r\nHost: h\r\n\n`, 400],
  ];
  for (const [name, input, status] of cases) {
    it(`${name} → ${status}`, () => assertStatus(input, status));
  }
});

describe('request parser: Host', () => {
  it('HTTP/1.1 without Host → 400', () => assertStatus('GET / HTTP/1.1\r\n\r\n', 400));
  it('HTTP/1.1 with two Host lines → 400', () => assertStatus('GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n', 400));
  it('HTTP/1.0 with two Host lines → 400 (any version)', () => assertStatus('GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n', 400));
  for (const bad of ['bad host', 'a:b:c', 'host:80x', 'user@host', 'a/b', '[::1', 'h\xe9']) {
    it(`invalid Host ${JSON.stringify(bad)} → 400`, () => assertStatus(`GET / HTTP/1.1\r\nHost: ${bad}\r\n\r\n`, 400));
  }
  for (const good of ['example.test', 'example.test:8080', '127.0.0.1:80', '[::1]:8080', '[::1]', 'EXAMPLE.test', '']) {
    it(`valid Host ${JSON.stringify(good)} is accepted`, () => {
      assert.equal(parseOne(`GET / HTTP/1.1\r\nHost: ${good}\r\n\r\n`).headers.get('host'), good);
    });
  }
  it('HTTP/1.0 without Host is fine', () => {
    assertTargets('GET /old HTTP/1.0\r\n\r\n', ['/old']);
  });
  it('HTTP/1.0 with an invalid Host → 400', () => assertStatus('GET / HTTP/1.0\r\nHost: bad host\r\n\r\n', 400));
});

describe('request parser: limits', () => {
  const max = DEFAULT_LIMITS.maxRequestLineBytes;

  it('the defaults are the documented ones', () => {
    assert.equal(DEFAULT_LIMITS.maxRequestLineBytes, 8 * 1024);
    assert.equal(DEFAULT_LIMITS.maxHeaderBytes, 16 * 1024);
    assert.equal(DEFAULT_LIMITS.maxHeaderCount, 100);
  });

  it('a request-line of exactly 8 KiB is accepted', () => {
    const target = '/' + 'a'.repeat(max - 'GET  HTTP/1.1'.length - 1);
    const line = `GET ${target} HTTP/1.1`;
    assert.equal(line.length, max);
    assertTargets(`${line}\r\n${HOST}\r\n`, [target]);
  });

  it('a request-line one byte above 8 KiB → 414', () => {
    const target = '/' + 'a'.repeat(max - 'GET  HTTP/1.1'.length);
    assertStatus(`GET ${target} HTTP/1.1\r\n${HOST}\r\n`, 414);
  });

  it('a very long target → 414 even before the line ends', () => {
    assertStatus('GET /' + 'a'.repeat(20_000), 414);
  });

  it('an overlong method → 501 (RFC 9112 §3), complete or not', () => {
    assertStatus('X'.repeat(max + 100) + ` / HTTP/1.1\r\n${HOST}\r\n`, 501);
    assertStatus('X'.repeat(max + 100), 501);
    // The method is long but fits: parsed, and left to the application (which answers 501).
    assert.equal(parseOne(`${'X'.repeat(100)} / HTTP/1.1\r\n${HOST}\r\n`).method, 'X'.repeat(100));
  });

  it('an overlong line of token bytes gets one verdict however it is split (found by fuzzing)', () => {
    // Whole, the token ran into the line's CR (414); cut before the CR, it seemed to run on past
    // the end of the buffer (501). Only the first maxRequestLineBytes + 1 bytes, which every split
    // has received, decide now.
    const input = Buffer.from('X'.repeat(max + 100) + `\r\n${HOST}\r\n`, 'latin1');
    assert.deepEqual(parseWhole(input), [{ kind: 'error', status: 501 }]);
    assert.deepEqual(parseInPieces(input, [max + 50]), parseWhole(input));
    // The fuzzer's shrunk counterexample: a line limit shorter than the longest known method.
    const tiny = { ...DEFAULT_LIMITS, maxRequestLineBytes: 1 };
    const request = Buffer.from('CHECKOUT / HTTP/1.0\r\n\r\n', 'latin1');
    assert.deepEqual(parseByteByByte(request, tiny), parseWhole(request, tiny));
  });

  it('a header section above 16 KiB (one large field) → 431', () => {
    assertStatus(get('/', `X-Big: ${'v'.repeat(16 * 1024)}\r\n`), 431);
  });

  it('a header section above 16 KiB (many small fields) → 431', () => {
    // 60 fields of ~300 bytes: under the count limit, over the size limit.
    let fields = '';
    for (let i = 0; i < 60; i++) fields += `X-F${i}: ${'v'.repeat(300)}\r\n`;
    assert.ok(fields.length > 16 * 1024);
    assertStatus(get('/', fields), 431);
  });

  it('a header section just under 16 KiB is accepted', () => {
    const fields = `X-Big: ${'v'.repeat(16 * 1024 - 200)}\r\n`;
    assertTargets(get('/', fields), ['/']);
  });

  it('the header size limit counts field lines with their CRLFs (16384 accepted, 16385 → 431)', () => {
    // limits.ts: maxHeaderBytes = "header section bytes, field lines and their CRLFs; beyond → 431".
    const fieldsOf = (total: number): string => {
      const host = HOST; // 20 bytes with CRLF
      const name = 'X-Pad: ';
      return host + name + 'p'.repeat(total - host.length - name.length - 2) + '\r\n';
    };
    assert.equal(fieldsOf(16384).length, 16384);
    assert.equal(errorStatus(`GET / HTTP/1.1\r\n${fieldsOf(16384)}\r\n`), null, '16384 bytes of field lines is within the limit');
    assert.equal(errorStatus(`GET / HTTP/1.1\r\n${fieldsOf(16385)}\r\n`), 431, '16385 bytes is beyond it');
    assert.equal(errorStatus(`GET / HTTP/1.1\r\n${fieldsOf(16386)}\r\n`), 431, '16386 bytes is beyond it');
  });

  it('the empty line ending the head is free on every path, so trailers get one budget (found by fuzzing)', () => {
    // Field lines with their CRLFs: Host 9, Transfer-Encoding 28, the trailer 6: exactly 43. Fed a
    // byte at a time, the head's empty line used to count 2 bytes and the trailer got 431.
    const input = 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: x\r\n\r\n';
    const limits = { ...DEFAULT_LIMITS, maxHeaderBytes: 43 };
    assert.equal(errorStatus(input, limits), null);
    assert.deepEqual(parseByteByByte(input, limits), parseWhole(input, limits));
    assert.equal(errorStatus(input, { ...limits, maxHeaderBytes: 42 }), 431);
  });

  it('100 fields are accepted, 101 → 431', () => {
    let fields = '';
    for (let i = 0; i < 99; i++) fields += `X-F${i}: v\r\n`;
    const ok = parseOne(get('/', fields));
    assert.equal(ok.headers.size, 100, 'Host plus 99 fields');
    assertStatus(get('/', fields + 'X-One-Too-Many: v\r\n'), 431);
  });

  it('custom limits are honoured', () => {
    const limits = { ...DEFAULT_LIMITS, maxRequestLineBytes: 64, maxHeaderBytes: 128, maxHeaderCount: 3, maxBodyBytes: 10 };
    assert.equal(errorStatus(get('/' + 'a'.repeat(60))), null, 'fine under the default limits');
    assert.equal(errorStatus(get('/' + 'a'.repeat(60)), limits), 414);
    assert.equal(errorStatus(get('/', 'A: 1\r\nB: 2\r\nC: 3\r\n'), limits), 431);
    assert.equal(errorStatus(get('/', `A: ${'x'.repeat(130)}\r\n`), limits), 431);
    assert.equal(errorStatus(post('x'.repeat(11)), limits), 413);
    assert.equal(errorStatus(post('x'.repeat(10)), limits), null);
    assert.equal(errorStatus(chunked('6\r\nxxxxxx\r\n5\r\nxxxxx\r\n0\r\n\r\n'), limits), 413);
  });
});

describe('request parser: Content-Length framing (RFC 9112 §6)', () => {
  it('reads and discards Content-Length bytes, then parses the next request', () => {
    const events = assertTargets(post('hello') + get('/next'), ['/upload', '/next']);
    assert.equal(requests(events)[0]!.contentLength, 5);
  });

  it('Content-Length: 0 and leading zeros are valid', () => {
    assertTargets(get('/', 'Content-Length: 0\r\n') + get('/b'), ['/', '/b']);
    const events = assertTargets(`POST / HTTP/1.1\r\n${HOST}Content-Length: 0005\r\n\r\nabcde` + get('/b'), ['/', '/b']);
    assert.equal(requests(events)[0]!.contentLength, 5);
  });

  it('waits for the whole content before returning the request', () => {
    const parser = new RequestParser();
    parser.push(Buffer.from(post('hello').slice(0, -2)));
    assert.equal(parser.next().kind, 'need-data');
    assert.equal(parser.inMessage, true);
    parser.push(Buffer.from('lo'));
    assert.equal(parser.next().kind, 'request');
  });

  const bad: Array<[string, string, number]> = [
    ['both Content-Length and Transfer-Encoding', `POST / HTTP/1.1\r\n${HOST}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400],
    ['Transfer-Encoding then Content-Length', `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n`, 400],
    ['two identical Content-Length lines', `POST / HTTP/1.1\r\n${HOST}Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello`, 400],
    ['two different Content-Length lines', `POST / HTTP/1.1\r\n${HOST}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!`, 400],
    ['a Content-Length list "5, 5"', `POST / HTTP/1.1\r\n${HOST}Content-Length: 5, 5\r\n\r\nhello`, 400],
    ['Content-Length: abc', `POST / HTTP/1.1\r\n${HOST}Content-Length: abc\r\n\r\n`, 400],
    ['Content-Length: +5', `POST / HTTP/1.1\r\n${HOST}Content-Length: +5\r\n\r\nhello`, 400],
    ['Content-Length: -1', `POST / HTTP/1.1\r\n${HOST}Content-Length: -1\r\n\r\n`, 400],
    ['Content-Length: 0x5', `POST / HTTP/1.1\r\n${HOST}Content-Length: 0x5\r\n\r\nhello`, 400],
    ['Content-Length: 1 0', `POST / HTTP/1.1\r\n${HOST}Content-Length: 1 0\r\n\r\n0123456789`, 400],
    ['Content-Length: 5.0', `POST / HTTP/1.1\r\n${HOST}Content-Length: 5.0\r\n\r\nhello`, 400],
    ['empty Content-Length', `POST / HTTP/1.1\r\n${HOST}Content-Length: \r\n\r\n`, 400],
    ['Content-Length: 18446744073709551616 (2^64)', `POST / HTTP/1.1\r\n${HOST}Content-Length: 18446744073709551616\r\n\r\n`, 413],
    ['Content-Length: 9007199254740993 (above 2^53)', `POST / HTTP/1.1\r\n${HOST}Content-Length: 9007199254740993\r\n\r\n`, 413],
    ['Content-Length of 400 digits', `POST / HTTP/1.1\r\n${HOST}Content-Length: ${'9'.repeat(400)}\r\n\r\n`, 413],
    ['Content-Length above maxBodyBytes', `POST / HTTP/1.1\r\n${HOST}Content-Length: ${DEFAULT_LIMITS.maxBodyBytes + 1}\r\n\r\n`, 413],
  ];
  for (const [name, input, status] of bad) {
    it(`${name} → ${status}`, () => assertStatus(input, status));
  }

  it('Content-Length with many leading zeros is not mistaken for a huge number', () => {
    const events = assertTargets(`POST / HTTP/1.1\r\n${HOST}Content-Length: ${'0'.repeat(30)}3\r\n\r\nabc` + get('/b'), ['/', '/b']);
    assert.equal(requests(events)[0]!.contentLength, 3);
  });
});

describe('request parser: Transfer-Encoding and chunked (RFC 9112 §6.1, §7.1)', () => {
  it('reads a chunked body with extensions and trailers, then the next request', () => {
    const body = '5;a=b\r\nhello\r\n6 ; name="quoted \\"value\\"" ;x = y\r\n world\r\nA;x;y\r\n0123456789\r\n0\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n';
    const events = assertTargets(chunked(body) + get('/next'), ['/upload', '/next']);
    const first = requests(events)[0]!;
    assert.equal(first.contentLength, 21);
    assert.equal(
      first.headers.find(([n]) => n === 'x-trailer'),
      undefined,
      'trailers are discarded, not merged into the head',
    );
  });

  it('accepts upper-case hex, leading zeros and a case-insensitive coding name', () => {
    assertTargets(`POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: Chunked\r\n\r\n000A\r\n0123456789\r\n00\r\n\r\n` + get('/b'), ['/', '/b']);
  });

  it('an empty chunked body is just the last chunk', () => {
    assertTargets(chunked('0\r\n\r\n') + get('/b'), ['/upload', '/b']);
  });

  const bad: Array<[string, string, number]> = [
    ['TE chunked, gzip (chunked not final)', `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n`, 400],
    ['TE gzip, chunked (unknown coding)', `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`, 501],
    ['TE gzip and chunked on two lines', `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 501],
    ['TE chunked, chunked', `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n`, 400],
    ['TE chunked on two lines', `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400],
    ['TE identity', `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: identity\r\n\r\n`, 400],
    ['TE gzip', `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: gzip\r\n\r\n`, 400],
    ['TE empty', `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: \r\n\r\n`, 400],
    ['TE with NBSP before chunked', `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: \xa0chunked\r\n\r\n0\r\n\r\n`, 400],
    ['TE chunked on HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
    ['TE and CL on HTTP/1.0', 'POST / HTTP/1.0\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello', 400],
    ['chunk size Z', chunked('Z\r\nhello\r\n0\r\n\r\n'), 400],
    ['chunk size 0x5', chunked('0x5\r\nhello\r\n0\r\n\r\n'), 400],
    ['chunk size with a leading space', chunked(' 5\r\nhello\r\n0\r\n\r\n'), 400],
    ['chunk size -1', chunked('-1\r\nhello\r\n0\r\n\r\n'), 400],
    ['empty chunk size', chunked('\r\nhello\r\n0\r\n\r\n'), 400],
    ['chunk size followed by junk', chunked('5 x\r\nhello\r\n0\r\n\r\n'), 400],
    ['chunk size ended by bare LF', chunked('5\nhello\r\n0\r\n\r\n'), 400],
    ['chunk data not followed by CRLF', chunked('5\r\nhelloX\r\n0\r\n\r\n'), 400],
    ['chunk data followed by bare LF', chunked('5\r\nhello\n0\r\n\r\n'), 400],
    ['chunk data followed by X LF', chunked('5\r\nhelloX\n0\r\n\r\n'), 400],
    ['chunk data longer than its size', chunked('3\r\nhello\r\n0\r\n\r\n'), 400],
    ['control character in a chunk extension', chunked('5;a=\x01\r\nhello\r\n0\r\n\r\n'), 400],
    ['";" without a chunk extension name', chunked('5;\r\nhello\r\n0\r\n\r\n'), 400],
    ['a chunk extension name that is not a token', chunked('5;bad[=x\r\nhello\r\n0\r\n\r\n'), 400],
    ['a NUL in a chunk extension', chunked('5;\x00ext\r\nhello\r\n0\r\n\r\n'), 400],
    ['"=" without a chunk extension value', chunked('5;a=\r\nhello\r\n0\r\n\r\n'), 400],
    ['whitespace after a chunk extension name', chunked('5;a \r\nhello\r\n0\r\n\r\n'), 400],
    ['an unclosed quoted chunk extension value', chunked('5;a="b\r\nhello\r\n0\r\n\r\n'), 400],
    ['two chunk extension values', chunked('5;a=b c\r\nhello\r\n0\r\n\r\n'), 400],
    ['a huge chunk size (no overflow)', chunked('ffffffffffffffffffffffff\r\n'), 413],
    [
      'chunks summing above maxBodyBytes',
      chunked(`${DEFAULT_LIMITS.maxBodyBytes.toString(16)}\r\n${'x'.repeat(DEFAULT_LIMITS.maxBodyBytes)}\r\n1\r\nx\r\n0\r\n\r\n`),
      413,
    ],
    ['an invalid trailer field', chunked('0\r\nbad trailer\r\n\r\n'), 400],
    ['a trailer with a bare CR', chunked('0\r\nX-T: a\rb\r\n\r\n'), 400],
    ['a chunk-size line above maxChunkLineBytes', chunked(`5;${'e'.repeat(DEFAULT_LIMITS.maxChunkLineBytes)}\r\nhello\r\n0\r\n\r\n`), 400],
  ];
  for (const [name, input, status] of bad) {
    it(`${name} → ${status}`, () => assertStatus(input, status));
  }
});

describe('request parser: content is never run as a request (RFC 9112 §6.3)', () => {
  const canary = `GET /canary HTTP/1.1\r\n${HOST}\r\n`;

  it('a GET with Content-Length whose body is a request yields one request, then the next real one', () => {
    const input = `GET / HTTP/1.1\r\n${HOST}Content-Length: ${canary.length}\r\n\r\n${canary}` + get('/real');
    assertTargets(input, ['/', '/real']);
    assert.deepEqual(
      requests(parseByteByByte(input)).map((r) => r.target),
      ['/', '/real'],
    );
  });

  it('a chunked body holding a request yields one request, then the next real one', () => {
    const input = chunked(`${canary.length.toString(16)}\r\n${canary}\r\n0\r\n\r\n`) + get('/real');
    assertTargets(input, ['/upload', '/real']);
  });

  it('an invalid Content-Length stops parsing: the body is never parsed as a request', () => {
    const events = parseWhole(`POST / HTTP/1.1\r\n${HOST}Content-Length: abc\r\n\r\n${canary}`);
    assert.deepEqual(events, [{ kind: 'error', status: 400 }]);
  });

  it('CL + TE stops parsing: the smuggled request is never returned', () => {
    const smuggle = `POST / HTTP/1.1\r\n${HOST}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${canary}`;
    assert.deepEqual(parseWhole(smuggle), [{ kind: 'error', status: 400 }]);
  });
});

describe('request parser: Expect (RFC 9110 §10.1.1)', () => {
  it('100-continue on HTTP/1.1 with content asks for an interim response, once', () => {
    const parser = new RequestParser();
    parser.push(Buffer.from(`POST / HTTP/1.1\r\n${HOST}Expect: 100-continue\r\nContent-Length: 5\r\n\r\n`));
    assert.equal(parser.next().kind, 'need-data');
    assert.equal(parser.takeContinue(), true);
    assert.equal(parser.takeContinue(), false, 'only once');
    parser.push(Buffer.from('hello'));
    const event = parser.next();
    assert.equal(event.kind, 'request');
    if (event.kind === 'request') assert.equal(event.request.expectContinue, true);
    assert.equal(parser.takeContinue(), false);
  });

  it('100-continue with a chunked body asks for an interim response', () => {
    const events = parseWhole(chunked('5\r\nhello\r\n0\r\n\r\n', 'Expect: 100-Continue\r\n'));
    assert.deepEqual(
      events.map((e) => e.kind),
      ['continue', 'request'],
    );
  });

  it('100-continue without content asks for nothing', () => {
    const events = parseWhole(get('/', 'Expect: 100-continue\r\n'));
    assert.deepEqual(
      events.map((e) => e.kind),
      ['request'],
    );
    assert.equal(requests(events)[0]!.expectContinue, false);
  });

  it('100-continue on HTTP/1.0 is ignored', () => {
    const events = parseWhole('POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello');
    assert.deepEqual(
      events.map((e) => e.kind),
      ['request'],
    );
    assert.equal(requests(events)[0]!.expectContinue, false);
  });

  it('100-continue with content that is too large → 413 and no interim response', () => {
    const events = parseWhole(`POST / HTTP/1.1\r\n${HOST}Expect: 100-continue\r\nContent-Length: ${DEFAULT_LIMITS.maxBodyBytes + 1}\r\n\r\n`);
    assert.deepEqual(events, [{ kind: 'error', status: 413 }]);
  });

  it('another expectation → 417', () => {
    assertStatus(get('/', 'Expect: something-else\r\n'), 417);
    assertStatus(post('hello', 'Expect: 100-continue, foo\r\n'), 417);
  });
});

// ---------------------------------------------------------------------------------------------
// Incremental parsing: feeding one byte at a time gives the same events as the whole buffer.

const big = (n: number): string => 'a'.repeat(n);
const EQUIVALENCE_CASES: Array<[string, string]> = [
  ['simple GET', get('/index.html')],
  ['HTTP/1.0 without Host', 'GET / HTTP/1.0\r\n\r\n'],
  ['HTTP/1.9', `GET / HTTP/1.9\r\n${HOST}\r\n`],
  ['pipelined three', get('/a') + get('/b') + get('/c')],
  ['leading empty lines', '\r\n\r\n' + get('/a')],
  ['many headers with OWS', get('/', 'A:  1 \r\nB:\t2\t\r\nC:\r\nD: x y z\r\n')],
  ['POST with content then GET', post('hello world') + get('/after')],
  ['body that looks like a request', `GET / HTTP/1.1\r\n${HOST}Content-Length: 36\r\n\r\nGET /canary HTTP/1.1\r\nHost: evil\r\n\r\n` + get('/real')],
  ['chunked with extensions and trailers', chunked('5;a=b\r\nhello\r\n0\r\nT: 1\r\n\r\n') + get('/after')],
  ['Expect 100-continue with content', post('abc', 'Expect: 100-continue\r\n') + get('/after')],
  ['Expect: other', get('/', 'Expect: other\r\n')],
  ['missing Host', 'GET / HTTP/1.1\r\n\r\n'],
  ['duplicate Host', `GET / HTTP/1.1\r\n${HOST}${HOST}\r\n`],
  ['bad Host', 'GET / HTTP/1.1\r\nHost: bad host\r\n\r\n'],
  ['space before colon', get('/', 'X : y\r\n')],
  ['obs-fold', get('/', 'X: y\r\n z\r\n')],
  ['bare LF line', 'GET / HTTP/1.1\nHost: h\n\n'],
  ['bare CR in value', get('/', 'X: a\rb\r\n')],
  ['NUL in value', get('/', 'X: a\0b\r\n')],
  ['HTTP/2.0', `GET / HTTP/2.0\r\n${HOST}\r\n`],
  ['HTTP/1.10', `GET / HTTP/1.10\r\n${HOST}\r\n`],
  ['missing version', 'GET /\r\n\r\n'],
  ['CL + TE', `POST / HTTP/1.1\r\n${HOST}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
  ['CL abc', `POST / HTTP/1.1\r\n${HOST}Content-Length: abc\r\n\r\n`],
  ['CL huge', `POST / HTTP/1.1\r\n${HOST}Content-Length: 18446744073709551616\r\n\r\n`],
  ['TE gzip, chunked', `POST / HTTP/1.1\r\n${HOST}Transfer-Encoding: gzip, chunked\r\n\r\n`],
  ['bad chunk size', chunked('Z\r\n')],
  ['missing CRLF after chunk data', chunked('3\r\nabcXY0\r\n\r\n')],
  ['valid request then an error', get('/ok') + 'BROKEN\r\n\r\n'],
  ['request-line too long', `GET /${big(9000)} HTTP/1.1\r\n${HOST}\r\n`],
  ['method too long', `${'M'.repeat(9000)} / HTTP/1.1\r\n${HOST}\r\n`],
  ['header section too large', get('/', `X: ${big(17000)}\r\n`)],
  ['too many fields', get('/', Array.from({ length: 101 }, (_, i) => `F${i}: v\r\n`).join(''))],
  // Both of these are errors either way; the question is only whether the status depends on how
  // the bytes were split. A line over the limit that ends in a bare LF:
  ['over-long request-line ending in a bare LF', `GET /${big(9000)} HTTP/1.1\n${HOST}\r\n`],
  ['over-long field line ending in a bare LF', `GET / HTTP/1.1\r\n${HOST}X: ${big(17000)}\n\r\n`],
];

describe('request parser: one byte at a time == whole buffer', () => {
  for (const [name, input] of EQUIVALENCE_CASES) {
    it(name, () => {
      const whole = parseWhole(input);
      assert.ok(whole.length > 0, 'the case produces at least one event');
      assert.deepEqual(parseByteByByte(input), whole);
    });
  }

  it('every two-piece split of the small cases gives the same events', () => {
    for (const [name, input] of EQUIVALENCE_CASES) {
      if (input.length > 400) continue;
      const buf = Buffer.from(input, 'latin1');
      const whole = parseWhole(buf);
      for (let cut = 1; cut < buf.length; cut++) {
        assert.deepEqual(parseInPieces(buf, [cut]), whole, `${name}, split at ${cut}`);
      }
    }
  });

  it('the whole-buffer results are the expected ones (the comparison is not vacuous)', () => {
    const byName = new Map(EQUIVALENCE_CASES);
    const statusOf = (name: string): number | null => errorStatus(byName.get(name)!);
    assert.equal(statusOf('simple GET'), null);
    assert.equal(statusOf('missing Host'), 400);
    assert.equal(statusOf('HTTP/2.0'), 505);
    assert.equal(statusOf('CL huge'), 413);
    assert.equal(statusOf('TE gzip, chunked'), 501);
    assert.equal(statusOf('request-line too long'), 414);
    assert.equal(statusOf('method too long'), 501);
    assert.equal(statusOf('header section too large'), 431);
    assert.equal(statusOf('too many fields'), 431);
    assert.equal(statusOf('Expect: other'), 417);
    assert.deepEqual(
      requests(parseWhole(byName.get('valid request then an error')!)).map((r) => r.target),
      ['/ok'],
    );
  });
});

// The parser has a fast path for lines that are complete in the buffer (whole-buffer parses take
// it) and a general one (byte-at-a-time parses take it for every line). These cases aim at what
// only the fast path does: values checked eight bytes at a time, names matched four at a time.
describe('request parser: the fast path agrees with the general path', () => {
  const VALUE = 'abcdefghijklmnopqrstuvwx'; // 24 bytes: three 8-byte words
  const withValue = (value: string): string => get('/', `X-Long-Name: ${value}\r\nAccept: ${value}\r\n`);
  const BAD = [...Array.from({ length: 0x20 }, (_, c) => c).filter((c) => c !== 0x09), 0x7f];

  it('rejects each CTL and DEL at every position of a long value, as the general path does', () => {
    for (const c of BAD) {
      for (let k = 0; k < VALUE.length; k++) {
        const input = withValue(VALUE.slice(0, k) + String.fromCharCode(c) + VALUE.slice(k + 1));
        const whole = parseWhole(input);
        assert.equal(whole.at(-1)?.kind, 'error', `0x${c.toString(16)} at ${k}`);
        assert.deepEqual(parseByteByByte(input), whole, `0x${c.toString(16)} at ${k}`);
      }
    }
  });

  it('accepts HTAB, SP, "~" and obs-text at every position of a long value, byte for byte', () => {
    for (const c of [0x09, 0x20, 0x7e, 0x80, 0xa0, 0xff]) {
      for (let k = 1; k < VALUE.length - 1; k++) {
        const value = VALUE.slice(0, k) + String.fromCharCode(c) + VALUE.slice(k + 1);
        const whole = parseWhole(withValue(value));
        assert.deepEqual(parseByteByByte(withValue(value)), whole);
        const r = parseOne(withValue(value));
        assert.deepEqual(r.headers.values, ['example.test', value, value], `0x${c.toString(16)} at ${k}`);
      }
    }
  });

  it('trims OWS around long values', () => {
    const r = parseOne(get('/', `X: \t ${VALUE} \t${VALUE}\t \t \r\n`));
    assert.equal(r.headers.get('x'), `${VALUE} \t${VALUE}`);
  });

  it('gives the same request wherever the input starts in its ArrayBuffer', () => {
    const input = Buffer.from(get('/index.html', `User-Agent: ${VALUE}${VALUE}\r\nACCEPT-encoding: gzip\r\nX-a: ${VALUE}\r\n`), 'latin1');
    const expected = parseWhole(input);
    assert.equal(expected.length, 1);
    assert.equal(expected[0]!.kind, 'request');
    // One ArrayBuffer, one parser: each request starts at another offset in the same memory.
    const stride = input.length + 9;
    const shared = Buffer.alloc(8 * stride);
    const parser = new RequestParser();
    for (let offset = 0; offset < 8; offset++) {
      const at = offset * stride + offset;
      input.copy(shared, at);
      parser.push(shared.subarray(at, at + input.length));
      const summary = summarise(parser.next());
      assert.deepEqual(summary, expected[0], `offset ${offset}`);
      assert.equal(parser.next().kind, 'need-data');
      parser.retain();
    }
  });

  it('lower-cases known names in any case, and frames on them', () => {
    for (const name of KNOWN_NAMES) {
      if (name === 'host' || name === 'content-length' || name === 'transfer-encoding' || name === 'expect') continue;
      const upper = name.toUpperCase();
      const r = parseOne(get('/', `${upper}: 1\r\n`));
      assert.deepEqual(r.headers.names, ['host', name]);
    }
    assertTargets(`POST /a HTTP/1.1\r\nHOST: h\r\nCONTENT-LENGTH: 3\r\n\r\nabc` + get('/b'), ['/a', '/b']);
    assertTargets(`POST /a HTTP/1.1\r\nhOsT: h\r\ntransfer-ENCODING: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n` + get('/b'), ['/a', '/b']);
    assertStatus('GET / HTTP/1.1\r\nHost: a\r\nHOST: a\r\n\r\n', 400);
    assertStatus('GET / HTTP/1.1\r\nHOST: bad host\r\n\r\n', 400);
    assertStatus(get('/', 'EXPECT: something\r\n'), 417);
    assertStatus(`POST / HTTP/1.1\r\n${HOST}Content-Length: 1\r\nTRANSFER-ENCODING: chunked\r\n\r\n`, 400);
  });

  it('does not take near-misses of the framing fields for them', () => {
    // Unknown names: kept as fields, no framing.
    for (const name of ['Content-Lengthx', 'Content-Lengt', 'XContent-Length', 'Content_Length', 'Transfer-Encodin', 'Hosts']) {
      assertTargets(`POST /a HTTP/1.1\r\n${HOST}${name}: 5\r\n\r\n` + get('/b'), ['/a', '/b']);
    }
    // Not tokens: rejected whichever path reads them.
    for (const line of ['Content\x0dLength: 5', 'Content\x7fLength: 5', 'Host\x01: a', 'Ho\xd3t: a']) {
      const input = `GET / HTTP/1.1\r\n${HOST}${line}\r\n\r\n`;
      assertStatus(input, 400, JSON.stringify(line));
      assert.deepEqual(parseByteByByte(input), parseWhole(input));
    }
  });

  it('a browser GET with names in other cases, byte at a time == whole', () => {
    const input =
      'GET /index.html HTTP/1.1\r\nhost: localhost:8080\r\nCONNECTION: keep-alive\r\n' +
      'User-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\r\n' +
      'ACCEPT: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\nsec-fetch-SITE: none\r\n' +
      'X-Custom-Thing: \t v a l u e \t\r\nAccept-Language: en-US,en;q=0.9\r\n\r\n';
    const whole = parseWhole(input + input);
    assert.equal(whole.length, 2);
    assert.deepEqual(parseByteByByte(input + input), whole);
    const r = parseOne(input);
    assert.deepEqual(r.headers.names, ['host', 'connection', 'user-agent', 'accept', 'sec-fetch-site', 'x-custom-thing', 'accept-language']);
    assert.equal(r.headers.get('x-custom-thing'), 'v a l u e');
  });
});

describe('request parser: isValidHost', () => {
  // What validateHost used to run: every byte a HOST_CHAR, then this expression.
  const HOST_RE = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]*)(:[0-9]*)?$/;
  const reference = (host: string): boolean => [...host].every((c) => HOST_CHAR[c.charCodeAt(0)] === 1) && HOST_RE.test(host);
  const check = (host: string): void => {
    const b = Buffer.from(`..${host}..`, 'latin1');
    assert.equal(isValidHost(b, 2, b.length - 2), reference(host), JSON.stringify(host));
  };

  it('agrees with the regular expression on every string of up to 4 bytes from a tricky alphabet', () => {
    const alphabet = ['a', 'F', 'g', '1', ':', '[', ']', '.', '%', ' ', '\xe9', '@'];
    let strings = [''];
    for (let n = 0; n <= 4; n++) {
      for (const s of strings) check(s);
      strings = strings.flatMap((s) => alphabet.map((c) => s + c));
    }
  });

  it('agrees on the usual forms', () => {
    for (const host of [
      'localhost',
      'localhost:8080',
      'example.test:',
      '127.0.0.1:80',
      '[::1]',
      '[::1]:8080',
      '[fe80::1%25en0]',
      '[v1.x]',
      '[::1]x',
      '[]',
      '[::1]:8o',
      'a:b:c',
      'host:80x',
      'user@host',
      "a!$&'()*+,;=-._~b",
      'xn--bcher-kva.example',
    ]) {
      check(host);
    }
  });
});
