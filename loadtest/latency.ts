// Response times in µs. autocannon's own histogram holds whole milliseconds, rounded down, so every
// sub-millisecond server shows p50 = 0; its `response` event carries the exact time (a float in
// ms, from process.hrtime), which is recorded here into an HdrHistogram in µs.
import hdr from 'hdr-histogram-js';
import type { LatencyUs } from './types.js';

/** 1 µs to 10 minutes, 3 significant digits: every value within 0.1% of what was recorded. */
const HIGHEST_TRACKABLE_US = 600_000_000;

export class LatencyRecorder {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

  /** Records one response time given in milliseconds (autocannon's unit). */
  recordMs(ms: number): void {
    // A response can take under 1 µs only by clock error; it is recorded as 1 µs, never dropped.
    const us = Math.min(HIGHEST_TRACKABLE_US, Math.max(1, Math.round(ms * 1000)));
    this.histogram.recordValue(us);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): LatencyUs {
    const h = this.histogram;
    if (h.totalCount === 0) return { mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
    // A percentile is the top of its bucket (within 0.1%), which can lie above the largest value
    // recorded; no percentile is reported above the maximum.
    const max = h.maxValue;
    const at = (p: number): number => Math.min(h.getValueAtPercentile(p), max);
    return { mean: round1(h.mean), p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max };
  }

  destroy(): void {
    this.histogram.destroy();
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
