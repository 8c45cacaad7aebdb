// Request-line and field-line syntax (RFC 9112 §2.2, §3, §3.2, §5.1, §5.2; RFC 9110 §4.1, §5.4, §6.2,
// §15.6.6). Where the RFC lets the server choose, every allowed branch passes and the branch taken is
// recorded.
//
// The length checks here are plain status checks on an otherwise valid request; what happens to the
// connection afterwards (a pipelined canary, the close) belongs to the adversarial family.
import type { Check, Exchange, Verdict } from '../types.js';
import { all, bodyEquals, describeExchange, describeResponse, finalResponses, header, oneOf, status, verdict } from '../verifiers.js';
import { FIELDS_TOO_LARGE_CAUSE, OBS_FOLD_CAUSE, REQUEST_LINE_INVALID, WS_BEFORE_COLON_CAUSE, WS_BEFORE_FIRST_FIELD_CAUSE } from './causes.js';
import { HOST, get } from './requests.js';
import { resourceBody, resourcePath } from './resource.js';

const INVALID_REQUEST_LINE =
  'Recipients of an invalid request-line SHOULD respond with either a 400 (Bad Request) error or a 301 (Moved ' +
  'Permanently) redirect with the request-target properly encoded.';

/** A request-target of `octets` octets naming no file, in segments of 99 octets: a long URI, but
 * every segment a possible file name (NAME_MAX is 255), so that only its length is judged here. A
 * single overlong segment is path/long-segment's. */
function longTarget(octets: number): string {
  let target = '';
  while (target.length < octets) target += '/' + 'a'.repeat(99);
  return target.slice(0, octets);
}
const KIB_64 = 64 * 1024;

function invalidRequestLine(slug: string, title: string, bytes: string): Check {
  return {
    id: `rfc9112/3.2/${slug}`,
    section: 'RFC 9112 §3.2',
    level: 'SHOULD',
    required: false,
    cause: REQUEST_LINE_INVALID,
    title,
    requirement: INVALID_REQUEST_LINE,
    needs: 'origin',
    request: bytes,
    expect: invalidRequestLineAnswer,
  };
}

/** The two answers §3.2 names for an invalid request-line: 400, or a 301 whose Location is the
 * target properly encoded. */
export function invalidRequestLineAnswer(ex: Exchange): Verdict {
  return oneOf({
    'rejected (400)': status(ex, 400),
    'redirected (301 with Location)': all(
      status(ex, 301),
      header(ex, 'Location', 'a Location', (v) => v.length === 1),
    ),
  });
}

export const messageSyntaxChecks: Check[] = [
  invalidRequestLine('request-line-method-only', 'A request line of a method alone is rejected with 400', 'GET\r\n\r\n'),
  invalidRequestLine(
    'request-line-extra-token',
    'A request line with a fourth token is rejected with 400',
    `GET /index.html HTTP/1.1 extra\r\nHost: ${HOST}\r\n\r\n`,
  ),
  invalidRequestLine(
    'request-line-no-version',
    'A request line without a version (HTTP/0.9) is rejected with 400, not answered as HTTP/0.9',
    'GET /index.html\r\n\r\n',
  ),
  {
    id: 'rfc9112/5.1/ws-before-colon',
    section: 'RFC 9112 §5.1',
    level: 'MUST',
    required: true,
    cause: WS_BEFORE_COLON_CAUSE,
    title: 'Whitespace between a field name and the colon is rejected with 400',
    requirement:
      'A server MUST reject, with a response status code of 400 (Bad Request), any received request message that ' +
      'contains whitespace between a header field name and colon.',
    needs: 'origin',
    request: get('/index.html', 'X-Lab-Probe : 1'),
    expect: (ex) => status(ex, 400),
  },
  {
    id: 'rfc9112/5.2/obs-fold',
    section: 'RFC 9112 §5.2',
    level: 'MUST',
    required: true,
    cause: OBS_FOLD_CAUSE,
    title: 'An obs-fold field line is rejected with 400 or unfolded to SP',
    requirement:
      'A server that receives an obs-fold in a request message that is not within a "message/http" container MUST ' +
      'either reject the message by sending a 400 (Bad Request), preferably with a representation explaining that ' +
      'obsolete line folding is unacceptable, or replace each received obs-fold with one or more SP octets prior to ' +
      'interpreting the field value or forwarding the message downstream.',
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), 'X-Lab-Folded: a', ' b'),
    expect: (ex, ctx) =>
      oneOf({
        'rejected (400)': status(ex, 400),
        'unfolded and served': all(status(ex, 200), bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx))),
      }),
  },
  {
    id: 'rfc9112/2.2/ws-before-first-field',
    section: 'RFC 9112 §2.2',
    level: 'MUST',
    required: true,
    cause: WS_BEFORE_FIRST_FIELD_CAUSE,
    title: 'A whitespace-preceded line after the request line is rejected or ignored',
    requirement:
      'A recipient that receives whitespace between the start-line and the first header field MUST either reject the ' +
      'message as invalid or consume each whitespace-preceded line without further processing of it (i.e., ignore the ' +
      'entire line, along with any subsequent lines preceded by whitespace, until a properly formed header field is ' +
      'received or the header section is terminated).',
    needs: 'resource',
    request: (ctx) => `GET ${resourcePath(ctx)} HTTP/1.1\r\n X-Lab-Indented: 1\r\nHost: ${HOST}\r\n\r\n`,
    expect: (ex, ctx) =>
      oneOf({
        'rejected (400)': status(ex, 400),
        'line ignored and served': all(status(ex, 200), bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx))),
      }),
  },
  {
    id: 'rfc9112/2.2/bare-lf',
    section: 'RFC 9112 §2.2',
    level: 'MAY',
    required: false,
    title: 'Lines ended by a bare LF are either accepted or rejected with 400',
    requirement:
      'Although the line terminator for the start-line and fields is the sequence CRLF, a recipient MAY recognize a ' +
      'single LF as a line terminator and ignore any preceding CR.',
    needs: 'resource',
    request: (ctx) => `GET ${resourcePath(ctx)} HTTP/1.1\nHost: ${HOST}\n\n`,
    expect: (ex, ctx) =>
      oneOf({
        accepted: all(status(ex, 200), bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx))),
        'rejected (400)': status(ex, 400),
      }),
  },
  {
    id: 'rfc9112/2.2/leading-crlf',
    section: 'RFC 9112 §2.2',
    level: 'SHOULD',
    required: false,
    title: 'An empty line before the request line is ignored',
    requirement:
      'In the interest of robustness, a server that is expecting to receive and parse a request-line SHOULD ignore at ' +
      'least one empty line (CRLF) received prior to the request-line.',
    needs: 'resource',
    request: (ctx) => `\r\n${get(resourcePath(ctx))}`,
    expect: (ex, ctx) => all(status(ex, 200), bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx))),
  },
  {
    // 505 is the status for an unsupported major version. Nothing obliges it (400 is common and a
    // 200 as HTTP/1.1 is not forbidden), so this is a SHOULD: anything else warns, and fails
    // under --strict.
    id: 'rfc9110/15.6.6/version-major-unsupported',
    section: 'RFC 9110 §15.6.6',
    level: 'SHOULD',
    required: false,
    title: 'An HTTP/2.0 request line is answered 505 with an explanation',
    requirement:
      'The server SHOULD generate a representation for the 505 response that describes why that version is not ' +
      'supported and what other protocols are supported by that server.',
    needs: 'origin',
    request: `GET /index.html HTTP/2.0\r\nHost: ${HOST}\r\n\r\n`,
    expect: (ex) => {
      const res = finalResponses(ex)[0];
      return all(
        status(ex, 505),
        verdict(res !== undefined && res.body.length > 0, 'a representation explaining the version', res ? describeResponse(res) : describeExchange(ex)),
      );
    },
  },
  {
    id: 'rfc9110/6.2/version-minor-higher',
    section: 'RFC 9110 §6.2',
    level: 'SHOULD',
    required: false,
    title: 'An HTTP/1.9 request is processed as HTTP/1.1',
    requirement:
      'A recipient that receives a message with a major version number that it implements and a minor version number ' +
      'higher than what it implements SHOULD process the message as if it were in the highest minor version within ' +
      'that major version to which the recipient is conformant.',
    needs: 'resource',
    request: (ctx) => `GET ${resourcePath(ctx)} HTTP/1.9\r\nHost: ${HOST}\r\n\r\n`,
    expect: (ex, ctx) => all(status(ex, 200), bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx))),
  },
  {
    // "longer than any URI it wishes to parse": the MUST binds a server that refuses the target,
    // and names 414 for it. One that parses 64 KiB answers whatever the path calls for (a 404, a
    // catch-all 200), and that is allowed too; a refusal under another code (400, 413, 431) or an
    // error (5xx) is not.
    id: 'rfc9112/3/target-too-long',
    section: 'RFC 9112 §3',
    level: 'MUST',
    required: true,
    title: 'A 64 KiB request-target is answered 414, or parsed and answered without a 5xx; never 400, 413 or 431',
    requirement:
      'A server that receives a request-target longer than any URI it wishes to parse MUST respond with a 414 (URI Too ' + 'Long) status code (see [HTTP]).',
    needs: 'origin',
    request: get(longTarget(KIB_64)),
    expect: (ex) => {
      const res = finalResponses(ex)[0];
      const parsed = res !== undefined && res.status < 500 && ![400, 413, 414, 431].includes(res.status);
      return oneOf({
        'too long (414)': status(ex, 414),
        'parsed and answered': verdict(parsed, 'any status below 500 but 400, 413 and 431', res ? describeResponse(res) : describeExchange(ex)),
      });
    },
  },
  {
    id: 'rfc9110/5.4/header-too-large',
    section: 'RFC 9110 §5.4',
    level: 'MUST',
    required: true,
    cause: FIELDS_TOO_LARGE_CAUSE,
    title: 'A 64 KiB header field line is answered 431 (or another 4xx), or processed',
    requirement:
      'A server that receives a request header field line, field value, or set of fields larger than it wishes to ' +
      'process MUST respond with an appropriate 4xx (Client Error) status code.',
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), `X-Lab-Large: ${'a'.repeat(KIB_64)}`),
    expect: (ex, ctx) => {
      const res = finalResponses(ex)[0];
      return oneOf({
        'too large (431)': status(ex, 431),
        [`another 4xx (${res?.status ?? '-'})`]: verdict(
          res !== undefined && res.status >= 400 && res.status < 500,
          'a 4xx',
          res ? describeResponse(res) : describeExchange(ex),
        ),
        'processed (200)': all(status(ex, 200), bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx))),
      });
    },
  },
  {
    id: 'rfc9110/4.1/target-8000',
    section: 'RFC 9110 §4.1',
    level: 'SHOULD',
    required: false,
    title: 'An 8000-octet request-target is parsed: 404 for the missing file, not 414 or 400',
    requirement: 'It is RECOMMENDED that all senders and recipients support, at a minimum, URIs with lengths of 8000 octets in ' + 'protocol elements.',
    // A 404 is the verdict, and only the layout says the path is missing: fixtures.
    needs: 'fixtures',
    request: get(longTarget(8000)),
    expect: (ex) => status(ex, 404),
  },
];
