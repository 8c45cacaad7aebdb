// http-lab's own package: the folder it is installed in, its version and its bundled docroot, found at
// run time so that the same code works from the sources and from dist/.
import { existsSync, readFileSync } from 'node:fs';
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

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The bundled docroot, html/: the fixtures every instrument compares bytes against by default. */
export function bundledDocroot(): string {
  return join(packageRoot(), 'html');
}
