// The process server's acceptor, a worker thread: it blocks in accept4 so that the parent's main
// thread never does, and posts each connection's fd to it (threads share the fd table). While the
// parent's children already hold maxConnections connections, it stops accepting: further clients
// wait in the listen backlog.
import { parentPort, workerData } from 'node:worker_threads';
import { C, native } from '../native/index.js';
import { STOP_CHECK_MS } from '../io/blocking-connection.js';
import { OUT_OF_RESOURCES, acceptConnection, pause } from '../io/sockets.js';
import { OPEN_CONNECTIONS, STOP, type AcceptorData } from './acceptor-control.js';

const { listenFd, maxConnections, control } = workerData as AcceptorData;

const stopping = (): boolean => native.stopSignal() !== 0 || Atomics.load(control, STOP) !== 0;

while (!stopping()) {
  const open = Atomics.load(control, OPEN_CONNECTIONS);
  if (open >= maxConnections) {
    // Woken when a child exits; the timeout bounds how late a stop is seen.
    Atomics.wait(control, OPEN_CONNECTIONS, open, STOP_CHECK_MS);
    continue;
  }
  // The listener has SO_RCVTIMEO = STOP_CHECK_MS, so this returns -EAGAIN at the end of each slice.
  const fd = acceptConnection(listenFd, C.SOCK_CLOEXEC);
  if (fd === OUT_OF_RESOURCES) pause(STOP_CHECK_MS); // no descriptor left: the client waits in the backlog
  if (fd < 0) continue; // -EAGAIN or -EINTR: the loop checks for a stop
  Atomics.add(control, OPEN_CONNECTIONS, 1);
  parentPort!.postMessage(fd);
}
