import { join } from 'node:path';
import { packageRoot } from '../targets/package.js';

/** The bundled docroot, html/. */
export function bundledDocroot(): string {
  return join(packageRoot(), 'html');
}
