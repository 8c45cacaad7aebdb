// Persistent connections, pipelining and tear-down (RFC 9112 §6.1, §9.3, §9.3.2, §9.6). Where the
// server must close, a canary request is pipelined behind the one under test: it must never be
// answered.
import type { Check, Exchange, RequestPlan, Verdict } from '../types.js';
import { all, bodyEquals, closedAfter, describeExchange, finalResponses, header, noBody, oneOf, status, statusAt, verdict } from '../verifiers.js';
import { CONNECTION_CLOSE, KEEP_ALIVE, PIPELINING } from './causes.js';
import { fieldValues, listMembers } from './fields.js';
import { CANARY, CANARY_HTTP10, get, request } from './requests.js';
import { HTTP10_PERSISTENCE } from './prose.js';
import { resourceBody, resourcePath } from './resource.js';

const CLOSE_REQUESTED =
  'A server that receives a "close" connection option MUST initiate closure of the connection (see below) after it ' +
  'sends the final response to the request that contained the "close" connection option.';

const noCloseOption = (values: string[]): boolean => !values.flatMap((v) => v.split(',')).some((t) => t.trim().toLowerCase() === 'close');

/** The HTTP/1.0 keep-alive exchange: a request with the option, then one without it. Either the
 * connection persisted, and the first response did not say "close"; or it closed after the first
 * response, which then must not have said "keep-alive" (a client would send its next request into a
 * closing connection). */
function keepAliveHonestly(ex: Exchange, style: Buffer, index: Buffer): Verdict {
  const first = finalResponses(ex)[0];
  const options = listMembers(fieldValues(first, 'Connection'));
  return all(
    status(ex, 200),
    bodyEquals(ex, 0, index, 'index.html'),
    oneOf({
      persists: all(
        verdict(!options.includes('close'), 'the first response does not say "close"', `Connection: ${options.join(', ') || '(none)'}`),
        statusAt(ex, 1, 200),
        bodyEquals(ex, 1, style, 'style.css'),
      ),
      closes: all(
        verdict(!options.includes('keep-alive'), 'the first response does not say "keep-alive"', `Connection: ${options.join(', ') || '(none)'}`),
        verdict(finalResponses(ex).length === 1 && ex.closed, 'one response, then close', describeExchange(ex)),
      ),
    }),
  );
}

/** The request under test, then CANARY written only once its answer has arrived. RFC 9112 §9.6: "A
 * client that sends a "close" connection option MUST NOT send further requests on that connection";
 * a canary written in the same packet would also race the server's close, and a server that closes
 * with unread bytes resets the connection, which can discard its own response before the client
 * reads it. Written after the answer, it tests the server's close alone. */
function canaryAfterAnswer(bytes: string, canary: string): RequestPlan {
  return { chunks: [bytes, canary], awaitEachResponse: true, awaitClose: true };
}

/** Every answer that came is the one its request asked for, in order (`bodies[i]`, labelled); a
 * server may also answer some of them and then close (RFC 9112 §9.3.2: a client "SHOULD be
 * prepared to retry" what a closed connection left unanswered), but at least the first. */
function inOrder(ex: Exchange, expected: ReadonlyArray<{ bytes: Buffer; label: string } | 'no body'>): Verdict {
  const answered = Math.min(finalResponses(ex).length, expected.length);
  const each = expected
    .slice(0, Math.max(1, answered))
    .map((want, i) => (want === 'no body' ? all(statusAt(ex, i, 200), noBody(ex, i)) : bodyEquals(ex, i, want.bytes, want.label)));
  return oneOf({
    'all answered in order': all(...each, verdict(answered === expected.length, `${expected.length} answers`, `${answered} answers; ${describeExchange(ex)}`)),
    'answered in order, then closed': all(...each, closedAfter(ex, answered)),
  });
}

export const persistenceChecks: Check[] = [
  {
    id: 'rfc9112/9.3/keep-alive',
    section: 'RFC 9112 §9.3',
    level: 'SHOULD',
    required: false,
    cause: KEEP_ALIVE,
    title: 'Two requests in turn on one connection are both answered',
    requirement: 'HTTP implementations SHOULD support persistent connections.',
    // The second request is judged on the bytes of the bundled style.css.
    needs: 'fixtures',
    request: { chunks: [get('/index.html'), get('/style.css')], responses: 2, awaitEachResponse: true },
    expect: (ex, ctx) =>
      all(
        status(ex, 200),
        header(ex, 'Connection', 'the first response has no "close" option', noCloseOption),
        statusAt(ex, 1, 200),
        bodyEquals(ex, 1, ctx.fixture('style.css'), 'style.css'),
      ),
  },
  {
    id: 'rfc9112/9.3.2/pipelining-order',
    section: 'RFC 9112 §9.3.2',
    level: 'MUST',
    required: true,
    cause: PIPELINING,
    title: 'Three pipelined requests in one write are answered in order (or some in order, then a close)',
    requirement:
      'A server MAY process a sequence of pipelined requests in parallel if they all have safe methods ([HTTP]), but ' +
      'it MUST send the corresponding responses in the same order that the requests were received.',
    // Three distinct bundled files, each judged by its bytes.
    needs: 'fixtures',
    request: { chunks: [get('/index.html') + get('/style.css') + get('/app.js')], responses: 3 },
    expect: (ex, ctx) =>
      inOrder(ex, [
        { bytes: ctx.fixture('index.html'), label: 'index.html' },
        { bytes: ctx.fixture('style.css'), label: 'style.css' },
        { bytes: ctx.fixture('app.js'), label: 'app.js' },
      ]),
  },
  // The same two properties on the one resource any server has (--path), so that a server without
  // the fixtures is judged on them too. The resource's own bytes tell the answers apart from a
  // replay, and a HEAD between two GETs shows the order: its answer alone has no body.
  {
    id: 'rfc9112/9.3/keep-alive-resource',
    section: 'RFC 9112 §9.3',
    level: 'SHOULD',
    required: false,
    cause: KEEP_ALIVE,
    title: 'Two requests for the resource in turn on one connection are both answered',
    requirement: 'HTTP implementations SHOULD support persistent connections.',
    needs: 'resource',
    request: (ctx) => ({ chunks: [get(resourcePath(ctx)), get(resourcePath(ctx))], responses: 2, awaitEachResponse: true }),
    expect: (ex, ctx) =>
      all(
        status(ex, 200),
        header(ex, 'Connection', 'the first response has no "close" option', noCloseOption),
        statusAt(ex, 1, 200),
        bodyEquals(ex, 1, resourceBody(ctx), resourcePath(ctx)),
      ),
  },
  {
    id: 'rfc9112/9.3.2/pipelining-order-resource',
    section: 'RFC 9112 §9.3.2',
    level: 'MUST',
    required: true,
    cause: PIPELINING,
    title: 'GET, HEAD and GET of the resource pipelined in one write are answered in order (or some in order, then a close)',
    requirement:
      'A server MAY process a sequence of pipelined requests in parallel if they all have safe methods ([HTTP]), but ' +
      'it MUST send the corresponding responses in the same order that the requests were received.',
    needs: 'resource',
    request: (ctx) => ({
      chunks: [get(resourcePath(ctx)) + request('HEAD', resourcePath(ctx)) + get(resourcePath(ctx))],
      responses: 3,
      headIndexes: [1],
    }),
    expect: (ex, ctx) =>
      inOrder(ex, [{ bytes: resourceBody(ctx), label: resourcePath(ctx) }, 'no body', { bytes: resourceBody(ctx), label: resourcePath(ctx) }]),
  },
  {
    id: 'rfc9112/9.6/connection-close',
    section: 'RFC 9112 §9.6',
    level: 'MUST',
    required: true,
    cause: CONNECTION_CLOSE,
    title: 'Connection: close is answered, then the connection closes; a request sent after the answer is not answered',
    requirement: CLOSE_REQUESTED,
    needs: 'resource',
    request: (ctx) => canaryAfterAnswer(get(resourcePath(ctx), 'Connection: close'), CANARY),
    expect: (ex) => all(status(ex, 200), closedAfter(ex, 1)),
  },
  {
    id: 'rfc9112/9.6/connection-close-echoed',
    section: 'RFC 9112 §9.6',
    level: 'SHOULD',
    required: false,
    title: 'The response to Connection: close carries Connection: close',
    requirement: 'The server SHOULD send a "close" connection option in its final response on that connection.',
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), 'Connection: close'),
    expect: (ex) =>
      all(
        status(ex, 200),
        header(ex, 'Connection', 'Connection: close', (v) => !noCloseOption(v)),
      ),
  },
  {
    id: 'rfc9112/9.3/http10-close',
    section: HTTP10_PERSISTENCE.section,
    level: 'robustness',
    required: true,
    title: 'An HTTP/1.0 request without keep-alive is answered, then the connection closes',
    requirement: HTTP10_PERSISTENCE.text,
    needs: 'resource',
    request: (ctx) => canaryAfterAnswer(request('GET', resourcePath(ctx), [], 'HTTP/1.0'), CANARY_HTTP10),
    expect: (ex) => all(status(ex, 200), closedAfter(ex, 1)),
  },
  {
    id: 'rfc9112/6.1/no-te-to-http10',
    section: 'RFC 9112 §6.1',
    level: 'MUST',
    required: true,
    title: 'A response to HTTP/1.0 carries no Transfer-Encoding',
    requirement:
      'A server MUST NOT send a response containing Transfer-Encoding unless the corresponding request indicates ' + 'HTTP/1.1 (or later minor revisions).',
    // The 1 MiB /large.bin is what tempts a server to stream it chunked.
    needs: 'fixtures',
    request: request('GET', '/large.bin', [], 'HTTP/1.0'),
    expect: (ex, ctx) =>
      all(
        status(ex, 200),
        header(ex, 'Transfer-Encoding', 'no Transfer-Encoding', (v) => v.length === 0),
        bodyEquals(ex, 0, ctx.fixture('large.bin'), 'large.bin'),
      ),
  },
  {
    id: 'rfc9112/9.3/http10-keep-alive',
    section: HTTP10_PERSISTENCE.section,
    level: 'robustness',
    required: true,
    title: 'HTTP/1.0 with Connection: keep-alive persists (not saying "close"), or closes (not saying "keep-alive")',
    requirement: HTTP10_PERSISTENCE.text,
    // Both responses are judged on the bytes of the bundled index.html and style.css.
    needs: 'fixtures',
    request: {
      chunks: [request('GET', '/index.html', ['Connection: keep-alive'], 'HTTP/1.0'), request('GET', '/style.css', [], 'HTTP/1.0')],
      responses: 2,
      awaitEachResponse: true,
    },
    expect: (ex, ctx) => keepAliveHonestly(ex, ctx.fixture('style.css'), ctx.fixture('index.html')),
  },
  {
    // RFC 9110 §7.6.1: "Connection options are case-insensitive."
    id: 'rfc9112/9.6/connection-close-case',
    section: 'RFC 9112 §9.6',
    level: 'MUST',
    required: true,
    cause: CONNECTION_CLOSE,
    title: 'Connection: keep-alive, CLOSE (options are case-insensitive) closes after the response',
    requirement: CLOSE_REQUESTED,
    needs: 'resource',
    request: (ctx) => canaryAfterAnswer(get(resourcePath(ctx), 'Connection: keep-alive, CLOSE'), CANARY),
    expect: (ex) => all(status(ex, 200), closedAfter(ex, 1)),
  },
];
