// The application every server runs: a static site over StaticFiles. Methods, conditional requests
// (RFC 9110 §13) and single byte ranges (RFC 9110 §14) are decided here; framing, persistence and
// serialisation belong to the connection.
import { ProtocolError } from './errors.js';
import { formatHttpDate, parseHttpDate } from './dates.js';
import { splitList, trimOws } from './abnf.js';
import type { RequestHandler } from './connection.js';
import type { ParsedRequest } from './request-parser.js';
import { textResponse, type Response } from './response.js';
import { FileChangedError, FileUnreadableError, StaticFiles, type FileEntry } from './static-files.js';

/** Methods defined by RFC 9110 §9 (and PATCH, RFC 5789) that a static site does not allow. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);
const ALLOW: [string, string] = ['Allow', 'GET, HEAD'];

export function createStaticSite(files: StaticFiles): RequestHandler {
  // The 200 of each whole cached file, built once per file entry, so that answering it allocates
  // nothing (building it per request cost about 3% of a GET's time in the core). Its bytes are the
  // writer's to keep, under its cacheKey.
  const wholeFiles = new WeakMap<FileEntry, Response>();
  return (request) => {
    try {
      return respond(files, request, wholeFiles);
    } catch (err) {
      if (err instanceof ProtocolError) return textResponse(err.status, err.detail);
      if (err instanceof FileChangedError) {
        // The headers promised a length the file no longer has. RFC 9110 §15.6.1: 500 "indicates
        // that the server encountered an unexpected condition"; the next request sees the new file.
        files.invalidate(request.target);
        return textResponse(500, 'the file changed while it was being read; try again');
      }
      if (err instanceof FileUnreadableError) return unreadable(err);
      throw err;
    }
  };
}

function respond(files: StaticFiles, request: ParsedRequest, wholeFiles: WeakMap<FileEntry, Response>): Response {
  const { method } = request;
  if (method !== 'GET' && method !== 'HEAD') {
    // RFC 9110 §9.1: "An origin server that receives a request method that is unrecognized or not
    // implemented SHOULD respond with the 501 (Not Implemented) status code. An origin server that
    // receives a request method that is recognized and implemented, but not allowed for the target
    // resource, SHOULD respond with the 405 (Method Not Allowed) status code."
    if (!KNOWN_METHODS.has(method)) return textResponse(501, `method ${method} is not implemented`);
    // RFC 9110 §15.5.6: "The origin server MUST generate an Allow header field in a 405 response".
    return textResponse(405, `method ${method} is not allowed; use GET or HEAD`, [ALLOW]);
  }
  if (request.target === '*') return textResponse(400, 'the asterisk-form is only for OPTIONS');
  const found = files.resolve(request.target);
  if (found.kind === 'not-found') return textResponse(404, 'no such file');
  if (found.kind === 'redirect') {
    return {
      ...textResponse(301, `see ${found.location}`),
      headers: [
        ['Location', found.location],
        ['Content-Type', 'text/plain; charset=utf-8'],
      ],
    };
  }
  const now = files.now();
  const precondition = evaluatePreconditions(request, found, now);
  if (precondition !== null) return precondition;
  const range = method === 'GET' ? selectRange(request, found, now) : null;
  if (range === 'unsatisfiable') {
    // RFC 9110 §15.5.17: "A server that generates a 416 response to a byte-range request SHOULD
    // generate a Content-Range header field specifying the current length of the selected
    // representation".
    const res = textResponse(416, 'range not satisfiable');
    res.headers.push(['Content-Range', `bytes */${found.size}`]);
    return res;
  }
  // The 200 of a whole cached file is the same for every GET and HEAD of it while its entry stands
  // (its Last-Modified is the file's own once that is past). A changed file is a new entry.
  const wholeContent = range === null && found.mtimeMs <= now ? found.content : null;
  if (wholeContent !== null) {
    const known = wholeFiles.get(found);
    if (known !== undefined) return known;
  }
  const validators: Array<[string, string]> = [
    ['Content-Type', found.contentType],
    ['Last-Modified', lastModified(found, now)],
    ['ETag', found.etag],
    ['Accept-Ranges', 'bytes'],
  ];
  if (range !== null) {
    const length = range.last - range.first + 1;
    return {
      status: 206,
      headers: [...validators, ['Content-Range', `bytes ${range.first}-${range.last}/${found.size}`]],
      body: files.read(found, range.first, length),
    };
  }
  if (wholeContent !== null) {
    // The entry is its cache key: the writer sends again the bytes it serialised for the first.
    const response: Response = { status: 200, headers: validators, body: wholeContent, length: found.size, cacheKey: found };
    wholeFiles.set(found, response);
    return response;
  }
  // HEAD announces the GET length without reading a large file.
  const body = method === 'HEAD' && found.content === null ? new Uint8Array(0) : files.read(found, 0, found.size);
  return { status: 200, headers: validators, body, length: found.size };
}

/** The answer for a file the system would not read; never cached, so the next request tries again. */
function unreadable(err: FileUnreadableError): Response {
  if (err.overloaded) {
    // RFC 9110 §15.6.4: 503 "indicates that the server is currently unable to handle the request
    // due to a temporary overload or scheduled maintenance, which will likely be alleviated after
    // some delay. The server MAY send a Retry-After header field". Descriptors free up as
    // connections close; one second is also how long a resolved path is trusted.
    return textResponse(503, 'the server is out of file descriptors; try again', [['Retry-After', '1']]);
  }
  // RFC 9110 §15.6.1: 500 "indicates that the server encountered an unexpected condition that
  // prevented it from fulfilling the request". No detail: the system's message names paths.
  return textResponse(500, 'the file could not be read');
}

/** RFC 9110 §8.8.2.1: "An origin server with a clock ... MUST NOT generate a Last-Modified date
 * that is later than the server's time of message origination (Date). If the last modification time
 * is derived from implementation-specific metadata that evaluates to some time in the future,
 * according to the origin server's clock, then the origin server MUST replace that value with the
 * message origination date." */
function lastModified(file: FileEntry, now: number): string {
  return file.mtimeMs > now ? formatHttpDate(now) : file.lastModified;
}

/** RFC 9110 §13.2.2, steps 1 to 4, for GET and HEAD on an existing file. */
function evaluatePreconditions(request: ParsedRequest, file: FileEntry, now: number): Response | null {
  const h = request.headers;
  const ifMatch = h.combined('if-match');
  if (ifMatch !== undefined) {
    // RFC 9110 §13.1.1: "An origin server MUST use the strong comparison function when comparing
    // entity tags for If-Match".
    if (!matchesEntityTag(ifMatch, file.etag, true)) return textResponse(412, 'If-Match does not match');
  } else {
    // RFC 9110 §13.1.4: "A recipient MUST ignore the If-Unmodified-Since header field if the
    // received field value is not a valid HTTP-date (including when the field value appears to be
    // a list of dates)". Two field lines are such a list.
    const ifUnmodifiedSince = h.count('if-unmodified-since') === 1 ? h.get('if-unmodified-since') : undefined;
    const date = ifUnmodifiedSince === undefined ? null : parseHttpDate(ifUnmodifiedSince, now);
    if (date !== null && Math.floor(file.mtimeMs / 1000) * 1000 > date) return textResponse(412, 'modified since If-Unmodified-Since');
  }
  const ifNoneMatch = h.combined('if-none-match');
  if (ifNoneMatch !== undefined) {
    // RFC 9110 §13.1.2: "A recipient MUST use the weak comparison function when comparing entity
    // tags for If-None-Match", and for GET and HEAD the server responds 304.
    return matchesEntityTag(ifNoneMatch, file.etag, false) ? notModified(file) : null;
  }
  // RFC 9110 §13.1.3: "A recipient MUST ignore If-Modified-Since if the request contains an
  // If-None-Match header field" and "if the received field value is not a valid HTTP-date".
  const ifModifiedSince = h.get('if-modified-since');
  if (ifModifiedSince === undefined || h.count('if-modified-since') > 1) return null;
  const since = parseHttpDate(ifModifiedSince, now);
  if (since === null) return null;
  return Math.floor(file.mtimeMs / 1000) * 1000 <= since ? notModified(file) : null;
}

/** RFC 9110 §15.4.5: "The server generating a 304 response MUST generate any of the following
 * header fields that would have been sent in a 200 (OK) response to the same request: ... ETag".
 * A 304 carries no content and here no Content-Length. */
function notModified(file: FileEntry): Response {
  return { status: 304, headers: [['ETag', file.etag]], body: new Uint8Array(0), noContentLength: true };
}

/** "*" or a list of entity-tags; weak comparison ignores the W/ prefix. */
function matchesEntityTag(field: string, etag: string, strong: boolean): boolean {
  if (trimOws(field) === '*') return true;
  for (const raw of field.split(',')) {
    const tag = trimOws(raw);
    if (tag.length === 0) continue;
    const weak = tag.startsWith('W/');
    if (strong && weak) continue;
    if ((weak ? tag.slice(2) : tag) === etag) return true;
  }
  return false;
}

interface ByteRange {
  first: number;
  last: number;
}

/** A single satisfiable byte range, 'unsatisfiable', or null to send the whole file. RFC 9110
 * §14.2: "A server MAY ignore the Range header field." This server ignores multiple ranges and
 * invalid syntax, and honours one range. */
function selectRange(request: ParsedRequest, file: FileEntry, now: number): ByteRange | 'unsatisfiable' | null {
  const header = request.headers.get('range');
  if (header === undefined || request.headers.count('range') > 1) return null;
  // Two If-Range lines form a list, which is neither an entity-tag nor a date: the condition is false.
  const ifRange = request.headers.count('if-range') > 1 ? '' : request.headers.get('if-range');
  // RFC 9110 §13.1.5: "A server MUST ignore an If-Range header field received in a request that
  // does not contain a Range header field." and when the validator does not match, "the recipient
  // SHOULD ignore the Range header field".
  if (ifRange !== undefined && !ifRangeMatches(ifRange, file, now)) return null;
  const m = /^bytes=(.*)$/i.exec(trimOws(header));
  if (m === null) return null;
  const specs = splitList(m[1]!);
  if (specs.length !== 1) return null;
  const spec = /^(\d*)-(\d*)$/.exec(specs[0]!);
  if (spec === null || (spec[1] === '' && spec[2] === '')) return null;
  // An empty representation can satisfy no int-range, and a suffix range of it selects nothing a
  // 206 could describe: send the (empty) whole.
  if (file.size === 0) return null;
  if (spec[1] === '') {
    const suffix = Number(spec[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { first: Math.max(file.size - suffix, 0), last: file.size - 1 };
  }
  const first = Number(spec[1]);
  // RFC 9110 §14.1.1: "A byte-range-spec is invalid if the last-pos value is present and less than
  // the first-pos." An invalid range is ignored.
  if (spec[2] !== '' && Number(spec[2]) < first) return null;
  // RFC 9110 §14.1.3: an int-range is satisfiable when its "first-pos ... is less than the current
  // length of the selected representation"; a last-pos past the end (or none) means the end.
  if (first >= file.size) return 'unsatisfiable';
  const last = spec[2] === '' ? file.size - 1 : Math.min(Number(spec[2]), file.size - 1);
  return { first, last };
}

function ifRangeMatches(value: string, file: FileEntry, now: number): boolean {
  const v = trimOws(value);
  // RFC 9110 §13.1.5: "a strong comparison" for an entity-tag, and an HTTP-date must be an exact
  // match of the Last-Modified date.
  if (v.startsWith('"') || v.startsWith('W/')) return v === file.etag;
  const date = parseHttpDate(v, now);
  return date !== null && date === Math.floor(file.mtimeMs / 1000) * 1000;
}
