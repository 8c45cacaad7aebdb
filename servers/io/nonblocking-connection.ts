// One connection on a non-blocking socket: the part the poll and epoll servers share. They differ
// only in how they learn that a socket is ready; what they do then is this.
//
// States: open → (final response sent) lingering → closed. Output that the socket does not take at
// once stays queued, with the offset of the first unsent byte, and is retried when the socket is
// writable again: a partial send never loses or repeats a byte.
//
// Backpressure: while output is queued, nothing more is read, so a client that pipelines requests
// and reads no responses fills its own TCP window instead of the server's memory. After EOF nothing
// is read either: a half-closed socket stays readable forever, and reading it again would spin.
//
// Timeouts (expire): while the rest of a request is awaited, the header timer (request-timeout.ts);
// otherwise the idle timeout, which sending counts as activity for.
import { C, native } from '../native/index.js';
import type { ServerConnection } from '../core/connection.js';
import { LINGER_MS } from './constants.js';
import type { ConnectionTimeouts } from './options.js';
import { isPeerGone } from './peer-gone.js';
import { RequestTimer } from './request-timeout.js';

export class NonBlockingConnection {
  protected readonly queue: Uint8Array[] = [];
  /** bytes of queue[0] already sent */
  protected sentOfFirst = 0;
  protected closeWhenFlushed = false;
  /** the client sent FIN */
  protected eof = false;
  state: 'open' | 'lingering' | 'closed' = 'open';
  /** the last byte received or sent: a client that is still reading a long response is not idle */
  protected lastActivity: number;
  private lingerUntil = 0;
  private readonly request = new RequestTimer();

  constructor(
    readonly fd: number,
    protected readonly http: ServerConnection,
    now: number,
  ) {
    this.lastActivity = now;
  }

  /** True while output waits for the socket to become writable. */
  get wantsWrite(): boolean {
    return this.queue.length > 0;
  }

  /** True when the next bytes from the client should be read now (see Backpressure above). */
  get wantsRead(): boolean {
    if (this.state === 'closed' || this.eof) return false;
    return this.state === 'lingering' || this.queue.length === 0;
  }

  /** The socket is readable: one recv, whose bytes the core parses and answers; then sends what it can. */
  onReadable(buffer: Buffer, now: number): void {
    let n: number;
    try {
      n = native.recv(this.fd, buffer, 0, buffer.length);
    } catch (err) {
      if (!isPeerGone(err)) throw err;
      this.close(); // the client vanished
      return;
    }
    if (n < 0) return; // -EAGAIN or -EINTR
    this.received(n === 0 ? null : buffer.subarray(0, n), now);
  }

  /** Bytes from the client (null: its FIN), however they were read; the core parses and answers
   * them, and what it answers is sent as far as the socket takes it. The core keeps no reference
   * to `bytes`: the caller may reuse their memory. */
  received(bytes: Uint8Array | null, now: number): void {
    this.lastActivity = now;
    if (bytes === null) this.eof = true;
    if (this.state === 'lingering') {
      // Discard: the final response is out; the client's FIN ends the linger.
      if (bytes === null) this.close();
      return;
    }
    if (bytes === null) this.http.receiveEof();
    else this.http.receive(bytes);
    this.produceAndFlush(now);
  }

  /** The socket is writable again: send what is queued, then answer requests still buffered. */
  onWritable(now: number): void {
    this.produceAndFlush(now);
  }

  /**
   * Answers a request not complete within headerTimeoutMs with a 408 and closes; closes connections
   * silent for idleTimeoutMs between requests, and lingering ones past their deadline. True when the
   * state or the queue changed.
   */
  expire(now: number, timeouts: ConnectionTimeouts): boolean {
    if (this.state === 'lingering') {
      if (now < this.lingerUntil) return false;
      this.close();
    } else if (this.request.running) {
      if (!this.request.expired(now, timeouts.headerTimeoutMs)) return false;
      this.request.answered();
      for (const chunk of this.http.timeOut().chunks) this.queue.push(chunk);
      this.closeWhenFlushed = true; // RFC 9112 §9.5: "SHOULD issue a graceful close"
      this.produceAndFlush(now);
    } else {
      if (now - this.lastActivity < timeouts.idleTimeoutMs) return false;
      this.close();
    }
    return true;
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.queue.length = 0;
    native.close(this.fd);
  }

  /** Moves responses from the core to the socket until the socket is full or nothing is left; then,
   * if all is sent and part of a request has arrived, the header timer runs. */
  protected produceAndFlush(now: number): void {
    this.produce();
    if (this.state === 'open' && this.queue.length === 0) this.request.waiting(this.http, now);
  }

  private produce(): void {
    while (this.state === 'open') {
      if (this.queue.length === 0) {
        if (this.closeWhenFlushed) {
          this.startLinger();
          return;
        }
        const output = this.http.takeOutput();
        if (output.answered > 0) this.request.answered();
        for (const chunk of output.chunks) this.queue.push(chunk);
        if (output.close) this.closeWhenFlushed = true;
        if (output.chunks.length === 0 && !output.close) return;
      }
      if (!this.flush()) return;
    }
  }

  /** Sends the queue; false when the socket would block (or failed). */
  protected flush(): boolean {
    while (this.queue.length > 0) {
      let n: number;
      try {
        if (this.queue.length === 1 || this.sentOfFirst > 0) {
          const first = this.queue[0]!;
          n = native.send(this.fd, first, this.sentOfFirst, first.length - this.sentOfFirst);
        } else {
          n = native.writev(this.fd, this.queue);
        }
      } catch (err) {
        if (!isPeerGone(err)) throw err;
        this.close(); // the client went away mid-response
        return false;
      }
      if (n < 0) return false; // -EAGAIN: the kernel's send buffer is full
      this.lastActivity = Date.now();
      this.consume(n);
    }
    return true;
  }

  /** Drops n sent bytes from the front of the queue. */
  protected consume(n: number): void {
    let left = n + this.sentOfFirst;
    this.sentOfFirst = 0;
    while (left > 0) {
      const first = this.queue[0]!;
      if (left < first.length) {
        this.sentOfFirst = left;
        return;
      }
      left -= first.length;
      this.queue.shift();
    }
  }

  /**
   * RFC 9112 §9.6: "To avoid the TCP reset problem, servers typically close a connection in stages.
   * First, the server performs a half-close by closing only the write side of the read/write
   * connection. The server then continues to read from the connection until it receives a
   * corresponding close by the client, or until the server is reasonably certain that its own TCP
   * stack has received the client's acknowledgement".
   */
  private startLinger(): void {
    if (this.eof) {
      this.close(); // the client has already closed its side: nothing to wait for
      return;
    }
    try {
      native.shutdown(this.fd, C.SHUT_WR);
    } catch (err) {
      if (!isPeerGone(err)) throw err;
      this.close(); // reset already: nothing to wait for
      return;
    }
    this.state = 'lingering';
    this.lingerUntil = Date.now() + LINGER_MS;
  }
}
