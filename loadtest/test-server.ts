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

export interface CountingServerOptions {
  status?: number;
  /** close each connection after this many responses, the last with Connection: close (as nginx
   * does after keepalive_requests) */
  closeAfter?: number;
  /** answer as HTTP/1.0 without keep-alive, closing after every response (as python3 -m
   * http.server does) */
  http10?: boolean;
  /** answer each request this many ms after it arrived (in order), as a server with work to do */
  answerAfterMs?: number;
  /** called after each connection and each request is counted, with the counts so far: a test can
   * end the load once the server has seen enough of it, rather than after a time */
  onCount?: (counts: { connections: number; requests: number }) => void;
}

export async function countingServer(body: Buffer | string = 'hello\n', options: CountingServerOptions = {}): Promise<CountingServer> {
  const status = options.status ?? 200;
  const payload = Buffer.from(body);
  const state = { connections: 0, requests: 0 };
  const server: Server = createServer((socket) => {
    state.connections++;
    options.onCount?.(state);
    let pending = '';
    let answered = 0;
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) !== -1) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        state.requests++;
        answered++;
        options.onCount?.(state);
        const close = /\r\nconnection:\s*close/i.test(head) || options.http10 === true || answered === options.closeAfter;
        const version = options.http10 ? '1.0' : '1.1';
        // one write: head and body in separate writes would meet Nagle and delayed ACKs (40 ms)
        const response = Buffer.concat([
          Buffer.from(`HTTP/${version} ${status} X\r\nContent-Length: ${payload.length}\r\n${close && !options.http10 ? 'Connection: close\r\n' : ''}\r\n`),
          payload,
        ]);
        const answer = (): void => {
          socket.write(response);
          if (close) socket.end();
        };
        if (options.answerAfterMs !== undefined) setTimeout(answer, options.answerAfterMs);
        else answer();
        if (close) return;
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
  };
}
