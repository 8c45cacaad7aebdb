// Where the repository and its docroot fixtures are, found at run time so that the same code works
// from source and from dist/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckContext } from './types.js';

/** The nearest folder above `from` that holds package.json. */
export function findRepoRoot(from: string | URL = import.meta.url): string {
  const start = dirname(fileURLToPath(from));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json in any folder above ${start}`);
  }
}

/** Fixture access for expectations, reading (once) from `docroot`, by default the bundled html/. */
export function fixtureContext(docroot = join(findRepoRoot(), 'html'), pid?: number): CheckContext {
  const cache = new Map<string, Buffer>();
  return {
    fixture(path: string): Buffer {
      let bytes = cache.get(path);
      if (!bytes) {
        bytes = readFileSync(join(docroot, path));
        cache.set(path, bytes);
      }
      return bytes;
    },
    ...(pid !== undefined ? { pid } : {}),
  };
}
