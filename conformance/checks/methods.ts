// Methods on a static docroot (RFC 9110 §7.1, §9.1, §9.3.7, §10.1.1, §15.5.6). Three questions, kept
// apart because the RFC binds them differently:
// - a 405 MUST carry Allow (a conditional MUST: it binds only when the server chose 405);
// - a method the file does not support SHOULD be refused (405, or 501 for one not implemented);
// - a method is never ignored: PUT, DELETE or FOO answered 200 with the file, as if GET.
import type { Check, Exchange, RequestPlan, Verdict, WireResponse } from '../types.js';
import { all, describeExchange, finalResponses, header, oneOf, status, verdict } from '../verifiers.js';
import { ALLOW_ON_405 } from './causes.js';
import { HOST, request } from './requests.js';
import { invalidRequestLineAnswer } from './message-syntax.js';
import { resourcePath } from './resource.js';

/** Allow lists GET and HEAD and not `method`: the methods the file does support. */
function allowsGetHead(ex: Exchange, method: string): Verdict {
  return header(ex, 'Allow', `Allow listing GET and HEAD, not ${method}`, (v) => {
    // Method names are case-sensitive (RFC 9110 §9.1): "get" is not GET.
    const methods = v.flatMap((x) => x.split(',')).map((m) => m.trim());
    return methods.includes('GET') && methods.includes('HEAD') && !methods.includes(method);
  });
}

/** The methods that a static file does not support, each with what makes it a whole request. */
const UNSUPPORTED: ReadonlyArray<{ method: string; fields: string[]; content: string }> = [
  { method: 'POST', fields: ['Content-Type: text/plain', 'Content-Length: 5'], content: 'hello' },
  { method: 'PUT', fields: ['Content-Type: text/plain', 'Content-Length: 5'], content: 'hello' },
  { method: 'DELETE', fields: [], content: '' },
  { method: 'PATCH', fields: ['Content-Type: text/plain', 'Content-Length: 5'], content: 'hello' },
  { method: 'OPTIONS', fields: [], content: '' },
];

/** Each of `methods` on the bundled index.html, one after another (a new connection where the
 * server closed one): the checks below judge each answer on its own. */
function inTurn(methods: readonly string[]): RequestPlan {
  const requests = methods.map((m) => {
    const u = UNSUPPORTED.find((x) => x.method === m) ?? { method: m, fields: [], content: '' };
    return request(u.method, '/index.html', u.fields) + u.content;
  });
  return { chunks: requests, responses: requests.length, awaitEachResponse: true, reconnect: true };
}

/** Every answer among `methods` passes `judge`, given the method it answers. */
function eachAnswer(ex: Exchange, methods: readonly string[], expected: string, judge: (method: string, res: WireResponse) => string | undefined): Verdict {
  const answers = finalResponses(ex);
  if (answers.length < methods.length) return verdict(false, expected, `${answers.length} of ${methods.length} answered; ${describeExchange(ex)}`);
  const faults = methods.flatMap((m, i) => {
    const fault = judge(m, answers[i]!);
    return fault === undefined ? [] : [`${m}: ${fault}`];
  });
  const seen = methods.map((m, i) => `${m} ${answers[i]!.status}`).join(', ');
  return verdict(faults.length === 0, expected, faults.length > 0 ? faults.join('; ') : seen);
}

function fieldValues(res: WireResponse, name: string): string[] {
  return res.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
}

/** What is wrong with a 405's Allow for a refused `method`, if anything: RFC 9110 §10.2.1 asks for
 * the methods the resource supports, so the refused one is not among them (an empty list is allowed:
 * "the resource allows no methods"). */
function allowFault(method: string, res: WireResponse): string | undefined {
  if (res.status !== 405) return undefined;
  const allow = fieldValues(res, 'Allow');
  if (allow.length === 0) return 'a 405 without Allow';
  const methods = allow
    .flatMap((x) => x.split(','))
    .map((m) => m.trim())
    .filter((m) => m !== '');
  if (methods.some((m) => !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(m))) return `Allow: ${allow.join(', ')} is not a list of method tokens`;
  if (methods.includes(method)) return `Allow: ${allow.join(', ')} lists the method it refused`;
  return undefined;
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
    // The MUST binds a 405 only: a server that implements POST on a file (serving it, as Apache and
    // lighttpd do) or answers 501 gives no 405, and that is not this failure.
    id: 'rfc9110/15.5.6/allow-on-405',
    section: 'RFC 9110 §15.5.6',
    level: 'MUST',
    required: true,
    cause: ALLOW_ON_405,
    title: 'Every 405 to POST, PUT, DELETE, PATCH or OPTIONS on a file carries Allow, without the refused method',
    requirement:
      'The origin server MUST generate an Allow header field in a 405 response containing a list of the target ' + "resource's currently supported methods.",
    // A static file's methods: the verdict needs the target to be the bundled docroot, and no
    // user's resource is sent a DELETE.
    needs: 'fixtures',
    request: inTurn(UNSUPPORTED.map((u) => u.method)),
    expect: (ex) =>
      eachAnswer(
        ex,
        UNSUPPORTED.map((u) => u.method),
        'each 405 with Allow (a list of methods, not the refused one); other answers are not bound',
        allowFault,
      ),
  },
  {
    id: 'rfc9110/9.1/method-not-allowed',
    section: 'RFC 9110 §9.1',
    level: 'SHOULD',
    required: false,
    cause: 'method-not-refused',
    title: 'PUT, DELETE and PATCH on a static file are refused: 405 (or 501, not implemented)',
    requirement:
      'An origin server that receives a request method that is recognized and implemented, but not allowed for the ' +
      'target resource, SHOULD respond with the 405 (Method Not Allowed) status code.',
    needs: 'fixtures',
    request: inTurn(['PUT', 'DELETE', 'PATCH']),
    expect: (ex) =>
      eachAnswer(ex, ['PUT', 'DELETE', 'PATCH'], 'each 405, or 501', (_m, res) => ([405, 501].includes(res.status) ? undefined : `answered ${res.status}`)),
  },
  {
    // A server that ignores the method serves the file: it tells a client that its PUT or DELETE
    // succeeded ("200 (OK) ... if the action has been enacted", RFC 9110 §9.3.5) when nothing was.
    id: 'rfc9110/9.1/method-ignored',
    section: 'RFC 9110 §9.1',
    level: 'SHOULD',
    required: false,
    cause: 'method-ignored',
    title: 'PUT, DELETE and FOO on a static file are never answered 200 with the file, as if they were GET',
    requirement:
      'An origin server that receives a request method that is unrecognized or not implemented SHOULD respond with the ' + '501 (Not Implemented) status code.',
    needs: 'fixtures',
    request: inTurn(['PUT', 'DELETE', 'FOO']),
    expect: (ex, ctx) =>
      eachAnswer(ex, ['PUT', 'DELETE', 'FOO'], 'no 2xx with the bytes of index.html', (_m, res) =>
        res.status >= 200 && res.status < 300 && res.body.equals(ctx.fixture('index.html')) ? `answered ${res.status} with index.html, as if GET` : undefined,
      ),
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
    expect: invalidRequestLineAnswer,
  },
];
