// What the process server's parent and each of its children say to each other: the child's options
// on the command line; the connections, one at a time, as fds over a socketpair (CHANNEL_FD); and,
// back from the child, one byte on a pipe (STATUS_FD) when it is ready and after each connection.
import type { SiteConfig } from '../io/options.js';

export interface ChildOptions {
  /** the child stops at once if its parent is no longer this process */
  parentPid: number;
  siteConfig: SiteConfig;
}

/** The child's end of its socketpair with the parent: the first fd after stdin, stdout and stderr. */
export const CHANNEL_FD = 3;

/** The child's end of its status pipe to the parent, which the parent reads on its event loop. */
export const STATUS_FD = 4;

/** Status bytes: the child is ready for its first connection; it has closed the one it was given. */
export const READY = 0x52; // 'R'
export const DONE = 0x44; // 'D'

export function childArgv(options: ChildOptions): string[] {
  return [JSON.stringify(options)];
}

/** The options childArgv wrote; the site configuration in them was validated once, by `serve`. */
export function parseChildArgv(argv: readonly string[]): ChildOptions {
  const json = argv[2];
  if (json === undefined) throw new Error('process server child: expected its options as JSON in argv[2]; only the process server starts it');
  return JSON.parse(json) as ChildOptions;
}
