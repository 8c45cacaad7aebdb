// The blocking server is its design: one connection at a time, and it stops on a signal even while
// blocked in accept or recv.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnServer } from '../targets/design-child.js';
import type { RunningServer } from '../targets/running.js';
import { HTML, RawPeer, urlParts } from './helpers.js';

const GET_INDEX = 'GET /index.html HTTP/1.1\r\nHost: t\r\n\r\n';

describe('blocking server', () => {
  let server: RunningServer;
  let addr: { host: string; port: number };
  before(async () => {
    server = await spawnServer('blocking', HTML, ['--idle-timeout', '0.8']);
    addr = urlParts(server.url);
  });
  after(async () => {
    await server.stop();
  });

  it('answers a second connection only after the first one closes', async () => {
    const first = await RawPeer.open(addr.host, addr.port);
    const second = await RawPeer.open(addr.host, addr.port);
    try {
      first.write(GET_INDEX);
      assert.ok(await first.until((p) => p.responses() === 1 && p.text().endsWith('</html>\n'), 3000), 'first connection answered');
      second.write(GET_INDEX);
      // The first connection is still open (keep-alive), so the server is blocked in its recv.
      assert.equal(await second.until((p) => p.received.length > 0, 400), false, 'second connection must wait');
      first.destroy();
      assert.ok(await second.until((p) => p.responses() === 1 && p.text().endsWith('</html>\n'), 3000), 'second answered after the first closed');
      const body = second.received.subarray(second.received.indexOf('\r\n\r\n') + 4);
      assert.deepEqual(body, readFileSync(join(HTML, 'index.html')));
    } finally {
      first.destroy();
      second.destroy();
    }
  });


  it('closes a silent connection after the idle timeout, then serves the next client', async () => {
    const idle = await RawPeer.open(addr.host, addr.port);
    const next = await RawPeer.open(addr.host, addr.port);
    try {
      assert.ok(await idle.until((p) => p.closed, 3000), 'idle connection closed by the server');
      assert.equal(idle.received.length, 0, 'nothing sent to an idle client');
      next.write(GET_INDEX);
      assert.ok(await next.until((p) => p.responses() === 1, 3000));
    } finally {
      idle.destroy();
      next.destroy();
    }
  });

  it('survives a client that resets mid-request', async () => {
    const rude = await RawPeer.open(addr.host, addr.port);
    rude.write('GET /index.html HTTP/1.1\r\nHo');
    rude.socket.resetAndDestroy();
    const peer = await RawPeer.open(addr.host, addr.port);
    try {
      peer.write(GET_INDEX);
      assert.ok(await peer.until((p) => p.responses() === 1, 3000));
    } finally {
      peer.destroy();
    }
  });
});

describe('blocking server signals', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops on ${signal} while blocked in recv on an open connection`, async () => {
      const server = await spawnServer('blocking', HTML);
      const addr = urlParts(server.url);
      const peer = await RawPeer.open(addr.host, addr.port);
      try {
        peer.write(GET_INDEX);
        assert.ok(await peer.until((p) => p.responses() === 1, 3000));
        const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
        server.child.kill(signal);
        const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 3000))]);
        assert.equal(code, 0, `exits cleanly on ${signal}`);
        assert.ok(await peer.until((p) => p.closed, 2000), 'the open connection is closed');
      } finally {
        peer.destroy();
        await server.stop();
      }
    });
  }

  it('stops on SIGTERM while blocked in accept', async () => {
    const server = await spawnServer('blocking', HTML);
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 3000))]);
    await server.stop();
    assert.equal(code, 0);
  });
});
