// Mapping the target to files must never leave the docroot (RFC 9110 §17.3). Every spelling of
// ".." below climbs far enough to reach / from any docroot. A request passes when it is refused
// (400, 403, 404), or answered with something that is not /etc/passwd; it fails when the body is
// /etc/passwd, or when the server errs (5xx) or does not answer.
import type { Check, Exchange, Verdict } from '../types.js';
import { describeExchange, describeResponse, finalResponses, verdict } from '../verifiers.js';
import { get } from './requests.js';
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

function traversal(slug: string, title: string, target: string): Check {
  return {
    id: `path/${slug}`,
    section: PATH_NAMES.section,
    level: 'robustness',
    required: true,
    title,
    requirement: PATH_NAMES.text,
    request: get(target),
    expect: staysInDocroot,
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
  {
    // A NUL ends a C string: a server that passes the decoded path to the file system unchecked
    // opens /index.html for this name, which no file can have.
    id: 'path/nul-byte',
    section: PATH_NAMES.section,
    level: 'robustness',
    required: true,
    title: 'GET /index.html%00.txt is refused, not served as /index.html',
    requirement: PATH_NAMES.text,
    request: get('/index.html%00.txt'),
    expect: (ex) => {
      const res = finalResponses(ex)[0];
      const refused = res !== undefined && [400, 403, 404].includes(res.status);
      return {
        ...verdict(refused, '400, 403 or 404', res ? describeResponse(res) : describeExchange(ex)),
        ...(refused ? { branch: `refused (${res.status})` } : {}),
      };
    },
  },
];
