// `http-lab serve`: runs one server in the foreground. This process is the server process: the
// parent of a process server's children, the owner of a thread server's threads.
import { existsSync, statSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { findServer } from '../servers/catalogue.js';
import { HttpLabUsageError } from '../api/errors.js';
import type { SiteConfig } from '../servers/io/options.js';

export interface ServeArgs {
  target: string;
  /** set by http-lab itself when it starts a server as its child: the server stops when it exits */
  parentPid?: number;
  host: string;
  port: number;
  docroot: string;
  idleTimeout: number;
  headerTimeout: number;
  backlog: number;
  maxWorkers: number;
  /** µs of busy-waiting per request (0: none) */
  handicapUs: number;
}

export async function serve(args: ServeArgs): Promise<void> {
  const design = findServer(args.target);
  if (design === undefined) throw new HttpLabUsageError(`unknown target "${args.target}"`);
  const refused = await design.refusal?.();
  if (refused !== undefined) throw new HttpLabUsageError(`serve --target ${args.target}: ${refused}`);
  if (args.parentPid !== undefined) {
    const { native } = await import('../servers/native/index.js');
    native.exitWithParent();
    // The parent may have died before prctl took effect.
    if (process.ppid !== args.parentPid) return;
  }
  const siteConfig = validSiteConfig(args);
  await design.run({
    host: args.host,
    port: args.port,
    backlog: args.backlog,
    maxWorkers: args.maxWorkers,
    siteConfig,
    // writeSync: the blocking designs never return to the event loop, so an async write could
    // sit unflushed while the main thread waits in accept.
    onListening: (url) => {
      const handicap = siteConfig.handicapUs > 0 ? `, handicapped by ${siteConfig.handicapUs} µs per request` : '';
      writeSync(1, `http-lab ${args.target} server listening on ${url} (docroot ${siteConfig.docroot}${handicap}); Ctrl-C stops it\n`);
    },
  });
}

/** The one place the site configuration is validated (its numbers by the command line's checks in
 * main.ts): every thread and child process of the server gets it as it is. */
function validSiteConfig(args: ServeArgs): SiteConfig {
  const docroot = resolve(args.docroot);
  if (!existsSync(docroot) || !statSync(docroot).isDirectory()) throw new HttpLabUsageError(`docroot ${docroot} is not a folder`);
  return { docroot, idleTimeoutMs: args.idleTimeout * 1000, headerTimeoutMs: args.headerTimeout * 1000, handicapUs: args.handicapUs };
}
