// The real file system behind the core's FileAccess interface: synchronous calls, because a static
// server's reads are small, served from the page cache, and the core is synchronous by design.
import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import type { FileAccess, FileStat } from '../core/static-files.js';

export const nodeFileAccess: FileAccess = {
  stat(path: string): FileStat | null {
    let s;
    try {
      s = statSync(path);
    } catch {
      // ENOENT, and also ENOTDIR (/index.html/x), ENAMETOOLONG (a 256-byte segment), ELOOP and
      // EACCES: every one means there is no file to serve here.
      return null;
    }
    return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino, isFile: s.isFile(), isDirectory: s.isDirectory() };
  },
  realpath(path: string): string | null {
    try {
      return realpathSync.native(path);
    } catch {
      return null;
    }
  },
  read(path: string, start: number, length: number): Uint8Array {
    const out = Buffer.allocUnsafe(length);
    const fd = openSync(path, 'r');
    try {
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, done, length - done, start + done);
        if (n === 0) throw new Error(`${path} is shorter than expected`);
        done += n;
      }
    } finally {
      closeSync(fd);
    }
    return out;
  },
};
