// The I/O constants the servers share: how they wait, linger, read and back off.

/**
 * A signal that lands between the stop-flag check and the next blocking call would not interrupt
 * that call, so blocking calls wait in slices of this length (SO_RCVTIMEO, which Linux applies to
 * accept too; the epoll server's epoll_wait timeout) and check the flag between slices: a stop is
 * seen within this bound, always.
 */
export const STOP_CHECK_MS = 250;

/** How long a closing connection keeps reading (and discarding) after its half-close (RFC 9112 §9.6). */
export const LINGER_MS = 1000;

/** How long accepting pauses when no descriptor is left: the client waits in the backlog. No longer
 * than a stop check, so that a thread sleeping it off still sees a stop in time. */
export const ACCEPT_BACKOFF_MS = STOP_CHECK_MS;

/** The buffer each serving thread reuses for every recv. */
export const RECV_BUFFER_BYTES = 64 * 1024;
