// The coverage family judged against stand-ins written here, to show that its positive controls do
// not pass vacuously:
// - a server that refuses every chunked body (400, then close) passed every chunked check before
//   these; it fails each control, and passes only the 64 KiB extension, where a 4xx is allowed;
// - a server that ignores Transfer-Encoding answers the chunked content as a request: it fails too;
// - a server that answers garbage pipelined behind GET /large.bin before the slow 200, and closes,
//   as Node's http module does when its handler answers asynchronously, fails the order check.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { answerEach, startFake, type FakeServer } from '../fake-server.js';
import { bundledDocroot } from '../../system/package.js';
import { runChecks } from '../runner.js';
import { coverageChecks } from './coverage.js';

const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';
const ANSWERED = { timeoutMs: 30_000, closeWaitMs: 2_000 };

function file(name: string): Buffer {
  return readFileSync(join(bundledDocroot(), name));
}

function ok(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
}

/** GET of a bundled file: 200 with its bytes; POST: 405; anything else: 400, keeping the
 * connection open. Content is never read: each blank-line-terminated block is a head. */
function naive(head: string): string | Buffer {
  const m = /^(GET|POST) (\/[^ ]*) HTTP\/1\.1\r\n/.exec(head + '\r\n');
  if (!m) return 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n';
  if (m[1] === 'POST') return 'HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\nContent-Length: 0\r\n\r\n';
  try {
    return ok(file(m[2]!.slice(1)));
  } catch {
    return 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n';
  }
}

const CHUNKED_CONTROLS = [
  'rfc9112/7.1/chunked-body',
  'rfc9112/7.1/chunked-trailer-fields',
  'rfc9112/7.1.1/chunk-ext-token',
  'rfc9112/7.1.1/chunk-ext-quoted',
  'rfc9112/2.2/split-chunked-body',
];
const only = (ids: string[]) => coverageChecks.filter((c) => ids.includes(c.id));

describe('the coverage family', () => {
  let refusing: FakeServer;
  let ignoring: FakeServer;
  let outOfOrder: FakeServer;
  before(async () => {
    refusing = await startFake(
      answerEach((head, _i, socket: net.Socket) => {
        if (!/^transfer-encoding:/im.test(head)) return naive(head);
        socket.end(BAD_REQUEST);
        return undefined;
      }),
    );
    ignoring = await startFake(answerEach((head) => naive(head)));
    const large = ok(file('large.bin'));
    outOfOrder = await startFake(
      answerEach((head, _i, socket: net.Socket) => {
        if (!head.startsWith('GET /large.bin ')) {
          if (head.startsWith('GET ')) return naive(head);
          socket.end(BAD_REQUEST);
          return undefined;
        }
        // The file is read asynchronously; the garbage behind the request is answered first.
        setTimeout(() => {
          if (!socket.destroyed) socket.write(large);
        }, 50);
        return undefined;
      }),
    );
  });
  after(async () => {
    await refusing?.close();
    await ignoring?.close();
    await outOfOrder?.close();
  });

  it('fails every chunked control on a server that refuses chunked bodies (a 4xx for 64 KiB of extension is allowed)', async () => {
    const results = await runChecks(only([...CHUNKED_CONTROLS, 'rfc9112/7.1.1/chunk-ext-64k']), { host: '127.0.0.1', port: refusing.port }, ANSWERED);
    const outcome = new Map(results.map((r) => [r.id, r]));
    for (const id of CHUNKED_CONTROLS) assert.equal(outcome.get(id)?.outcome, 'fail', id);
    const ext = outcome.get('rfc9112/7.1.1/chunk-ext-64k')!;
    assert.deepEqual([ext.outcome, ext.branch], ['pass', 'refused (4xx), then closed']);
  });

  it('fails every chunked control on a server that ignores Transfer-Encoding', async () => {
    const results = await runChecks(only(CHUNKED_CONTROLS), { host: '127.0.0.1', port: ignoring.port }, ANSWERED);
    assert.deepEqual(
      results.map((r) => [r.id, r.outcome]),
      CHUNKED_CONTROLS.map((id) => [id, 'fail']),
    );
  });

  it('fails the order check on a server that answers the garbage before the slow 200', async () => {
    const [r] = await runChecks(only(['rfc9112/9.3.2/garbage-behind-large-response']), { host: '127.0.0.1', port: outOfOrder.port }, ANSWERED);
    assert.equal(r!.outcome, 'fail', r!.actual);
    assert.match(r!.actual, /400/);
  });
});
