// The epoll server: the tutorial's last step. One thread waits in epoll_wait for the sockets that
// are ready, and only touches those. Sockets are non-blocking; a connection asks for EPOLLOUT only
// while it has output the kernel would not take, and for EPOLLIN only while it would read, so an
// idle or caught-up connection costs nothing.
//
// Built for speed: one receive buffer reused for every read, ready events returned in a typed
// array (no objects per event), connections in an array indexed by fd, and one send per small
// response (the core puts head and body in one buffer).
import { C, interrupted, native } from '../native/index.js';
import { ACCEPT_BACKOFF_MS, RECV_BUFFER_BYTES, STOP_CHECK_MS } from '../io/constants.js';
import { NonBlockingConnection } from '../io/nonblocking-connection.js';
import { OUT_OF_RESOURCES, acceptConnection, listenTcp } from '../io/sockets.js';
import { serverUrl } from '../io/url.js';
import { createSite } from '../io/site.js';
import type { ServerOptions } from '../io/options.js';

const MAX_EVENTS = 256;

export function runEpollServer(options: ServerOptions): void {
  native.installStopSignals();
  const listener = listenTcp(options.host, options.port, options.backlog, true);
  const epfd = native.epollCreate1(C.EPOLL_CLOEXEC);
  native.epollCtl(epfd, C.EPOLL_CTL_ADD, listener.fd, C.EPOLLIN);
  const site = createSite(options.siteConfig.docroot, options.siteConfig.handicapUs);
  const buffer = Buffer.allocUnsafe(RECV_BUFFER_BYTES);
  const events = new Uint32Array(2 * MAX_EVENTS);
  /** connections by fd, and the epoll events each is registered for */
  const connections: Array<NonBlockingConnection | undefined> = [];
  const registered: number[] = [];
  const live = new Set<NonBlockingConnection>();
  const errorMask = C.EPOLLERR | C.EPOLLHUP;
  /** while out of descriptors, the listener is out of the set until this time */
  let acceptPausedUntil = 0;
  options.onListening(serverUrl(listener.host, listener.port));

  /** Registers EPOLLIN while the connection wants to read and EPOLLOUT while output is pending:
   * a caught-up connection is not woken by input it would not read. */
  const updateInterest = (conn: NonBlockingConnection): void => {
    if (conn.state === 'closed') {
      connections[conn.fd] = undefined;
      live.delete(conn);
      return;
    }
    const wanted = (conn.wantsRead ? C.EPOLLIN : 0) | (conn.wantsWrite ? C.EPOLLOUT : 0);
    if (wanted === registered[conn.fd]) return;
    native.epollCtl(epfd, C.EPOLL_CTL_MOD, conn.fd, wanted);
    registered[conn.fd] = wanted;
  };

  const acceptAll = (now: number): void => {
    for (;;) {
      const fd = acceptConnection(listener.fd, C.SOCK_NONBLOCK | C.SOCK_CLOEXEC);
      if (fd === OUT_OF_RESOURCES) {
        // No descriptor left: leave connections in the backlog for a while rather than spin on a
        // listener that stays readable.
        native.epollCtl(epfd, C.EPOLL_CTL_DEL, listener.fd, 0);
        acceptPausedUntil = now + ACCEPT_BACKOFF_MS;
        return;
      }
      if (fd < 0) return; // -EAGAIN: the backlog is empty
      const conn = new NonBlockingConnection(fd, site.connection(), now);
      connections[fd] = conn;
      live.add(conn);
      native.epollCtl(epfd, C.EPOLL_CTL_ADD, fd, C.EPOLLIN);
      registered[fd] = C.EPOLLIN;
    }
  };

  let nextSweep = Date.now() + STOP_CHECK_MS;
  try {
    while (native.stopSignal() === 0) {
      // The timeout bounds how late a stop signal that lands just before the wait is seen, and
      // paces the idle sweep.
      const n = native.epollWait(epfd, events, MAX_EVENTS, STOP_CHECK_MS);
      if (interrupted(n)) continue;
      const now = Date.now();
      for (let i = 0; i < n; i++) {
        const fd = events[2 * i]!;
        const ready = events[2 * i + 1]!;
        if (fd === listener.fd) {
          acceptAll(now);
          continue;
        }
        const conn = connections[fd];
        if (conn === undefined) continue;
        if (ready & C.EPOLLOUT) conn.onWritable(now);
        if (ready & errorMask && !conn.wantsRead) conn.close();
        else if (conn.wantsRead && ready & (C.EPOLLIN | errorMask)) conn.onReadable(buffer, now);
        updateInterest(conn);
      }
      if (now >= nextSweep) {
        nextSweep = now + STOP_CHECK_MS;
        if (acceptPausedUntil !== 0 && now >= acceptPausedUntil) {
          acceptPausedUntil = 0;
          native.epollCtl(epfd, C.EPOLL_CTL_ADD, listener.fd, C.EPOLLIN);
        }
        for (const conn of live) if (conn.expire(now, options.siteConfig)) updateInterest(conn);
      }
    }
  } finally {
    for (const conn of live) conn.close();
    native.close(listener.fd);
    native.close(epfd);
  }
}
