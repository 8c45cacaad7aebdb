// Socket helpers shared by the servers that use the syscall addon directly.
import { C, native } from '../native/index.js';

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

/** Closes an fd, ignoring errors: the peer may already have reset it. */
export function closeQuietly(fd: number): void {
  try {
    native.close(fd);
  } catch {
    // EBADF or ECONNRESET on close: nothing is left to release.
  }
}
