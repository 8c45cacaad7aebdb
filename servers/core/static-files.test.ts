// The static resolver: target → file under the docroot, strictly decoded, never outside the
// docroot (symlinks included), with a cache that notices changes after revalidateMs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeFileAccess } from '../io/node-file-access.js';
import { formatHttpDate } from './dates.js';
import { ProtocolError } from './errors.js';
import {
  FileChangedError,
  FileUnreadableError,
  StaticFiles,
  decodePath,
  removeDotSegments,
  targetPath,
  type FileAccess,
  type FileEntry,
  type Resolution,
} from './static-files.js';
import { FakeClock, FakeFiles } from './testing.js';

const ROOT = '/srv/www';
const MTIME = Date.UTC(2024, 0, 1, 0, 0, 0);

function site(): { files: FakeFiles; clock: FakeClock; sf: StaticFiles } {
  const files = new FakeFiles()
    .file(`${ROOT}/index.html`, '<h1>home</h1>', MTIME)
    .file(`${ROOT}/docs/index.html`, '<h1>docs</h1>', MTIME)
    .file(`${ROOT}/style.css`, 'body{}', MTIME)
    .file(`${ROOT}/with space.html`, 'space', MTIME)
    .file(`${ROOT}/caf\u00e9.txt`, 'utf8 name', MTIME)
    .file(`${ROOT}/etc/passwd-lookalike`, 'inside', MTIME)
    .dir(`${ROOT}/empty-dir`)
    // Outside the docroot: must never be served.
    .file('/etc/passwd', 'root:x:0:0:SECRET', MTIME)
    .file('/srv/secret.txt', 'SECRET', MTIME)
    .file('/srv/www-evil/index.html', 'SECRET sibling', MTIME);
  const clock = new FakeClock();
  const sf = new StaticFiles({ docroot: ROOT, files, clock: clock.clock });
  return { files, clock, sf };
}

function fileOf(r: Resolution): FileEntry {
  assert.equal(r.kind, 'file', `expected a file, got ${JSON.stringify(r)}`);
  return r;
}

function assertBadRequest(fn: () => unknown, message?: string): void {
  assert.throws(fn, (err: unknown) => err instanceof ProtocolError && err.status === 400, message);
}

describe('targetPath', () => {
  it('keeps origin-form and drops the query', () => {
    assert.equal(targetPath('/a/b'), '/a/b');
    assert.equal(targetPath('/a/b?x=1'), '/a/b');
    assert.equal(targetPath('/?'), '/');
    assert.equal(targetPath('/a?b/../..'), '/a');
  });

  it('takes the path of absolute-form (RFC 9112 §3.2.2)', () => {
    assert.equal(targetPath('http://host/index.html'), '/index.html');
    assert.equal(targetPath('HTTP://Host:8080/a/b?q'), '/a/b');
    assert.equal(targetPath('https://host'), '/');
    assert.equal(targetPath('http://host?x=1'), '/');
  });

  it('rejects asterisk-form, authority-form and other schemes with 400', () => {
    assertBadRequest(() => targetPath('*'));
    assertBadRequest(() => targetPath('host:443'));
    assertBadRequest(() => targetPath('ftp://host/a'));
    assertBadRequest(() => targetPath('index.html'));
  });
});

describe('decodePath and removeDotSegments', () => {
  it('percent-decodes UTF-8', () => {
    assert.equal(decodePath('/with%20space.html'), '/with space.html');
    assert.equal(decodePath('/caf%C3%A9.txt'), '/caf\u00e9.txt');
    assert.equal(decodePath('/caf%c3%a9.txt'), '/caf\u00e9.txt');
  });

  it('rejects malformed percent-encoding with 400', () => {
    for (const bad of ['/%zz', '/%', '/%2', '/a%2', '/%g0', '/%%41']) assertBadRequest(() => decodePath(bad), bad);
  });

  it('rejects a decoded NUL with 400', () => {
    assertBadRequest(() => decodePath('/index.html%00.png'));
    assertBadRequest(() => decodePath('/%00'));
  });

  it('rejects overlong and invalid UTF-8 with 400', () => {
    for (const bad of ['/%c0%ae', '/%c0%ae%c0%ae/etc/passwd', '/%e0%80%ae', '/%ff', '/%c3', '/%80', '/%ed%a0%80']) {
      assertBadRequest(() => decodePath(bad), bad);
    }
  });

  it('removes dot segments after decoding, never climbing above /', () => {
    assert.equal(decodePath('/a/../index.html'), '/index.html');
    assert.equal(decodePath('/../../etc/passwd'), '/etc/passwd');
    assert.equal(decodePath('/%2e%2e/%2e%2e/etc/passwd'), '/etc/passwd');
    assert.equal(decodePath('/..%2f..%2fetc/passwd'), '/etc/passwd');
    assert.equal(decodePath('/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd'), '/etc/passwd');
    assert.equal(decodePath('/a/./b/./c'), '/a/b/c');
    assert.equal(decodePath('//a//b'), '/a/b');
  });

  it('keeps a trailing slash when the last segment is a dot segment (RFC 3986 §5.2.4)', () => {
    assert.equal(removeDotSegments('/a/b/..'), '/a/');
    assert.equal(removeDotSegments('/a/b/.'), '/a/b/');
    assert.equal(removeDotSegments('/..'), '/');
    assert.equal(removeDotSegments('/.'), '/');
    assert.equal(removeDotSegments('/'), '/');
    assert.equal(removeDotSegments('/a/'), '/a/');
    assert.equal(removeDotSegments('/a/b/../../../../c'), '/c');
    assert.equal(removeDotSegments('/...'), '/...', '"..." is an ordinary name');
    assert.equal(removeDotSegments('/..a/b..'), '/..a/b..');
  });
});

describe('StaticFiles.resolve over an in-memory file system', () => {
  it('serves a file with strong ETag, Last-Modified, Content-Type and cached content', () => {
    const { sf } = site();
    const f = fileOf(sf.resolve('/style.css'));
    assert.equal(f.fsPath, `${ROOT}/style.css`);
    assert.equal(f.size, 6);
    assert.equal(f.contentType, 'text/css; charset=utf-8');
    assert.equal(f.lastModified, formatHttpDate(MTIME));
    assert.match(f.etag, /^"[\x21\x23-\x7e]+"$/, 'a strong entity-tag: DQUOTE *etagc DQUOTE, no W/');
    assert.equal(Buffer.from(f.content!).toString(), 'body{}');
  });

  it('/ and /dir/ resolve to index.html', () => {
    const { sf } = site();
    assert.equal(fileOf(sf.resolve('/')).fsPath, `${ROOT}/index.html`);
    assert.equal(fileOf(sf.resolve('/docs/')).fsPath, `${ROOT}/docs/index.html`);
    assert.equal(fileOf(sf.resolve('/docs/index.html')).fsPath, `${ROOT}/docs/index.html`);
  });

  it('/dir without its slash redirects to /dir/', () => {
    const { sf } = site();
    assert.deepEqual(sf.resolve('/docs'), { kind: 'redirect', location: '/docs/' });
    assert.deepEqual(sf.resolve('/docs?x=1'), { kind: 'redirect', location: '/docs/' });
  });

  it('a directory without index.html, a missing file and a file named as a directory are not found', () => {
    const { sf } = site();
    assert.equal(sf.resolve('/empty-dir/').kind, 'not-found');
    assert.equal(sf.resolve('/missing.html').kind, 'not-found');
    assert.equal(sf.resolve('/style.css/').kind, 'not-found');
    assert.equal(sf.resolve('/style.css/x').kind, 'not-found');
  });

  it('ignores the query string and accepts absolute-form', () => {
    const { sf } = site();
    assert.equal(fileOf(sf.resolve('/style.css?v=123')).fsPath, `${ROOT}/style.css`);
    assert.equal(fileOf(sf.resolve('http://example.test/style.css')).fsPath, `${ROOT}/style.css`);
    assert.equal(fileOf(sf.resolve('http://example.test')).fsPath, `${ROOT}/index.html`);
  });

  it('decodes percent-encoding to find the file', () => {
    const { sf } = site();
    assert.equal(fileOf(sf.resolve('/with%20space.html')).fsPath, `${ROOT}/with space.html`);
    assert.equal(fileOf(sf.resolve('/caf%C3%A9.txt')).fsPath, `${ROOT}/caf\u00e9.txt`);
  });

  it('normalises dot segments: /a/../index.html is index.html', () => {
    const { sf } = site();
    assert.equal(fileOf(sf.resolve('/a/../index.html')).fsPath, `${ROOT}/index.html`);
    assert.equal(fileOf(sf.resolve('/docs/./../style.css')).fsPath, `${ROOT}/style.css`);
  });

  it('never leaves the docroot with dot segments, encoded or not', () => {
    const { sf, files } = site();
    for (const target of [
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2fetc/passwd',
      '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/../www-evil/index.html',
      'http://host/../../etc/passwd',
    ]) {
      const r = sf.resolve(target);
      if (r.kind === 'file') assert.ok(r.fsPath.startsWith(ROOT + '/'), `${target} → ${r.fsPath}`);
      assert.notEqual(
        r.kind === 'file' &&
          Buffer.from(r.content ?? [])
            .toString()
            .includes('SECRET'),
        true,
        target,
      );
    }
    for (const p of files.touched) assert.ok(p.startsWith(ROOT + '/'), `touched ${p} outside the docroot`);
  });

  it('rejects bad encodings with 400 before touching the file system', () => {
    const { sf, files } = site();
    for (const bad of ['/%zz', '/index.html%00', '/%c0%ae%c0%ae/etc/passwd', '/%ff.html']) assertBadRequest(() => sf.resolve(bad), bad);
    assert.equal(files.statCalls, 0);
  });

  it('refuses a file whose real path is outside the docroot (fake realpath)', () => {
    const files = new FakeFiles().file(`${ROOT}/link.txt`, 'SECRET', MTIME).file(`${ROOT}/ok.txt`, 'ok', MTIME);
    // Make realpath say that link.txt resolves outside.
    const realpath = files.realpath.bind(files);
    files.realpath = (p: string): string | null => (p === `${ROOT}/link.txt` ? '/elsewhere/secret.txt' : realpath(p));
    const sf = new StaticFiles({ docroot: ROOT, files, clock: new FakeClock().clock });
    assert.equal(sf.resolve('/link.txt').kind, 'not-found');
    assert.equal(sf.resolve('/ok.txt').kind, 'file');
  });

  it('accepts a docroot given with a trailing slash', () => {
    const files = new FakeFiles().file(`${ROOT}/a.txt`, 'a', MTIME);
    const sf = new StaticFiles({ docroot: ROOT + '/', files, clock: new FakeClock().clock });
    assert.equal(fileOf(sf.resolve('/a.txt')).fsPath, `${ROOT}/a.txt`);
  });

  it('does not keep large files in memory, and reads ranges of them from the file system', () => {
    const big = Buffer.alloc(1000, 0x41);
    big.write('0123456789', 500);
    const files = new FakeFiles().file(`${ROOT}/big.bin`, big, MTIME);
    const sf = new StaticFiles({ docroot: ROOT, files, clock: new FakeClock().clock, cacheFileBytes: 100 });
    const f = fileOf(sf.resolve('/big.bin'));
    assert.equal(f.content, null);
    assert.equal(f.size, 1000);
    assert.equal(f.contentType, 'application/octet-stream');
    const before = files.readCalls;
    assert.equal(Buffer.from(sf.read(f, 500, 10)).toString(), '0123456789');
    assert.equal(files.readCalls, before + 1);
  });

  it('different mtime or size gives a different ETag', () => {
    const a = new FakeFiles()
      .file(`${ROOT}/f`, 'aaaa', MTIME)
      .file(`${ROOT}/g`, 'aaaa', MTIME + 1000)
      .file(`${ROOT}/h`, 'aaaaa', MTIME);
    const sf = new StaticFiles({ docroot: ROOT, files: a, clock: new FakeClock().clock });
    const tags = ['/f', '/g', '/h'].map((p) => fileOf(sf.resolve(p)).etag);
    assert.equal(new Set(tags).size, 3, tags.join(' '));
  });
});

describe('StaticFiles cache', () => {
  it('a cache hit within revalidateMs makes no stat and no read call', () => {
    const { sf, files, clock } = site();
    fileOf(sf.resolve('/style.css'));
    assert.ok(files.statCalls > 0);
    files.resetCounters();
    clock.advance(999);
    fileOf(sf.resolve('/style.css'));
    fileOf(sf.resolve('/style.css?query=ignored'));
    assert.equal(files.statCalls, 0);
    assert.equal(files.readCalls, 0);
    assert.equal(files.realpathCalls, 0);
  });

  it('serves a changed file fresh after revalidateMs (1 s) and not before', () => {
    const { sf, files, clock } = site();
    const first = fileOf(sf.resolve('/style.css'));
    assert.equal(Buffer.from(first.content!).toString(), 'body{}');
    files.file(`${ROOT}/style.css`, 'body{color:red}', MTIME + 5000);
    clock.advance(999);
    const stale = fileOf(sf.resolve('/style.css'));
    assert.equal(Buffer.from(stale.content!).toString(), 'body{}', 'still cached within the window');
    clock.advance(1);
    const fresh = fileOf(sf.resolve('/style.css'));
    assert.equal(Buffer.from(fresh.content!).toString(), 'body{color:red}');
    assert.equal(fresh.size, 15);
    assert.notEqual(fresh.etag, first.etag);
    assert.equal(fresh.lastModified, formatHttpDate(MTIME + 5000));
  });

  it('notices a change of mtime alone', () => {
    const { sf, files, clock } = site();
    const first = fileOf(sf.resolve('/style.css'));
    files.file(`${ROOT}/style.css`, 'BODY{}', MTIME + 2000); // same size
    clock.advance(1000);
    const fresh = fileOf(sf.resolve('/style.css'));
    assert.equal(Buffer.from(fresh.content!).toString(), 'BODY{}');
    assert.notEqual(fresh.etag, first.etag);
  });

  it('revalidates an unchanged file with one stat and no read', () => {
    const { sf, files, clock } = site();
    const first = fileOf(sf.resolve('/style.css'));
    files.resetCounters();
    clock.advance(1500);
    const again = fileOf(sf.resolve('/style.css'));
    assert.equal(files.statCalls, 1);
    assert.equal(files.readCalls, 0);
    assert.equal(again.etag, first.etag);
  });

  it('notices a deleted file and a created file after revalidateMs', () => {
    const { sf, files, clock } = site();
    fileOf(sf.resolve('/style.css'));
    assert.equal(sf.resolve('/new.txt').kind, 'not-found');
    files.remove(`${ROOT}/style.css`);
    files.file(`${ROOT}/new.txt`, 'new', MTIME);
    clock.advance(500);
    assert.equal(sf.resolve('/style.css').kind, 'file');
    assert.equal(sf.resolve('/new.txt').kind, 'not-found');
    clock.advance(500);
    assert.equal(sf.resolve('/style.css').kind, 'not-found');
    assert.equal(fileOf(sf.resolve('/new.txt')).size, 3);
  });

  it('honours a custom revalidateMs', () => {
    const files = new FakeFiles().file(`${ROOT}/a`, 'one', MTIME);
    const clock = new FakeClock();
    const sf = new StaticFiles({ docroot: ROOT, files, clock: clock.clock, revalidateMs: 10_000 });
    sf.resolve('/a');
    files.file(`${ROOT}/a`, 'three', MTIME + 1000);
    clock.advance(9_999);
    assert.equal(fileOf(sf.resolve('/a')).size, 3);
    clock.advance(1);
    assert.equal(fileOf(sf.resolve('/a')).size, 5);
  });

  it('invalidate() forgets a path at once', () => {
    const { sf, files } = site();
    sf.resolve('/style.css');
    files.file(`${ROOT}/style.css`, 'body{color:blue}', MTIME + 1000);
    sf.invalidate('/style.css');
    assert.equal(fileOf(sf.resolve('/style.css')).size, 16);
  });

  it('stays bounded: more distinct targets than maxEntries still resolve correctly', () => {
    const files = new FakeFiles();
    for (let i = 0; i < 20; i++) files.file(`${ROOT}/f${i}.txt`, `file ${i}`, MTIME);
    const sf = new StaticFiles({ docroot: ROOT, files, clock: new FakeClock().clock, maxEntries: 5 });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 20; i++) assert.equal(Buffer.from(fileOf(sf.resolve(`/f${i}.txt`)).content!).toString(), `file ${i}`);
    }
  });
});

describe('StaticFiles: a file the system will not stat or read', () => {
  const unreadable =
    (overloaded: boolean) =>
    (err: unknown): boolean =>
      err instanceof FileUnreadableError && err.overloaded === overloaded;

  for (const [code, overloaded] of [
    ['EMFILE', true],
    ['ENFILE', true],
    ['EACCES', false],
    ['EIO', false],
  ] as const) {
    it(`a read failing with ${code} is FileUnreadableError (overloaded: ${overloaded}), and nothing is cached`, () => {
      const { sf, files } = site();
      files.readFault = code;
      assert.throws(() => sf.resolve('/style.css'), unreadable(overloaded));
      files.readFault = null;
      files.resetCounters();
      assert.equal(Buffer.from(fileOf(sf.resolve('/style.css')).content!).toString(), 'body{}', 'read again at once');
      assert.equal(files.readCalls, 1);
    });
  }

  it('a stat failing with EIO is FileUnreadableError, and nothing is cached', () => {
    const { sf, files } = site();
    files.statFault = 'EIO';
    assert.throws(() => sf.resolve('/style.css'), unreadable(false));
    files.statFault = null;
    assert.equal(fileOf(sf.resolve('/style.css')).size, 6);
  });

  it('a file removed between its stat and its read is not found', () => {
    const { sf, files } = site();
    files.readFault = 'ENOENT';
    assert.deepEqual(sf.resolve('/style.css'), { kind: 'not-found' });
  });

  it('a file shorter than its stat when read is FileChangedError', () => {
    const files = new FakeFiles().file(`${ROOT}/a.txt`, 'abc', MTIME);
    const shrinking: FileAccess = {
      stat: (p) => files.stat(p),
      realpath: (p) => files.realpath(p),
      read: (p, start, length) => files.read(p, start, length).subarray(0, length - 1),
    };
    const sf = new StaticFiles({ docroot: ROOT, files: shrinking, clock: new FakeClock().clock });
    assert.throws(() => sf.resolve('/a.txt'), FileChangedError);
  });

  it('reading a large file: EMFILE is FileUnreadableError, a file gone or shrunk is FileChangedError', () => {
    const files = new FakeFiles().file(`${ROOT}/big.bin`, Buffer.alloc(1000, 0x41), MTIME);
    const sf = new StaticFiles({ docroot: ROOT, files, clock: new FakeClock().clock, cacheFileBytes: 100 });
    const f = fileOf(sf.resolve('/big.bin'));
    files.readFault = 'EMFILE';
    assert.throws(() => sf.read(f, 0, 1000), unreadable(true));
    files.readFault = 'ENOENT';
    assert.throws(() => sf.read(f, 0, 1000), FileChangedError);
    files.readFault = null;
    files.file(`${ROOT}/big.bin`, Buffer.alloc(10, 0x41), MTIME);
    assert.throws(() => sf.read(f, 0, 1000), FileChangedError);
  });

  it('an error that is not a failed system call is a bug, and goes on as it is', () => {
    const files = new FakeFiles().file(`${ROOT}/a.txt`, 'abc', MTIME);
    const bug = new TypeError('a bug');
    const broken: FileAccess = {
      stat: (p) => files.stat(p),
      realpath: (p) => files.realpath(p),
      read: () => {
        throw bug;
      },
    };
    const sf = new StaticFiles({ docroot: ROOT, files: broken, clock: new FakeClock().clock });
    assert.throws(
      () => sf.resolve('/a.txt'),
      (err: unknown) => err === bug,
    );
  });
});

describe('StaticFiles over a real directory with symlinks', () => {
  let base = '';
  let root = '';
  const SECRET = 'TOP-SECRET-BYTES';

  before(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'http-lab-static-')));
    root = join(base, 'root');
    mkdirSync(join(root, 'sub'), { recursive: true });
    mkdirSync(join(base, 'outside'));
    mkdirSync(join(base, 'root-sibling'));
    writeFileSync(join(root, 'index.html'), '<h1>inside</h1>');
    writeFileSync(join(root, 'sub', 'page.html'), 'sub page');
    writeFileSync(join(base, 'secret.txt'), SECRET);
    writeFileSync(join(base, 'outside', 'secret.txt'), SECRET);
    writeFileSync(join(base, 'outside', 'index.html'), SECRET);
    writeFileSync(join(base, 'root-sibling', 'secret.txt'), SECRET);
    symlinkSync(join(base, 'secret.txt'), join(root, 'secret-link.txt'));
    symlinkSync('../secret.txt', join(root, 'relative-secret-link.txt'));
    symlinkSync(join(base, 'outside'), join(root, 'outdir'));
    symlinkSync(join(base, 'root-sibling', 'secret.txt'), join(root, 'sibling-link.txt'));
    symlinkSync(join(root, 'index.html'), join(root, 'inside-link.html'));
    symlinkSync('sub', join(root, 'subdir-link'));
    symlinkSync(join(base, 'nowhere'), join(root, 'dangling'));
    symlinkSync(root, join(base, 'root-link'));
  });

  after(() => {
    if (base !== '') rmSync(base, { recursive: true, force: true });
  });

  const make = (docroot = root): StaticFiles => new StaticFiles({ docroot, files: nodeFileAccess, clock: new FakeClock().clock });

  function assertNeverSecret(r: Resolution, target: string): void {
    if (r.kind === 'file') {
      const bytes = r.content ?? nodeFileAccess.read(r.fsPath, 0, r.size);
      assert.ok(!Buffer.from(bytes).toString().includes(SECRET), `${target} returned the secret`);
    }
  }

  it('a symlink to a secret file outside the docroot → not found', () => {
    const sf = make();
    for (const target of ['/secret-link.txt', '/relative-secret-link.txt', '/sibling-link.txt']) {
      const r = sf.resolve(target);
      assertNeverSecret(r, target);
      assert.equal(r.kind, 'not-found', target);
    }
  });

  it('files under a symlinked directory pointing outside → not found', () => {
    const sf = make();
    for (const target of ['/outdir/secret.txt', '/outdir/', '/outdir/index.html', '/outdir/../outdir/secret.txt']) {
      const r = sf.resolve(target);
      assertNeverSecret(r, target);
      assert.equal(r.kind, 'not-found', target);
    }
  });

  it('a symlinked directory pointing outside is not found either (no redirect into it)', () => {
    const r = make().resolve('/outdir');
    assert.equal(r.kind, 'not-found', JSON.stringify(r));
  });

  it('a symlink inside pointing inside is served', () => {
    const sf = make();
    const f = fileOf(sf.resolve('/inside-link.html'));
    assert.equal(Buffer.from(f.content!).toString(), '<h1>inside</h1>');
    assert.equal(f.contentType, 'text/html; charset=utf-8');
    assert.equal(Buffer.from(fileOf(sf.resolve('/subdir-link/page.html')).content!).toString(), 'sub page');
  });

  it('a dangling symlink is not found', () => {
    assert.equal(make().resolve('/dangling').kind, 'not-found');
  });

  it('a docroot reached through a symlink still serves its files (real paths are compared)', () => {
    const sf = make(join(base, 'root-link'));
    assert.equal(Buffer.from(fileOf(sf.resolve('/index.html')).content!).toString(), '<h1>inside</h1>');
    assert.equal(sf.resolve('/secret-link.txt').kind, 'not-found');
  });

  it('serves real files with their real size and mtime', () => {
    const f = fileOf(make().resolve('/sub/page.html'));
    assert.equal(f.size, 8);
    assert.ok(f.mtimeMs > 0);
  });
});
