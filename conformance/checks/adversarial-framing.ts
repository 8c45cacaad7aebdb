// Adversarial framing: Content-Length and Transfer-Encoding together, obfuscated or unknown codings,
// invalid and overflowing lengths, bad chunk lines, and content that is itself a request
// (adversarial.md rows 1-12, 35-38, 40, 43). Framing.ts holds the plain cases (two different
// lengths, "abc", "-1", 2^64, "5, 5", CL+TE, "chunked, gzip", HTTP/1.0 with TE); these are the
// variants that a lenient or naive parser reads differently from a strict one.
//
// Each body is built so that every wrong reading answers the canary or a request that should have
// been content, and every allowed reading (each a oneOf branch) does not: a parser that reads
// "+5" as 5, "1_0" as 10 or a wrapped 2^64+5 as 5 reads exactly the bytes given and then answers
// the canary. No wrong reading waits for bytes that never come, so a wrong server fails rather than
// timing out.
import type { Check, CheckContext, Exchange, Verdict } from '../types.js';
import { all, bodyEquals, closedAfter, oneOf, status, statusAt } from '../verifiers.js';
import {
  CANARY,
  CL_INVALID,
  BARE_CR,
  CL_TE_CLOSE,
  GRAMMAR,
  HTTP10_TE,
  INDEX,
  LARGE_DECIMAL,
  LARGE_HEX,
  NEXT,
  READ_BODY_OR_CLOSE,
  TE_NOT_FINAL,
  UNKNOWN_CODING,
  UNRECOVERABLE,
  WS_BEFORE_COLON,
  adversarial,
  get,
  neverFramed,
  nextOrClose,
  nothingMore,
  overflowRefusedOrClosed,
  rejected,
  rejectedAndClosed,
  servedIndex,
  servedResource,
  servedThenNext,
  statusIn,
  thenCanary,
} from './adversarial-support.js';
import {
  BARE_CR_CAUSE,
  BARE_LF_IN_CHUNKED,
  CHUNK_SIZE_INVALID,
  CHUNK_SIZE_OVERFLOW,
  CL_CONFLICT,
  CL_INVALID_CAUSE,
  CL_OVERFLOW,
  CL_WITH_TE,
  CONTENT_AS_REQUEST,
  TE_CHUNKED_SPELLING,
  TE_IN_HTTP10,
  TE_NOT_FINAL_CAUSE,
  UNDERSCORE_FOLDED,
  WS_BEFORE_COLON_CAUSE,
} from './causes.js';
import { resourcePath } from './resource.js';

const LAST_CHUNK = '0\r\n\r\n';
const HELLO_CHUNKED = '5\r\nhello\r\n0\r\n\r\n';
/** 400 names §6.3 (chunked not final); 501 names §6.1 (a coding not understood): both reject. */
const TE_REJECT = [400, 501];

/** CL and TE together: rejected, or read by Transfer-Encoding alone; closed either way (§6.1). The
 * "read by Transfer-Encoding" branch serves the request: it needs the resource. */
function clAndTe(slug: string, title: string, fields: string[], body: string): Check {
  return adversarial({
    slug,
    section: 'RFC 9112 §6.1',
    level: 'MUST',
    cause: CL_WITH_TE,
    title,
    requirement: CL_TE_CLOSE,
    needs: 'resource',
    request: (ctx) => thenCanary(get(resourcePath(ctx), ...fields) + body, CANARY),
    expect: (ex, ctx) => all(oneOf({ 'rejected (400)': status(ex, 400), 'read by Transfer-Encoding': servedResource(ex, ctx) }), closedAfter(ex, 1)),
  });
}

/** A Transfer-Encoding whose final coding is not chunked: 400 (or 501), then close (§6.3). */
function notChunked(slug: string, title: string, fields: string[]): Check {
  return adversarial({
    slug,
    section: 'RFC 9112 §6.3',
    level: 'MUST',
    cause: TE_NOT_FINAL_CAUSE,
    title,
    requirement: TE_NOT_FINAL,
    needs: 'origin',
    request: thenCanary(get(INDEX, ...fields) + LAST_CHUNK, CANARY),
    expect: (ex) => rejectedAndClosed(ex, ...TE_REJECT),
  });
}

/** The content is read whole, or the connection closes after the response (§9.3). Judged on the
 * bundled index.html and style.css (NEXT): a check that uses it needs the fixtures. A server may
 * also refuse the request and still read its content whole: NEXT is then answered as itself, and a
 * content read as a request would have been answered before it (a 400 for "5", or the canary). */
export function bodyReadOrClosed(ex: Exchange, ctx: CheckContext): Verdict {
  return oneOf({
    'content read, next request answered': all(servedIndex(ex, ctx), statusAt(ex, 1, 200), nextOrClose(ex, ctx)),
    'answered, then closed': all(servedIndex(ex, ctx), closedAfter(ex, 1)),
    'rejected, then closed': all(statusIn(ex, 400, 599, 'a 4xx or 5xx status'), closedAfter(ex, 1)),
    'rejected, content read, next request answered': all(
      statusIn(ex, 400, 599, 'a 4xx or 5xx status'),
      statusAt(ex, 1, 200),
      bodyEquals(ex, 1, ctx.fixture('style.css'), 'style.css'),
      nothingMore(ex, 2),
    ),
  });
}

/** A Transfer-Encoding that frames the content as chunked, however odd: the chunked content is
 * read whole, or the server closes. Never is it read as a request. */
function chunkedFraming(slug: string, title: string, fields: string[]): Check {
  return adversarial({
    slug,
    section: 'RFC 9112 §9.3',
    level: 'MUST',
    cause: TE_CHUNKED_SPELLING,
    title,
    requirement: READ_BODY_OR_CLOSE,
    needs: 'fixtures',
    request: thenCanary(get(INDEX, ...fields) + HELLO_CHUNKED, NEXT),
    expect: bodyReadOrClosed,
  });
}

/** An invalid Content-Length: 400, then close (§6.3). `body` is what the most lenient reading of
 * the value would take, so that such a reading answers the canary. */
function badLength(slug: string, title: string, fields: string[], body: string, cause = CL_INVALID_CAUSE): Check {
  return adversarial({
    slug,
    section: 'RFC 9112 §6.3',
    level: 'MUST',
    cause,
    title,
    requirement: UNRECOVERABLE,
    needs: 'origin',
    request: thenCanary(get(INDEX, ...fields) + body, CANARY),
    expect: (ex) => rejectedAndClosed(ex, 400),
  });
}

/** A chunked body that cannot be decoded: the server cannot read it whole, so it closes after its
 * response (§9.3), preferably a 400 (§2.2); a response sent before the content was read is
 * allowed too. That branch serves the request: it needs the resource.
 *
 * Which bytes cannot be decoded is the grammar's (§7.1: chunk-size = 1*HEXDIG, lines end in CRLF),
 * and the grammar carries no keyword: these checks are level security, each with its rationale. */
function badChunks(slug: string, title: string, chunks: string, cause: string, rationale: string): Check {
  return adversarial({
    slug,
    section: 'RFC 9112 §9.3',
    level: 'security',
    cause,
    rationale,
    title,
    requirement: READ_BODY_OR_CLOSE,
    needs: 'resource',
    request: (ctx) => thenCanary(get(resourcePath(ctx), 'Transfer-Encoding: chunked') + chunks, CANARY),
    expect: undecodableChunks,
  });
}

function undecodableChunks(ex: Exchange, ctx: CheckContext): Verdict {
  return all(
    oneOf({
      'rejected (4xx)': statusIn(ex, 400, 499, 'a 4xx status'),
      'answered before the content': servedResource(ex, ctx),
    }),
    closedAfter(ex, 1),
  );
}

/** Why a bare LF inside chunked content is a security check. */
const BARE_LF_RATIONALE =
  'RFC 9112 §2.2 lets a recipient take a bare LF as a line end in the start-line and fields only; the chunked ' +
  'coding (§7.1) has CRLF alone. Erratum 7633, which proposed bare LF there too, was rejected. A server that ends a ' +
  'chunk line at a bare LF, behind one that reads it as part of a chunk-ext, lets a request be smuggled: Go fixed ' +
  'this as CVE-2025-22871 (golang/go#71988) and nginx disabled bare LF in chunked bodies in 2025 (nginx/nginx#1016).';
/** Why chunk-size junk is a security check. */
const CHUNK_SIZE_RATIONALE =
  'chunk-size = 1*HEXDIG (RFC 9112 §7.1) is grammar without a keyword. A parser that reads "0x5", "+5", " 5", ' +
  '"-0", "0_2e", "Z" or an empty line as a size ends the content elsewhere than one that rejects it, and the bytes ' +
  'between are a request to one and content to the other: HTTP Garden (kenballus/http-garden) found each of these ' +
  'readings in deployed servers, the discrepancy behind CVE-2025-22871.';
/** Why chunk data not followed by CRLF is a security check. */
const CHUNK_DATA_CRLF_RATIONALE =
  'chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF (RFC 9112 §7.1): a parser that skips whatever follows ' +
  "the chunk-data instead of requiring CRLF takes the next chunk's size from other bytes than a strict one, the " +
  'chunk-boundary discrepancy HTTP Garden (kenballus/http-garden) lists among its request-smuggling classes.';

/** A number too large for any integer type: refused (400 or 413), then close. */
/** A number too large for any integer type: refused (400 or 413), or answered without the content
 * being read; then close either way. */
function tooLarge(slug: string, section: 'RFC 9110 §8.6' | 'RFC 9112 §7.1', title: string, bytes: string): Check {
  return adversarial({
    slug,
    section,
    level: 'MUST',
    cause: section === 'RFC 9110 §8.6' ? CL_OVERFLOW : CHUNK_SIZE_OVERFLOW,
    title,
    requirement: section === 'RFC 9110 §8.6' ? LARGE_DECIMAL : LARGE_HEX,
    needs: 'origin',
    request: thenCanary(bytes, CANARY),
    expect: overflowRefusedOrClosed,
  });
}

/** Content that is itself a request, then a real request: the content is read and dropped (the
 * real one is answered second), or the server closes; the content is never answered. */
function contentIsRequest(slug: string, title: string, head: string, content: string, delayMs?: number): Check {
  return adversarial({
    slug,
    section: 'RFC 9112 §9.3',
    level: 'MUST',
    cause: CONTENT_AS_REQUEST,
    title,
    requirement: READ_BODY_OR_CLOSE,
    needs: 'fixtures',
    request: {
      chunks: delayMs === undefined ? [head + content + NEXT] : [head, content + NEXT],
      ...(delayMs === undefined ? {} : { delayMs }),
      awaitClose: true,
    },
    expect: bodyReadOrClosed,
  });
}

const canaryChunked = `${CANARY.length.toString(16)}\r\n${CANARY}\r\n${LAST_CHUNK}`;
const canaryAndLast = LAST_CHUNK + CANARY;

export const adversarialFramingChecks: Check[] = [
  // --- Content-Length with Transfer-Encoding (RFC 9112 §6.1) ---
  // CL 3 ends the content inside the chunked body: a CL reader sees "\r\n" + canary and answers it.
  clAndTe(
    'cl-te-cl-shorter',
    'CL: 3 with TE: chunked (CL.TE): rejected or read as chunked, then close',
    ['Content-Length: 3', 'Transfer-Encoding: chunked'],
    LAST_CHUNK,
  ),
  // TE first, then a CL that covers the canary: a CL reader swallows it, a TE reader must close.
  clAndTe(
    'te-cl-cl-longer',
    'TE: chunked then a CL covering the canary (TE.CL): rejected or read as chunked, then close',
    ['Transfer-Encoding: chunked', `Content-Length: ${canaryAndLast.length}`],
    LAST_CHUNK,
  ),
  clAndTe(
    'cl-zero-te-chunked',
    'CL: 0 with TE: chunked and a 5-byte chunk: rejected or read as chunked, then close',
    ['Content-Length: 0', 'Transfer-Encoding: chunked'],
    HELLO_CHUNKED,
  ),
  adversarial({
    // "identity" is no longer a registered coding: a server that reads it as "no coding" and
    // falls back to CL reads "hello" and answers the canary.
    slug: 'cl-te-identity',
    section: 'RFC 9112 §6.1',
    level: 'MUST',
    cause: CL_WITH_TE,
    title: 'CL: 5 with TE: identity: rejected (400 or 501), then close; never framed by CL',
    requirement: CL_TE_CLOSE,
    needs: 'origin',
    request: thenCanary(get(INDEX, 'Content-Length: 5', 'Transfer-Encoding: identity') + 'hello', CANARY),
    expect: (ex) => rejectedAndClosed(ex, ...TE_REJECT),
  }),
  adversarial({
    slug: 'te-http10-keep-alive',
    section: 'RFC 9112 §6.1',
    level: 'MUST',
    cause: TE_IN_HTTP10,
    title: 'HTTP/1.0 keep-alive request with TE: chunked: answered, then closed despite keep-alive',
    requirement: HTTP10_TE,
    // Any response will do, a 404 included: the verdict is the close after it.
    needs: 'origin',
    request: thenCanary(`GET ${INDEX} HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n${LAST_CHUNK}`, CANARY),
    expect: (ex) => closedAfter(ex, 1),
  }),
  adversarial({
    slug: 'cl-te-http10-keep-alive',
    section: 'RFC 9112 §6.1',
    level: 'MUST',
    cause: TE_IN_HTTP10,
    title: 'HTTP/1.0 keep-alive request with CL and TE: answered, then closed despite keep-alive',
    requirement: HTTP10_TE,
    // Any response will do, a 404 included: the verdict is the close after it.
    needs: 'origin',
    request: thenCanary(`GET ${INDEX} HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n${LAST_CHUNK}`, CANARY),
    expect: (ex) => closedAfter(ex, 1),
  }),

  // --- Transfer-Encoding that is not chunked (RFC 9112 §6.3) ---
  notChunked('te-unknown', 'TE: blegh (unknown coding): rejected (400 or 501), then close', ['Transfer-Encoding: blegh']),
  notChunked('te-chunk-truncated', 'TE: chunk (not chunked): rejected (400 or 501), then close', ['Transfer-Encoding: chunk']),
  notChunked('te-quoted', 'TE: "chunked" (quoted, not a token): rejected (400 or 501), then close', ['Transfer-Encoding: "chunked"']),
  notChunked('te-vertical-tab', 'TE: \\x0bchunked (VT is not whitespace): rejected (400 or 501), then close', ['Transfer-Encoding: \x0bchunked']),
  notChunked('te-nbsp', 'TE: \\xa0chunked (0xA0 is not whitespace): rejected (400 or 501), then close', ['Transfer-Encoding: \xa0chunked']),
  notChunked('te-second-line-not-chunked', 'TE: chunked, then a TE: blegh line (chunked not final): rejected, then close', [
    'Transfer-Encoding: chunked',
    'Transfer-Encoding: blegh',
  ]),

  // --- Transfer-Encoding that still frames the content as chunked (RFC 9112 §9.3) ---
  chunkedFraming('te-gzip-chunked', 'TE: gzip, chunked: the chunked content read whole, or rejected and closed', ['Transfer-Encoding: gzip, chunked']),
  chunkedFraming('te-chunked-twice', 'TE: chunked, chunked: the chunked content read whole, or rejected and closed', ['Transfer-Encoding: chunked, chunked']),
  chunkedFraming('te-chunked-two-lines', 'Two TE: chunked lines: the chunked content read whole, or rejected and closed', [
    'Transfer-Encoding: chunked',
    'Transfer-Encoding: chunked',
  ]),
  // RFC 9110 §5.6.1.2: empty list elements are ignored, so ",chunked" is chunked.
  chunkedFraming('te-empty-list-element', 'TE: ,chunked: read as chunked (empty elements are ignored), or rejected and closed', [
    'Transfer-Encoding: ,chunked',
  ]),
  // Transfer-coding names are case-insensitive (RFC 9112 §7).
  chunkedFraming('te-chunked-uppercase', 'TE: CHUNKED: read as chunked (codings are case-insensitive), or rejected and closed', ['Transfer-Encoding: CHUNKED']),
  adversarial({
    slug: 'te-unknown-coding-501',
    section: 'RFC 9112 §6.1',
    level: 'SHOULD',
    required: false,
    title: 'TE: blegh, chunked (a coding the server does not understand) is answered 501',
    requirement: UNKNOWN_CODING,
    needs: 'origin',
    request: thenCanary(get(INDEX, 'Transfer-Encoding: blegh, chunked') + HELLO_CHUNKED, CANARY),
    expect: (ex) => status(ex, 501),
  }),
  adversarial({
    slug: 'te-ws-before-colon',
    section: 'RFC 9112 §5.1',
    level: 'MUST',
    cause: WS_BEFORE_COLON_CAUSE,
    title: '"Transfer-Encoding : chunked" (space before the colon): 400, and nothing after it answered',
    requirement: WS_BEFORE_COLON,
    needs: 'origin',
    request: thenCanary(get(INDEX, 'Transfer-Encoding : chunked') + LAST_CHUNK, CANARY),
    expect: (ex) => rejected(ex, 400),
  }),
  adversarial({
    // "Transfer_Encoding" is a valid field name, and not Transfer-Encoding: the request has no
    // content, so "0" is the next request-line (400). A server that folds "_" into "-" reads a
    // chunked body instead and answers the canary.
    slug: 'te-underscore-name',
    section: 'RFC 9112 §2.2',
    level: 'SHOULD',
    title: 'Transfer_Encoding: chunked is another field: served, then "0" is a bad request-line (400), or closed',
    requirement: GRAMMAR,
    // The request must be served: it needs the resource.
    needs: 'resource',
    request: (ctx) => thenCanary(get(resourcePath(ctx), 'Transfer_Encoding: chunked') + LAST_CHUNK, CANARY),
    expect: (ex, ctx) =>
      all(
        servedResource(ex, ctx),
        oneOf({
          'then 400 for "0", then close': all(statusAt(ex, 1, 400), closedAfter(ex, 2)),
          'then closed': closedAfter(ex, 1),
        }),
      ),
  }),
  adversarial({
    // The core of the check above that no server may miss: whatever it answers to "0", the bytes
    // after the head are never read as a chunked body, so the canary is never the second answer.
    slug: 'te-underscore-not-framing',
    section: 'RFC 9112 §2.2',
    level: 'security',
    cause: UNDERSCORE_FOLDED,
    rationale:
      'Transfer_Encoding is a field of its own (a token may hold "_"), so the request has no content. A server that ' +
      'folds "_" into "-", as CGI-style header maps do, reads a chunked body that a conformant front end never saw: ' +
      'the "underjoin" request-smuggling technique (PortSwigger smuggler), which is why nginx ignores field names ' +
      'with underscores by default (underscores_in_headers off).',
    title: 'Transfer_Encoding: chunked never frames the content: the canary after "0" is never the second answer',
    requirement: GRAMMAR,
    needs: 'resource',
    request: (ctx) => thenCanary(get(resourcePath(ctx), 'Transfer_Encoding: chunked') + LAST_CHUNK, CANARY),
    expect: neverFramed,
  }),

  // --- Invalid Content-Length (RFC 9112 §6.3); "abc" and "-1" are in framing.ts ---
  badLength('cl-plus-sign', 'Content-Length: +5: 400, then close', ['Content-Length: +5'], 'hello'),
  badLength('cl-hex', 'Content-Length: 0x10: 400, then close', ['Content-Length: 0x10'], 'x'.repeat(16)),
  badLength('cl-underscore', 'Content-Length: 1_0: 400, then close', ['Content-Length: 1_0'], 'x'.repeat(10)),
  badLength('cl-trailing-letter', 'Content-Length: 1Z: 400, then close', ['Content-Length: 1Z'], 'Z'),
  badLength('cl-empty', 'An empty Content-Length: 400, then close', ['Content-Length: '], ''),
  badLength('cl-inner-space', 'Content-Length: 1 0: 400, then close', ['Content-Length: 1 0'], 'x'.repeat(10)),
  badLength('cl-negative-huge', 'Content-Length: -123456789123456789123456789: 400, then close', ['Content-Length: -123456789123456789123456789'], ''),
  badLength('cl-list-different', 'Content-Length: 0, 5 (different values): 400, then close', ['Content-Length: 0, 5'], 'hello', CL_CONFLICT),
  badLength('cl-conflict-last', 'Content-Length: 0, then Content-Length: 5: 400, then close', ['Content-Length: 0', 'Content-Length: 5'], 'hello', CL_CONFLICT),
  adversarial({
    slug: 'cl-duplicate-lines',
    section: 'RFC 9112 §6.3',
    level: 'MUST',
    cause: 'cl-same-list',
    title: 'Two Content-Length: 5 lines: read as 5, or rejected with 400 and close',
    requirement: CL_INVALID,
    // The "read as 5" branch is judged on the bundled index.html and style.css.
    needs: 'fixtures',
    request: thenCanary(get(INDEX, 'Content-Length: 5', 'Content-Length: 5') + 'hello', NEXT),
    expect: (ex, ctx) => oneOf({ 'read as 5': servedThenNext(ex, ctx), 'rejected (400, then close)': rejectedAndClosed(ex, 400) }),
  }),
  adversarial({
    slug: 'cl-ws-before-colon',
    section: 'RFC 9112 §5.1',
    level: 'MUST',
    cause: WS_BEFORE_COLON_CAUSE,
    title: '"Content-Length : 5" (space before the colon): 400, and the 5 bytes and the canary never answered',
    requirement: WS_BEFORE_COLON,
    needs: 'origin',
    request: thenCanary(get(INDEX, 'Content-Length : 5') + 'hello', CANARY),
    expect: (ex) => rejected(ex, 400),
  }),
  adversarial({
    slug: 'cl-htab-before-colon',
    section: 'RFC 9112 §5.1',
    level: 'MUST',
    cause: WS_BEFORE_COLON_CAUSE,
    title: '"Content-Length<HTAB>: 5" (tab before the colon): 400, and nothing after it answered',
    requirement: WS_BEFORE_COLON,
    needs: 'origin',
    request: thenCanary(get(INDEX, 'Content-Length\t: 5') + 'hello', CANARY),
    expect: (ex) => rejected(ex, 400),
  }),
  tooLarge(
    'cl-overflow-40-digits',
    'RFC 9110 §8.6',
    'A 40-digit Content-Length is refused (400 or 413), then close',
    get(INDEX, `Content-Length: ${'1234567890'.repeat(4)}`),
  ),
  // 2^64 + 5 wraps to 5 in a 64-bit integer: such a parser reads "hello" and answers the canary.
  tooLarge(
    'cl-overflow-wraps',
    'RFC 9110 §8.6',
    'Content-Length: 2^64+5 is refused (400 or 413), never read as 5',
    get(INDEX, 'Content-Length: 18446744073709551621') + 'hello',
  ),

  // --- Chunk lines (RFC 9112 §7.1 grammar; §9.3: read the content whole or close) ---
  badChunks('chunk-size-letter', 'Chunk size Z: 400, then close', `Z\r\nhello\r\n${LAST_CHUNK}`, CHUNK_SIZE_INVALID, CHUNK_SIZE_RATIONALE),
  badChunks('chunk-size-0x', 'Chunk size 0x5: 400, then close', `0x5\r\nhello\r\n${LAST_CHUNK}`, CHUNK_SIZE_INVALID, CHUNK_SIZE_RATIONALE),
  badChunks('chunk-size-plus', 'Chunk size +5: 400, then close', `+5\r\nhello\r\n${LAST_CHUNK}`, CHUNK_SIZE_INVALID, CHUNK_SIZE_RATIONALE),
  badChunks('chunk-size-leading-space', 'Chunk size " 5": 400, then close', ` 5\r\nhello\r\n${LAST_CHUNK}`, CHUNK_SIZE_INVALID, CHUNK_SIZE_RATIONALE),
  badChunks('chunk-size-minus-zero', 'Chunk size -0: 400, then close', `-0\r\n\r\n`, CHUNK_SIZE_INVALID, CHUNK_SIZE_RATIONALE),
  badChunks('chunk-size-empty', 'An empty chunk-size line: 400, then close', `\r\nhello\r\n${LAST_CHUNK}`, CHUNK_SIZE_INVALID, CHUNK_SIZE_RATIONALE),
  badChunks(
    'chunk-size-underscore',
    'Chunk size 0_2e: 400, then close',
    `0_2e\r\n${'x'.repeat(0x2e)}\r\n${LAST_CHUNK}`,
    CHUNK_SIZE_INVALID,
    CHUNK_SIZE_RATIONALE,
  ),
  badChunks('chunk-size-bare-lf', 'A chunk-size line ended by a bare LF: 400, then close', `5\nhello\r\n${LAST_CHUNK}`, BARE_LF_IN_CHUNKED, BARE_LF_RATIONALE),
  badChunks('chunk-data-bare-lf', 'Chunk data followed by a bare LF: 400, then close', `5\r\nhello\n${LAST_CHUNK}`, BARE_LF_IN_CHUNKED, BARE_LF_RATIONALE),
  badChunks('last-chunk-bare-lf', 'A last-chunk line ended by a bare LF: 400, then close', `5\r\nhello\r\n0\n\r\n`, BARE_LF_IN_CHUNKED, BARE_LF_RATIONALE),
  // The exploit shape behind CVE-2025-22871: a bare LF inside a chunk extension, which a lenient
  // parser takes as the end of the chunk line and a strict one as (invalid) extension bytes.
  badChunks(
    'chunk-ext-bare-lf',
    'A bare LF inside a chunk extension (5;a\\nb): 400, then close',
    `5;a\nb\r\nhello\r\n${LAST_CHUNK}`,
    BARE_LF_IN_CHUNKED,
    BARE_LF_RATIONALE,
  ),
  badChunks(
    'chunk-ext-bare-cr',
    'A bare CR inside a chunk extension (5;a\\rb): 400, then close',
    `5;a\rb\r\nhello\r\n${LAST_CHUNK}`,
    BARE_LF_IN_CHUNKED,
    BARE_LF_RATIONALE,
  ),
  adversarial({
    // "5\r\r;ABCD": each bare CR read as SP gives "5  ;ABCD", a size with BWS before a chunk-ext
    // (§7.1.1), so the chunk is "hello" and the canary after the last chunk is a request like any.
    slug: 'chunk-size-bare-cr',
    section: 'RFC 9112 §2.2',
    level: 'MUST',
    cause: BARE_CR_CAUSE,
    title: 'A chunk-size line with a bare CR (5\\r\\r;ABCD): 400 and close, or each CR read as SP',
    requirement: BARE_CR,
    needs: 'resource',
    request: (ctx) => thenCanary(get(resourcePath(ctx), 'Transfer-Encoding: chunked') + `5\r\r;ABCD\r\nhello\r\n${LAST_CHUNK}`, CANARY),
    expect: (ex, ctx) =>
      oneOf({
        rejected: undecodableChunks(ex, ctx),
        'CR read as SP': all(servedResource(ex, ctx), oneOf({ 'then the next request answered': nothingMore(ex, 2), 'then closed': closedAfter(ex, 1) })),
      }),
  }),
  badChunks(
    'chunk-data-no-crlf',
    'Chunk data not followed by CRLF (5, helloX0): 400, then close',
    `5\r\nhelloX${LAST_CHUNK}`,
    'chunk-data-no-crlf',
    CHUNK_DATA_CRLF_RATIONALE,
  ),
  tooLarge(
    'chunk-size-overflow',
    'RFC 9112 §7.1',
    'Chunk size FFFFFFFFFFFFFFFFFFFF is refused (400 or 413), then close',
    get(INDEX, 'Transfer-Encoding: chunked') + `FFFFFFFFFFFFFFFFFFFF\r\nhello\r\n${LAST_CHUNK}`,
  ),
  // 2^68 + 5 wraps to 5 in a 64-bit integer.
  tooLarge(
    'chunk-size-overflow-wraps',
    'RFC 9112 §7.1',
    'Chunk size 10000000000000005 (2^68+5) is refused (400 or 413), never read as 5',
    get(INDEX, 'Transfer-Encoding: chunked') + `10000000000000005\r\nhello\r\n${LAST_CHUNK}`,
  ),

  // --- Content that is a request (RFC 9112 §9.3) ---
  contentIsRequest(
    'cl-content-is-request',
    'A GET whose Content-Length content is a request: that request is never answered',
    get(INDEX, `Content-Length: ${CANARY.length}`),
    CANARY,
  ),
  contentIsRequest(
    'cl-content-is-request-delayed',
    'The same, with the content sent 100 ms after the head: it is still content, never a request',
    get(INDEX, `Content-Length: ${CANARY.length}`),
    CANARY,
    100,
  ),
  contentIsRequest(
    'chunked-content-is-request',
    'A GET whose chunked content is a request: that request is never answered',
    get(INDEX, 'Transfer-Encoding: chunked'),
    canaryChunked,
  ),
];
