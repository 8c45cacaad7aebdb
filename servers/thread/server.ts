// The thread server: the tutorial's threading step, pre-threaded. The main thread blocks in accept
// and hands each connection to an OS thread of its own (a Worker), which blocks in recv and send on
// it until it closes, then waits for its next connection. Workers are pooled: started a few ahead of
// need and reused, at most maxWorkers alive. When every one of them holds a connection, the main
// thread stops accepting, and new connections wait in the listen backlog.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { C, native } from '../native/index.js';
import { ACCEPT_BACKOFF_MS, STOP_CHECK_MS } from '../io/constants.js';
import { OUT_OF_RESOURCES, acceptConnection, listenTcp, sleepInterruptibly } from '../io/sockets.js';
import { serverUrl } from '../io/url.js';
import type { ServerOptions } from '../io/options.js';
import { ConnectionThreads } from './connection-threads.js';

/** How long serving Workers get to end after their sockets are shut down, before terminate(). */
const STOP_GRACE_MS = 2000;

export async function runThreadServer(options: ServerOptions): Promise<void> {
  native.installStopSignals();
  const listener = listenTcp(options.host, options.port, options.backlog);
  native.setTimeouts(listener.fd, STOP_CHECK_MS, 0);
  // A pooled Worker beyond the spares that has had no connection for as long as a keep-alive
  // connection may stay silent (--idle-timeout) is retired.
  const threads = new ConnectionThreads(options.siteConfig, options.maxWorkers, options.siteConfig.idleTimeoutMs);
  try {
    options.onListening(serverUrl(listener.host, listener.port));
    while (native.stopSignal() === 0 && threads.failure === undefined) {
      threads.startSpares();
      const seq = threads.freedSeq();
      const thread = threads.pick();
      if (thread === undefined) {
        // No Worker ready (all maxWorkers hold connections, or the pool is growing): accept nothing
        // until one is.
        await threads.readyOrFreed(seq, STOP_CHECK_MS);
        continue;
      }
      const fd = acceptConnection(listener.fd, C.SOCK_CLOEXEC);
      // -EINTR or -EAGAIN (a slice ended): the loop checks for a stop
      if (fd >= 0) threads.handOff(thread, fd);
      // No descriptor left: the client waits in the backlog while this thread backs off.
      else if (fd === OUT_OF_RESOURCES) sleepInterruptibly(ACCEPT_BACKOFF_MS);
      // Blocked in accept, this thread runs no events: let them run now, so that Workers' 'exit' and
      // 'error' events and the retirement timer are handled.
      await nextTurn();
    }
  } finally {
    await threads.stop(STOP_GRACE_MS);
    native.close(listener.fd);
  }
  if (threads.failure !== undefined) throw threads.failure;
}
