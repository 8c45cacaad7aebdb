import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countingServer } from './test-server.js';
import { expectedBody, fileEntry, persistent, UnreachableError, VerificationError, verifyRequest } from './verify.js';

/** verifyRequest's deadline (its default is 5 s): generous, since the answer comes at once and the
 * deadline costs time only when a test fails. */
const DEADLINE_MS = 30_000;

describe('the check before load', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'http-lab-verify-'));
    writeFileSync(join(dir, 'index.html'), 'hello\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('expects the file under the docroot, index.html for a folder', () => {
    assert.equal(expectedBody(dir, '/index.html').toString(), 'hello\n');
    assert.equal(expectedBody(dir, '/').toString(), 'hello\n');
    assert.throws(() => expectedBody(dir, '/missing.html'), VerificationError);
    assert.throws(() => expectedBody(dir, '/../etc/passwd'), /leaves the docroot/);
  });

  it('accepts a server that sends 200 and exactly the bytes, and says whether it keeps the connection', async () => {
    for (const [http10, keeps] of [
      [false, true],
      [true, false],
    ] as const) {
      const server = await countingServer('hello\n', { http10 });
      try {
        assert.deepEqual(await verifyRequest(server.url, fileEntry(dir, '/index.html'), DEADLINE_MS), { persistent: keeps });
      } finally {
        await server.close();
      }
    }
  });

  it('persistence follows RFC 9112 §9.3', () => {
    assert.equal(persistent('1.1', undefined), true);
    assert.equal(persistent('1.1', 'close'), false);
    assert.equal(persistent('1.1', 'Keep-Alive, Close'), false);
    assert.equal(persistent('1.0', undefined), false);
    assert.equal(persistent('1.0', 'keep-alive'), true);
  });

  it('refuses a server that returns wrong bytes, of the same length too', async () => {
    for (const [body, why] of [
      ['hello', /5 bytes of body where the file has 6/],
      ['jello\n', /differs from the file at byte 0/],
    ] as const) {
      const server = await countingServer(body);
      try {
        await assert.rejects(
          verifyRequest(server.url, fileEntry(dir, '/index.html'), DEADLINE_MS),
          (err: Error) => err instanceof VerificationError && why.test(err.message),
        );
      } finally {
        await server.close();
      }
    }
  });

  it('refuses a server that answers with another status', async () => {
    const server = await countingServer('hello\n', { status: 404 });
    try {
      await assert.rejects(verifyRequest(server.url, fileEntry(dir, '/index.html'), DEADLINE_MS), /answered 404/);
    } finally {
      await server.close();
    }
  });

  it('an unreachable target is an UnreachableError, at once', async () => {
    await assert.rejects(
      verifyRequest(new URL('http://127.0.0.1:1/'), { request: { method: 'GET', path: '/', headers: {}, weight: 1 }, expect: {} }, DEADLINE_MS),
      (err: Error) => err instanceof UnreachableError && /ECONNREFUSED/.test(err.message),
    );
  });

  it('an endpoint: any 2xx by default, or the statuses given; the body only where one is expected', async () => {
    const server = await countingServer('{"ok":true}\n', { status: 201 });
    try {
      const get = (expect: Parameters<typeof verifyRequest>[1]['expect']): ReturnType<typeof verifyRequest> =>
        verifyRequest(server.url, { request: { method: 'GET', path: '/health', headers: {}, weight: 1 }, expect }, DEADLINE_MS);
      assert.deepEqual(await get({}), { persistent: true });
      assert.deepEqual(await get({ status: [200, 201] }), { persistent: true });
      await assert.rejects(get({ status: [200] }), /^VerificationError: GET \/health answered 201 X, not 200$/);
      await assert.rejects(
        get({ body: { bytes: Buffer.from('{"ok":false}\n'), label: 'ok.json' } }),
        /GET \/health answered 201 with 12 bytes of body where ok\.json has 13/,
      );
    } finally {
      await server.close();
    }
  });
});
