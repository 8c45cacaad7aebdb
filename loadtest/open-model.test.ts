// Open-model load: every intended request is sent, answered, late or dropped, and counted as such.
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { runOpenLoad } from './open-model.js';
import { findScenario } from './scenarios.js';
import { countingServer } from './test-server.js';

const keepalive = findScenario('keepalive')!;

/** A server that accepts connections and reads requests but never answers one. */
async function silentServer(t: TestContext): Promise<URL> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
}

describe('open-model load', () => {
  it('sends rate × duration requests, each answered, on as few connections as keep up', async (t) => {
    const server = await countingServer('hello\n');
    t.after(() => server.close());
    const r = await runOpenLoad({ url: server.url, scenario: keepalive, durationS: 1, rate: 200, maxConnections: 50 });
    assert.equal(server.requests, 200);
    assert.equal(r.responses, 200);
    assert.deepEqual([r.late, r.dropped, r.errors, r.timeouts, r.non2xx], [0, 0, 0, 0, 0]);
    // one request every 5 ms to a server that answers in well under that: one connection suffices
    assert.ok(server.connections < 50, `${server.connections} connections`);
    assert.ok(r.latencyUs.p50 >= r.uncorrectedLatencyUs.p50 - 1, 'corrected latency counts from the intended start, never after the send');
    assert.equal(
      r.timeline.reduce((n, p) => n + p.responses, 0),
      200,
    );
  });

  it('without a stall the corrected p99 stays within 2× the uncorrected: the correction adds only what the schedule lost', async (t) => {
    // 5 ms of work per request: the generator's own sub-millisecond jitter, which the send lag
    // reports, cannot by itself double a figure of this size
    const server = await countingServer('hello\n', { answerAfterMs: 5 });
    t.after(() => server.close());
    const r = await runOpenLoad({ url: server.url, scenario: keepalive, durationS: 2, rate: 100, maxConnections: 50 });
    assert.equal(r.responses, 200);
    assert.equal(r.late + r.dropped, 0);
    assert.ok(r.latencyUs.p99 <= 2 * r.uncorrectedLatencyUs.p99, `corrected p99 ${r.latencyUs.p99} µs, uncorrected ${r.uncorrectedLatencyUs.p99} µs`);
    // the generator's scheduling error is measured, and reported beside
    assert.ok(r.sendLagUs.max >= r.sendLagUs.p50 && r.sendLagUs.p50 >= 0);
    // The server's 5 ms timer counts from its event loop's cached time, which libuv reads once per
    // turn and may predate the request's arrival by up to a millisecond: 4 ms is the floor that
    // holds (a loaded machine only adds to it).
    assert.ok(r.latencyUs.p50 >= 4000 && r.uncorrectedLatencyUs.p50 >= 4000, `p50 ${r.latencyUs.p50} µs, uncorrected ${r.uncorrectedLatencyUs.p50} µs`);
  });

  it('a server that never answers: the connections fill, later requests are late, and those never sent are dropped', async (t) => {
    const url = await silentServer(t);
    const r = await runOpenLoad({ url, scenario: keepalive, durationS: 0.5, rate: 100, maxConnections: 4, responseTimeoutS: 0.3 });
    // 50 intended: 4 sent at once and timed out after 0.3 s, their connections closed and replaced
    assert.equal(r.responses, 0);
    assert.ok(r.late >= 40, `${r.late} late`);
    assert.ok(r.timeouts >= 4, `${r.timeouts} timeouts`);
    assert.ok(r.dropped > 0, `${r.dropped} dropped`);
    assert.equal(r.timeouts + r.errors + r.dropped + r.responses, 50, 'every intended request is accounted for');
  });
});
