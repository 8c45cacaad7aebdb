// The real file system behind the core's FileAccess interface: synchronous calls, because a static
// server's reads are small, served from the page cache, and the core is synchronous by design.
import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isSyscallError } from '../core/errors.js';
import { NO_FILE_CODES, type FileAccess, type FileStat } from '../core/static-files.js';

export const nodeFileAccess: FileAccess = {
  stat(path: string): FileStat | null {
    let s;
    try {
      s = statSync(path);
    } catch (err) {
      // No file here (ENOENT; ENOTDIR for /index.html/x, ENAMETOOLONG for a 256-byte segment,
      // ELOOP). Any other failure (EACCES, EIO) goes to the core, which answers it as the server's.
      if (isSyscallError(err, ...NO_FILE_CODES)) return null;
      throw err;
    }
    return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino, isFile: s.isFile(), isDirectory: s.isDirectory() };
  },
  realpath(path: string): string | null {
    try {
      return realpathSync.native(path);
    } catch (err) {
      if (isSyscallError(err, ...NO_FILE_CODES)) return null;
      throw err;
    }
  },
  read(path: string, start: number, length: number): Uint8Array {
    const out = Buffer.allocUnsafe(length);
    const fd = openSync(path, 'r');
    try {
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, done, length - done, start + done);
        // The end of the file, sooner than asked: the core tells the caller the file changed.
        if (n === 0) return out.subarray(0, done);
        done += n;
      }
    } finally {
      closeSync(fd);
    }
    return out;
  },
};
