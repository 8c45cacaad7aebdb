// Property-based tests of the core's request parser (servers/core/request-parser.ts), written once
// and run at two scales: a thousand cases each in `npm test`
// (bench/parser-properties.test.ts) and a million in `npm run fuzz` (bench/fuzz.ts).
// They live here, not in servers/core, because they import fast-check and llhttp, and the core
// imports nothing but types.
//
// - robust: on any input (random bytes, a soup of HTTP fragments, valid requests with byte flips,
//   insertions, deletions, truncations and splices), pushed in random pieces under random limits,
//   next() never throws; every error is a ProtocolError with a status the core documents and stays
//   the parser's answer; every request it accepts fits the limits and the grammar.
// - split-invariant: the same input split at one or several random points, or fed one byte at a
//   time, gives the same events as the whole input: requests, fields, content lengths, errors.
// - agrees-with-llhttp: on valid pipelined requests generated from the RFC 9110/9112 grammar, the
//   core and Node's llhttp both parse exactly the generated method, target, version, fields,
//   content and keep-alive decision. The generator keeps to what both must accept; each place
//   where llhttp, as Node configures it, legitimately differs from the core says why.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FIELD_VALUE_CHAR, TARGET_CHAR, isToken } from '../servers/core/abnf.js';
import { persistsAfter } from '../servers/core/connection.js';
import { ProtocolError } from '../servers/core/errors.js';
import { KNOWN_NAMES } from '../servers/core/headers.js';
import { DEFAULT_LIMITS, type Limits } from '../servers/core/limits.js';
import { RequestParser, isValidHost, type ParsedRequest } from '../servers/core/request-parser.js';
import { parseInPieces, parseWhole } from '../servers/core/testing.js';
import { LlhttpMessageParser, loadLlhttp } from './llhttp.js';

export interface NamedProperty {
  name: string;
  property: fc.IProperty<unknown[]>;
}

/** One generated request: its bytes (latin1) and what a parser must make of them. */
interface Generated {
  raw: string;
  method: string;
  target: string;
  version: string;
  /** field names lower-cased, values without the OWS around them */
  headers: Array<[string, string]>;
  content: string;
  /** trailer fields, names as sent */
  trailers: Array<[string, string]>;
  keepAlive: boolean;
}

// ---------------------------------------------------------------------------------------------
// The grammar (RFC 9110 §5.6.2 tokens, §5.5 field values; RFC 3986 for targets)

const DIGIT = '0123456789';
const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HEXDIG = DIGIT + 'ABCDEFabcdef';
const TCHARS = "!#$%&'*+-.^_`|~" + DIGIT + ALPHA;
const UNRESERVED = ALPHA + DIGIT + '-._~';
const SUB_DELIMS = "!$&'()*+,;=";

const charOf = (set: string): fc.Arbitrary<string> => fc.constantFrom(...set);
const stringOf = (unit: fc.Arbitrary<string>, minLength: number, maxLength: number): fc.Arbitrary<string> => fc.string({ unit, minLength, maxLength });
const byteChar = (min: number, max: number): fc.Arbitrary<string> => fc.integer({ min, max }).map((c) => String.fromCharCode(c));
const weighted = <T>(...pairs: Array<[number, fc.Arbitrary<T>]>): fc.Arbitrary<T> => fc.oneof(...pairs.map(([weight, arbitrary]) => ({ weight, arbitrary })));
const trimOws = (s: string): string => s.replace(/^[ \t]+|[ \t]+$/g, '');

const token = stringOf(charOf(TCHARS), 1, 12);
const pctEncoded = fc.tuple(charOf(HEXDIG), charOf(HEXDIG)).map(([a, b]) => `%${a}${b}`);
// pchar = unreserved / pct-encoded / sub-delims / ":" / "@"
const pchar = weighted([8, charOf(UNRESERVED + SUB_DELIMS + ':@')], [1, pctEncoded]);
const ows = fc.constantFrom('', ' ', '  ', '\t', ' \t ');
// llhttp reads Content-Length, Transfer-Encoding and Connection token by token and takes SP, not
// HTAB, after a token: it rejects "chunked\t" and misses "close\t", though RFC 9110 §5.6.3 has
// OWS = *( SP / HTAB ). After those values only SP is sent.
const spaces = fc.constantFrom('', ' ', '  ');
const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

type CaseStyle = 'lower' | 'upper' | 'title';
const caseStyle = fc.constantFrom<CaseStyle>('lower', 'upper', 'title');
function applyCase(s: string, style: CaseStyle): string {
  if (style === 'lower') return s.toLowerCase();
  if (style === 'upper') return s.toUpperCase();
  return s.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}
const anyCase = (name: string): fc.Arbitrary<string> => caseStyle.map((style) => applyCase(name, style));

// request-target: origin-form, absolute-form, and asterisk-form for OPTIONS (RFC 9112 §3.2)
const path = fc.array(stringOf(pchar, 0, 8), { minLength: 1, maxLength: 4 }).map((segments) => '/' + segments.join('/'));
const query = optional(stringOf(weighted([6, pchar], [1, charOf('/?')]), 0, 12)).map((q) => (q === undefined ? '' : '?' + q));
const port = optional(stringOf(charOf(DIGIT), 0, 5)).map((p) => (p === undefined ? '' : ':' + p));
const originForm = fc.tuple(path, query).map(([p, q]) => p + q);
// uri-host = IP-literal / IPv4address / reg-name (RFC 3986 §3.2.2)
const regName = stringOf(weighted([8, charOf(UNRESERVED + SUB_DELIMS)], [1, pctEncoded]), 0, 16);
const ipLiteral = stringOf(charOf(HEXDIG + ':.'), 1, 12).map((s) => `[${s}]`);
const uriHost = weighted([6, regName], [1, ipLiteral]);
// RFC 9110 §4.2.1: "A sender MUST NOT generate an "http" URI with an empty host identifier."
const absoluteForm = fc
  .tuple(
    fc.constantFrom('http', 'https', 'HTTP'),
    uriHost.filter((h) => h.length > 0),
    port,
    optional(path),
    query,
  )
  .map(([scheme, host, p, abs, q]) => `${scheme}://${host}${p}${abs ?? ''}${q}`);

// Methods: llhttp knows a fixed list and rejects any other token, where the core takes any token
// (RFC 9110 §9.1: the application answers 501 to one it does not implement); so the list is
// llhttp's. CONNECT is left out: llhttp treats it as an upgrade and stops parsing after its head,
// and its target is authority-form (RFC 9112 §3.2.3), which a static server has no use for.
const METHODS = loadLlhttp().methods.filter((m) => m !== 'CONNECT');

// Field names the parsers give a meaning to are generated on purpose below, never at random: Host,
// the framing fields and Connection. Never generated: Upgrade and Proxy-Connection, which llhttp
// acts on (an upgrade hands the connection over; Proxy-Connection counts as Connection) and the
// core does not; and Expect, which the core answers (417, or 100-continue) and llhttp ignores.
const SPECIAL_NAMES = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'proxy-connection', 'upgrade', 'expect']);
const fieldName = weighted([1, fc.tuple(fc.constantFrom(...KNOWN_NAMES), caseStyle).map(([name, style]) => applyCase(name, style))], [1, token]).filter(
  (name) => !SPECIAL_NAMES.has(name.toLowerCase()),
);
// field-value = *field-content; field-vchar = VCHAR / obs-text, with SP and HTAB only inside
const fieldValue = stringOf(weighted([12, byteChar(0x21, 0x7e)], [2, byteChar(0x80, 0xff)], [3, charOf(' \t')]), 0, 24).map(trimOws);

interface FieldLine {
  line: string;
  name: string;
  value: string;
}
const fieldLine = (name: fc.Arbitrary<string>, value: fc.Arbitrary<string>, owsAfter = ows): fc.Arbitrary<FieldLine> =>
  fc.tuple(name, ows, value, owsAfter).map(([n, before, v, after]) => ({ line: `${n}:${before}${v}${after}\r\n`, name: n, value: v }));

// Host = uri-host [ ":" port ] (RFC 9110 §7.2)
const hostLine = fieldLine(
  anyCase('host'),
  fc.tuple(uriHost, port).map(([h, p]) => h + p),
);

// Connection options. A request the connection will not outlive is only ever the last of a batch:
// llhttp, strict as Node runs it, answers any byte after it with HPE_CLOSED_CONNECTION, while the
// core parses on and leaves the close to the connection. And close never comes with keep-alive:
// RFC 9112 §9.3: "If the "close" connection option is present, the connection will not persist
// after the current response", which the core follows, where llhttp keeps an HTTP/1.0 connection
// that also says keep-alive.
const otherOption = weighted([2, token], [1, fc.constantFrom('closed', 'keep-alives', 'x-close', 'upgrade', 'te')]).filter(
  (t) => !['close', 'keep-alive'].includes(t.toLowerCase()),
);
const listSeparator = fc.constantFrom(',', ', ', ' ,', ',\t', ', ,');

interface ConnectionPlan {
  keepAlive: boolean;
  line: FieldLine | null;
}
function connectionPlan(http11: boolean): fc.Arbitrary<ConnectionPlan> {
  return fc
    .tuple(
      weighted([4, fc.constant(true)], [1, fc.constant(false)]),
      fc.boolean(),
      fc.array(otherOption, { maxLength: 2 }),
      fc.nat(),
      listSeparator,
      anyCase('connection'),
      caseStyle,
      ows,
      spaces,
    )
    .map(([keepAlive, sayIt, others, at, separator, name, style, before, after]) => {
      // RFC 9112 §9.3: HTTP/1.1 persists unless close is said; HTTP/1.0 only if keep-alive is.
      const needed = http11 ? !keepAlive : keepAlive;
      const key = keepAlive ? 'keep-alive' : 'close';
      const options = [...others];
      if (needed || sayIt) options.splice(at % (options.length + 1), 0, applyCase(key, style));
      if (options.length === 0) return { keepAlive, line: null };
      const value = options.join(separator);
      return { keepAlive, line: { line: `${name}:${before}${value}${after}\r\n`, name, value } };
    });
}

// Content: none, Content-Length, or chunked.
const content = stringOf(byteChar(0, 255), 0, 64);
const leadingZeros = fc.constantFrom('', '', '0', '00');
const quotedString = stringOf(
  weighted(
    [8, byteChar(0x20, 0x7e).filter((c) => c !== '"' && c !== '\\')],
    [1, charOf('\t')],
    [1, byteChar(0x80, 0xff)],
    [1, byteChar(0x20, 0x7e).map((c) => '\\' + c)],
  ),
  0,
  10,
).map((s) => `"${s}"`);
// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ) (RFC 9112 §7.1.1).
// No BWS: strict llhttp rejects whitespace in chunk extensions, and the grammar only allows it.
const chunkExtensions = fc
  .array(fc.tuple(token, optional(weighted([2, token], [1, quotedString]))), { maxLength: 2 })
  .map((extensions) => extensions.map(([name, value]) => `;${name}${value === undefined ? '' : '=' + value}`).join(''));
const chunk = fc
  .tuple(stringOf(byteChar(0, 255), 1, 20), leadingZeros, caseStyle, chunkExtensions)
  .map(([data, zeros, style, ext]) => ({ data, line: `${zeros}${applyCase(data.length.toString(16), style)}${ext}\r\n${data}\r\n` }));

interface Framing {
  line: FieldLine | null;
  body: string;
  content: string;
  trailers: FieldLine[];
}
const noContent = fc.constant<Framing>({ line: null, body: '', content: '', trailers: [] });
const lengthFraming = fc.tuple(content, anyCase('content-length'), leadingZeros, ows, spaces).map(([data, name, zeros, before, after]): Framing => {
  const value = zeros + data.length;
  return { line: { line: `${name}:${before}${value}${after}\r\n`, name, value }, body: data, content: data, trailers: [] };
});
const chunkedFraming = fc
  .tuple(
    fc.array(chunk, { maxLength: 4 }),
    fc.constantFrom('0', '00', '000'),
    chunkExtensions,
    fc.array(fieldLine(fieldName, fieldValue), { maxLength: 2 }),
    fieldLine(anyCase('transfer-encoding'), anyCase('chunked'), spaces),
  )
  .map(([chunks, last, ext, trailers, te]): Framing => ({
    line: te,
    body: chunks.map((c) => c.line).join('') + `${last}${ext}\r\n` + trailers.map((t) => t.line).join('') + '\r\n',
    content: chunks.map((c) => c.data).join(''),
    trailers,
  }));

const request: fc.Arbitrary<Generated> = fc
  .tuple(fc.constantFrom(...METHODS), weighted([6, originForm], [1, absoluteForm], [1, fc.constant('*')]), fc.boolean(), fc.constantFrom(0, 0, 0, 1, 2))
  .chain(([method, target, http11, emptyLines]) =>
    fc
      .tuple(
        // RFC 9112 §3.2: a client MUST send Host in every HTTP/1.1 request; HTTP/1.0 may omit it.
        http11 ? hostLine : optional(hostLine),
        connectionPlan(http11),
        // RFC 9112 §6.1: a Transfer-Encoding in an HTTP/1.0 message is to be treated as faulty framing.
        http11 ? weighted([2, noContent], [2, lengthFraming], [2, chunkedFraming]) : weighted([1, noContent], [1, lengthFraming]),
        fc.array(fieldLine(fieldName, fieldValue), { maxLength: 6 }),
        fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
      )
      .map(([host, connection, framing, fields, at]): Generated => {
        const lines = [...fields];
        [host ?? null, connection.line, framing.line].forEach((line, k) => {
          if (line !== null) lines.splice(at[k]! % (lines.length + 1), 0, line);
        });
        // RFC 9112 §3.2.4: the asterisk-form "is only used for a server-wide OPTIONS request".
        const t = target === '*' && method !== 'OPTIONS' ? '/' : target;
        const version = http11 ? 'HTTP/1.1' : 'HTTP/1.0';
        return {
          raw: '\r\n'.repeat(emptyLines) + `${method} ${t} ${version}\r\n` + lines.map((l) => l.line).join('') + '\r\n' + framing.body,
          method,
          target: t,
          version,
          headers: lines.map((l) => [l.name.toLowerCase(), l.value]),
          content: framing.content,
          trailers: framing.trailers.map((l) => [l.name, l.value]),
          keepAlive: connection.keepAlive,
        };
      }),
  );

/** 1 to 4 requests back to back, all but the last keeping the connection (see Connection above). */
const pipelinedBatch: fc.Arbitrary<Generated[]> = fc.array(request, { minLength: 1, maxLength: 4 }).map((batch) => {
  const closing = batch.findIndex((r) => !r.keepAlive);
  return closing < 0 ? batch : batch.slice(0, closing + 1);
});
const batchBytes = pipelinedBatch.map((batch) => batch.map((r) => r.raw).join(''));

// ---------------------------------------------------------------------------------------------
// Invalid and mutated input

/** Pieces of requests, valid and not, strung together at random. */
const FRAGMENTS = [
  'GET',
  'POST',
  'HEAD',
  'OPTIONS',
  'get',
  'FOO',
  ' ',
  '  ',
  '\t',
  '/',
  '/a',
  '*',
  '?',
  '%',
  '%2e',
  '#',
  'http://a',
  'HTTP/1.1',
  'HTTP/1.0',
  'HTTP/2.0',
  'HTTP/1.',
  'HTTP/1.10',
  '\r\n',
  '\r\n\r\n',
  '\r',
  '\n',
  ':',
  ': ',
  'Host',
  'Host: a',
  'Host: [::1]:80',
  'Host: a:b',
  'Content-Length',
  'Content-Length: 5',
  'Content-Length: 0',
  'Content-Length: 99999999999999999',
  'Transfer-Encoding',
  'Transfer-Encoding: chunked',
  'Transfer-Encoding: gzip, chunked',
  'chunked',
  'Expect: 100-continue',
  'Expect: x',
  'Expect: 100-continue\r\n',
  'Connection: close',
  'Connection: keep-alive',
  '0',
  '5',
  'a',
  'ff',
  'FFFFFFFFFFFFFFFF',
  ';',
  ';a=b',
  '=',
  '"',
  ',',
  'hello',
  '\x00',
  '\x7f',
  '\xe9',
  '\xff',
];
/** Bytes a mutation is most likely to make trouble with. */
const interestingByte = weighted([3, charOf('\r\n \t:;,="\\/%\x00\x7f\x80\xff0aF')], [2, byteChar(0, 255)]);

type Mutation =
  | { op: 'flip'; at: number; byte: string }
  | { op: 'insert'; at: number; bytes: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'splice'; at: number; other: string; from: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: interestingByte }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: weighted([2, stringOf(interestingByte, 1, 4)], [1, fc.constantFrom(...FRAGMENTS)]) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('splice' as const), at: fc.nat(), other: batchBytes, from: fc.nat() }),
);

function mutate(input: string, m: Mutation): string {
  const at = m.at % (input.length + 1);
  switch (m.op) {
    case 'flip':
      return input.slice(0, at) + m.byte + input.slice(at + 1);
    case 'insert':
      return input.slice(0, at) + m.bytes + input.slice(at);
    case 'delete':
      return input.slice(0, at) + input.slice(at + m.length);
    case 'duplicate':
      return input.slice(0, at + m.length) + input.slice(at);
    case 'truncate':
      return input.slice(0, at);
    case 'splice':
      return input.slice(0, at) + m.other.slice(m.from % (m.other.length + 1));
  }
}

const mutated = fc.tuple(batchBytes, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([input, mutations]) => mutations.reduce(mutate, input));

const soup = fc.array(weighted([8, fc.constantFrom(...FRAGMENTS)], [1, byteChar(0, 255)]), { maxLength: 40 }).map((parts) => parts.join(''));
const randomBytes = stringOf(byteChar(0, 255), 0, 200);

/** Any input, as a latin1 string (a string shows better than bytes in a counterexample). */
const anyInput: fc.Arbitrary<string> = weighted([1, randomBytes], [2, soup], [4, mutated], [1, batchBytes]);

type Cuts = number[] | 'every byte';
/** Where to cut an input: a few random points (duplicates and ends harmless) or every byte. */
const cutPoints = weighted<Cuts>([4, fc.array(fc.nat(), { minLength: 1, maxLength: 6 })], [1, fc.constant('every byte')]);
function resolveCuts(cuts: Cuts, length: number): number[] {
  if (cuts === 'every byte') return Array.from({ length: Math.max(length - 1, 0) }, (_, i) => i + 1);
  return cuts.map((c) => c % (length + 1)).sort((a, b) => a - b);
}

/** The default limits, or small ones that requests of this size reach. */
const limits: fc.Arbitrary<Limits> = weighted(
  [1, fc.constant(DEFAULT_LIMITS)],
  [
    1,
    fc.record({
      maxRequestLineBytes: fc.integer({ min: 1, max: 100 }),
      maxHeaderBytes: fc.integer({ min: 1, max: 400 }),
      maxHeaderCount: fc.integer({ min: 0, max: 10 }),
      maxBodyBytes: fc.integer({ min: 0, max: 100 }),
      maxChunkLineBytes: fc.integer({ min: 1, max: 40 }),
      maxLeadingEmptyLines: fc.integer({ min: 0, max: 3 }),
      outputHighWaterBytes: fc.constant(DEFAULT_LIMITS.outputHighWaterBytes),
    }),
  ],
);

// ---------------------------------------------------------------------------------------------
// The properties

/** The statuses ProtocolError documents (servers/core/errors.ts). */
const STATUSES = new Set([400, 413, 414, 417, 431, 501, 505]);

/** What an accepted request must satisfy whatever bytes it came from. */
function assertWellFormed(r: ParsedRequest, lim: Limits): void {
  assert.ok(isToken(r.method), `method ${JSON.stringify(r.method)} is a token`);
  assert.ok(r.target.length > 0 && [...r.target].every((c) => TARGET_CHAR[c.charCodeAt(0)] === 1), `target ${JSON.stringify(r.target)}`);
  assert.match(r.version, /^HTTP\/1\.\d$/);
  assert.equal(r.http11, r.version !== 'HTTP/1.0');
  assert.ok(r.method.length + r.target.length + 10 <= lim.maxRequestLineBytes, 'request-line within maxRequestLineBytes');
  assert.ok(r.headers.size <= lim.maxHeaderCount, 'field count within maxHeaderCount');
  let bytes = 0;
  r.headers.names.forEach((name, i) => {
    const value = r.headers.values[i]!;
    assert.ok(isToken(name) && name === name.toLowerCase(), `field name ${JSON.stringify(name)}`);
    assert.ok([...value].every((c) => FIELD_VALUE_CHAR[c.charCodeAt(0)] === 1) && trimOws(value) === value, `field value ${JSON.stringify(value)}`);
    bytes += name.length + 1 + value.length + 2;
  });
  assert.ok(bytes <= lim.maxHeaderBytes, 'field lines within maxHeaderBytes');
  const hosts = r.headers.getAll('host');
  assert.ok(r.http11 ? hosts.length === 1 : hosts.length <= 1, 'one Host (none allowed in HTTP/1.0)');
  if (hosts.length === 1) assert.ok(isValidHost(Buffer.from(hosts[0]!, 'latin1'), 0, hosts[0]!.length), `valid Host ${JSON.stringify(hosts[0])}`);
  const te = r.headers.count('transfer-encoding');
  assert.ok(te === 0 || (r.http11 && r.headers.count('content-length') === 0), 'Transfer-Encoding only alone and in HTTP/1.1');
  assert.ok(r.contentLength <= lim.maxBodyBytes, 'content within maxBodyBytes');
}

const robust = fc.property(anyInput, cutPoints, limits, (input, cuts, lim) => {
  const bytes = Buffer.from(input, 'latin1');
  const parser = new RequestParser(lim);
  let from = 0;
  for (const cut of [...resolveCuts(cuts, bytes.length), bytes.length]) {
    if (cut <= from) continue;
    parser.push(bytes.subarray(from, cut));
    from = cut;
    for (let event = parser.next(); event.kind !== 'need-data'; event = parser.next()) {
      if (event.kind === 'request') {
        assertWellFormed(event.request, lim);
        continue;
      }
      assert.ok(event.error instanceof ProtocolError, 'errors are ProtocolErrors');
      assert.ok(STATUSES.has(event.error.status), `status ${event.error.status} is one ProtocolError documents`);
      // After an error the parser stays failed, whatever arrives next.
      parser.push(bytes);
      const again = parser.next();
      assert.ok(again.kind === 'error' && again.error === event.error, 'the error is final');
      return;
    }
  }
});

// Valid requests get a larger share here than in anyInput: they are where fields and content
// lengths, not only errors, must come out the same.
const splitInvariant = fc.property(weighted([1, anyInput], [1, batchBytes]), cutPoints, limits, (input, cuts, lim) => {
  const bytes = Buffer.from(input, 'latin1');
  assert.deepEqual(parseInPieces(bytes, resolveCuts(cuts, bytes.length), lim), parseWhole(bytes, lim));
});

/** The part of a request both parsers report, as the core gives it. */
function coreView(r: ParsedRequest): object {
  return {
    method: r.method,
    target: r.target,
    version: r.version,
    headers: r.headers.names.map((name, i) => [name, r.headers.values[i]]),
    contentLength: r.contentLength,
    keepAlive: persistsAfter(r),
  };
}

const agreesWithLlhttp = fc.property(pipelinedBatch, (batch) => {
  const bytes = Buffer.from(batch.map((r) => r.raw).join(''), 'latin1');
  const expected = batch.map((g) => ({
    method: g.method,
    target: g.target,
    version: g.version,
    headers: g.headers,
    contentLength: g.content.length,
    keepAlive: g.keepAlive,
  }));

  const parser = new RequestParser();
  parser.push(bytes);
  const core: object[] = [];
  for (let event = parser.next(); event.kind !== 'need-data'; event = parser.next()) {
    assert.equal(event.kind, 'request', event.kind === 'error' ? `core: ${event.error.message}` : '');
    if (event.kind === 'request') core.push(coreView(event.request));
  }
  assert.equal(parser.inMessage, false, 'core: every byte consumed');
  assert.deepEqual(core, expected, 'core');

  // The core drops content and trailer fields (a static server has no use for them), so only
  // llhttp's can be compared with what was sent; the core's content length and the requests after
  // them show that it framed them the same.
  const llhttp = new LlhttpMessageParser();
  llhttp.parse(bytes);
  assert.deepEqual(
    llhttp.messages.map((m) => ({
      method: m.method,
      target: m.target,
      version: m.version,
      headers: m.headers.names.map((name, i) => [name, m.headers.values[i]]),
      contentLength: m.content.length,
      keepAlive: m.keepAlive,
      content: m.content.toString('latin1'),
      trailers: m.trailers,
    })),
    expected.map((e, i) => ({ ...e, content: batch[i]!.content, trailers: batch[i]!.trailers })),
    'llhttp',
  );
});

export const PROPERTIES: NamedProperty[] = [
  { name: 'robust', property: robust },
  { name: 'split-invariant', property: splitInvariant },
  { name: 'agrees-with-llhttp', property: agreesWithLlhttp },
];
