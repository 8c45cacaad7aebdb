// Ports on 127.0.0.1: picking a free one for a program that cannot bind port 0 and tell us which it
// got, and seeing whether something accepts connections on one.
import { connect, createServer } from 'node:net';

/** A port that was free a moment ago: bind 0, read it, release it. Another process may take it
 * before the peer binds it; spawnProgram then retries with a new one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
