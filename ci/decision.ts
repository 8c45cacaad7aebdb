// The decision rule. A metric regressed only when the whole bootstrap 95% interval of its relative
// change lies beyond the threshold in the worse direction, the threshold being at least the noise
// floor measured on this machine. A change the interval cannot separate from noise is
// "inconclusive", never a failure: the gate is meant to be quiet when nothing changed.
import { relativeChange, type ChangeInterval } from './bootstrap.js';
import type { Direction } from './metrics.js';

export type MetricVerdict = 'regression' | 'improvement' | 'unchanged' | 'inconclusive';

export interface MetricDecision extends ChangeInterval {
  /** the threshold applied: max(the user's, the noise floor), as a fraction */
  threshold: number;
  verdict: MetricVerdict;
}

export function decide(baseline: readonly number[], current: readonly number[], better: Direction, threshold: number, seed = 1): MetricDecision {
  const interval = relativeChange(baseline, current, { seed });
  // Express the interval as "how much better", so one rule serves both directions.
  const [worstGain, bestGain] = better === 'higher' ? [interval.low, interval.high] : [-interval.high, -interval.low];
  let verdict: MetricVerdict;
  if (bestGain < -threshold) verdict = 'regression';
  else if (worstGain > threshold) verdict = 'improvement';
  else if (worstGain >= -threshold && bestGain <= threshold) verdict = 'unchanged';
  else verdict = 'inconclusive';
  return { ...interval, threshold, verdict };
}
