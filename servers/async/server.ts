// The async server: coroutines, the analogue of the tutorial's gevent step. One event-loop thread,
// and one async function per connection written in straight-line style: await bytes, hand them to
// the core, write the responses, loop. node:net does the non-blocking I/O underneath.
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { createSite, type Site } from '../io/site.js';
import { serverUrl } from '../io/url.js';
import type { ServerOptions } from '../io/options.js';

/** How long a closing connection keeps reading (and discarding) after its half-close. */
const LINGER_MS = 1000;

export async function runAsyncServer(options: ServerOptions): Promise<void> {
  const site = createSite(options.docroot, options.handicapUs);
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    void serveConnection(socket, site, options.idleTimeoutMs);
  });
  server.listen({ host: options.host, port: options.port, backlog: options.backlog });
  await once(server, 'listening');
  const address = server.address() as { address: string; port: number };
  options.onListening(serverUrl(address.address, address.port));
  // The event loop is free here, so Node's own signal handling works: no addon needed.
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  server.close();
  for (const socket of sockets) socket.destroy();
}

/** One coroutine per connection. */
async function serveConnection(socket: Socket, site: Site, idleTimeoutMs: number): Promise<void> {
  const connection = site.connection();
  socket.setTimeout(idleTimeoutMs, () => socket.destroy());
  socket.on('error', () => socket.destroy()); // ECONNRESET, EPIPE: the client went away
  try {
    // destroyOnReturn: false, because leaving the loop to linger must not reset the socket.
    for await (const chunk of socket.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      connection.receive(chunk);
      if (await writeResponses(socket, connection)) return linger(socket);
    }
    connection.receiveEof();
    await writeResponses(socket, connection);
    socket.end();
  } catch {
    socket.destroy();
  }
}

/** Writes every response the core has for the bytes so far; true when the connection must close. */
async function writeResponses(socket: Socket, connection: ReturnType<Site['connection']>): Promise<boolean> {
  for (;;) {
    const output = connection.takeOutput();
    if (output.chunks.length > 0) {
      socket.cork();
      let flushed = true;
      for (const chunk of output.chunks) flushed = socket.write(chunk);
      socket.uncork();
      if (!flushed) await once(socket, 'drain');
    }
    if (output.close) return true;
    if (output.chunks.length === 0) return false;
  }
}

/** RFC 9112 §9.6: half-close, then read and discard until the client closes (bounded), so that
 * unread pipelined bytes do not make the kernel reset the connection under our last response. */
async function linger(socket: Socket): Promise<void> {
  socket.end();
  socket.setTimeout(LINGER_MS, () => socket.destroy());
  socket.resume();
}
