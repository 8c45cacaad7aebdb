// The one place that knows how to start a server: by name, in this process (for `serve`), or as a
// child process running `http-lab serve` (for conform, bench and gate). Server modules are loaded
// lazily, so that commands aimed at a --url never need the native addon.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerOptions } from './io/options.js';

export interface ServerDesign {
  name: string;
  /** one line: what moves the bytes */
  summary: string;
  /** serves one connection at a time: clients must not expect parallel answers */
  serial: boolean;
  run(options: ServerOptions): Promise<void>;
}

// In the tutorial's order.
export const SERVERS: readonly ServerDesign[] = [
  {
    name: 'blocking',
    summary: 'one thread blocks in accept, then in recv/send; one connection at a time',
    serial: true,
    async run(options) {
      const { runBlockingServer } = await import('./blocking/server.js');
      runBlockingServer(options);
    },
  },
  {
    name: 'process',
    summary: 'one OS process per connection, handed to a child started in advance',
    serial: false,
    async run(options) {
      const { runProcessServer } = await import('./process/server.js');
      await runProcessServer(options);
    },
  },
  {
    name: 'thread',
    summary: 'the main thread blocks in accept; one OS thread (Worker) per connection blocks in recv/send',
    serial: false,
    async run(options) {
      const { runThreadServer } = await import('./thread/server.js');
      await runThreadServer(options);
    },
  },
  {
    name: 'async',
    summary: 'one event-loop thread, one coroutine (async function) per connection on node:net',
    serial: false,
    async run(options) {
      const { runAsyncServer } = await import('./async/server.js');
      await runAsyncServer(options);
    },
  },
  {
    name: 'poll',
    summary: 'one thread busy-polls non-blocking sockets, trying accept/recv/send on each, never sleeping',
    serial: false,
    async run(options) {
      const { runPollServer } = await import('./poll/server.js');
      runPollServer(options);
    },
  },
  {
    name: 'epoll',
    summary: 'one thread waits in epoll_wait and serves only the ready non-blocking sockets',
    serial: false,
    async run(options) {
      const { runEpollServer } = await import('./epoll/server.js');
      runEpollServer(options);
    },
  },
];

export const SERVER_NAMES: readonly string[] = SERVERS.map((s) => s.name);

export function findServer(name: string): ServerDesign | undefined {
  return SERVERS.find((s) => s.name === name);
}

export interface RunningServer {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL if it has not exited within graceMs; resolves once it has exited */
  stop(graceMs?: number): Promise<void>;
}

const CLI_MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** Starts `http-lab serve --target NAME --port 0` as a child and waits for its URL line. */
export function spawnServer(name: string, docroot: string, extraArgs: string[] = [], startTimeoutMs = 10_000): Promise<RunningServer> {
  const child = spawn(process.execPath, [CLI_MAIN, 'serve', '--target', name, '--port', '0', '--host', '127.0.0.1', '--docroot', docroot, '--parent-pid', String(process.pid), ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (graceMs = 3000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      void stop(500);
      reject(new Error(`target ${name} did not start: ${why}${stderr ? `\n${stderr.trim()}` : ''}`));
    };
    const timer = setTimeout(() => fail(`no URL on stdout within ${startTimeoutMs} ms`), startTimeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => fail(`exited with ${signal ?? `code ${code}`}`);
    child.once('error', (err) => fail(err.message));
    child.once('exit', onExit);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /http:\/\/[^\s]+/.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve({ name, url: m[0], pid: child.pid!, child, stop });
    });
  });
}
