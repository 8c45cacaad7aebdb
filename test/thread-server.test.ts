// The thread server is its design: one OS thread per open connection, each blocked in recv on its
// own, from a pool of Workers that serve one connection at a time and are reused; at most
// --max-workers of them, the rest waiting in the listen backlog; idle ones beyond the spares
// retired; and it stops on a signal with connections open, leaving no thread behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnServer } from '../targets/design-child.js';
import type { RunningServer } from '../targets/running.js';
import { READ_SYSCALLS, threadsReading } from '../conformance/checks/architecture.js';
import { serverSideInode, socketFds } from '../system/proc.js';
import { HTML, RawPeer, urlParts } from './helpers.js';

const GET_INDEX = 'GET /index.html HTTP/1.1\r\nHost: t\r\n\r\n';
const INDEX = readFileSync(join(HTML, 'index.html'), 'latin1');

function threadCount(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).length;
}

/** Polls until the thread count has not changed for 300 ms (spares online, ended threads gone). */
async function settledThreadCount(pid: number, timeoutMs = 5000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = threadCount(pid);
  let since = Date.now();
  while (Date.now() - since < 300) {
    if (Date.now() > deadline) throw new Error(`thread count of ${pid} still changing after ${timeoutMs} ms (now ${count})`);
    await sleep(25);
    const now = threadCount(pid);
    if (now !== count) [count, since] = [now, Date.now()];
  }
  return count;
}

async function waitForThreadCount(pid: number, predicate: (count: number) => boolean, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = threadCount(pid);
  while (!predicate(count) && Date.now() < deadline) {
    await sleep(25);
    count = threadCount(pid);
  }
  return count;
}

/** Opens count connections and has each one answered once; they stay open (keep-alive). */
async function openServed(addr: { host: string; port: number }, count: number): Promise<RawPeer[]> {
  const peers = await Promise.all(Array.from({ length: count }, () => RawPeer.open(addr.host, addr.port)));
  for (const peer of peers) peer.write(GET_INDEX);
  const answered = await Promise.all(peers.map((p) => p.until((q) => q.responses() === 1 && q.text().endsWith(INDEX), 5000)));
  assert.ok(answered.every(Boolean), 'every connection answered');
  return peers;
}

/**
 * The thread of `pid` blocked in recv on the server's end of peer's connection, sampled for up to
 * timeoutMs (a Worker reads in slices, and is briefly out of recv between two).
 */
async function holderThread(pid: number, serverPort: number, peer: RawPeer, timeoutMs = 2000): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const inode = serverSideInode(pid, serverPort, peer.socket.localPort!);
    const fds = inode === undefined ? [] : (socketFds(pid).get(inode) ?? []);
    for (const [tid, fd] of threadsReading(pid, READ_SYSCALLS[process.arch]!)) if (fds.includes(fd)) return tid;
    if (Date.now() > deadline) return undefined;
    await sleep(10);
  }
}

function exitCodeWithin(server: RunningServer, ms: number): Promise<number | null | 'hung'> {
  const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
  return Promise.race([exited, sleep(ms, 'hung' as const, { ref: false })]);
}

describe('thread server', () => {
  let server: RunningServer;
  let addr: { host: string; port: number };
  before(async () => {
    server = await spawnServer('thread', HTML, ['--idle-timeout', '10']);
    addr = urlParts(server.url);
  });
  after(async () => {
    await server.stop();
  });


  it('answers a second connection while the first stays open', async () => {
    const first = await RawPeer.open(addr.host, addr.port);
    const second = await RawPeer.open(addr.host, addr.port);
    try {
      first.write(GET_INDEX);
      assert.ok(await first.until((p) => p.responses() === 1, 3000), 'first connection answered');
      second.write(GET_INDEX);
      assert.ok(await second.until((p) => p.responses() === 1 && p.text().endsWith(INDEX), 3000), 'second answered with the first still open');
      assert.equal(first.closed, false);
      first.write(GET_INDEX);
      assert.ok(await first.until((p) => p.responses() === 2, 3000), 'the first connection is still served');
    } finally {
      first.destroy();
      second.destroy();
    }
  });

  it('holds 8 open connections in 8 distinct threads, each blocked in recv on its own connection', async () => {
    const peers = await openServed(addr, 8);
    try {
      const holders = await Promise.all(peers.map((p) => holderThread(server.pid, addr.port, p)));
      assert.ok(holders.every((t) => t !== undefined && t !== server.pid), `every connection held by a Worker thread: ${holders.join(', ')}`);
      assert.equal(new Set(holders).size, 8, `8 distinct threads: ${holders.join(', ')}`);
    } finally {
      for (const peer of peers) peer.destroy();
    }
  });

  it('a Worker serves one connection at a time, then the next: connections one after another reuse Workers', async () => {
    const rest = await settledThreadCount(server.pid);
    const holders: Array<number | undefined> = [];
    for (let i = 0; i < 4; i++) {
      if (i > 0) await sleep(100); // let the Worker see the close and come back
      const peer = await RawPeer.open(addr.host, addr.port);
      try {
        peer.write(GET_INDEX);
        assert.ok(await peer.until((p) => p.responses() === 1 && p.text().endsWith(INDEX), 3000), 'answered');
        holders.push(await holderThread(server.pid, addr.port, peer));
      } finally {
        peer.destroy();
      }
    }
    assert.ok(holders.every((t) => t !== undefined), `each connection held by a thread: ${holders.join(', ')}`);
    // The Worker that became idle last is the next one used (or a spare that became ready later):
    // a Worker goes back to the pool when its connection closes, instead of ending.
    assert.ok(new Set(holders).size < 4, `4 connections one after another, served by threads ${holders.join(', ')}: one served several`);
    // One spare at most is started to replace the Worker taken from the pool; none per connection.
    const after = await settledThreadCount(server.pid);
    assert.ok(after <= rest + 1, `threads ${rest} before 4 connections one after another, ${after} after`);
  });

  it('answers 12 new connections one after another without waiting for a Worker to start', async () => {
    // More sequential connections than spares. Were each connection to wait for a Worker's start,
    // or for an accept slice (250 ms), 12 would take seconds.
    const started = Date.now();
    for (let i = 0; i < 12; i++) {
      const peer = await RawPeer.open(addr.host, addr.port);
      try {
        peer.write('GET /index.html HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
        assert.ok(await peer.until((p) => p.closed && p.responses() === 1, 3000), `connection ${i} answered`);
      } finally {
        peer.destroy();
      }
    }
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 12 * 250 * 0.6, `12 new connections took ${elapsed} ms`);
  });
});

describe('thread server pool', () => {
  it('retires the Workers beyond the spares once they have waited --idle-timeout, and keeps the spares', async () => {
    const server = await spawnServer('thread', HTML, ['--idle-timeout', '0.5']);
    try {
      const addr = urlParts(server.url);
      const rest = await settledThreadCount(server.pid);
      const peers = await openServed(addr, 3);
      // 3 spares took the connections, and 3 more were started to keep 4 spares.
      const grown = await waitForThreadCount(server.pid, (n) => n >= rest + 3, 3000);
      assert.ok(grown >= rest + 3, `3 open connections: ${grown} threads, at rest ${rest}`);
      for (const peer of peers) peer.destroy();
      // Retired one a second, after 0.5 s idle.
      const settled = await waitForThreadCount(server.pid, (n) => n <= rest, 8000);
      assert.ok(settled <= rest, `threads back to ${rest} (now ${settled})`);
      await sleep(1500);
      assert.equal(threadCount(server.pid), rest, 'the spares are kept');
      const [again] = await openServed(addr, 1);
      again!.destroy();
    } finally {
      await server.stop();
    }
  });
});

describe('thread server at --max-workers', () => {
  it('serves at most 3 connections at once; the others wait in the backlog and are answered later', async () => {
    const server = await spawnServer('thread', HTML, ['--max-workers', '3', '--idle-timeout', '10']);
    const addr = urlParts(server.url);
    const peers: RawPeer[] = [];
    try {
      const rest = await settledThreadCount(server.pid);
      for (let i = 0; i < 6; i++) peers.push(await RawPeer.open(addr.host, addr.port));
      for (const peer of peers) peer.write(GET_INDEX);
      const answered = (): RawPeer[] => peers.filter((p) => p.responses() === 1);
      const deadline = Date.now() + 3000;
      while (answered().length < 3 && Date.now() < deadline) await sleep(20);
      await sleep(500);
      assert.equal(answered().length, 3, 'three answered, three waiting');
      assert.ok(peers.every((p) => !p.closed), 'no connection refused or closed');
      assert.ok(threadCount(server.pid) <= rest, 'no thread beyond the cap');
      const first = answered();
      for (const peer of first) peer.destroy();
      const waiting = peers.filter((p) => !first.includes(p));
      const later = await Promise.all(waiting.map((p) => p.until((q) => q.responses() === 1 && q.text().endsWith(INDEX), 3000)));
      assert.ok(later.every(Boolean), 'the waiting connections answered once the first ones closed');
    } finally {
      for (const peer of peers) peer.destroy();
      await server.stop();
    }
  });

  it('answers a flood of connections at the cap without refusing any or starting threads beyond it', async () => {
    const server = await spawnServer('thread', HTML, ['--max-workers', '3']);
    const addr = urlParts(server.url);
    const peers: RawPeer[] = [];
    try {
      const rest = await settledThreadCount(server.pid);
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, threadCount(server.pid))), 5);
      try {
        for (let i = 0; i < 30; i++) peers.push(await RawPeer.open(addr.host, addr.port));
        for (const peer of peers) peer.write('GET /index.html HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
        const done = await Promise.all(peers.map((p) => p.until((q) => q.closed, 10_000)));
        assert.ok(done.every(Boolean), 'every connection completed');
      } finally {
        clearInterval(sampler);
      }
      assert.ok(peers.every((p) => p.responses() === 1 && p.text().endsWith(INDEX)), 'every connection answered, none refused');
      // The 3 Workers of the cap were started at once, as spares, and served all 30 connections.
      assert.ok(peak <= rest, `peak ${peak} threads, at rest ${rest}`);
    } finally {
      for (const peer of peers) peer.destroy();
      await server.stop();
    }
  });

  it('releases the thread of a client that resets mid-request or mid-response', async () => {
    const server = await spawnServer('thread', HTML, ['--max-workers', '2', '--idle-timeout', '10']);
    const addr = urlParts(server.url);
    try {
      const midRequest = await RawPeer.open(addr.host, addr.port);
      midRequest.write('GET /index.html HTTP/1.1\r\nHo');
      await sleep(50);
      midRequest.socket.resetAndDestroy();
      const midResponse = await RawPeer.open(addr.host, addr.port);
      midResponse.socket.pause(); // read little, so the server is still sending when the reset lands
      midResponse.write('GET /large.bin HTTP/1.1\r\nHost: t\r\n\r\n');
      await sleep(200);
      midResponse.socket.resetAndDestroy();
      // Both places under the cap of 2 are free again only if both Workers went back to the pool.
      const peers = await openServed(addr, 2);
      for (const peer of peers) peer.destroy();
    } finally {
      await server.stop();
    }
  });
});

describe('thread server signals', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const atCap of [false, true]) {
      const where = atCap ? 'at the cap, with a connection in the backlog' : 'blocked in accept';
      // A thread left running (a spare, a Worker blocked in recv) would keep the process from exiting.
      it(`exits 0 on ${signal} with idle connections open, ${where}, and leaves no thread`, async () => {
        const server = await spawnServer('thread', HTML, atCap ? ['--max-workers', '3'] : []);
        const addr = urlParts(server.url);
        const peers = await openServed(addr, 3);
        const queued = await RawPeer.open(addr.host, addr.port);
        try {
          if (!atCap) queued.write(GET_INDEX);
          if (!atCap) assert.ok(await queued.until((p) => p.responses() === 1, 3000));
          const code = exitCodeWithin(server, 3000);
          server.child.kill(signal);
          assert.equal(await code, 0, `exits cleanly on ${signal}`);
          const closed = await Promise.all(peers.map((p) => p.until((q) => q.closed, 2000)));
          assert.ok(closed.every(Boolean), 'the open connections are closed');
        } finally {
          for (const peer of peers) peer.destroy();
          queued.destroy();
          await server.stop();
        }
      });
    }
  }
});
