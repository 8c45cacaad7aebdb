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
//   values trimmed, and methodIndex indexes `methods`. When a head is split across execute() calls
//   or has more than 32 fields, the parser flushes what it has so far to parser[kOnHeaders](headers,
//   url) and then passes undefined for both to kOnHeadersComplete; this file merges them as Node does.
import { createRequire } from 'node:module';
import { FieldList } from '../servers/core/headers.js';

type OnHeaders = (headers: string[], url: string) => void;
type OnHeadersComplete = (
  versionMajor: number,
  versionMinor: number,
  headers: string[] | undefined,
  method: number,
  url: string | undefined,
) => void;

interface NativeParser {
  initialize(type: number, resource: object, maxHeaderSize?: number, lenientFlags?: number): void;
  execute(data: Buffer): number | Error;
  [callback: number]: OnHeaders | OnHeadersComplete | undefined;
}

interface NativeParserClass {
  new (): NativeParser;
  REQUEST: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
}

export interface Llhttp {
  HTTPParser: NativeParserClass;
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
    cached = { HTTPParser: common.HTTPParser, methods: common.methods, via: "require('_http_common').HTTPParser" };
    return cached;
  }
  const quiet = process.noDeprecation;
  process.noDeprecation = true;
  let binding: { HTTPParser: NativeParserClass; methods: string[] };
  try {
    binding = (process as unknown as { binding(name: string): typeof binding }).binding('http_parser');
  } finally {
    process.noDeprecation = quiet;
  }
  cached = { HTTPParser: binding.HTTPParser, methods: binding.methods, via: "process.binding('http_parser').HTTPParser" };
  return cached;
}

/** What the llhttp side hands on per request: the same fields the core's ParsedRequest carries. */
export interface LlhttpHead {
  method: string;
  target: string;
  version: string;
  http11: boolean;
  headers: FieldList;
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
  private readonly parser: NativeParser;
  private pendingHeaders: string[] = [];
  private pendingUrl = '';

  constructor(llhttp: Llhttp = loadLlhttp()) {
    const { HTTPParser, methods } = llhttp;
    this.parser = new HTTPParser();
    this.parser.initialize(HTTPParser.REQUEST, {}, 0, 0);
    this.parser[HTTPParser.kOnHeaders] = (headers: string[], url: string): void => {
      for (const h of headers) this.pendingHeaders.push(h);
      this.pendingUrl += url;
    };
    this.parser[HTTPParser.kOnHeadersComplete] = (major, minor, headers, method, url): void => {
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
