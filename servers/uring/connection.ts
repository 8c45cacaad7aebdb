// One connection of the io_uring server: the same state as the poll and epoll servers' connection
// (NonBlockingConnection: queue, backpressure, timeouts, lingering close), with its I/O turned into
// operations on the ring. Nothing here makes a system call but the half-close of a lingering close.
//
// - A receive is prepared only while the connection would read (wantsRead): no receive while
//   output is queued, so a client that pipelines requests and reads no responses fills its own
//   TCP window, as on epoll.
// - One send is in flight at a time, so bytes leave in order; its completion says how many the
//   kernel took, and a partial send is continued from there.
// - When a send empties a connection that stays open, the next receive is linked to it: it starts
//   in the kernel as soon as the send has completed, so a keep-alive request costs one turn of the
//   loop, not two (one for the send's completion, one more to ask for the next request).
// - The kernel reads a send's buffer until its completion arrives: the buffer stays referenced
//   (inFlight) until then, also after the connection is closed.
// - Closing prepares a cancel of what is pending on the socket, linked to its close; the server
//   forgets the connection once every operation of it has completed (settled).
import type { ServerConnection } from '../core/connection.js';
import { NonBlockingConnection } from '../io/nonblocking-connection.js';
import { isPeerGoneCode } from '../io/peer-gone.js';
import { C, native } from '../native/index.js';

/** What a completion's user data says it completed: its high half. The low half is the
 * connection's serial number. uringPrepClose gives the cancel ahead of a close high half 0. */
export const OP = { cancel: 0, accept: 1, recv: 2, send: 3, close: 4 } as const;

/** Responses queued together are copied into one send up to this size: pipelined requests then
 * cost one send, not one per response (and one ring round trip each). */
const COALESCE_BYTES = 64 * 1024;

/** The largest send the next receive is linked to: within a new TCP socket's send buffer (16 KiB
 * on Linux), so that the kernel takes it at once and MSG_WAITALL never waits on the client. */
const LINK_BYTES = 16 * 1024;

export class UringConnection extends NonBlockingConnection {
  recvPending = false;
  private closePending = false;
  /** the buffer of the send in flight, referenced so that it outlives the kernel's reading it */
  private inFlight: Uint8Array | undefined;

  constructor(
    fd: number,
    http: ServerConnection,
    now: number,
    /** tells this connection's completions from those of an earlier one on the same fd */
    readonly serial: number,
    private readonly ring: number,
  ) {
    super(fd, http, now);
  }

  /** Every operation of this closed connection has completed: nothing refers to it any more. */
  get settled(): boolean {
    return this.state === 'closed' && !this.recvPending && this.inFlight === undefined && !this.closePending;
  }

  /** Prepares a receive if the connection would read and none is pending. */
  armReceive(): void {
    if (this.recvPending || !this.wantsRead) return;
    native.uringPrepRecv(this.ring, this.fd, this.serial, OP.recv);
    this.recvPending = true;
  }

  /** A receive completed: bytes (their memory is reused once this returns), the client's FIN
   * (null), or an error (-errno: -ECANCELED when the send it was linked to failed). */
  onReceived(result: number, bytes: Uint8Array | null, now: number): void {
    this.recvPending = false;
    if (this.state === 'closed' || result === -C.ECANCELED) return;
    if (result < 0) {
      this.failed(result);
      return;
    }
    // The core keeps a reference to what it has not parsed until it is next asked for output,
    // which waits while output is queued: then it gets a copy, since the buffer goes back to the pool.
    this.received(bytes !== null && this.queue.length > 0 ? Buffer.from(bytes) : bytes, now);
  }

  /** A send completed: the count of bytes the kernel took, or -errno. */
  onSent(result: number, now: number): void {
    this.inFlight = undefined;
    if (this.state === 'closed') return;
    if (result < 0) {
      this.failed(result);
      return;
    }
    this.lastActivity = now;
    this.consume(result);
    this.produceAndFlush(now);
  }

  onClosed(): void {
    this.closePending = false;
  }

  override close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.queue.length = 0;
    native.uringPrepClose(this.ring, this.fd, this.serial, OP.close);
    this.closePending = true;
  }

  /** Prepares a send of the queue's head, unless one is in flight; true when nothing is queued. */
  protected override flush(): boolean {
    if (this.queue.length === 0) return true;
    if (this.inFlight !== undefined) return false;
    if (this.queue.length > 1 && this.sentOfFirst === 0) this.coalesce();
    const first = this.queue[0]!;
    const length = first.length - this.sentOfFirst;
    // Linked only where reading next is what the epoll server would do once this send is out: no
    // answer waiting in the core, the connection staying open; and only a send small enough to
    // fit a socket's send buffer at once, since MSG_WAITALL hides a slow reader's progress from the
    // idle timer until all of it is sent.
    const last = this.queue.length === 1 && !this.closeWhenFlushed && this.state === 'open' && !this.http.outputHeldBack;
    if (last && length <= LINK_BYTES && !this.recvPending && !this.eof) {
      native.uringPrepSendThenRecv(this.ring, this.fd, first, this.sentOfFirst, length, this.serial, OP.send, OP.recv);
      this.recvPending = true;
    } else {
      native.uringPrepSend(this.ring, this.fd, first, this.sentOfFirst, length, this.serial, OP.send);
    }
    this.inFlight = first;
    return false;
  }

  /** Copies the queue's leading chunks, while they fit in COALESCE_BYTES, into one. */
  private coalesce(): void {
    let count = 0;
    let bytes = 0;
    while (count < this.queue.length && bytes + this.queue[count]!.length <= COALESCE_BYTES) bytes += this.queue[count++]!.length;
    if (count < 2) return;
    const merged = Buffer.concat(this.queue.slice(0, count), bytes);
    this.queue.splice(0, count, merged);
  }

  /** An operation failed: a client that is gone ends the connection quietly; anything else is a bug. */
  private failed(result: number): void {
    const code = native.errnoName(result) ?? `errno ${-result}`;
    if (!isPeerGoneCode(code)) throw new Error(`io_uring: an operation on fd ${this.fd} failed: ${code}`);
    this.close();
  }
}
