// Bounds (issue 10): the thread and process servers never run more live workers than --max-workers
// (default 256), however many clients connect; the connections beyond the cap wait in the listen
// backlog and are each served, byte for byte, once earlier ones close.
//
// Live workers are counted from outside, every 5 ms during the flood: the process server's children
// from the process tree (zombies excluded: an exited child is no longer a worker), the thread
// server's Workers as its OS threads beyond those it has at rest with its spares started (a Worker
// is one thread; the runtime's own threads are all started by then).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { readResponses } from '../conformance/client.js';
import { spawnServer } from '../targets/design-child.js';
import { SPARE_WORKERS } from '../servers/thread/connection-threads.js';
import { mainThreadSyscall, processTree, taskCount } from '../system/proc.js';
import { HTML, runCli, urlParts, unlessRefused } from './helpers.js';

const CAP = 8;
/** keep-alive connections, each with one request, held open until answered */
const HELD = 100;
/** one-shot requests (Connection: close) sent on fresh connections while the flood waits */
const ONE_SHOT = 20;
/** Sampler rounds that the flood is held for, once CAP connections are answered and the one-shot
 * requests are sent: time for a server that ignores the cap to take more connections. A round is
 * 5 ms at least, so this is 500 ms at least, and more on a slow machine, where such a server would
 * be slower too. */
const HOLD_ROUNDS = 100;
/** Bounds every wait for something a correct server does: generous, since it costs nothing when the
 * test passes. */
const WAIT_MS = 30_000;
/** The syscalls in which a thread blocks in accept, by process.arch. */
const ACCEPT_SYSCALLS: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  x64: { 43: 'accept', 288: 'accept4' },
  arm64: { 202: 'accept', 242: 'accept4' },
};
const INDEX = readFileSync(join(HTML, 'index.html'));

/** Wakes the waits in progress on every event that may change what they wait for. */
class Events {
  private readonly waiters = new Set<() => void>();

  notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Waits until `done()` holds, checked at each event; false if timeoutMs passes first. */
  until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timeout = AbortSignal.timeout(timeoutMs);
      const check = (): void => {
        const held = done();
        if (!held && !timeout.aborted) return;
        this.waiters.delete(check);
        timeout.removeEventListener('abort', check);
        resolve(held);
      };
      this.waiters.add(check);
      timeout.addEventListener('abort', check);
      check();
    });
  }
}

/** A client connection that records what it receives and whether the server closed it. */
interface Client {
  socket: Socket;
  received: Buffer;
  /** its request is in the kernel, on its way to the server */
  sent: boolean;
  /** exactly one response, 200 with the bytes of index.html, and nothing after it */
  answered: boolean;
  closed: boolean;
}

function open(port: number, request: string, events: Events): Client {
  const client: Client = { socket: connect(port, '127.0.0.1'), received: Buffer.alloc(0), sent: false, answered: false, closed: false };
  client.socket.on('data', (chunk: Buffer) => {
    client.received = Buffer.concat([client.received, chunk]);
    const { responses } = readResponses(client.received);
    client.answered =
      responses.length === 1 && responses[0]!.status === 200 && responses[0]!.body.equals(INDEX) && responses[0]!.raw.length === client.received.length;
    events.notify();
  });
  client.socket.on('close', () => {
    client.closed = true;
    events.notify();
  });
  client.socket.on('error', () => {
    // counted through `closed` and a missing answer
  });
  client.socket.write(request, () => {
    client.sent = true;
    events.notify();
  });
  return client;
}

/** The thread server's main thread blocks in accept only once startSpares() has created its spare
 * Workers' threads: its thread count at rest. /proc/PID/syscall announces no change, so it is polled. */
async function threadsAtRest(pid: number): Promise<number> {
  const accepting = ACCEPT_SYSCALLS[process.arch];
  assert.ok(accepting !== undefined, `no accept syscall numbers known for ${process.arch}`);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const nr = mainThreadSyscall(pid);
    if (typeof nr === 'number' && nr in accepting) return taskCount(pid);
    assert.ok(Date.now() < deadline, `the main thread is not blocked in accept (${nr})`);
    await sleep(10); // polling /proc, see above
  }
}

const liveChildren = (pid: number): number => processTree(pid).filter((p) => p.pid !== pid && p.state !== 'Z').length;

const DESIGNS: Array<{ name: string; workers: (pid: number, rest: number) => number; atRest: (pid: number) => Promise<number> }> = [
  { name: 'process', atRest: () => Promise.resolve(0), workers: (pid) => liveChildren(pid) },
  // At rest the pool holds SPARE_WORKERS Workers (fewer than CAP): each thread beyond is one more.
  { name: 'thread', atRest: threadsAtRest, workers: (pid, rest) => SPARE_WORKERS + taskCount(pid) - rest },
];

for (const design of DESIGNS) {
  describe(`${design.name} server: live workers capped`, unlessRefused(design), () => {
    it(
      `never runs more than --max-workers ${CAP} under ${HELD} held connections and ${ONE_SHOT} more requests; all are answered in the end`,
      { timeout: 4 * WAIT_MS },
      async () => {
        const server = await spawnServer(design.name, HTML, ['--max-workers', String(CAP), '--idle-timeout', '600']);
        const clients: Client[] = [];
        const events = new Events();
        const answered = (): number => clients.filter((c) => c.answered).length;
        let sampler: NodeJS.Timeout | undefined;
        try {
          const { port } = urlParts(server.url);
          const rest = await design.atRest(server.pid);
          const samples: number[] = [];
          sampler = setInterval(() => {
            samples.push(design.workers(server.pid, rest));
            events.notify();
          }, 5);
          for (let i = 0; i < HELD; i++) clients.push(open(port, 'GET /index.html HTTP/1.1\r\nHost: bounds\r\n\r\n', events));
          assert.ok(await events.until(() => answered() >= CAP, WAIT_MS), `${answered()} of ${CAP} connections answered`);
          const oneShots = Array.from({ length: ONE_SHOT }, () => open(port, 'GET /index.html HTTP/1.1\r\nHost: bounds\r\nConnection: close\r\n\r\n', events));
          clients.push(...oneShots);
          assert.ok(await events.until(() => oneShots.every((c) => c.sent), WAIT_MS), 'the one-shot requests are sent');
          // Every worker now holds an open, answered connection (the idle timeout, 600 s, is far away):
          // nothing more is served until one closes. A server that takes more ends the hold early.
          const holdFrom = samples.length;
          assert.ok(await events.until(() => answered() > CAP || samples.length - holdFrom >= HOLD_ROUNDS, WAIT_MS), 'the flood held');
          const spread = (): string => [...new Set(samples)].sort((a, b) => a - b).join(', ');
          assert.ok(Math.max(...samples) <= CAP, `live workers sampled during the flood: ${spread()}`);
          assert.equal(answered(), CAP, `${CAP} connections answered while they stay open, the rest waiting`);

          // Closing answered connections frees their workers, which take the waiting ones in turn:
          // each is closed as soon as it is answered (the predicate is checked at every event).
          const done = new Set<Client>();
          const closeAnswered = (): boolean => {
            for (const client of clients) {
              if (done.has(client) || !client.answered) continue;
              done.add(client);
              client.socket.destroy();
            }
            return done.size === clients.length;
          };
          await events.until(closeAnswered, WAIT_MS);
          clearInterval(sampler);
          const unanswered = clients.filter((c) => !done.has(c));
          assert.deepEqual(
            unanswered.map((c) => `${c.received.length} B${c.closed ? ', closed by the server' : ''}`),
            [],
            'every connection answered with the exact bytes of index.html',
          );
          assert.equal(Math.max(...samples), CAP, `live workers at most ${CAP}, and the cap was reached: ${spread()}`);
        } finally {
          clearInterval(sampler);
          for (const client of clients) client.socket.destroy();
          await server.stop();
        }
      },
    );
  });
}

describe('--max-workers default', () => {
  it('is 256, as `serve --help` says', async () => {
    const run = await runCli(['serve', '--help'], { timeoutMs: 30_000 });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /--max-workers\s[^-]*\[default: 256\]/);
  });
});
