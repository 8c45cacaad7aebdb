// Where each response on a connection ends, and nothing more: the open-model generator needs only a
// response's status, whether it closes the connection, and its last byte, on the hot path of
// every request. RFC 9112 §6.3 decides the length: no content for a HEAD answer, 1xx, 204 and 304;
// else chunked, else Content-Length, else up to the close. Bytes are scanned in place; a chunked
// body is walked chunk by chunk without being copied.

export interface FramedResponse {
  status: number;
  /** the response said "Connection: close", or is HTTP/1.0 without keep-alive */
  closes: boolean;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

type BodyState =
  | { kind: 'head' }
  | { kind: 'length'; left: number }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; left: number }
  | { kind: 'trailers' }
  | { kind: 'until-close' };

/** One connection's responses, in order. `push` returns the responses the new bytes completed;
 * `headRequests` says which requests were HEAD (their answers have no content). */
export class ResponseFramer {
  private buf: Buffer = Buffer.alloc(0);
  private state: BodyState = { kind: 'head' };
  private current: FramedResponse | undefined;

  /** Feeds bytes; returns the responses completed by them (1xx interim answers are not counted). */
  push(data: Buffer, nextIsHead: () => boolean): FramedResponse[] {
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data]);
    const done: FramedResponse[] = [];
    let at = 0;
    for (;;) {
      const s = this.state;
      if (s.kind === 'head') {
        const end = this.buf.indexOf(CRLFCRLF, at);
        if (end < 0) break;
        const head = this.buf.toString('latin1', at, end);
        at = end + 4;
        const parsed = parseHead(head);
        if (parsed.status < 200) continue; // an interim answer: the final one follows
        this.current = { status: parsed.status, closes: parsed.closes };
        if (nextIsHead() || parsed.status === 204 || parsed.status === 304) {
          done.push(this.current);
          continue;
        }
        if (parsed.chunked) this.state = { kind: 'chunk-size' };
        else if (parsed.length !== undefined) {
          if (parsed.length === 0) done.push(this.current);
          else this.state = { kind: 'length', left: parsed.length };
        } else this.state = { kind: 'until-close' };
      } else if (s.kind === 'length') {
        const take = Math.min(s.left, this.buf.length - at);
        at += take;
        s.left -= take;
        if (s.left > 0) break;
        done.push(this.current!);
        this.state = { kind: 'head' };
      } else if (s.kind === 'chunk-size') {
        const eol = this.buf.indexOf(0x0a, at);
        if (eol < 0) break;
        const size = parseInt(this.buf.toString('latin1', at, eol), 16);
        at = eol + 1;
        this.state = size > 0 ? { kind: 'chunk-data', left: size + 2 } : { kind: 'trailers' };
      } else if (s.kind === 'chunk-data') {
        const take = Math.min(s.left, this.buf.length - at);
        at += take;
        s.left -= take;
        if (s.left > 0) break;
        this.state = { kind: 'chunk-size' };
      } else if (s.kind === 'trailers') {
        const eol = this.buf.indexOf(0x0a, at);
        if (eol < 0) break;
        const empty = eol === at || (eol === at + 1 && this.buf[at] === 0x0d);
        at = eol + 1;
        if (empty) {
          done.push(this.current!);
          this.state = { kind: 'head' };
        }
      } else {
        at = this.buf.length; // read until the server closes
        break;
      }
    }
    this.buf = at >= this.buf.length ? Buffer.alloc(0) : this.buf.subarray(at);
    return done;
  }

  /** The server closed: a response delimited by the close is complete now. */
  end(): FramedResponse | undefined {
    if (this.state.kind !== 'until-close') return undefined;
    this.state = { kind: 'head' };
    return this.current;
  }
}

function parseHead(head: string): { status: number; closes: boolean; chunked: boolean; length: number | undefined } {
  const status = Number(head.slice(9, 12));
  const http10 = head.startsWith('HTTP/1.0');
  let connection = '';
  let chunked = false;
  let length: number | undefined;
  let from = head.indexOf('\r\n') + 2;
  while (from > 1 && from < head.length) {
    let to = head.indexOf('\r\n', from);
    if (to < 0) to = head.length;
    const colon = head.indexOf(':', from);
    if (colon > from && colon < to) {
      const name = head.slice(from, colon).toLowerCase();
      const value = head
        .slice(colon + 1, to)
        .trim()
        .toLowerCase();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') chunked = value.endsWith('chunked');
      else if (name === 'connection') connection = value;
    }
    from = to + 2;
  }
  const options = connection.split(',').map((o) => o.trim());
  const closes = options.includes('close') || (http10 && !options.includes('keep-alive'));
  return { status, closes, chunked, length };
}
