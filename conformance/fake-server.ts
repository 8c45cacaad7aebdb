// Small TCP servers for the conformance tests, each behaving badly or well on purpose.
import net from 'node:net';

export interface FakeServer {
  port: number;
  close(): Promise<void>;
}

export async function startFake(onConnection: (socket: net.Socket) => void): Promise<FakeServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fake: FakeServer = {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return fake;
}

/** A connection handler that calls `respond` for each request head (bodiless requests only) and
 * writes what it returns; `undefined` writes nothing. */
export function answerEach(respond: (head: string, index: number, socket: net.Socket) => string | Buffer | undefined) {
  return (socket: net.Socket): void => {
    let pending = '';
    let index = 0;
    socket.on('data', (data: Buffer) => {
      pending += data.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) >= 0) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        const out = respond(head, index++, socket);
        if (out !== undefined && !socket.destroyed) socket.write(out);
      }
    });
  };
}

/** A port nothing listens on: taken, then released. */
export async function refusedPort(): Promise<number> {
  const fake = await startFake(() => {});
  await fake.close();
  return fake.port;
}

const CONNECT_TIMED_OUT = /^cannot connect to .*: timed out after \d+ ms$/;

/** For a test of what a deadline does to a connected exchange: runs `attempt` with a deadline of
 * `firstMs`, doubled (up to 25.6 s) while the connection itself was not made in time. On a loaded
 * machine a short deadline can pass before the connect event is handled, which says nothing about
 * the code under test. A missed connect is the client's "cannot connect to HOST:PORT: timed out
 * after N ms", thrown or (for a runner result) in `reasonOf` the value. */
export async function withConnectedDeadline<T>(
  attempt: (timeoutMs: number) => Promise<T>,
  reasonOf: (value: T) => string | undefined = () => undefined,
  firstMs = 200,
): Promise<{ value: T; timeoutMs: number }> {
  for (let timeoutMs = firstMs; ; timeoutMs *= 2) {
    const last = timeoutMs * 2 > 30_000;
    let value: T;
    try {
      value = await attempt(timeoutMs);
    } catch (err) {
      if (last || !(err instanceof Error) || !CONNECT_TIMED_OUT.test(err.message)) throw err;
      continue;
    }
    if (last || !CONNECT_TIMED_OUT.test(reasonOf(value) ?? '')) return { value, timeoutMs };
  }
}
