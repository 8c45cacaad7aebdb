// The core's request parser driven the way ServerConnection drives it, minus the response: one
// parser per connection, reused for every request; push() the bytes read, next() until it needs
// more, then retain() (which, with nothing left over, only drops the reference to the buffer).
import { RequestParser, type ParsedRequest } from '../servers/core/request-parser.js';

export class CoreRequestParser {
  /** requests completed since construction */
  heads = 0;
  last: ParsedRequest | null = null;
  private readonly parser = new RequestParser();

  /** Parses every byte of `data`; returns the requests it completed, and throws on a parse error
   * or on bytes left over (a head cut short would make the benchmark time less work). */
  parse(data: Buffer): number {
    this.parser.push(data);
    let n = 0;
    for (;;) {
      const event = this.parser.next();
      if (event.kind === 'need-data') break;
      if (event.kind === 'error') throw event.error;
      this.last = event.request;
      n++;
    }
    if (this.parser.buffered !== 0) throw new Error(`core parser left ${this.parser.buffered} bytes unparsed`);
    this.parser.retain();
    this.heads += n;
    return n;
  }
}
