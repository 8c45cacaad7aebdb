// What the adversarial checks share (adversarial.ts): the quoted RFC sentences, the requests
// pipelined behind the one under test, and the verdicts that judge the connection after it.
//
// Two kinds of request follow the one under test:
// - CANARY (requests.ts): where the server must, or chose to, stop reading. Answering it is always
//   a fail: the server went on reading a stream it could not delimit, which is a smuggling hole.
// - NEXT: a real request, where the server may legitimately go on (it accepted the request under
//   test). It must then be answered as itself, in order; a server may also close instead. A
//   parser that wrongly sees a hidden Content-Length as long as NEXT swallows it instead.
//
// What a case needs of its target (Case.needs) follows from the branches its verdict allows:
// - 'origin' where every branch is a status, a close, or a canary never answered: they hold
//   whatever the request path answers (a 404 included);
// - 'resource' where a branch serves the request under test: it then requests the resource
//   (resourcePath), and the body it must answer with is the resource's (servedResource);
// - 'fixtures' where a branch answers NEXT, whose bytes are the bundled style.css (nextOrClose):
//   these still request /index.html and compare with the bundled index.html (servedIndex).
import type { Check, CheckContext, Exchange, Level, Need, Offer, RequestCheck, RequestPlan, Verdict } from '../types.js';
import { all, bodyEquals, closedAfter, describeEnd, describeResponse, finalResponses, oneOf, status, statusAt, verdict } from '../verifiers.js';
import { get } from './requests.js';
import { resourceBody, resourcePath } from './resource.js';

export { CANARY, HOST, get } from './requests.js';

/** The target of every request under test in a check that needs nothing of its target, or the
 * fixtures; a check that needs the resource requests resourcePath(ctx) instead, which is this path on
 * a target that serves the fixtures. */
export const INDEX = '/index.html';

/** A real request pipelined behind one that the server may accept: a check that judges its answer
 * needs the fixtures. */
export const NEXT = get('/style.css');

/** A request head for /index.html with exactly the given field lines: no Host is added, so a
 * check can break Host itself. */
export function rawHead(...fields: string[]): string {
  return [`GET ${INDEX} HTTP/1.1`, ...fields, '', ''].join('\r\n');
}

// The sentences quoted, each from the section its checks cite.

/** RFC 9112 §6.1 */
export const CL_TE_CLOSE = 'Regardless, the server MUST close the connection after responding to such a request to avoid the potential ' + 'attacks.';
/** RFC 9112 §6.1 */
export const HTTP10_TE =
  'A server or client that receives an HTTP/1.0 message containing a Transfer-Encoding header field MUST treat the ' +
  'message as if the framing is faulty, even if a Content-Length is present, and close the connection after ' +
  'processing the message.';
/** RFC 9112 §6.1 */
export const UNKNOWN_CODING =
  'A server that receives a request message with a transfer coding it does not understand SHOULD respond with 501 ' + '(Not Implemented).';
/** RFC 9112 §6.3 */
export const TE_NOT_FINAL =
  'If a Transfer-Encoding header field is present in a request and the chunked transfer coding is not the final ' +
  'encoding, the message body length cannot be determined reliably; the server MUST respond with the 400 (Bad ' +
  'Request) status code and then close the connection.';
/** RFC 9112 §6.3 */
export const CL_INVALID =
  'If a message is received without Transfer-Encoding and with an invalid Content-Length header field, then the ' +
  'message framing is invalid and the recipient MUST treat it as an unrecoverable error, unless the field value can ' +
  'be successfully parsed as a comma-separated list ([HTTP]), all values in the list are valid, and all values in ' +
  'the list are the same (in which case, the message is processed with that single value used as the ' +
  'Content-Length field value).';
/** RFC 9112 §6.3 */
export const UNRECOVERABLE =
  'If the unrecoverable error is in a request message, the server MUST respond with a 400 (Bad Request) status code ' + 'and then close the connection.';
/** RFC 9110 §8.6 */
export const LARGE_DECIMAL =
  'Since there is no predefined limit to the length of content, a recipient MUST anticipate potentially large ' +
  'decimal numerals and prevent parsing errors due to integer conversion overflows or precision loss due to ' +
  'integer conversion ([attack.protocol.element.length]).';
/** RFC 9112 §7.1 */
export const LARGE_HEX =
  'Therefore, recipients MUST anticipate potentially large hexadecimal numerals and prevent parsing errors due to ' +
  'integer conversion overflows or precision loss due to integer representation.';
/** RFC 9112 §9.3 */
export const READ_BODY_OR_CLOSE =
  'A server MUST read the entire request message body or close the connection after sending its response; ' +
  'otherwise, the remaining data on a persistent connection would be misinterpreted as the next request.';
/** RFC 9112 §5.1 */
export const WS_BEFORE_COLON =
  'A server MUST reject, with a response status code of 400 (Bad Request), any received request message that ' +
  'contains whitespace between a header field name and colon.';
/** RFC 9112 §2.2 */
export const GRAMMAR =
  'When a server listening only for HTTP request messages, or processing what appears from the start-line to be an ' +
  'HTTP request message, receives a sequence of octets that does not match the HTTP-message grammar aside from the ' +
  'robustness exceptions listed above, the server SHOULD respond with a 400 (Bad Request) response and close the ' +
  'connection.';
/** RFC 9112 §2.2 */
export const BARE_CR =
  'A recipient of such a bare CR MUST consider that element to be invalid or replace each bare CR with SP before ' +
  'processing the element or forwarding the message.';
/** RFC 9112 §2.2 */
export const BARE_LF =
  'Although the line terminator for the start-line and fields is the sequence CRLF, a recipient MAY recognize a ' +
  'single LF as a line terminator and ignore any preceding CR.';
/** RFC 9112 §2.2 */
export const WS_BEFORE_FIRST_FIELD =
  'A recipient that receives whitespace between the start-line and the first header field MUST either reject the ' +
  'message as invalid or consume each whitespace-preceded line without further processing of it (i.e., ignore the ' +
  'entire line, along with any subsequent lines preceded by whitespace, until a properly formed header field is ' +
  'received or the header section is terminated).';
/** RFC 9110 §5.5 */
export const CR_LF_NUL =
  'Field values containing CR, LF, or NUL characters are invalid and dangerous, due to the varying ways that ' +
  'implementations might parse and interpret those characters; a recipient of CR, LF, or NUL within a field value ' +
  'MUST either reject the message or replace each of those characters with SP before further processing or ' +
  'forwarding of that message.';
/** RFC 9112 §5.2 */
export const OBS_FOLD =
  'A server that receives an obs-fold in a request message that is not within a "message/http" container MUST ' +
  'either reject the message by sending a 400 (Bad Request), preferably with a representation explaining that ' +
  'obsolete line folding is unacceptable, or replace each received obs-fold with one or more SP octets prior to ' +
  'interpreting the field value or forwarding the message downstream.';
/** RFC 9112 §3.2 */
export const INVALID_REQUEST_LINE =
  'Recipients of an invalid request-line SHOULD respond with either a 400 (Bad Request) error or a 301 (Moved ' +
  'Permanently) redirect with the request-target properly encoded.';
/** RFC 9112 §3.2 */
export const HOST_RULE =
  'A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request message that lacks a Host ' +
  'header field and to any request message that contains more than one Host header field line or a Host header ' +
  'field with an invalid field value.';
/** RFC 9112 §3 */
export const TARGET_TOO_LONG =
  'A server that receives a request-target longer than any URI it wishes to parse MUST respond with a 414 (URI Too ' + 'Long) status code (see [HTTP]).';
/** RFC 9112 §3 */
export const METHOD_TOO_LONG =
  'A server that receives a method longer than any that it implements SHOULD respond with a 501 (Not Implemented) ' + 'status code.';
/** RFC 9110 §5.4 */
export const FIELDS_TOO_LARGE =
  'A server that receives a request header field line, field value, or set of fields larger than it wishes to ' +
  'process MUST respond with an appropriate 4xx (Client Error) status code.';

/** A check of this family. Its id is derived from the section, so the two always agree:
 * 'RFC 9112 §6.3' + 'cl-plus-sign' → 'rfc9112/6.3/cl-plus-sign'. */
export interface Case {
  slug: string;
  section: string;
  level: Level;
  /** default: true for MUST, security and robustness; SHOULD and MAY are never required (a
   * smuggling hole that the RFC leaves at SHOULD is a check of level security, with a rationale) */
  required?: boolean;
  title: string;
  requirement: string;
  /** the root cause it shares with other checks (causes.ts) */
  cause?: string;
  /** for level security: why it is required, with its source */
  rationale?: string;
  /** what the case needs of its target; see the head of this file */
  needs: Need;
  /** with needs 'resource': what the resource must offer, or the check skips */
  offers?: Offer[];
  request: RequestCheck['request'];
  expect: RequestCheck['expect'];
}

export function adversarial(c: Case): Check {
  const m = /^RFC (\d+) §([\d.]+)$/.exec(c.section);
  if (!m) throw new Error(`adversarial check ${c.slug}: malformed section "${c.section}"`);
  return {
    id: `rfc${m[1]}/${m[2]}/${c.slug}`,
    section: c.section,
    level: c.level,
    required: c.required ?? (c.level !== 'MAY' && c.level !== 'SHOULD'),
    title: c.title,
    requirement: c.requirement,
    ...(c.cause !== undefined ? { cause: c.cause } : {}),
    ...(c.rationale !== undefined ? { rationale: c.rationale } : {}),
    needs: c.needs,
    ...(c.offers !== undefined ? { offers: c.offers } : {}),
    request: c.request,
    expect: c.expect,
  };
}

/** The bytes, then a canary; the client keeps reading until the server closes or closeWaitMs
 * passes, so that an answer to the canary is seen. */
export function thenCanary(bytes: string, canary: string): RequestPlan {
  return { chunks: [bytes + canary], awaitClose: true };
}

/** The i-th response is 200 with the resource's bytes (a check that needs the resource). */
export function servedResource(ex: Exchange, ctx: CheckContext, i = 0): Verdict {
  return all(statusAt(ex, i, 200), bodyEquals(ex, i, resourceBody(ctx), resourcePath(ctx)));
}

/** The i-th response is 200 with the bundled index.html (a check that needs the fixtures). */
export function servedIndex(ex: Exchange, ctx: CheckContext, i = 0): Verdict {
  return all(statusAt(ex, i, 200), bodyEquals(ex, i, ctx.fixture('index.html'), 'index.html'));
}

/** The first response's status lies in [lo, hi]. */
export function statusIn(ex: Exchange, lo: number, hi: number, label: string): Verdict {
  const res = finalResponses(ex)[0];
  if (!res) return verdict(false, label, `no response; ${describeEnd(ex)}`);
  return verdict(res.status >= lo && res.status <= hi, label, describeResponse(res));
}

export const clientError = (ex: Exchange): Verdict => statusIn(ex, 400, 499, 'a 4xx status');

/** A number too large for any integer: refused (400 or 413), or answered without the content being
 * read; closed either way, so that the unread content is never taken for a request. RFC 9112 §9.3:
 * "A server MUST read the entire request message body or close the connection after sending its
 * response"; which status comes first is not what the overflow MUST is about. */
export function overflowRefusedOrClosed(ex: Exchange): Verdict {
  return oneOf({
    'refused (400 or 413), then close': all(status(ex, 400, 413), closedAfter(ex, 1)),
    'answered without reading the content, then close': all(statusIn(ex, 200, 499, 'a status below 500'), closedAfter(ex, 1)),
  });
}

/** Exactly n responses and nothing after them: the request pipelined behind was never answered.
 * The server may have closed or left the connection open. */
export function nothingMore(ex: Exchange, n = 1): Verdict {
  const expected = `${n} response${n === 1 ? '' : 's'}, and the request pipelined behind never answered`;
  const finals = finalResponses(ex);
  const clean = ex.parseError === undefined && ex.trailingGarbage.length === 0;
  if (finals.length === n && clean) return verdict(true, expected, `${n} response${n === 1 ? '' : 's'}, ${describeEnd(ex)}`);
  if (finals.length > n) {
    return verdict(false, expected, `the pipelined request was answered: ${describeResponse(finals[n]!)}; ${describeEnd(ex)}`);
  }
  return verdict(false, expected, `${finals.length} of ${n} responses; ${describeEnd(ex)}`);
}

/** The bytes after a head that frames no content were never read as content: the request pipelined
 * behind them is never the second answer. Either nothing follows the first answer, or the second
 * is the 400 for those bytes read as a request-line (what a server that goes on reading answers). */
export function neverFramed(ex: Exchange): Verdict {
  const second = finalResponses(ex)[1];
  return oneOf({
    'no second answer': nothingMore(ex, 1),
    'the bytes answered as a bad request-line (400)': verdict(
      second?.status === 400,
      'a 400 for the bytes after the head',
      second ? describeResponse(second) : describeEnd(ex),
    ),
  });
}

/** Rejected with one of `allowed`, and nothing pipelined behind answered (closed or not). */
export function rejected(ex: Exchange, ...allowed: number[]): Verdict {
  return all(status(ex, ...allowed), nothingMore(ex));
}

/** Rejected with one of `allowed`, then closed: the canary never answered. */
export function rejectedAndClosed(ex: Exchange, ...allowed: number[]): Verdict {
  return all(status(ex, ...allowed), closedAfter(ex, 1));
}

/** After the response at `i - 1`, the pipelined NEXT (style.css) is the i-th and last response;
 * or the server closed instead of going on. */
export function nextOrClose(ex: Exchange, ctx: CheckContext, i = 1): Verdict {
  const finals = finalResponses(ex);
  if (finals.length <= i) {
    const closed = closedAfter(ex, i);
    return { ...closed, expected: `then style.css (200), or a close; ${closed.expected}` };
  }
  return all(statusAt(ex, i, 200), bodyEquals(ex, i, ctx.fixture('style.css'), 'style.css'), nothingMore(ex, i + 1));
}

/** The request under test was accepted: index.html, then NEXT answered (or a close). Needs the
 * fixtures. */
export function servedThenNext(ex: Exchange, ctx: CheckContext): Verdict {
  return all(servedIndex(ex, ctx), nextOrClose(ex, ctx));
}
