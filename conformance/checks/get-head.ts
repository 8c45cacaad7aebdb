// GET and HEAD on the docroot (RFC 9110 §9.1, §9.3.2, §8.6): exact bytes for every kind of file,
// the directory index, and HEAD responses that carry no content.
import type { Check, Exchange, Verdict } from '../types.js';
import { all, bodyEquals, closedAfter, contentLengthIs, describeExchange, finalResponses, noBody, oneOf, status, statusAt, verdict } from '../verifiers.js';
import { fieldValues } from './fields.js';
import { MISSING, get, head } from './requests.js';
import { resourceBody, resourcePath } from './resource.js';

const SUPPORT_GET_HEAD = 'All general-purpose servers MUST support the methods GET and HEAD.';
const HEAD_NO_CONTENT = 'The HEAD method is identical to GET except that the server MUST NOT send content in the response.';

/** GET `target` answers 200 with exactly the bytes of the docroot file `fixture`. A folder's index
 * is no RFC's rule but a setting (index.html is every stock server's default, and a server may
 * list the folder or refuse it instead): those checks are robustness, and not required. */
function servesFile(slug: string, title: string, target: string, fixture: string, index = false): Check {
  return {
    id: `rfc9110/9.1/${slug}`,
    section: 'RFC 9110 §9.1',
    level: index ? 'robustness' : 'MUST',
    required: !index,
    ...(index ? { cause: 'directory-index' } : {}),
    title,
    requirement: SUPPORT_GET_HEAD,
    // Each of these names a bundled file (index.html included: it is the docroot's file here, not
    // "a resource") and compares its exact bytes.
    needs: 'fixtures',
    request: get(target),
    expect: (ex, ctx) => {
      const bytes = ctx.fixture(fixture);
      return all(status(ex, 200), bodyEquals(ex, 0, bytes, fixture), contentLengthIs(ex, bytes.length));
    },
  };
}

/** After a HEAD response, nothing but the next response may follow: either the pipelined GET is
 * answered and parses, or the server closes with no bytes after the HEAD response. */
function nothingAfterHead(ex: Exchange, styleCss: Buffer): Verdict {
  return oneOf({
    'pipelined GET answered': all(statusAt(ex, 1, 200), bodyEquals(ex, 1, styleCss, 'style.css')),
    'closed after the HEAD response': closedAfter(ex, 1),
  });
}

/** Fields that describe the representation, and that a HEAD response should repeat from GET. */
const SAME_FIELDS = [
  'Content-Type',
  'Content-Length',
  'ETag',
  'Last-Modified',
  'Accept-Ranges',
  'Content-Encoding',
  'Content-Language',
  'Cache-Control',
  'Vary',
];

/** Response 1 (HEAD) carries each of SAME_FIELDS exactly as response 0 (GET) did, or neither has it. */
function sameFields(ex: Exchange): Verdict {
  const [get, head] = finalResponses(ex);
  const expected = `HEAD repeats GET's ${SAME_FIELDS.join(', ')} (each present in both with the same value, or in neither)`;
  if (!get || !head) return verdict(false, expected, describeExchange(ex));
  const differ = SAME_FIELDS.filter((name) => fieldValues(get, name).join('\n') !== fieldValues(head, name).join('\n')).map(
    (name) => `${name}: GET ${fieldValues(get, name).join(' | ') || '(none)'}, HEAD ${fieldValues(head, name).join(' | ') || '(none)'}`,
  );
  const shown = SAME_FIELDS.filter((name) => fieldValues(get, name).length > 0).join(', ');
  return verdict(differ.length === 0, expected, differ.length ? differ.join('; ') : `the same ${shown}`);
}

export const getHeadChecks: Check[] = [
  servesFile('get-index', 'GET /index.html serves the file byte for byte', '/index.html', 'index.html'),
  servesFile('get-binary', 'GET /logo.png serves binary bytes unaltered', '/logo.png', 'logo.png'),
  servesFile('get-empty', 'GET /empty.txt serves an empty file as 200 with no content', '/empty.txt', 'empty.txt'),
  servesFile('get-pct-encoded', 'GET /with%20space.html serves "with space.html"', '/with%20space.html', 'with space.html'),
  servesFile('get-large', 'GET /large.bin serves 1 MiB byte for byte', '/large.bin', 'large.bin'),
  servesFile('index-root', 'GET / serves the docroot index.html (the directory-index setting)', '/', 'index.html', true),
  servesFile('index-subdir', 'GET /docs/ serves docs/index.html (the directory-index setting)', '/docs/', 'docs/index.html', true),
  {
    id: 'rfc9110/9.3.2/head-no-content',
    section: 'RFC 9110 §9.3.2',
    level: 'MUST',
    required: true,
    title: 'HEAD answers 200 and sends no content (a pipelined GET still parses)',
    requirement: HEAD_NO_CONTENT,
    // The GET pipelined behind the HEAD is judged on the bytes of the bundled style.css.
    needs: 'fixtures',
    request: { chunks: [head('/index.html') + get('/style.css')], responses: 2, headIndexes: [0] },
    expect: (ex, ctx) => all(status(ex, 200), nothingAfterHead(ex, ctx.fixture('style.css'))),
  },
  {
    id: 'rfc9110/9.3.2/head-404-no-content',
    section: 'RFC 9110 §9.3.2',
    level: 'MUST',
    required: true,
    title: 'HEAD of a missing file answers 404 and sends no content',
    requirement: HEAD_NO_CONTENT,
    // Knowing MISSING is missing (404) needs the layout; the pipelined GET needs style.css.
    needs: 'fixtures',
    request: { chunks: [head(MISSING) + get('/style.css')], responses: 2, headIndexes: [0] },
    expect: (ex, ctx) => all(status(ex, 404), nothingAfterHead(ex, ctx.fixture('style.css'))),
  },
  {
    id: 'rfc9110/8.6/head-content-length',
    section: 'RFC 9110 §8.6',
    level: 'MUST',
    required: true,
    title: 'Content-Length in a HEAD response equals the length GET would send',
    requirement:
      'A server MAY send a Content-Length header field in a response to a HEAD request ([HEAD]); a server MUST NOT send ' +
      'Content-Length in such a response unless its field value equals the decimal number of octets that would have ' +
      'been sent in the content of a response if the same request had used the GET method.',
    needs: 'resource',
    request: (ctx) => ({ chunks: [head(resourcePath(ctx))], headIndexes: [0] }),
    expect: (ex, ctx) => all(status(ex, 200), contentLengthIs(ex, resourceBody(ctx).length)),
  },
  {
    id: 'rfc9110/9.3.2/head-same-fields',
    section: 'RFC 9110 §9.3.2',
    level: 'SHOULD',
    required: false,
    title: 'HEAD sends the same representation fields as GET (Content-Type, Content-Length, ETag, Last-Modified, ...)',
    requirement: 'The server SHOULD send the same header fields in response to a HEAD request as it would have sent if the request method had been GET.',
    needs: 'resource',
    request: (ctx) => ({
      chunks: [get(resourcePath(ctx)), head(resourcePath(ctx))],
      responses: 2,
      awaitEachResponse: true,
      reconnect: true,
      headIndexes: [1],
    }),
    expect: (ex) => all(status(ex, 200), statusAt(ex, 1, 200), sameFields(ex)),
  },
  {
    // A 1 MiB file is too large for most servers to hold in memory: HEAD must announce its length
    // without sending it, and the GET behind it must still be served whole.
    id: 'rfc9110/9.3.2/head-large-pipelined',
    section: 'RFC 9110 §9.3.2',
    level: 'MUST',
    required: true,
    title: 'HEAD /large.bin sends no content; GET /large.bin and GET /style.css pipelined behind it are served whole (or the connection closes)',
    requirement: HEAD_NO_CONTENT,
    needs: 'fixtures',
    request: { chunks: [head('/large.bin') + get('/large.bin') + get('/style.css')], responses: 3, headIndexes: [0] },
    expect: (ex, ctx) => {
      const large = ctx.fixture('large.bin');
      return all(
        status(ex, 200),
        contentLengthIs(ex, large.length),
        noBody(ex),
        oneOf({
          'pipelined GETs answered': all(
            statusAt(ex, 1, 200),
            bodyEquals(ex, 1, large, 'large.bin'),
            statusAt(ex, 2, 200),
            bodyEquals(ex, 2, ctx.fixture('style.css'), 'style.css'),
          ),
          'closed after the HEAD response': closedAfter(ex, 1),
        }),
      );
    },
  },
];
