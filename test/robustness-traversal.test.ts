// Issue 10: a path traversal corpus against every server. A secret file with a random marker lies
// just outside a temporary docroot, which also holds two symlinks that point out of it (to the file
// and to the folder above). Every variant must be answered, and no answer may carry the marker:
// - a target that names nothing inside the docroot is refused (400, 403, 404, 414);
// - a target that normalises to a fixture inside it (`inside`) is served with exactly that
//   fixture's bytes, redirected, or refused.
// conformance/checks/path-safety.ts holds the few spellings that any docroot can be judged by
// (against /etc/passwd); this corpus needs a docroot of its own for the symlinks and the marker.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { get, request } from '../conformance/checks/requests.js';
import { exchange } from '../conformance/client.js';
import type { Exchange, RequestPlan } from '../conformance/types.js';
import { describeExchange, describeResponse, finalResponses } from '../conformance/verifiers.js';
import { SERVERS } from '../servers/catalogue.js';
import type { RunningServer } from '../targets/running.js';
import { isAlive } from '../system/proc.js';
import { HTML, eachLimited, fixture, spawnWatched, urlParts, unlessRefused } from './helpers.js';

const MARKER = `SECRET-${randomBytes(16).toString('hex')}`;
const base = realpathSync(mkdtempSync(join(tmpdir(), 'http-lab-traversal-')));
const docroot = join(base, 'docroot');
/** Absolute, outside the docroot: what an /etc/passwd-style absolute path aims at here. */
const SECRET = join(base, 'secret.txt');
/** Enough ".." to reach / from the docroot, wherever the temporary folder is. */
const UP = docroot.split('/').length + 2;
const REFUSED = [400, 403, 404, 414];
/** Bounds the wait for each answer: generous, since it costs nothing when the answer comes. */
const ANSWER_WAIT_MS = 30_000;

interface Variant {
  name: string;
  plan: RequestPlan;
  /** the fixture this target names once normalised; absent: it names nothing inside the docroot */
  inside?: string;
}

const variant = (name: string, target: string, inside?: string): Variant => ({ name, plan: { chunks: [get(target)] }, ...(inside ? { inside } : {}) });
/** `seg` UP times, joined by `sep`, then SECRET's own path spelled with `sep`: a climb to / and down. */
const viaRoot = (seg: string, sep: string): string => `/${Array(UP).fill(seg).join(sep)}${SECRET.replaceAll('/', sep)}`;

const CORPUS: Variant[] = [
  // ../ chains
  variant('one ..', '/../secret.txt'),
  variant('two ..', '/../../secret.txt'),
  variant('.. to / then the absolute path', viaRoot('..', '/')),
  variant('.. from a subfolder', '/docs/../../secret.txt'),
  variant('.. to / from a subfolder', `/docs${viaRoot('..', '/')}`),
  variant('. and .. mixed', '/docs/./../.././secret.txt'),
  variant('.. with doubled slashes', '/..//..//secret.txt'),
  variant('... is a name, not a climb', '/.../secret.txt'),
  variant('..; (a path parameter)', '/..;/secret.txt'),
  // %2e%2e, in every case
  variant('%2e%2e', '/%2e%2e/secret.txt'),
  variant('%2e%2e to /', viaRoot('%2e%2e', '/')),
  variant('%2E%2E', '/%2E%2E/secret.txt'),
  variant('%2e%2E mixed case', '/%2e%2E/%2E%2e/secret.txt'),
  variant('.%2e', '/.%2e/secret.txt'),
  variant('%2e.', '/%2e./secret.txt'),
  variant('%2e%2e from a subfolder', '/docs/%2e%2e/%2e%2e/secret.txt'),
  variant('%2E%2e%2F mixed case with slashes', '/%2E%2e%2F%2e%2E%2Fsecret.txt'),
  // double encoding: %25 decoded once leaves a literal "%2e", which names nothing
  variant('%252e%252e', '/%252e%252e/secret.txt'),
  variant('%252e%252e to /', viaRoot('%252e%252e', '/')),
  variant('%252e%252e%252f', '/%252e%252e%252fsecret.txt'),
  variant('..%252f', '/..%252fsecret.txt'),
  variant('%25%32%65 (each digit encoded)', '/%25%32%65%25%32%65/secret.txt'),
  // ..%2f
  variant('..%2f', '/..%2fsecret.txt'),
  variant('..%2f to /', viaRoot('..', '%2f')),
  variant('..%2F upper case', '/..%2F..%2Fsecret.txt'),
  variant('%2e%2e%2f', '/%2e%2e%2fsecret.txt'),
  variant('docs%2f..%2f..%2f', '/docs%2f..%2f..%2fsecret.txt'),
  // ..%5c and raw backslashes
  variant('..%5c', '/..%5csecret.txt'),
  variant('..%5c to /', viaRoot('..', '%5c')),
  variant('..%5C upper case', '/..%5C..%5Csecret.txt'),
  variant('%2e%2e%5c', '/%2e%2e%5csecret.txt'),
  variant('..\\', '/..\\secret.txt'),
  variant('..\\ to /', viaRoot('..', '\\')),
  variant('docs\\..\\..\\', '/docs\\..\\..\\secret.txt'),
  variant('a target that starts with \\', '\\..\\secret.txt'),
  // NUL
  variant('%00 after the name', '/../secret.txt%00'),
  variant('%00 before an extension', '/../secret.txt%00.html'),
  variant('..%00', '/..%00/secret.txt'),
  variant('%00 after a symlink', '/escape-file%00'),
  variant('%00 after a real file', '/index.html%00/../../secret.txt'),
  variant('a raw NUL byte', '/..\0/secret.txt'),
  // overlong and look-alike UTF-8
  variant('%c0%ae (overlong .)', '/%c0%ae%c0%ae/secret.txt'),
  variant('%c0%ae to /', viaRoot('%c0%ae%c0%ae', '/')),
  variant('%C0%AE upper case', '/%C0%AE%C0%AE/secret.txt'),
  variant('%c0%af (overlong /)', '/..%c0%afsecret.txt'),
  variant('%c1%9c (overlong \\)', '/..%c1%9csecret.txt'),
  variant('%e0%80%ae (3-byte overlong .)', '/%e0%80%ae%e0%80%ae/secret.txt'),
  variant('%f0%80%80%ae (4-byte overlong .)', '/%f0%80%80%ae%f0%80%80%ae/secret.txt'),
  variant('raw overlong bytes', '/\xc0\xae\xc0\xae/secret.txt'),
  variant('fullwidth dots (valid UTF-8, a plain name)', '/%ef%bc%8e%ef%bc%8e/secret.txt'),
  variant('%u002e (IIS encoding)', '/%u002e%u002e/secret.txt'),
  // absolute paths
  variant('the absolute path', SECRET),
  variant('the absolute path after //', `/${SECRET}`),
  variant('the absolute path after %2f', `/%2f${SECRET.slice(1)}`),
  variant('a relative target', SECRET.slice(1)),
  variant('file: URI', `file://${SECRET}`),
  // absolute-form targets
  variant('absolute-form ..', 'http://127.0.0.1/../secret.txt'),
  variant('absolute-form .. to /', `http://127.0.0.1${viaRoot('..', '/')}`),
  variant('absolute-form absolute path', `http://127.0.0.1${SECRET}`),
  variant('absolute-form %2e%2e', 'http://127.0.0.1/%2e%2e/secret.txt'),
  variant('absolute-form upper-case scheme, ..%2f', 'HTTP://127.0.0.1/..%2fsecret.txt'),
  variant('absolute-form https', 'https://127.0.0.1/../../secret.txt'),
  variant('absolute-form with .. as the host', 'http://../secret.txt'),
  variant('absolute-form to a symlink', 'http://127.0.0.1/escape-file'),
  // dot segments after valid folders: they cannot climb above /, so these name fixtures
  variant('docs/..', '/docs/../index.html', 'index.html'),
  variant('docs/.', '/docs/./index.html', 'docs/index.html'),
  variant('.. above / is clamped', '/../../index.html', 'index.html'),
  variant('docs/../.. is clamped', '/docs/../../index.html', 'index.html'),
  variant('docs/%2e%2e', '/docs/%2e%2e/index.html', 'index.html'),
  variant('docs/.%2E/docs', '/docs/.%2E/docs/index.html', 'docs/index.html'),
  variant('docs//', '/docs//index.html', 'docs/index.html'),
  variant('docs/..%2f', '/docs/..%2findex.html', 'index.html'),
  variant('./docs/../.', '/./docs/.././app.js', 'app.js'),
  variant('absolute-form docs/..', 'http://127.0.0.1/docs/../style.css', 'style.css'),
  // symlinks inside the docroot that point outside it
  variant('symlink to a file outside', '/escape-file'),
  variant('symlink to a file, name percent-encoded', '/escape-%66ile'),
  variant('symlink to a file, with a query', '/escape-file?x=1'),
  variant('symlink to a file, as a folder', '/escape-file/'),
  variant('symlink to a file, reached through ..', '/docs/../escape-file'),
  variant('symlink to the folder above, then the secret', '/escape-dir/secret.txt'),
  variant('symlink to the folder above, its index', '/escape-dir/'),
  variant('symlink to the folder above, no slash', '/escape-dir'),
  variant('symlink to the folder above, then .', '/escape-dir/%2e/secret.txt'),
  variant('out through escape-dir and in through escape-file', '/escape-dir/docroot/escape-file'),
  variant('out through escape-dir, .. back', '/escape-dir/docroot/../secret.txt'),
  variant('out through escape-dir and back in: a fixture', '/escape-dir/docroot/index.html', 'index.html'),
  { name: 'HEAD of a symlink out', plan: { chunks: [request('HEAD', '/escape-file')], headIndexes: [0] } },
  { name: 'a Range of a symlink out', plan: { chunks: [get('/escape-file', 'Range: bytes=0-')] } },
  // longer than any request-line the server reads
  variant('.. repeated past the request-line limit', `/${'../'.repeat(3000)}secret.txt`),
];

/** Whether the answer to `v` carried the secret, and what is wrong with it, if anything. */
async function judge(addr: { host: string; port: number }, v: Variant): Promise<{ escaped: boolean; problem?: string }> {
  let ex: Exchange;
  try {
    ex = await exchange(addr.host, addr.port, v.plan, { timeoutMs: ANSWER_WAIT_MS });
  } catch (err) {
    return { escaped: false, problem: `${v.name}: ${(err as Error).message}` };
  }
  const escaped = ex.received.includes(MARKER);
  const res = finalResponses(ex)[0];
  if (escaped || res === undefined) return { escaped, problem: `${v.name}: ${escaped ? 'ESCAPED, ' : ''}${describeExchange(ex)}` };
  if (REFUSED.includes(res.status)) return { escaped };
  if (v.inside !== undefined) {
    if (res.status === 200 && res.body.equals(fixture(v.inside))) return { escaped };
    if (res.status >= 300 && res.status < 400 && res.headers.some(([n]) => n.toLowerCase() === 'location')) return { escaped };
  }
  return { escaped, problem: `${v.name}: ${describeResponse(res)}, expected ${v.inside ? `exactly ${v.inside} or ` : ''}${REFUSED.join(', ')}` };
}

describe('path traversal corpus', () => {
  before(() => {
    // large.bin (1 MiB) is named by no variant: not copied.
    cpSync(HTML, docroot, { recursive: true, filter: (src) => !src.endsWith('large.bin') });
    writeFileSync(SECRET, `${MARKER}\n`);
    symlinkSync('../secret.txt', join(docroot, 'escape-file'));
    symlinkSync('..', join(docroot, 'escape-dir'));
  });
  after(() => {
    rmSync(base, { recursive: true, force: true });
  });

  it(`has at least 50 variants (${CORPUS.length})`, () => {
    assert.ok(CORPUS.length >= 50, `${CORPUS.length} variants`);
  });

  for (const design of SERVERS) {
    describe(`${design.name} server`, unlessRefused(design), () => {
      let server: RunningServer | undefined;
      let stderr = (): string => '';
      before(async () => {
        ({ server, stderr } = await spawnWatched(design.name, docroot));
      });
      after(async () => {
        await server?.stop();
      });

      it(`answers all ${CORPUS.length} variants and never returns the secret`, async () => {
        const addr = urlParts(server!.url);
        const problems: string[] = [];
        let escapes = 0;
        // One connection at a time for the serial design; each is closed before the next.
        await eachLimited(CORPUS, design.serial ? 1 : 8, async (v) => {
          const { escaped, problem } = await judge(addr, v);
          if (escaped) escapes++;
          if (problem !== undefined) problems.push(problem);
        });
        assert.equal(escapes, 0, `the secret escaped:\n${problems.join('\n')}`);
        assert.deepEqual(problems, [], stderr());
        assert.ok(isAlive(server!.pid), 'the server is still running');
        assert.equal(stderr(), '', 'nothing on stderr: no crash or error report from the server or its workers');
      });
    });
  }
});
