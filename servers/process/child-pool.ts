// The children of the process server: a pre-forked pool, as Apache's prefork MPM keeps one. A child
// is started before a client needs it, is handed one connection at a time over its private
// socketpair, serves it to the end, reports on its status pipe that it is done, and waits for the
// next. So a child's start-up (about 100 ms of CPU: a whole Node runtime) is paid once per child,
// not once per connection, and the server is still one process per open connection.
//
// The pool keeps config.spares children waiting (ready or starting), never more than maxChildren
// alive: as connections take waiting children, it starts more, so it grows with the load, at most
// config.spares start-ups at a time. Connections go only to ready children (the acceptor accepts
// only while one is available): while the pool grows, they wait in the listen backlog, not in the
// channel of a child that is still starting. A child beyond the spares that has waited retireAfterMs
// for a connection is retired, one per RETIRE_TICK_MS: the parent closes its channel, and it exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { native } from '../native/index.js';
import { isSyscallError } from '../native/errors.js';
import { claimAvailable, releaseAvailable } from './acceptor-control.js';
import { DONE, READY, STATUS_FD, childArgv, type ChildOptions } from './child-options.js';

const CHILD_SCRIPT = fileURLToPath(new URL('./child.js', import.meta.url));

/** How long stop() waits for the SIGKILLed stragglers to be reaped after the grace period. */
const KILL_WAIT_MS = 1000;

/** How often the pool looks for a child to retire; it retires at most one each time. */
export const RETIRE_TICK_MS = 1000;

export interface ChildPoolConfig {
  child: ChildOptions;
  maxChildren: number;
  /** children kept waiting, ready or starting (fewer when maxChildren leaves no room) */
  spares: number;
  /** a child beyond the spares that has waited this long for a connection is retired */
  retireAfterMs: number;
  /** shared with the acceptor: AVAILABLE counts the ready children no connection has claimed */
  control: Int32Array;
  /** the pool cannot go on (a child could not start) and starts no more children; the server should stop */
  onFailure(error: Error): void;
}

type ChildState =
  /** started, not yet ready: it may already hold a connection in its channel */
  | 'starting'
  /** ready, waiting in recvmsg on its channel */
  | 'idle'
  /** serving the connection it was handed */
  | 'busy'
  /** its channel closed by the parent: it is exiting */
  | 'retiring';

interface Child {
  subprocess: ChildProcess;
  /** the parent's end of the socketpair; -1 once closed */
  channel: number;
  state: ChildState;
  /** Date.now() when it last became idle */
  idleSince: number;
  exited: Promise<void>;
}

export class ChildPool {
  private readonly children = new Set<Child>();
  private stopRequested = false;
  private readonly retireTimer: NodeJS.Timeout;

  constructor(private readonly config: ChildPoolConfig) {
    this.retireTimer = setInterval(() => this.retireOne(), RETIRE_TICK_MS).unref();
  }

  /** Starts children until config.spares are waiting (ready or starting), within maxChildren. */
  fill(): void {
    let waiting = 0;
    for (const child of this.children) if (child.state === 'idle' || child.state === 'starting') waiting++;
    for (; waiting < this.config.spares && this.children.size < this.config.maxChildren && !this.stopping(); waiting++) {
      if (this.start() === undefined) return;
    }
  }

  /**
   * Gives an accepted connection to a ready child and closes this process's copy: the one that
   * became idle last (the warmest; the others age towards retirement). The acceptor claimed one
   * before it accepted, so one is there; should it have died meanwhile, a new child takes the
   * connection (it waits in the channel until the child is ready), or, at maxChildren, the
   * connection is closed.
   */
  handOff(connection: number): void {
    const child = this.stopping() ? undefined : (this.idleChild() ?? this.startWithin());
    if (child === undefined) {
      native.close(connection);
      return;
    }
    // From here the child owns the connection, until its DONE or its exit.
    child.state = 'busy';
    try {
      // One byte into a socket buffer that holds nothing unread never waits, so -EAGAIN and -EINTR
      // cannot occur: the child took the last fd out before it reported DONE.
      native.sendFd(child.channel, connection);
    } catch (err) {
      if (!isSyscallError(err, 'EPIPE')) throw err;
      // The child died and its exit has not been reported yet; the client sees a close.
      child.subprocess.kill('SIGKILL');
    }
    native.close(connection);
    this.fill();
  }

  /** SIGTERM to every child, SIGKILL to those still running after graceMs; resolves once all are reaped. */
  async stop(graceMs: number): Promise<void> {
    this.stopRequested = true;
    clearInterval(this.retireTimer);
    const children = [...this.children];
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

  private idleChild(): Child | undefined {
    let idle: Child | undefined;
    for (const child of this.children) {
      if (child.state === 'idle' && (idle === undefined || child.idleSince > idle.idleSince)) idle = child;
    }
    return idle;
  }

  private startWithin(): Child | undefined {
    return this.children.size < this.config.maxChildren ? this.start() : undefined;
  }

  /**
   * Retires the child that has waited longest, if more than config.spares are waiting and it has
   * waited retireAfterMs. One a tick, as Apache's prefork retires one idle child a second: a pool
   * that a load grew drains gradually, and a load that pauses for a few seconds finds it still there.
   */
  private retireOne(): void {
    if (this.stopping()) return;
    let waiting = 0;
    let oldest: Child | undefined;
    for (const child of this.children) {
      if (child.state !== 'idle' && child.state !== 'starting') continue;
      waiting++;
      if (child.state === 'idle' && (oldest === undefined || child.idleSince < oldest.idleSince)) oldest = child;
    }
    if (waiting <= this.config.spares || oldest === undefined || Date.now() - oldest.idleSince < this.config.retireAfterMs) return;
    // Every ready child may be claimed by a connection in flight: then none is retired this tick.
    if (!claimAvailable(this.config.control)) return;
    oldest.state = 'retiring';
    // End of stream on its channel: recvFd returns null, and the child exits.
    closeChannel(oldest);
  }

  private start(): Child | undefined {
    const [channel, childEnd] = native.socketpair();
    let subprocess: ChildProcess;
    try {
      // Spawned from the main thread, which lives as long as the server: PR_SET_PDEATHSIG fires when
      // the thread that created the child exits, not the process.
      subprocess = spawn(process.execPath, [CHILD_SCRIPT, ...childArgv(this.config.child)], {
        stdio: ['ignore', 'inherit', 'inherit', childEnd, 'pipe'],
      });
    } catch (err) {
      native.close(channel);
      this.fail(err as Error);
      return undefined;
    } finally {
      native.close(childEnd); // the child has its own copy, as its fd 3
    }
    let reaped!: () => void;
    const child: Child = { subprocess, channel, state: 'starting', idleSince: Date.now(), exited: new Promise((resolve) => (reaped = resolve)) };
    this.children.add(child);
    const status = subprocess.stdio[STATUS_FD] as Readable | null;
    status?.on('data', (bytes: Buffer) => {
      for (const byte of bytes) this.onStatus(child, byte);
    });
    status?.on('error', () => {
      // The child died; its exit says so.
    });
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

  private onStatus(child: Child, byte: number): void {
    // The pipe may still deliver after the exit was handled: that child's slot is settled already.
    if (!this.children.has(child)) return;
    // READY: ready for its first connection, unless it was handed one while starting (then it is
    // busy, and says DONE later). DONE: it closed its connection.
    if ((byte === READY && child.state === 'starting') || (byte === DONE && child.state === 'busy')) {
      [child.state, child.idleSince] = ['idle', Date.now()];
      releaseAvailable(this.config.control);
    }
  }

  private forget(child: Child, status: string): void {
    if (!this.children.delete(child)) return;
    closeChannel(child);
    // A ready child died unexpectedly: it is available no more. If a connection in flight has
    // claimed it already, handOff finds no ready child and starts one.
    if (child.state === 'idle') claimAvailable(this.config.control);
    // Replacing a child that cannot start would spawn in a loop: stop instead.
    if (child.state === 'starting' && !this.stopping()) this.fail(new Error(`process server: a child exited (${status}) before it was ready`));
    this.fill();
  }

  private fail(error: Error): void {
    this.stopRequested = true;
    this.config.onFailure(error);
  }
}

function closeChannel(child: Child): void {
  if (child.channel < 0) return;
  native.close(child.channel);
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
