// One server-side HTTP/1.1 connection, sans I/O: bytes in through receive(), response bytes out
// through takeOutput(). Every server in the lab drives this same object; they differ only in how
// they move the bytes.
//
// Rules:
// - Requests are answered strictly in order (RFC 9112 §9.3.2: "A server MAY process a sequence of
//   pipelined requests in parallel if they all have safe methods, but it MUST send the
//   corresponding responses in the same order that the requests were received.").
// - After a response that closes, nothing more is read or answered.
// - takeOutput() stops once it has queued outputHighWaterBytes, so a client that pipelines many
//   requests for a large file cannot make the server buffer them all at once.
import { DateCache } from './dates.js';
import { splitList } from './abnf.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { RequestParser, type ParsedRequest } from './request-parser.js';
import { ResponseWriter } from './response-writer.js';
import { CONTINUE_BYTES, textResponse, type ConnectionToken, type Response } from './response.js';

export type RequestHandler = (request: ParsedRequest) => Response;

export interface ConnectionOptions {
  limits?: Limits;
  dates: DateCache;
  /** serialises responses and keeps the bytes of those sent again: shared by a server's
   * connections; a private one by default */
  writer?: ResponseWriter;
}

export interface Output {
  /** buffers to send, in order */
  chunks: Uint8Array[];
  /** total bytes in chunks */
  bytes: number;
  /** final responses in chunks (a 100 Continue is not one): requests answered, and so no longer
   * waited for */
  answered: number;
  /** close the connection once these bytes are sent */
  close: boolean;
}

const NOTHING: Output = Object.freeze({ chunks: [], bytes: 0, answered: 0, close: false });

export class ServerConnection {
  private readonly parser: RequestParser;
  private stoppedAtHighWater = false;
  private readonly limits: Limits;
  private readonly dates: DateCache;
  private readonly writer: ResponseWriter;
  private eof = false;
  private closing = false;
  /** requests answered on this connection */
  requests = 0;

  constructor(
    private readonly handler: RequestHandler,
    options: ConnectionOptions,
  ) {
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.parser = new RequestParser(this.limits);
    this.dates = options.dates;
    this.writer = options.writer ?? new ResponseWriter();
  }

  /** Bytes from the client. The caller may reuse `data` once takeOutput() has returned. */
  receive(data: Uint8Array): void {
    if (!this.closing) this.parser.push(data);
  }

  /** The client will send nothing more (FIN). Complete requests are still answered. */
  receiveEof(): void {
    this.eof = true;
  }

  /** True when the last takeOutput() stopped at outputHighWaterBytes: complete requests may still
   * wait in the parser for the next call, so the server has answers to send before it should read. */
  get outputHeldBack(): boolean {
    return this.stoppedAtHighWater;
  }

  /** True once a response that closes the connection has been produced. */
  get isClosing(): boolean {
    return this.closing;
  }

  /** True while part of a request (head or content) has arrived and the rest has not: what the
   * header-read timeout watches (servers/io/request-timeout.ts). */
  get midRequest(): boolean {
    return this.parser.inMessage;
  }

  /** The server stopped waiting for the rest of the request: a 408, and the connection closes.
   * RFC 9110 §15.5.9: "The 408 (Request Timeout) status code indicates that the server did not
   * receive a complete request message within the time that it was prepared to wait." */
  timeOut(): Output {
    if (this.closing) return { chunks: [], bytes: 0, answered: 0, close: true };
    this.closing = true;
    const chunks: Uint8Array[] = [];
    this.emit(textResponse(408, 'the request was not complete within the header timeout'), false, 'close', (b) => chunks.push(b));
    return { chunks, bytes: chunks.reduce((n, c) => n + c.length, 0), answered: 1, close: true };
  }

  /** Parses what has arrived and returns the responses it produces, in order. */
  takeOutput(): Output {
    if (this.closing) return { chunks: [], bytes: 0, answered: 0, close: true };
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    let answered = 0;
    const push = (b: Uint8Array): void => {
      chunks.push(b);
      bytes += b.length;
    };
    while (bytes < this.limits.outputHighWaterBytes) {
      const event = this.parser.next();
      if (this.parser.takeContinue()) push(CONTINUE_BYTES);
      if (event.kind === 'need-data') {
        // A request cut off by EOF gets no answer: there is nothing complete to answer.
        if (this.eof) this.closing = true;
        break;
      }
      answered++;
      if (event.kind === 'error') {
        this.emit(textResponse(event.error.status, event.error.detail), false, 'close', push);
        this.closing = true;
        break;
      }
      this.requests++;
      const request = event.request;
      const persist = persistsAfter(request);
      const token: ConnectionToken = !persist ? 'close' : request.http11 ? 'none' : 'keep-alive';
      const response = this.respond(request);
      const closing = !persist || response.status === 500;
      this.emit(response, request.method === 'HEAD', closing ? 'close' : token, push);
      if (closing) {
        this.closing = true;
        break;
      }
    }
    this.parser.retain();
    this.stoppedAtHighWater = !this.closing && bytes >= this.limits.outputHighWaterBytes;
    if (chunks.length === 0 && !this.closing) return NOTHING;
    return { chunks, bytes, answered, close: this.closing };
  }

  /** The handler's response; an exception from it is a bug in the application, not in the
   * client, so it is answered (RFC 9110 §15.6.1: 500 "indicates that the server encountered an
   * unexpected condition that prevented it from fulfilling the request") and the connection closed,
   * rather than taking the whole server down. */
  private respond(request: ParsedRequest): Response {
    try {
      return this.handler(request);
    } catch {
      // Every error, on purpose: this is the last resort. The failures a handler means (a bad
      // target, a file that changed or cannot be read) it answers itself; what reaches here is a
      // bug. No detail in the body: an error message can carry file paths.
      return textResponse(500, 'the server hit an unexpected error');
    }
  }

  private emit(response: Response, head: boolean, connection: ConnectionToken, push: (b: Uint8Array) => void): void {
    for (const chunk of this.writer.write(response, head, connection, this.dates.now())) push(chunk);
  }
}

/** RFC 9112 §9.3: "If the "close" connection option is present, the connection will not persist
 * after the current response; else, If the received protocol is HTTP/1.1 (or later), the connection
 * will persist after the current response; else, If the received protocol is HTTP/1.0, the
 * "keep-alive" connection option is present, ... and the recipient wishes to honor the HTTP/1.0
 * "keep-alive" mechanism, the connection will persist after the current response; otherwise, The
 * connection will close after the current response." */
export function persistsAfter(request: ParsedRequest): boolean {
  const connection = request.headers.combined('connection');
  // The two values nearly every client sends, exactly as they send them, decided without splitting
  // the list: the answers are those of the general rule below.
  if (connection === undefined) return request.http11;
  if (connection === 'keep-alive') return true;
  if (connection === 'close') return false;
  const options = splitList(connection);
  if (options.includes('close')) return false;
  if (request.http11) return true;
  return options.includes('keep-alive');
}
