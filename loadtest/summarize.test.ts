import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findScenario } from './scenarios.js';
import { medianOfRuns, summarize, type ResultContext } from './summarize.js';
import type { BenchRun } from './types.js';

/** A run that agrees with Little's law at 50 connections: rps = 50e6 / mean µs. */
function run(rps: number, extra: Partial<BenchRun> = {}): BenchRun {
  const mean = 50e6 / rps;
  return {
    rps,
    latencyUs: { mean, p50: mean * 0.9, p90: mean * 1.5, p99: mean * 3, p999: mean * 6, max: mean * 10 },
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    serverCpuPct: 95,
    serverRssBytes: 50 * 2 ** 20,
    serverPssBytes: 20 * 2 ** 20,
    serverPssAtRestBytes: 10 * 2 ** 20,
    generatorCpuPct: 80,
    serverBusiestThreadPct: 95,
    responses: rps * 3,
    elapsedS: 3,
    timeline: [],
    ...extra,
  };
}

const context: ResultContext = { target: 'epoll', url: 'http://127.0.0.1:1/', scenario: findScenario('keepalive')!, durationS: 3, warmupS: 2, cpus: 2 };

describe('summarize runs', () => {
  it('each metric is its own median; the spread gives min, max, CV and IQR of rps', () => {
    const runs = [run(40_000, { serverRssBytes: 3 }), run(42_000, { serverRssBytes: 1 }), run(41_000, { serverRssBytes: 2 })];
    const r = summarize(runs, context);
    assert.equal(r.median.rps, 41_000);
    assert.equal(r.median.serverRssBytes, 2);
    assert.equal(r.median.latencyUs.mean, Math.round((50e6 / 41_000) * 10) / 10);
    assert.equal(r.spread.rpsMin, 40_000);
    assert.equal(r.spread.rpsMax, 42_000);
    assert.equal(r.spread.rpsCv, Math.round((1000 / 41_000) * 1e4) / 1e4);
    assert.equal(r.spread.rpsIqr, 1000);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.generatorBound, false);
    assert.equal(r.runs.length, 3);
    assert.equal(r.connections, 50);
    assert.equal(r.pipelining, 1);
  });

  it('a noisy A/A-like set (runs 30% apart) is flagged, with the range', () => {
    const r = summarize([run(30_000), run(40_000), run(39_000)], context);
    const noisy = r.warnings.find((w) => w.code === 'noisy');
    assert.ok(noisy, JSON.stringify(r.warnings));
    assert.match(noisy.message, /^noisy: rps ranged from 30000 to 40000 over 3 runs/);
  });

  it("a run whose rps disagrees with its latency gets a Little's law warning naming the run", () => {
    const bad = run(40_000);
    const r = summarize([run(40_000), { ...bad, rps: 30_000 }, run(40_000)], context);
    const littlesLaw = r.warnings.flatMap((w) => (w.code === 'littles-law' ? [w] : []));
    assert.deepEqual(
      littlesLaw.map((w) => w.run),
      [2],
      JSON.stringify(r.warnings),
    );
    assert.match(littlesLaw[0]!.message, /^run 2: Little's law does not hold/);
  });

  it('a saturated generator beside an idle server is generator-bound, and says so', () => {
    const r = summarize([run(40_000, { generatorCpuPct: 99, serverCpuPct: 40, serverBusiestThreadPct: 40 })], context);
    assert.equal(r.generatorBound, true);
    assert.deepEqual(
      r.warnings.map((w) => w.code),
      ['generator-bound', 'one-run'],
    );
    assert.match(
      r.warnings[0]!.message,
      /^generator-bound: the load generator used 99% of a core while the server had headroom .*; the server may be faster than these figures$/,
    );
    assert.equal(r.warnings[1]!.message, 'one run: no spread to report; use --runs 3 or more');
  });

  it('a saturated server is not generator-bound, however busy the generator', () => {
    const r = summarize([run(40_000, { generatorCpuPct: 99, serverCpuPct: 99, serverBusiestThreadPct: 99 })], context);
    assert.equal(r.generatorBound, false);
  });

  it('errors, timeouts and non-2xx are summed into a warning, never dropped', () => {
    const r = summarize([run(40_000, { errors: 2 }), run(40_000, { timeouts: 1 }), run(40_000, { non2xx: 7 })], context);
    assert.deepEqual(
      r.warnings.find((w) => w.code === 'failures'),
      { code: 'failures', message: 'failures: 2 connection errors, 1 timeouts and 7 non-2xx responses over 3 runs; their rps is not all success' },
      JSON.stringify(r.warnings),
    );
  });

  it('an unknown server process leaves CPU and RSS null, claims no generator bound, and says why', () => {
    const r = summarize([run(40_000, { serverCpuPct: null, serverRssBytes: null, serverBusiestThreadPct: null, generatorCpuPct: 99 })], context);
    assert.equal(r.median.serverCpuPct, null);
    assert.equal(r.median.serverRssBytes, null);
    assert.equal(r.generatorBound, false);
    assert.deepEqual(
      r.warnings.find((w) => w.code === 'resources-unknown'),
      {
        code: 'resources-unknown',
        message: "server CPU and memory unknown: the server's process was not found (a --url whose listening socket is not this user's to read)",
      },
    );
  });

  it('the median of one run is that run', () => {
    const one = run(12_345);
    assert.deepEqual(medianOfRuns([one]).rps, 12_345);
  });
});
