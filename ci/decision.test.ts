import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { relativeChange, seededRandom } from './bootstrap.js';
import { decide } from './decision.js';

/** n samples around `center`, spread ±`noise` (relative), from a seeded generator. */
function samples(center: number, noise: number, n: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => center * (1 + (random() * 2 - 1) * noise));
}

describe('the gate decision rule', () => {
  it('the relative change is of the medians, and its interval contains it', () => {
    const r = relativeChange([100, 100, 100], [80, 80, 80]);
    assert.ok(Math.abs(r.change + 0.2) < 1e-12);
    assert.ok(Math.abs(r.low + 0.2) < 1e-12 && Math.abs(r.high + 0.2) < 1e-12);
    const noisy = relativeChange(samples(100, 0.1, 8, 1), samples(90, 0.1, 8, 2));
    assert.ok(noisy.low <= noisy.change && noisy.change <= noisy.high, JSON.stringify(noisy));
    assert.equal(noisy.level, 0.95);
  });

  it('is reproducible: the same inputs give the same interval', () => {
    const a = samples(100, 0.1, 6, 3);
    const b = samples(95, 0.1, 6, 4);
    assert.deepEqual(relativeChange(a, b), relativeChange(a, b));
  });

  it('a noisy A/A comparison (±15% run to run, same centre) is not a regression', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const d = decide(samples(60_000, 0.15, 6, seed), samples(60_000, 0.15, 6, seed + 1000), 'higher', 0.1);
      assert.notEqual(d.verdict, 'regression', `seed ${seed}: ${JSON.stringify(d)}`);
    }
  });

  it('a clear 30% throughput drop with ±5% noise is a regression', () => {
    const d = decide(samples(60_000, 0.05, 6, 7), samples(42_000, 0.05, 6, 8), 'higher', 0.1);
    assert.equal(d.verdict, 'regression', JSON.stringify(d));
    assert.ok(d.high < -0.1);
  });

  it('direction matters: latency up is a regression, latency down an improvement', () => {
    assert.equal(decide(samples(1000, 0.03, 6, 1), samples(1500, 0.03, 6, 2), 'lower', 0.1).verdict, 'regression');
    assert.equal(decide(samples(1000, 0.03, 6, 1), samples(600, 0.03, 6, 2), 'lower', 0.1).verdict, 'improvement');
    assert.equal(decide(samples(1000, 0.03, 6, 1), samples(1500, 0.03, 6, 2), 'higher', 0.1).verdict, 'improvement');
  });

  it('a change smaller than the threshold is never a regression, however certain', () => {
    const d = decide([100, 100, 100, 100], [95, 95, 95, 95], 'higher', 0.1);
    assert.equal(d.verdict, 'unchanged');
  });

  it('an interval that straddles the threshold is inconclusive, not a failure', () => {
    const d = decide(samples(100, 0.3, 4, 11), samples(85, 0.3, 4, 12), 'higher', 0.1);
    assert.equal(d.verdict, 'inconclusive', JSON.stringify(d));
  });

  it('refuses empty or non-positive samples', () => {
    assert.throws(() => relativeChange([], [1]), RangeError);
    assert.throws(() => relativeChange([0], [1]), RangeError);
  });
});
