// A run over time, and the stalls in it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findGaps, Timeline } from './timeline.js';

describe('timeline', () => {
  it('counts responses and their p99 per 100 ms from the start', () => {
    const t = new Timeline(1000);
    for (let i = 1; i <= 100; i++) t.record(1000 + 50, i * 10); // 100 responses in the first slice
    t.record(1000 + 250, 7); // one in the third
    assert.deepEqual(t.points(), [
      { tMs: 0, responses: 100, p99Us: 990 },
      { tMs: 100, responses: 0, p99Us: 0 },
      { tMs: 200, responses: 1, p99Us: 7 },
    ]);
  });

  it('a gap is a stretch of at least 300 ms without a response between the first and the last', () => {
    const point = (i: number, responses: number) => ({ tMs: i * 100, responses, p99Us: responses ? 100 : 0 });
    const counts = [0, 5, 5, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 5, 0, 0, 0, 0];
    assert.deepEqual(findGaps(counts.map((n, i) => point(i, n))), [{ startMs: 600, lengthMs: 1000 }]);
    assert.deepEqual(findGaps([]), []);
  });
});
