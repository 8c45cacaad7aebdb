import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../examples/node-app/app.js';
import { runLoad } from './load.js';
import type { RequestEntry } from './requests.js';
import { findScenario, withOverrides } from './scenarios.js';
import { countingServer, type CountingServer, type CountingServerOptions } from './test-server.js';

/** A load's bound when the server's counts end it: generous, since it costs time only when a test
 * fails. */
const UNTIL_STOPPED_S = 60;

/** A server of its own whose counts, once `enough`, stop the load (`signal`): ended by what the
 * server has seen rather than after a time, the load has done as much on a loaded machine as on an
 * idle one. */
async function serverThatStops(
  enough: (counts: { connections: number; requests: number }) => boolean,
  options: CountingServerOptions = {},
): Promise<{ server: CountingServer; signal: AbortSignal }> {
  const controller = new AbortController();
  const server = await countingServer('hello\n', { ...options, onCount: (counts) => enough(counts) && controller.abort() });
  return { server, signal: controller.signal };
}

describe('one period of load on autocannon', () => {
  it('keep-alive: every response counted and timed in µs over the connections asked for', async () => {
    const server = await countingServer();
    try {
      const scenario = withOverrides(findScenario('keepalive')!, { connections: 4 });
      const r = await runLoad({ url: server.url, scenario, durationS: 0.5 });
      assert.ok(r.responses > 0);
      assert.equal(server.connections, 4, 'keep-alive opens each connection once');
      assert.deepEqual([r.errors, r.timeouts, r.non2xx], [0, 0, 0]);
      const l = r.latencyUs;
      assert.ok(l.p50 > 0 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.max, JSON.stringify(l));
      // µs resolution, not autocannon's whole milliseconds: some statistic is not a multiple of 1,000
      assert.ok(
        [l.mean, l.p50, l.p90, l.p99, l.max].some((v) => v % 1000 !== 0),
        JSON.stringify(l),
      );
      assert.ok(r.elapsedS >= 0.5, `elapsed ${r.elapsedS}`);
    } finally {
      await server.close();
    }
  });

  it('close: a new connection for every request, each response still counted', async () => {
    // Each of the 2 connections sends its next request only after the last one's response: at the
    // 13th request, at least 11 responses were counted.
    const { server: fresh, signal } = await serverThatStops(({ requests }) => requests >= 13);
    try {
      const scenario = withOverrides(findScenario('close')!, { connections: 2 });
      const r = await runLoad({ url: fresh.url, scenario, durationS: UNTIL_STOPPED_S, signal });
      assert.ok(r.responses > 10, `only ${r.responses} responses`);
      assert.equal(r.errors, 0);
      // Every connection carried at most one request: up to one per generator connection was still
      // connecting, or unanswered, when the load stopped.
      const { connections, requests } = fresh;
      assert.ok(requests <= connections && connections <= requests + 2, `${connections} connections for ${requests} requests`);
      assert.ok(requests >= r.responses && requests <= r.responses + 2, `${requests} requests, ${r.responses} responses`);
    } finally {
      await fresh.close();
    }
  });

  it('pipelining keeps several requests in flight on each connection', async () => {
    // 10 requests in flight on each of 2 connections: a 21st follows a response
    const { server: fresh, signal } = await serverThatStops(({ requests }) => requests > 20);
    try {
      const scenario = withOverrides(findScenario('pipeline')!, { connections: 2 });
      assert.equal(scenario.pipelining, 10);
      const r = await runLoad({ url: fresh.url, scenario, durationS: UNTIL_STOPPED_S, signal });
      assert.ok(r.responses > 0);
      assert.deepEqual([r.errors, r.timeouts], [0, 0]);
    } finally {
      await fresh.close();
    }
  });

  it('non-2xx responses are counted apart', async () => {
    // one connection: a second request follows the first response
    const { server: notFound, signal } = await serverThatStops(({ requests }) => requests > 1, { status: 404 });
    try {
      const r = await runLoad({
        url: notFound.url,
        scenario: withOverrides(findScenario('keepalive')!, { connections: 1 }),
        durationS: UNTIL_STOPPED_S,
        signal,
      });
      assert.ok(r.responses > 0);
      assert.equal(r.non2xx, r.responses);
    } finally {
      await notFound.close();
    }
  });

  it('a server that closes pipelined connections now and then: the unanswered requests are forgotten, latency stays true', async () => {
    // Each connection after the first 2 follows a close, and so 5 responses read: at the 50th, at
    // least 240 were counted, and stale requests would have piled up over 48 reconnections.
    const { server: closing, signal } = await serverThatStops(({ connections }) => connections >= 50, { closeAfter: 5 });
    try {
      const scenario = withOverrides(findScenario('pipeline')!, { connections: 2, pipelining: 4 });
      const r = await runLoad({ url: closing.url, scenario, durationS: UNTIL_STOPPED_S, signal });
      assert.ok(r.responses > 50, `${r.responses} responses`);
      assert.ok(closing.connections > 10, 'the server closed connections');
      // Matched with stale requests, each response's latency would grow with the run (the queue
      // grows at every reconnection), and rps would lie far above what 8 in flight ÷ mean allows.
      const predicted = (8 * 1e6) / r.latencyUs.mean;
      const rps = r.responses / r.elapsedS;
      assert.ok(rps < predicted * 1.25, `rps ${rps} vs ${predicted} predicted by Little's law`);
    } finally {
      await closing.close();
    }
  });

  it('an abort signal ends the load early', async () => {
    // aborted once the load is under way: at the first request
    const { server: fresh, signal } = await serverThatStops(({ requests }) => requests > 0);
    try {
      const r = await runLoad({ url: fresh.url, scenario: withOverrides(findScenario('keepalive')!, { connections: 1 }), durationS: UNTIL_STOPPED_S, signal });
      // the time is the point, with a margin of minutes: not aborted, the load would run its 60 s
      assert.ok(r.elapsedS < UNTIL_STOPPED_S / 2, `ran ${r.elapsedS} s`);
    } finally {
      await fresh.close();
    }
  });

  it("a weighted mix of a user's requests: each connection sends them in the weights given, bodies included", async () => {
    const app = createApp();
    const seen = { health: 0, echo: 0, echoed: 0 };
    const controller = new AbortController();
    app.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (req.method === 'POST') seen.echo++;
      else seen.health++;
      // counted once the app has answered, so the echo's body was read and parsed
      res.on('finish', () => {
        if (req.method === 'POST' && res.statusCode === 200) seen.echoed++;
        if (seen.health + seen.echo >= 400) controller.abort();
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    try {
      const url = new URL(`http://127.0.0.1:${(app.address() as AddressInfo).port}/`);
      const requests: RequestEntry[] = [
        { request: { method: 'GET', path: '/health', headers: {}, weight: 3 }, expect: {} },
        { request: { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"n":1}'), weight: 1 }, expect: {} },
      ];
      const scenario = { ...withOverrides(findScenario('keepalive')!, { connections: 2 }), requests };
      const r = await runLoad({ url, scenario, durationS: UNTIL_STOPPED_S, signal: controller.signal });
      assert.deepEqual([r.errors, r.timeouts, r.non2xx], [0, 0, 0]);
      assert.ok(r.responses >= 400, `${r.responses} responses`);
      // each connection's cycle is GET GET POST GET (smooth weighted round robin): 3 to 1 within a cycle per connection
      const total = seen.health + seen.echo;
      assert.ok(Math.abs(seen.echo / total - 0.25) <= 2 / total + 0.01, JSON.stringify(seen));
      assert.equal(seen.echoed, seen.echo, 'every POST was answered 200: its JSON body arrived whole');
    } finally {
      app.closeAllConnections();
      app.close();
    }
  });
});
