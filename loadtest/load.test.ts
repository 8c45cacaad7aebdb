import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runLoad } from './load.js';
import { findScenario, withOverrides } from './scenarios.js';
import { countingServer, type CountingServer } from './test-server.js';

describe('one period of load on autocannon', () => {
  let server: CountingServer;
  before(async () => {
    server = await countingServer();
  });
  after(() => server.close());

  it('keep-alive: every response counted and timed in µs over the connections asked for', async () => {
    const scenario = withOverrides(findScenario('keepalive')!, { connections: 4 });
    const r = await runLoad({ url: server.url, scenario, durationS: 0.5 });
    assert.ok(r.responses > 0);
    assert.equal(server.connections, 4, 'keep-alive opens each connection once');
    assert.deepEqual([r.errors, r.timeouts, r.non2xx], [0, 0, 0]);
    const l = r.latencyUs;
    assert.ok(l.p50 > 0 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.max, JSON.stringify(l));
    // µs resolution, not autocannon's whole milliseconds: some statistic is not a multiple of 1,000
    assert.ok([l.mean, l.p50, l.p90, l.p99, l.max].some((v) => v % 1000 !== 0), JSON.stringify(l));
    assert.ok(r.elapsedS >= 0.5, `elapsed ${r.elapsedS}`);
  });

  it('close: a new connection for every request, each response still counted', async () => {
    // a server of its own: the shared one may still be reading the last test's requests
    const fresh = await countingServer();
    try {
      const scenario = withOverrides(findScenario('close')!, { connections: 2 });
      const r = await runLoad({ url: fresh.url, scenario, durationS: 0.5 });
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
    const scenario = withOverrides(findScenario('pipeline')!, { connections: 2 });
    assert.equal(scenario.pipelining, 10);
    const r = await runLoad({ url: server.url, scenario, durationS: 0.3 });
    assert.ok(r.responses > 0);
    assert.deepEqual([r.errors, r.timeouts], [0, 0]);
  });

  it('non-2xx responses are counted apart', async () => {
    const notFound = await countingServer('nope', { status: 404 });
    try {
      const r = await runLoad({ url: notFound.url, scenario: withOverrides(findScenario('keepalive')!, { connections: 1 }), durationS: 0.2 });
      assert.ok(r.responses > 0);
      assert.equal(r.non2xx, r.responses);
    } finally {
      await notFound.close();
    }
  });

  it('a server that closes pipelined connections now and then: the unanswered requests are forgotten, latency stays true', async () => {
    const closing = await countingServer('hello\n', { closeAfter: 5 });
    try {
      const scenario = withOverrides(findScenario('pipeline')!, { connections: 2, pipelining: 4 });
      const r = await runLoad({ url: closing.url, scenario, durationS: 0.5 });
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
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const r = await runLoad({ url: server.url, scenario: withOverrides(findScenario('keepalive')!, { connections: 1 }), durationS: 30, signal: controller.signal });
    assert.ok(r.elapsedS < 10, `ran ${r.elapsedS} s`);
  });
});
