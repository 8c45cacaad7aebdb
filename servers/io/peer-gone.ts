// Which errors mean that the client has gone, for every server: those end its connection quietly;
// any other error is a bug, and surfaces.
import { isSyscallError } from '../native/errors.js';

/**
 * The client reset the connection (ECONNRESET; ENOTCONN from shutdown once it has), closed it
 * before a send (EPIPE), or stopped answering until the kernel gave up retransmitting (ETIMEDOUT,
 * EHOSTUNREACH, ENETUNREACH).
 */
const PEER_GONE = ['ECONNRESET', 'ENOTCONN', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'] as const;

/** True when a call on a connected socket threw because the client is gone. */
export function isPeerGone(err: unknown): boolean {
  return isSyscallError(err, ...PEER_GONE);
}

/** The same, for an errno's name, as a completion reports it (io_uring). */
export function isPeerGoneCode(code: string): boolean {
  return (PEER_GONE as readonly string[]).includes(code);
}
