// The bootstrap interval of a relative change between two small samples (Efron): resample each
// side with replacement, take the ratio of the medians, and read the 2.5th and 97.5th percentiles
// of those ratios. Medians, because a run disturbed by another tenant is an outlier, not a signal.
// A seeded generator makes every verdict reproducible from its inputs.
import { median, quantile } from '../loadtest/stats.js';

/** Mulberry32: small, fast, and good enough to drive resampling; not for anything secret. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ChangeInterval {
  /** median(current) ÷ median(baseline) − 1 */
  change: number;
  /** the bootstrap percentile interval of that change */
  low: number;
  high: number;
  /** the confidence level of [low, high] */
  level: number;
}

export const BOOTSTRAP_RESAMPLES = 4000;

/** The relative change from `baseline` to `current`, with its bootstrap interval. Both need at
 * least one sample, and every sample must be positive (rates, latencies, sizes). */
export function relativeChange(
  baseline: readonly number[],
  current: readonly number[],
  options: { level?: number; resamples?: number; seed?: number } = {},
): ChangeInterval {
  if (baseline.length === 0 || current.length === 0) throw new RangeError('relativeChange: each side needs at least one sample');
  if ([...baseline, ...current].some((x) => !(x > 0) || !Number.isFinite(x))) throw new RangeError('relativeChange: samples must be finite and positive');
  const level = options.level ?? 0.95;
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const random = seededRandom(options.seed ?? 1);
  const draw = (xs: readonly number[]): number[] => xs.map(() => xs[Math.floor(random() * xs.length)]!);
  const changes = new Array<number>(resamples);
  for (let i = 0; i < resamples; i++) changes[i] = median(draw(current)) / median(draw(baseline)) - 1;
  const tail = (1 - level) / 2;
  return { change: median(current) / median(baseline) - 1, low: quantile(changes, tail), high: quantile(changes, 1 - tail), level };
}
