// The blocking server: the tutorial's first step, made right. One thread, one connection at a
// time: it blocks in accept, then in recv and send on that connection until it closes, and only
// then accepts the next. A second client waits in the listen backlog; that is the design.
import { C, interrupted, native, wouldBlock } from '../native/index.js';
import { lingeringClose, sendAll } from '../io/blocking-socket.js';
import { closeQuietly, listenTcp, serverUrl } from '../io/sockets.js';
import { createSite, type Site } from '../io/site.js';
import type { ServerOptions } from '../io/options.js';

/**
 * A signal that lands between the stop-flag check and the next blocking call would not interrupt
 * that call, so accept and recv block in slices of this length (SO_RCVTIMEO, which Linux applies to
 * accept too) and check the flag between slices: a stop is seen within this bound, always.
 */
const STOP_CHECK_MS = 250;

export function runBlockingServer(options: ServerOptions): void {
  native.installStopSignals();
  const listener = listenTcp(options.host, options.port, options.backlog);
  native.setTimeouts(listener.fd, STOP_CHECK_MS, 0);
  const site = createSite(options.docroot);
  const buffer = Buffer.allocUnsafe(64 * 1024);
  options.onListening(serverUrl(listener.host, listener.port));
  try {
    while (native.stopSignal() === 0) {
      const fd = native.accept4(listener.fd, C.SOCK_CLOEXEC);
      if (fd < 0) continue; // -EINTR or -EAGAIN (a slice ended): the loop checks for a stop
      serveConnection(fd, site, buffer, options.idleTimeoutMs);
    }
  } finally {
    closeQuietly(listener.fd);
  }
}

/** Serves one connection to the end: keep-alive and pipelining included. */
function serveConnection(fd: number, site: Site, buffer: Buffer, idleTimeoutMs: number): void {
  // A client that reads nothing for idleTimeoutMs makes send fail with EAGAIN.
  native.setTimeouts(fd, Math.min(STOP_CHECK_MS, idleTimeoutMs), idleTimeoutMs);
  const connection = site.connection();
  let lastActivity = Date.now();
  for (;;) {
    let n: number;
    try {
      n = native.recv(fd, buffer, 0, buffer.length);
    } catch {
      closeQuietly(fd); // ECONNRESET: the client vanished mid-request
      return;
    }
    if (native.stopSignal() !== 0) break;
    if (interrupted(n)) continue;
    if (wouldBlock(n)) {
      if (Date.now() - lastActivity >= idleTimeoutMs) break; // idle timeout
      continue;
    }
    lastActivity = Date.now();
    if (n === 0) connection.receiveEof();
    else connection.receive(buffer.subarray(0, n));
    for (;;) {
      const output = connection.takeOutput();
      if (output.chunks.length > 0 && sendAll(fd, output.chunks) !== 'sent') {
        closeQuietly(fd);
        return;
      }
      if (output.close) {
        lingeringClose(fd, buffer);
        return;
      }
      if (output.chunks.length === 0) break;
    }
    if (n === 0) break;
  }
  // EOF, idle timeout or stop: no response is in flight, so there is nothing to linger for.
  closeQuietly(fd);
}
