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
// - Speed (the work llhttp does in C, done here in JS): a line that is complete in the buffer goes
//   through a fast path (fastRequestLine, fastFields) that scans it once, with no indexOf and no
//   native call per line. It accepts only what the general path accepts: at anything else (an
//   incomplete, overlong or invalid line, leading empty lines, obs-fold, one field too many) it
//   stops and leaves that line to the general path, whose verdict is the reference. Strings are cut
//   from one latin1 conversion of the buffer (str()), and common field names are matched on their
//   bytes and come out as constants (headers.ts, matchFieldName).
import {
  BACKSLASH,
  COLON,
  CR,
  DQUOTE,
  EQUALS,
  FIELD_VALUE_CHAR,
  HEX_VALUE,
  HTAB,
  HOST_CHAR,
  LF,
  SEMICOLON,
  SP,
  TARGET_CHAR,
  TCHAR,
  splitList,
} from './abnf.js';
import { ProtocolError, badRequest } from './errors.js';
import { FieldList, matchFieldName, type KnownFieldName } from './headers.js';
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

export type ParseEvent = { kind: 'need-data' } | { kind: 'request'; request: ParsedRequest } | { kind: 'error'; error: ProtocolError };

const NEED_DATA: ParseEvent = Object.freeze({ kind: 'need-data' });
const EMPTY = Buffer.alloc(0);

/** Bytes converted to a string at once by str(): enough for a typical head (and several pipelined
 * ones), little enough that a buffer holding a large body after the head wastes little. */
const TEXT_WINDOW = 4096;
/** V8 copies a substring shorter than this (SlicedString::kMinLength); a longer one keeps its
 * parent string alive. */
const SLICE_MIN_LENGTH = 13;

/** The lines with a length limit, each answered with its own status when it is exceeded. */
type LongLine = 'request-line' | 'header-section' | 'chunk-line';

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
  /** Host field lines in the current head, and whether the first one's value is valid (checked on
   * its bytes when it is parsed, cheaper than on its string later) */
  private hosts = 0;
  private hostValid = false;
  /** latin1 of buf[textStart, textStart + text.length): see str(); reset whenever buf changes */
  private text = '';
  private textStart = 0;
  /** A DataView of the whole ArrayBuffer under buf, for fastFields' word reads. It is kept while
   * buf stays in the same ArrayBuffer (a server's reused read buffer; the slab behind small
   * Buffers), since making one costs about as much as the word reads save on a lone head. It holds
   * at most that one ArrayBuffer alive after retain(). */
  private view: DataView | null = null;
  private viewOf: ArrayBufferLike | null = null;

  constructor(private readonly limits: Limits = DEFAULT_LIMITS) {}

  /** Appends received bytes. The parser may keep a reference to `data` until retain(). */
  push(data: Uint8Array): void {
    if (data.length === 0) return;
    const view = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
    if (this.pos >= this.buf.length) {
      this.setBuffer(view);
      this.pos = 0;
      this.borrowed = true;
      return;
    }
    this.setBuffer(Buffer.concat([this.buf.subarray(this.pos), view]));
    this.pos = 0;
    this.borrowed = false;
  }

  /** Replaces buf, and drops what was derived from the old one. */
  private setBuffer(buf: Buffer): void {
    this.buf = buf;
    this.text = '';
    this.textStart = 0;
  }

  /** Copies unconsumed borrowed bytes, so that the caller may reuse the buffer it pushed. */
  retain(): void {
    if (!this.borrowed) return;
    // Buffer.from(buffer) copies; Buffer#slice would not.
    this.setBuffer(this.pos < this.buf.length ? Buffer.from(this.buf.subarray(this.pos)) : EMPTY);
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
      this.setBuffer(EMPTY);
      this.pos = 0;
      return { kind: 'error', error: err };
    }
  }

  private advance(): ParseEvent {
    for (;;) {
      switch (this.state) {
        case State.StartLine: {
          // Only on a line's first look (scanned === 0): a line that was incomplete before is left to
          // findLineEnd, which resumes its LF search instead of rescanning from the start.
          if (this.scanned === 0 && this.fastRequestLine()) {
            this.headerBytes = 0;
            this.state = State.Fields;
            continue;
          }
          const end = this.findLineEnd(this.limits.maxRequestLineBytes, 'request-line');
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
          // The fast path consumes every complete, valid field line it finds; it returns true when it
          // also consumed the empty line that ends the head. Otherwise the line it stopped at (or a
          // trailer line) goes the general way.
          if (this.state === State.Fields && this.scanned === 0 && this.fastFields()) {
            this.startBody();
            continue;
          }
          // Each field line counts with its CRLF; the empty line that ends the section is free.
          const budget = this.limits.maxHeaderBytes - this.headerBytes - 2;
          const end = this.findLineEnd(Math.max(budget, 0), 'header-section');
          if (end < 0) return NEED_DATA;
          if (end === this.pos) {
            this.consumeLine(end);
            if (this.state === State.Trailers) return this.complete();
            this.startBody();
            continue;
          }
          this.headerBytes += end + 2 - this.pos;
          this.parseFieldLine(end, this.state === State.Trailers);
          this.consumeLine(end);
          continue;
        }
        case State.FixedBody: {
          if (!this.skipContent()) return NEED_DATA;
          return this.complete();
        }
        case State.ChunkSize: {
          const end = this.findLineEnd(this.limits.maxChunkLineBytes, 'chunk-line');
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
  private findLineEnd(max: number, line: LongLine): number {
    const from = this.pos + this.scanned;
    const lf = this.buf.indexOf(LF, from);
    if (lf < 0) {
      this.scanned = this.buf.length - this.pos;
      // The CR of a CRLF may be the last byte so far: it is not yet line content.
      const lineBytes = this.buf[this.buf.length - 1] === CR ? this.scanned - 1 : this.scanned;
      if (lineBytes > max) throw this.tooLong(line);
      return -1;
    }
    this.scanned = 0;
    // The length verdict comes first so that it does not depend on how the bytes were split: read
    // one at a time, an overlong line fails the length check before its LF arrives.
    const cr = this.buf[lf - 1] === CR && lf > this.pos;
    const lineBytes = cr ? lf - 1 - this.pos : lf - this.pos;
    if (lineBytes > max) throw this.tooLong(line);
    if (!cr) throw badRequest('bare LF: lines must end with CRLF');
    return lf - 1;
  }

  private consumeLine(end: number): void {
    this.pos = end + 2;
  }

  private tooLong(line: LongLine): ProtocolError {
    switch (line) {
      case 'request-line':
        return this.requestLineTooLong();
      case 'header-section':
        // RFC 9110 §5.4 lets a server reject a header section larger than it wishes to process with an
        // appropriate 4xx; RFC 6585 §5 names 431 for it.
        return new ProtocolError(431, 'header section too large');
      case 'chunk-line':
        return badRequest('chunk-size line too long');
    }
  }

  private requestLineTooLong(): ProtocolError {
    // RFC 9112 §3: "A server that receives a method longer than any that it implements SHOULD
    // respond with a 501 (Not Implemented) status code."
    // Only the line's first max + 1 bytes decide: the line is too long, so every split of the input
    // has received them, and the verdict does not depend on where the bytes were cut.
    const seen = this.pos + this.limits.maxRequestLineBytes + 1;
    let i = this.pos;
    while (i < seen && TCHAR[this.buf[i]!] === 1) i++;
    if (i - this.pos > LONGEST_KNOWN_METHOD && (i === seen || this.buf[i] === SP)) {
      return new ProtocolError(501, 'method not implemented');
    }
    // RFC 9112 §3: "A server that receives a request-target longer than any URI it wishes to parse
    // MUST respond with a 414 (URI Too Long) status code".
    return new ProtocolError(414, 'request-target too long');
  }

  /** request-line = method SP request-target SP HTTP-version (RFC 9112 §3) */
  private parseRequestLine(end: number): ParsedRequest {
    const b = this.buf;
    let i = this.pos;
    while (i < end && TCHAR[b[i]!] === 1) i++;
    if (i === this.pos || i === end || b[i] !== SP) throw badRequest('invalid request-line: the method must be a token followed by one SP');
    const methodEnd = i;
    const targetStart = ++i;
    while (i < end && TARGET_CHAR[b[i]!] === 1) i++;
    if (i === targetStart) throw badRequest('invalid request-line: empty request-target');
    if (i === end) throw badRequest('invalid request-line: no HTTP-version (HTTP/0.9 is not supported)');
    if (b[i] !== SP) throw badRequest('invalid request-target: byte 0x' + b[i]!.toString(16).padStart(2, '0') + ' is not allowed');
    const targetEnd = i;
    const versionStart = i + 1;
    // HTTP-version = HTTP-name "/" DIGIT "." DIGIT ; HTTP-name = %s"HTTP" (RFC 9112 §2.3)
    if (end - versionStart !== 8 || !isHttpVersion(b, versionStart)) {
      throw badRequest('invalid HTTP-version: expected HTTP/DIGIT.DIGIT');
    }
    const major = b[versionStart + 5]! - 0x30;
    const minor = b[versionStart + 7]! - 0x30;
    // RFC 9110 §15.6.6: 505 "indicates that the server does not support, or refuses to support,
    // the major version of HTTP that was used in the request message."
    if (major !== 1) throw new ProtocolError(505, `HTTP/${major}.${minor} is not supported; use HTTP/1.1`);
    return this.newRequest(methodEnd, targetStart, targetEnd, minor);
  }

  /** The fast path for a complete, valid HTTP/1.x request-line at pos (see the rules at the top):
   * parses and consumes it and returns true, or returns false having changed nothing. */
  private fastRequestLine(): boolean {
    const b = this.buf;
    const len = b.length;
    const start = this.pos;
    const tchar = TCHAR; // in locals, as in fastFields
    const targetChar = TARGET_CHAR;
    // The loops run to the end of the buffer rather than to a known line end: none of these
    // classes contains CR or LF, so no loop can run past the line.
    let i = start;
    while (i < len && tchar[b[i]!] === 1) i++;
    if (i === start || i >= len || b[i] !== SP) return false;
    const methodEnd = i;
    const targetStart = ++i;
    while (i < len && targetChar[b[i]!] === 1) i++;
    if (i === targetStart || i >= len || b[i] !== SP) return false;
    const targetEnd = i;
    const v = i + 1;
    if (v + 10 > len || !isHttpVersion(b, v) || b[v + 5] !== 0x31 || b[v + 8] !== CR || b[v + 9] !== LF || v + 8 - start > this.limits.maxRequestLineBytes) {
      return false;
    }
    this.request = this.newRequest(methodEnd, targetStart, targetEnd, b[v + 7]! - 0x30);
    this.pos = v + 10;
    return true;
  }

  /** A DataView of buf's whole ArrayBuffer (see `view`). */
  private dataView(): DataView {
    const arrayBuffer = this.buf.buffer;
    if (this.view === null || this.viewOf !== arrayBuffer) {
      this.view = new DataView(arrayBuffer);
      this.viewOf = arrayBuffer;
    }
    return this.view;
  }

  /** A request from a validated request-line of major version 1 starting at pos. */
  private newRequest(methodEnd: number, targetStart: number, targetEnd: number, minor: number): ParsedRequest {
    this.hosts = 0;
    this.hostValid = false;
    const targetLength = targetEnd - targetStart;
    return {
      method: this.str(this.pos, methodEnd),
      // A target is often kept (the static resolver's cache keys derive from it), so a long one gets
      // its own string rather than a slice that would pin the whole text window in memory.
      target: targetLength < SLICE_MIN_LENGTH ? this.str(targetStart, targetEnd) : latin1(this.buf, targetStart, targetEnd),
      // The bytes were validated as HTTP/1.DIGIT: constants for the usual two, no string to cut.
      version: minor === 1 ? 'HTTP/1.1' : minor === 0 ? 'HTTP/1.0' : 'HTTP/1.' + minor,
      // RFC 9110 §6.2: a recipient SHOULD process a higher minor version as the highest minor
      // version it supports.
      http11: minor >= 1,
      headers: new FieldList(),
      contentLength: 0,
      expectContinue: false,
    };
  }

  /**
   * The latin1 string of buf[start, end). Cutting every field out of the buffer with toString()
   * costs a native call each (about 60 ns, more than parsing the line); instead the buffer is
   * converted once, a window of TEXT_WINDOW bytes from the first string wanted, and strings are
   * sliced out of that (about 10 ns each). A string past the window starts a new one. A slice of
   * SLICE_MIN_LENGTH bytes or more shares the window's memory, so a request's field values keep at
   * most one window (or one long line) alive while the request lives.
   */
  private str(start: number, end: number): string {
    let from = start - this.textStart;
    if (from < 0 || end - this.textStart > this.text.length) {
      const to = Math.max(end, Math.min(this.buf.length, start + TEXT_WINDOW));
      this.text = latin1(this.buf, start, to);
      this.textStart = start;
      from = 0;
    }
    return this.text.slice(from, from + end - start);
  }

  /**
   * The fast path for field lines (see the rules at the top): consumes each complete, valid field
   * line at pos that fits the limits. Returns true once it has also consumed the empty line that
   * ends the head; false when it stopped at a line for the general path (nothing of that line is
   * consumed).
   */
  private fastFields(): boolean {
    const b = this.buf;
    const len = b.length;
    const maxHeaderBytes = this.limits.maxHeaderBytes;
    const maxHeaderCount = this.limits.maxHeaderCount;
    const headers = this.request!.headers;
    // The tables in locals: an imported binding is re-read (with its checks) on every access, which
    // made a byte loop like these about 1.6 times slower in a micro-benchmark.
    const tchar = TCHAR;
    const valueChar = FIELD_VALUE_CHAR;
    const end8 = len - 8;
    const dv = this.dataView();
    const base = b.byteOffset;
    let pos = this.pos;
    let headerBytes = this.headerBytes;
    let done = false;
    for (;;) {
      if (pos + 1 < len && b[pos] === CR && b[pos + 1] === LF) {
        // The empty line that ends the section is free (as in the general path).
        pos += 2;
        done = true;
        break;
      }
      // field-name = token. A known name is matched (and so validated) four bytes at a time;
      // another is checked byte by byte.
      const known = pos < len ? matchFieldName(b, dv, base, pos, len) : undefined;
      let i = pos;
      if (known !== undefined) {
        i += known.length;
      } else {
        while (i < len && tchar[b[i]!] === 1) i++;
        if (i === pos || i >= len || b[i] !== COLON) break;
      }
      const nameEnd = i++;
      while (i < len && (b[i] === SP || b[i] === HTAB)) i++;
      const valueStart = i;
      // The value runs to the first byte that is not a field-value byte; on a good line that is the
      // CR of its CRLF (FIELD_VALUE_CHAR excludes CR, LF and the other CTLs).
      // Eight bytes at a time first, while no byte is a CTL (< 0x20, so also CR, LF and HTAB) or DEL:
      // the word tests are the exact "some byte < n" and "some byte == 0" tests of Bit Twiddling
      // Hacks (hasless, haszero), so a word they pass holds only field-value bytes. The byte loop
      // then finds the exact stopping byte (or carries on past an HTAB). Values are most of a head,
      // and this halves their cost.
      while (i <= end8) {
        const x = dv.getUint32(base + i, true);
        const z = dv.getUint32(base + i + 4, true);
        const xd = x ^ 0x7f7f7f7f;
        const zd = z ^ 0x7f7f7f7f;
        if (((((x - 0x20202020) & ~x) | ((xd - 0x01010101) & ~xd) | ((z - 0x20202020) & ~z) | ((zd - 0x01010101) & ~zd)) & 0x80808080) !== 0) break;
        i += 8;
      }
      while (i < len && valueChar[b[i]!] === 1) i++;
      if (i + 1 >= len || b[i] !== CR || b[i + 1] !== LF) break;
      // Each field line counts with its CRLF (the general path's budget, inclusive).
      const lineBytes = i - pos;
      if (lineBytes > maxHeaderBytes - headerBytes - 2 || headers.size >= maxHeaderCount) break;
      // Trailing OWS is trimmed by looking back from the CR, instead of tracking the last non-OWS
      // byte inside the loop above.
      let valueEnd = i;
      while (valueEnd > valueStart && (b[valueEnd - 1] === SP || b[valueEnd - 1] === HTAB)) valueEnd--;
      this.addField(known, pos, nameEnd, valueStart, valueEnd);
      headerBytes += lineBytes + 2;
      pos = i + 2;
    }
    this.pos = pos;
    this.headerBytes = headerBytes;
    return done;
  }

  /** Adds a validated field to the current request: name lower-cased, value as latin1. `known` is
   * matchFieldName's verdict on the name. */
  private addField(known: KnownFieldName | undefined, nameStart: number, nameEnd: number, valueStart: number, valueEnd: number): void {
    let name: string;
    if (known !== undefined) name = known.name;
    else name = this.str(nameStart, nameEnd).toLowerCase();
    // Host is checked on its bytes here, cheaper than on its string at the end of the head.
    if (name === 'host' && this.hosts++ === 0) this.hostValid = isValidHost(this.buf, valueStart, valueEnd);
    this.request!.headers.add(name, this.str(valueStart, valueEnd));
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
    for (; i < end; i++) {
      const c = b[i]!;
      if (FIELD_VALUE_CHAR[c] !== 1) {
        throw badRequest(c === CR ? 'bare CR in a field value' : c === 0 ? 'NUL in a field value' : 'control character in a field value');
      }
    }
    let valueEnd = end;
    while (valueEnd > valueStart && (b[valueEnd - 1] === SP || b[valueEnd - 1] === HTAB)) valueEnd--;
    const fieldCount = request.headers.size + 1;
    if (fieldCount > this.limits.maxHeaderCount) throw new ProtocolError(431, `more than ${this.limits.maxHeaderCount} header fields`);
    // Trailer fields are validated and counted, then dropped: RFC 9112 §7.1.2 lets a recipient
    // discard them, and a static server has no use for them.
    if (!trailer) this.addField(matchFieldName(b, this.dataView(), b.byteOffset, this.pos, end), this.pos, nameEnd, valueStart, valueEnd);
  }

  /** Decides the framing of the content from the completed head (RFC 9112 §6.3). */
  private startBody(): void {
    const request = this.request!;
    const headers = request.headers;
    // RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1
    // request message that lacks a Host header field and to any request message that contains more
    // than one Host header field line or a Host header field with an invalid field value."
    if (this.hosts > 1) throw badRequest('more than one Host header field');
    if (this.hosts === 0) {
      if (request.http11) throw badRequest('missing Host header field');
    } else if (!this.hostValid) {
      throw badRequest('invalid Host header field');
    }
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

  /** chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ), chunk-ext-name =
   * token, chunk-ext-val = token / quoted-string (RFC 9112 §7.1.1). RFC 9112 §7.1.1: "A recipient
   * MUST ignore unrecognized chunk extensions": they are checked for syntax only. What does not match
   * (";" without a name, a name that is not a token, BWS not followed by ";" or "=", an unclosed
   * quoted-string) is answered 400, as RFC 9112 §2.2 says of octets that do not match the grammar. */
  private validateChunkExtensions(from: number, end: number): void {
    const b = this.buf;
    let i = from;
    const skipBws = (): void => {
      while (i < end && (b[i] === SP || b[i] === HTAB)) i++;
    };
    for (let first = true; i < end; first = false) {
      skipBws();
      if (i === end || b[i] !== SEMICOLON) throw badRequest(first ? 'invalid chunk size' : 'invalid chunk extension');
      i++;
      skipBws();
      const name = i;
      while (i < end && TCHAR[b[i]!] === 1) i++;
      if (i === name) throw badRequest('a chunk extension without a name');
      const afterName = i;
      skipBws();
      if (i === end || b[i] !== EQUALS) {
        // No value: whatever follows the name must be another ";" (with BWS before it).
        i = afterName;
        continue;
      }
      i++;
      skipBws();
      if (i < end && b[i] === DQUOTE) {
        i = this.quotedStringEnd(i + 1, end);
      } else {
        const value = i;
        while (i < end && TCHAR[b[i]!] === 1) i++;
        if (i === value) throw badRequest('a chunk extension without a value after "="');
      }
    }
  }

  /** The index just past the DQUOTE that closes a quoted-string whose first byte after the opening
   * DQUOTE is at `from`: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 §5.6.4). */
  private quotedStringEnd(from: number, end: number): number {
    const b = this.buf;
    for (let i = from; i < end; i++) {
      const c = b[i]!;
      if (c === DQUOTE) return i + 1;
      if (c === BACKSLASH) i++;
      // qdtext and the octet of a quoted-pair: HTAB, SP, VCHAR and obs-text (a DQUOTE or "\" only
      // escaped, which the branch above has taken care of).
      if (i === end || FIELD_VALUE_CHAR[b[i]!] !== 1) throw badRequest('invalid byte in a chunk extension');
    }
    throw badRequest('an unclosed quoted-string in a chunk extension');
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

/**
 * Whether b[start, end) is a valid Host field value: Host = uri-host [ ":" port ]; uri-host =
 * IP-literal / IPv4address / reg-name (RFC 9110 §7.2). Every byte must be a HOST_CHAR, and the whole
 * must match /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]*)(:[0-9]*)?$/: an IP literal in brackets, or a name
 * without ":", "[" or "]"; then an optional port. That expression is written out by hand on the
 * bytes: with a string, the regular expression test alone cost more than this whole check.
 */
export function isValidHost(b: Uint8Array, start: number, end: number): boolean {
  const hostChar = HOST_CHAR;
  for (let k = start; k < end; k++) if (hostChar[b[k]!] !== 1) return false;
  let i = start;
  if (i < end && b[i] === 0x5b) {
    // "[" 1*( HEXDIG / ":" / "." ) "]"
    i++;
    while (i < end && isIpLiteralChar(b[i]!)) i++;
    if (i === start + 1 || i === end || b[i] !== 0x5d) return false;
    i++;
  } else {
    while (i < end && b[i] !== COLON && b[i] !== 0x5b && b[i] !== 0x5d) i++;
  }
  if (i === end) return true;
  // ":" *DIGIT, to the end
  if (b[i] !== COLON) return false;
  for (i++; i < end; i++) if (!isDigit(b[i]!)) return false;
  return true;
}

function isIpLiteralChar(c: number): boolean {
  return HEX_VALUE[c]! >= 0 || c === COLON || c === 0x2e;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** b[at, at + 8) is HTTP/DIGIT.DIGIT (RFC 9112 §2.3; HTTP-name is case-sensitive). */
function isHttpVersion(b: Buffer, at: number): boolean {
  return (
    b[at] === 0x48 &&
    b[at + 1] === 0x54 &&
    b[at + 2] === 0x54 &&
    b[at + 3] === 0x50 &&
    b[at + 4] === 0x2f &&
    isDigit(b[at + 5]!) &&
    b[at + 6] === 0x2e &&
    isDigit(b[at + 7]!)
  );
}

function latin1(b: Buffer, start: number, end: number): string {
  return b.toString('latin1', start, end);
}
