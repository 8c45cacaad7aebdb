// Other people's servers, started on the docroot: a peer (peers.ts) or a yardstick (yardsticks.ts).
// Each is a program found on PATH, started on a free port with a private temp folder, and ready
// once it says so and accepts connections.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve as resolvePath } from 'node:path';
import { freePort } from '../system/ports.js';
import { acceptsConnections } from './ports.js';
import { START_TIMEOUT_MS, TargetStartError, type RunningServer } from './running.js';
import { stopOnExit } from './stop-on-exit.js';

export interface ServerProgram {
  name: string;
  summary: string;
  /** the program looked up on PATH (and in the sbin folders, where Debian puts nginx) */
  program: string;
  /** an environment variable that names the program's path instead */
  envVar: string;
  /** how to get the program, for the one-line error when it is missing */
  installHint: string;
  /** folders searched before PATH (a program built by http-lab itself) */
  searchDirs?: string[];
  /** the signal that stops it at once, its children too (default SIGTERM); also the one it gets when
   * http-lab dies */
  stopSignal?: 'SIGTERM' | 'SIGINT';
  /** the command line that serves `docroot` on 127.0.0.1:`port`, with `dir` a private temp folder;
   * `env` is added to http-lab's own environment (caddy's HOME, so that it writes nothing elsewhere) */
  command(program: string, port: number, docroot: string, dir: string): { args: string[]; ready: ReadySignal; env?: Record<string, string> };
}

/** How a program says it is listening, besides accepting a connection: a line on stdout (python),
 * or a pid file written after the listening sockets are bound (nginx). Either one proves that the
 * process we started, and not another that took the port in the meantime, owns it. */
export type ReadySignal = { stdout: RegExp } | { pidFile: string };

/** The program is not installed: the message is the one line to show (exit 2). */
export class ProgramMissingError extends TargetStartError {
  override readonly name = 'ProgramMissingError';
}

/** Debian installs nginx in /usr/sbin, which is not on an ordinary user's PATH. */
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/local/nginx/sbin'];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The path of the server's program, or a ProgramMissingError that says how to install it. */
export function findProgram(server: ServerProgram, env: NodeJS.ProcessEnv = process.env): string {
  const override = env[server.envVar];
  if (override !== undefined && override !== '') {
    if (executable(override)) return resolvePath(override);
    throw new ProgramMissingError(`${server.program} is not installed at ${override} (from ${server.envVar})`);
  }
  const dirs = [...(server.searchDirs ?? []), ...(env.PATH ?? '').split(delimiter).filter((d) => d !== ''), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, server.program);
    if (executable(candidate)) return candidate;
  }
  throw new ProgramMissingError(`${server.program} is not installed (${server.installHint})`);
}

/** setpriv --pdeathsig makes the kernel send the program SIGTERM when http-lab dies, even by SIGKILL
 * (PR_SET_PDEATHSIG, kept across exec, so the pid stays the program's), as `serve --parent-pid` does
 * for the built-in servers (with SIGKILL there). SIGTERM here: nginx's master stops its workers
 * on it, and would orphan them on SIGKILL; so peers are never paused (`bench`). A program whose
 * SIGTERM waits for its clients gets its `stopSignal` instead (h2o: SIGINT). The kernel forgets the
 * signal when the program changes its user: a peer that does so must keep a parent process that
 * does not (Apache's), or not do it (h2o). Without util-linux's setpriv, the program is started
 * directly. */
let setprivPath: string | null | undefined;
function setpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    const candidate = join(dir, 'setpriv');
    if (!executable(candidate)) continue;
    const help = spawnSync(candidate, ['--help'], { encoding: 'utf8', timeout: 5000 });
    if (`${help.stdout ?? ''}`.includes('--pdeathsig')) setprivPath = candidate;
    break;
  }
  return setprivPath;
}

class AddressInUse extends TargetStartError {}
// Go (caddy) says "bind: address already in use".
const ADDRESS_IN_USE = /address already in use|EADDRINUSE|Errno 98/i;

const BIND_TRIES = 3;

export interface ProgramStartOptions {
  /** how long the program may take to listen (default START_TIMEOUT_MS) */
  startTimeoutMs?: number;
  /** picks the port for each attempt (default freePort); tests use it to provoke the race */
  pickPort?: () => Promise<number>;
}

/** Starts the program on a free port and waits until it accepts connections. When the port was
 * taken between freePort() and the program's bind, it tries again on another, BIND_TRIES times in
 * all. */
export async function spawnProgram(server: ServerProgram, kind: 'peer' | 'yardstick', docroot: string, opts: ProgramStartOptions = {}): Promise<RunningServer> {
  const program = findProgram(server);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(server, kind, program, resolvePath(docroot), await (opts.pickPort ?? freePort)(), opts.startTimeoutMs ?? START_TIMEOUT_MS);
    } catch (err) {
      if (!(err instanceof AddressInUse) || attempt >= BIND_TRIES) throw err;
    }
  }
}

async function startOnce(
  server: ServerProgram,
  kind: 'peer' | 'yardstick',
  program: string,
  docroot: string,
  port: number,
  startTimeoutMs: number,
): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), `http-lab-${server.name}-`));
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  let command: ReturnType<ServerProgram['command']>;
  try {
    command = server.command(program, port, docroot, dir);
  } catch (err) {
    removeDir();
    throw err;
  }
  const wrapper = setpriv();
  const stopSignal = server.stopSignal ?? 'SIGTERM';
  const [file, args] = wrapper === null ? [program, command.args] : [wrapper, ['--pdeathsig', stopSignal.replace(/^SIG/, ''), '--', program, ...command.args]];
  const env = command.env === undefined ? process.env : { ...process.env, ...command.env };
  const child = spawn(file, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // Keep reading both pipes for the program's whole life (python logs every request on stderr): a
  // full pipe would block it.
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout = (stdout + d).slice(-4000)));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.once('exit', () => (exited = true));
  const stop = stopOnExit(async (graceMs = 3000): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      // nginx's master stops its worker on SIGTERM, then exits; python exits at once.
      child.kill(stopSignal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exitedOrClosed(child, exit);
      clearTimeout(timer);
    }
    removeDir();
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));

  const ready = command.ready;
  const deadline = Date.now() + startTimeoutMs;
  const why = (text: string): string => `${server.name} did not start: ${text}${stderr.trim() ? `\n${stderr.trim()}` : ''}`;
  try {
    for (;;) {
      if (spawnError !== undefined) throw new TargetStartError(why(spawnError.message));
      // nginx retries a failed bind for 2.5 s before it gives up: no need to wait for that.
      if (ADDRESS_IN_USE.test(stderr)) throw new AddressInUse(why(`port ${port} was taken`));
      if (exited) {
        await exit; // the pipes are drained: stderr is complete
        if (ADDRESS_IN_USE.test(stderr)) throw new AddressInUse(why(`port ${port} was taken`));
        throw new TargetStartError(why(`exited with ${child.signalCode ?? `code ${child.exitCode}`}`));
      }
      const signalled = 'stdout' in ready ? ready.stdout.test(stdout) : pidFileNames(ready.pidFile, child.pid!);
      if (signalled && (await acceptsConnections(port))) break;
      if (Date.now() > deadline) throw new TargetStartError(why(`127.0.0.1:${port} did not accept connections within ${startTimeoutMs} ms`));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } catch (err) {
    await stop(500);
    throw err;
  }
  return { name: server.name, url: `http://127.0.0.1:${port}`, pid: child.pid!, child, stop, kind, serial: false };
}

function pidFileNames(path: string, pid: number): boolean {
  try {
    return Number(readFileSync(path, 'utf8').trim()) === pid;
  } catch {
    return false;
  }
}

/**
 * Waits for a program to exit. 'close' also waits for every holder of its stdout and stderr, and an
 * nginx worker orphaned by a SIGKILLed master holds them for ever: so after 'exit', the pipes are
 * given one second, then dropped.
 */
async function exitedOrClosed(child: ChildProcess, closed: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)))]);
  clearTimeout(timer);
  child.stdout?.destroy();
  child.stderr?.destroy();
}
