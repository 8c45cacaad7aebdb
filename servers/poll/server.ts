// The poll server: the tutorial's non-blocking step, made correct. One thread loops forever over
// the listening socket and every client socket, trying accept, send and recv on each and moving on
// at EAGAIN. It never sleeps, so it burns a core even when idle: that is the design, and the lab
// shows its cost. ("poll" as in polling, not poll(2): it asks every socket, ready or not.)
import { C, native } from '../native/index.js';
import { NonBlockingConnection } from '../io/nonblocking-connection.js';
import { ACCEPT_BACKOFF_MS, RECV_BUFFER_BYTES } from '../io/constants.js';
import { OUT_OF_RESOURCES, acceptConnection, listenTcp } from '../io/sockets.js';
import { serverUrl } from '../io/url.js';
import { createSite } from '../io/site.js';
import type { ServerOptions } from '../io/options.js';

/** Checking the clock on every pass would cost more than the idle sweep it paces. */
const SWEEP_EVERY_PASSES = 4096;

export function runPollServer(options: ServerOptions): void {
  native.installStopSignals();
  const listener = listenTcp(options.host, options.port, options.backlog, true);
  const site = createSite(options.siteConfig.docroot, options.siteConfig.handicapUs);
  const buffer = Buffer.allocUnsafe(RECV_BUFFER_BYTES);
  let connections: NonBlockingConnection[] = [];
  options.onListening(serverUrl(listener.host, listener.port));
  let passes = 0;
  /** while out of descriptors, accepting waits until this time */
  let acceptPausedUntil = 0;
  try {
    while (native.stopSignal() === 0) {
      const now = Date.now();
      while (now >= acceptPausedUntil) {
        const fd = acceptConnection(listener.fd, C.SOCK_NONBLOCK | C.SOCK_CLOEXEC);
        if (fd === OUT_OF_RESOURCES) acceptPausedUntil = now + ACCEPT_BACKOFF_MS;
        if (fd < 0) break; // -EAGAIN: nobody is waiting
        connections.push(new NonBlockingConnection(fd, site.connection(), now));
      }
      let closed = false;
      for (const conn of connections) {
        if (conn.wantsWrite) conn.onWritable(now);
        if (conn.wantsRead) conn.onReadable(buffer, now);
        closed ||= conn.state === 'closed';
      }
      if (++passes % SWEEP_EVERY_PASSES === 0) {
        for (const conn of connections) {
          conn.expire(now, options.siteConfig);
          closed ||= conn.state === 'closed';
        }
      }
      if (closed) connections = connections.filter((c) => c.state !== 'closed');
    }
  } finally {
    for (const conn of connections) conn.close();
    native.close(listener.fd);
  }
}
