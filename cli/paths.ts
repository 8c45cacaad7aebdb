import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The http-lab package folder, from both the source tree and dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('http-lab: cannot find its package.json');
    dir = parent;
  }
  return dir;
}

/** The bundled docroot, html/. */
export function bundledDocroot(): string {
  return join(packageRoot(), 'html');
}
