// The adversarial family judged against two stand-ins written here, to show that no check passes
// vacuously and that rejecting is always an allowed answer where the RFC allows it:
// - a naive server that answers every blank-line-terminated head with 200 and never closes (it
//   ignores Content-Length and Transfer-Encoding: the classic smuggling victim) fails every check
//   but the two where processing what it was sent is an allowed answer;
// - a server that answers 400 and closes passes every check except those whose RFC sentence names
//   another status or requires the request to be served.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { answerEach, startFake, type FakeServer } from '../fake-server.js';
import { bundledDocroot } from '../../system/package.js';
import { runChecks } from '../runner.js';
import { adversarialChecks } from './adversarial.js';

const INDEX = readFileSync(join(bundledDocroot(), 'index.html'));
const OK = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${INDEX.length}\r\n\r\n`, 'latin1'), INDEX]);
const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';
/** Deadlines for answers that come at once: generous, since they cost time only when a test fails. */
const ANSWERED = { timeoutMs: 30_000 };

describe('the adversarial family', () => {
  let naive: FakeServer;
  let rejecting: FakeServer;
  before(async () => {
    naive = await startFake(answerEach(() => OK));
    rejecting = await startFake(
      answerEach((_head, _i, socket) => {
        socket.end(BAD_REQUEST);
        return undefined;
      }),
    );
  });
  after(async () => {
    await naive?.close();
    await rejecting?.close();
  });

  it('has at least 40 checks, each id derived from its section', () => {
    assert.ok(adversarialChecks.length >= 40, `${adversarialChecks.length} checks`);
    for (const c of adversarialChecks) {
      const m = /^RFC (\d+) §([\d.]+)$/.exec(c.section);
      assert.ok(m, c.id);
      assert.ok(c.id.startsWith(`rfc${m[1]}/${m[2]}/`), `${c.id} cites ${c.section}`);
    }
  });

  it('fails every check on a server that answers every head and never closes', async () => {
    // Every close wait runs to its end here, so it is short: a canary answered after it still fails,
    // as a connection left open.
    const results = await runChecks(adversarialChecks, { host: '127.0.0.1', port: naive.port }, { ...ANSWERED, closeWaitMs: 300 });
    const passed = results.filter((r) => r.outcome === 'pass').map((r) => r.id);
    // RFC 9110 §5.4 binds only fields "larger than it wishes to process": a server that processes a
    // 64 KiB value or 1,200 fields and answers the next request is allowed to.
    assert.deepEqual(passed, ['rfc9110/5.4/field-value-64k', 'rfc9110/5.4/field-count-flood']);
    assert.deepEqual(
      results.filter((r) => r.outcome === 'pass').map((r) => r.branch),
      ['processed, then the next request answered', 'processed, then the next request answered'],
    );
    assert.deepEqual(
      results.filter((r) => r.outcome === 'error').map((r) => `${r.id}: ${r.reason}`),
      [],
    );
  });

  it('passes every check that allows a rejection on a server that answers 400 and closes', async () => {
    // The close comes right after the answer, and ends the wait: a long one costs nothing, and a
    // loaded machine cannot make the close seem missing.
    const results = await runChecks(adversarialChecks, { host: '127.0.0.1', port: rejecting.port }, { ...ANSWERED, closeWaitMs: 20_000 });
    // It serves nothing: the checks that need a resource or the fixtures skip, saying so.
    const skipped = results.filter((r) => r.outcome === 'skip');
    assert.deepEqual(
      skipped.map((r) => r.id),
      adversarialChecks.filter((c) => c.needs !== 'origin').map((c) => c.id),
    );
    for (const r of skipped)
      assert.match(r.reason!, /^needs (the bundled fixtures|a resource that answers 200 to GET): GET \/(index\.html)? answered HTTP\/1\.1 400/, r.id);
    const notPassed = results.filter((r) => r.outcome !== 'pass' && r.outcome !== 'skip').map((r) => r.id);
    assert.deepEqual(notPassed.sort(), [
      'rfc9112/3/method-10k', // 501
      'rfc9112/6.1/te-unknown-coding-501', // 501
    ]);
  });
});
