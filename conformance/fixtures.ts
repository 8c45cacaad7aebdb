// The fixtures a check compares response bytes against, read from a docroot.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledDocroot } from '../system/package.js';
import type { CheckContext } from './types.js';

/** Fixture access for expectations, reading (once) from `docroot`, by default the bundled html/. */
export function fixtureContext(docroot = bundledDocroot(), pid?: number): CheckContext {
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
