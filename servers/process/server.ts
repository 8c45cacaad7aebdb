// The process server: the tutorial's multiprocessing step. Every connection is served by its own
// OS process, with blocking recv and send through the shared core, and that process exits when
// the connection closes.
//
// Why it is shaped this way:
// - Node cannot fork(): a child forked by an addon crashes as soon as it runs JS. Children are
//   spawned instead, and each is given its connection as an fd over a private socketpair
//   (SCM_RIGHTS). A child is a new Node: on these 2-core machines it takes about 90 ms, and 80 ms
//   of CPU, to be ready.
// - That cost would sit on the request path, so SPARE_CHILDREN children are started in advance.
//   Each still serves exactly one connection and exits; the parent starts a replacement as soon as
//   one is used. The CPU cost remains, and it bounds new connections to about 20 per second.
// - The parent's main thread must stay on its event loop: that is where Node reaps children and
//   reports their exits. So accept4 blocks in a worker thread (acceptor.ts), which posts each fd to
//   the main thread (threads share the fd table). The main thread sends it to a spare and closes
//   its own copy.
// - Live children, spares included, never exceed maxWorkers. The acceptor stops accepting while
//   maxWorkers connections are open, so a flood waits in the listen backlog instead of spawning.
// - Stopping: the addon's handler records SIGINT/SIGTERM. The acceptor checks for it between its
//   STOP_CHECK_MS accept slices and exits, and its exit tells the main thread, so the main thread
//   needs no timer to poll the flag. It then closes the listener, sends SIGTERM to every child,
//   waits for them (SIGKILL after CHILD_GRACE_MS) and returns. Each child also dies with the parent
//   (PR_SET_PDEATHSIG), and a spare sees end of stream on its channel.
import { Worker } from 'node:worker_threads';
import { native } from '../native/index.js';
import { STOP_CHECK_MS } from '../io/blocking-connection.js';
import { closeQuietly, listenTcp } from '../io/sockets.js';
import { serverUrl } from '../io/url.js';
import type { ServerOptions } from '../io/options.js';
import { OPEN_CONNECTIONS, STOP, createControl, type AcceptorData } from './acceptor-control.js';
import { ChildPool } from './child-pool.js';

/**
 * Children kept started in advance: they absorb a burst of 4 new connections while replacements
 * start. More would only cost memory (about 9 MiB of proportional RSS each): a longer burst is
 * limited by the CPU that starting children takes, not by how many are ready.
 */
const SPARE_CHILDREN = 4;

/** Children get this long after SIGTERM; under the 3 s that http-lab gives a server it stops. */
const CHILD_GRACE_MS = 2000;

const ACCEPTOR_SCRIPT = new URL('./acceptor.js', import.meta.url);

export async function runProcessServer(options: ServerOptions): Promise<void> {
  native.installStopSignals();
  const listener = listenTcp(options.host, options.port, options.backlog);
  native.setTimeouts(listener.fd, STOP_CHECK_MS, 0);
  const control = createControl();
  let failure: Error | undefined;

  const pool = new ChildPool({
    child: { parentPid: process.pid, docroot: options.docroot, idleTimeoutMs: options.idleTimeoutMs, handicapUs: options.handicapUs },
    maxChildren: options.maxWorkers,
    spares: SPARE_CHILDREN,
    onConnectionClosed() {
      Atomics.sub(control, OPEN_CONNECTIONS, 1);
      Atomics.notify(control, OPEN_CONNECTIONS);
    },
    onFailure(error) {
      failure ??= error;
      Atomics.store(control, STOP, 1);
      Atomics.notify(control, OPEN_CONNECTIONS);
    },
  });
  pool.fill();

  const acceptorData: AcceptorData = { listenFd: listener.fd, maxConnections: options.maxWorkers, control };
  const acceptor = new Worker(ACCEPTOR_SCRIPT, { workerData: acceptorData });
  const acceptorExited = new Promise<void>((resolve) => acceptor.once('exit', () => resolve()));
  acceptor.on('message', (fd: number) => pool.handOff(fd));
  acceptor.once('error', (error) => {
    failure ??= error;
  });
  options.onListening(serverUrl(listener.host, listener.port));

  await acceptorExited;
  closeQuietly(listener.fd);
  await pool.stop(CHILD_GRACE_MS);
  if (failure !== undefined) throw failure;
}
