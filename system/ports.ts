// A free port on 127.0.0.1, for a program that cannot bind port 0 and tell us which it got: the
// peers and yardsticks targets/ starts, and a Locust master loadtest/ starts.
import { createServer } from 'node:net';

/** A port that was free a moment ago: bind 0, read it, release it. Another process may take it
 * before the program binds it: the caller decides what then (spawnProgram tries another). */
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
