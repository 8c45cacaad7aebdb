// Test support for the core's unit tests (not a test file itself: node --test does not pick it up).
// - FakeFiles: an in-memory FileAccess that counts its calls, so tests can see cache hits.
// - FakeClock: a clock the test moves by hand.
// - a tiny HTTP/1.1 response reader, in the style of h11's tests: the server connection's output is
//   parsed back into responses, so that tests assert on what a client would see on the wire.
import { constants } from 'node:os';
import { dirname } from 'node:path';
import { DateCache } from './dates.js';
import { ServerConnection, type RequestHandler } from './connection.js';
import type { Limits } from './limits.js';
import { RequestParser, type ParseEvent, type ParsedRequest } from './request-parser.js';
import type { FileAccess, FileStat } from './static-files.js';

export class FakeClock {
  constructor(public ms = Date.UTC(2024, 0, 15, 12, 0, 0)) {}
  readonly clock = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** An error as Node raises it for a failed system call: code, errno, syscall and path. */
function syscallError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  const errno = (constants.errno as Record<string, number>)[code];
  if (errno === undefined) throw new Error(`no errno ${code}`);
  return Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, errno: -errno, syscall, path });
}

interface FakeNode {
  kind: 'file' | 'dir';
  content: Buffer;
  mtimeMs: number;
  ino: number;
}

/** An in-memory file system. Paths are absolute and already normalised; there are no symlinks, so
 * realpath is the identity for paths that exist. */
export class FakeFiles implements FileAccess {
  private readonly nodes = new Map<string, FakeNode>();
  private nextIno = 100;
  statCalls = 0;
  readCalls = 0;
  realpathCalls = 0;
  /** every path stat() or read() was asked about, to prove nothing outside the docroot is touched */
  readonly touched: string[] = [];
  /** while set, stat() fails as the system would, with this code (EACCES, EIO, ...) */
  statFault: string | null = null;
  /** while set, read() fails so (EMFILE, ENFILE, EACCES, EIO, ...) */
  readFault: string | null = null;

  constructor() {
    this.nodes.set('/', { kind: 'dir', content: Buffer.alloc(0), mtimeMs: 0, ino: 1 });
  }

  file(path: string, content: string | Buffer, mtimeMs = Date.UTC(2024, 0, 1, 0, 0, 0)): this {
    this.mkdirs(dirname(path));
    const old = this.nodes.get(path);
    this.nodes.set(path, {
      kind: 'file',
      content: typeof content === 'string' ? Buffer.from(content, 'utf8') : content,
      mtimeMs,
      ino: old?.ino ?? this.nextIno++,
    });
    return this;
  }

  dir(path: string): this {
    this.mkdirs(path);
    return this;
  }

  remove(path: string): void {
    this.nodes.delete(path);
  }

  resetCounters(): void {
    this.statCalls = 0;
    this.readCalls = 0;
    this.realpathCalls = 0;
  }

  private mkdirs(path: string): void {
    if (path === '/' || this.nodes.has(path)) return;
    this.mkdirs(dirname(path));
    this.nodes.set(path, { kind: 'dir', content: Buffer.alloc(0), mtimeMs: 0, ino: this.nextIno++ });
  }

  stat(path: string): FileStat | null {
    this.statCalls++;
    this.touched.push(path);
    if (this.statFault !== null) throw syscallError(this.statFault, 'stat', path);
    const node = this.nodes.get(path);
    if (node === undefined) return null;
    return { size: node.content.length, mtimeMs: node.mtimeMs, ino: node.ino, isFile: node.kind === 'file', isDirectory: node.kind === 'dir' };
  }

  realpath(path: string): string | null {
    this.realpathCalls++;
    const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
    return this.nodes.has(trimmed) ? trimmed : null;
  }

  read(path: string, start: number, length: number): Uint8Array {
    this.readCalls++;
    this.touched.push(path);
    if (this.readFault !== null) throw syscallError(this.readFault, 'open', path);
    const node = this.nodes.get(path);
    if (node === undefined) throw syscallError('ENOENT', 'open', path);
    if (node.kind !== 'file') throw syscallError('EISDIR', 'read', path);
    // Fewer bytes than asked when the file ends sooner, as FileAccess.read promises.
    return Buffer.from(node.content.subarray(start, start + length));
  }
}

// ---------------------------------------------------------------------------------------------
// Parser driving

/** A parse event reduced to what two runs must agree on. */
export type EventSummary =
  | {
      kind: 'request';
      method: string;
      target: string;
      version: string;
      http11: boolean;
      headers: Array<[string, string]>;
      contentLength: number;
      expectContinue: boolean;
    }
  | { kind: 'error'; status: number }
  | { kind: 'continue' };

/** A parse event as plain data for deepEqual; null for need-data. */
export function summarise(event: ParseEvent): EventSummary | null {
  if (event.kind === 'need-data') return null;
  if (event.kind === 'error') return { kind: 'error', status: event.error.status };
  const r = event.request;
  return {
    kind: 'request',
    method: r.method,
    target: r.target,
    version: r.version,
    http11: r.http11,
    headers: r.headers.names.map((n, i) => [n, r.headers.values[i]!]),
    contentLength: r.contentLength,
    expectContinue: r.expectContinue,
  };
}

/** Drains the parser: every event up to need-data or the first error. */
function drain(parser: RequestParser, out: EventSummary[]): boolean {
  for (;;) {
    const event = parser.next();
    if (parser.takeContinue()) out.push({ kind: 'continue' });
    const s = summarise(event);
    if (s === null) return true;
    out.push(s);
    if (s.kind === 'error') return false;
  }
}

/** Feeds `input` in the given pieces, draining after each; stops at the first error. */
export function parseInPieces(input: Buffer, cuts: number[], limits?: Limits): EventSummary[] {
  const parser = new RequestParser(limits);
  const out: EventSummary[] = [];
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    if (cut <= from) continue;
    // Fresh copies, so that a parser holding a reference to an earlier piece is caught when the
    // piece is overwritten below.
    const piece = Buffer.from(input.subarray(from, cut));
    parser.push(piece);
    const ok = drain(parser, out);
    parser.retain();
    piece.fill(0x58); // 'X': a parser that kept the caller's memory past retain() would see junk
    from = cut;
    if (!ok) return out;
  }
  return out;
}

export const parseWhole = (input: Buffer | string, limits?: Limits): EventSummary[] =>
  parseInPieces(typeof input === 'string' ? Buffer.from(input, 'latin1') : input, [], limits);

export function parseByteByByte(input: Buffer | string, limits?: Limits): EventSummary[] {
  const buf = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const cuts: number[] = [];
  for (let i = 1; i < buf.length; i++) cuts.push(i);
  return parseInPieces(buf, cuts, limits);
}

/** Parses exactly one complete request and returns it (fails the test otherwise). */
export function parseOne(text: string): ParsedRequest {
  const parser = new RequestParser();
  parser.push(Buffer.from(text, 'latin1'));
  const event = parser.next();
  if (event.kind !== 'request') throw new Error(`expected a request, got ${event.kind}${event.kind === 'error' ? ' ' + event.error.status : ''}`);
  return event.request;
}

/** The status of the first error the input produces, or null when it produces none. */
export function errorStatus(text: string | Buffer, limits?: Limits): number | null {
  const events = parseWhole(typeof text === 'string' ? Buffer.from(text, 'latin1') : text, limits);
  const err = events.find((e) => e.kind === 'error');
  return err?.kind === 'error' ? err.status : null;
}

// ---------------------------------------------------------------------------------------------
// A minimal client side

export interface WireResponse {
  status: number;
  reason: string;
  /** header lines in order, names as sent */
  headers: Array<[string, string]>;
  body: Buffer;
  /** the exact bytes of this response on the wire, head and body */
  raw: Buffer;
}

export function header(res: WireResponse, name: string): string | undefined {
  const lower = name.toLowerCase();
  return res.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

export function headerCount(res: WireResponse, name: string): number {
  const lower = name.toLowerCase();
  return res.headers.filter(([n]) => n.toLowerCase() === lower).length;
}

/**
 * Parses a stream of responses. `methods` lists the request method each final response answers,
 * in order, so that HEAD responses are read without content (RFC 9112 §6.3 rule 1). Interim (1xx)
 * responses are returned too, and answer no request. Throws on anything malformed or truncated.
 */
export function parseResponses(stream: Buffer, methods: string[] = []): WireResponse[] {
  const out: WireResponse[] = [];
  let pos = 0;
  let answered = 0;
  while (pos < stream.length) {
    const headEnd = stream.indexOf('\r\n\r\n', pos, 'latin1');
    if (headEnd < 0) throw new Error(`truncated response head at byte ${pos}: ${JSON.stringify(stream.subarray(pos, pos + 80).toString('latin1'))}`);
    const lines = stream.toString('latin1', pos, headEnd).split('\r\n');
    const m = /^HTTP\/1\.1 (\d{3}) (.*)$/.exec(lines[0]!);
    if (m === null) throw new Error(`bad status line ${JSON.stringify(lines[0])}`);
    const status = Number(m[1]);
    const headers: Array<[string, string]> = [];
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`bad header line ${JSON.stringify(line)}`);
      headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
    let end = headEnd + 4;
    const res: WireResponse = { status, reason: m[2]!, headers, body: Buffer.alloc(0), raw: Buffer.alloc(0) };
    if (status >= 100 && status < 200) {
      res.raw = stream.subarray(pos, end);
      out.push(res);
      pos = end;
      continue;
    }
    const method = methods[answered++] ?? 'GET';
    const cl = header(res, 'content-length');
    const noBody = method === 'HEAD' || status === 204 || status === 304;
    if (!noBody) {
      if (cl === undefined) throw new Error(`response ${status} without Content-Length`);
      const length = Number(cl);
      if (end + length > stream.length) throw new Error(`truncated body: want ${length}, have ${stream.length - end}`);
      res.body = stream.subarray(end, end + length);
      end += length;
    }
    res.raw = stream.subarray(pos, end);
    out.push(res);
    pos = end;
  }
  return out;
}

export interface Collected {
  bytes: Buffer;
  close: boolean;
  /** number of takeOutput() calls that returned bytes */
  calls: number;
  /** bytes returned by each call */
  perCall: number[];
}

/** Calls takeOutput() until it returns nothing more (or says close). */
export function collect(conn: ServerConnection, maxCalls = 10_000): Collected {
  const parts: Buffer[] = [];
  const perCall: number[] = [];
  let close = false;
  for (let i = 0; i < maxCalls; i++) {
    const out = conn.takeOutput();
    const total = out.chunks.reduce((n, c) => n + c.length, 0);
    if (total !== out.bytes) throw new Error(`Output.bytes ${out.bytes} != sum of chunks ${total}`);
    if (out.bytes > 0) {
      perCall.push(out.bytes);
      for (const c of out.chunks) parts.push(Buffer.from(c));
    }
    if (out.close) {
      close = true;
      break;
    }
    if (out.bytes === 0) break;
  }
  return { bytes: Buffer.concat(parts), close, calls: perCall.length, perCall };
}

/** A connection with a fixed fake clock. */
export function makeConnection(handler: RequestHandler, options: { limits?: Limits; clock?: FakeClock } = {}): ServerConnection {
  const clock = options.clock ?? new FakeClock();
  const opts: ConstructorParameters<typeof ServerConnection>[1] = { dates: new DateCache(clock.clock) };
  if (options.limits !== undefined) opts.limits = options.limits;
  return new ServerConnection(handler, opts);
}

/** Sends `text` in one piece and collects every response it produces. */
export function roundTrip(conn: ServerConnection, text: string | Buffer): Collected {
  conn.receive(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  return collect(conn);
}

/** A handler that echoes what it received, as a text body (for connection tests). */
export const echoHandler: RequestHandler = (request) => ({
  status: 200,
  headers: [['Content-Type', 'text/plain; charset=utf-8']],
  body: Buffer.from(`${request.method} ${request.target}`, 'latin1'),
});
