// The real file system adapter answers "no file" for every stat failure, not only ENOENT: a
// request must never be able to crash a server through the file system.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { nodeFileAccess } from './node-file-access.js';
import { createSite } from './site.js';

const HTML = join(new URL('../../../html', import.meta.url).pathname);

describe('nodeFileAccess', () => {
  it('stat is null for ENOENT, ENOTDIR and ENAMETOOLONG', () => {
    assert.equal(nodeFileAccess.stat(join(HTML, 'missing.html')), null);
    assert.equal(nodeFileAccess.stat(join(HTML, 'index.html', 'x')), null, 'ENOTDIR');
    assert.equal(nodeFileAccess.stat(join(HTML, 'a'.repeat(256))), null, 'ENAMETOOLONG');
  });

  it('a site answers 404, not an exception, for those paths', () => {
    for (const target of ['/index.html/x', `/${'a'.repeat(256)}`, `/${'a'.repeat(300)}/b`]) {
      const connection = createSite(HTML).connection();
      connection.receive(Buffer.from(`GET ${target} HTTP/1.1\r\nHost: t\r\n\r\n`));
      const out = Buffer.concat(connection.takeOutput().chunks).toString('latin1');
      assert.match(out, /^HTTP\/1\.1 404 Not Found\r\n/, target);
    }
  });
});
