// Stopping everything this process started, when it is done or interrupted: every target is
// registered from the moment it is spawned, since a Ctrl-C that lands while a target is still
// starting must stop it too.

/** The stop function of every target this process has started and not yet stopped. */
const started = new Set<() => Promise<void>>();

/** Registers a target's stop function until it has run; returns the function to call instead. */
export function stopOnExit(stop: (graceMs?: number) => Promise<void>): (graceMs?: number) => Promise<void> {
  const tracked = (graceMs?: number): Promise<void> => {
    started.delete(tracked);
    return stop(graceMs);
  };
  started.add(tracked);
  return tracked;
}

/** Stops every target this process started (servers and peers, ready or still starting). */
export async function stopAllTargets(): Promise<void> {
  await Promise.all([...started].map((stop) => stop()));
}

// Ctrl-C and SIGTERM while a command runs: stop what it started, then exit 130 (128 + SIGINT).
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\nhttp-lab: ${signal}, stopping\n`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
