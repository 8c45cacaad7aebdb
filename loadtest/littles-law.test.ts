import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkLittlesLaw, littlesLawWarning } from './littles-law.js';

describe("Little's law check", () => {
  it('50 connections at a mean of 1,000 µs predict 50,000 rps', () => {
    const c = checkLittlesLaw(50, 1, 1000, 50_000);
    assert.equal(c.inFlight, 50);
    assert.equal(c.predictedRps, 50_000);
    assert.equal(c.deviation, 0);
    assert.equal(c.holds, true);
    assert.equal(littlesLawWarning(c, { generatorBound: false, errors: 0, timeouts: 0, maxLatencyUs: 5000 }), undefined);
  });

  it('pipelining multiplies what is in flight', () => {
    const c = checkLittlesLaw(50, 10, 5000, 100_000);
    assert.equal(c.inFlight, 500);
    assert.equal(c.predictedRps, 100_000);
    assert.equal(c.holds, true);
  });

  it('holds within 5% either way, and not beyond', () => {
    assert.equal(checkLittlesLaw(10, 1, 1000, 10_000 * 1.049).holds, true);
    assert.equal(checkLittlesLaw(10, 1, 1000, 10_000 * 0.951).holds, true);
    assert.equal(checkLittlesLaw(10, 1, 1000, 10_000 * 1.06).holds, false);
    assert.equal(checkLittlesLaw(10, 1, 1000, 10_000 * 0.9).holds, false);
  });

  it('a mismatch is a warning that gives the figures and the likeliest reason', () => {
    const low = checkLittlesLaw(50, 1, 1000, 40_000);
    assert.equal(low.holds, false);
    assert.ok(Math.abs(low.deviation + 0.2) < 1e-12);
    const generator = littlesLawWarning(low, { generatorBound: true, errors: 0, timeouts: 0, maxLatencyUs: 5000 })!;
    assert.match(generator, /predicts 50000 rps, measured 40000 \(-20\.0%, tolerance ±5\.0%\)/);
    assert.match(generator, /generator was saturated/);
    assert.match(littlesLawWarning(low, { generatorBound: false, errors: 3, timeouts: 2, maxLatencyUs: 5000 })!, /3 errors and 2 timeouts/);
    assert.match(
      littlesLawWarning(low, { generatorBound: false, errors: 0, timeouts: 0, maxLatencyUs: 1_900_000 })!,
      /fewer connections at once .*slowest answered took 1900 ms/,
    );
    assert.match(
      littlesLawWarning(checkLittlesLaw(50, 1, 1000, 60_000), { generatorBound: false, errors: 0, timeouts: 0, maxLatencyUs: 5000 })!,
      /latency is overstated/,
    );
  });

  it('no timed response cannot agree with anything', () => {
    const c = checkLittlesLaw(50, 1, 0, 0);
    assert.equal(c.holds, false);
    assert.match(littlesLawWarning(c, { generatorBound: false, errors: 0, timeouts: 0, maxLatencyUs: 5000 })!, /no response was timed/);
  });
});
