// Blocking send and close for servers whose threads block in recv and send (blocking, thread,
// process). Each call blocks in the kernel; SO_RCVTIMEO and SO_SNDTIMEO bound how long.
import { C, native, interrupted, wouldBlock } from '../native/index.js';
import { LINGER_MS } from './constants.js';
import { isPeerGone } from './peer-gone.js';

export type SendResult = 'sent' | 'timeout' | 'interrupted' | 'peer-gone';

/** Sends every chunk, retrying partial sends. */
export function sendAll(fd: number, chunks: Uint8Array[]): SendResult {
  try {
    for (const chunk of chunks) {
      let offset = 0;
      while (offset < chunk.length) {
        const n = native.send(fd, chunk, offset, chunk.length - offset);
        if (n >= 0) offset += n;
        else if (wouldBlock(n)) return 'timeout';
        else if (interrupted(n) && native.stopSignal() !== 0) return 'interrupted';
      }
    }
    return 'sent';
  } catch (err) {
    if (!isPeerGone(err)) throw err;
    return 'peer-gone'; // the client went away mid-response; nothing more to send
  }
}

/**
 * Closes after a final response without losing it. Closing a socket that still has unread input
 * makes the kernel send RST, and an RST can destroy response bytes the client has not read yet.
 * RFC 9112 §9.6: "To avoid the TCP reset problem, servers typically close a connection in stages.
 * First, the server performs a half-close by closing only the write side of the read/write
 * connection. The server then continues to read from the connection until it receives a
 * corresponding close by the client, or until the server is reasonably certain that its own TCP
 * stack has received the client's acknowledgement". Reading is bounded by LINGER_MS.
 */
export function lingeringClose(fd: number, scratch: Uint8Array): void {
  try {
    native.shutdown(fd, C.SHUT_WR);
    native.setTimeouts(fd, LINGER_MS, LINGER_MS);
    const deadline = Date.now() + LINGER_MS;
    while (Date.now() < deadline) {
      const n = native.recv(fd, scratch, 0, scratch.length);
      if (n === 0 || wouldBlock(n) || (interrupted(n) && native.stopSignal() !== 0)) break;
    }
  } catch (err) {
    if (!isPeerGone(err)) throw err; // gone already: nothing to wait for
  }
  native.close(fd);
}
