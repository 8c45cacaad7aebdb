// What the process server's main thread shares with its acceptor thread.

/** Index in `control` of the number of connections accepted and not yet closed by their child. */
export const OPEN_CONNECTIONS = 0;
/** Index in `control` of the flag the main thread raises to stop the acceptor without a signal. */
export const STOP = 1;

export interface AcceptorData {
  /** blocking, with SO_RCVTIMEO set, so that accept4 waits in slices */
  listenFd: number;
  maxConnections: number;
  /** Int32Array over a SharedArrayBuffer, indexed by OPEN_CONNECTIONS and STOP */
  control: Int32Array;
}

export function createControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
}
