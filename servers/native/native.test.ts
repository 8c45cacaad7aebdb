// Tests for the syscall addon. Nothing here may block: sockets are non-blocking and waits are polls
// with a deadline that yield to the event loop (the node:net peers need it); the blocking cases run
// in a child process with a timeout. Every deadline bounds a wait for something a correct addon
// does at once, so it is generous: it costs time only when a test fails.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { C, native } from './index.js';
import { isSyscallError, type SyscallError } from './errors.js';

const NB = C.SOCK_NONBLOCK | C.SOCK_CLOEXEC;
const EVENT_LIMIT_MS = 30_000;

/** Closes, at the end of the test, every fd it was given and that the test did not close itself. */
function fdScope(t: TestContext) {
  const open = new Set<number>();
  t.after(() => {
    for (const fd of open) {
      try {
        native.close(fd);
      } catch {
        /* already gone */
      }
    }
    open.clear();
  });
  return {
    add(fd: number): number {
      assert.ok(Number.isInteger(fd) && fd >= 0, `expected an fd, got ${fd}`);
      open.add(fd);
      return fd;
    },
    close(fd: number): void {
      open.delete(fd);
      native.close(fd);
    },
  };
}
type Fds = ReturnType<typeof fdScope>;

function listener(fds: Fds, flags = NB): { fd: number; port: number } {
  const fd = fds.add(native.socket(C.AF_INET, flags));
  native.setsockopt(fd, C.SOL_SOCKET, C.SO_REUSEADDR, 1);
  native.bind(fd, '127.0.0.1', 0);
  native.listen(fd, 16);
  return { fd, port: native.getsockname(fd).port };
}

/** Polls fd with timeout 0 until one of `events` (or an error) is reported, yielding in between. */
async function waitReady(fd: number, events: number, ms = EVENT_LIMIT_MS): Promise<number> {
  const fds = Int32Array.of(fd);
  const ev = Int16Array.of(events);
  const rev = new Int16Array(1);
  const deadline = Date.now() + ms;
  for (;;) {
    const n = native.poll(fds, ev, rev, 0);
    if (n > 0) return rev[0]!;
    if (Date.now() > deadline) throw new Error(`fd ${fd} not ready for ${events} within ${ms} ms`);
    await sleep(2);
  }
}

async function client(t: TestContext, port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  t.after(() => socket.destroy());
  await once(socket, 'connect');
  return socket;
}

/** A listener, a node:net client connected to it, and the accepted non-blocking server-side fd. */
async function connectedPair(t: TestContext, fds: Fds) {
  const l = listener(fds);
  const peer = await client(t, l.port);
  await waitReady(l.fd, C.POLLIN);
  const fd = fds.add(native.accept4(l.fd, NB));
  return { listenFd: l.fd, port: l.port, fd, peer };
}

/** Reads from a node:net socket until `count` bytes have arrived. */
function collect(socket: Socket, count: number, ms = EVENT_LIMIT_MS): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const timer = setTimeout(() => reject(new Error(`only ${got} of ${count} bytes within ${ms} ms`)), ms);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      got += chunk.length;
      if (got >= count) {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks));
      }
    });
  });
}

function pattern(size: number, seed = 7): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed + (i >> 8)) & 0xff;
  return out;
}

function syscallError(code: string, syscall: string) {
  return (err: unknown): boolean => {
    assert.ok(isSyscallError(err), `not a SyscallError: ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.syscall, syscall);
    assert.ok(err.errno > 0);
    assert.match(err.message, new RegExp(`^${syscall}: `));
    return true;
  };
}

test('constants: numbers, EPOLLET is the unsigned high bit', () => {
  for (const [name, value] of Object.entries(C)) assert.equal(typeof value, 'number', name);
  assert.equal(C.EPOLLET, 2 ** 31);
  assert.equal(C.EAGAIN, 11);
  assert.equal(C.EINTR, 4);
  assert.equal(C.SIGTERM, 15);
  assert.ok(Object.isFrozen(C));
});

test('socket/bind/listen on 127.0.0.1:0, getsockname, SO_REUSEADDR', (t) => {
  const fds = fdScope(t);
  const fd = fds.add(native.socket(C.AF_INET, NB));
  native.setsockopt(fd, C.SOL_SOCKET, C.SO_REUSEADDR, 1);
  native.setsockopt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, 1);
  native.bind(fd, '127.0.0.1', 0);
  native.listen(fd, 64);
  const addr = native.getsockname(fd);
  assert.equal(addr.address, '127.0.0.1');
  assert.ok(addr.port > 0 && addr.port < 65536);
  // A second socket cannot bind the same port while the first listens.
  const other = fds.add(native.socket(C.AF_INET, NB));
  assert.throws(() => native.bind(other, '127.0.0.1', addr.port), syscallError('EADDRINUSE', 'bind'));
});

test('bind accepts an IPv6 literal', (t) => {
  const fds = fdScope(t);
  let fd: number;
  try {
    fd = fds.add(native.socket(C.AF_INET6, NB));
    native.bind(fd, '::1', 0);
  } catch (err) {
    if (isSyscallError(err) && ['EAFNOSUPPORT', 'EADDRNOTAVAIL'].includes(err.code)) {
      t.skip(`no IPv6 loopback here (${err.code})`);
      return;
    }
    throw err;
  }
  native.listen(fd, 16);
  const addr = native.getsockname(fd);
  assert.equal(addr.address, '::1');
  assert.ok(addr.port > 0);
});

test('accept4: -EAGAIN when idle, then POLLIN, an fd and the peer address', async (t) => {
  const fds = fdScope(t);
  const l = listener(fds);
  assert.equal(native.accept4(l.fd, NB), -C.EAGAIN);
  const rev = new Int16Array(1);
  assert.equal(native.poll(Int32Array.of(l.fd), Int16Array.of(C.POLLIN), rev, 0), 0);

  const peer = await client(t, l.port);
  assert.ok((await waitReady(l.fd, C.POLLIN)) & C.POLLIN);
  const fd = fds.add(native.accept4(l.fd, NB));
  assert.deepEqual(native.getpeername(fd), { address: '127.0.0.1', port: peer.localPort });
  assert.deepEqual(native.getsockname(fd), { address: '127.0.0.1', port: l.port });
  assert.equal(native.accept4(l.fd, NB), -C.EAGAIN);
});

test('setNonBlocking turns a blocking listener non-blocking', (t) => {
  const fds = fdScope(t);
  const l = listener(fds, C.SOCK_CLOEXEC);
  native.setNonBlocking(l.fd, true);
  assert.equal(native.accept4(l.fd, NB), -C.EAGAIN);
  native.setNonBlocking(l.fd, false);
  native.setNonBlocking(l.fd, true);
  assert.equal(native.accept4(l.fd, NB), -C.EAGAIN);
});

test('recv/send round-trip exact bytes, honouring offsets into Buffer pool slices and subarrays', async (t) => {
  const fds = fdScope(t);
  const { fd, peer } = await connectedPair(t, fds);

  // client -> server: 300 KiB, read into a view that does not start at its ArrayBuffer's origin.
  const upload = pattern(300 * 1024, 1);
  peer.write(upload);
  const backing = new Uint8Array(upload.length + 64);
  const view = backing.subarray(32, 32 + upload.length + 16); // byteOffset 32
  let got = 0;
  while (got < upload.length) {
    const n = native.recv(fd, view, 8 + got, Math.min(16 * 1024, upload.length - got));
    if (n === -C.EAGAIN) {
      await waitReady(fd, C.POLLIN);
      continue;
    }
    assert.ok(n > 0, `recv returned ${n}`);
    got += n;
  }
  assert.ok(Buffer.from(backing.subarray(40, 40 + upload.length)).equals(upload));
  assert.equal(backing[39], 0);
  assert.equal(backing[40 + upload.length], 0);

  // server -> client: from a pooled Buffer slice (non-zero byteOffset), at an offset.
  const download = pattern(200 * 1024, 2);
  const source = Buffer.concat([Buffer.from('xxxx'), download]).subarray(1); // 'xxx' + download
  const arriving = collect(peer, download.length);
  let sent = 0;
  while (sent < download.length) {
    const n = native.send(fd, source, 3 + sent, download.length - sent);
    if (n === -C.EAGAIN) {
      await waitReady(fd, C.POLLOUT);
      continue;
    }
    assert.ok(n > 0);
    sent += n;
  }
  assert.ok((await arriving).equals(download));
});

test('recv returns 0 when the peer closes', async (t) => {
  const fds = fdScope(t);
  const { fd, peer } = await connectedPair(t, fds);
  peer.end('last');
  const buf = Buffer.alloc(16);
  let text = '';
  for (;;) {
    const n = native.recv(fd, buf, 0, buf.length);
    if (n === -C.EAGAIN) {
      await waitReady(fd, C.POLLIN);
      continue;
    }
    if (n === 0) break;
    text += buf.toString('latin1', 0, n);
  }
  assert.equal(text, 'last');
});

test('setTimeouts: a blocking recv on a silent peer returns -EAGAIN after SO_RCVTIMEO', async (t) => {
  const fds = fdScope(t);
  const { fd } = await connectedPair(t, fds);
  native.setNonBlocking(fd, false);
  native.setTimeouts(fd, 150, 150);
  const started = Date.now();
  const n = native.recv(fd, Buffer.alloc(16), 0, 16);
  assert.equal(n, -C.EAGAIN);
  // The kernel guarantees at least the timeout; this proves the call blocked rather than polled.
  assert.ok(Date.now() - started >= 100, 'recv blocked until the timeout');
  assert.throws(() => native.setTimeouts(fd, -1, 0), RangeError);
});

test('send after the peer reset throws EPIPE or ECONNRESET (no SIGPIPE)', async (t) => {
  const fds = fdScope(t);
  const { fd, peer } = await connectedPair(t, fds);
  peer.resetAndDestroy();
  assert.ok((await waitReady(fd, C.POLLIN)) & (C.POLLERR | C.POLLHUP | C.POLLIN));
  // The reset has arrived (nothing else makes the fd readable), so the very next send fails.
  const chunk = Buffer.alloc(1024, 1);
  assert.throws(
    () => native.send(fd, chunk, 0, chunk.length),
    (err: unknown) => {
      assert.ok(isSyscallError(err), `not a SyscallError: ${String(err)}`);
      assert.ok(['EPIPE', 'ECONNRESET'].includes(err.code), err.code);
      assert.equal(err.syscall, 'send');
      return true;
    },
  );
  // Once the reset has been reported, further writes fail with EPIPE, from writev too.
  assert.throws(() => native.writev(fd, [chunk]), syscallError('EPIPE', 'writev'));
});

test('writev sends several buffers in order', async (t) => {
  const fds = fdScope(t);
  const { fd, peer } = await connectedPair(t, fds);
  const parts = [
    Buffer.from('HTTP/1.1 200 OK\r\n'),
    new Uint8Array(0),
    Buffer.from('__Content-Length: 5\r\n\r\n').subarray(2),
    new Uint8Array([104, 101, 108, 108, 111]),
  ];
  const expected = Buffer.concat(parts);
  const arriving = collect(peer, expected.length);
  assert.equal(native.writev(fd, parts), expected.length);
  assert.equal((await arriving).toString('latin1'), expected.toString('latin1'));
  assert.equal(native.writev(fd, []), 0);
});

test('writev sends at most 64 buffers per call (a partial write)', async (t) => {
  const fds = fdScope(t);
  const { fd, peer } = await connectedPair(t, fds);
  const bufs = Array.from({ length: 100 }, (_, i) => Uint8Array.of(i));
  const arriving = collect(peer, 64);
  assert.equal(native.writev(fd, bufs), 64);
  assert.deepEqual([...(await arriving)], [...Array(64).keys()]);
});

test('epoll: idle wait returns 0, then [fd, EPOLLIN]; EPOLLET via MOD; DEL', async (t) => {
  const fds = fdScope(t);
  const { fd, peer } = await connectedPair(t, fds);
  const epfd = fds.add(native.epollCreate1(C.EPOLL_CLOEXEC));
  const out = new Uint32Array(2 * 8);
  native.epollCtl(epfd, C.EPOLL_CTL_ADD, fd, C.EPOLLIN | C.EPOLLRDHUP);
  assert.equal(native.epollWait(epfd, out, 8, 0), 0);

  peer.write('ping');
  // An epoll fd is itself pollable: readable once its ready list is not empty.
  await waitReady(epfd, C.POLLIN);
  assert.equal(native.epollWait(epfd, out, 8, 0), 1);
  assert.equal(out[0], fd);
  assert.equal(out[1]! & C.EPOLLIN, C.EPOLLIN);
  // Level-triggered: still ready while unread.
  assert.equal(native.epollWait(epfd, out, 8, 0), 1);

  // `C.EPOLLIN | C.EPOLLET` is negative in JS int32 arithmetic; the addon takes it as uint32.
  native.epollCtl(epfd, C.EPOLL_CTL_MOD, fd, C.EPOLLIN | C.EPOLLET);
  assert.equal(native.epollWait(epfd, out, 8, 0), 1); // re-armed with data pending
  assert.equal(native.epollWait(epfd, out, 8, 0), 0); // the edge has been consumed

  native.epollCtl(epfd, C.EPOLL_CTL_DEL, fd, 0);
  assert.throws(() => native.epollCtl(epfd, C.EPOLL_CTL_DEL, fd, 0), syscallError('ENOENT', 'epoll_ctl'));
});

test('errors carry code, errno and syscall', (t) => {
  const fds = fdScope(t);
  assert.throws(
    () => native.close(-1),
    (err: SyscallError) => {
      assert.equal(err.message, 'close: Bad file descriptor');
      assert.equal(err.code, 'EBADF');
      assert.equal(err.errno, 9);
      assert.equal(err.syscall, 'close');
      return true;
    },
  );
  const fd = native.socket(C.AF_INET, NB);
  native.close(fd); // no await in between: the number cannot be reused yet
  assert.throws(() => native.recv(fd, Buffer.alloc(4), 0, 4), syscallError('EBADF', 'recv'));
  const s = fds.add(native.socket(C.AF_INET, NB));
  assert.throws(() => native.recv(s, Buffer.alloc(4), 0, 4), syscallError('ENOTCONN', 'recv'));
  assert.throws(() => native.listen(123456, 1), syscallError('EBADF', 'listen'));
  assert.throws(() => native.bind(s, 'localhost', 0), syscallError('EINVAL', 'bind'));
});

test('bad arguments throw TypeError / RangeError instead of crashing', (t) => {
  const fds = fdScope(t);
  const s = fds.add(native.socket(C.AF_INET, NB));
  const any = native as unknown as Record<string, (...args: unknown[]) => unknown>;
  assert.throws(() => any.socket!(), TypeError);
  assert.throws(() => any.recv!('3', Buffer.alloc(1), 0, 1), TypeError);
  assert.throws(() => any.recv!(s, [1, 2, 3], 0, 1), TypeError);
  assert.throws(() => any.send!(s, new Uint16Array(4), 0, 1), TypeError);
  assert.throws(() => any.recv!(s, Buffer.alloc(4), 1.5, 1), RangeError);
  assert.throws(() => native.recv(s, Buffer.alloc(4), 2, 3), RangeError);
  assert.throws(() => native.send(s, Buffer.alloc(4).subarray(2), 0, 3), RangeError);
  assert.throws(() => native.send(s, Buffer.alloc(4), 5, 0), RangeError);
  assert.throws(() => any.writev!(s, 'nope'), TypeError);
  assert.throws(() => any.writev!(s, [Buffer.alloc(1), {}]), TypeError);
  assert.throws(() => any.setNonBlocking!(s, 1), TypeError);
  assert.throws(() => any.bind!(s, 127, 0), TypeError);
  assert.throws(() => native.bind(s, '127.0.0.1', 70000), RangeError);
  assert.throws(() => native.poll(new Int32Array(2), new Int16Array(2), new Int16Array(1), 0), RangeError);
  assert.throws(() => any.poll!(new Int16Array(1), new Int16Array(1), new Int16Array(1), 0), TypeError);
  assert.throws(() => native.epollWait(s, new Uint32Array(3), 2, 0), RangeError);
  // Zero-length operations on an empty view are fine.
  assert.equal(native.poll(new Int32Array(0), new Int16Array(0), new Int16Array(0), 0), 0);
});

test('poll reports POLLNVAL for a bad fd and ignores negative fds', () => {
  const rev = new Int16Array(2);
  assert.equal(native.poll(Int32Array.of(-1, 1_000_000), Int16Array.of(C.POLLIN, C.POLLIN), rev, 0), 1);
  assert.equal(rev[0], 0);
  assert.equal(rev[1], C.POLLNVAL);
});

test('the addon loads in a worker_thread; gettid differs between threads', async () => {
  const mainTid = native.gettid();
  assert.ok(mainTid > 0);
  assert.equal(mainTid, process.pid); // the main thread's tid is the pid
  const indexUrl = new URL('./index.js', import.meta.url).href;
  const worker = new Worker(
    `import(${JSON.stringify(indexUrl)}).then(({ native }) => require('node:worker_threads').parentPort.postMessage(native.gettid()));`,
    { eval: true },
  );
  // Listen for 'exit' now: when the worker ends, Node drains its messages and emits 'exit' in the
  // same tick, before an `await once(worker, 'message')` continuation could subscribe.
  const exited = once(worker, 'exit');
  const [workerTid] = (await once(worker, 'message')) as [number];
  await exited;
  assert.ok(workerTid > 0);
  assert.notEqual(workerTid, mainTid);
});

// ---- passing fds over AF_UNIX (socketpair, sendFd, recvFd) ---------------------------------------

/** fdinfo's flags are octal open(2) flags; O_CLOEXEC is 02000000. */
function closeOnExec(fd: number): boolean {
  const flags = /^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1]!;
  return (parseInt(flags, 8) & 0o2000000) !== 0;
}

test('socketpair: two connected close-on-exec ends', (t) => {
  const fds = fdScope(t);
  const [a, b] = native.socketpair().map((fd) => fds.add(fd)) as [number, number];
  assert.notEqual(a, b);
  assert.ok(closeOnExec(a) && closeOnExec(b));
  assert.equal(native.send(a, Buffer.from('hi'), 0, 2), 2);
  const buf = Buffer.alloc(4);
  assert.equal(native.recv(b, buf, 0, 4), 2);
  assert.equal(buf.toString('latin1', 0, 2), 'hi');
});

test('sendFd/recvFd: a passed TCP connection echoes bytes after the original fd is closed', async (t) => {
  const fds = fdScope(t);
  const { fd, peer } = await connectedPair(t, fds);
  const [a, b] = native.socketpair().map((end) => fds.add(end)) as [number, number];
  assert.equal(native.sendFd(a, fd), 1);
  fds.close(fd); // the message holds its own reference to the connection
  const passed = native.recvFd(b);
  assert.ok(passed !== null && passed >= 0, `recvFd returned ${passed}`);
  fds.add(passed);
  assert.ok(closeOnExec(passed), 'received with MSG_CMSG_CLOEXEC');
  assert.equal(native.getsockname(passed).address, '127.0.0.1');

  peer.write('ping');
  await waitReady(passed, C.POLLIN);
  const buf = Buffer.alloc(16);
  const n = native.recv(passed, buf, 0, buf.length);
  assert.equal(buf.toString('latin1', 0, n), 'ping');
  const arriving = collect(peer, n);
  assert.equal(native.send(passed, buf, 0, n), n);
  assert.equal((await arriving).toString('latin1'), 'ping');
});

test('recvFd: -EAGAIN when nothing is queued, null at EOF, EPROTO for a message without an fd', (t) => {
  const fds = fdScope(t);
  const [a, b] = native.socketpair().map((fd) => fds.add(fd)) as [number, number];
  native.setNonBlocking(b, true);
  assert.equal(native.recvFd(b), -C.EAGAIN);
  native.send(a, Buffer.from('x'), 0, 1);
  assert.throws(() => native.recvFd(b), syscallError('EPROTO', 'recvmsg'));
  // A passed fd queued before the sender closes is still delivered; EOF comes after it.
  const [c, d] = native.socketpair().map((fd) => fds.add(fd)) as [number, number];
  assert.equal(native.sendFd(a, c), 1);
  fds.close(a);
  const passed = native.recvFd(b);
  assert.ok(passed !== null && passed >= 0);
  fds.add(passed);
  assert.equal(native.send(d, Buffer.from('y'), 0, 1), 1);
  assert.equal(native.recv(passed, Buffer.alloc(1), 0, 1), 1, 'the passed end is connected to d');
  assert.equal(native.recvFd(b), null);
});

test('sendFd to a channel whose other end is closed throws EPIPE (no SIGPIPE)', (t) => {
  const fds = fdScope(t);
  const [a, b] = native.socketpair().map((fd) => fds.add(fd)) as [number, number];
  fds.close(b);
  assert.throws(() => native.sendFd(a, a), syscallError('EPIPE', 'sendmsg'));
  assert.throws(() => native.sendFd(a, -1), syscallError('EBADF', 'sendmsg'));
});

// ---- stop signals, in a child process whose threads really block --------------------------------

const fixture = fileURLToPath(new URL('./fixtures/stop-child.js', import.meta.url));

interface ChildLine {
  ready?: boolean;
  where?: 'main' | 'worker';
  accept?: number;
  recv?: number;
  stop?: number;
  workerTid?: number;
  mainTid?: number;
}

/**
 * Starts the fixture, waits for its "ready" line, then sends `signal` (to the process, or to its
 * worker thread's tid) every 100 ms until it exits: the first one may land just before the blocking
 * call starts, which only the next one can interrupt. A child that no signal stops is killed after
 * EVENT_LIMIT_MS, and the test fails.
 */
async function stopChild(mode: 'accept' | 'worker', signal: NodeJS.Signals) {
  const child = spawn(process.execPath, [fixture, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: EVENT_LIMIT_MS, // the child ignores SIGTERM by design, so kill it with SIGKILL
    killSignal: 'SIGKILL',
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  // 'close', not 'exit': the last lines may still be in the pipe when the process has exited.
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, sig) => resolve({ code, signal: sig })),
  );
  const lines = (): ChildLine[] =>
    stdout
      .split('\n')
      .slice(0, -1) // the text after the last newline is a line still arriving
      .map((l) => JSON.parse(l) as ChildLine);
  try {
    const ready = await new Promise<ChildLine | undefined>((resolve) => {
      const onData = (): void => {
        const line = lines().find((l) => l.ready);
        if (!line) return;
        child.stdout.off('data', onData);
        resolve(line);
      };
      child.stdout.on('data', onData);
      void closed.then(() => resolve(undefined));
    });
    if (!ready) assert.fail(`child never became ready: ${stdout}${stderr}`);
    const target = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (mode === 'accept') {
        child.kill(signal);
      } else if (existsSync(`/proc/${child.pid}/task/${ready.workerTid}`)) {
        // kill(2) on a thread id is still process-directed, but the kernel prefers that thread.
        process.kill(ready.workerTid!, signal);
      }
    };
    target();
    const resend = setInterval(target, 100);
    const outcome = await closed;
    clearInterval(resend);
    assert.equal(outcome.signal, null, `child ended by ${outcome.signal} (SIGKILL: still running after ${EVENT_LIMIT_MS} ms): ${stdout}${stderr}`);
    return { ...outcome, lines: lines(), ready, stderr };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} interrupts a blocking accept4 on the main thread (-EINTR, stopSignal)`, async () => {
    const result = await stopChild('accept', signal);
    const main = result.lines.find((l) => l.where === 'main');
    assert.deepEqual(main, { where: 'main', accept: -C.EINTR, stop: C[signal] }, result.stderr);
    assert.equal(result.code, 0, result.stderr);
  });
}

test('SIGTERM aimed at a worker blocked in recv is forwarded to the main thread blocked in accept4', async () => {
  const result = await stopChild('worker', 'SIGTERM');
  assert.ok(result.ready.workerTid! > 0 && result.ready.workerTid !== result.ready.mainTid);
  const main = result.lines.find((l) => l.where === 'main');
  const worker = result.lines.find((l) => l.where === 'worker');
  assert.deepEqual(main, { where: 'main', accept: -C.EINTR, stop: C.SIGTERM }, result.stderr);
  assert.deepEqual(worker, { where: 'worker', recv: -C.EINTR, stop: C.SIGTERM }, result.stderr);
  assert.equal(result.code, 0, result.stderr);
});
