// The async server: coroutines, the analogue of the tutorial's gevent step. One event-loop thread,
// and one async function per connection written in straight-line style: await bytes, hand them to
// the core, write the responses, loop. node:net does the non-blocking I/O underneath.
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { LINGER_MS } from '../io/constants.js';
import { isPeerGone } from '../io/peer-gone.js';
import { createSite, type Site } from '../io/site.js';
import { serverUrl } from '../io/url.js';
import type { ConnectionTimeouts, ServerOptions } from '../io/options.js';

export async function runAsyncServer(options: ServerOptions): Promise<void> {
  const site = createSite(options.siteConfig.docroot, options.siteConfig.handicapUs);
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    void serveConnection(socket, site, options.siteConfig);
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
async function serveConnection(socket: Socket, site: Site, timeouts: ConnectionTimeouts): Promise<void> {
  const connection = site.connection();
  socket.setTimeout(timeouts.idleTimeoutMs, () => socket.destroy());
  socket.on('error', () => socket.destroy()); // ECONNRESET, EPIPE: the client went away
  // The header timer (servers/io/request-timeout.ts): armed when the coroutine starts waiting for
  // the rest of a request, left alone by further bytes, disarmed as soon as a response is produced.
  // The idle timeout rests while it runs.
  let headerTimer: NodeJS.Timeout | undefined;
  let lingering = false;
  const disarm = (): void => {
    if (headerTimer === undefined) return;
    clearTimeout(headerTimer);
    headerTimer = undefined;
    socket.setTimeout(timeouts.idleTimeoutMs);
  };
  const timeOut = (): void => {
    for (const chunk of connection.timeOut().chunks) socket.write(chunk);
    lingering = true; // RFC 9112 §9.5: "SHOULD issue a graceful close"
    linger(socket);
  };
  socket.once('close', () => clearTimeout(headerTimer));
  try {
    for await (const chunk of socket.iterator() as AsyncIterable<Buffer>) {
      // Lingering, this loop is what reads and discards until the client closes: once it returned,
      // nothing would read the socket.
      if (lingering) continue;
      connection.receive(chunk);
      if (await writeResponses(socket, connection, disarm)) {
        lingering = true;
        linger(socket);
      } else if (!connection.midRequest) {
        disarm();
      } else if (headerTimer === undefined) {
        socket.setTimeout(0);
        headerTimer = setTimeout(timeOut, timeouts.headerTimeoutMs);
      }
    }
    disarm(); // the client closed its side: no more of a request can come
    if (lingering) return;
    connection.receiveEof();
    await writeResponses(socket, connection, disarm);
    socket.end();
  } catch (err) {
    if (!isPeerGone(err) && !isDestroyed(err)) throw err;
    socket.destroy();
  }
}

/** The socket was destroyed (idle timeout, linger deadline, server stop) before the client ended it:
 * reading it ends with this error, which is no syscall's. */
function isDestroyed(err: unknown): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE';
}

/** Writes every response the core has for the bytes so far, calling onResponse before the first
 * final one (a 100 Continue does not count); true when the connection must close. */
async function writeResponses(socket: Socket, connection: ReturnType<Site['connection']>, onResponse: () => void): Promise<boolean> {
  for (;;) {
    const output = connection.takeOutput();
    if (output.answered > 0) onResponse();
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
 * unread pipelined bytes do not make the kernel reset the connection under our last response. The
 * bound is a deadline, not socket.setTimeout, which restarts with every byte: a client that kept
 * sending would keep the connection. */
function linger(socket: Socket): void {
  socket.end();
  const deadline = setTimeout(() => socket.destroy(), LINGER_MS);
  socket.once('close', () => clearTimeout(deadline));
}
