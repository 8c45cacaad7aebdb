// A run over time: responses and their p99 per 100 ms, and the stalls in it. A closed-model run hides
// a stall in its percentiles (its connections wait with the server, and no request is timed while
// none is sent), but not in its timeline: a stretch with no response while requests were
// outstanding is a gap.
import type { TimelinePoint } from './types.js';

export const TIMELINE_BUCKET_MS = 100;
/** A gap shorter than this is not reported: a scheduling hiccup of the machine, not a stall. */
export const MIN_GAP_MS = 300;

export class Timeline {
  private readonly buckets: number[][] = [];

  constructor(private readonly startedMs: number) {}

  /** A response completed at `nowMs` (performance.now()), `latencyUs` after its (intended) start. */
  record(nowMs: number, latencyUs: number): void {
    const i = Math.max(0, Math.floor((nowMs - this.startedMs) / TIMELINE_BUCKET_MS));
    while (this.buckets.length <= i) this.buckets.push([]);
    this.buckets[i]!.push(latencyUs);
  }

  /** One point per bucket from the start to the last response; p99 is 0 where none came. */
  points(): TimelinePoint[] {
    return this.buckets.map((latencies, i) => {
      if (latencies.length === 0) return { tMs: i * TIMELINE_BUCKET_MS, responses: 0, p99Us: 0 };
      const sorted = Float64Array.from(latencies).sort();
      const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
      return { tMs: i * TIMELINE_BUCKET_MS, responses: latencies.length, p99Us: Math.round(p99) };
    });
  }
}

export interface Gap {
  startMs: number;
  lengthMs: number;
}

/** The stretches of at least MIN_GAP_MS with no response, between the first response and the last:
 * in a run that keeps requests outstanding throughout (every closed-model run, and an open-model
 * run at a steady rate), each is a stall of the server. */
export function findGaps(points: readonly TimelinePoint[], minGapMs = MIN_GAP_MS, sliceMs = TIMELINE_BUCKET_MS): Gap[] {
  const first = points.findIndex((p) => p.responses > 0);
  let last = -1;
  for (let i = points.length - 1; i >= 0; i--) {
    if (points[i]!.responses > 0) {
      last = i;
      break;
    }
  }
  const gaps: Gap[] = [];
  let from = -1;
  for (let i = first; i >= 0 && i <= last; i++) {
    if (points[i]!.responses === 0) {
      if (from < 0) from = i;
    } else if (from >= 0) {
      const lengthMs = (i - from) * sliceMs;
      if (lengthMs >= minGapMs) gaps.push({ startMs: points[from]!.tMs, lengthMs });
      from = -1;
    }
  }
  return gaps;
}
