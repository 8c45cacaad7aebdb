// Maps a request-target to a file under the docroot, and caches what it learns. The file system is
// injected (FileAccess), so this module makes no system calls of its own and tests can hand it a
// fake one.
//
// Safety rules, in the order they apply:
// 1. the target is origin-form or absolute-form; its query is ignored;
// 2. percent-decoding is strict (%zz → 400), and a decoded NUL or invalid UTF-8 is rejected;
// 3. dot segments are removed after decoding (RFC 3986 §5.2.4), which can never climb above "/";
// 4. the file's real path (symlinks resolved) must lie inside the docroot's real path.
import { badRequest, isSyscallError } from './errors.js';
import { formatHttpDate, type Clock } from './dates.js';
import { contentTypeFor } from './mime.js';

export interface FileStat {
  size: number;
  mtimeMs: number;
  ino: number;
  isFile: boolean;
  isDirectory: boolean;
}

/** The codes with which a file system says there is no file at a path: nothing there (ENOENT), a
 * file where the path needs a folder (ENOTDIR: /index.html/x), a name too long (ENAMETOOLONG), a
 * loop of symlinks (ELOOP). Any other failure is the server's trouble, not a missing file. */
export const NO_FILE_CODES: readonly string[] = ['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP'];

/** What the resolver needs from a file system. Paths are absolute. Every method throws the
 * system's own error (see isSyscallError) for a failure other than those it names. */
export interface FileAccess {
  /** stat following symlinks; null when there is no file at the path (NO_FILE_CODES) */
  stat(path: string): FileStat | null;
  /** the canonical path with every symlink resolved; null when there is no file at the path */
  realpath(path: string): string | null;
  /** `length` bytes from `start`, or fewer when the file ends sooner */
  read(path: string, start: number, length: number): Uint8Array;
}

export interface StaticFilesOptions {
  /** absolute path of the docroot */
  docroot: string;
  files: FileAccess;
  clock: Clock;
  /** files up to this size are kept in memory */
  cacheFileBytes?: number;
  /** how long a stat result is trusted before it is checked again */
  revalidateMs?: number;
  /** cache entries kept at most (found and not found alike) */
  maxEntries?: number;
}

/** A resolved file, with everything a response needs precomputed. */
export interface FileEntry {
  kind: 'file';
  fsPath: string;
  size: number;
  mtimeMs: number;
  ino: number;
  /** strong validator (RFC 9110 §8.8.3) */
  etag: string;
  lastModified: string;
  contentType: string;
  /** the whole content when the file is small enough to cache */
  content: Uint8Array | null;
}

export type Resolution =
  | FileEntry
  | { kind: 'not-found' }
  /** a directory named without its trailing slash: redirect to the slash form */
  | { kind: 'redirect'; location: string };

/** A file that shrank or vanished between its stat and its read. */
export class FileChangedError extends Error {
  constructor(path: string, cause: unknown) {
    super(`${path} changed while it was being read`, { cause });
  }
}

/** A file the system would not read or stat: out of descriptors (EMFILE, ENFILE), not allowed
 * (EACCES), a failing device (EIO). The server's trouble, not the request's, and not an answer to
 * keep: the next request asks the file system again. */
export class FileUnreadableError extends Error {
  override readonly name = 'FileUnreadableError';
  /** the process (EMFILE) or the system (ENFILE) ran out of file descriptors: an overload that
   * passes once connections close */
  readonly overloaded: boolean;

  constructor(path: string, cause: Error & { code: string }) {
    super(`${path} could not be read: ${cause.code}`, { cause });
    this.overloaded = cause.code === 'EMFILE' || cause.code === 'ENFILE';
  }
}

interface CacheSlot {
  resolution: Resolution;
  checkedAt: number;
}

const NOT_FOUND: Resolution = Object.freeze({ kind: 'not-found' });

export class StaticFiles {
  private readonly cache = new Map<string, CacheSlot>();
  private readonly docroot: string;
  private docrootReal: string | null = null;
  private readonly cacheFileBytes: number;
  private readonly revalidateMs: number;
  private readonly maxEntries: number;

  constructor(private readonly options: StaticFilesOptions) {
    this.docroot = options.docroot.replace(/\/+$/, '') || '/';
    this.cacheFileBytes = options.cacheFileBytes ?? 256 * 1024;
    this.revalidateMs = options.revalidateMs ?? 1000;
    this.maxEntries = options.maxEntries ?? 4096;
  }

  /** Resolves a request-target (query ignored). Throws ProtocolError(400) for malformed targets,
   * FileUnreadableError when the file system fails, FileChangedError when a file shrank as it was
   * read. */
  resolve(target: string): Resolution {
    const urlPath = decodePath(targetPath(target));
    const now = this.options.clock();
    const slot = this.cache.get(urlPath);
    if (slot !== undefined && now - slot.checkedAt < this.revalidateMs) return slot.resolution;
    let resolution: Resolution;
    try {
      resolution = this.lookup(urlPath, slot?.resolution);
    } catch (err) {
      // Thrown past the cache, so the next request asks the file system again.
      throw isSyscallError(err) ? new FileUnreadableError(urlPath, err) : err;
    }
    if (slot === undefined && this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(urlPath, { resolution, checkedAt: now });
    return resolution;
  }

  /** Reads part of a file; a file too large to cache is read now. Throws FileChangedError when the
   * file no longer holds those bytes, FileUnreadableError when the system would not read it. */
  read(entry: FileEntry, start: number, length: number): Uint8Array {
    if (entry.content !== null) return entry.content.subarray(start, start + length);
    const bytes = this.readExactly(entry.fsPath, start, length);
    if (bytes === null) throw new FileChangedError(entry.fsPath, 'it is gone');
    return bytes;
  }

  /** The injected clock, for date comparisons that depend on "now". */
  now(): number {
    return this.options.clock();
  }

  /** Forgets a path, e.g. after a read failed because the file changed underneath. */
  invalidate(target: string): void {
    this.cache.delete(decodePath(targetPath(target)));
  }

  private lookup(urlPath: string, previous: Resolution | undefined): Resolution {
    const files = this.options.files;
    const wantsIndex = urlPath.endsWith('/');
    const fsPath = this.docroot + urlPath + (wantsIndex ? 'index.html' : '');
    const stat = files.stat(fsPath);
    // Containment first, so that nothing outside the docroot is even revealed to exist.
    if (stat === null || !this.insideDocroot(fsPath)) return NOT_FOUND;
    if (stat.isDirectory) {
      return wantsIndex ? NOT_FOUND : { kind: 'redirect', location: encodePath(urlPath) + '/' };
    }
    if (!stat.isFile) return NOT_FOUND;
    if (previous?.kind === 'file' && previous.size === stat.size && previous.mtimeMs === stat.mtimeMs && previous.ino === stat.ino) {
      return previous;
    }
    let content: Uint8Array | null = null;
    if (stat.size <= this.cacheFileBytes) {
      content = stat.size === 0 ? new Uint8Array(0) : this.readExactly(fsPath, 0, stat.size);
      // Removed since its stat: there is no file here now.
      if (content === null) return NOT_FOUND;
    }
    const mtime = Math.floor(stat.mtimeMs);
    return {
      kind: 'file',
      fsPath,
      size: stat.size,
      mtimeMs: stat.mtimeMs,
      ino: stat.ino,
      etag: `"${mtime.toString(16)}-${stat.size.toString(16)}"`,
      lastModified: formatHttpDate(mtime),
      contentType: contentTypeFor(fsPath),
      content,
    };
  }

  /** `length` bytes from `start` of a file found by its stat; null when it is gone since
   * (NO_FILE_CODES). Throws FileChangedError when it ends sooner, FileUnreadableError when the
   * system would not read it. */
  private readExactly(fsPath: string, start: number, length: number): Uint8Array | null {
    let bytes: Uint8Array;
    try {
      bytes = this.options.files.read(fsPath, start, length);
    } catch (err) {
      if (isSyscallError(err, ...NO_FILE_CODES)) return null;
      throw isSyscallError(err) ? new FileUnreadableError(fsPath, err) : err;
    }
    if (bytes.length !== length) throw new FileChangedError(fsPath, `${bytes.length} of ${length} bytes are left`);
    return bytes;
  }

  /** Compares real paths, so a symlink inside the docroot that points outside it is refused. */
  private insideDocroot(fsPath: string): boolean {
    const files = this.options.files;
    this.docrootReal ??= files.realpath(this.docroot);
    const real = files.realpath(fsPath);
    const root = this.docrootReal;
    if (real === null || root === null) return false;
    return real === root || real.startsWith(root === '/' ? '/' : root + '/');
  }
}

/** The path part of a request-target. RFC 9112 §3.2.2: "When an origin server receives a request
 * with an absolute-form of request-target, the origin server MUST ignore the received Host header
 * field (if any) and instead use the host information of the request-target." */
export function targetPath(target: string): string {
  let path = target;
  if (path.charCodeAt(0) !== 0x2f) {
    const absolute = /^https?:\/\/[^/?]*/i.exec(path);
    // RFC 9112 §3.2.4: the asterisk-form is only used for a server-wide OPTIONS request, and
    // RFC 9112 §3.2.3 authority-form only for CONNECT; neither names a file.
    if (absolute === null) throw badRequest('request-target must be origin-form or absolute-form');
    path = path.slice(absolute[0].length);
    if (path.length === 0 || path.charCodeAt(0) === 0x3f) path = '/' + path;
  }
  const query = path.indexOf('?');
  return query < 0 ? path : path.slice(0, query);
}

/** Percent-decodes a path strictly and removes dot segments. */
export function decodePath(raw: string): string {
  let decoded = raw;
  if (raw.includes('%')) {
    const bytes: number[] = [];
    for (let i = 0; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c !== 0x25) {
        bytes.push(c);
        continue;
      }
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw badRequest('invalid percent-encoding in the request-target');
      bytes.push(parseInt(hex, 16));
      i += 2;
    }
    const buf = Buffer.from(bytes);
    decoded = buf.toString('utf8');
    // Overlong and other invalid UTF-8 (such as %c0%ae for ".") does not survive a round trip.
    if (!Buffer.from(decoded, 'utf8').equals(buf)) throw badRequest('the request-target does not decode to valid UTF-8');
  }
  if (decoded.includes('\0')) throw badRequest('NUL in the request path');
  return removeDotSegments(decoded);
}

/** RFC 3986 §5.2.4 for an absolute path: the result always starts with "/" and never climbs above it. */
export function removeDotSegments(path: string): string {
  const segments = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (segment === '..') {
      out.pop();
      if (last) out.push('');
    } else if (segment === '.') {
      if (last) out.push('');
    } else if (segment === '' && !last) {
      // Collapse "//": an empty segment names nothing on a file system.
    } else {
      out.push(segment);
    }
  }
  return '/' + out.join('/');
}

/** Percent-encodes what a Location path must not carry raw. */
function encodePath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}
