// A raw TCP client with its own small HTTP/1.x response parser. It must never share code with the
// server's core: the code under test must not judge itself.
//
// Rules of this parser:
// - Responses are read in order, one per request; 1xx interim responses are recorded in
//   `responses` but do not count toward `plan.responses` (a 1xx precedes the final response to the
//   same request, RFC 9110 §15.2).
// - Body length follows RFC 9112 §6.3: no body for a response to HEAD (plan.headIndexes, counted
//   by final response), for 1xx, 204 and 304; chunked when it is the final transfer coding; else a
//   Content-Length; else everything until the server closes.
// - As a recipient it is lenient where RFC 9112 allows (bare LF line ends, obs-fold unfolded to SP)
//   so that checks can inspect `raw` and judge the server's exact bytes themselves.
import net from 'node:net';
import { escapeBytes } from './escape.js';
import type { Exchange, RequestPlan, WireResponse } from './types.js';

export interface ExchangeOptions {
  /** hard deadline for the whole exchange, connect included */
  timeoutMs: number;
  /** with plan.awaitClose: how long to keep reading after the last expected response (default:
   * the longer of 1 s and 10 times what the responses took, see closeWaitFor) */
  closeWaitMs?: number;
  /** called once, when the expected responses are in and the exchange starts waiting for the
   * close (plan.awaitClose): from then on it sends nothing and only listens. The runner uses it to
   * let another check start, since a connection that only waits puts no load on the server. */
  onCloseWait?: () => void;
}

const MIN_CLOSE_WAIT_MS = 1000;
const CLOSE_WAIT_PER_RESPONSE_MS = 10;

/**
 * How long to wait for a close after the expected responses came in `answeredMs`. A server closes
 * at once after its last response, so a second is plenty on a quiet machine; on a loaded one, where
 * the responses themselves were slow, the wait grows with them, so that a close the load delayed is
 * not read as a server that keeps the connection open.
 */
function closeWaitFor(answeredMs: number): number {
  return Math.max(MIN_CLOSE_WAIT_MS, CLOSE_WAIT_PER_RESPONSE_MS * answeredMs);
}
const MAX_HEAD_BYTES = 64 * 1024;

/** A growable byte buffer: appending is amortised O(1), so a 1 MiB body arriving in small reads
 * is not copied over and over. */
class ByteBuffer {
  private buf = Buffer.alloc(16 * 1024);
  length = 0;

  append(data: Buffer): void {
    if (this.length + data.length > this.buf.length) {
      const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.length + data.length));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    data.copy(this.buf, this.length);
    this.length += data.length;
  }

  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

type Step =
  | { kind: 'response'; response: WireResponse; end: number }
  /** more bytes are needed; `need` is the total buffer length that could complete it, if known */
  | { kind: 'incomplete'; need?: number }
  | { kind: 'error'; message: string };

interface Line {
  text: string;
  /** offset just past the line terminator */
  next: number;
}

/** One line ending in LF (a preceding CR is dropped), or undefined when no LF has arrived yet. */
function readLine(buf: Buffer, start: number): Line | undefined {
  const lf = buf.indexOf(0x0a, start);
  if (lf < 0) return undefined;
  const end = lf > start && buf[lf - 1] === 0x0d ? lf - 1 : lf;
  return { text: buf.toString('latin1', start, end), next: lf + 1 };
}

interface Head {
  version: string;
  status: number;
  reason: string;
  headers: Array<[string, string]>;
  bodyStart: number;
}

const STATUS_LINE = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/;
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function parseHead(buf: Buffer, start: number): Head | { error: string } | undefined {
  // Reject early when the bytes cannot become a status line (e.g. an HTTP/0.9 reply).
  const prefix = 'HTTP/';
  const avail = Math.min(prefix.length, buf.length - start);
  if (buf.toString('latin1', start, start + avail) !== prefix.slice(0, avail)) {
    return { error: `expected a status line, got "${escapeBytes(buf.subarray(start), 40)}"` };
  }
  const statusLine = readLine(buf, start);
  if (!statusLine) return buf.length - start > MAX_HEAD_BYTES ? { error: 'status line too long' } : undefined;
  const m = STATUS_LINE.exec(statusLine.text);
  if (!m) return { error: `malformed status line "${statusLine.text}"` };
  const headers: Array<[string, string]> = [];
  let pos = statusLine.next;
  for (;;) {
    if (pos - start > MAX_HEAD_BYTES) return { error: `response head exceeds ${MAX_HEAD_BYTES} bytes` };
    const line = readLine(buf, pos);
    if (!line) return undefined;
    pos = line.next;
    if (line.text === '') break;
    const last = headers[headers.length - 1];
    if ((line.text[0] === ' ' || line.text[0] === '\t') && last) {
      last[1] = `${last[1]} ${line.text.trim()}`; // obs-fold: a user agent replaces it with SP
      continue;
    }
    const colon = line.text.indexOf(':');
    const name = colon > 0 ? line.text.slice(0, colon) : '';
    if (!FIELD_NAME.test(name)) return { error: `malformed header line "${line.text}"` };
    headers.push([name, line.text.slice(colon + 1).trim()]);
  }
  return { version: m[1]!, status: Number(m[2]), reason: m[3] ?? '', headers, bodyStart: pos };
}

function values(headers: Array<[string, string]>, name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

interface Chunked {
  body: Buffer;
  trailers: Array<[string, string]>;
  end: number;
}

function decodeChunked(buf: Buffer, start: number): Chunked | { error: string } | undefined {
  const parts: Buffer[] = [];
  let pos = start;
  for (;;) {
    const sizeLine = readLine(buf, pos);
    if (!sizeLine) return undefined;
    const sizeText = sizeLine.text.split(';', 1)[0]!.trimEnd();
    if (!/^[0-9A-Fa-f]{1,13}$/.test(sizeText)) return { error: `invalid chunk size line "${sizeLine.text}"` };
    const size = parseInt(sizeText, 16);
    pos = sizeLine.next;
    if (size === 0) break;
    if (buf.length < pos + size) return undefined;
    parts.push(buf.subarray(pos, pos + size));
    pos += size;
    const crlf = readLine(buf, pos);
    if (!crlf) return buf.length - pos >= 2 ? { error: 'chunk data not followed by CRLF' } : undefined;
    if (crlf.text !== '') return { error: 'chunk data not followed by CRLF' };
    pos = crlf.next;
  }
  const trailers: Array<[string, string]> = [];
  for (;;) {
    const line = readLine(buf, pos);
    if (!line) return undefined;
    pos = line.next;
    if (line.text === '') break;
    const colon = line.text.indexOf(':');
    if (colon <= 0) return { error: `malformed trailer line "${line.text}"` };
    trailers.push([line.text.slice(0, colon), line.text.slice(colon + 1).trim()]);
  }
  return { body: Buffer.concat(parts), trailers, end: pos };
}

/** Parse one response at `start`. `noBody` is true for the response to a HEAD request. */
function parseResponse(buf: Buffer, start: number, noBody: boolean, eof: boolean): Step {
  const head = parseHead(buf, start);
  if (head === undefined) return { kind: 'incomplete' };
  if ('error' in head) return { kind: 'error', message: head.error };
  const { bodyStart } = head;
  const make = (body: Buffer, framing: WireResponse['framing'], end: number, trailers?: Array<[string, string]>): Step => ({
    kind: 'response',
    end,
    response: {
      version: head.version,
      status: head.status,
      reason: head.reason,
      headers: head.headers,
      body: Buffer.from(body),
      framing,
      raw: Buffer.from(buf.subarray(start, end)),
      ...(trailers ? { trailers } : {}),
    },
  });

  if (noBody || head.status < 200 || head.status === 204 || head.status === 304) {
    return make(Buffer.alloc(0), 'none', bodyStart);
  }
  const te = values(head.headers, 'transfer-encoding');
  if (te.length > 0) {
    const codings = te
      .join(',')
      .split(',')
      .map((c) => c.trim().toLowerCase())
      .filter(Boolean);
    if (codings[codings.length - 1] === 'chunked') {
      const chunked = decodeChunked(buf, bodyStart);
      if (chunked === undefined) return { kind: 'incomplete' };
      if ('error' in chunked) return { kind: 'error', message: chunked.error };
      return make(chunked.body, 'chunked', chunked.end, chunked.trailers);
    }
  } else {
    const cl = values(head.headers, 'content-length');
    if (cl.length > 0) {
      const members = cl
        .join(',')
        .split(',')
        .map((v) => v.trim());
      if (!members.every((v) => /^\d{1,15}$/.test(v)) || new Set(members).size !== 1) {
        return { kind: 'error', message: `invalid Content-Length "${cl.join(', ')}"` };
      }
      const end = bodyStart + Number(members[0]);
      if (buf.length < end) return { kind: 'incomplete', need: end };
      return make(buf.subarray(bodyStart, end), 'content-length', end);
    }
  }
  // Neither chunked nor a length: the body runs until the server closes.
  if (!eof) return { kind: 'incomplete' };
  return make(buf.subarray(bodyStart), 'close', buf.length);
}

/** The complete responses at the start of `buf`, read with the same rules as `exchange`, for a
 * connection that a procedural check holds open. `headIndexes`: as in RequestPlan. */
export function readResponses(buf: Buffer, headIndexes: readonly number[] = []): { responses: WireResponse[]; error?: string } {
  const heads = new Set(headIndexes);
  const responses: WireResponse[] = [];
  let finals = 0;
  let offset = 0;
  while (offset < buf.length) {
    const step = parseResponse(buf, offset, heads.has(finals), false);
    if (step.kind === 'incomplete') break;
    if (step.kind === 'error') return { responses, error: step.message };
    responses.push(step.response);
    offset = step.end;
    if (step.response.status >= 200) finals++;
  }
  return { responses };
}

function toBuffer(chunk: string | Buffer): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
}

/** Send `plan`'s bytes to host:port and read the responses. Rejects only when the connection cannot
 * be made; everything after that (timeouts, resets, garbage) is recorded in the Exchange. */
export async function exchange(host: string, port: number, plan: RequestPlan, opts: ExchangeOptions): Promise<Exchange> {
  if (!plan.reconnect || !plan.awaitEachResponse) return exchangeOnce(host, port, plan, opts, []);
  const started = performance.now();
  const expected = plan.responses ?? 1;
  const parts: Exchange[] = [];
  const answered: WireResponse[] = [];
  let next = 0; // the first chunk not yet answered
  for (;;) {
    const remainingMs = Math.max(1, opts.timeoutMs - (performance.now() - started));
    const before = answered.length;
    const rest: RequestPlan = {
      ...plan,
      chunks: plan.chunks.slice(next),
      responses: expected - before,
      headIndexes: (plan.headIndexes ?? []).map((i) => i - before).filter((i) => i >= 0),
    };
    const ex = await exchangeOnce(host, port, rest, { ...opts, timeoutMs: remainingMs }, answered);
    parts.push(ex);
    const finals = ex.responses.filter((r) => r.status >= 200);
    answered.push(...finals);
    next += finals.length;
    const clean = ex.closed && !ex.timedOut && ex.parseError === undefined && ex.trailingGarbage.length === 0;
    if (!clean || finals.length === 0 || next >= plan.chunks.length || answered.length >= expected) break;
  }
  const last = parts[parts.length - 1]!;
  return {
    ...last,
    responses: parts.flatMap((p) => p.responses),
    received: Buffer.concat(parts.map((p) => p.received)),
    sent: Buffer.concat(parts.map((p) => p.sent)),
    ms: Math.round((performance.now() - started) * 10) / 10,
    ...(parts.length > 1 ? { connections: parts.length } : {}),
  };
}

/** One connection: `plan`'s chunks in order; `before` are the final responses that earlier
 * connections of the same exchange received, for follow-up chunks to build on. */
function exchangeOnce(host: string, port: number, plan: RequestPlan, opts: ExchangeOptions, before: readonly WireResponse[]): Promise<Exchange> {
  const expected = plan.responses ?? 1;
  const headIndexes = new Set(plan.headIndexes ?? []);
  const started = performance.now();

  return new Promise<Exchange>((resolve, reject) => {
    const socket = net.connect({ host, port });
    const received = new ByteBuffer();
    const sent: Buffer[] = [];
    const sentAtMs: number[] = [];
    const responses: WireResponse[] = [];
    const elapsed = (): number => Math.round((performance.now() - started) * 10) / 10;
    let finals = 0;
    let offset = 0;
    let need = 0;
    let parseError: string | undefined;
    let connected = false;
    let closedBy: Exchange['closedBy'];
    let nextChunk = 0;
    let done = false;
    let closeWait: NodeJS.Timeout | undefined;
    let writeDelay: NodeJS.Timeout | undefined;

    const deadline = setTimeout(() => {
      if (!connected) fail(new Error(`cannot connect to ${host}:${port}: timed out after ${opts.timeoutMs} ms`));
      else finish(finals < expected);
    }, opts.timeoutMs);

    function cleanup(): void {
      done = true;
      clearTimeout(deadline);
      clearTimeout(closeWait);
      clearTimeout(writeDelay);
      socket.destroy();
    }

    function fail(err: Error): void {
      if (done) return;
      cleanup();
      reject(err);
    }

    function finish(timedOut: boolean): void {
      if (done) return;
      cleanup();
      const bytes = received.view();
      resolve({
        responses,
        closed: closedBy !== undefined,
        ...(closedBy ? { closedBy } : {}),
        trailingGarbage: Buffer.from(bytes.subarray(offset)),
        ...(parseError ? { parseError } : {}),
        received: Buffer.from(bytes),
        sent: Buffer.concat(sent),
        sentAtMs,
        ms: elapsed(),
        timedOut,
      });
    }

    function writeNext(): void {
      if (done || closedBy || nextChunk >= plan.chunks.length) return;
      const chunk = plan.chunks[nextChunk++]!;
      let bytes: Buffer;
      try {
        bytes = toBuffer(typeof chunk === 'function' ? chunk([...before, ...responses.filter((r) => r.status >= 200)]) : chunk);
      } catch (err) {
        return fail(new Error(`request ${nextChunk} could not be built: ${err instanceof Error ? err.message : String(err)}`));
      }
      sent.push(bytes);
      sentAtMs.push(elapsed());
      socket.write(bytes);
      if (plan.awaitEachResponse || nextChunk >= plan.chunks.length) return;
      if (plan.delayMs) writeDelay = setTimeout(writeNext, plan.delayMs);
      else writeNext();
    }

    function parseAvailable(eof: boolean): void {
      const buf = received.view();
      if (!eof && buf.length < need) return;
      while (offset < buf.length && parseError === undefined) {
        const step = parseResponse(buf, offset, headIndexes.has(finals), eof);
        if (step.kind === 'incomplete') {
          need = step.need ?? 0;
          if (eof) parseError = `incomplete response: the connection closed after ${buf.length - offset} bytes of it`;
          break;
        }
        if (step.kind === 'error') {
          parseError = step.message;
          break;
        }
        responses.push({ ...step.response, atMs: elapsed() });
        offset = step.end;
        need = 0;
        if (step.response.status >= 200) {
          finals++;
          if (plan.awaitEachResponse && finals === nextChunk) {
            if (plan.delayMs) writeDelay = setTimeout(writeNext, plan.delayMs);
            else writeNext();
          }
        }
      }
    }

    function afterRead(eof: boolean): void {
      if (done) return;
      parseAvailable(eof);
      // Nothing more can be parsed after an error or after the server closed.
      if (eof || parseError !== undefined) return finish(false);
      if (finals < expected) return;
      if (!plan.awaitClose) return finish(false);
      if (closeWait === undefined) {
        closeWait = setTimeout(() => finish(false), opts.closeWaitMs ?? closeWaitFor(performance.now() - started));
        opts.onCloseWait?.();
      }
    }

    socket.on('connect', () => {
      connected = true;
      writeNext();
    });
    socket.on('data', (data: Buffer) => {
      received.append(data);
      afterRead(false);
    });
    socket.on('end', () => {
      closedBy ??= 'fin';
      afterRead(true);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected) return fail(new Error(`cannot connect to ${host}:${port}: ${err.code ?? err.message}`));
      // ECONNRESET, or EPIPE on a write into a closed connection: the server closed abruptly. That
      // is something to judge, not a harness failure.
      closedBy ??= 'reset';
      afterRead(true);
    });
    socket.on('close', () => {
      if (!connected) return fail(new Error(`cannot connect to ${host}:${port}: connection closed`));
      closedBy ??= 'fin';
      afterRead(true);
    });
  });
}
