// What the catalogue lacked next to Http11Probe (MDA2AV/Http11Probe), test by test, for an origin
// server serving static files (docs/http11probe-comparison.md maps each of its tests to ours).
//
// Where Http11Probe expects more than the RFC asks (it often fails a server for what a SHOULD or a
// MAY leaves open), these checks follow the RFC's level and name every behaviour it allows:
// - request-line whitespace (a double SP, an HTAB, a line of spaces) may be parsed on word
//   boundaries (RFC 9112 §3, MAY) or refused as an invalid request-line;
// - an invalid request-line (a version without its minor digit, with leading zeros or a space
//   inside, a target without a request-target, raw non-ASCII or a backslash in the target) is a
//   SHOULD (§3.2): 400, or 301 to the target properly encoded;
// - a Host that is repeated (even with the same value), carries userinfo or a path, or is a list
//   is a MUST (§3.2): 400;
// - whitespace around a Content-Length value is OWS, which a parser MUST exclude (RFC 9110 §5.5):
//   "5 ", "  5" and "<HTAB>5" are 5, where Http11Probe prefers a 400;
// - Transfer-Encoding spelled in ways that still mean chunked (a trailing SP, an HTAB before the
//   value, an upper-case name, a trailing comma, a parameter) beside a Content-Length: rejected, or
//   read as chunked; closed either way (RFC 9112 §6.1);
// - content sent with HEAD, OPTIONS, an Expect: 100-continue, a trailer section that names framing
//   fields, or no content at all on a POST: read (or the connection closed), never a request.
//
// Ids are rfcNNNN/<section>/<slug>, derived from the cited section (adversarial-support.ts).
import type { Check, CheckContext, Exchange, RequestPlan, Verdict, WireResponse } from '../types.js';
import { all, bodyEquals, closedAfter, describeExchange, describeResponse, finalResponses, header, oneOf, status, statusAt, verdict } from '../verifiers.js';
import {
  BARE_LF,
  CANARY,
  CL_TE_CLOSE,
  CR_LF_NUL,
  GRAMMAR,
  HOST_RULE,
  INDEX,
  NEXT,
  READ_BODY_OR_CLOSE,
  TE_NOT_FINAL,
  adversarial,
  get,
  nextOrClose,
  nothingMore,
  rawHead,
  rejected,
  rejectedAndClosed,
  servedResource,
  servedThenNext,
  statusIn,
  thenCanary,
} from './adversarial-support.js';
import { tooLarge } from './adversarial-syntax.js';
import { CL_WITH_TE, HOST_RULE as HOST_RULE_CAUSE, RANGE_METHOD_CAUSE, TE_NOT_FINAL_CAUSE, UNDERSCORE_FOLDED } from './causes.js';
import { UNKNOWN_METHOD, WORD_BOUNDARIES, chunked, invalidLine } from './coverage.js';
import { fieldValues } from './fields.js';
import { invalidRequestLineAnswer } from './message-syntax.js';
import { REQUEST_WITHOUT_LENGTH } from './prose.js';
import { HOST, request } from './requests.js';
import { resourceBody, resourcePath } from './resource.js';

// The sentences quoted, each from the section its checks cite.

/** RFC 9110 §5.5 */
const OWS_EXCLUDED =
  'When a specific version of HTTP allows such whitespace to appear in a message, a field parsing implementation ' +
  'MUST exclude such whitespace prior to evaluating the field value.';
/** RFC 9110 §5.5 */
const OTHER_CTL =
  'Field values containing other CTL characters are also invalid; however, recipients MAY retain such characters ' +
  'for the sake of robustness when they appear within a safe context (e.g., an application-specific quoted string ' +
  'that will not be processed by any downstream HTTP parser).';
/** RFC 9110 §2.2 */
const SENDER_GRAMMAR = 'A sender MUST NOT generate protocol elements that do not match the grammar defined by the corresponding ABNF rules.';
/** RFC 9110 §7.8 */
const UPGRADE_HTTP10 = 'A server that receives an Upgrade header field in an HTTP/1.0 request MUST ignore that Upgrade field.';
/** RFC 9110 §9.3.6 */
const CONNECT_PORT =
  'A server MUST reject a CONNECT request that targets an empty or invalid port number, typically by responding ' + 'with a 400 (Bad Request) status code.';
/** RFC 9110 §9.3.7 */
const OPTIONS_FEATURES =
  'A server generating a successful response to OPTIONS SHOULD send any header that might indicate optional ' +
  'features implemented by the server and applicable to the target resource (e.g., Allow), including potential ' +
  'extensions not defined by this specification.';
/** RFC 9110 §9.3.8 */
const TRACE_SENSITIVE =
  'The final recipient of the request SHOULD exclude any request fields that are likely to contain sensitive data ' +
  'when that recipient generates the response content.';
/** RFC 9110 §10.1.1 */
const EXPECT_OTHER =
  'A server that receives an Expect field value containing a member other than 100-continue MAY respond with a 417 ' +
  '(Expectation Failed) status code to indicate that the unexpected expectation cannot be met.';
/** RFC 9110 §10.1.1; the sentence goes on to list the two answers: "an immediate response with a
 * final status code, if that status can be determined by examining just the method, target URI, and
 * header fields; or an immediate 100 (Continue) response to encourage the client to send the request
 * content." */
const EXPECT_CONTINUE =
  'Upon receiving an HTTP/1.1 (or later) request that has a method, target URI, and complete header section that ' +
  'contains a 100-continue expectation and an indication that request content will follow, an origin server MUST ' +
  'send either:';
/** RFC 9110 §14.2 */
const RANGE_METHOD =
  'A server MUST ignore a Range header field received with a request method that is unrecognized or for which ' + 'range handling is not defined.';
/** RFC 9110 §14.2 */
const RANGE_EGREGIOUS =
  'A server that supports range requests MAY ignore or reject a Range header field that contains an invalid ' +
  'ranges-specifier ([range.specifiers]), a ranges-specifier with more than two overlapping ranges, or a set of many ' +
  'small ranges that are not listed in ascending order, since these are indications of either a broken client or a ' +
  'deliberate denial-of-service attack ([overlapping.ranges]).';
/** RFC 9110 §8.6 */
const NO_CL_IN_204 = 'A server MUST NOT send a Content-Length header field in any response with a status code of 1xx (Informational) or 204 (No Content).';
/** RFC 9112 §7.1.2 */
const TRAILER_NOT_MERGED =
  'A recipient MUST NOT merge a received trailer field into the header section unless its corresponding header field ' +
  'definition explicitly permits and instructs how the trailer field value can be safely merged.';

/** Causes of this family's own (causes.ts holds the shared ones). */
const CL_OWS = 'cl-ows';
const CHUNK_LINE_GRAMMAR = 'chunk-line-grammar';

const LAST_CHUNK = '0\r\n\r\n';
const WEBSOCKET_KEY = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==';

/** Each request on its own, in turn; on a new connection where the server closed the last one. */
function inTurn(...requests: string[]): RequestPlan {
  return { chunks: requests, responses: requests.length, awaitEachResponse: true, reconnect: true };
}

/** A first final answer, whatever its status (a 1xx may precede it), then the content after the
 * head was read as content: NEXT (style.css) is the second answer, or the server closed after the
 * first (RFC 9112 §9.3: read the content whole, or close). Needs the fixtures. */
function answeredThenNext(ex: Exchange, ctx: CheckContext): Verdict {
  const first = finalResponses(ex)[0];
  return all(verdict(first !== undefined, 'a final answer (any status)', first ? describeResponse(first) : describeExchange(ex)), nextOrClose(ex, ctx));
}

/** After a baseline request (the first answer), the request under test (the second) was answered
 * as it: same status, same body; then NEXT answered as style.css, or the connection closed. */
function answeredAsBaseline(ex: Exchange, ctx: CheckContext): Verdict {
  const [baseline, answer] = finalResponses(ex);
  const same = verdict(
    baseline !== undefined && answer !== undefined && answer.status === baseline.status && answer.body.equals(baseline.body),
    'second response: the status and body of the first (the same request, its length written plainly)',
    answer && baseline ? `${describeResponse(answer)}, where the plain request got ${describeResponse(baseline)}` : describeExchange(ex),
  );
  const then = oneOf({
    'then the request behind answered': all(statusAt(ex, 2, 200), bodyEquals(ex, 2, ctx.fixture('style.css'), 'style.css'), nothingMore(ex, 3)),
    'then closed': closedAfter(ex, 2),
  });
  return all(same, then);
}

/** Content-Length with OWS around its value: read as the value (RFC 9110 §5.5). POST on the bundled
 * index.html, after the same POST with a plain "Content-Length: 5" (the baseline): a server that
 * refuses POST refuses both alike, and one that reads the value wrongly answers differently or
 * reads the request behind as content. */
function clOws(slug: string, title: string, line: string): Check {
  const post = (field: string): string => request('POST', INDEX, ['Content-Type: text/plain', field]) + 'hello';
  return adversarial({
    slug,
    section: 'RFC 9110 §5.5',
    level: 'MUST',
    cause: CL_OWS,
    title,
    requirement: OWS_EXCLUDED,
    needs: 'fixtures',
    request: { chunks: [post('Content-Length: 5'), post(line) + NEXT], responses: 3, awaitEachResponse: true, reconnect: true },
    expect: answeredAsBaseline,
  });
}

/** CL 3 and a Transfer-Encoding that is chunked however spelled: rejected (400, or 501 for a coding
 * it does not understand), or read as chunked; closed either way (RFC 9112 §6.1). CL 3 ends inside
 * the chunked body, so a parser that ignores the odd Transfer-Encoding and frames by CL reads "0\r\n"
 * and answers the canary after "\r\n"; so does one that reads it as chunked and does not close. */
function clAndOddTe(slug: string, title: string, teLine: string): Check {
  return adversarial({
    slug,
    section: 'RFC 9112 §6.1',
    level: 'MUST',
    cause: CL_WITH_TE,
    title,
    requirement: CL_TE_CLOSE,
    needs: 'resource',
    request: (ctx) => thenCanary(get(resourcePath(ctx), 'Content-Length: 3', teLine) + LAST_CHUNK, CANARY),
    expect: (ex, ctx) => all(oneOf({ 'rejected (400 or 501)': status(ex, 400, 501), 'read as chunked': servedResource(ex, ctx) }), closedAfter(ex, 1)),
  });
}

/** A Transfer-Encoding whose value is not chunked, beside a Content-Length: 400 (or 501), then
 * close (RFC 9112 §6.3). A parser that ignores the Transfer-Encoding and frames by CL reads "hello"
 * and answers the canary. */
function notChunkedWithCl(slug: string, title: string, teLine: string): Check {
  return adversarial({
    slug,
    section: 'RFC 9112 §6.3',
    level: 'MUST',
    cause: TE_NOT_FINAL_CAUSE,
    title,
    requirement: TE_NOT_FINAL,
    needs: 'origin',
    request: thenCanary(get(INDEX, teLine, 'Content-Length: 5') + 'hello', CANARY),
    expect: (ex) => rejectedAndClosed(ex, 400, 501),
  });
}

/** A chunk line that does not match chunk = chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1, §7.1.1).
 * Both readings delimit the same chunk (the size is 5 either way), so this is the grammar's SHOULD
 * (§2.2): 400 and close. */
function badChunkLine(slug: string, title: string, chunks: string): Check {
  return adversarial({
    slug,
    section: 'RFC 9112 §2.2',
    level: 'SHOULD',
    cause: CHUNK_LINE_GRAMMAR,
    title,
    requirement: GRAMMAR,
    needs: 'origin',
    request: thenCanary(get(INDEX, 'Transfer-Encoding: chunked') + chunks, CANARY),
    expect: (ex) => rejectedAndClosed(ex, 400),
  });
}

/** A Host field value that is not uri-host [ ":" port ], or a second Host line: 400 (RFC 9112 §3.2). */
function hostRejected(slug: string, title: string, ...hostLines: string[]): Check {
  return adversarial({
    slug,
    section: 'RFC 9112 §3.2',
    level: 'MUST',
    cause: HOST_RULE_CAUSE,
    title,
    requirement: HOST_RULE,
    needs: 'origin',
    request: thenCanary(rawHead(...hostLines), CANARY),
    expect: (ex) => rejected(ex, 400),
  });
}

/** A request-line parsed on whitespace word boundaries (RFC 9112 §3, MAY) serves the resource; one
 * read by the grammar is invalid (§3.2: 400, or 301 to the target properly encoded). */
function wordBoundaries(slug: string, title: string, line: (path: string) => string): Check {
  return adversarial({
    slug,
    section: 'RFC 9112 §3',
    level: 'MAY',
    title,
    requirement: WORD_BOUNDARIES,
    needs: 'resource',
    request: (ctx) => `${line(resourcePath(ctx))}\r\nHost: ${HOST}\r\n\r\n`,
    expect: (ex, ctx) => oneOf({ 'parsed on whitespace': servedResource(ex, ctx), 'invalid request-line': invalidRequestLineAnswer(ex) }),
  });
}

/** 256 octets that open like a TLS ClientHello (handshake record, version 3.1), then bytes of a
 * fixed pseudo-random sequence, then an empty line: what a client that speaks TLS to the plain-text
 * port sends. The first line is not a request-line whatever the bytes are. */
function tlsLikeGarbage(): Buffer {
  const bytes = [0x16, 0x03, 0x01, 0x00, 0xfb];
  let x = 42;
  while (bytes.length < 256) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    bytes.push((x >> 16) & 0xff);
  }
  return Buffer.concat([Buffer.from(bytes), Buffer.from(`\r\n\r\n${CANARY}`, 'latin1')]);
}

/** No 1xx among the responses (a 101 would be a protocol switch). */
function noInterim(ex: Exchange): Verdict {
  const interim = ex.responses.filter((r) => r.status < 200);
  return verdict(interim.length === 0, 'no 1xx (no protocol switch)', interim.length ? `got ${interim.map((r) => r.status).join(', ')}` : 'none');
}

/** Every response (1xx included) with the given statuses carries no Content-Length; true when none
 * has them (the MUST NOT binds only such responses). */
function noContentLengthOn(ex: Exchange, isBound: (res: WireResponse) => boolean, label: string): Verdict {
  const bound = ex.responses.filter(isBound);
  const faults = bound.filter((r) => fieldValues(r, 'Content-Length').length > 0);
  const expected = `no Content-Length in a ${label} response (none given: not bound)`;
  if (bound.length === 0) return { ...verdict(finalResponses(ex).length > 0, expected, describeExchange(ex)), branch: `no ${label} given` };
  return {
    ...verdict(faults.length === 0, expected, faults.length ? faults.map(describeResponse).join('; ') : bound.map(describeResponse).join('; ')),
    branch: `${label} given`,
  };
}

/** How long the content of a request with Expect: 100-continue is held back: a server that waits
 * for it before answering answers only after this; one that answers at once, well before. */
const CONTINUE_HOLD_MS = 1000;

/** The first response (a 100, or a final status) came before the content was written; or the
 * server answered and closed before it could be. */
function answeredBeforeContent(ex: Exchange): Verdict {
  const first = ex.responses[0];
  const contentAt = ex.sentAtMs?.[1];
  const expected = 'a 100 (Continue) or a final status before the content is sent';
  if (!first || first.atMs === undefined) return verdict(false, expected, describeExchange(ex));
  const when = `${describeResponse(first)} at ${first.atMs} ms, ${contentAt === undefined ? 'the content never sent' : `the content sent at ${contentAt} ms`}`;
  return verdict(contentAt === undefined || first.atMs < contentAt, expected, when);
}

/** The secret a TRACE request carries, which the reflected message must not. */
const TRACE_SECRET = 'http-lab-secret-credential';

export const probeGapChecks: Check[] = [
  // --- The request-line (Http11Probe COMP-*, MAL-*) ---
  wordBoundaries('request-line-double-sp', 'GET<SP><SP>/… (two SP after the method): parsed on whitespace and served, or 400', (p) => `GET  ${p} HTTP/1.1`),
  wordBoundaries('request-line-htab', 'GET<HTAB>/… (an HTAB as separator): parsed on whitespace and served, or 400', (p) => `GET\t${p} HTTP/1.1`),
  adversarial({
    // A line of spaces is not a request-line. A parser on word boundaries ignoring preceding
    // whitespace finds an empty line, which §2.2 says to ignore before a request-line: it then
    // serves the request that follows. One that follows the grammar answers 400.
    slug: 'request-line-whitespace-only',
    section: 'RFC 9112 §3',
    level: 'MAY',
    title: 'A line of three SP before a valid request: ignored (the request served), or 400',
    requirement: WORD_BOUNDARIES,
    needs: 'resource',
    request: (ctx) => `   \r\n${get(resourcePath(ctx))}`,
    expect: (ex, ctx) => oneOf({ 'whitespace ignored': servedResource(ex, ctx), 'invalid request-line': invalidRequestLineAnswer(ex) }),
  }),
  invalidLine('request-line-missing-target', '"GET HTTP/1.1" (no request-target) is an invalid request-line: 400', 'GET HTTP/1.1'),
  invalidLine('version-missing-minor', 'HTTP/1 (no minor version) is an invalid request-line: 400', `GET ${INDEX} HTTP/1`),
  invalidLine('version-leading-zeros', 'HTTP/01.01 (one DIGIT each side of the dot) is an invalid request-line: 400', `GET ${INDEX} HTTP/01.01`),
  invalidLine('version-inner-space', '"HTTP/ 1.1" (a space inside the version) is an invalid request-line: 400', `GET ${INDEX} HTTP/ 1.1`),
  invalidLine(
    'target-non-ascii',
    'Raw UTF-8 in the target (/caf\\xc3\\xa9.html, not percent-encoded) is an invalid request-line: 400, or 301 to the encoded target',
    'GET /caf\xc3\xa9.html HTTP/1.1',
  ),
  invalidLine(
    'target-backslash',
    'A backslash in the target (/docs\\index.html) is an invalid request-line: 400, or 301 to the encoded target',
    'GET /docs\\index.html HTTP/1.1',
  ),
  adversarial({
    slug: 'tls-on-plain-port',
    section: 'RFC 9112 §2.2',
    level: 'SHOULD',
    title: '256 octets of a TLS ClientHello sent to the plain-text port: 400, then close; the request behind never answered',
    requirement: GRAMMAR,
    needs: 'origin',
    request: { chunks: [tlsLikeGarbage()], awaitClose: true },
    expect: (ex) => rejectedAndClosed(ex, 400),
  }),

  // --- Host (RFC 9112 §3.2) ---
  hostRejected('host-duplicate-same', 'Two Host lines with the same value: 400 (more than one line, whatever the values)', `Host: ${HOST}`, `Host: ${HOST}`),
  hostRejected('host-userinfo', `Host: user@${HOST} (userinfo is not part of uri-host): 400`, `Host: user@${HOST}`),
  hostRejected('host-with-path', `Host: ${HOST}/index.html (a path is not part of Host): 400`, `Host: ${HOST}/index.html`),
  hostRejected('host-list', `Host: ${HOST}, other.invalid (Host is not a list): 400`, `Host: ${HOST}, other.invalid`),

  // --- Field values ---
  clOws('cl-trailing-sp', 'Content-Length: "5 " (trailing OWS) is 5: answered as the plain POST, then the request behind', 'Content-Length: 5 '),
  clOws('cl-leading-double-sp', 'Content-Length: "  5" (two SP of OWS) is 5: answered as the plain POST, then the request behind', 'Content-Length:  5'),
  clOws('cl-leading-htab', 'Content-Length: "<HTAB>5" (HTAB is OWS) is 5: answered as the plain POST, then the request behind', 'Content-Length:\t5'),
  adversarial({
    // "Other CTL characters" than CR, LF and NUL (those are rfc9110/5.5/nul-in-value's and the bare
    // CR checks'): invalid, so a 400 is right; retained, the request is served.
    slug: 'ctl-in-value',
    section: 'RFC 9110 §5.5',
    level: 'MAY',
    title: 'BEL, BS and VT in a field value: retained (the resource served), or the request rejected with 400',
    requirement: OTHER_CTL,
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), 'X-Lab-Probe: a\x07\x08\x0bb'),
    expect: (ex, ctx) => oneOf({ retained: servedResource(ex, ctx), 'rejected (400)': status(ex, 400) }),
  }),
  tooLarge('field-name-64k', 'A 64 KiB field name: a 4xx (431 preferred) and nothing after it answered, or processed', [`X-${'A'.repeat(64 * 1024)}: 1`]),

  // --- Content-Length with a Transfer-Encoding that is still chunked (RFC 9112 §6.1) ---
  clAndOddTe(
    'cl-te-trailing-sp',
    'CL: 3 with "Transfer-Encoding: chunked " (trailing OWS): rejected or read as chunked, then close',
    'Transfer-Encoding: chunked ',
  ),
  clAndOddTe(
    'cl-te-htab-value',
    'CL: 3 with "Transfer-Encoding:<HTAB>chunked" (HTAB is OWS): rejected or read as chunked, then close',
    'Transfer-Encoding:\tchunked',
  ),
  clAndOddTe(
    'cl-te-name-uppercase',
    'CL: 3 with "TRANSFER-ENCODING: chunked" (names are case-insensitive): rejected or read as chunked, then close',
    'TRANSFER-ENCODING: chunked',
  ),
  clAndOddTe(
    'cl-te-trailing-comma',
    'CL: 3 with "Transfer-Encoding: chunked," (an empty list element): rejected or read as chunked, then close',
    'Transfer-Encoding: chunked,',
  ),
  clAndOddTe(
    'cl-te-chunked-param',
    'CL: 3 with "Transfer-Encoding: chunked;ext=val" (a parameter): rejected or read as chunked, then close',
    'Transfer-Encoding: chunked;ext=val',
  ),
  adversarial({
    // A NUL replaced with SP leaves "chunked " (trailing OWS): chunked, beside a CL, so the close
    // of §6.1 follows. Rejected, the CL 3 content is never read as a request either.
    slug: 'te-nul',
    section: 'RFC 9110 §5.5',
    level: 'MUST',
    title: 'CL: 3 with "Transfer-Encoding: chunked\\x00": rejected (400), or the NUL read as SP and the content as chunked, then close',
    requirement: CR_LF_NUL,
    needs: 'resource',
    request: (ctx) => thenCanary(get(resourcePath(ctx), 'Content-Length: 3', 'Transfer-Encoding: chunked\x00') + LAST_CHUNK, CANARY),
    expect: (ex, ctx) =>
      oneOf({
        'rejected (400 or 501)': rejected(ex, 400, 501),
        'NUL read as SP, read as chunked, then closed': all(servedResource(ex, ctx), closedAfter(ex, 1)),
      }),
  }),
  // Unfolded (RFC 9112 §5.2 allows it), "Transfer-Encoding:" and " chunked" are chunked beside a
  // CL, and the close follows; a 400 for the obs-fold is a rejection like any other.
  clAndOddTe(
    'cl-te-obs-fold',
    'CL: 3 with "Transfer-Encoding:" folded onto " chunked" (obs-fold): rejected, or unfolded and read as chunked, then close',
    'Transfer-Encoding:\r\n chunked',
  ),

  // --- A Transfer-Encoding that is not chunked, beside a Content-Length (RFC 9112 §6.3) ---
  // Transfer-Encoding = #transfer-coding: an empty list is present, and chunked is not its final
  // coding.
  notChunkedWithCl('te-empty-value', 'An empty Transfer-Encoding with CL: 5: 400 (or 501), then close; never framed by CL', 'Transfer-Encoding: '),
  notChunkedWithCl(
    'te-form-feed',
    'TE: \\x0cchunked (FF is not whitespace) with CL: 5: 400 (or 501), then close; never framed by CL',
    'Transfer-Encoding: \x0cchunked',
  ),

  // --- Underscores in framing field names ---
  adversarial({
    slug: 'cl-underscore-name-not-framing',
    section: 'RFC 9112 §2.2',
    level: 'security',
    cause: UNDERSCORE_FOLDED,
    rationale:
      'Content_Length is a field of its own (a token may hold "_"), so the request has no content and the bytes after ' +
      'its head are the next request. A server that folds "_" into "-", as CGI-style header maps do (HTTP_CONTENT_LENGTH), ' +
      'takes them for content that a conformant front end passed on as a request: the "underjoin" smuggling technique, ' +
      'the reason nginx ignores field names with underscores by default (underscores_in_headers off).',
    title: 'Content_Length: N never frames content: the request after the head is answered as itself (or the server closes)',
    requirement: GRAMMAR,
    needs: 'fixtures',
    request: thenCanary(get(INDEX, `Content_Length: ${NEXT.length}`), NEXT),
    expect: (ex, ctx) => oneOf({ 'another field: the request behind answered': servedThenNext(ex, ctx), 'rejected (400)': rejected(ex, 400) }),
  }),

  // --- Chunked bodies ---
  chunked(
    'chunked-empty',
    'RFC 9112 §7.1',
    'POST with a chunked body of the last chunk alone (0): answered as without content, then the request behind it',
    LAST_CHUNK,
  ),
  adversarial({
    // The empty line that ends a trailer section ends a field section, as the one after a head
    // does: RFC 9112 §2.2 lets a recipient take a bare LF there (rfc9112/2.2/bare-lf-empty-line is
    // the same choice for the head). A bare LF inside a chunk line is another matter: the
    // bare-lf-in-chunked checks (security) refuse it.
    slug: 'trailer-end-bare-lf',
    section: 'RFC 9112 §2.2',
    level: 'MAY',
    title: 'A chunked body whose trailer section ends in a bare LF (0\\r\\n\\n): accepted, then the request behind answered; or 400 and nothing more',
    requirement: BARE_LF,
    needs: 'fixtures',
    request: thenCanary(get(INDEX, 'Transfer-Encoding: chunked') + '5\r\nhello\r\n0\r\n\n', NEXT),
    expect: (ex, ctx) => oneOf({ 'LF accepted as the end of the trailer section': servedThenNext(ex, ctx), 'rejected (400)': rejected(ex, 400) }),
  }),
  badChunkLine('chunk-ext-no-name', 'A chunk-size line "5;" (";" without an extension name): 400, then close', `5;\r\nhello\r\n${LAST_CHUNK}`),
  badChunkLine('chunk-ext-not-token', 'A chunk extension "bad[=x" (not a token): 400, then close', `5;bad[=x\r\nhello\r\n${LAST_CHUNK}`),
  badChunkLine('chunk-ext-nul', 'A NUL in a chunk extension (5;\\x00ext): 400, then close', `5;\x00ext\r\nhello\r\n${LAST_CHUNK}`),
  badChunkLine('chunk-size-trailing-sp', 'A chunk size followed by SP and no extension ("5 "): 400, then close', `5 \r\nhello\r\n${LAST_CHUNK}`),
  adversarial({
    // The trailer names framing fields and Host. Merged, a Content-Length as long as the request
    // behind swallows it, and a Transfer-Encoding makes it a chunk-size line (a 400); kept apart or
    // dropped, as the MUST NOT requires, they change nothing.
    slug: 'trailer-framing-not-merged',
    section: 'RFC 9112 §7.1.2',
    level: 'MUST',
    title: 'Content-Length, Transfer-Encoding and Host in a trailer section change nothing: the request behind is answered (or the server closes)',
    requirement: TRAILER_NOT_MERGED,
    needs: 'fixtures',
    request: thenCanary(
      request('POST', INDEX, ['Content-Type: text/plain', 'Transfer-Encoding: chunked']) +
        `5\r\nhello\r\n0\r\nContent-Length: ${NEXT.length}\r\nTransfer-Encoding: chunked\r\nHost: other.invalid\r\n\r\n`,
      NEXT,
    ),
    expect: answeredThenNext,
  }),

  // --- Content where a server might not look for it (RFC 9112 §9.3) ---
  adversarial({
    slug: 'head-content-read',
    section: 'RFC 9112 §9.3',
    level: 'MUST',
    title: 'HEAD with Content-Length: 5 and "hello": the content read (whatever the answer), then the request behind answered, or closed',
    requirement: READ_BODY_OR_CLOSE,
    needs: 'fixtures',
    request: { chunks: [request('HEAD', INDEX, ['Content-Length: 5']) + 'hello' + NEXT], awaitClose: true, headIndexes: [0] },
    expect: answeredThenNext,
  }),
  adversarial({
    slug: 'options-content-read',
    section: 'RFC 9112 §9.3',
    level: 'MUST',
    title: 'OPTIONS with Content-Length: 5 and "hello": the content read (whatever the answer), then the request behind answered, or closed',
    requirement: READ_BODY_OR_CLOSE,
    needs: 'fixtures',
    request: thenCanary(request('OPTIONS', INDEX, ['Content-Type: text/plain', 'Content-Length: 5']) + 'hello', NEXT),
    expect: answeredThenNext,
  }),
  adversarial({
    // RFC 9110 §10.1.1: "A server MAY omit sending a 100 (Continue) response if it has already
    // received some or all of the content". A server that answers 417 (or 405) at once must still
    // read the content or close.
    slug: 'expect-continue-content-sent',
    section: 'RFC 9112 §9.3',
    level: 'MUST',
    title: 'POST with Expect: 100-continue and its content sent at once: the content read (whatever the answer), then the request behind, or closed',
    requirement: READ_BODY_OR_CLOSE,
    needs: 'fixtures',
    request: thenCanary(request('POST', INDEX, ['Content-Type: text/plain', 'Content-Length: 5', 'Expect: 100-continue']) + 'hello', NEXT),
    expect: answeredThenNext,
  }),
  adversarial({
    // Timed: the content is written CONTINUE_HOLD_MS after the head, and the first response must
    // come before it. A server that waits for the content first sends the same bytes as one that
    // does not, only later.
    slug: 'expect-continue-not-waiting',
    section: 'RFC 9110 §10.1.1',
    level: 'MUST',
    title: 'POST with Expect: 100-continue, its content held back 1 s: a 100 (Continue) or a final status comes before the content is sent',
    requirement: EXPECT_CONTINUE,
    needs: 'fixtures',
    request: {
      chunks: [request('POST', INDEX, ['Content-Type: text/plain', 'Content-Length: 5', 'Expect: 100-continue']), 'hello'],
      delayMs: CONTINUE_HOLD_MS,
    },
    expect: answeredBeforeContent,
  }),
  adversarial({
    // Neither Content-Length nor Transfer-Encoding: the content is empty, and the bytes after the
    // head are the next request. A server that waits for content, or takes those bytes for it,
    // never answers that request.
    slug: 'post-without-length',
    section: REQUEST_WITHOUT_LENGTH.section,
    level: 'robustness',
    title: 'POST with neither Content-Length nor Transfer-Encoding has no content: answered, then the request behind (or closed)',
    requirement: REQUEST_WITHOUT_LENGTH.text,
    needs: 'fixtures',
    request: thenCanary(request('POST', INDEX), NEXT),
    expect: answeredThenNext,
  }),

  // --- Methods and expectations ---
  adversarial({
    slug: 'upgrade-http10-ignored',
    section: 'RFC 9110 §7.8',
    level: 'MUST',
    title: 'An HTTP/1.0 GET with Connection: Upgrade and Upgrade: websocket is answered as a plain GET: served, no 101',
    requirement: UPGRADE_HTTP10,
    needs: 'resource',
    request: (ctx) =>
      request('GET', resourcePath(ctx), [`Host: ${HOST}`, 'Connection: Upgrade', 'Upgrade: websocket', WEBSOCKET_KEY, 'Sec-WebSocket-Version: 13'], 'HTTP/1.0'),
    expect: (ex, ctx) => all(noInterim(ex), servedResource(ex, ctx)),
  }),
  adversarial({
    slug: 'connect-empty-port',
    section: 'RFC 9110 §9.3.6',
    level: 'MUST',
    title: `CONNECT ${HOST}: (an empty port) is rejected: any status but a 2xx (a tunnel), or a close without one`,
    requirement: CONNECT_PORT,
    needs: 'origin',
    // No canary: once a CONNECT is refused the connection is no tunnel, and what follows is a request.
    request: `CONNECT ${HOST}: HTTP/1.1\r\nHost: ${HOST}:\r\n\r\n`,
    // "Typically" 400: the status is not prescribed. What accepts a CONNECT is a 2xx.
    expect: (ex) =>
      oneOf({
        'refused (a status of 300 or more)': statusIn(ex, 300, 599, 'a status of 300 or more'),
        'closed without an answer': verdict(finalResponses(ex).length === 0 && ex.closed, 'no answer, then a close', describeExchange(ex)),
      }),
  }),
  adversarial({
    // An origin server "MAY accept a CONNECT request, but most origin servers do not implement
    // CONNECT" (RFC 9110 §9.3.6): then it is a method not implemented, 501. A 405 (implemented,
    // not allowed here) says no as clearly; anything else warns.
    slug: 'connect-not-implemented',
    section: 'RFC 9110 §9.1',
    level: 'SHOULD',
    title: `CONNECT ${HOST}:443 to a static origin: 501 (or 405), never a tunnel (2xx)`,
    requirement: UNKNOWN_METHOD,
    needs: 'origin',
    request: `CONNECT ${HOST}:443 HTTP/1.1\r\nHost: ${HOST}:443\r\n\r\n`,
    expect: (ex) => oneOf({ 'not implemented (501)': status(ex, 501), 'not allowed (405)': status(ex, 405) }),
  }),
  adversarial({
    slug: 'expect-unknown',
    section: 'RFC 9110 §10.1.1',
    level: 'MAY',
    title: 'Expect: 200-ok (not 100-continue) on a GET: 417, or ignored and the resource served',
    requirement: EXPECT_OTHER,
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), 'Expect: 200-ok'),
    expect: (ex, ctx) => oneOf({ 'expectation failed (417)': status(ex, 417), 'ignored and served': servedResource(ex, ctx) }),
  }),
  adversarial({
    // TRACE reflects the request (SHOULD, for a server that implements it); a static server may
    // refuse it (405, 501). What the reflection must not hold is the credential.
    slug: 'trace-credentials',
    section: 'RFC 9110 §9.3.8',
    level: 'SHOULD',
    title: 'TRACE with an Authorization field: refused, or reflected without the credential',
    requirement: TRACE_SENSITIVE,
    needs: 'origin',
    request: request('TRACE', INDEX, [`Authorization: Bearer ${TRACE_SECRET}`]),
    expect: (ex) => {
      const res = finalResponses(ex)[0];
      return oneOf({
        'refused (3xx-5xx)': statusIn(ex, 300, 599, 'a status of 300 or more'),
        'reflected without the credential': all(
          statusIn(ex, 200, 299, 'a 2xx'),
          verdict(
            res !== undefined && !res.body.includes(TRACE_SECRET),
            'a body without the Authorization value',
            res ? describeResponse(res) : describeExchange(ex),
          ),
        ),
      });
    },
  }),
  adversarial({
    slug: 'options-allow',
    section: 'RFC 9110 §9.3.7',
    level: 'SHOULD',
    title: 'OPTIONS on the resource: a 2xx with Allow, a 405 with Allow, or 501',
    requirement: OPTIONS_FEATURES,
    needs: 'resource',
    request: (ctx) => request('OPTIONS', resourcePath(ctx)),
    expect: (ex) => {
      const allow = (): Verdict => header(ex, 'Allow', 'an Allow field', (v) => v.length > 0);
      return oneOf({
        'answered (2xx) with Allow': all(statusIn(ex, 200, 299, 'a 2xx'), allow()),
        '405 with Allow': all(status(ex, 405), allow()),
        'not implemented (501)': status(ex, 501),
      });
    },
  }),
  adversarial({
    // The MUST NOT binds only a 1xx or 204: a server that answers OPTIONS with 200, 405 or 501 is
    // not bound, and passes.
    slug: 'no-content-length-in-204',
    section: 'RFC 9110 §8.6',
    level: 'MUST',
    title: 'OPTIONS on the resource and OPTIONS *: any 204 (or 1xx) among the answers carries no Content-Length',
    requirement: NO_CL_IN_204,
    needs: 'resource',
    request: (ctx) => inTurn(request('OPTIONS', resourcePath(ctx)), request('OPTIONS', '*')),
    expect: (ex) => noContentLengthOn(ex, (r) => r.status === 204 || r.status < 200, '204 or 1xx'),
  }),

  // --- Ranges (RFC 9110 §14.2) ---
  adversarial({
    // POST on the bundled index.html (never a user's resource), then FOO, an unknown method.
    slug: 'range-on-post',
    section: 'RFC 9110 §14.2',
    level: 'MUST',
    cause: RANGE_METHOD_CAUSE,
    title: 'Range: bytes=0-4 on POST and on an unknown method (FOO) is ignored: no 206',
    requirement: RANGE_METHOD,
    needs: 'fixtures',
    request: inTurn(
      request('POST', INDEX, ['Content-Type: text/plain', 'Content-Length: 5', 'Range: bytes=0-4']) + 'hello',
      request('FOO', INDEX, ['Range: bytes=0-4']),
    ),
    expect: (ex) => {
      const answers = finalResponses(ex);
      const partial = answers.filter((r) => r.status === 206);
      return verdict(
        answers.length === 2 && partial.length === 0,
        'two answers, neither a 206',
        answers.length === 2 ? answers.map(describeResponse).join(' → ') : describeExchange(ex),
      );
    },
  }),
  adversarial({
    slug: 'range-invalid',
    section: 'RFC 9110 §14.2',
    level: 'MAY',
    title: 'Range: bytes=abc-xyz (not a ranges-specifier): ignored (200, the whole resource), or rejected (416 or 400); never a 206',
    requirement: RANGE_EGREGIOUS,
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), 'Range: bytes=abc-xyz'),
    expect: (ex, ctx) => oneOf({ 'ignored (200)': servedResource(ex, ctx), 'rejected (416 or 400)': status(ex, 416, 400) }),
  }),
  adversarial({
    // What is required is an answer, whole and parsable: ignoring, coalescing or rejecting the 1,000
    // ranges are all allowed, and so is sending every part (at a cost the RFC warns of).
    slug: 'range-overlapping',
    section: 'RFC 9110 §14.2',
    level: 'robustness',
    title: '1,000 overlapping ranges (bytes=0-,0-,…): answered whole: ignored (200), served (206) or rejected (416, 400, 431)',
    requirement: RANGE_EGREGIOUS,
    needs: 'resource',
    offers: ['ranges'],
    request: (ctx) => get(resourcePath(ctx), `Range: bytes=${Array.from({ length: 1000 }, () => '0-').join(',')}`),
    expect: (ex, ctx) =>
      oneOf({
        'ignored (200)': all(status(ex, 200), bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx))),
        'ranges served (206)': status(ex, 206),
        'rejected (416, 400 or 431)': status(ex, 416, 400, 431),
      }),
  }),

  // --- Responses that would carry request bytes into their head ---
  adversarial({
    // A decoded %0d%0a written into a field (a Location built from the path or the query) makes two
    // field lines of one: the response head no longer matches field-line.
    slug: 'no-crlf-from-target',
    section: 'RFC 9110 §2.2',
    level: 'MUST',
    title: 'Targets holding %0d%0a (in the path; in the query of a folder that redirects): no response gains a field X-Lab-Injected',
    requirement: SENDER_GRAMMAR,
    needs: 'fixtures',
    request: inTurn(get('/%0d%0aX-Lab-Injected:%201'), get('/docs?x=%0d%0aX-Lab-Injected:%201')),
    expect: (ex) => {
      const injected = ex.responses.filter((r) => fieldValues(r, 'X-Lab-Injected').length > 0);
      return all(
        verdict(finalResponses(ex).length === 2 && ex.parseError === undefined, 'two parsable answers', describeExchange(ex)),
        verdict(
          injected.length === 0,
          'no field X-Lab-Injected',
          injected.length
            ? injected.map((r) => `${describeResponse(r)} and X-Lab-Injected: ${fieldValues(r, 'X-Lab-Injected').join(', ')}`).join('; ')
            : 'none',
        ),
      );
    },
  }),
];
