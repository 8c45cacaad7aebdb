// What the process server's parent tells each child: its options on the command line, and the fd
// on which its one connection will arrive.
export interface ChildOptions {
  /** the child stops at once if its parent is no longer this process */
  parentPid: number;
  docroot: string;
  idleTimeoutMs: number;
  handicapUs: number;
}

/** The child's end of its socketpair with the parent: the first fd after stdin, stdout and stderr. */
export const CHANNEL_FD = 3;

export function childArgv(options: ChildOptions): string[] {
  return [JSON.stringify(options)];
}

export function parseChildArgv(argv: readonly string[]): ChildOptions {
  const options = JSON.parse(argv[2] ?? 'null') as ChildOptions | null;
  if (options === null || !Number.isInteger(options.parentPid) || typeof options.docroot !== 'string' || !(options.idleTimeoutMs > 0) || !(options.handicapUs >= 0)) {
    throw new Error(`process server child: expected its options as JSON in argv[2], got ${JSON.stringify(argv.slice(2))}`);
  }
  return options;
}
