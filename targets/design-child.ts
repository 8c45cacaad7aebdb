// A built-in design started as a child process running `http-lab serve` (for conform, bench and
// gate), so that the server process is its own, as it is when run by hand.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findServer } from '../servers/catalogue.js';
import { START_TIMEOUT_MS, TargetStartError, type RunningServer } from './running.js';
import { stopOnExit } from './stop-on-exit.js';

const CLI_MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** Starts `http-lab serve --target NAME --port 0` as a child and waits for its URL line. */
export function spawnServer(name: string, docroot: string, extraArgs: string[] = [], startTimeoutMs = START_TIMEOUT_MS): Promise<RunningServer> {
  const child = spawn(
    process.execPath,
    [CLI_MAIN, 'serve', '--target', name, '--port', '0', '--host', '127.0.0.1', '--docroot', docroot, '--parent-pid', String(process.pid), ...extraArgs],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = stopOnExit(async (graceMs = 3000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      void stop(500);
      reject(new TargetStartError(`target ${name} did not start: ${why}${stderr ? `\n${stderr.trim()}` : ''}`));
    };
    const timer = setTimeout(() => fail(`no URL on stdout within ${startTimeoutMs} ms`), startTimeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => fail(`exited with ${signal ?? `code ${code}`}`);
    child.once('error', (err) => fail(err.message));
    child.once('exit', onExit);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /http:\/\/[^\s]+/.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({ name, url: m[0], pid: child.pid!, child, stop, kind: 'server', design: name, serial: findServer(name)?.serial ?? false });
    });
  });
}
