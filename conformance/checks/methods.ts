// Methods on a static docroot (RFC 9110 §9.1, §10.1.1, §15.5.6): GET and HEAD only; anything else is
// refused with the right status.
import type { Check } from '../types.js';
import { all, describeExchange, finalResponses, header, oneOf, status, verdict } from '../verifiers.js';
import { request } from './requests.js';

export const methodChecks: Check[] = [
  {
    id: 'rfc9110/9.1/method-unknown',
    section: 'RFC 9110 §9.1',
    level: 'SHOULD',
    required: false,
    title: 'An unknown method is answered 501',
    requirement:
      'An origin server that receives a request method that is unrecognized or not implemented SHOULD respond with the ' +
      '501 (Not Implemented) status code.',
    request: request('FOO', '/index.html'),
    expect: (ex) => status(ex, 501),
  },
  {
    id: 'rfc9110/15.5.6/post-not-allowed',
    section: 'RFC 9110 §15.5.6',
    level: 'MUST',
    required: true,
    title: 'POST to a file is refused: 405 with Allow (listing GET and HEAD), or 501',
    requirement:
      "The origin server MUST generate an Allow header field in a 405 response containing a list of the target " +
      "resource's currently supported methods.",
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
];
