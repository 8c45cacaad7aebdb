// A tiny HTTP/1.1 server for the load tester's own tests: it answers every request head with a
// fixed body, honours pipelining and Connection: close, and counts connections and requests.
// Test support only; the lab's servers live in servers/.
import { createServer, type Server } from 'node:net';

export interface CountingServer {
  url: URL;
  connections: number;
  requests: number;
  close(): Promise<void>;
}

export async function countingServer(body: Buffer | string = 'hello\n', status = 200): Promise<CountingServer> {
  const payload = Buffer.from(body);
  const state = { connections: 0, requests: 0 };
  const server: Server = createServer((socket) => {
    state.connections++;
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) !== -1) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        state.requests++;
        const close = /\r\nconnection:\s*close/i.test(head);
        // one write: head and body in separate writes would meet Nagle and delayed ACKs (40 ms)
        socket.write(Buffer.concat([Buffer.from(`HTTP/1.1 ${status} X\r\nContent-Length: ${payload.length}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`), payload]));
        if (close) {
          socket.end();
          return;
        }
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: new URL(`http://127.0.0.1:${port}/`),
    get connections() {
      return state.connections;
    },
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  } as CountingServer;
}
