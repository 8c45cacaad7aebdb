// Persistent connections, pipelining and tear-down (RFC 9112 §6.1, §9.3, §9.3.2, §9.6). Where the
// server must close, a canary request is pipelined behind the one under test: it must never be
// answered.
import type { Check } from '../types.js';
import type { Exchange, Verdict } from '../types.js';
import { all, bodyEquals, closedAfter, describeExchange, finalResponses, header, noBody, oneOf, status, statusAt, verdict } from '../verifiers.js';
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

export const persistenceChecks: Check[] = [
  {
    id: 'rfc9112/9.3/keep-alive',
    section: 'RFC 9112 §9.3',
    level: 'SHOULD',
    required: true,
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
    title: 'Three pipelined requests in one write are answered in order',
    requirement:
      'A server MAY process a sequence of pipelined requests in parallel if they all have safe methods ([HTTP]), but ' +
      'it MUST send the corresponding responses in the same order that the requests were received.',
    // Three distinct bundled files (GET / answered by the docroot's index.html), each judged by its bytes.
    needs: 'fixtures',
    request: { chunks: [get('/') + get('/style.css') + get('/app.js')], responses: 3 },
    expect: (ex, ctx) =>
      all(
        bodyEquals(ex, 0, ctx.fixture('index.html'), 'index.html'),
        bodyEquals(ex, 1, ctx.fixture('style.css'), 'style.css'),
        bodyEquals(ex, 2, ctx.fixture('app.js'), 'app.js'),
      ),
  },
  // The same two properties on the one resource any server has (--path), so that a server without
  // the fixtures is judged on them too. The resource's own bytes tell the answers apart from a
  // replay, and a HEAD between two GETs shows the order: its answer alone has no body.
  {
    id: 'rfc9112/9.3/keep-alive-resource',
    section: 'RFC 9112 §9.3',
    level: 'SHOULD',
    required: false,
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
    title: 'GET, HEAD and GET of the resource pipelined in one write are answered in order',
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
      all(
        bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx)),
        statusAt(ex, 1, 200),
        noBody(ex, 1),
        bodyEquals(ex, 2, resourceBody(ctx), resourcePath(ctx)),
      ),
  },
  {
    id: 'rfc9112/9.6/connection-close',
    section: 'RFC 9112 §9.6',
    level: 'MUST',
    required: true,
    title: 'Connection: close is answered, then the connection closes; a pipelined request is not answered',
    requirement: CLOSE_REQUESTED,
    needs: 'resource',
    request: (ctx) => ({ chunks: [get(resourcePath(ctx), 'Connection: close') + CANARY], awaitClose: true }),
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
    request: (ctx) => ({ chunks: [request('GET', resourcePath(ctx), [], 'HTTP/1.0') + CANARY_HTTP10], awaitClose: true }),
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
    title: 'Connection: keep-alive, CLOSE (options are case-insensitive) closes after the response',
    requirement: CLOSE_REQUESTED,
    needs: 'resource',
    request: (ctx) => ({ chunks: [get(resourcePath(ctx), 'Connection: keep-alive, CLOSE') + CANARY], awaitClose: true }),
    expect: (ex) => all(status(ex, 200), closedAfter(ex, 1)),
  },
];
