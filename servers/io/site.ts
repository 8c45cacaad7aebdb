// Builds the one application every server runs: the static site over the real file system, with
// the real clock. Each server process (and each thread) builds its own.
import { resolve } from 'node:path';
import { DateCache } from '../core/dates.js';
import { ServerConnection } from '../core/connection.js';
import { StaticFiles } from '../core/static-files.js';
import { createStaticSite } from '../core/static-site.js';
import { nodeFileAccess } from './node-file-access.js';

export interface Site {
  /** a fresh sans-I/O connection for a newly accepted socket */
  connection(): ServerConnection;
}

export function createSite(docroot: string): Site {
  const clock = Date.now;
  const files = new StaticFiles({ docroot: resolve(docroot), files: nodeFileAccess, clock });
  const handler = createStaticSite(files);
  const dates = new DateCache(clock);
  return { connection: () => new ServerConnection(handler, { dates }) };
}
