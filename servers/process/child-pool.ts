// The children of the process server. Each is started before a client needs it (a spare), is handed
// exactly one connection over its private socketpair, serves it and exits; every spare used is
// replaced at once. Spares and serving children together never exceed maxChildren.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { native } from '../native/index.js';
import { closeQuietly } from '../io/sockets.js';
import { childArgv, type ChildOptions } from './child-options.js';

const CHILD_SCRIPT = fileURLToPath(new URL('./child.js', import.meta.url));

/** How long stop() waits for the SIGKILLed stragglers to be reaped after the grace period. */
const KILL_WAIT_MS = 1000;

export interface ChildPoolConfig {
  child: ChildOptions;
  maxChildren: number;
  /** spares kept started in advance (fewer when maxChildren leaves no room) */
  spares: number;
  /** a child that was given a connection has exited and been reaped */
  onConnectionClosed(): void;
  /** the pool cannot go on (a child could not start) and starts no more children; the server should stop */
  onFailure(error: Error): void;
}

interface Child {
  subprocess: ChildProcess;
  /** the parent's end of the socketpair; -1 once closed, after the connection has been sent */
  channel: number;
  exited: Promise<void>;
}

export class ChildPool {
  /** started and waiting for a connection, oldest first: the oldest is the most likely to be ready */
  private readonly spares: Child[] = [];
  private readonly serving = new Set<Child>();
  private stopRequested = false;

  constructor(private readonly config: ChildPoolConfig) {}

  /** Starts spares until there are config.spares of them, within maxChildren. */
  fill(): void {
    const room = this.config.maxChildren - this.serving.size - this.spares.length;
    for (let missing = Math.min(this.config.spares - this.spares.length, room); missing > 0 && !this.stopping(); missing--) {
      const child = this.start();
      if (child === undefined) return;
      this.spares.push(child);
    }
  }

  /**
   * Gives an accepted connection to the oldest spare and closes this process's copy. A spare that is
   * still starting takes it too: the fd waits in its channel until it calls recvFd.
   */
  handOff(connection: number): void {
    const child = this.stopping() ? undefined : (this.spares.shift() ?? this.start());
    if (child === undefined) {
      closeQuietly(connection);
      this.config.onConnectionClosed();
      return;
    }
    // From here the child owns the connection: its exit closes the connection's account.
    this.serving.add(child);
    try {
      // One byte into a new, empty socket buffer never waits, so -EAGAIN and -EINTR cannot occur.
      native.sendFd(child.channel, connection);
    } catch {
      // EPIPE: the spare died and its exit has not been reported yet; the client sees a close.
      child.subprocess.kill('SIGKILL');
    }
    closeQuietly(connection);
    closeChannel(child);
    this.fill();
  }

  /** SIGTERM to every child, SIGKILL to those still running after graceMs; resolves once all are reaped. */
  async stop(graceMs: number): Promise<void> {
    this.stopRequested = true;
    const children = [...this.spares, ...this.serving];
    for (const child of children) child.subprocess.kill('SIGTERM');
    if (await within(children, graceMs)) return;
    for (const child of children) {
      if (child.subprocess.exitCode === null && child.subprocess.signalCode === null) child.subprocess.kill('SIGKILL');
    }
    await within(children, KILL_WAIT_MS);
  }

  /** Once a stop signal has arrived, no child is started: the server is about to stop them all. */
  private stopping(): boolean {
    return this.stopRequested || native.stopSignal() !== 0;
  }

  private start(): Child | undefined {
    const [channel, childEnd] = native.socketpair();
    let subprocess: ChildProcess;
    try {
      // Spawned from the main thread, which lives as long as the server: PR_SET_PDEATHSIG fires when
      // the thread that created the child exits, not the process.
      subprocess = spawn(process.execPath, [CHILD_SCRIPT, ...childArgv(this.config.child)], {
        stdio: ['ignore', 'inherit', 'inherit', childEnd],
      });
    } catch (err) {
      closeQuietly(channel);
      this.fail(err as Error);
      return undefined;
    } finally {
      closeQuietly(childEnd); // the child has its own copy, as its fd 3
    }
    let reaped!: () => void;
    const child: Child = { subprocess, channel, exited: new Promise((resolve) => (reaped = resolve)) };
    subprocess.once('exit', (code, signal) => {
      this.forget(child, `${signal ?? `code ${code}`}`);
      reaped();
    });
    subprocess.once('error', (err) => {
      this.fail(new Error(`process server: a child failed: ${err.message}`));
      // A spawn that failed never exits.
      if (subprocess.pid === undefined) {
        this.forget(child, err.message);
        reaped();
      }
    });
    return child;
  }

  private forget(child: Child, status: string): void {
    closeChannel(child);
    if (this.serving.delete(child)) {
      this.config.onConnectionClosed();
    } else if (this.spares.includes(child)) {
      this.spares.splice(this.spares.indexOf(child), 1);
      // Replacing a child that cannot start would spawn in a loop: stop instead.
      if (!this.stopping()) this.fail(new Error(`process server: a child exited (${status}) before it was given a connection`));
    }
    this.fill();
  }

  private fail(error: Error): void {
    this.stopRequested = true;
    this.config.onFailure(error);
  }
}

function closeChannel(child: Child): void {
  if (child.channel < 0) return;
  closeQuietly(child.channel);
  child.channel = -1;
}

/** Whether every child has exited within ms. */
async function within(children: Child[], ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const result = await Promise.race([Promise.all(children.map((c) => c.exited)).then(() => true as const), timedOut]);
  clearTimeout(timer);
  return result;
}
