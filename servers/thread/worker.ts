// The thread server's Worker: serves exactly one connection with blocking recv and send, then ends.
// The connection arrives as an fd number: threads share the process's fd table.
import { parentPort, workerData } from 'node:worker_threads';
import { serveBlockingConnection } from '../io/blocking-connection.js';
import { createSite } from '../io/site.js';
import type { ConnectionWorkerData } from './connection-threads.js';

if (parentPort === null) throw new Error('servers/thread/worker.js runs only as a Worker');
const { docroot, idleTimeoutMs, handicapUs, liveWorkers } = workerData as ConnectionWorkerData;
// Built while this Worker waits as a spare, so that none of it is on the request path.
const site = createSite(docroot, handicapUs);
const buffer = Buffer.allocUnsafe(64 * 1024);

// `once`: with its only listener gone, nothing keeps this thread alive after its connection.
parentPort.once('message', (fd: number) => {
  try {
    serveBlockingConnection(fd, site, buffer, idleTimeoutMs);
  } finally {
    Atomics.sub(liveWorkers, 0, 1);
    Atomics.notify(liveWorkers, 0);
  }
});
