// What the catalogue lacked next to Http11Probe and HTTP Garden, for an origin server: the positive
// controls of chunked framing, requests split across writes, the order of a 1 MiB response and the
// 400 for garbage pipelined behind it, absolute-form with another Host, and the request-line rows of
// adversarial.md (22-28) that no check covered yet: malformed versions, methods that are not tokens
// or not upper case, and a space inside the target.
//
// The chunked controls exist because every other chunked check expects a refusal: a server that
// refuses every chunked body passed them all. Here a POST with a valid chunked body must be answered
// as the same POST without content, and the request pipelined behind it answered as itself (or the
// connection closed); RFC 9112 §6.3 lets a server answer 411 (Length Required) instead, and that
// passes too. A 400 or 501, or the content answered as a request, never does.
//
// Ids are rfcNNNN/<section>/<slug>, derived from the cited section (adversarial-support.ts).
import type { Check, CheckContext, Exchange, RequestPlan, Verdict } from '../types.js';
import { all, bodyEquals, closedAfter, describeExchange, describeResponse, finalResponses, notServed, oneOf, status, statusAt, verdict } from '../verifiers.js';
import { bodyReadOrClosed } from './adversarial-framing.js';
import {
  BARE_CR,
  CANARY,
  INDEX,
  INVALID_REQUEST_LINE,
  NEXT,
  READ_BODY_OR_CLOSE,
  adversarial,
  clientError,
  get,
  nothingMore,
  servedResource,
  thenCanary,
} from './adversarial-support.js';
import { BARE_CR_CAUSE, PIPELINING, REQUEST_LINE_INVALID, VALID_CHUNKED_REFUSED } from './causes.js';
import { fieldValues, listMembers } from './fields.js';
import { invalidRequestLineAnswer } from './message-syntax.js';
import { CHUNK_EXT_LIMIT } from './prose.js';
import { HOST, request } from './requests.js';
import { resourceBody, resourcePath } from './resource.js';

/** RFC 9112 §9.3.2 */
const ORDER =
  'A server MAY process a sequence of pipelined requests in parallel if they all have safe methods ([HTTP]), but ' +
  'it MUST send the corresponding responses in the same order that the requests were received.';
/** RFC 9112 §7.1 */
const PARSE_CHUNKED = 'A recipient MUST be able to parse and decode the chunked transfer coding.';
/** RFC 9112 §7.1.1 */
const IGNORE_CHUNK_EXT = 'A recipient MUST ignore unrecognized chunk extensions.';
/** RFC 9112 §3.2.2 */
const ABSOLUTE_FORM_HOST =
  'When an origin server receives a request with an absolute-form of request-target, the origin server MUST ignore ' +
  'the received Host header field (if any) and instead use the host information of the request-target.';
/** RFC 9112 §3 (the sentence goes on to list the whitespace octets) */
export const WORD_BOUNDARIES =
  'Although the request-line grammar rule requires that each of the component elements be separated by a single SP ' +
  'octet, recipients MAY instead parse on whitespace-delimited word boundaries and, aside from the CRLF terminator, ' +
  'treat any form of whitespace as the SP separator while ignoring preceding or trailing whitespace';
/** RFC 9110 §9.1 */
export const UNKNOWN_METHOD =
  'An origin server that receives a request method that is unrecognized or not implemented SHOULD respond with the ' + '501 (Not Implemented) status code.';
/** RFC 9112 §2.2 */
const OCTETS = 'A recipient MUST parse an HTTP message as a sequence of octets in an encoding that is a superset of US-ASCII [USASCII].';
/** RFC 9110 §5.3 */
const WHOLE_HEAD_FIRST =
  'A server MUST NOT apply a request to the target resource until it receives the entire request header section, ' +
  'since later header field lines might include conditionals, authentication credentials, or deliberately ' +
  'misleading duplicate header fields that could impact request processing.';

/** How long the client waits between the pieces of a request written in several writes: long
 * enough for each piece to reach the server in a read of its own. */
const SPLIT_DELAY_MS = 50;

/** The same POST without content: what the chunked one must be answered as. POST, because RFC 9110
 * §9.3.1 warns that content in a GET "might lead some implementations to reject the request and
 * close the connection" (lighttpd does), which would make the controls vacuous; on the bundled
 * /index.html, so that no user's resource is ever sent a POST. */
const POST_WITHOUT_CONTENT = request('POST', INDEX, ['Content-Length: 0']);
const POST_CHUNKED = request('POST', INDEX, ['Transfer-Encoding: chunked']);

/** The POST without content, on its own (on a new connection if the server closes after it), then
 * the POST with `content` as its chunked body and NEXT (style.css) behind it in one write. */
function chunkedAfterBaseline(content: string): RequestPlan {
  return { chunks: [POST_WITHOUT_CONTENT, POST_CHUNKED + content + NEXT], responses: 3, awaitEachResponse: true, reconnect: true };
}

/** The i-th final response is a 4xx. */
function clientErrorAt(ex: Exchange, i: number): Verdict {
  const res = finalResponses(ex)[i];
  return verdict(res !== undefined && res.status >= 400 && res.status < 500, `response #${i + 1}: a 4xx`, res ? describeResponse(res) : describeExchange(ex));
}

/** After the POST without content (the first answer), the POST with a valid chunked body (the
 * second) was answered as it: same status, same body; then NEXT was answered as style.css, or the
 * connection closed (a server may answer before reading the content, and then must close, RFC 9112
 * §9.3). RFC 9112 §6.3: "A server MAY reject a request that contains a message body but not a
 * Content-Length by responding with 411 (Length Required)", so a 411 passes too. What never passes
 * is a 400 or 501 for a body every recipient MUST be able to parse, or its content answered as a
 * request. */
export function chunkedAccepted(ex: Exchange, ctx: CheckContext): Verdict {
  const [without, answer] = finalResponses(ex);
  const same = verdict(
    without !== undefined && answer !== undefined && answer.status === without.status && answer.body.equals(without.body),
    'second response: the status and body of the first (the same POST without content)',
    answer && without ? `${describeResponse(answer)}, where the POST without content got ${describeResponse(without)}` : describeExchange(ex),
  );
  const then = oneOf({
    'then the request behind answered': all(statusAt(ex, 2, 200), bodyEquals(ex, 2, ctx.fixture('style.css'), 'style.css')),
    'then closed': closedAfter(ex, 2),
  });
  return oneOf({ 'answered as without content': all(same, then), 'length required (411)': all(statusAt(ex, 1, 411), then) });
}

/** A valid chunked body: read whole, never refused as malformed (RFC 9112 §7.1, §7.1.1). */
export function chunked(slug: string, section: 'RFC 9112 §7.1' | 'RFC 9112 §7.1.1', title: string, content: string): Check {
  return adversarial({
    slug,
    section,
    level: 'MUST',
    cause: VALID_CHUNKED_REFUSED,
    title,
    requirement: section === 'RFC 9112 §7.1' ? PARSE_CHUNKED : IGNORE_CHUNK_EXT,
    // POST /index.html and GET /style.css: the bundled fixtures.
    needs: 'fixtures',
    request: chunkedAfterBaseline(content),
    expect: chunkedAccepted,
  });
}

/** The server closed after the first answer, having said it would ("Connection: close", or HTTP/1.0
 * without keep-alive): the requests written after it never reached a parser. */
function closedAsAnnounced(ex: Exchange): Verdict {
  const first = finalResponses(ex)[0];
  const options = listMembers(fieldValues(first, 'Connection'));
  const announced = first !== undefined && (options.includes('close') || (first.version === 'HTTP/1.0' && !options.includes('keep-alive')));
  return all(verdict(announced, 'the first response announces the close', first ? describeResponse(first) : describeExchange(ex)), closedAfter(ex, 1));
}

/** An invalid request-line (RFC 9112 §3.2, SHOULD): 400, or 301 to the target properly encoded. */
export function invalidLine(slug: string, title: string, line: string, ...also: Array<[string, (ex: Exchange) => Verdict]>): Check {
  return adversarial({
    slug,
    section: 'RFC 9112 §3.2',
    level: 'SHOULD',
    cause: REQUEST_LINE_INVALID,
    title,
    requirement: INVALID_REQUEST_LINE,
    needs: 'origin',
    request: `${line}\r\nHost: ${HOST}\r\n\r\n`,
    expect: (ex) =>
      also.length === 0
        ? invalidRequestLineAnswer(ex)
        : oneOf({ 'invalid request-line': invalidRequestLineAnswer(ex), ...Object.fromEntries(also.map(([name, v]) => [name, v(ex)])) }),
  });
}

export const coverageChecks: Check[] = [
  // --- Order behind a slow response (adversarial.md row 41, with a response that takes a while) ---
  adversarial({
    // The server is still reading or writing 1 MiB when it parses the garbage behind the request: a
    // server that answers the garbage at once puts its 400 before (or inside) the 200, and one that
    // closes the connection at once cuts the 200 short or loses it. Node's http module (v20.20) loses
    // it when its handler answers asynchronously, as a file server does: the 400 alone comes back.
    // What follows the 200 is rfc9112/2.2/garbage-after-request's to judge (a SHOULD); here only
    // that nothing takes the 200's place.
    slug: 'garbage-behind-large-response',
    section: 'RFC 9112 §9.3.2',
    level: 'MUST',
    cause: PIPELINING,
    title: 'GET /large.bin, then "Invalid\\r\\n\\r\\n" in the same write: the 1 MiB answered whole first, then the 400 (or a close)',
    requirement: ORDER,
    // large.bin's bytes are the bundled fixture's.
    needs: 'fixtures',
    request: { chunks: [get('/large.bin') + 'Invalid\r\n\r\n'], awaitClose: true },
    expect: (ex, ctx) =>
      all(
        statusAt(ex, 0, 200),
        bodyEquals(ex, 0, ctx.fixture('large.bin'), 'large.bin'),
        oneOf({
          'then 400 for the garbage': all(statusAt(ex, 1, 400), nothingMore(ex, 2)),
          'then nothing more (closed, or left open)': nothingMore(ex, 1),
        }),
      ),
  }),

  // --- Valid chunked bodies: the positive controls (adversarial.md row 39) ---
  chunked(
    'chunked-body',
    'RFC 9112 §7.1',
    'POST with a valid chunked body (5, hello, 0): answered as without content, then the request behind it',
    '5\r\nhello\r\n0\r\n\r\n',
  ),
  chunked(
    'chunked-trailer-fields',
    'RFC 9112 §7.1',
    'POST with a chunked body and a trailer field (X-Lab-Trailer: t): answered as without content, then the request behind it',
    '5\r\nhello\r\n0\r\nX-Lab-Trailer: t\r\n\r\n',
  ),
  chunked(
    'chunk-ext-token',
    'RFC 9112 §7.1.1',
    'Chunk extensions (5;name=value, 0;last) are ignored: the POST answered as without content, then the request behind it',
    '5;name=value\r\nhello\r\n0;last\r\n\r\n',
  ),
  chunked(
    'chunk-ext-quoted',
    'RFC 9112 §7.1.1',
    'A quoted chunk extension value holding ";" and SP (5;name="a; b") is ignored: answered as without content, then the request behind it',
    '5;name="a; b"\r\nhello\r\n0\r\n\r\n',
  ),
  adversarial({
    // "ought to" carries no keyword (prose.ts): the lab requires that either answer comes, a 4xx for
    // the long line or the body read whole, and never the content read as a request.
    slug: 'chunk-ext-64k',
    section: CHUNK_EXT_LIMIT.section,
    level: 'robustness',
    title: 'A 64 KiB chunk extension: refused with a 4xx (then closed, or the body read), or ignored and answered as without content',
    requirement: CHUNK_EXT_LIMIT.text,
    needs: 'fixtures',
    request: chunkedAfterBaseline(`5;${'a'.repeat(64 * 1024)}\r\nhello\r\n0\r\n\r\n`),
    expect: (ex, ctx) =>
      oneOf({
        'extension ignored': chunkedAccepted(ex, ctx),
        'refused (4xx), then closed': all(clientErrorAt(ex, 1), closedAfter(ex, 2)),
        'refused (4xx), the body read, the request behind answered': all(
          clientErrorAt(ex, 1),
          statusAt(ex, 2, 200),
          bodyEquals(ex, 2, ctx.fixture('style.css'), 'style.css'),
        ),
      }),
  }),

  // --- absolute-form (RFC 9112 §3.2.2; adversarial.md row 32) ---
  adversarial({
    // The decision: a 400 for the mismatch is not allowed. The MUST tells the origin server to
    // ignore the received Host, not to compare it; RFC 9112 §3.2's 400 binds a Host that is missing,
    // repeated or invalid, and other.invalid is a valid reg-name. That the two differ is the client's
    // fault (§3.2: a client "MUST send a field value for Host that is identical to that authority
    // component"), which the server is told to disregard. rfc9112/3.2.2/absolute-form sends the same
    // request with a matching Host, so a server that fails only this check rejects the mismatch.
    slug: 'absolute-form-host-mismatch',
    section: 'RFC 9112 §3.2.2',
    level: 'MUST',
    title: `GET http://${HOST}/… with Host: other.invalid: the Host is ignored and the resource served, not 400`,
    requirement: ABSOLUTE_FORM_HOST,
    needs: 'resource',
    request: (ctx) => `GET http://${HOST}${resourcePath(ctx)} HTTP/1.1\r\nHost: other.invalid\r\n\r\n`,
    expect: (ex, ctx) => servedResource(ex, ctx),
  }),

  // --- Malformed versions (adversarial.md row 23): HTTP-version = HTTP-name "/" DIGIT "." DIGIT ---
  invalidLine('version-minor-two-digits', 'HTTP/1.32 (two digits after the dot) is an invalid request-line: 400', `GET ${INDEX} HTTP/1.32`),
  invalidLine(
    // 2^32 + 1: a 32-bit parse wraps it to 1.1. Read as a version this server does not support, it is
    // what 505 is for (RFC 9110 §15.6.6), so that answer passes too.
    'version-major-overflow',
    'HTTP/4294967297.1 (2^32+1, a 32-bit parse wraps it to 1): 400, or 505; never processed as HTTP/1.1',
    `GET ${INDEX} HTTP/4294967297.1`,
    ['read as an unsupported major version (505)', (ex) => status(ex, 505)],
  ),
  invalidLine('version-lowercase', 'http/1.1 (HTTP-name is case-sensitive): 400', `GET ${INDEX} http/1.1`),
  adversarial({
    // A parser that splits on whitespace, as §3 allows, ignores the trailing SP; one that follows the
    // grammar finds an invalid request-line. Both are conformant.
    slug: 'version-trailing-space',
    section: 'RFC 9112 §3',
    level: 'MAY',
    title: 'A request-line ending "HTTP/1.1 " (trailing SP): the SP ignored and the resource served, or 400',
    requirement: WORD_BOUNDARIES,
    needs: 'resource',
    request: (ctx) => `GET ${resourcePath(ctx)} HTTP/1.1 \r\nHost: ${HOST}\r\n\r\n`,
    expect: (ex, ctx) => oneOf({ 'trailing whitespace ignored': servedResource(ex, ctx), 'invalid request-line': invalidRequestLineAnswer(ex) }),
  }),
  adversarial({
    // The MUST is that the element is invalid (or each CR read as SP, which leaves "HTTP/  1.1",
    // invalid too), never that the CR ends a line: a server that ends the request-line there reads
    // "GET /index.html HTTP/" and may serve it. The status for an invalid version is §3.2's SHOULD
    // (400); lighttpd answers 505, which also says the version was not taken, so any refusal
    // passes here.
    slug: 'bare-cr-in-version',
    section: 'RFC 9112 §2.2',
    level: 'MUST',
    cause: BARE_CR_CAUSE,
    title: 'HTTP/\\r\\r1.1 (bare CRs inside the version): refused (400, any 4xx, or 505), never a line break',
    requirement: BARE_CR,
    needs: 'origin',
    request: thenCanary(`GET ${INDEX} HTTP/\r\r1.1\r\nHost: ${HOST}\r\n\r\n`, CANARY),
    expect: (ex) => all(oneOf({ 'invalid (4xx)': clientError(ex), 'version not supported (505)': status(ex, 505) }), nothingMore(ex)),
  }),

  // --- Methods (adversarial.md rows 26, 27) ---
  invalidLine('method-not-token', 'A method of delimiters (G=":<>(e),[T];?") is not a token: 400', `G=":<>(e),[T];?" ${INDEX} HTTP/1.1`),
  invalidLine('method-ctl', 'A method with a control byte (G\\x01ET) is not a token: 400', `G\x01ET ${INDEX} HTTP/1.1`),
  adversarial({
    // RFC 9110 §9.1: "The method token is case-sensitive", so "get" is a method of its own, valid as a
    // token and unknown: the SHOULD names 501. A 400 or 405 departs from that SHOULD without harm;
    // what this check fails is the one answer that reads "get" as GET: the resource served.
    slug: 'method-lowercase',
    section: 'RFC 9110 §9.1',
    level: 'SHOULD',
    title: '"get" (methods are case-sensitive) is an unknown method: never served as GET (501 preferred)',
    requirement: UNKNOWN_METHOD,
    needs: 'resource',
    request: (ctx) => request('get', resourcePath(ctx)),
    expect: (ex, ctx) => notServed(ex, resourceBody(ctx), resourcePath(ctx)),
  }),

  // --- A space inside the target (adversarial.md row 28) ---
  // "/with space.html" names a bundled file: a server that takes the last word for the version and
  // the rest for the target serves it, the autocorrection §3.2 says a recipient SHOULD NOT make
  // without a redirect.
  invalidLine(
    'target-space',
    'GET /with space.html HTTP/1.1 (a space inside the target): 400, or 301 to the encoded target; never served',
    'GET /with space.html HTTP/1.1',
  ),

  // --- Requests split across writes (uNetworking h1spec's fragmented cases) ---
  adversarial({
    // The pieces end inside the method, inside "HTTP/1.1", between CR and LF, inside a field name,
    // and between the last CR and LF: a parser that depends on where the reads end answers
    // something else than the whole request's answer. The same request follows the last LF, so that
    // a parser that lost a byte answers something rather than waiting for it.
    slug: 'split-at-token-boundaries',
    section: 'RFC 9112 §2.2',
    level: 'robustness',
    title: 'A request written in six pieces, cut inside tokens and between CR and LF, is answered exactly as the whole request',
    requirement: OCTETS,
    needs: 'resource',
    request: (ctx) => ({
      chunks: ['G', `ET ${resourcePath(ctx)} HT`, 'TP/1.1\r', '\nHo', `st: ${HOST}\r\n\r`, '\n' + get(resourcePath(ctx))],
      delayMs: SPLIT_DELAY_MS,
      responses: 2,
    }),
    expect: (ex, ctx) =>
      all(servedResource(ex, ctx), oneOf({ 'then the request behind answered': servedResource(ex, ctx, 1), 'then closed': closedAfter(ex, 1) })),
  }),
  adversarial({
    // Cut between the CR and LF of a chunk-size line, inside chunk data, between chunk data and its
    // CRLF, between that CR and LF, and inside the CRLF that ends the trailer section; the sizes are
    // hex in both cases (a, A).
    slug: 'split-chunked-body',
    section: 'RFC 9112 §2.2',
    level: 'robustness',
    title:
      'A chunked body of three chunks (5, a, A) written in pieces cut inside its lines is read whole: answered as without content, then the request behind',
    requirement: OCTETS,
    needs: 'fixtures',
    // The POST without content goes first, in the first piece: its answer is what the chunked
    // POST's must be.
    request: {
      chunks: [POST_WITHOUT_CONTENT + POST_CHUNKED + '5\r', '\nhel', 'lo', '\r\na\r\n, chunked \r', '\nA\r\nbody split\r\n0\r\n\r', '\n' + NEXT],
      delayMs: SPLIT_DELAY_MS,
      responses: 3,
    },
    expect: (ex, ctx) => oneOf({ 'read whole': chunkedAccepted(ex, ctx), 'closed after the POST without content, as announced': closedAsAnnounced(ex) }),
  }),
  adversarial({
    // The last field line comes 200 ms after the rest. A server that answers before the empty line
    // answers without "Connection: close", then reads that line as a request-line and answers a
    // 400 too.
    slug: 'head-complete-before-answer',
    section: 'RFC 9110 §5.3',
    level: 'MUST',
    title: 'A head whose last field (Connection: close) comes 200 ms later is answered once, after it: one response, then close',
    requirement: WHOLE_HEAD_FIRST,
    needs: 'resource',
    request: (ctx) => ({ chunks: [`GET ${resourcePath(ctx)} HTTP/1.1\r\nHost: ${HOST}\r\n`, 'Connection: close\r\n\r\n'], delayMs: 200, awaitClose: true }),
    expect: (ex, ctx) => all(servedResource(ex, ctx), closedAfter(ex, 1)),
  }),

  // --- Content-Length with leading zeros ---
  adversarial({
    // 1*DIGIT allows leading zeros, and the number is decimal: "010" is ten. A parser that reads it
    // as octal (strtol with base 0) takes eight bytes and answers the last two, with the request
    // behind, as a request-line.
    slug: 'cl-leading-zero',
    section: 'RFC 9112 §9.3',
    level: 'MUST',
    title: 'Content-Length: 010 is ten octets (decimal, not octal): read whole, then the request behind answered; or rejected and closed',
    requirement: READ_BODY_OR_CLOSE,
    needs: 'fixtures',
    request: thenCanary(get(INDEX, 'Content-Length: 010') + '0123456789', NEXT),
    expect: bodyReadOrClosed,
  }),
];
