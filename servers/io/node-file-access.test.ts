// The real file system adapter answers "no file" for the codes that mean no file is there, and lets
// every other failure surface, for the core to answer as the server's (500, or 503 when out of
// descriptors).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSyscallError } from '../core/errors.js';
import { nodeFileAccess } from './node-file-access.js';
import { createSite } from './site.js';

const HTML = join(new URL('../../../html', import.meta.url).pathname);

describe('nodeFileAccess', () => {
  const dir = mkdtempSync(join(tmpdir(), 'http-lab-fs-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stat and realpath are null for ENOENT, ENOTDIR, ENAMETOOLONG and ELOOP', () => {
    symlinkSync('loop', join(dir, 'loop'));
    for (const path of [join(HTML, 'missing.html'), join(HTML, 'index.html', 'x'), join(HTML, 'a'.repeat(256)), join(dir, 'loop')]) {
      assert.equal(nodeFileAccess.stat(path), null, path);
      assert.equal(nodeFileAccess.realpath(path), null, path);
    }
  });

  it('read gives fewer bytes when the file ends sooner, and throws the system error otherwise', () => {
    writeFileSync(join(dir, 'short.txt'), 'abc');
    assert.equal(Buffer.from(nodeFileAccess.read(join(dir, 'short.txt'), 1, 10)).toString(), 'bc');
    assert.throws(
      () => nodeFileAccess.read(dir, 0, 1),
      (err: unknown) => isSyscallError(err, 'EISDIR'),
    );
  });

  it('a site answers 404, not an exception, for the paths where there is no file', () => {
    for (const target of ['/index.html/x', `/${'a'.repeat(256)}`, `/${'a'.repeat(300)}/b`]) {
      const connection = createSite(HTML).connection();
      connection.receive(Buffer.from(`GET ${target} HTTP/1.1\r\nHost: t\r\n\r\n`));
      const out = Buffer.concat(connection.takeOutput().chunks).toString('latin1');
      assert.match(out, /^HTTP\/1\.1 404 Not Found\r\n/, target);
    }
  });
});
