// The header-read timeout (--header-timeout), enforced the same way by every server: a client that
// has begun a request has that long to send the rest of it, head and any content. Without it a
// client that sends one byte a second (slowloris) holds its connection, and on the blocking designs
// a whole thread or process, for as long as it likes: the idle timeout alone never fires, since
// every byte counts as activity. So this timer is not moved by further bytes.
//
// Mid-request this timer governs and the idle timeout rests; between requests, and while the
// client is slow to read a response, the idle timeout governs.
//
// When it fires the server answers 408 (ServerConnection.timeOut) and closes gracefully. RFC 9110 §15.5.9: "The 408 (Request
// Timeout) status code indicates that the server did not receive a complete request message within
// the time that it was prepared to wait." RFC 9112 §9.5: "A client or server that wishes to time
// out SHOULD issue a graceful close on the connection." The 408 tells a person typing a request by
// hand (nc, telnet) why the connection ended; the graceful close (half-close, then read and discard
// for a bounded time, RFC 9112 §9.6) keeps unread request bytes from resetting it away.
import type { ServerConnection } from '../core/connection.js';

/**
 * When the server began waiting for the rest of the current request: at the request's first byte,
 * or once the response before it was produced, whichever is later (pipelined bytes that wait behind
 * a response the client is still reading are not the client's delay).
 */
export class RequestTimer {
  /** 0: not waiting for the rest of a request */
  private since = 0;

  /** The core produced a response: the request the timer watched is complete. */
  answered(): void {
    this.since = 0;
  }

  /** The server goes back to waiting for the client's bytes, with nothing left to send. */
  waiting(http: ServerConnection, now: number): void {
    if (!http.midRequest) this.since = 0;
    else if (this.since === 0) this.since = now;
  }

  /** True while part of a request has arrived and the server waits for the rest. */
  get running(): boolean {
    return this.since !== 0;
  }

  expired(now: number, headerTimeoutMs: number): boolean {
    return this.since !== 0 && now - this.since >= headerTimeoutMs;
  }
}
