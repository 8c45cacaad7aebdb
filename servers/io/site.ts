// Builds the one application every server runs: the static site over the real file system, with
// the real clock. Each server process (and each thread) builds its own.
import { resolve } from 'node:path';
import { DateCache } from '../core/dates.js';
import { ServerConnection, type RequestHandler } from '../core/connection.js';
import { ResponseWriter } from '../core/response-writer.js';
import { StaticFiles } from '../core/static-files.js';
import { createStaticSite } from '../core/static-site.js';
import { nodeFileAccess } from './node-file-access.js';

export interface Site {
  /** a fresh sans-I/O connection for a newly accepted socket */
  connection(): ServerConnection;
}

export function createSite(docroot: string, handicapUs = 0): Site {
  const clock = Date.now;
  const files = new StaticFiles({ docroot: resolve(docroot), files: nodeFileAccess, clock });
  const site = createStaticSite(files);
  const handler = handicapUs > 0 ? handicapped(site, handicapUs) : site;
  const dates = new DateCache(clock);
  const writer = new ResponseWriter();
  return { connection: () => new ServerConnection(handler, { dates, writer }) };
}

/**
 * `serve --handicap-us N`: the same site, N µs slower per request, by busy-waiting on the CPU as
 * real work would (a sleep would free the CPU, and cost an event-driven server nothing). A
 * teaching and testing aid: it shows what a slower request path does to each design, and gives
 * the CI gate a regression of known size to catch.
 */
function handicapped(handler: RequestHandler, handicapUs: number): RequestHandler {
  const ns = BigInt(Math.round(handicapUs * 1000));
  return (request) => {
    const until = process.hrtime.bigint() + ns;
    while (process.hrtime.bigint() < until);
    return handler(request);
  };
}
