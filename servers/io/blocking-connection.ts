// One connection served with blocking recv and send until it closes: the inner loop of the
// blocking server, of each thread of the thread server and of each child of the process server.
import type { ServerConnection } from '../core/connection.js';
import { interrupted, native, wouldBlock } from '../native/index.js';
import { lingeringClose, sendAll } from './blocking-socket.js';
import { STOP_CHECK_MS } from './constants.js';
import type { ConnectionTimeouts } from './options.js';
import { isPeerGone } from './peer-gone.js';
import { RequestTimer } from './request-timeout.js';
import type { Site } from './site.js';

/** Serves one connection to the end (keep-alive and pipelining included), then closes the fd. */
export function serveBlockingConnection(fd: number, site: Site, buffer: Buffer, timeouts: ConnectionTimeouts): void {
  const { idleTimeoutMs, headerTimeoutMs } = timeouts;
  // A client that reads nothing for idleTimeoutMs makes send fail with EAGAIN. recv waits in slices
  // short enough to see either timeout on time.
  native.setTimeouts(fd, Math.min(STOP_CHECK_MS, idleTimeoutMs, headerTimeoutMs), idleTimeoutMs);
  const connection = site.connection();
  const request = new RequestTimer();
  let lastActivity = Date.now();
  for (;;) {
    let n: number;
    try {
      n = native.recv(fd, buffer, 0, buffer.length);
    } catch (err) {
      if (!isPeerGone(err)) throw err;
      native.close(fd); // the client vanished mid-request
      return;
    }
    if (native.stopSignal() !== 0) break;
    if (interrupted(n)) continue;
    if (wouldBlock(n)) {
      const now = Date.now();
      if (request.expired(now, headerTimeoutMs)) return timeOut(fd, connection, buffer);
      if (!request.running && now - lastActivity >= idleTimeoutMs) break; // idle timeout
      continue;
    }
    lastActivity = Date.now();
    if (n === 0) connection.receiveEof();
    else connection.receive(buffer.subarray(0, n));
    for (;;) {
      const output = connection.takeOutput();
      if (output.answered > 0) request.answered();
      if (output.chunks.length > 0) {
        if (sendAll(fd, output.chunks) !== 'sent') {
          native.close(fd);
          return;
        }
        lastActivity = Date.now(); // a client that reads a long response is not idle
      }
      if (output.close) {
        lingeringClose(fd, buffer);
        return;
      }
      if (output.chunks.length === 0) break;
    }
    if (n === 0) break;
    // lastActivity is now the time of this recv or of the last send that followed it. A client that
    // sends a byte at a time never lets recv time out, so the header timer is checked here too.
    request.waiting(connection, lastActivity);
    if (request.expired(lastActivity, headerTimeoutMs)) return timeOut(fd, connection, buffer);
  }
  // EOF, idle timeout or stop: no response is in flight, so there is nothing to linger for.
  native.close(fd);
}

/** The header timer expired: a 408, then the graceful close RFC 9112 §9.5 asks for. */
function timeOut(fd: number, connection: ServerConnection, scratch: Buffer): void {
  if (sendAll(fd, connection.timeOut().chunks) === 'sent') lingeringClose(fd, scratch);
  else native.close(fd);
}
