// Typed loader for the syscall addon (servers/native/src/*.cc, built by node-gyp at `npm install`).
//
// Error convention, chosen for the hot path of non-blocking servers:
// - success returns a value >= 0 (a byte count, an fd, a count of ready descriptors);
// - the two errnos a server loop expects on every iteration, EAGAIN (also EWOULDBLOCK) and EINTR,
//   are returned as the negative numbers `-EAGAIN` and `-EINTR`, because throwing costs microseconds;
// - every other failure throws a `SyscallError` (errors.ts) carrying `code` ('ECONNRESET', 'EPIPE',
//   ...), `errno` and `syscall`.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SockAddr {
  address: string;
  port: number;
}

export interface NativeConstants {
  EAGAIN: number;
  EINTR: number;
  AF_INET: number;
  AF_INET6: number;
  SOCK_STREAM: number;
  SOCK_NONBLOCK: number;
  SOCK_CLOEXEC: number;
  SOL_SOCKET: number;
  SO_REUSEADDR: number;
  SO_RCVBUF: number;
  SO_SNDBUF: number;
  IPPROTO_TCP: number;
  TCP_NODELAY: number;
  SHUT_RD: number;
  SHUT_WR: number;
  SHUT_RDWR: number;
  POLLIN: number;
  POLLOUT: number;
  POLLERR: number;
  POLLHUP: number;
  POLLNVAL: number;
  EPOLLIN: number;
  EPOLLOUT: number;
  EPOLLERR: number;
  EPOLLHUP: number;
  EPOLLRDHUP: number;
  EPOLLET: number;
  EPOLL_CTL_ADD: number;
  EPOLL_CTL_MOD: number;
  EPOLL_CTL_DEL: number;
  EPOLL_CLOEXEC: number;
  SIGINT: number;
  SIGTERM: number;
  ECONNABORTED: number;
  ENOBUFS: number;
  ECANCELED: number;
  IORING_CQE_F_BUFFER: number;
  IORING_CQE_F_MORE: number;
  IORING_CQE_BUFFER_SHIFT: number;
}

export interface Native {
  constants: NativeConstants;
  /** socket(domain, SOCK_STREAM | flags, 0) -> fd */
  socket(domain: number, flags: number): number;
  /** bind(fd, address, port); address is an IPv4 or IPv6 literal */
  bind(fd: number, address: string, port: number): void;
  listen(fd: number, backlog: number): void;
  /** accept4(fd, NULL, NULL, flags) -> fd, or -EAGAIN / -EINTR */
  accept4(fd: number, flags: number): number;
  /** recv into buf[offset, offset+length) -> bytes (0 = peer closed), or -EAGAIN / -EINTR */
  recv(fd: number, buf: Uint8Array, offset: number, length: number): number;
  /** send(fd, buf[offset, offset+length), MSG_NOSIGNAL) -> bytes sent, or -EAGAIN / -EINTR */
  send(fd: number, buf: Uint8Array, offset: number, length: number): number;
  /** writev over the given buffers, MSG_NOSIGNAL semantics (SIGPIPE ignored) -> bytes, or -EAGAIN / -EINTR */
  writev(fd: number, bufs: Uint8Array[]): number;
  shutdown(fd: number, how: number): void;
  close(fd: number): void;
  /** fcntl(F_SETFL) toggling O_NONBLOCK */
  setNonBlocking(fd: number, on: boolean): void;
  setsockopt(fd: number, level: number, name: number, value: number): void;
  /** SO_RCVTIMEO and SO_SNDTIMEO in ms (0 = wait forever): a blocking recv/send then returns
   * -EAGAIN after that long */
  setTimeouts(fd: number, recvMs: number, sendMs: number): void;
  getsockname(fd: number): SockAddr;
  getpeername(fd: number): SockAddr;
  /** poll over fds[i] with events[i]; fills revents[i] -> ready count, or -EINTR */
  poll(fds: Int32Array, events: Int16Array, revents: Int16Array, timeoutMs: number): number;
  epollCreate1(flags: number): number;
  epollCtl(epfd: number, op: number, fd: number, events: number): void;
  /** epoll_wait into out as [fd, events] pairs (out.length >= 2 * maxEvents) -> count, or -EINTR */
  epollWait(epfd: number, out: Uint32Array, maxEvents: number, timeoutMs: number): number;
  /**
   * Installs SIGINT and SIGTERM handlers without SA_RESTART: a blocked accept/recv/poll/epoll_wait on
   * the main thread returns -EINTR, and the handler records the signal. A signal delivered to another
   * thread is forwarded to the thread that installed the handlers.
   */
  installStopSignals(): void;
  /** the signal number that asked the process to stop, or 0 */
  stopSignal(): number;
  /** prctl(PR_SET_PDEATHSIG, SIGKILL): the kernel kills this process when its parent exits, even
   * while it is stopped (SIGSTOP) or blocked in a call */
  exitWithParent(): void;
  /** the calling thread's kernel thread id (gettid) */
  gettid(): number;
  /**
   * socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC) -> two connected, blocking fds: a private
   * channel to a child process, which gets one end as an extra stdio fd
   */
  socketpair(): [number, number];
  /**
   * sendmsg of one byte carrying fd as SCM_RIGHTS, MSG_NOSIGNAL -> 1, or -EAGAIN / -EINTR. The
   * receiver gets its own descriptor for the same open socket or file, so the sender may close fd
   * once this returns; a receiver that has exited makes it throw EPIPE.
   */
  sendFd(sock: number, fd: number): number;
  /**
   * recvmsg of one message sent by sendFd -> the received fd (close-on-exec), -EAGAIN / -EINTR, or
   * null at end of stream (the sender closed its end and nothing is queued). A message that carries
   * no fd, or more than one, throws EPROTO.
   */
  recvFd(sock: number): number | null;
  /** the symbolic name of an errno, either sign ('ECONNRESET'), or null when the table lacks it */
  errnoName(errno: number): string | null;
  /**
   * io_uring (servers/native/src/uring.cc): a ring is its fd, used by the thread that made it.
   * io_uring_setup with a completion queue 4 × entries -> ring fd. Throws a SyscallError where
   * io_uring is refused (EPERM, ENOSYS) or lacks what the server needs (Linux 5.11).
   */
  uringSetup(entries: number): number;
  /** pool[0, count × bufferBytes) becomes provided-buffer group `group` (Linux 5.19); count is a power of two */
  uringRegisterBuffers(ring: number, pool: Uint8Array, count: number, bufferBytes: number, group: number): void;
  /** prepares a multishot accept: a completion per connection while its flags carry IORING_CQE_F_MORE */
  uringPrepAccept(ring: number, listenFd: number, userLow: number, userHigh: number): void;
  /** prepares one receive into a provided buffer (the completion's flags >> IORING_CQE_BUFFER_SHIFT name it) */
  uringPrepRecv(ring: number, fd: number, userLow: number, userHigh: number): void;
  /** prepares send(MSG_NOSIGNAL) of buf[offset, offset+length); buf must stay alive until its completion */
  uringPrepSend(ring: number, fd: number, buf: Uint8Array, offset: number, length: number, userLow: number, userHigh: number): void;
  /**
   * prepares a send with MSG_WAITALL (the kernel continues a partial send itself) linked to a
   * receive that starts once the send has completed; a failed send cancels the receive (-ECANCELED)
   */
  uringPrepSendThenRecv(ring: number, fd: number, buf: Uint8Array, offset: number, length: number, userLow: number, sendHigh: number, recvHigh: number): void;
  /** prepares a cancel of everything pending on fd, hard-linked to its close; the cancel completes with userHigh 0 */
  uringPrepClose(ring: number, fd: number, userLow: number, userHigh: number): void;
  /**
   * Returns the recycled[0, recycledCount) buffer ids to the ring, then one io_uring_enter submits
   * what is prepared and waits up to timeoutMs for a completion (not at all when some are waiting);
   * completions go into out as [userLow, userHigh, result, flags] -> how many
   */
  uringSubmitAndWait(ring: number, out: Int32Array, recycled: Uint16Array, recycledCount: number, timeoutMs: number): number;
  uringClose(ring: number): void;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Finds build/Release/http_lab_native.node from both the source tree and dist/. */
function addonPath(): string {
  let dir = here;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'build', 'Release', 'http_lab_native.node');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(
    'http-lab: the native addon is not built (build/Release/http_lab_native.node is missing). ' +
      'Run `npm install` or `npm run build` in the http-lab folder.',
  );
}

export const native: Native = createRequire(import.meta.url)(addonPath()) as Native;
export const C: NativeConstants = native.constants;

/** True when a syscall result is -EAGAIN (would block). */
export function wouldBlock(result: number): boolean {
  return result === -C.EAGAIN;
}

/** True when a syscall result is -EINTR (a signal arrived). */
export function interrupted(result: number): boolean {
  return result === -C.EINTR;
}
