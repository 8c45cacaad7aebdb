/// <reference lib="es2024.sharedmemory" />
// The thread server's Worker: a pooled OS thread that serves one connection at a time, for that
// connection's whole life, with blocking recv and send; then it waits for the next one. The
// connection arrives as an fd number in its mailbox: threads share the process's fd table. It waits
// in Atomics.wait, a blocking futex wait: this thread never runs an event loop.
import { isMainThread, workerData } from 'node:worker_threads';
import { serveBlockingConnection } from '../io/blocking-connection.js';
import { RECV_BUFFER_BYTES } from '../io/constants.js';
import { createSite } from '../io/site.js';
import { FREED, IDLE, IDLE_SINCE_OFFSET, RETIRE, STATE, STOPPING, type ConnectionWorkerData } from './connection-threads.js';

/** How long one Atomics.wait lasts at most before the stop flag is checked again. */
const WAIT_SLICE_MS = 1000;

if (isMainThread) throw new Error('servers/thread/worker.js runs only as a Worker');
const { siteConfig, mailbox: buffer, control } = workerData as ConnectionWorkerData;
const mailbox = new Int32Array(buffer, 0, 1);
const idleSince = new Float64Array(buffer, IDLE_SINCE_OFFSET, 1);
// Built once, before the first connection, so that none of it is on the request path.
const site = createSite(siteConfig.docroot, siteConfig.handicapUs);
const scratch = Buffer.allocUnsafe(RECV_BUFFER_BYTES);

// Ready: from STARTING to IDLE. Only now may the main thread hand this Worker a connection.
idleSince[0] = Date.now();
Atomics.store(mailbox, STATE, IDLE);
becameIdle();

for (;;) {
  if (Atomics.load(control, STOPPING) !== 0) break;
  // Returns at once unless the mailbox still says IDLE.
  Atomics.wait(mailbox, STATE, IDLE, WAIT_SLICE_MS);
  const state = Atomics.load(mailbox, STATE);
  if (state === RETIRE) break;
  if (state < 0) continue; // IDLE: a slice ended
  try {
    serveBlockingConnection(state, site, scratch, siteConfig);
  } finally {
    idleSince[0] = Date.now();
    Atomics.store(mailbox, STATE, IDLE);
    becameIdle();
  }
}
// Nothing is left to keep this thread alive: it ends, and the main thread sees its 'exit'.

/** Tells the main thread, which may be waiting for a ready Worker. */
function becameIdle(): void {
  Atomics.add(control, FREED, 1);
  Atomics.notify(control, FREED);
}
