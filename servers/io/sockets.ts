// Socket helpers shared by the servers that use the syscall addon directly.
import { C, native } from '../native/index.js';
import { isSyscallError } from '../native/errors.js';

/** socket + SO_REUSEADDR + bind + listen; returns the listening fd and the bound address. */
export function listenTcp(host: string, port: number, backlog: number, nonBlocking = false): { fd: number; host: string; port: number } {
  const domain = host.includes(':') ? C.AF_INET6 : C.AF_INET;
  const fd = native.socket(domain, C.SOCK_CLOEXEC | (nonBlocking ? C.SOCK_NONBLOCK : 0));
  try {
    native.setsockopt(fd, C.SOL_SOCKET, C.SO_REUSEADDR, 1);
    native.bind(fd, host, port);
    native.listen(fd, backlog);
    const bound = native.getsockname(fd);
    return { fd, host: bound.address, port: bound.port };
  } catch (err) {
    native.close(fd);
    throw err;
  }
}

/** What acceptConnection returns when the process or the system is out of descriptors or memory. */
export const OUT_OF_RESOURCES = -1_000_000;

const EXHAUSTED = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM']);

/**
 * accept(2): "Linux accept() passes already-pending network errors on the new socket as an error
 * code from accept(). [...] For reliable operation the application should detect the network
 * errors defined for the protocol after accept() and treat them like EAGAIN by retrying. In the
 * case of TCP/IP, these are ENETDOWN, EPROTO, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH,
 * EOPNOTSUPP, and ENETUNREACH." A client that aborted before it was accepted (ECONNABORTED), and a
 * firewall's refusal (EPERM), are the same: that connection is lost, the listener is fine.
 */
export const ACCEPT_RETRY = new Set([
  'ECONNABORTED',
  'EPERM',
  'ENETDOWN',
  'EPROTO',
  'ENOPROTOOPT',
  'EHOSTDOWN',
  'ENONET',
  'EHOSTUNREACH',
  'EOPNOTSUPP',
  'ENETUNREACH',
]);

/** An accept error that means no descriptor or memory is left (the caller backs off). */
export function acceptExhausted(code: string): boolean {
  return EXHAUSTED.has(code);
}

/**
 * accept4 that a flood cannot turn into a crash: the fd, or -EAGAIN / -EINTR as native.accept4
 * gives them, or OUT_OF_RESOURCES when no descriptor is left (the caller backs off: the connection
 * stays in the backlog). A connection the client aborted before it was accepted reads as -EAGAIN.
 */
export function acceptConnection(listenFd: number, flags: number): number {
  try {
    return native.accept4(listenFd, flags);
  } catch (err) {
    if (isSyscallError(err)) {
      if (ACCEPT_RETRY.has(err.code)) return -C.EAGAIN;
      if (EXHAUSTED.has(err.code)) return OUT_OF_RESOURCES;
    }
    throw err;
  }
}

const NO_FDS = new Int32Array(0);
const NO_EVENTS = new Int16Array(0);

/**
 * Blocks the calling thread for ms, or until a signal delivered to it (a stop) cuts the wait short:
 * poll(2) over no descriptors, used as nothing but a sleep. (The poll server never calls poll(2).)
 */
export function sleepInterruptibly(ms: number): void {
  native.poll(NO_FDS, NO_EVENTS, NO_EVENTS, ms);
}
