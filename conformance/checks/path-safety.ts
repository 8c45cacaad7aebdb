// Mapping the target to files must never leave the docroot (RFC 9110 §17.3). Every spelling of
// ".." below climbs far enough to reach / from any docroot. A request passes when it is refused
// (400, 403, 404), or answered with something that is not /etc/passwd; it fails when the body is
// /etc/passwd, or when the server errs (5xx) or does not answer.
//
// Spellings that stay inside the docroot ("/docs/../index.html", "//index.html") must name the file
// they normalise to, or be refused: never another file, never an error. The request-target forms
// (absolute-form, a fragment) are RFC 9112 §3.2's.
//
// What these need of the target: the path checks judge a static file server on the bundled docroot's
// layout (which names are files, folders, or missing), so they need the fixtures: a server that is
// not one may answer any path (a catch-all 200, a 401, a 405) without mapping it to a file. The
// request-target forms need only a resource (absolute-form) or nothing (a fragment).
import type { Check, Exchange, RequestCheck, Verdict } from '../types.js';
import { all, bodyEquals, describeExchange, describeResponse, finalResponses, notServed, oneOf, status, verdict } from '../verifiers.js';
import { NUL_TRUNCATES_PATH, PATH_TRAVERSAL, REQUEST_LINE_INVALID } from './causes.js';
import { invalidRequestLineAnswer } from './message-syntax.js';
import { HOST, get } from './requests.js';
import { resourceBody, resourcePath } from './resource.js';
import { PATH_NAMES } from './prose.js';

/** The first line of a Unix /etc/passwd. */
const PASSWD = /(^|\n)root:[^:\n]*:0:0:/;
const UP = 8;

function staysInDocroot(ex: Exchange): Verdict {
  const expected = '400, 403 or 404, or any 2xx/3xx that is not a file outside the docroot';
  const res = finalResponses(ex)[0];
  if (!res) return verdict(false, expected, describeExchange(ex));
  if (PASSWD.test(res.body.toString('latin1'))) {
    return verdict(false, expected, `served /etc/passwd: ${describeResponse(res)}`);
  }
  if ([400, 403, 404].includes(res.status)) return { ...verdict(true, expected, describeResponse(res)), branch: `refused (${res.status})` };
  if (res.status >= 200 && res.status < 400) {
    return { ...verdict(true, expected, describeResponse(res)), branch: `answered ${res.status} inside the docroot` };
  }
  return verdict(false, expected, describeResponse(res));
}

/** A required robustness check of what GET `target` does with the file system's names. */
function pathCheck(slug: string, title: string, target: string, expect: RequestCheck['expect'], cause?: string): Check {
  return {
    id: `path/${slug}`,
    section: PATH_NAMES.section,
    level: 'robustness',
    required: true,
    ...(cause !== undefined ? { cause } : {}),
    title,
    requirement: PATH_NAMES.text,
    needs: 'fixtures',
    request: get(target),
    expect,
  };
}

function traversal(slug: string, title: string, target: string): Check {
  return pathCheck(slug, title, target, staysInDocroot, PATH_TRAVERSAL);
}

/** `target` names `fixture` once normalised: it is served byte for byte, redirected (3xx with
 * Location), or refused (400, 403, 404). */
function sameFile(slug: string, title: string, target: string, fixture: string): Check {
  return pathCheck(slug, title, target, (ex, ctx) => {
    const res = finalResponses(ex)[0];
    const expected = `200 with exactly ${fixture}, a redirect with Location, or refused (400, 403, 404)`;
    if (!res) return verdict(false, expected, describeExchange(ex));
    if ([400, 403, 404].includes(res.status)) return { ...verdict(true, expected, describeResponse(res)), branch: `refused (${res.status})` };
    if ([301, 302, 307, 308].includes(res.status) && res.headers.some(([n]) => n.toLowerCase() === 'location')) {
      return { ...verdict(true, expected, describeResponse(res)), branch: `redirected (${res.status})` };
    }
    const served = all(status(ex, 200), bodyEquals(ex, 0, ctx.fixture(fixture), fixture));
    return { ...served, expected, ...(served.pass ? { branch: `served ${fixture}` } : {}) };
  });
}

/** `target` names nothing the file system can hold: refused (400, 403, 404, 414). A server that
 * passes the file system's error (ENOTDIR, ENAMETOOLONG) on as a 5xx, or dies of it, fails. */
function refusedName(slug: string, title: string, target: string): Check {
  return pathCheck(slug, title, target, refusedStatus);
}

function refusedStatus(ex: Exchange): Verdict {
  const res = finalResponses(ex)[0];
  const refused = res !== undefined && [400, 403, 404, 414].includes(res.status);
  return {
    ...verdict(refused, '404, or 400, 403, 414', res ? describeResponse(res) : describeExchange(ex)),
    ...(refused ? { branch: `refused (${res.status})` } : {}),
  };
}

const up = (segment: string, separator: string): string => Array(UP).fill(segment).join(separator);

export const pathSafetyChecks: Check[] = [
  traversal('traversal-dotdot', 'GET /../../…/etc/passwd stays in the docroot', `/${up('..', '/')}/etc/passwd`),
  traversal('traversal-from-subdir', 'GET /docs/../../…/etc/passwd stays in the docroot', `/docs/${up('..', '/')}/etc/passwd`),
  traversal('traversal-encoded-dots', 'GET /%2e%2e/…/etc/passwd stays in the docroot', `/${up('%2e%2e', '/')}/etc/passwd`),
  traversal('traversal-encoded-slash', 'GET /..%2f..%2f…etc%2fpasswd stays in the docroot', `/${up('..', '%2f')}%2fetc%2fpasswd`),
  traversal('traversal-double-encoded', 'GET /%252e%252e/…/etc/passwd is not decoded twice', `/${up('%252e%252e', '/')}/etc/passwd`),
  traversal('traversal-backslash', 'GET /..\\..\\…\\etc\\passwd stays in the docroot', `/${up('..', '\\')}\\etc\\passwd`),
  traversal('traversal-encoded-backslash', 'GET /..%5c..%5c…etc%5cpasswd stays in the docroot', `/${up('..', '%5c')}%5cetc%5cpasswd`),
  traversal('traversal-overlong-utf8', 'GET /%c0%ae%c0%ae/…/etc/passwd (overlong UTF-8 dots) stays in the docroot', `/${up('%c0%ae%c0%ae', '/')}/etc/passwd`),
  // A NUL ends a C string: a server that passes the decoded path to the file system unchecked
  // opens /index.html for this name, which no file can have. How it refuses is its own affair.
  pathCheck(
    'nul-byte',
    'GET /index.html%00.txt is never served as /index.html',
    '/index.html%00.txt',
    (ex, ctx) => notServed(ex, ctx.fixture('index.html'), 'index.html'),
    NUL_TRUNCATES_PATH,
  ),
  // A server with PATH_INFO (Apache's AcceptPathInfo, lighttpd) maps /index.html/x to the file
  // index.html with the extra path "/x": serving that file's bytes is that mapping, not an error.
  pathCheck(
    'file-as-directory',
    'GET /index.html/x (a file used as a folder) is answered 404, or index.html served with PATH_INFO; not an error',
    '/index.html/x',
    (ex, ctx) =>
      oneOf({ refused: refusedStatus(ex), 'PATH_INFO (index.html served)': all(status(ex, 200), bodyEquals(ex, 0, ctx.fixture('index.html'), 'index.html')) }),
  ),
  refusedName(
    'long-segment',
    'GET /<300 octets>.html (a segment longer than any file name) is answered 404 (or 400, 414), not an error',
    `/${'a'.repeat(300)}.html`,
  ),
  sameFile('dotdot-inside', 'GET /docs/../index.html serves index.html (dot segments removed), or is refused', '/docs/../index.html', 'index.html'),
  sameFile('dot-segment', 'GET /./index.html serves index.html, or is refused', '/./index.html', 'index.html'),
  sameFile('double-slash', 'GET //index.html serves index.html, or is refused', '//index.html', 'index.html'),
  sameFile('encoded-slash', 'GET /docs%2findex.html serves docs/index.html (%2f decoded), or is refused', '/docs%2findex.html', 'docs/index.html'),
  {
    // The lab's rule for a static docroot: the path names the file; the query is not part of it.
    id: 'path/query-ignored',
    section: PATH_NAMES.section,
    level: 'robustness',
    required: true,
    title: 'GET /index.html?x=1 serves index.html: the query is not part of the file name',
    requirement: PATH_NAMES.text,
    needs: 'fixtures',
    request: get('/index.html?x=1'),
    expect: (ex, ctx) => all(status(ex, 200), bodyEquals(ex, 0, ctx.fixture('index.html'), 'index.html')),
  },
  {
    id: 'rfc9112/3.2.2/absolute-form',
    section: 'RFC 9112 §3.2.2',
    level: 'MUST',
    required: true,
    title: `GET http://${HOST}/index.html (absolute-form) serves index.html`,
    requirement: 'A server MUST accept the absolute-form in requests even though most HTTP/1.1 clients will only send the ' + 'absolute-form to a proxy.',
    needs: 'resource',
    request: (ctx) => `GET http://${HOST}${resourcePath(ctx)} HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`,
    expect: (ex, ctx) => all(status(ex, 200), bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx))),
  },
  {
    // A fragment is never sent (RFC 9110 §7.1: the target URI excludes it) and "#" is not in the
    // request-target grammar, so the request-line is invalid.
    id: 'rfc9112/3.2/fragment-in-target',
    section: 'RFC 9112 §3.2',
    level: 'SHOULD',
    required: false,
    cause: REQUEST_LINE_INVALID,
    title: 'GET /index.html#x (a fragment in the request-target) is rejected with 400',
    requirement:
      'Recipients of an invalid request-line SHOULD respond with either a 400 (Bad Request) error or a 301 (Moved ' +
      'Permanently) redirect with the request-target properly encoded.',
    // An invalid request-line whatever the path: /index.html is only some target.
    needs: 'origin',
    request: get('/index.html#x'),
    expect: (ex) => invalidRequestLineAnswer(ex),
  },
];
