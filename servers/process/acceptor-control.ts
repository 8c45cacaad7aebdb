/// <reference lib="es2024.sharedmemory" />
// What the process server's main thread shares with its acceptor thread.

/**
 * Index in `control` of the children that are ready and waiting for a connection and that no
 * accepted connection has claimed yet. The main thread adds one (and notifies) when a child becomes
 * ready or finishes a connection. The acceptor claims one before each accept4, and gives it back if
 * the slice ends with no connection; the main thread claims one to retire a child. Claims are
 * compare-and-swap decrements, so the count never goes below zero. So a connection is accepted only
 * when a child is waiting for it, as in Apache's prefork, where children accept: at maxWorkers busy
 * children, or while the pool is still starting, connections wait in the listen backlog.
 */
export const AVAILABLE = 0;
/** Index in `control` of the flag the main thread raises to stop the acceptor without a signal. */
export const STOP = 1;

export interface AcceptorData {
  /** blocking, with SO_RCVTIMEO set, so that accept4 waits in slices */
  listenFd: number;
  /** Int32Array over a SharedArrayBuffer, indexed by AVAILABLE and STOP */
  control: Int32Array;
}

export function createControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
}

/** Takes one waiting child from the count; false if none is left unclaimed. */
export function claimAvailable(control: Int32Array): boolean {
  for (;;) {
    const available = Atomics.load(control, AVAILABLE);
    if (available <= 0) return false;
    if (Atomics.compareExchange(control, AVAILABLE, available, available - 1) === available) return true;
  }
}

/** Adds one waiting child to the count and wakes the acceptor. */
export function releaseAvailable(control: Int32Array): void {
  Atomics.add(control, AVAILABLE, 1);
  Atomics.notify(control, AVAILABLE);
}
