import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { coefficientOfVariation, interquartileRange, mean, median, quantile, relativeRange, standardDeviation } from './stats.js';

describe('run statistics', () => {
  it('median of odd and even counts, order-independent', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([7]), 7);
  });

  it('quantiles interpolate between closest ranks (type 7)', () => {
    const xs = [10, 20, 30, 40, 50];
    assert.equal(quantile(xs, 0), 10);
    assert.equal(quantile(xs, 1), 50);
    assert.equal(quantile(xs, 0.25), 20);
    assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75);
    assert.equal(interquartileRange([1, 2, 3, 4]), 3.25 - 1.75);
  });

  it('sample standard deviation and CV', () => {
    assert.equal(mean([2, 4, 4, 4, 5, 5, 7, 9]), 5);
    assert.equal(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7));
    assert.equal(standardDeviation([5]), 0);
    assert.equal(coefficientOfVariation([90, 100, 110]), 10 / 100);
    assert.equal(coefficientOfVariation([0, 0]), 0);
  });

  it('relative range is (max - min) / median', () => {
    assert.equal(relativeRange([95, 100, 105]), 0.1);
    assert.equal(relativeRange([100, 100, 100]), 0);
  });

  it('an empty list is an error, not NaN', () => {
    assert.throws(() => median([]), RangeError);
    assert.throws(() => mean([]), RangeError);
  });
});
