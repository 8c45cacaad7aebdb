// Test helpers: a raw TCP peer that records every byte, the repo's paths and fixtures, and the
// checks that a running server still serves.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledDocroot, packageRoot } from '../system/package.js';
import { SERVERS } from '../servers/catalogue.js';
import { get } from '../conformance/checks/requests.js';
import { exchange } from '../conformance/client.js';
import { describeExchange, finalResponses } from '../conformance/verifiers.js';
import { spawnServer } from '../targets/design-child.js';
import { findPeer } from '../targets/peers.js';
import { findProgram, ProgramMissingError } from '../targets/programs.js';
import type { RunningServer } from '../targets/running.js';

export const HTML = bundledDocroot();
export const CLI = join(packageRoot(), 'dist', 'cli', 'main.js');

export const fixture = (path: string): Buffer => readFileSync(join(HTML, path));

/** How a wrong body differs, in a few words, rather than two dumps of a megabyte. */
export function sameBytes(actual: Buffer, expected: Buffer, what: string): void {
  if (actual.equals(expected)) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  assert.fail(`${what}: ${actual.length} B, expected ${expected.length} B; first difference at byte ${i}`);
}

/**
 * How long a test waits for something that must happen (a connection, an answer, a close): long
 * enough for a loaded 2-core machine, and free when the event comes, as it does when the test passes.
 */
export const EVENT_WAIT_MS = 30_000;

/** Samples `probe` until it returns a value (neither undefined nor false): a state under /proc has
 * no event to wait for. */
export async function sampled<T>(probe: () => T | undefined | false, what: string, timeoutMs = EVENT_WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** A new client is answered: the server survived whatever came before. */
export async function servesNextClient(addr: { host: string; port: number }, timeoutMs = EVENT_WAIT_MS): Promise<void> {
  const ex = await exchange(addr.host, addr.port, { chunks: [get('/index.html')] }, { timeoutMs });
  assert.equal(finalResponses(ex)[0]?.status, 200, `a new client is answered: ${describeExchange(ex)}`);
  sameBytes(finalResponses(ex)[0]!.body, fixture('index.html'), 'index.html');
}

/** Starts a built-in server and keeps what it writes on stderr, where a crash or a worker's error
 * report shows: a server that lives on after a fault may still have lost a worker to it. */
export async function spawnWatched(name: string, docroot: string): Promise<{ server: RunningServer; stderr: () => string }> {
  const server = await spawnServer(name, docroot);
  let stderr = '';
  server.child.stderr!.on('data', (d: string) => (stderr += d));
  return { server, stderr: () => stderr };
}

/** Runs `fn` on every item, at most `width` at a time. */
export async function eachLimited<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, lane));
}

/** A connected socket that accumulates what it receives and notices the server's close. */
export class RawPeer {
  received = Buffer.alloc(0);
  closed = false;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.received = Buffer.concat([this.received, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {
      // ECONNRESET counts as closed; 'close' follows.
    });
  }

  static open(host: string, port: number, timeoutMs = EVENT_WAIT_MS): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new RawPeer(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Waits until predicate holds or timeoutMs passes; returns whether it held. */
  async until(predicate: (p: RawPeer) => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  text(): string {
    return this.received.toString('latin1');
  }

  /** Number of status lines received so far. */
  responses(): number {
    return (this.text().match(/^HTTP\/1\.1 \d{3} /gm) ?? []).length;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Why a peer's tests skip: its program is missing (the message says how to install it); or undefined. */
export function peerMissing(name: string): string | undefined {
  const peer = findPeer(name);
  if (peer === undefined) throw new Error(`no peer ${name}`);
  try {
    findProgram(peer);
    return undefined;
  } catch (err) {
    if (!(err instanceof ProgramMissingError)) throw err;
    return `${err.message}: skipped`;
  }
}

export function urlParts(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `http-lab ARGS` as a user would (NO_COLOR set), killed after `timeoutMs`. */
export function runCli(args: string[], options: { timeoutMs?: number; env?: Record<string, string>; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      env: { ...process.env, NO_COLOR: '1', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Why this machine cannot run a design (io_uring refused, for one), by name: its tests skip with it. */
const REFUSED = new Map<string, string>();
for (const design of SERVERS) {
  const why = await design.refusal?.();
  if (why !== undefined) REFUSED.set(design.name, why);
}

/** The options of a design's describe() or it(): a skip, with the reason, where it cannot run here. */
export function unlessRefused(design: { name: string }): { skip?: string } {
  const why = REFUSED.get(design.name);
  return why === undefined ? {} : { skip: why };
}
