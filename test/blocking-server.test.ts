// The blocking server is its design: one connection at a time, and it stops on a signal even while
// blocked in accept or recv.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { READ_SYSCALLS } from '../conformance/checks/architecture.js';
import { spawnServer } from '../targets/design-child.js';
import type { RunningServer } from '../targets/running.js';
import { mainThreadSyscall } from '../system/proc.js';
import { HTML, RawPeer, urlParts } from './helpers.js';

const GET_INDEX = 'GET /index.html HTTP/1.1\r\nHost: t\r\n\r\n';
/** Bounds every wait for something a correct server does: generous, since it costs nothing when
 * the test passes. */
const WAIT_MS = 30_000;
/** An idle timeout that no wait here comes near: a connection stays open until the test ends it. */
const NEVER_IDLE = ['--idle-timeout', '600'];
/** The syscalls in which a thread blocks in accept, by process.arch. */
const ACCEPT_SYSCALLS: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  x64: { 43: 'accept', 288: 'accept4' },
  arm64: { 202: 'accept', 242: 'accept4' },
};

const answered = (p: RawPeer): boolean => p.responses() === 1 && p.text().endsWith('</html>\n');

/** Waits until the server's main thread is blocked in one of `syscalls`, the state a test is
 * about. /proc/PID/syscall announces no change, so it is polled. */
async function mainThreadBlockedIn(pid: number, syscalls: Readonly<Record<number, string>> | undefined): Promise<void> {
  assert.ok(syscalls !== undefined, `no syscall numbers known for ${process.arch}`);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const nr = mainThreadSyscall(pid);
    if (typeof nr === 'number' && nr in syscalls) return;
    assert.ok(Date.now() < deadline, `the main thread is not blocked in ${Object.values(syscalls).join('/')} (${nr})`);
    await sleep(10); // polling /proc, see above
  }
}

/** The exit code of a server that was just signalled, or 'still running' after WAIT_MS. */
function exitCode(server: RunningServer): Promise<number | null | 'still running'> {
  return once(server.child, 'exit', { signal: AbortSignal.timeout(WAIT_MS) }).then(
    ([code]) => code as number | null,
    () => 'still running' as const,
  );
}

describe('blocking server', () => {
  let server: RunningServer;
  let addr: { host: string; port: number };
  before(async () => {
    server = await spawnServer('blocking', HTML, NEVER_IDLE);
    addr = urlParts(server.url);
  });
  after(async () => {
    await server.stop();
  });

  it('answers a second connection only after the first one closes', async () => {
    const first = await RawPeer.open(addr.host, addr.port);
    const second = await RawPeer.open(addr.host, addr.port);
    try {
      const sent = performance.now();
      first.write(GET_INDEX);
      assert.ok(await first.until(answered, WAIT_MS), 'first connection answered');
      // The first connection is still open (keep-alive), so the server is blocked in its recv. A
      // server that served both at once would answer the second about as fast as the first: it gets
      // twenty times that long, 400 ms at least.
      const windowMs = Math.min(WAIT_MS, Math.max(400, 20 * (performance.now() - sent)));
      second.write(GET_INDEX);
      assert.equal(await second.until((p) => p.received.length > 0, windowMs), false, `second connection must wait (watched for ${Math.round(windowMs)} ms)`);
      first.destroy();
      assert.ok(await second.until(answered, WAIT_MS), 'second answered after the first closed');
      const body = second.received.subarray(second.received.indexOf('\r\n\r\n') + 4);
      assert.deepEqual(body, readFileSync(join(HTML, 'index.html')));
    } finally {
      first.destroy();
      second.destroy();
    }
  });

  it('survives a client that resets mid-request', async () => {
    const rude = await RawPeer.open(addr.host, addr.port);
    rude.write('GET /index.html HTTP/1.1\r\nHo');
    rude.socket.resetAndDestroy();
    const peer = await RawPeer.open(addr.host, addr.port);
    try {
      peer.write(GET_INDEX);
      assert.ok(await peer.until((p) => p.responses() === 1, WAIT_MS));
    } finally {
      peer.destroy();
    }
  });
});

describe('blocking server: idle timeout (--idle-timeout 0.8)', () => {
  let server: RunningServer;
  let addr: { host: string; port: number };
  before(async () => {
    server = await spawnServer('blocking', HTML, ['--idle-timeout', '0.8']);
    addr = urlParts(server.url);
  });
  after(async () => {
    await server.stop();
  });

  it('closes a silent connection after the idle timeout, then serves the next client', async () => {
    const idle = await RawPeer.open(addr.host, addr.port);
    const next = await RawPeer.open(addr.host, addr.port);
    try {
      // Sent while the server still holds `idle`: when it accepts `next`, the request is already
      // there, so the idle timer it starts for `next` has nothing to race.
      next.write(GET_INDEX);
      assert.ok(await idle.until((p) => p.closed, WAIT_MS), 'idle connection closed by the server');
      assert.equal(idle.received.length, 0, 'nothing sent to an idle client');
      assert.ok(await next.until((p) => p.responses() === 1, WAIT_MS), 'the next client answered');
    } finally {
      idle.destroy();
      next.destroy();
    }
  });
});

describe('blocking server signals', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops on ${signal} while blocked in recv on an open connection`, async () => {
      const server = await spawnServer('blocking', HTML, NEVER_IDLE);
      const addr = urlParts(server.url);
      const peer = await RawPeer.open(addr.host, addr.port);
      try {
        peer.write(GET_INDEX);
        assert.ok(await peer.until((p) => p.responses() === 1, WAIT_MS));
        await mainThreadBlockedIn(server.pid, READ_SYSCALLS[process.arch]);
        const exited = exitCode(server);
        server.child.kill(signal);
        assert.equal(await exited, 0, `exits cleanly on ${signal}`);
        assert.ok(await peer.until((p) => p.closed, WAIT_MS), 'the open connection is closed');
      } finally {
        peer.destroy();
        await server.stop();
      }
    });
  }

  it('stops on SIGTERM while blocked in accept', async () => {
    const server = await spawnServer('blocking', HTML);
    let code: Awaited<ReturnType<typeof exitCode>>;
    try {
      await mainThreadBlockedIn(server.pid, ACCEPT_SYSCALLS[process.arch]);
      const exited = exitCode(server);
      server.child.kill('SIGTERM');
      code = await exited;
    } finally {
      await server.stop();
    }
    assert.equal(code, 0);
  });
});
