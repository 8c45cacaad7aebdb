// Request message framing (RFC 9112 §6.1, §6.3; RFC 9110 §8.6): an ambiguous or invalid length is
// an unrecoverable error, answered 400 and followed by a close. The canary pipelined behind each
// request shows whether the server went on reading from a stream it could no longer delimit.
import type { Check } from '../types.js';
import { all, bodyEquals, closedAfter, oneOf, status, statusAt } from '../verifiers.js';
import { overflowRefusedOrClosed } from './adversarial-support.js';
import { CL_CONFLICT, CL_INVALID_CAUSE, CL_OVERFLOW, CL_WITH_TE, TE_IN_HTTP10, TE_NOT_FINAL_CAUSE } from './causes.js';
import { CANARY, CANARY_HTTP10, get } from './requests.js';
import { resourceBody, resourcePath } from './resource.js';

const UNRECOVERABLE =
  'If the unrecoverable error is in a request message, the server MUST respond with a 400 (Bad Request) status code ' + 'and then close the connection.';

function badLength(slug: string, title: string, fields: string[], cause: string, body = ''): Check {
  return {
    id: `rfc9112/6.3/${slug}`,
    section: 'RFC 9112 §6.3',
    level: 'MUST',
    required: true,
    cause,
    title,
    requirement: UNRECOVERABLE,
    needs: 'origin',
    request: { chunks: [get('/index.html', ...fields) + body + CANARY], awaitClose: true },
    expect: (ex) => all(status(ex, 400), closedAfter(ex, 1)),
  };
}

export const framingChecks: Check[] = [
  badLength('cl-conflict', 'Two different Content-Length values: 400, then close', ['Content-Length: 1', 'Content-Length: 0'], CL_CONFLICT, 'X'),
  badLength('cl-invalid-alpha', 'Content-Length: abc: 400, then close', ['Content-Length: abc'], CL_INVALID_CAUSE),
  badLength('cl-invalid-negative', 'Content-Length: -1: 400, then close', ['Content-Length: -1'], CL_INVALID_CAUSE),
  {
    // 2^64: a parser that wraps it to 0 reads the canary as the next request.
    id: 'rfc9110/8.6/cl-overflow',
    section: 'RFC 9110 §8.6',
    level: 'MUST',
    required: true,
    cause: CL_OVERFLOW,
    title: 'Content-Length: 18446744073709551616: refused (400 or 413), or answered without reading the content; then close',
    requirement:
      'Since there is no predefined limit to the length of content, a recipient MUST anticipate potentially large ' +
      'decimal numerals and prevent parsing errors due to integer conversion overflows or precision loss due to ' +
      'integer conversion ([attack.protocol.element.length]).',
    needs: 'origin',
    request: { chunks: [get('/index.html', 'Content-Length: 18446744073709551616') + CANARY], awaitClose: true },
    expect: overflowRefusedOrClosed,
  },
  {
    id: 'rfc9112/6.3/cl-same-list',
    section: 'RFC 9112 §6.3',
    level: 'MUST',
    required: true,
    cause: 'cl-same-list',
    title: 'Content-Length: 5, 5 is read as 5 (then the next request answered, or a close), or rejected with 400 and close',
    requirement:
      'If a message is received without Transfer-Encoding and with an invalid Content-Length header field, then the ' +
      'message framing is invalid and the recipient MUST treat it as an unrecoverable error, unless the field value ' +
      'can be successfully parsed as a comma-separated list ([HTTP]), all values in the list are valid, and all ' +
      'values in the list are the same (in which case, the message is processed with that single value used as the ' +
      'Content-Length field value).',
    // The "read as 5" branch is judged on the bytes of the bundled index.html and style.css.
    needs: 'fixtures',
    request: { chunks: [get('/index.html', 'Content-Length: 5, 5') + 'hello' + get('/style.css')], awaitClose: true },
    expect: (ex, ctx) =>
      oneOf({
        'read as 5': all(
          status(ex, 200),
          bodyEquals(ex, 0, ctx.fixture('index.html'), 'index.html'),
          statusAt(ex, 1, 200),
          bodyEquals(ex, 1, ctx.fixture('style.css'), 'style.css'),
        ),
        // RFC 9112 §9.6: a server may close any connection after a response; the 5 octets were read.
        'read as 5, then closed': all(status(ex, 200), bodyEquals(ex, 0, ctx.fixture('index.html'), 'index.html'), closedAfter(ex, 1)),
        'rejected (400, then close)': all(status(ex, 400), closedAfter(ex, 1)),
      }),
  },
  {
    // The chunked body "0\r\n\r\n" is also exactly 5 bytes, so both readings consume the same bytes
    // and only closing keeps the canary unanswered.
    id: 'rfc9112/6.1/cl-and-te',
    section: 'RFC 9112 §6.1',
    level: 'MUST',
    required: true,
    cause: CL_WITH_TE,
    title: 'Content-Length with Transfer-Encoding: rejected (400) or read as chunked, then close either way',
    requirement: 'Regardless, the server MUST close the connection after responding to such a request to avoid the potential ' + 'attacks.',
    // The "read as chunked" branch serves the request: it needs a resource that answers 200.
    needs: 'resource',
    request: (ctx) => ({
      chunks: [get(resourcePath(ctx), 'Content-Length: 5', 'Transfer-Encoding: chunked') + '0\r\n\r\n' + CANARY],
      awaitClose: true,
    }),
    expect: (ex, ctx) =>
      all(
        oneOf({
          'rejected (400)': status(ex, 400),
          'read as chunked': all(status(ex, 200), bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx))),
        }),
        closedAfter(ex, 1),
      ),
  },
  {
    id: 'rfc9112/6.3/te-chunked-not-final',
    section: 'RFC 9112 §6.3',
    level: 'MUST',
    required: true,
    cause: TE_NOT_FINAL_CAUSE,
    title: 'Transfer-Encoding: chunked, gzip (chunked not final): 400 (or 501: gzip is a coding not understood), then close',
    requirement:
      'If a Transfer-Encoding header field is present in a request and the chunked transfer coding is not the final ' +
      'encoding, the message body length cannot be determined reliably; the server MUST respond with the 400 (Bad ' +
      'Request) status code and then close the connection.',
    needs: 'origin',
    request: { chunks: [get('/index.html', 'Transfer-Encoding: chunked, gzip') + '0\r\n\r\n' + CANARY], awaitClose: true },
    // RFC 9112 §6.1: "A server that receives a request message with a transfer coding it does not
    // understand SHOULD respond with 501 (Not Implemented)." A server without gzip may take that
    // branch first; the close the MUST asks for is what keeps the canary unanswered either way.
    expect: (ex) => all(status(ex, 400, 501), closedAfter(ex, 1)),
  },
  {
    id: 'rfc9112/6.1/te-http10',
    section: 'RFC 9112 §6.1',
    level: 'MUST',
    required: true,
    cause: TE_IN_HTTP10,
    title: 'An HTTP/1.0 request with Transfer-Encoding is answered, then the connection closes',
    requirement:
      'A server or client that receives an HTTP/1.0 message containing a Transfer-Encoding header field MUST treat ' +
      'the message as if the framing is faulty, even if a Content-Length is present, and close the connection after ' +
      'processing the message.',
    // Any response will do, a 404 included: the verdict is the close after it.
    needs: 'origin',
    request: {
      chunks: ['GET /index.html HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' + CANARY_HTTP10],
      awaitClose: true,
    },
    expect: (ex) => closedAfter(ex, 1),
  },
];
