// One contract, every server: in the style of honojs/hono's shared router tests, this suite loops
// over SERVERS in servers/catalogue.ts and runs the same cases against each, so a server that
// registers is covered without a line here. Every skip carries a written reason.
//
// Each server runs as a child (spawnServer), stopped in after(). Responses are read with the
// conformance client's parser, never the server's core. The cases open one connection at a time
// (closing each before the next case), so that a serial design such as `blocking` is never made
// to wait on a connection the suite forgot.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { catalogue } from '../conformance/checks/index.js';
import { get, head } from '../conformance/checks/requests.js';
import { exchange, readResponses } from '../conformance/client.js';
import { childPids, isAlive } from '../system/proc.js';
import { runChecks } from '../conformance/runner.js';
import type { Exchange, RequestPlan, WireResponse } from '../conformance/types.js';
import { SERVERS, type ServerDesign } from '../servers/catalogue.js';
import { spawnServer } from '../targets/design-child.js';
import type { RunningServer } from '../targets/running.js';
import { HTML, RawPeer, fixture, sameBytes, servesNextClient, urlParts, unlessRefused } from './helpers.js';

/** The seven designs; one that has not registered yet is listed as a skip. */
const DESIGNS = ['blocking', 'process', 'thread', 'async', 'poll', 'epoll', 'uring'];
/** Bounds every wait for something a correct server does: generous, since it costs nothing when the
 * test passes. */
const WAIT_MS = 30_000;
/** An idle timeout that no wait here comes near: a connection stays open until the test ends it. */
const NEVER_IDLE = ['--idle-timeout', '600'];
/** The slow reader: 12 MiB at 256 KiB every 50 ms, about 2.4 s against an idle timeout of 0.5 s. */
const SLOW_READ_FILES = 12;
const SLOW_READ_BYTES_PER_TICK = 256 * 1024;
const SLOW_READ_TICK_MS = 50;

/** Proportional set size of the server and its children: shared pages count once in all. */
function treePss(pid: number): number {
  let bytes = 0;
  for (const p of [pid, ...childPids(pid)]) {
    try {
      bytes += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      // the child exited meanwhile
    }
  }
  return bytes;
}

/** Whether the server has accepted the connection from local port `clientPort` and read every byte
 * sent on it: its end of it has an inode (accepted) and an empty receive queue in /proc/net/tcp. */
function serverReadAll(serverPort: number, clientPort: number): boolean {
  const port = (address: string): number => parseInt(address.slice(address.indexOf(':') + 1), 16);
  for (const line of readFileSync('/proc/net/tcp', 'latin1').split('\n').slice(1)) {
    const [, local, remote, , queues, , , , , inode] = line.trim().split(/\s+/);
    if (inode === undefined || port(local!) !== serverPort || port(remote!) !== clientPort) continue;
    return inode !== '0' && parseInt(queues!.slice(queues!.indexOf(':') + 1), 16) === 0;
  }
  return false;
}

function finals(ex: Exchange): WireResponse[] {
  return ex.responses.filter((r) => r.status >= 200);
}

function talk(addr: { host: string; port: number }, plan: RequestPlan): Promise<Exchange> {
  return exchange(addr.host, addr.port, plan, { timeoutMs: WAIT_MS });
}

function describeEx(ex: Exchange): string {
  return `${ex.responses.map((r) => r.status).join(', ') || 'no response'}${ex.parseError ? `; unparsable: ${ex.parseError}` : ''}${ex.timedOut ? '; timed out' : ''}`;
}

function contract(design: ServerDesign): void {
  describe(`${design.name} server: contract`, unlessRefused(design), () => {
    let server: RunningServer | undefined;
    let addr: { host: string; port: number };
    before(async () => {
      server = await spawnServer(design.name, HTML);
      addr = urlParts(server.url);
    });
    after(async () => {
      await server?.stop();
    });

    it('passes the conformance catalogue, its architecture fingerprint included', async () => {
      const results = await runChecks(catalogue, addr, {
        pid: server!.pid,
        design: design.name,
        concurrency: design.serial ? 1 : 8,
        timeoutMs: WAIT_MS,
      });
      const bad = results.filter((r) => r.outcome === 'fail' || r.outcome === 'error');
      assert.deepEqual(
        bad.map((r) => `${r.outcome} ${r.id}: expected ${r.expected}; actual ${r.actual}${r.reason ? `; ${r.reason}` : ''}`),
        [],
      );
      if (DESIGNS.includes(design.name)) {
        const own = results.filter((r) => r.level === 'architecture' && r.outcome !== 'skip');
        assert.ok(own.length > 0 && own.every((r) => r.outcome === 'pass'), `an arch/${design.name}/ check ran and passed`);
      }
    });

    it('keep-alive: three requests in turn on one connection are all answered', async () => {
      const paths = ['/index.html', '/style.css', '/app.js'];
      const ex = await talk(addr, { chunks: paths.map((p) => get(p)), responses: 3, awaitEachResponse: true });
      assert.equal(finals(ex).length, 3, describeEx(ex));
      paths.forEach((p, i) => sameBytes(finals(ex)[i]!.body, fixture(p), p));
    });

    it('pipelining: five requests in one write are answered in order, byte for byte', async () => {
      const paths = ['/index.html', '/style.css', '/app.js', '/logo.png', '/docs/index.html'];
      const ex = await talk(addr, { chunks: [paths.map((p) => get(p)).join('')], responses: 5 });
      assert.equal(finals(ex).length, 5, describeEx(ex));
      paths.forEach((p, i) => sameBytes(finals(ex)[i]!.body, fixture(p), `response ${i + 1} (${p})`));
    });

    it('HEAD then GET pipelined: the HEAD response carries no body bytes', async () => {
      const ex = await talk(addr, { chunks: [head('/index.html') + get('/style.css')], responses: 2, headIndexes: [0] });
      const [headRes, getRes] = finals(ex);
      assert.ok(headRes && getRes && !ex.parseError, describeEx(ex));
      assert.equal(headRes.status, 200);
      assert.ok(headRes.raw.subarray(-4).equals(Buffer.from('\r\n\r\n')), 'the HEAD response ends with its head');
      // The GET's status line follows the HEAD's empty line at once.
      assert.equal(ex.received.indexOf('HTTP/1.1 200', 1), headRes.raw.length, 'no byte between the HEAD response and the GET response');
      sameBytes(getRes.body, fixture('style.css'), 'style.css');
    });

    it('a client that half-closes after a complete request still gets the full response', async () => {
      const peer = await RawPeer.open(addr.host, addr.port);
      try {
        peer.write(get('/large.bin'));
        peer.socket.end();
        const whole = (p: RawPeer): boolean => readResponses(p.received).responses.length > 0;
        assert.ok(await peer.until((p) => whole(p) || p.closed, WAIT_MS), 'an answer or a close');
        const [res] = readResponses(peer.received).responses;
        assert.equal(res?.status, 200, `got ${peer.received.length} bytes`);
        sameBytes(res.body, fixture('large.bin'), 'large.bin');
      } finally {
        peer.destroy();
      }
    });

    it('a client that pipelines and reads nothing is pushed back, not buffered without bound', async () => {
      const before = treePss(server!.pid);
      const peer = await RawPeer.open(addr.host, addr.port);
      try {
        peer.socket.pause(); // read nothing
        // 20 MB of pipelined requests for a 1 MiB file. A server that stops reading while its
        // output is unsent leaves them in the kernel's buffers and the client's; one that keeps
        // reading buffers them (and their responses) in its own memory, without bound.
        const batch = get('/large.bin').repeat(10_000);
        for (let i = 0; i < 55; i++) peer.socket.write(batch);
        await sleep(3000); // well inside the 5 s idle timeout
        const grown = (treePss(server!.pid) - before) / 2 ** 20;
        // thread and process take a pooled Worker or child for this connection and start a spare
        // to replace it: a fresh runtime, whose pages few processes share yet, and one whose heap
        // grows as it serves. Their loop blocks in send, so it cannot read ahead; the event-driven
        // designs must show that they stop reading.
        const allowance = design.name === 'thread' || design.name === 'process' ? 96 : 24;
        assert.ok(grown < allowance, `the server grew by ${grown.toFixed(1)} MiB while the client read nothing`);
      } finally {
        peer.destroy();
      }
      const next = await exchange(addr.host, addr.port, { chunks: [get('/index.html')] }, { timeoutMs: WAIT_MS });
      assert.equal(finals(next)[0]?.status, 200, 'the server still serves a new client');
    });

    it('a client that vanishes mid-request leaves the server serving the next one', async () => {
      const rude = await RawPeer.open(addr.host, addr.port);
      await new Promise((sent) => rude.socket.write('GET /index.html HTTP/1.1\r\nHo', sent));
      // It vanishes once the server has read the partial request. /proc announces nothing: polled.
      const deadline = Date.now() + WAIT_MS;
      while (!serverReadAll(addr.port, rude.socket.localPort!) && Date.now() < deadline) await sleep(5);
      assert.ok(serverReadAll(addr.port, rude.socket.localPort!), 'the server read the partial request');
      rude.destroy();
      await servesNextClient(addr);
    });

    it('a client that resets mid-response leaves the server serving the next one', async () => {
      const rude = await RawPeer.open(addr.host, addr.port);
      try {
        rude.write(get('/large.bin'));
        assert.ok(await rude.until((p) => p.received.length > 0, WAIT_MS), 'the response starts');
      } finally {
        rude.socket.resetAndDestroy();
      }
      await servesNextClient(addr);
    });
  });

  describe(`${design.name} server: a slow reader (--idle-timeout 0.5)`, unlessRefused(design), () => {
    let server: RunningServer;
    let addr: { host: string; port: number };
    before(async () => {
      server = await spawnServer(design.name, HTML, ['--idle-timeout', '0.5']);
      addr = urlParts(server.url);
    });
    after(async () => {
      await server.stop();
    });

    it('a client that reads slowly for longer than the idle timeout still gets every byte', async () => {
      // More than the kernel buffers between the two ends (the server's send buffer, up to
      // wmem_max = 4 MiB, and the client's receive buffer): the server must wait on this reader,
      // with responses still queued, for far longer than its idle timeout. Each read follows the
      // last by a tick, a tenth of the idle timeout: a server that counted only requests as
      // activity would close this connection; one that counts what the client takes must not.
      const large = fixture('large.bin');
      const peer = await RawPeer.open(addr.host, addr.port);
      try {
        peer.socket.pause();
        peer.write(get('/large.bin').repeat(SLOW_READ_FILES - 1) + get('/large.bin', 'Connection: close'));
        let allowance = 0;
        peer.socket.on('data', () => {
          if (peer.received.length >= allowance) peer.socket.pause();
        });
        const reader = setInterval(() => {
          allowance += SLOW_READ_BYTES_PER_TICK;
          peer.socket.resume();
        }, SLOW_READ_TICK_MS);
        const done = await peer.until((p) => p.closed, WAIT_MS * 2);
        clearInterval(reader);
        assert.ok(done, 'the connection closed after the last response');
        const { responses } = readResponses(peer.received);
        assert.equal(responses.length, SLOW_READ_FILES, `${SLOW_READ_FILES} complete responses (got ${peer.received.length} bytes)`);
        for (const r of responses) sameBytes(r.body, large, 'large.bin');
      } finally {
        peer.destroy();
      }
    });
  });

  describe(`${design.name} server: stopping`, unlessRefused(design), () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      it(`stops on ${signal} with an idle connection open, not waiting for it: exit 0, no child left`, async () => {
        // Only the signal can end this connection: a server that waits for it would outlive WAIT_MS.
        const server = await spawnServer(design.name, HTML, NEVER_IDLE);
        const addr = urlParts(server.url);
        const peer = await RawPeer.open(addr.host, addr.port);
        try {
          peer.write(get('/index.html'));
          assert.ok(await peer.until((p) => readResponses(p.received).responses.length === 1, WAIT_MS), 'answered, then idle');
          const children = childPids(server.pid);
          const exited = once(server.child, 'exit', { signal: AbortSignal.timeout(WAIT_MS) }).then(
            ([code, sig]) => (sig as string | null) ?? `code ${code}`,
            () => `still running after ${WAIT_MS} ms`,
          );
          server.child.kill(signal);
          assert.equal(await exited, 'code 0', `exits cleanly on ${signal}`);
          // Children may take a moment to be reaped once their parent is gone. /proc announces
          // nothing: polled.
          const deadline = Date.now() + WAIT_MS;
          let left = children.filter(isAlive);
          while (left.length > 0 && Date.now() < deadline) {
            await sleep(50);
            left = left.filter(isAlive);
          }
          for (const pid of left) process.kill(pid, 'SIGKILL');
          assert.deepEqual(left, [], `children of ${children.length} left running`);
        } finally {
          peer.destroy();
          await server.stop();
        }
      });
    }
  });
}

for (const design of SERVERS) contract(design);

for (const name of DESIGNS.filter((d) => !SERVERS.some((s) => s.name === d))) {
  describe(`${name} server`, () => {
    it('meets the server contract', { skip: `${name} is not in servers/catalogue.ts yet` }, () => {});
  });
}
