/// <reference lib="es2024.sharedmemory" />
// The thread server's threads: a pool of Workers, each serving one connection at a time, for that
// connection's whole life, with blocking calls (the pre-threaded server, as Apache's prefork MPM is
// the pre-forked one). A Worker takes about 50 ms of CPU to start and load its modules; here that is
// paid once per Worker, not once per connection: when its connection closes, the Worker goes back to
// the pool and waits for the next one.
//
// Still one OS thread per open connection: N open connections are held by N distinct Workers. The
// pool keeps SPARE_WORKERS waiting (ready or starting), never more than maxWorkers alive: as
// connections take ready Workers it starts more, so it grows with the load. It retires Workers that
// have waited longer than retireAfterMs beyond those spares, one per RETIRE_TICK_MS.
//
// Each Worker has a mailbox, an Int32Array over a SharedArrayBuffer, so that neither side needs the
// other's event loop (the main thread mostly sits in a blocking accept, and a Worker in Atomics.wait):
// - mailbox[STATE]: STARTING, then IDLE or the fd of the connection it serves, or RETIRE;
// - the main thread alone turns IDLE into an fd or RETIRE (compareExchange); the Worker alone turns
//   STARTING into IDLE (once ready) and an fd back into IDLE (once its connection is closed), after
//   writing the time into idleSince, and then bumps control[FREED].
import { Worker } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { C, native } from '../native/index.js';
import { isSyscallError } from '../native/errors.js';
import type { SiteConfig } from '../io/options.js';

/** mailbox[STATE] values besides an fd (>= 0) */
export const STARTING = -1;
export const IDLE = -2;
export const RETIRE = -3;
/** index in the mailbox Int32Array */
export const STATE = 0;
/** byte offset of the Float64 idleSince (Date.now() when the Worker last became IDLE) */
export const IDLE_SINCE_OFFSET = 8;
export const MAILBOX_BYTES = 16;

/** Index in `control` of the counter each Worker bumps (and notifies) whenever it becomes IDLE. */
export const FREED = 0;
/** Index in `control` of the flag raised when the server stops: every Worker ends. */
export const STOPPING = 1;

/** What every connection Worker is started with (its `workerData`). */
export interface ConnectionWorkerData {
  siteConfig: SiteConfig;
  /** this Worker's mailbox (MAILBOX_BYTES): STATE, then idleSince */
  mailbox: SharedArrayBuffer;
  /** shared by all Workers: FREED and STOPPING */
  control: Int32Array;
}

/**
 * Workers kept waiting, ready or starting, so that a Worker's start-up (about 25 ms of CPU for the
 * isolate and 20 ms more to load the server's modules, on these 2-core machines) is not on the path
 * of a burst of new connections. It also bounds the start-ups at a time while the pool grows: more
 * would only share the same cores. Every spare counts towards maxWorkers.
 */
export const SPARE_WORKERS = 4;

/** How often the pool looks for a Worker to retire; it retires at most one each time. */
export const RETIRE_TICK_MS = 1000;

const WORKER_URL = new URL('./worker.js', import.meta.url);

interface ConnectionThread {
  worker: Worker;
  mailbox: Int32Array;
  idleSince: Float64Array;
  exited: Promise<void>;
}

export class ConnectionThreads {
  /** the first error thrown in a Worker: a bug, which stops the server as it would the blocking one */
  failure: Error | undefined;
  private readonly control = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  /** every Worker not yet exited, retiring ones included: what maxWorkers caps */
  private readonly alive = new Set<ConnectionThread>();
  private readonly retireTimer: NodeJS.Timeout;

  constructor(
    private readonly siteConfig: SiteConfig,
    private readonly maxWorkers: number,
    /** a Worker beyond the spares that has waited this long for a connection is ended */
    private readonly retireAfterMs: number,
  ) {
    // The main thread runs its timers between accept slices (STOP_CHECK_MS): precise enough.
    this.retireTimer = setInterval(() => this.retireOne(), RETIRE_TICK_MS).unref();
  }

  /** Starts Workers until SPARE_WORKERS are waiting (ready or starting), never more than maxWorkers alive. */
  startSpares(): void {
    let waiting = 0;
    for (const t of this.alive) if (isWaiting(t)) waiting++;
    while (waiting < SPARE_WORKERS && this.alive.size < this.maxWorkers) {
      this.start();
      waiting++;
    }
  }

  /** The sequence number to pass to capacityFreed: read it before looking for a Worker. */
  freedSeq(): number {
    return Atomics.load(this.control, FREED);
  }

  /**
   * The Worker the next connection goes to: of the ready ones, the one that became idle last (its
   * stack and caches are the warmest, and the others age towards retirement). Undefined while none is
   * ready: every Worker holds a connection, is retiring, or is still starting. The caller then waits
   * (readyOrFreed) and connections wait in the listen backlog: the pool grows by SPARE_WORKERS
   * start-ups at a time, and never hands a connection to a Worker that is still starting.
   */
  pick(): ConnectionThread | undefined {
    let best: ConnectionThread | undefined;
    for (const t of this.alive) {
      if (Atomics.load(t.mailbox, STATE) === IDLE && (best === undefined || t.idleSince[0]! > best.idleSince[0]!)) best = t;
    }
    return best;
  }

  /**
   * Gives fd to the Worker pick() returned, with no turn of this thread's event loop between (only
   * this thread takes a Worker out of IDLE, so it is still waiting).
   */
  handOff(thread: ConnectionThread, fd: number): void {
    if (Atomics.compareExchange(thread.mailbox, STATE, IDLE, fd) !== IDLE) throw new Error('handOff needs a ready Worker: call pick() first');
    Atomics.notify(thread.mailbox, STATE);
  }

  /** Resolves once a Worker has become ready or finished a connection after `seq` was read, or after timeoutMs. */
  async readyOrFreed(seq: number, timeoutMs: number): Promise<void> {
    await Atomics.waitAsync(this.control, FREED, seq, timeoutMs).value;
  }

  /**
   * Ends every Worker: waiting ones at once; serving ones by shutting their sockets down, so that a
   * blocked recv or send returns now, then terminated if they have not ended within graceMs.
   */
  async stop(graceMs: number): Promise<void> {
    clearInterval(this.retireTimer);
    Atomics.store(this.control, STOPPING, 1);
    for (const thread of this.alive) {
      const state = Atomics.load(thread.mailbox, STATE);
      // A Worker may have closed this fd already, and the number may be reused by another of these
      // connections or a file a Worker has open: shutting that down is harmless (ENOTSOCK), because
      // nothing new is accepted any more and every connection is being closed anyway.
      if (state >= 0) shutdownQuietly(state);
      Atomics.notify(thread.mailbox, STATE);
    }
    const allExited = Promise.all([...this.alive].map((t) => t.exited));
    // Unreferenced: a pending timer would keep the process alive after the last Worker has ended.
    const ended = await Promise.race([allExited.then(() => true), sleep(graceMs, false, { ref: false })]);
    if (!ended) for (const thread of this.alive) void thread.worker.terminate();
    // terminate() takes effect when the Worker's blocking call returns: within one recv slice.
    await allExited;
  }

  /**
   * Ends the Worker that has waited longest, if more than SPARE_WORKERS are waiting and it has waited
   * retireAfterMs. One a tick, as Apache's prefork retires one idle child a second: a pool that a
   * load grew drains gradually, and a load that pauses for a few seconds finds it still there.
   */
  private retireOne(): void {
    let waiting = 0;
    let oldest: ConnectionThread | undefined;
    for (const t of this.alive) {
      if (!isWaiting(t)) continue;
      waiting++;
      if (Atomics.load(t.mailbox, STATE) === IDLE && (oldest === undefined || t.idleSince[0]! < oldest.idleSince[0]!)) oldest = t;
    }
    if (waiting <= SPARE_WORKERS || oldest === undefined || Date.now() - oldest.idleSince[0]! < this.retireAfterMs) return;
    if (Atomics.compareExchange(oldest.mailbox, STATE, IDLE, RETIRE) === IDLE) Atomics.notify(oldest.mailbox, STATE);
  }

  private start(): ConnectionThread {
    const buffer = new SharedArrayBuffer(MAILBOX_BYTES);
    const mailbox = new Int32Array(buffer, 0, 1);
    const idleSince = new Float64Array(buffer, IDLE_SINCE_OFFSET, 1);
    mailbox[STATE] = STARTING;
    idleSince[0] = Date.now();
    const workerData: ConnectionWorkerData = { siteConfig: this.siteConfig, mailbox: buffer, control: this.control };
    const worker = new Worker(WORKER_URL, { workerData });
    // 'exit' is subscribed first and at once: Node may emit it in the same tick as an error.
    const thread: ConnectionThread = {
      worker,
      mailbox,
      idleSince,
      exited: new Promise((resolve) => {
        worker.once('exit', () => {
          this.alive.delete(thread);
          resolve();
        });
      }),
    };
    worker.on('error', (err) => {
      this.failure ??= err;
    });
    this.alive.add(thread);
    return thread;
  }
}

function isWaiting(thread: ConnectionThread): boolean {
  const state = Atomics.load(thread.mailbox, STATE);
  return state === IDLE || state === STARTING;
}

function shutdownQuietly(fd: number): void {
  try {
    native.shutdown(fd, C.SHUT_RDWR);
  } catch (err) {
    // That connection is already over (see stop()).
    if (!isSyscallError(err, 'ENOTCONN', 'ENOTSOCK', 'EBADF')) throw err;
  }
}
