// A connection that a procedural check holds open while it looks at the server: it records every
// byte, reads responses with the client's own parser (never the server's core), and knows its local
// port, so that the server's end of it can be found under /proc.
import net from 'node:net';
import { readResponses } from './client.js';
import type { CheckTarget, WireResponse } from './types.js';

export class HeldConnection {
  private chunks: Buffer[] = [];
  private waiters: Array<() => void> = [];
  /** how the server closed its end, once it has */
  closedBy: 'fin' | 'reset' | undefined;

  private constructor(
    readonly socket: net.Socket,
    private readonly signal: AbortSignal,
  ) {
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.wake();
    });
    socket.on('end', () => {
      this.closedBy ??= 'fin';
      this.wake();
    });
    socket.on('error', () => {
      this.closedBy ??= 'reset';
      this.wake();
    });
    socket.on('close', () => {
      this.closedBy ??= 'fin';
      this.wake();
    });
  }

  /** Connects to `target`; rejects when the connection cannot be made or `signal` aborts. */
  static open(target: CheckTarget, signal: AbortSignal): Promise<HeldConnection> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(abortError(signal));
      const socket = net.connect({ host: target.host, port: target.port });
      const onAbort = (): void => {
        socket.destroy();
        reject(abortError(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => {
        signal.removeEventListener('abort', onAbort);
        resolve(new HeldConnection(socket, signal));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        reject(new Error(`cannot connect to ${target.host}:${target.port}: ${err.code ?? err.message}`));
      });
    });
  }

  /** Opens `n` connections; on any failure the ones already open are closed. */
  static async openMany(target: CheckTarget, n: number, signal: AbortSignal): Promise<HeldConnection[]> {
    const settled = await Promise.allSettled(Array.from({ length: n }, () => HeldConnection.open(target, signal)));
    const opened = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      closeAll(opened);
      throw failed.reason;
    }
    return opened;
  }

  /** This end's port: the remote port of the server's socket for this connection. */
  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  get received(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** The complete responses received so far. */
  responses(headIndexes: readonly number[] = []): WireResponse[] {
    return readResponses(this.received, headIndexes).responses;
  }

  /** Waits until `predicate` holds (true), the server closes or `ms` passes (false); rejects when
   * the check's signal aborts. */
  async until(predicate: (c: HeldConnection) => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!predicate(this)) {
      if (this.signal.aborted) throw abortError(this.signal);
      const left = deadline - Date.now();
      if (left <= 0 || this.closedBy !== undefined) return predicate(this);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.signal.addEventListener('abort', done, { once: true });
        this.waiters.push(done);
      });
    }
    return true;
  }

  /** Waits for `n` complete final responses. */
  waitResponses(n: number, ms: number): Promise<boolean> {
    return this.until((c) => c.responses().filter((r) => r.status >= 200).length >= n, ms);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

export function closeAll(connections: readonly HeldConnection[]): void {
  for (const c of connections) c.close();
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
