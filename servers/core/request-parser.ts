// An incremental HTTP/1.1 request parser (RFC 9112), sans I/O.
//
// Rules of this file:
// - push() hands it bytes as they arrive; next() returns one event: 'need-data', 'request' (head
//   parsed and any content read and discarded), or 'error' (a ProtocolError carrying the status).
//   One byte at a time works; pipelined requests in one buffer come out one per next().
// - Input is held by reference until retain() is called, so a request that arrives whole in one
//   read is parsed without copying; retain() copies the unconsumed tail before the caller reuses
//   its buffer.
// - Each line is validated when its LF arrives, so bad bytes are answered at once, not at a limit.
// - Content is never handed to the application: a static server has no use for it. It is framed,
//   counted and dropped, so that it can never be run as a request (RFC 9112 §6.3).
// - After an error the parser stays failed: the connection answers and closes.
import { COLON, CR, FIELD_VALUE_CHAR, HEX_VALUE, HTAB, HOST_CHAR, LF, SP, TARGET_CHAR, TCHAR, splitList } from './abnf.js';
import { ProtocolError, badRequest } from './errors.js';
import { FieldList } from './headers.js';
import { DEFAULT_LIMITS, LONGEST_KNOWN_METHOD, type Limits } from './limits.js';

export interface ParsedRequest {
  method: string;
  /** the request-target exactly as received */
  target: string;
  /** 'HTTP/1.1', 'HTTP/1.0', or a higher 1.x minor as received */
  version: string;
  /** false for HTTP/1.0, true for HTTP/1.1 and any higher 1.x minor (RFC 9110 §6.2) */
  http11: boolean;
  headers: FieldList;
  /** content octets read and discarded */
  contentLength: number;
  /** the client asked for 100-continue before sending content, and the parser honoured it */
  expectContinue: boolean;
}

export type ParseEvent =
  | { kind: 'need-data' }
  | { kind: 'request'; request: ParsedRequest }
  | { kind: 'error'; error: ProtocolError };

const NEED_DATA: ParseEvent = Object.freeze({ kind: 'need-data' });
const EMPTY = Buffer.alloc(0);

const enum State {
  StartLine,
  Fields,
  FixedBody,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  Failed,
}

export class RequestParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** buf is the caller's memory (not yet copied by retain) */
  private borrowed = false;
  /** bytes after pos already searched for LF without finding one */
  private scanned = 0;

  private state = State.StartLine;
  private emptyLines = 0;
  private headerBytes = 0;
  private request: ParsedRequest | null = null;
  private remaining = 0;
  private bodyTotal = 0;
  private continuePending = false;
  private failure: ProtocolError | null = null;

  constructor(private readonly limits: Limits = DEFAULT_LIMITS) {}

  /** Appends received bytes. The parser may keep a reference to `data` until retain(). */
  push(data: Uint8Array): void {
    if (data.length === 0) return;
    const view = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
    if (this.pos >= this.buf.length) {
      this.buf = view;
      this.pos = 0;
      this.borrowed = true;
      return;
    }
    this.buf = Buffer.concat([this.buf.subarray(this.pos), view]);
    this.pos = 0;
    this.borrowed = false;
  }

  /** Copies unconsumed borrowed bytes, so that the caller may reuse the buffer it pushed. */
  retain(): void {
    if (!this.borrowed) return;
    // Buffer.from(buffer) copies; Buffer#slice would not.
    this.buf = this.pos < this.buf.length ? Buffer.from(this.buf.subarray(this.pos)) : EMPTY;
    this.pos = 0;
    this.borrowed = false;
  }

  /** Bytes received and not yet consumed. */
  get buffered(): number {
    return this.buf.length - this.pos;
  }

  /** True between the first byte of a request and the end of its content. */
  get inMessage(): boolean {
    return this.state !== State.StartLine || this.buffered > 0;
  }

  /** True once, after a head that asked for 100-continue: the connection sends the interim
   * response before the client sends its content. */
  takeContinue(): boolean {
    const pending = this.continuePending;
    this.continuePending = false;
    return pending;
  }

  next(): ParseEvent {
    if (this.state === State.Failed) return { kind: 'error', error: this.failure! };
    try {
      return this.advance();
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.state = State.Failed;
      this.failure = err;
      this.buf = EMPTY;
      this.pos = 0;
      return { kind: 'error', error: err };
    }
  }

  private advance(): ParseEvent {
    for (;;) {
      switch (this.state) {
        case State.StartLine: {
          const end = this.findLineEnd(this.limits.maxRequestLineBytes, this.requestLineTooLong);
          if (end < 0) return NEED_DATA;
          if (end === this.pos) {
            // RFC 9112 §2.2: "a server that is expecting to receive and parse a request-line SHOULD
            // ignore at least one empty line (CRLF) received prior to the request-line."
            if (++this.emptyLines > this.limits.maxLeadingEmptyLines) throw badRequest('too many empty lines before the request-line');
            this.consumeLine(end);
            continue;
          }
          this.request = this.parseRequestLine(end);
          this.consumeLine(end);
          this.headerBytes = 0;
          this.state = State.Fields;
          continue;
        }
        case State.Fields:
        case State.Trailers: {
          // Each field line counts with its CRLF; the empty line that ends the section is free.
          const budget = this.limits.maxHeaderBytes - this.headerBytes - 2;
          const end = this.findLineEnd(Math.max(budget, 0), this.headerSectionTooLarge);
          if (end < 0) return NEED_DATA;
          this.headerBytes += end + 2 - this.pos;
          if (end === this.pos) {
            this.consumeLine(end);
            if (this.state === State.Trailers) return this.complete();
            this.startBody();
            continue;
          }
          this.parseFieldLine(end, this.state === State.Trailers);
          this.consumeLine(end);
          continue;
        }
        case State.FixedBody: {
          if (!this.skipContent()) return NEED_DATA;
          return this.complete();
        }
        case State.ChunkSize: {
          const end = this.findLineEnd(this.limits.maxChunkLineBytes, this.chunkLineTooLong);
          if (end < 0) return NEED_DATA;
          const size = this.parseChunkSize(end);
          this.consumeLine(end);
          if (size === 0) {
            this.state = State.Trailers;
          } else {
            this.remaining = size;
            this.state = State.ChunkData;
          }
          continue;
        }
        case State.ChunkData: {
          if (!this.skipContent()) return NEED_DATA;
          this.state = State.ChunkDataEnd;
          continue;
        }
        case State.ChunkDataEnd: {
          if (this.buffered < 2) {
            if (this.buffered === 1 && this.buf[this.pos] !== CR) throw badRequest('chunk data is not followed by CRLF');
            return NEED_DATA;
          }
          // RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
          if (this.buf[this.pos] !== CR || this.buf[this.pos + 1] !== LF) throw badRequest('chunk data is not followed by CRLF');
          this.pos += 2;
          this.state = State.ChunkSize;
          continue;
        }
        case State.Failed:
          return { kind: 'error', error: this.failure! };
      }
    }
  }

  /**
   * Returns the index of the CR of the next CRLF, or -1 when the line is incomplete. The line may
   * hold at most `max` bytes before its CRLF; beyond that `tooLong` decides the error.
   * RFC 9112 §2.2: "Although the line terminator for the start-line and fields is the sequence
   * CRLF, a recipient MAY recognize a single LF as a line terminator". This server chooses not to:
   * a bare LF is rejected, so every line has one unambiguous end.
   */
  private findLineEnd(max: number, tooLong: (this: RequestParser, lineBytes: number) => ProtocolError): number {
    const from = this.pos + this.scanned;
    const lf = this.buf.indexOf(LF, from);
    if (lf < 0) {
      this.scanned = this.buf.length - this.pos;
      // The CR of a CRLF may be the last byte so far: it is not yet line content.
      const lineBytes = this.buf[this.buf.length - 1] === CR ? this.scanned - 1 : this.scanned;
      if (lineBytes > max) throw tooLong.call(this, lineBytes);
      return -1;
    }
    this.scanned = 0;
    // The length verdict comes first so that it does not depend on how the bytes were split: read
    // one at a time, an overlong line fails the length check before its LF arrives.
    const cr = this.buf[lf - 1] === CR && lf > this.pos;
    const lineBytes = cr ? lf - 1 - this.pos : lf - this.pos;
    if (lineBytes > max) throw tooLong.call(this, lineBytes);
    if (!cr) throw badRequest('bare LF: lines must end with CRLF');
    return lf - 1;
  }

  private consumeLine(end: number): void {
    this.pos = end + 2;
  }

  private requestLineTooLong(): ProtocolError {
    // RFC 9112 §3: "A server that receives a method longer than any that it implements SHOULD
    // respond with a 501 (Not Implemented) status code."
    let i = this.pos;
    while (i < this.buf.length && TCHAR[this.buf[i]!] === 1) i++;
    if (i - this.pos > LONGEST_KNOWN_METHOD && (i === this.buf.length || this.buf[i] === SP)) {
      return new ProtocolError(501, 'method not implemented');
    }
    // RFC 9112 §3: "A server that receives a request-target longer than any URI it wishes to parse
    // MUST respond with a 414 (URI Too Long) status code".
    return new ProtocolError(414, 'request-target too long');
  }

  private headerSectionTooLarge(): ProtocolError {
    // RFC 9110 §5.4 lets a server reject a header section larger than it wishes to process with an
    // appropriate 4xx; RFC 6585 §5 names 431 for it.
    return new ProtocolError(431, 'header section too large');
  }

  private chunkLineTooLong(): ProtocolError {
    return badRequest('chunk-size line too long');
  }

  /** request-line = method SP request-target SP HTTP-version (RFC 9112 §3) */
  private parseRequestLine(end: number): ParsedRequest {
    const b = this.buf;
    let i = this.pos;
    while (i < end && TCHAR[b[i]!] === 1) i++;
    if (i === this.pos || i === end || b[i] !== SP) throw badRequest('invalid request-line: the method must be a token followed by one SP');
    const method = latin1(b, this.pos, i);
    const targetStart = ++i;
    while (i < end && TARGET_CHAR[b[i]!] === 1) i++;
    if (i === targetStart) throw badRequest('invalid request-line: empty request-target');
    if (i === end) throw badRequest('invalid request-line: no HTTP-version (HTTP/0.9 is not supported)');
    if (b[i] !== SP) throw badRequest('invalid request-target: byte 0x' + b[i]!.toString(16).padStart(2, '0') + ' is not allowed');
    const target = latin1(b, targetStart, i);
    const versionStart = i + 1;
    // HTTP-version = HTTP-name "/" DIGIT "." DIGIT ; HTTP-name = %s"HTTP" (RFC 9112 §2.3)
    if (
      end - versionStart !== 8 ||
      b[versionStart] !== 0x48 || b[versionStart + 1] !== 0x54 || b[versionStart + 2] !== 0x54 ||
      b[versionStart + 3] !== 0x50 || b[versionStart + 4] !== 0x2f || b[versionStart + 6] !== 0x2e ||
      !isDigit(b[versionStart + 5]!) || !isDigit(b[versionStart + 7]!)
    ) {
      throw badRequest('invalid HTTP-version: expected HTTP/DIGIT.DIGIT');
    }
    const major = b[versionStart + 5]! - 0x30;
    const minor = b[versionStart + 7]! - 0x30;
    // RFC 9110 §15.6.6: 505 "indicates that the server does not support, or refuses to support,
    // the major version of HTTP that was used in the request message."
    if (major !== 1) throw new ProtocolError(505, `HTTP/${major}.${minor} is not supported; use HTTP/1.1`);
    return {
      method,
      target,
      version: latin1(b, versionStart, end),
      // RFC 9110 §6.2: a recipient SHOULD process a higher minor version as the highest minor
      // version it supports.
      http11: minor >= 1,
      headers: new FieldList(),
      contentLength: 0,
      expectContinue: false,
    };
  }

  /** field-line = field-name ":" OWS field-value OWS (RFC 9112 §5) */
  private parseFieldLine(end: number, trailer: boolean): void {
    const b = this.buf;
    const request = this.request!;
    const first = b[this.pos]!;
    if (first === SP || first === HTAB) {
      // RFC 9112 §5.2: a server that receives an obs-fold "MUST either reject the message by sending
      // a 400 (Bad Request), preferably with a representation explaining that obsolete line folding
      // is unacceptable, or replace each received obs-fold with one or more SP octets". RFC 9112
      // §2.2 gives the same choice for whitespace before the first field line. This server rejects.
      throw badRequest('obsolete line folding (a field line starting with whitespace) is not accepted');
    }
    let i = this.pos;
    while (i < end && TCHAR[b[i]!] === 1) i++;
    if (i === end) throw badRequest('field line without a colon');
    if (b[i] !== COLON) {
      // RFC 9112 §5.1: "A server MUST reject, with a response status code of 400 (Bad Request), any
      // received request message that contains whitespace between a header field name and colon."
      if (i > this.pos && (b[i] === SP || b[i] === HTAB)) throw badRequest('whitespace between field name and colon');
      throw badRequest('invalid field name: byte 0x' + b[i]!.toString(16).padStart(2, '0') + ' is not a token character');
    }
    if (i === this.pos) throw badRequest('empty field name');
    const nameEnd = i;
    i++;
    while (i < end && (b[i] === SP || b[i] === HTAB)) i++;
    const valueStart = i;
    let valueEnd = valueStart;
    for (; i < end; i++) {
      const c = b[i]!;
      if (FIELD_VALUE_CHAR[c] !== 1) {
        throw badRequest(c === CR ? 'bare CR in a field value' : c === 0 ? 'NUL in a field value' : 'control character in a field value');
      }
      if (c !== SP && c !== HTAB) valueEnd = i + 1;
    }
    const fieldCount = request.headers.size + 1;
    if (fieldCount > this.limits.maxHeaderCount) throw new ProtocolError(431, `more than ${this.limits.maxHeaderCount} header fields`);
    // Trailer fields are validated and counted, then dropped: RFC 9112 §7.1.2 lets a recipient
    // discard them, and a static server has no use for them.
    if (!trailer) request.headers.add(latin1(b, this.pos, nameEnd).toLowerCase(), latin1(b, valueStart, valueEnd));
  }

  /** Decides the framing of the content from the completed head (RFC 9112 §6.3). */
  private startBody(): void {
    const request = this.request!;
    const headers = request.headers;
    validateHost(request);
    const te = headers.getAll('transfer-encoding');
    const cl = headers.getAll('content-length');
    if (te.length > 0) {
      if (!request.http11) {
        // RFC 9112 §6.1: "A server or client that receives an HTTP/1.0 message containing a
        // Transfer-Encoding header field MUST treat the message as if the framing is faulty, even if
        // a Content-Length is present, and close the connection after processing the message."
        throw badRequest('Transfer-Encoding in an HTTP/1.0 request');
      }
      if (cl.length > 0) {
        // RFC 9112 §6.1: "A server MAY reject a request that contains both Content-Length and
        // Transfer-Encoding or process such a request in accordance with the Transfer-Encoding
        // alone. Regardless, the server MUST close the connection after responding to such a
        // request". This server rejects it.
        throw badRequest('both Content-Length and Transfer-Encoding');
      }
      const codings = splitList(te.join(','));
      for (const coding of codings) {
        for (let k = 0; k < coding.length; k++) {
          if (TCHAR[coding.charCodeAt(k)] !== 1) throw badRequest('invalid transfer-coding');
        }
      }
      if (codings[codings.length - 1] !== 'chunked') {
        // RFC 9112 §6.3: "If a Transfer-Encoding header field is present in a request and the
        // chunked transfer coding is not the final encoding, the message body length cannot be
        // determined reliably; the server MUST respond with the 400 (Bad Request) status code and
        // then close the connection."
        throw badRequest('chunked is not the final transfer coding');
      }
      if (codings.indexOf('chunked') !== codings.length - 1) {
        // RFC 9112 §6.1: "A sender MUST NOT apply the chunked transfer coding more than once".
        throw badRequest('chunked applied more than once');
      }
      if (codings.length > 1) {
        // RFC 9112 §6.1: "A server that receives a request message with a transfer coding it does
        // not understand SHOULD respond with 501 (Not Implemented)."
        throw new ProtocolError(501, `transfer coding "${codings[0]}" is not implemented`);
      }
      this.bodyTotal = 0;
      this.noteExpectation(true);
      this.state = State.ChunkSize;
      return;
    }
    if (cl.length > 0) {
      // RFC 9112 §6.3: "If a message is received without Transfer-Encoding and with an invalid
      // Content-Length header field, then the message framing is invalid and the recipient MUST
      // treat it as an unrecoverable error ... the server MUST respond with a 400 (Bad Request)
      // status code and then close the connection." Content-Length = 1*DIGIT (RFC 9110 §8.6); a
      // list or repeated line MAY be rejected as invalid, and this server does so.
      if (cl.length > 1) throw badRequest('more than one Content-Length');
      const value = cl[0]!;
      if (value.length === 0) throw badRequest('empty Content-Length');
      for (let k = 0; k < value.length; k++) {
        const c = value.charCodeAt(k);
        if (c < 0x30 || c > 0x39) throw badRequest('invalid Content-Length');
      }
      // RFC 9110 §8.6: "a recipient MUST anticipate potentially large decimal numerals and prevent
      // parsing errors due to integer conversion overflows or precision loss". Compare by length
      // before converting.
      const digits = value.replace(/^0+(?=\d)/, '');
      if (digits.length > 15 || Number(digits) > this.limits.maxBodyBytes) {
        throw new ProtocolError(413, `content larger than ${this.limits.maxBodyBytes} bytes`);
      }
      this.remaining = Number(digits);
      request.contentLength = this.remaining;
      this.noteExpectation(this.remaining > 0);
      this.state = State.FixedBody;
      return;
    }
    // RFC 9112 §6.3: "If this is a request message and none of the above are true, then the message
    // body length is zero (no message body is present)."
    this.noteExpectation(false);
    this.remaining = 0;
    this.state = State.FixedBody;
  }

  private noteExpectation(contentFollows: boolean): void {
    const request = this.request!;
    const expect = request.headers.combined('expect');
    // RFC 9110 §10.1.1: "A server that receives a 100-continue expectation in an HTTP/1.0 request
    // MUST ignore that expectation."
    if (expect === undefined || !request.http11) return;
    const members = splitList(expect);
    if (members.length === 1 && members[0] === '100-continue') {
      request.expectContinue = contentFollows;
      this.continuePending = contentFollows;
      return;
    }
    // RFC 9110 §10.1.1: "A server that receives an Expect field value containing a member other
    // than 100-continue MAY respond with a 417 (Expectation Failed) status code".
    throw new ProtocolError(417, 'only the 100-continue expectation is supported');
  }

  /** Consumes up to `remaining` content bytes; true when none remain. */
  private skipContent(): boolean {
    const take = Math.min(this.remaining, this.buffered);
    this.pos += take;
    this.remaining -= take;
    return this.remaining === 0;
  }

  /** chunk-size [ chunk-ext ] CRLF, chunk-size = 1*HEXDIG (RFC 9112 §7.1) */
  private parseChunkSize(end: number): number {
    const b = this.buf;
    let i = this.pos;
    let size = 0;
    while (i < end && HEX_VALUE[b[i]!]! >= 0) {
      size = size * 16 + HEX_VALUE[b[i]!]!;
      i++;
      // RFC 9112 §7.1: "Recipients MUST anticipate potentially large hexadecimal numerals and
      // prevent parsing errors due to integer conversion overflows or precision loss."
      if (this.bodyTotal + size > this.limits.maxBodyBytes) throw new ProtocolError(413, `content larger than ${this.limits.maxBodyBytes} bytes`);
    }
    if (i === this.pos) throw badRequest('invalid chunk size');
    if (i < end) this.validateChunkExtensions(i, end);
    this.bodyTotal += size;
    this.request!.contentLength = this.bodyTotal;
    return size;
  }

  /** chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ). RFC 9112 §7.1.1:
   * "A recipient MUST ignore unrecognized chunk extensions." They are checked for syntax only. */
  private validateChunkExtensions(from: number, end: number): void {
    const b = this.buf;
    let i = from;
    while (i < end && (b[i] === SP || b[i] === HTAB)) i++;
    if (i === end || b[i] !== 0x3b) throw badRequest('invalid chunk size');
    for (; i < end; i++) {
      if (FIELD_VALUE_CHAR[b[i]!] !== 1) throw badRequest('invalid byte in a chunk extension');
    }
  }

  private complete(): ParseEvent {
    const request = this.request!;
    this.request = null;
    this.state = State.StartLine;
    this.emptyLines = 0;
    this.headerBytes = 0;
    return { kind: 'request', request };
  }
}

/** RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1
 * request message that lacks a Host header field and to any request message that contains more
 * than one Host header field line or a Host header field with an invalid field value." */
function validateHost(request: ParsedRequest): void {
  const count = request.headers.count('host');
  if (count > 1) throw badRequest('more than one Host header field');
  if (count === 0) {
    if (request.http11) throw badRequest('missing Host header field');
    return;
  }
  const host = request.headers.get('host')!;
  // Host = uri-host [ ":" port ]; uri-host = IP-literal / IPv4address / reg-name (RFC 9110 §7.2)
  for (let i = 0; i < host.length; i++) {
    if (HOST_CHAR[host.charCodeAt(i)] !== 1) throw badRequest('invalid Host header field');
  }
  if (!/^(\[[0-9A-Fa-f:.]+\]|[^:[\]]*)(:[0-9]*)?$/.test(host)) throw badRequest('invalid Host header field');
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function latin1(b: Buffer, start: number, end: number): string {
  return b.toString('latin1', start, end);
}
