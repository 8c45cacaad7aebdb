/// <reference lib="es2024.sharedmemory" />
// The thread server's threads: one Worker per connection, each serving exactly one connection and
// then ending. A Worker takes tens of milliseconds to start and load its modules, so a few are
// started ahead of need and each waits, ready, for the one fd it will serve.
import { Worker } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { C, native } from '../native/index.js';

/** What every connection Worker is started with (its `workerData`). */
export interface ConnectionWorkerData {
  docroot: string;
  idleTimeoutMs: number;
  handicapUs: number;
  /**
   * [0]: Workers alive, ready or serving. The main thread adds one per Worker it starts; a Worker
   * subtracts one when its connection is closed. Shared memory, because the main thread mostly sits
   * in a blocking accept and processes a Worker's 'exit' event only when its event loop turns.
   */
  liveWorkers: Int32Array;
}

/**
 * Workers kept started and ready, so that a Worker's start-up is not on the path of a new
 * connection: about 25 ms of CPU for the isolate and 20 ms more to load the server's modules, on
 * these 2-core machines. Spares hide it from a burst of new connections; they cannot raise the
 * sustained rate, which that CPU cost bounds (about 20 new connections a second per core). Every
 * spare counts towards maxWorkers.
 */
export const SPARE_WORKERS = 4;

const WORKER_URL = new URL('./worker.js', import.meta.url);

interface ConnectionThread {
  worker: Worker;
  exited: Promise<void>;
  /** the connection handed to it; undefined while it is a ready spare */
  fd?: number;
}

export class ConnectionThreads {
  /** the first error thrown in a Worker: a bug, which stops the server as it would the blocking one */
  failure: Error | undefined;
  private readonly liveWorkers = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  private readonly alive = new Set<ConnectionThread>();
  private readonly ready: ConnectionThread[] = [];

  constructor(
    private readonly site: { docroot: string; idleTimeoutMs: number; handicapUs: number },
    private readonly maxWorkers: number,
  ) {}

  /** Starts Workers until SPARE_WORKERS are ready, never more than maxWorkers alive. */
  startSpares(): void {
    while (this.ready.length < SPARE_WORKERS && Atomics.load(this.liveWorkers, 0) < this.maxWorkers) {
      this.ready.push(this.start());
    }
  }

  hasReady(): boolean {
    return this.ready.length > 0;
  }

  /**
   * Gives fd to a ready Worker. The message reaches it through its own event loop, so it is
   * delivered while this thread blocks in the next accept.
   */
  handOff(fd: number): void {
    const thread = this.ready.shift();
    if (thread === undefined) throw new Error('handOff needs a ready Worker: call startSpares first');
    thread.fd = fd;
    thread.worker.postMessage(fd);
  }

  /** At the cap: resolves once a Worker has finished its connection, or after timeoutMs. */
  async capacityFreed(timeoutMs: number): Promise<void> {
    const live = Atomics.load(this.liveWorkers, 0);
    await Atomics.waitAsync(this.liveWorkers, 0, live, timeoutMs).value;
  }

  /**
   * Ends every Worker: spares at once; serving ones by shutting their sockets down, so that a
   * blocked recv or send returns now, then terminated if they have not ended within graceMs.
   */
  async stop(graceMs: number): Promise<void> {
    for (const spare of this.ready) void spare.worker.terminate();
    for (const thread of this.alive) {
      // A Worker may have closed its fd already, and the number may be reused by another of these
      // connections or a file a Worker has open: shutting that down is harmless (ENOTSOCK), because
      // nothing new is accepted any more and every connection is being closed anyway.
      if (thread.fd !== undefined) shutdownQuietly(thread.fd);
    }
    const allExited = Promise.all([...this.alive].map((t) => t.exited));
    // Unreferenced: a pending timer would keep the process alive after the last Worker has ended.
    const ended = await Promise.race([allExited.then(() => true), sleep(graceMs, false, { ref: false })]);
    if (!ended) for (const thread of this.alive) void thread.worker.terminate();
    // terminate() takes effect when the Worker's blocking call returns: within one recv slice.
    await allExited;
  }

  private start(): ConnectionThread {
    const workerData: ConnectionWorkerData = { ...this.site, liveWorkers: this.liveWorkers };
    const worker = new Worker(WORKER_URL, { workerData });
    Atomics.add(this.liveWorkers, 0, 1);
    // 'exit' is subscribed first and at once: Node may emit it in the same tick as the last message.
    const thread: ConnectionThread = {
      worker,
      exited: new Promise((resolve) => {
        worker.once('exit', () => {
          this.alive.delete(thread);
          const spare = this.ready.indexOf(thread);
          if (spare >= 0) {
            // It ended before it was handed a connection (an error, or stop), so it never counted
            // itself out.
            this.ready.splice(spare, 1);
            Atomics.sub(this.liveWorkers, 0, 1);
          }
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

function shutdownQuietly(fd: number): void {
  try {
    native.shutdown(fd, C.SHUT_RDWR);
  } catch {
    // ENOTCONN, ENOTSOCK or EBADF: that connection is already over.
  }
}
