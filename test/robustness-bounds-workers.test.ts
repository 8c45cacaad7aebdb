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
import { processTree, taskCount } from '../system/proc.js';
import { HTML, runCli, urlParts } from './helpers.js';

const CAP = 8;
/** keep-alive connections, each with one request, held open until answered */
const HELD = 100;
/** one-shot requests (Connection: close) sent on fresh connections while the flood waits */
const ONE_SHOT = 20;
const INDEX = readFileSync(join(HTML, 'index.html'));

/** A client connection that records what it receives and whether the server closed it. */
interface Client {
  socket: Socket;
  received: Buffer;
  closed: boolean;
}

function open(port: number, request: string): Client {
  const client: Client = { socket: connect(port, '127.0.0.1'), received: Buffer.alloc(0), closed: false };
  client.socket.on('data', (chunk: Buffer) => (client.received = Buffer.concat([client.received, chunk])));
  client.socket.on('close', () => (client.closed = true));
  client.socket.on('error', () => {
    // counted through `closed` and a missing answer
  });
  client.socket.write(request);
  return client;
}

/** Exactly one response, 200 with the bytes of index.html, and nothing after it. */
function answered(client: Client): boolean {
  const { responses } = readResponses(client.received);
  return responses.length === 1 && responses[0]!.status === 200 && responses[0]!.body.equals(INDEX) && responses[0]!.raw.length === client.received.length;
}

async function settled(read: () => number): Promise<number> {
  let count = read();
  let since = Date.now();
  const deadline = Date.now() + 5000;
  while (Date.now() - since < 300 && Date.now() < deadline) {
    await sleep(25);
    const now = read();
    if (now !== count) [count, since] = [now, Date.now()];
  }
  return count;
}

const liveChildren = (pid: number): number => processTree(pid).filter((p) => p.pid !== pid && p.state !== 'Z').length;

const DESIGNS: Array<{ name: string; workers: (pid: number, rest: number) => number; atRest: (pid: number) => number }> = [
  { name: 'process', atRest: () => 0, workers: (pid) => liveChildren(pid) },
  // At rest the pool holds SPARE_WORKERS Workers (fewer than CAP): each thread beyond is one more.
  { name: 'thread', atRest: (pid) => taskCount(pid), workers: (pid, rest) => SPARE_WORKERS + taskCount(pid) - rest },
];

for (const design of DESIGNS) {
  describe(`${design.name} server: live workers capped`, () => {
    it(`never runs more than --max-workers ${CAP} under ${HELD} held connections and ${ONE_SHOT} more requests; all are answered in the end`, { timeout: 60_000 }, async () => {
      const server = await spawnServer(design.name, HTML, ['--max-workers', String(CAP), '--idle-timeout', '60']);
      const clients: Client[] = [];
      let sampler: NodeJS.Timeout | undefined;
      try {
        const { port } = urlParts(server.url);
        const rest = await settled(() => design.atRest(server.pid));
        const samples: number[] = [];
        sampler = setInterval(() => samples.push(design.workers(server.pid, rest)), 5);
        for (let i = 0; i < HELD; i++) clients.push(open(port, 'GET /index.html HTTP/1.1\r\nHost: bounds\r\n\r\n'));
        const deadline = Date.now() + 10_000;
        while (clients.filter(answered).length < CAP && Date.now() < deadline) await sleep(10);
        for (let i = 0; i < ONE_SHOT; i++) clients.push(open(port, 'GET /index.html HTTP/1.1\r\nHost: bounds\r\nConnection: close\r\n\r\n'));
        // Every worker now holds an open, answered connection: nothing more is served until one closes.
        await sleep(500);
        const spread = (): string => [...new Set(samples)].sort((a, b) => a - b).join(', ');
        assert.ok(Math.max(...samples) <= CAP, `live workers sampled during the flood: ${spread()}`);
        assert.equal(clients.filter(answered).length, CAP, `${CAP} connections answered while they stay open, the rest waiting`);

        // Closing answered connections frees their workers, which take the waiting ones in turn.
        const done = new Set<Client>();
        const allDeadline = Date.now() + 30_000;
        while (done.size < clients.length && Date.now() < allDeadline) {
          for (const client of clients) {
            if (done.has(client) || !answered(client)) continue;
            done.add(client);
            client.socket.destroy();
          }
          await sleep(10);
        }
        clearInterval(sampler);
        const unanswered = clients.filter((c) => !done.has(c));
        assert.deepEqual(
          unanswered.map((c) => `${c.received.length} B${c.closed ? ', closed by the server' : ''}`),
          [],
          'every connection answered with the exact bytes of index.html',
        );
        assert.ok(samples.length >= 50, `sampled ${samples.length} times`);
        assert.equal(Math.max(...samples), CAP, `live workers at most ${CAP}, and the cap was reached: ${spread()}`);
      } finally {
        clearInterval(sampler);
        for (const client of clients) client.socket.destroy();
        await server.stop();
      }
    });
  });
}

describe('--max-workers default', () => {
  it('is 256, as `serve --help` says', async () => {
    const run = await runCli(['serve', '--help'], { timeoutMs: 30_000 });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /--max-workers\s[^-]*\[default: 256\]/);
  });
});
