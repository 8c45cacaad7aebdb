// Methods on a static docroot (RFC 9110 §7.1, §9.1, §9.3.7, §10.1.1, §10.2.1, §15.5.6): GET and HEAD
// only; anything else is refused with the right status, and the asterisk-form only for OPTIONS.
import type { Check, Exchange, Verdict } from '../types.js';
import { all, describeExchange, finalResponses, header, oneOf, status, verdict } from '../verifiers.js';
import { HOST, request } from './requests.js';
import { resourcePath } from './resource.js';

const ALLOW_ON_405 = 'An origin server MUST generate an Allow header field in a 405 (Method Not Allowed) response and MAY do so in any ' + 'other response.';

/** Allow lists GET and HEAD and not `method`: the methods the file does support. */
function allowsGetHead(ex: Exchange, method: string): Verdict {
  return header(ex, 'Allow', `Allow listing GET and HEAD, not ${method}`, (v) => {
    // Method names are case-sensitive (RFC 9110 §9.1): "get" is not GET.
    const methods = v.flatMap((x) => x.split(',')).map((m) => m.trim());
    return methods.includes('GET') && methods.includes('HEAD') && !methods.includes(method);
  });
}

/** `method` on a file is refused: 405 with Allow (RFC 9110 §9.1: "recognized and implemented, but
 * not allowed"), or 501 ("unrecognized or not implemented"), which has no Allow requirement. */
function refused(method: string, fields: string[] = [], content = ''): Check {
  return {
    id: `rfc9110/10.2.1/${method.toLowerCase()}-not-allowed`,
    section: 'RFC 9110 §10.2.1',
    level: 'MUST',
    required: true,
    title: `${method} on a file is refused: 405 with Allow (listing GET and HEAD), or 501`,
    requirement: ALLOW_ON_405,
    // Allow listing GET and HEAD is what a static file supports: the verdict needs the target to be
    // the bundled docroot's file.
    needs: 'fixtures',
    request: request(method, '/index.html', fields) + content,
    expect: (ex) =>
      oneOf({
        '405 with Allow': all(status(ex, 405), allowsGetHead(ex, method)),
        'not implemented (501)': status(ex, 501),
      }),
  };
}

export const methodChecks: Check[] = [
  {
    id: 'rfc9110/9.1/method-unknown',
    section: 'RFC 9110 §9.1',
    level: 'SHOULD',
    required: false,
    title: 'An unknown method is answered 501',
    requirement:
      'An origin server that receives a request method that is unrecognized or not implemented SHOULD respond with the ' + '501 (Not Implemented) status code.',
    // Asked of a resource that exists, so that the answer is about the method, not a 404 for a path
    // the target does not have.
    needs: 'resource',
    request: (ctx) => request('FOO', resourcePath(ctx)),
    expect: (ex) => status(ex, 501),
  },
  {
    id: 'rfc9110/15.5.6/post-not-allowed',
    section: 'RFC 9110 §15.5.6',
    level: 'MUST',
    required: true,
    title: 'POST to a file is refused: 405 with Allow (listing GET and HEAD), or 501',
    requirement:
      'The origin server MUST generate an Allow header field in a 405 response containing a list of the target ' + "resource's currently supported methods.",
    // 405 listing GET and HEAD is the verdict for a static file: the bundled docroot's.
    needs: 'fixtures',
    request: request('POST', '/index.html', ['Content-Length: 0']),
    expect: (ex) =>
      oneOf({
        '405 with Allow': all(
          status(ex, 405),
          header(ex, 'Allow', 'Allow listing GET and HEAD, not POST', (v) => {
            const methods = v.flatMap((x) => x.split(',')).map((m) => m.trim());
            return methods.includes('GET') && methods.includes('HEAD') && !methods.includes('POST');
          }),
        ),
        'not implemented (501)': status(ex, 501),
      }),
  },
  {
    id: 'rfc9110/10.1.1/expect-continue-http10',
    section: 'RFC 9110 §10.1.1',
    level: 'MUST',
    required: true,
    title: 'Expect: 100-continue on an HTTP/1.0 request gets no 100 (Continue)',
    requirement: 'A server that receives a 100-continue expectation in an HTTP/1.0 request MUST ignore that expectation.',
    // Any final response will do, a 404 or 405 included: the verdict is the absence of a 100.
    needs: 'origin',
    request: {
      chunks: [request('POST', '/index.html', ['Expect: 100-continue', 'Content-Length: 5'], 'HTTP/1.0'), 'hello'],
      delayMs: 300,
    },
    expect: (ex) => {
      const interim = ex.responses.filter((r) => r.status < 200);
      const answered = finalResponses(ex).length > 0;
      return verdict(answered && interim.length === 0, 'a final response and no 1xx', describeExchange(ex));
    },
  },
  refused('PUT', ['Content-Type: text/plain', 'Content-Length: 5'], 'hello'),
  refused('DELETE'),
  refused('PATCH', ['Content-Type: text/plain', 'Content-Length: 5'], 'hello'),
  {
    // OPTIONS may be implemented (a 2xx, which SHOULD list Allow: RFC 9110 §9.3.7) or refused like
    // any other method; every branch is allowed and recorded.
    id: 'rfc9110/10.2.1/options-file',
    section: 'RFC 9110 §10.2.1',
    level: 'MUST',
    required: true,
    title: 'OPTIONS on a file: 200/204 (recorded), 405 with Allow (listing GET and HEAD), or 501',
    requirement: ALLOW_ON_405,
    // 405 listing GET and HEAD is the verdict for a static file: the bundled docroot's.
    needs: 'fixtures',
    request: request('OPTIONS', '/index.html'),
    expect: (ex) =>
      oneOf({
        'answered (2xx)': status(ex, 200, 204),
        '405 with Allow': all(status(ex, 405), allowsGetHead(ex, 'OPTIONS')),
        'not implemented (501)': status(ex, 501),
      }),
  },
  {
    id: 'rfc9110/9.3.7/options-asterisk',
    section: 'RFC 9110 §9.3.7',
    level: 'SHOULD',
    required: false,
    title: 'OPTIONS * (the server as a whole): 200/204 with Allow, 405 with Allow, or 501',
    requirement:
      'A server generating a successful response to OPTIONS SHOULD send any header that might indicate optional ' +
      'features implemented by the server and applicable to the target resource (e.g., Allow), including potential ' +
      'extensions not defined by this specification.',
    // The server as a whole: no path.
    needs: 'origin',
    request: request('OPTIONS', '*'),
    expect: (ex) =>
      oneOf({
        'answered (2xx) with Allow': all(
          status(ex, 200, 204),
          header(ex, 'Allow', 'an Allow field', (v) => v.length > 0),
        ),
        '405 with Allow': all(status(ex, 405), allowsGetHead(ex, 'OPTIONS')),
        'not implemented (501)': status(ex, 501),
      }),
  },
  {
    // "These forms" are the authority-form (CONNECT) and the asterisk-form (OPTIONS). The MUST NOT
    // binds the client; the server's answer to such an invalid request-line is RFC 9112 §3.2's.
    id: 'rfc9112/3.2/asterisk-form-get',
    section: 'RFC 9112 §3.2',
    level: 'SHOULD',
    required: false,
    title: 'GET * (the asterisk-form with a method other than OPTIONS) is rejected with 400',
    requirement:
      'Recipients of an invalid request-line SHOULD respond with either a 400 (Bad Request) error or a 301 (Moved ' +
      'Permanently) redirect with the request-target properly encoded.',
    needs: 'origin',
    request: `GET * HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`,
    expect: (ex) => status(ex, 400, 301),
  },
];
