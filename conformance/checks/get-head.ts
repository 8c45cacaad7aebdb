// GET and HEAD on the docroot (RFC 9110 §9.1, §9.3.2, §8.6): exact bytes for every kind of file,
// the directory index, and HEAD responses that carry no content.
import type { Check, Exchange, Verdict } from '../types.js';
import { all, bodyEquals, closedAfter, contentLengthIs, oneOf, status, statusAt } from '../verifiers.js';
import { MISSING, get, head } from './requests.js';

const SUPPORT_GET_HEAD = 'All general-purpose servers MUST support the methods GET and HEAD.';
const HEAD_NO_CONTENT = 'The HEAD method is identical to GET except that the server MUST NOT send content in the response.';

/** GET `target` answers 200 with exactly the bytes of the docroot file `fixture`. */
function servesFile(slug: string, title: string, target: string, fixture: string): Check {
  return {
    id: `rfc9110/9.1/${slug}`,
    section: 'RFC 9110 §9.1',
    level: 'MUST',
    required: true,
    title,
    requirement: SUPPORT_GET_HEAD,
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

export const getHeadChecks: Check[] = [
  servesFile('get-index', 'GET /index.html serves the file byte for byte', '/index.html', 'index.html'),
  servesFile('get-binary', 'GET /logo.png serves binary bytes unaltered', '/logo.png', 'logo.png'),
  servesFile('get-empty', 'GET /empty.txt serves an empty file as 200 with no content', '/empty.txt', 'empty.txt'),
  servesFile('get-pct-encoded', 'GET /with%20space.html serves "with space.html"', '/with%20space.html', 'with space.html'),
  servesFile('get-large', 'GET /large.bin serves 1 MiB byte for byte', '/large.bin', 'large.bin'),
  servesFile('index-root', 'GET / serves the docroot index.html', '/', 'index.html'),
  servesFile('index-subdir', 'GET /docs/ serves docs/index.html', '/docs/', 'docs/index.html'),
  {
    id: 'rfc9110/9.3.2/head-no-content',
    section: 'RFC 9110 §9.3.2',
    level: 'MUST',
    required: true,
    title: 'HEAD answers 200 and sends no content (a pipelined GET still parses)',
    requirement: HEAD_NO_CONTENT,
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
    request: { chunks: [head('/index.html')], headIndexes: [0] },
    expect: (ex, ctx) => all(status(ex, 200), contentLengthIs(ex, ctx.fixture('index.html').length)),
  },
];
