// The process server is its design: every open connection is served by a child process of its own,
// from a pool of children that serve one connection at a time and are reused; the number of
// children is capped; idle ones beyond the spares are retired and reaped; and no child outlives the
// server, whether it stops on a signal or is killed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnServer } from '../targets/design-child.js';
import type { RunningServer } from '../targets/running.js';
import { CHANNEL_FD } from '../servers/process/child-options.js';
import { READ_SYSCALLS, threadsReading } from '../conformance/checks/architecture.js';
import { serverSideInode } from '../system/proc.js';
import { HTML, RawPeer, sampled, urlParts } from './helpers.js';

const GET_INDEX = 'GET /index.html HTTP/1.1\r\nHost: t\r\n\r\n';
const INDEX = readFileSync(join(HTML, 'index.html'), 'latin1');

/** Bounds every wait for something a correct server does: reached only when the test fails, so it
 * can be as long as the most loaded machine needs. */
const PATIENCE_MS = 30_000;

// ---- reading processes and sockets under /proc ---------------------------------------------------

/** The pids whose parent is pid (every thread's list: a child belongs to the thread that spawned it). */
function childrenOf(pid: number): number[] {
  const tasks = readdirSync(`/proc/${pid}/task`);
  return tasks.flatMap((tid) => readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
}

/** State and parent from /proc/PID/stat, or null once the pid is gone (reaped). */
function processStat(pid: number): { state: string; ppid: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
  const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: state!, ppid: Number(ppid) };
}

/**
 * The pid among candidates that holds the server side of the TCP connection from the client's
 * local port to serverPort: the socket's inode comes from /proc/net/tcp, its holder from the fd
 * links ("socket:[inode]").
 */
function connectionHolder(serverPort: number, clientPort: number, candidates: number[]): number | undefined {
  const hex = (port: number): string => port.toString(16).toUpperCase().padStart(4, '0');
  const row = readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find((f) => f[1]?.endsWith(`:${hex(serverPort)}`) && f[2]?.endsWith(`:${hex(clientPort)}`) && f[9] !== '0'); // 0: TIME_WAIT, no socket
  if (row === undefined) return undefined;
  const link = `socket:[${row[9]}]`;
  return candidates.find((pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === link);
    } catch {
      return false; // the process exited while we looked
    }
  });
}

/** Whether child is done with a connection: back in recvmsg on its channel, waiting for the next
 * one (it reported DONE before), or exited. */
function waitsOrExited(child: number): boolean {
  if (processStat(child) === null) return true;
  try {
    return threadsReading(child, READ_SYSCALLS[process.arch]!).get(child) === CHANNEL_FD;
  } catch {
    return true; // it exited while we looked
  }
}

/** Waits until every pid is reaped (or, if zombieCounts, at least dead); returns those still there. */
async function survivors(pids: number[], timeoutMs: number, zombieCounts = false): Promise<number[]> {
  const alive = (pid: number): boolean => {
    const stat = processStat(pid);
    return stat !== null && !(zombieCounts && stat.state === 'Z');
  };
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive) && Date.now() < deadline) await sleep(20);
  return pids.filter(alive);
}

function exitOf(server: RunningServer, timeoutMs: number): Promise<number | null | 'hung'> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve(server.child.exitCode);
    const timer = setTimeout(() => resolve('hung'), timeoutMs);
    server.child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function openAnswered(addr: { host: string; port: number }, count: number): Promise<RawPeer[]> {
  const peers = await Promise.all(Array.from({ length: count }, () => RawPeer.open(addr.host, addr.port)));
  for (const peer of peers) peer.write(GET_INDEX);
  for (const peer of peers) assert.ok(await peer.until((p) => p.responses() === 1 && p.text().endsWith(INDEX), PATIENCE_MS), 'answered');
  return peers;
}

describe('process server', () => {
  let server: RunningServer;
  let addr: { host: string; port: number };
  before(async () => {
    server = await spawnServer('process', HTML);
    addr = urlParts(server.url);
  });
  after(async () => {
    await server.stop();
  });

  it('serves each of 5 open connections from a child process of its own', async () => {
    const peers = await openAnswered(addr, 5);
    try {
      const children = childrenOf(server.pid);
      assert.ok(children.length >= 5, `at least 5 children, got ${children.length}`);
      const holders = peers.map((p) => connectionHolder(addr.port, p.socket.localPort!, [server.pid, ...children]));
      assert.equal(new Set(holders).size, 5, `five distinct holders: ${holders.join(', ')}`);
      for (const holder of holders) {
        assert.notEqual(holder, undefined, 'every connection is held by the server or a child');
        assert.notEqual(holder, server.pid, 'the parent keeps no copy of a connection it handed over');
        assert.equal(processStat(holder!)?.ppid, server.pid);
      }
    } finally {
      for (const peer of peers) peer.destroy();
    }
  });

  it('a child serves one connection at a time, then the next: connections one after another reuse children', async () => {
    const holders: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [peer] = await openAnswered(addr, 1);
      const clientPort = peer!.socket.localPort!;
      const holder = connectionHolder(addr.port, clientPort, childrenOf(server.pid));
      peer!.destroy();
      assert.ok(holder !== undefined, `connection ${i} held by a child`);
      holders.push(holder);
      // The child has seen the close, reported it, and waits for its next connection.
      await sampled(() => connectionHolder(addr.port, clientPort, [holder]) === undefined && waitsOrExited(holder), `child ${holder} done with its connection`);
    }
    // The child that became idle last is the next one used (or a spare that became ready later):
    // a child goes back to the pool when its connection closes, instead of exiting.
    assert.ok(new Set(holders).size < 4, `4 connections one after another, served by children ${holders.join(', ')}: one served several`);
    const children = childrenOf(server.pid);
    assert.ok(
      holders.every((h) => children.includes(h)),
      'every one of those children is still alive',
    );
  });

  it('keeps serving others when clients reset mid-request and mid-response', async () => {
    const midRequest = await RawPeer.open(addr.host, addr.port);
    midRequest.write('GET /index.html HTTP/1.1\r\nHo');
    const midResponse = await RawPeer.open(addr.host, addr.port);
    midResponse.write('GET /large.bin HTTP/1.1\r\nHost: t\r\n\r\n');
    assert.ok(await midResponse.until((p) => p.received.length > 0, PATIENCE_MS), 'the large response started');
    midResponse.socket.pause(); // stop reading, so that the child is still sending when the reset comes
    const ports = [midRequest, midResponse].map((p) => p.socket.localPort!);
    // The half request's connection is in flight to its child (sent over the channel) until that
    // child has received it.
    const holders = await sampled(() => {
      const found = ports.map((port) => connectionHolder(addr.port, port, childrenOf(server.pid)));
      return found.every((h) => h !== undefined) && found;
    }, 'both connections held by children');
    midRequest.socket.resetAndDestroy();
    midResponse.socket.resetAndDestroy();
    const peer = await RawPeer.open(addr.host, addr.port);
    try {
      peer.write(GET_INDEX);
      assert.ok(await peer.until((p) => p.responses() === 1 && p.text().endsWith(INDEX), PATIENCE_MS), 'another client is served');
      // Their children let go of the connections and went back to the pool.
      await sampled(
        () => ports.every((port) => connectionHolder(addr.port, port, holders) === undefined),
        'the children of the reset connections hold them no more',
      );
      const children = childrenOf(server.pid);
      assert.ok(
        holders.every((pid) => children.includes(pid)),
        `the children of the reset connections, ${holders.join(', ')}, are alive`,
      );
    } finally {
      peer.destroy();
    }
  });
});

describe('process server pool', () => {
  it('retires the children beyond the spares once they have waited --idle-timeout, reaps them, and keeps the spares', async () => {
    const server = await spawnServer('process', HTML, ['--idle-timeout', '0.5']);
    try {
      const addr = urlParts(server.url);
      const spares = await sampled(() => childrenOf(server.pid).length >= 4 && childrenOf(server.pid), '4 spares started');
      assert.equal(spares.length, 4, `4 spares at rest: ${spares.join(', ')}`);
      const peers = await openAnswered(addr, 3);
      // 3 spares took the connections, and 3 more were started to keep 4 spares.
      const grown = await sampled(() => childrenOf(server.pid).length >= 7 && childrenOf(server.pid), '3 open connections: 7 children');
      for (const peer of peers) peer.destroy();
      // Retired one a second, after 0.5 s idle: their channel closes, they exit and are reaped.
      const closed = performance.now();
      await sampled(() => childrenOf(server.pid).length <= 4, 'back to 4 children');
      const drainMs = performance.now() - closed;
      assert.equal(childrenOf(server.pid).length, 4, 'back to 4 children');
      const retired = grown.filter((pid) => !childrenOf(server.pid).includes(pid));
      assert.equal(retired.length, 3);
      assert.deepEqual(await survivors(retired, PATIENCE_MS), [], 'the retired children were reaped, not left as zombies');
      // Only waiting shows that no spare is retired: half as long as the three took to go is more
      // than one retirement tick, however slow the machine.
      await sleep(Math.max(1500, drainMs / 2));
      assert.equal(childrenOf(server.pid).length, 4, 'the spares are kept');
      const [again] = await openAnswered(addr, 1);
      again!.destroy();
    } finally {
      await server.stop();
    }
  });
});

describe('process server with --max-workers 3', () => {
  let server: RunningServer;
  let addr: { host: string; port: number };
  before(async () => {
    server = await spawnServer('process', HTML, ['--max-workers', '3', '--idle-timeout', '10']);
    addr = urlParts(server.url);
  });
  after(async () => {
    await server.stop();
  });

  it('never has more than 3 children; connections beyond them wait in the backlog, none is refused', async () => {
    let most = 0;
    const sampler = setInterval(() => {
      most = Math.max(most, childrenOf(server.pid).length);
    }, 5);
    const peers = await Promise.all(Array.from({ length: 6 }, () => RawPeer.open(addr.host, addr.port)));
    try {
      for (const peer of peers) peer.write(GET_INDEX);
      const answered = (): RawPeer[] => peers.filter((p) => p.responses() === 1);
      await sampled(() => answered().length >= 3, 'three connections answered');
      // Only waiting shows that no fourth is answered.
      await sleep(500);
      const first = answered();
      assert.equal(first.length, 3, 'three connections answered while all three stay open');
      const rest = peers.filter((p) => !first.includes(p));
      for (const peer of rest) assert.equal(serverSideInode(server.pid, addr.port, peer.socket.localPort!), undefined, 'not accepted: in the listen backlog');
      for (const peer of first) peer.destroy();
      for (const peer of rest) {
        assert.ok(await peer.until((p) => p.responses() === 1 && p.text().endsWith(INDEX), PATIENCE_MS), 'answered once earlier ones closed');
        assert.equal(peer.closed, false, 'kept open, not refused');
      }
      assert.ok(most <= 3, `at most 3 children at once, saw ${most}`);
    } finally {
      clearInterval(sampler);
      for (const peer of peers) peer.destroy();
    }
  });
});

describe('process server stopping', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops on ${signal} with open connections: exit 0, every child gone`, async () => {
      const server = await spawnServer('process', HTML);
      const addr = urlParts(server.url);
      let peers: RawPeer[] = [];
      try {
        peers = await openAnswered(addr, 2);
        const children = childrenOf(server.pid);
        assert.ok(children.length >= 2);
        server.child.kill(signal);
        assert.equal(await exitOf(server, PATIENCE_MS), 0, `exits cleanly on ${signal}`);
        // The parent waited for its children, so each one has been reaped, not left to init.
        assert.deepEqual(await survivors(children, 0), [], 'no child outlives the server');
        for (const peer of peers) assert.ok(await peer.until((p) => p.closed, PATIENCE_MS), 'open connections are closed');
      } finally {
        for (const peer of peers) peer.destroy();
        await server.stop();
      }
    });
  }

  it('children die with a parent killed by SIGKILL (PR_SET_PDEATHSIG)', async () => {
    const server = await spawnServer('process', HTML);
    const addr = urlParts(server.url);
    let peers: RawPeer[] = [];
    try {
      peers = await openAnswered(addr, 2);
      const children = childrenOf(server.pid);
      assert.ok(children.length >= 2);
      server.child.kill('SIGKILL');
      assert.equal(await exitOf(server, PATIENCE_MS), null);
      // Orphans are reparented to init, which in some containers never reaps: a zombie has exited.
      assert.deepEqual(await survivors(children, PATIENCE_MS, true), [], 'every child exited');
      for (const peer of peers) assert.ok(await peer.until((p) => p.closed, PATIENCE_MS), 'open connections are closed');
    } finally {
      for (const peer of peers) peer.destroy();
      await server.stop();
    }
  });
});
