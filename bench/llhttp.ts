// Node's own HTTP/1.1 parser, llhttp, driven directly as the baseline for the core's parser.
//
// How it is reached: Node has no public API for its parser. Its http module wraps the C++ binding
// (class HTTPParser in src/node_http_parser.cc, which embeds llhttp) and re-exports it from the
// internal CommonJS module `_http_common`, which `require` loads on Node 20 without a warning.
// process.binding('http_parser') is the same class, but reading it emits DEP0111, so it is only
// the fallback, with that one warning silenced for that one call.
//
// How Node drives it (lib/_http_server.js, lib/_http_common.js), and so how this file does:
// - parser.initialize(HTTPParser.REQUEST, asyncResource, maxHeaderSize (0: the default 16 KiB),
//   lenientFlags (0: strict)); the parser is then reused for every request on the connection.
// - parser.execute(buffer) parses all of it and returns the bytes parsed, or an Error (not
//   thrown) whose `code` is the llhttp error, e.g. HPE_INVALID_HEADER_TOKEN.
// - Callbacks are stored on the parser under numeric keys. parser[kOnHeadersComplete](versionMajor,
//   versionMinor, headers, methodIndex, url, statusCode, statusMessage, upgrade, shouldKeepAlive)
//   runs once per head; headers is a flat [name, value, ...] array with names as received and
//   values trimmed, and methodIndex is llhttp's method number. When a head is split across
//   execute() calls or has more than 32 fields, the parser flushes what it has so far to
//   parser[kOnHeaders](headers, url) and then passes undefined for both to kOnHeadersComplete; this
//   file merges them as Node does. Trailer fields arrive through kOnHeaders too, before
//   kOnMessageComplete; content through kOnBody(buffer).
import { createRequire } from 'node:module';
import { FieldList } from '../servers/core/headers.js';

type OnHeaders = (headers: string[], url: string) => void;
type OnHeadersComplete = (
  versionMajor: number,
  versionMinor: number,
  headers: string[] | undefined,
  method: number,
  url: string | undefined,
  statusCode: number,
  statusMessage: string,
  upgrade: boolean,
  shouldKeepAlive: boolean,
) => void;
type OnBody = (chunk: Buffer) => void;
type OnMessageComplete = () => void;

interface NativeParser {
  initialize(type: number, resource: object, maxHeaderSize?: number, lenientFlags?: number): void;
  execute(data: Buffer): number | Error;
  [callback: number]: OnHeaders | OnHeadersComplete | OnBody | OnMessageComplete | undefined;
}

interface NativeParserClass {
  new (): NativeParser;
  REQUEST: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
}

export interface Llhttp {
  HTTPParser: NativeParserClass;
  /** method names by llhttp's method number (a sparse array) */
  methods: readonly string[];
  /** how it was reached, for the report */
  via: string;
}

let cached: Llhttp | undefined;

export function loadLlhttp(): Llhttp {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  const common = require('_http_common') as { HTTPParser?: NativeParserClass; methods?: string[] };
  if (common.HTTPParser !== undefined && common.methods !== undefined) {
    const methods = methodsByNumber(common.HTTPParser, common.methods);
    cached = { HTTPParser: common.HTTPParser, methods, via: "require('_http_common').HTTPParser" };
    return cached;
  }
  const quiet = process.noDeprecation;
  process.noDeprecation = true;
  let binding: { HTTPParser: NativeParserClass; allMethods: string[] };
  try {
    binding = (process as unknown as { binding(name: string): typeof binding }).binding('http_parser');
  } finally {
    process.noDeprecation = quiet;
  }
  cached = { HTTPParser: binding.HTTPParser, methods: binding.allMethods, via: "process.binding('http_parser').HTTPParser" };
  return cached;
}

/**
 * `_http_common`'s `methods` leaves out llhttp's RTSP methods and PRI, so a name's index there is
 * not always llhttp's method number (QUERY is 34 there and 46 in llhttp). Node maps the number
 * through the binding's `allMethods`, which `_http_common` does not export; each name is parsed
 * once here to learn its number instead.
 */
function methodsByNumber(HTTPParser: NativeParserClass, names: readonly string[]): string[] {
  const byNumber: string[] = [];
  const parser = new HTTPParser();
  for (const name of names) {
    parser.initialize(HTTPParser.REQUEST, {}, 0, 0);
    parser[HTTPParser.kOnHeadersComplete] = (_major, _minor, _headers, method): void => {
      byNumber[method] = name;
    };
    parser.execute(Buffer.from(`${name} / HTTP/1.1\r\n\r\n`, 'latin1'));
  }
  return byNumber;
}

/** What the llhttp side hands on per request: the same fields the core's ParsedRequest carries. */
export interface LlhttpHead {
  method: string;
  target: string;
  version: string;
  http11: boolean;
  headers: FieldList;
  /** llhttp's verdict on the connection after this request (llhttp_should_keep_alive) */
  keepAlive: boolean;
}

/**
 * One reusable llhttp request parser, as one server connection holds. For every head it builds the
 * same result the core's parser builds: method and target strings, the version, and a FieldList
 * with lower-cased names. Node's IncomingMessage lower-cases lazily, but the core does it at parse
 * time, so doing it here keeps the two sides' work equal.
 */
export class LlhttpRequestParser {
  /** heads completed since construction */
  heads = 0;
  last: LlhttpHead | null = null;
  protected readonly parser: NativeParser;
  protected pendingHeaders: string[] = [];
  protected pendingUrl = '';

  constructor(llhttp: Llhttp = loadLlhttp()) {
    const { HTTPParser, methods } = llhttp;
    this.parser = new HTTPParser();
    this.parser.initialize(HTTPParser.REQUEST, {}, 0, 0);
    this.parser[HTTPParser.kOnHeaders] = (headers: string[], url: string): void => {
      for (const h of headers) this.pendingHeaders.push(h);
      this.pendingUrl += url;
    };
    this.parser[HTTPParser.kOnHeadersComplete] = (major, minor, headers, method, url, _status, _message, _upgrade, keepAlive): void => {
      if (headers === undefined) {
        headers = this.pendingHeaders;
        url = this.pendingUrl;
        this.pendingHeaders = [];
        this.pendingUrl = '';
      }
      const fields = new FieldList();
      for (let i = 0; i < headers.length; i += 2) fields.add(headers[i]!.toLowerCase(), headers[i + 1]!);
      this.last = {
        method: methods[method]!,
        target: url!,
        version: `HTTP/${major}.${minor}`,
        http11: major > 1 || minor >= 1,
        headers: fields,
        keepAlive,
      };
      this.heads++;
    };
  }

  /** Parses every byte of `data`; returns the heads it completed, and throws on a parse error. */
  parse(data: Buffer): number {
    const before = this.heads;
    const result = this.parser.execute(data);
    if (typeof result !== 'number') throw result;
    if (result !== data.length) throw new Error(`llhttp parsed ${result} of ${data.length} bytes`);
    return this.heads - before;
  }
}

/** A whole request as llhttp delivers it: the head, the content and the trailer fields. */
export interface LlhttpMessage extends LlhttpHead {
  content: Buffer;
  /** trailer fields, names as received */
  trailers: Array<[string, string]>;
}

/** LlhttpRequestParser that also collects each request's content and trailer fields, as
 * `messages`, for comparing whole requests rather than timing heads. */
export class LlhttpMessageParser extends LlhttpRequestParser {
  readonly messages: LlhttpMessage[] = [];
  private content: Buffer[] = [];

  constructor(llhttp: Llhttp = loadLlhttp()) {
    super(llhttp);
    const { HTTPParser } = llhttp;
    // Node hands each piece of content over as a copy, not a view of the buffer executed.
    this.parser[HTTPParser.kOnBody] = (chunk: Buffer): void => {
      this.content.push(chunk);
    };
    this.parser[HTTPParser.kOnMessageComplete] = (): void => {
      // What kOnHeaders flushed since the head was complete is the trailer section.
      const trailers: Array<[string, string]> = [];
      for (let i = 0; i < this.pendingHeaders.length; i += 2) trailers.push([this.pendingHeaders[i]!, this.pendingHeaders[i + 1]!]);
      this.pendingHeaders = [];
      this.pendingUrl = '';
      this.messages.push({ ...this.last!, content: Buffer.concat(this.content), trailers });
      this.content = [];
    };
  }
}
