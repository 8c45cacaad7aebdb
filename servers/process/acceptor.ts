/// <reference lib="es2024.sharedmemory" />
// The process server's acceptor, a worker thread: it blocks in accept4 so that the parent's main
// thread never does, and posts each connection's fd to it (threads share the fd table). It accepts
// only when a child is waiting for a connection (AVAILABLE): while none is, further clients wait in
// the listen backlog.
import { parentPort, workerData } from 'node:worker_threads';
import { C, native } from '../native/index.js';
import { ACCEPT_BACKOFF_MS, STOP_CHECK_MS } from '../io/constants.js';
import { OUT_OF_RESOURCES, acceptConnection, sleepInterruptibly } from '../io/sockets.js';
import { AVAILABLE, STOP, claimAvailable, type AcceptorData } from './acceptor-control.js';

const { listenFd, control } = workerData as AcceptorData;

const stopping = (): boolean => native.stopSignal() !== 0 || Atomics.load(control, STOP) !== 0;

while (!stopping()) {
  if (!claimAvailable(control)) {
    // Woken when a child becomes ready or finishes a connection; the timeout bounds how late a stop is seen.
    Atomics.wait(control, AVAILABLE, 0, STOP_CHECK_MS);
    continue;
  }
  // The listener has SO_RCVTIMEO = STOP_CHECK_MS, so this returns -EAGAIN at the end of each slice.
  const fd = acceptConnection(listenFd, C.SOCK_CLOEXEC);
  if (fd < 0) {
    // -EAGAIN or -EINTR: the child stays available, and the loop checks for a stop.
    Atomics.add(control, AVAILABLE, 1);
    if (fd === OUT_OF_RESOURCES) sleepInterruptibly(ACCEPT_BACKOFF_MS); // no descriptor left: the client waits in the backlog
    continue;
  }
  parentPort!.postMessage(fd);
}
