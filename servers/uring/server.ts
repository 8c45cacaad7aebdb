// The io_uring server: the step after epoll. epoll tells the loop which sockets are ready, and the
// loop then makes a system call per recv and per send. Here the loop asks for the work itself:
// accepts, receives, sends and closes go into the submission ring as entries, their results come
// back in the completion ring, and one io_uring_enter per turn submits the whole batch and waits
// for the next completions. No recvfrom or sendto is ever called.
//
// - One multishot accept stays armed: each new connection arrives as a completion.
// - Receives take a buffer from a pool registered once (a provided-buffer ring), only when bytes
//   arrive: an idle connection holds no buffer. Buffers read are handed back in the next enter.
// - Connection state, timeouts and lingering close are the epoll server's (UringConnection).
// - Completions arrive in a typed array, four numbers each, as epoll's events do.
import { C, native } from '../native/index.js';
import { ACCEPT_BACKOFF_MS, STOP_CHECK_MS } from '../io/constants.js';
import { ACCEPT_RETRY, acceptExhausted, listenTcp } from '../io/sockets.js';
import { serverUrl } from '../io/url.js';
import { createSite } from '../io/site.js';
import type { ServerOptions } from '../io/options.js';
import { OP, UringConnection } from './connection.js';

/** Submission queue entries; the completion queue holds four times as many. More entries than
 * fit in one turn are submitted early, at the cost of a system call. */
const RING_ENTRIES = 1024;
/** The receive pool: buffers the kernel fills, shared by all connections, and handed back each
 * turn. A connection has at most one receive pending, so up to RECV_BUFFERS connections never
 * find the pool empty; beyond that, a receive that does completes with ENOBUFS and is prepared
 * again. 4 KiB holds a typical request head; a longer one takes several receives. 4 MiB in all. */
const RECV_BUFFERS = 1024;
const RECV_BUFFER_BYTES = 4 * 1024;
const BUFFER_GROUP = 0;
/** the accept's completions carry serial 0: no connection has it */
const LISTENER_SERIAL = 0;

export function runUringServer(options: ServerOptions): void {
  native.installStopSignals();
  const listener = listenTcp(options.host, options.port, options.backlog);
  const ring = native.uringSetup(RING_ENTRIES);
  const pool = Buffer.alloc(RECV_BUFFERS * RECV_BUFFER_BYTES);
  const site = createSite(options.siteConfig.docroot, options.siteConfig.handicapUs);
  /** live and closing connections by serial, until each has settled */
  const bySerial = new Map<number, UringConnection>();
  const live = new Set<UringConnection>();
  const cqes = new Int32Array(4 * 4 * RING_ENTRIES);
  const recycled = new Uint16Array(RECV_BUFFERS);
  let recycledCount = 0;
  /** connections whose receive found the pool empty: prepared again next turn */
  let starved: UringConnection[] = [];
  let nextSerial = LISTENER_SERIAL;
  let acceptPausedUntil = 0;

  const accept = (): void => native.uringPrepAccept(ring, listener.fd, LISTENER_SERIAL, OP.accept);

  const onAccept = (result: number, flags: number, now: number): void => {
    if (result >= 0) {
      nextSerial = nextSerial === 0xffffffff ? 1 : nextSerial + 1;
      const conn = new UringConnection(result, site.connection(), now, nextSerial, ring);
      bySerial.set(conn.serial, conn);
      live.add(conn);
      conn.armReceive();
    } else {
      const code = native.errnoName(result) ?? `errno ${-result}`;
      // No descriptor left: leave connections in the backlog for a while rather than retry at once.
      if (acceptExhausted(code)) acceptPausedUntil = now + ACCEPT_BACKOFF_MS;
      else if (!ACCEPT_RETRY.has(code) && code !== 'ECANCELED') throw new Error(`io_uring: accept failed: ${code}`);
    }
    // A multishot accept that stopped (an error, or the kernel's choice) is armed again.
    if ((flags & C.IORING_CQE_F_MORE) === 0 && acceptPausedUntil === 0) accept();
  };

  const afterEvent = (conn: UringConnection): void => {
    if (conn.state === 'closed') {
      live.delete(conn);
      if (conn.settled) bySerial.delete(conn.serial);
    } else {
      conn.armReceive();
    }
  };

  const dispatch = (serial: number, op: number, result: number, flags: number, now: number): void => {
    if (op === OP.accept) return onAccept(result, flags, now);
    // A buffer picked for a receive goes back to the pool whatever became of its connection.
    const buffer = flags & C.IORING_CQE_F_BUFFER ? flags >>> C.IORING_CQE_BUFFER_SHIFT : -1;
    if (buffer >= 0) recycled[recycledCount++] = buffer;
    // The cancel ahead of a close says nothing the close's own completion does not.
    if (op === OP.cancel) return;
    const conn = bySerial.get(serial);
    if (conn === undefined) throw new Error(`io_uring: a completion (op ${op}) for connection ${serial}, which had no operation pending`);
    if (op === OP.recv) {
      if (result === -C.ENOBUFS) {
        conn.recvPending = false;
        starved.push(conn);
        return;
      }
      const start = buffer * RECV_BUFFER_BYTES;
      conn.onReceived(result, result > 0 ? pool.subarray(start, start + result) : null, now);
    } else if (op === OP.send) {
      conn.onSent(result, now);
    } else if (op === OP.close) {
      conn.onClosed();
    }
    afterEvent(conn);
  };

  native.uringRegisterBuffers(ring, pool, RECV_BUFFERS, RECV_BUFFER_BYTES, BUFFER_GROUP);
  accept();
  options.onListening(serverUrl(listener.host, listener.port));

  let nextSweep = Date.now() + STOP_CHECK_MS;
  try {
    while (native.stopSignal() === 0) {
      // One system call: submit what the last turn prepared, return the buffers it read, and wait
      // for completions. The timeout bounds how late a stop signal is seen, and paces the sweep.
      // Receives that found the pool empty are prepared at the start of the next turn: this wait
      // must not then last a whole STOP_CHECK_MS with nothing else to complete.
      const n = native.uringSubmitAndWait(ring, cqes, recycled, recycledCount, starved.length > 0 ? 0 : STOP_CHECK_MS);
      recycledCount = 0;
      const now = Date.now();
      // Receives that found the pool empty are prepared again first, so that they are first in
      // line for the buffers this turn hands back: prepared last, they could starve turn after turn.
      if (starved.length > 0) {
        const again = starved;
        starved = [];
        for (const conn of again) afterEvent(conn);
      }
      for (let i = 0; i < n; i++) dispatch(cqes[4 * i]! >>> 0, cqes[4 * i + 1]!, cqes[4 * i + 2]!, cqes[4 * i + 3]!, now);
      if (now >= nextSweep) {
        nextSweep = now + STOP_CHECK_MS;
        if (acceptPausedUntil !== 0 && now >= acceptPausedUntil) {
          acceptPausedUntil = 0;
          accept();
        }
        for (const conn of live) if (conn.expire(now, options.siteConfig)) afterEvent(conn);
      }
    }
  } finally {
    // The closes the last turn prepared are submitted (they run at once), and a connection accepted
    // meanwhile is closed; then closing the ring cancels what is pending, which releases the
    // sockets of the live connections, and they are closed.
    const n = native.uringSubmitAndWait(ring, cqes, recycled, recycledCount, 0);
    for (let i = 0; i < n; i++) if (cqes[4 * i + 1] === OP.accept && cqes[4 * i + 2]! >= 0) native.close(cqes[4 * i + 2]!);
    native.uringClose(ring);
    for (const conn of live) native.close(conn.fd);
    native.close(listener.fd);
  }
}
