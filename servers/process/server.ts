// The process server: the tutorial's multiprocessing step, pre-forked as Apache's prefork MPM is.
// Every open connection is served by an OS process of its own, with blocking recv and send through
// the shared core; when the connection closes, that process goes back to the pool and waits for the
// next one.
//
// Why it is shaped this way:
// - Node cannot fork(): a child forked by an addon crashes as soon as it runs JS. Children are
//   spawned instead, and each is given its connections as fds over a private socketpair
//   (SCM_RIGHTS). A child is a new Node: on these 2-core machines it takes about 90 ms, and 80 to
//   100 ms of CPU, to be ready.
// - That cost would bound new connections to about 20 a second per core if every connection paid
//   it, as it did when each child served one connection and exited. So children are pooled
//   (child-pool.ts): started in advance (SPARE_CHILDREN kept waiting), reused for one connection
//   after another, grown with the load up to maxWorkers, and retired when they have waited
//   idleTimeoutMs beyond the spares. Each child reports on a status pipe when it is ready and when it
//   has closed a connection.
// - The parent's main thread must stay on its event loop: that is where Node reaps children and
//   reads their status pipes. So accept4 blocks in a worker thread (acceptor.ts), which posts each fd
//   to the main thread (threads share the fd table). The main thread sends it to a waiting child
//   and closes its own copy.
// - Live children never exceed maxWorkers, and the acceptor accepts only while a ready child waits
//   for a connection (AVAILABLE in acceptor-control.ts): a flood, or a burst larger than the pool,
//   waits in the listen backlog, and the pool grows by SPARE_CHILDREN start-ups at a time.
// - Stopping: the addon's handler records SIGINT/SIGTERM. The acceptor checks for it between its
//   STOP_CHECK_MS accept slices and exits, and its exit tells the main thread, so the main thread
//   needs no timer to poll the flag. It then closes the listener, sends SIGTERM to every child,
//   waits for them (SIGKILL after CHILD_GRACE_MS) and returns. Each child also dies with the parent
//   (PR_SET_PDEATHSIG), and a waiting child sees end of stream on its channel.
import { Worker } from 'node:worker_threads';
import { native } from '../native/index.js';
import { STOP_CHECK_MS } from '../io/constants.js';
import { listenTcp } from '../io/sockets.js';
import { serverUrl } from '../io/url.js';
import type { ServerOptions } from '../io/options.js';
import { AVAILABLE, STOP, createControl, type AcceptorData } from './acceptor-control.js';
import { ChildPool } from './child-pool.js';

/**
 * Children kept waiting, ready or starting: they absorb a burst of 4 new connections beyond those
 * the pool already holds while more start. More would only cost memory (about 9 MiB of proportional
 * RSS each): a longer burst is limited by the CPU that starting children takes.
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
    child: { parentPid: process.pid, siteConfig: options.siteConfig },
    maxChildren: options.maxWorkers,
    spares: SPARE_CHILDREN,
    // A child beyond the spares that has had no connection for as long as a keep-alive connection
    // may stay silent (--idle-timeout) is retired.
    retireAfterMs: options.siteConfig.idleTimeoutMs,
    control,
    onFailure(error) {
      failure ??= error;
      Atomics.store(control, STOP, 1);
      Atomics.notify(control, AVAILABLE);
    },
  });
  pool.fill();

  const acceptorData: AcceptorData = { listenFd: listener.fd, control };
  const acceptor = new Worker(ACCEPTOR_SCRIPT, { workerData: acceptorData });
  const acceptorExited = new Promise<void>((resolve) => acceptor.once('exit', () => resolve()));
  acceptor.on('message', (fd: number) => pool.handOff(fd));
  acceptor.once('error', (error) => {
    failure ??= error;
  });
  options.onListening(serverUrl(listener.host, listener.port));

  await acceptorExited;
  native.close(listener.fd);
  await pool.stop(CHILD_GRACE_MS);
  if (failure !== undefined) throw failure;
}
