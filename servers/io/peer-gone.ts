// Which errors mean that the client has gone, for every server: those end its connection quietly;
// any other error is a bug, and surfaces.
import { isSyscallError } from '../native/errors.js';

/**
 * True when a call on a connected socket failed because the client is gone: it reset the
 * connection (ECONNRESET; ENOTCONN from shutdown once it has), closed it before a send (EPIPE), or
 * stopped answering until the kernel gave up retransmitting (ETIMEDOUT, EHOSTUNREACH, ENETUNREACH).
 */
export function isPeerGone(err: unknown): boolean {
  return isSyscallError(err, 'ECONNRESET', 'ENOTCONN', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH');
}
