// The one place that knows how to start a server: by name, in this process (for `serve`), or as a
// child process running `http-lab serve` (for conform, bench and gate). Server modules are loaded
// lazily, so that commands aimed at a --url never need the native addon.
//
// Besides the six designs (SERVERS) there are the peers (PEERS): the system's nginx and Python's
// http.server, started on the same docroot so that the lab's servers can be compared with them.
// They are kept out of SERVERS on purpose: SERVERS is what `serve` runs in-process and what the
// shared server contract suite loops over. spawnTarget() starts either kind as a child process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve as resolvePath } from 'node:path';
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
    summary: 'one OS process per open connection: pre-forked children, each serving one connection at a time',
    serial: false,
    async run(options) {
      const { runProcessServer } = await import('./process/server.js');
      await runProcessServer(options);
    },
  },
  {
    name: 'thread',
    summary: 'the main thread blocks in accept; one OS thread (Worker) per open connection blocks in recv/send, pre-started and reused',
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
  /** the process that was started: the `http-lab serve` process, nginx's master, python3 */
  pid: number;
  child: ChildProcess;
  /** a built-in design (SERVERS) or a peer (PEERS) */
  kind: 'server' | 'peer';
  /** the built-in design under test; undefined for a peer, so that architecture checks skip */
  design?: string;
  /** serves one connection at a time: clients must not expect parallel answers */
  serial: boolean;
  /** connections it takes at once without dropping any (a peer with a small listen backlog);
   * undefined: the runner's default */
  concurrency?: number;
  /** SIGTERM, then SIGKILL if it has not exited within graceMs; resolves once it has exited */
  stop(graceMs?: number): Promise<void>;
}

const CLI_MAIN = fileURLToPath(new URL('../cli/main.js', import.meta.url));
/** How long a started server may take to say it listens: a server does it in milliseconds, and a
 * loaded machine can take seconds to schedule it; only a broken start ever waits this long. */
const START_TIMEOUT_MS = 30_000;

/** Starts `http-lab serve --target NAME --port 0` as a child and waits for its URL line. */
export function spawnServer(name: string, docroot: string, extraArgs: string[] = [], startTimeoutMs = START_TIMEOUT_MS): Promise<RunningServer> {
  const child = spawn(process.execPath, [CLI_MAIN, 'serve', '--target', name, '--port', '0', '--host', '127.0.0.1', '--docroot', docroot, '--parent-pid', String(process.pid), ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (graceMs = 3000): Promise<void> => {
    started.delete(stop);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  started.add(stop);
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
      resolve({ name, url: m[0], pid: child.pid!, child, stop, kind: 'server', design: name, serial: findServer(name)?.serial ?? false });
    });
  });
}


// ---------------------------------------------------------------------------------------------
// Peers: other people's servers, started on the same docroot.

export interface PeerTarget {
  name: string;
  summary: string;
  /** the program looked up on PATH (and in the sbin folders, where Debian puts nginx) */
  program: string;
  /** an environment variable that names the program's path instead */
  envVar: string;
  /** how to get the program, for the one-line error when it is missing */
  installHint: string;
  /** connections at once that it takes without dropping any; undefined: the runner's default */
  concurrency?: number;
  /** folders searched before PATH (a program built by http-lab itself) */
  searchDirs?: string[];
  /** the command line that serves `docroot` on 127.0.0.1:`port`, with `dir` a private temp folder */
  command(program: string, port: number, docroot: string, dir: string): { args: string[]; ready: ReadySignal };
}

/** How a peer says it is listening, besides accepting a connection: a line on stdout (python), or
 * a pid file written after the listening sockets are bound (nginx). Either one proves that the
 * process we started, and not another that took the port in the meantime, owns it. */
type ReadySignal = { stdout: RegExp } | { pidFile: string };

export const PEERS: readonly PeerTarget[] = [
  {
    name: 'nginx',
    summary: "the system's nginx, one worker, a stock-like configuration",
    program: 'nginx',
    envVar: 'HTTP_LAB_NGINX',
    installHint: 'apt-get install nginx',
    command(program, port, docroot, dir) {
      const pidFile = join(dir, 'nginx.pid');
      writeFileSync(join(dir, 'nginx.conf'), nginxConfig(port, docroot, dir));
      const args = ['-c', join(dir, 'nginx.conf'), '-p', `${dir}/`];
      // -e (the error log before the configuration is read) exists since nginx 1.19.5.
      if (nginxSupportsE(program)) args.push('-e', 'stderr');
      return { args, ready: { pidFile } };
    },
  },
  {
    name: 'python',
    summary: "Python's http.server (python3 -m http.server), one thread per connection",
    program: 'python3',
    envVar: 'HTTP_LAB_PYTHON',
    installHint: 'apt-get install python3',
    // http.server listens with socketserver's request_queue_size of 5: eight connections at once
    // overflow it, and each dropped SYN costs a 1 s retransmission (1 s instead of 0.3 s a run).
    concurrency: 4,
    command(_program, port, docroot) {
      return {
        args: ['-u', '-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', docroot],
        ready: { stdout: /Serving HTTP on/ },
      };
    },
  },
];

export const PEER_NAMES: readonly string[] = PEERS.map((p) => p.name);

const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Benchmark yardsticks (`bench --target`, `npm run bench:compare`), never conformance targets: they
 * serve the bytes and nothing of HTTP's rules.
 * - node: Node's own http module, serving the docroot from Buffers read at start-up;
 * - yardstick: a minimal C epoll loop that answers every request head with one prebuilt response
 *   (index.html), the practical ceiling on this machine; built by `npm run bench:compare`.
 */
export const YARDSTICKS: readonly PeerTarget[] = [
  {
    name: 'node',
    summary: "Node's http module serving the docroot from cached Buffers",
    program: 'node',
    envVar: 'HTTP_LAB_NODE',
    installHint: 'Node.js is this very program: set HTTP_LAB_NODE to its path',
    command(_program, port, docroot) {
      return { args: [join(PACKAGE_ROOT, 'dist', 'bench', 'peers', 'node-http.js'), String(port), docroot], ready: { stdout: /listening/ } };
    },
  },
  {
    name: 'yardstick',
    summary: 'a minimal C epoll loop sending one prebuilt response (index.html) per request',
    program: 'epoll-loop',
    envVar: 'HTTP_LAB_YARDSTICK',
    installHint: 'build it with: npm run bench:compare (cc -O2 bench/yardstick/epoll-loop.c)',
    searchDirs: [join(PACKAGE_ROOT, 'build', 'yardstick')],
    command(_program, port, docroot) {
      return { args: [String(port), join(docroot, 'index.html')], ready: { stdout: /listening/ } };
    },
  },
];

export const YARDSTICK_NAMES: readonly string[] = YARDSTICKS.map((p) => p.name);

/** What `bench` accepts: every target, and the yardsticks. */
export const BENCH_TARGET_NAMES: readonly string[] = [...SERVER_NAMES, ...PEER_NAMES, ...YARDSTICK_NAMES];

/** Every name `--target` accepts: the six designs, then the peers. */
export const TARGET_NAMES: readonly string[] = [...SERVER_NAMES, ...PEER_NAMES];

export function findPeer(name: string): PeerTarget | undefined {
  return PEERS.find((p) => p.name === name) ?? YARDSTICKS.find((p) => p.name === name);
}

/** The peer's program is not installed: the message is the one line to show (exit 2). */
export class ProgramMissingError extends Error {
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

/** The path of the peer's program, or a ProgramMissingError that says how to install it. */
export function findPeerProgram(peer: PeerTarget, env: NodeJS.ProcessEnv = process.env): string {
  const override = env[peer.envVar];
  if (override !== undefined && override !== '') {
    if (executable(override)) return resolvePath(override);
    throw new ProgramMissingError(`${peer.program} is not installed at ${override} (from ${peer.envVar})`);
  }
  const dirs = [...(peer.searchDirs ?? []), ...(env.PATH ?? '').split(delimiter).filter((d) => d !== ''), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, peer.program);
    if (executable(candidate)) return candidate;
  }
  throw new ProgramMissingError(`${peer.program} is not installed (${peer.installHint})`);
}

function nginxSupportsE(program: string): boolean {
  const out = spawnSync(program, ['-v'], { encoding: 'utf8', timeout: 5000 });
  const m = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(`${out.stderr ?? ''}${out.stdout ?? ''}`);
  if (m === null) return false;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return major > 1 || (major === 1 && (minor > 19 || (minor === 19 && patch >= 5)));
}

/** A stock-like nginx configuration: one worker, Debian's MIME types, sendfile, index.html. Every
 * path it writes (pid, temp folders) is in `dir`, so it runs as any user. */
export function nginxConfig(port: number, docroot: string, dir: string): string {
  const mime = existsSync('/etc/nginx/mime.types')
    ? 'include /etc/nginx/mime.types;'
    : 'types { text/html html; text/css css; application/javascript js; image/png png; text/plain txt; }';
  // As root, nginx's workers would run as nobody, who may not reach a docroot under /root or the
  // private temp folder: they run as the user who started http-lab instead, as they do for anyone else.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  return `# written by http-lab for one run of conform or bench
${user}daemon off;
worker_processes 1;
error_log stderr;
pid ${join(dir, 'nginx.pid')};
# Room for the bench's 1,000-connection scenario and C10K; stock is 512 connections.
worker_rlimit_nofile 65536;
events { worker_connections 16384; }
http {
    ${mime}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    client_body_temp_path ${join(dir, 'client_body')};
    proxy_temp_path ${join(dir, 'proxy')};
    fastcgi_temp_path ${join(dir, 'fastcgi')};
    uwsgi_temp_path ${join(dir, 'uwsgi')};
    scgi_temp_path ${join(dir, 'scgi')};
    server {
        listen 127.0.0.1:${port};
        root ${docroot};
        index index.html;
    }
}
`;
}

/** A port that was free a moment ago: bind 0, read it, release it. Another process may take it
 * before the peer binds it; spawnPeer then retries with a new one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** setpriv --pdeathsig makes the kernel send the peer SIGTERM when http-lab dies, even by SIGKILL
 * (PR_SET_PDEATHSIG, kept across exec, so the pid stays the peer's), as `serve --parent-pid` does
 * for the built-in servers (with SIGKILL there). SIGTERM here: nginx's master stops its workers
 * on it, and would orphan them on SIGKILL; so peers are never paused (`bench`). Without
 * util-linux's setpriv, the peer is started directly. */
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

class AddressInUse extends Error {}
const ADDRESS_IN_USE = /Address already in use|EADDRINUSE|Errno 98/;

const BIND_TRIES = 3;

export interface PeerStartOptions {
  /** how long the peer may take to listen (default 10 s) */
  startTimeoutMs?: number;
  /** picks the port for each attempt (default freePort); tests use it to provoke the race */
  pickPort?: () => Promise<number>;
}

/** Starts a peer on a free port and waits until it accepts connections. When the port was taken
 * between freePort() and the peer's bind, it tries again on another, BIND_TRIES times in all. */
export async function spawnPeer(name: string, docroot: string, opts: PeerStartOptions = {}): Promise<RunningServer> {
  const peer = findPeer(name);
  if (peer === undefined) throw new Error(`unknown peer "${name}"`);
  const program = findPeerProgram(peer);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPeerOnce(peer, program, resolvePath(docroot), await (opts.pickPort ?? freePort)(), opts.startTimeoutMs ?? START_TIMEOUT_MS);
    } catch (err) {
      if (!(err instanceof AddressInUse) || attempt >= BIND_TRIES) throw err;
    }
  }
}

async function startPeerOnce(peer: PeerTarget, program: string, docroot: string, port: number, startTimeoutMs: number): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), `http-lab-${peer.name}-`));
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  let command: ReturnType<PeerTarget['command']>;
  try {
    command = peer.command(program, port, docroot, dir);
  } catch (err) {
    removeDir();
    throw err;
  }
  const wrapper = setpriv();
  const [file, args] = wrapper === null ? [program, command.args] : [wrapper, ['--pdeathsig', 'TERM', '--', program, ...command.args]];
  const child = spawn(file, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // Keep reading both pipes for the peer's whole life (python logs every request on stderr): a
  // full pipe would block it.
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout = (stdout + d).slice(-4000)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.once('exit', () => (exited = true));
  const stop = async (graceMs = 3000): Promise<void> => {
    started.delete(stop);
    if (child.exitCode === null && child.signalCode === null) {
      // nginx's master stops its worker on SIGTERM, then exits; python exits at once.
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exitedOrClosed(child, exit);
      clearTimeout(timer);
    }
    removeDir();
  };
  started.add(stop);
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));

  const ready = command.ready;
  const deadline = Date.now() + startTimeoutMs;
  const why = (text: string): string => `${peer.name} did not start: ${text}${stderr.trim() ? `\n${stderr.trim()}` : ''}`;
  try {
    for (;;) {
      if (spawnError !== undefined) throw new Error(why(spawnError.message));
      // nginx retries a failed bind for 2.5 s before it gives up: no need to wait for that.
      if (ADDRESS_IN_USE.test(stderr)) throw new AddressInUse(why(`port ${port} was taken`));
      if (exited) {
        await exit; // the pipes are drained: stderr is complete
        if (ADDRESS_IN_USE.test(stderr)) throw new AddressInUse(why(`port ${port} was taken`));
        throw new Error(why(`exited with ${child.signalCode ?? `code ${child.exitCode}`}`));
      }
      const signalled = 'stdout' in ready ? ready.stdout.test(stdout) : pidFileNames(ready.pidFile, child.pid!);
      if (signalled && (await accepts(port))) break;
      if (Date.now() > deadline) throw new Error(why(`127.0.0.1:${port} did not accept connections within ${startTimeoutMs} ms`));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } catch (err) {
    await stop(500);
    throw err;
  }
  return {
    name: peer.name,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    child,
    stop,
    kind: 'peer',
    serial: false,
    ...(peer.concurrency !== undefined ? { concurrency: peer.concurrency } : {}),
  };
}

function pidFileNames(path: string, pid: number): boolean {
  try {
    return Number(readFileSync(path, 'utf8').trim()) === pid;
  } catch {
    return false;
  }
}

/** The stop function of every target this process has started and not yet stopped, from the
 * moment it is spawned: a Ctrl-C that lands while a target is still starting must stop it too. */
const started = new Set<() => Promise<void>>();

/** Stops every target this process started (servers and peers, ready or still starting). */
export async function stopAllTargets(): Promise<void> {
  await Promise.all([...started].map((stop) => stop()));
}

/** Starts any built-in target, a design or a peer, as a child on an ephemeral port of 127.0.0.1.
 * A peer whose program is missing rejects with a ProgramMissingError. */
export function spawnTarget(name: string, docroot: string): Promise<RunningServer> {
  if (findServer(name) !== undefined) return spawnServer(name, docroot);
  if (findPeer(name) !== undefined) return spawnPeer(name, docroot);
  return Promise.reject(new Error(`unknown target "${name}"; built-in targets: ${TARGET_NAMES.join(', ')}`));
}

/**
 * Waits for a peer to exit. 'close' also waits for every holder of its stdout and stderr, and an
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
