// A measurement against a baseline: every gated metric of every target and scenario, and the
// conformance checks that stopped passing. Pure: (baseline, current) => report.
import { median } from '../loadtest/stats.js';
import type { MachineDescription } from '../loadtest/types.js';
import { decide } from './decision.js';
import { GATED_METRICS, type MetricKey } from './metrics.js';
import { GATE_SCHEMA, type Baseline, type ConformanceRegression, type GateReport, type MetricComparison, type RunSample, type SampleSet } from './model.js';
import { machineLine, sameMachine } from '../loadtest/machine.js';
import { causesOf } from '../conformance/summary.js';

/** Per run: the figure over the reference's beside it, so that machine speed cancels out. */
export function normalized(runs: readonly RunSample[], metric: MetricKey): number[] {
  return runs.map((r) => (r.reference ? r.target[metric] / r.reference[metric] : r.target[metric]));
}

export interface CurrentMeasurement {
  machine: MachineDescription;
  samples: SampleSet[];
  /** per target: every check's outcome now, for the required checks the baseline passed */
  conformance: Array<{ target: string; outcomes: Map<string, { title: string; outcome: string; actual: string; cause: string }> }>;
}

export function compare(baseline: Baseline, current: CurrentMeasurement, threshold: number, createdAt: string): GateReport {
  const comparisons: MetricComparison[] = [];
  const notes: string[] = [];
  for (const base of baseline.samples) {
    const now = current.samples.find((s) => s.target === base.target && s.scenario === base.scenario);
    if (now === undefined) {
      notes.push(`${base.target} ${base.scenario}: in the baseline, not measured now`);
      continue;
    }
    for (const metric of GATED_METRICS) {
      const before = normalized(base.runs, metric.key);
      const after = normalized(now.runs, metric.key);
      if ([...before, ...after].some((x) => !(x > 0))) {
        notes.push(`${base.target} ${base.scenario} ${metric.label}: a run without a figure (no response, or no process to read); not judged`);
        continue;
      }
      const d = decide(before, after, metric.better, Math.max(threshold, baseline.noiseFloor[metric.key]));
      comparisons.push({
        target: base.target,
        scenario: base.scenario,
        metric: metric.key,
        label: metric.label,
        unit: metric.unit,
        better: metric.better,
        baseline: median(base.runs.map((r) => r.target[metric.key])),
        current: median(now.runs.map((r) => r.target[metric.key])),
        change: d.change,
        low: d.low,
        high: d.high,
        threshold: d.threshold,
        verdict: d.verdict,
      });
    }
  }
  const conformance: ConformanceRegression[] = [];
  for (const base of baseline.conformance) {
    const now = current.conformance.find((c) => c.target === base.target);
    if (now === undefined) continue;
    const judged = base.requiredPassed.map((id) => ({ id, result: now.outcomes.get(id) }));
    // Only a check that now fails stopped passing: one that erred (the harness timed out on a busy
    // machine) was not judged, and is said so rather than called a regression.
    const checks = judged
      .filter(({ result }) => result !== undefined && result.outcome === 'fail')
      .map(({ id, result }) => ({ id, title: result!.title, outcome: result!.outcome, actual: result!.actual }));
    if (checks.length > 0) {
      // One server fault fails every check that exercises it: the causes say how many faults.
      const causes = causesOf(
        checks.map((c) => ({ id: c.id, cause: now.outcomes.get(c.id)!.cause, outcome: 'fail' as const })),
        'fail',
      );
      conformance.push({ target: base.target, checks, causes });
    }
    const unjudged = judged.filter(({ result }) => result !== undefined && result.outcome !== 'pass' && result.outcome !== 'fail').map(({ id }) => id);
    if (unjudged.length > 0)
      notes.push(
        `${base.target}: ${unjudged.length} required check${unjudged.length === 1 ? '' : 's'} that passed in the baseline could not be judged now (${unjudged.join(', ')}): not counted as a regression`,
      );
  }
  if (baseline.settings.reference === 'none') notes.push("no reference server: a slower or busier machine than the baseline's shows as a change");
  if (!sameMachine(baseline.machine, current.machine)) {
    notes.push(
      `measured on another machine than the baseline (${machineLine(current.machine)}; baseline: ${machineLine(baseline.machine)})${baseline.settings.reference === 'none' ? '' : ': the reference server factors out its speed, not every difference'}`,
    );
  }
  const regressed = comparisons.some((c) => c.verdict === 'regression') || conformance.length > 0;
  return {
    schema: GATE_SCHEMA,
    verdict: regressed ? 'regression' : 'pass',
    createdAt,
    baseline: { createdAt: baseline.createdAt, version: baseline.version, machine: baseline.machine, sessions: baseline.sessions },
    machine: current.machine,
    settings: baseline.settings,
    threshold,
    noiseFloor: baseline.noiseFloor,
    comparisons,
    conformance,
    notes,
  };
}

/**
 * The noise floor from several sessions of the same build (A/A): per metric, the largest relative
 * change between the medians of any two sessions. A real change smaller than that cannot be told
 * from what this machine does on its own.
 */
export function noiseFloor(samples: readonly SampleSet[]): Record<MetricKey, number> {
  const floor = { rps: 0, cpu: 0, p50: 0, p99: 0, pss: 0 } as Record<MetricKey, number>;
  for (const set of samples) {
    const sessions = [...new Set(set.runs.map((r) => r.session))];
    for (const metric of GATED_METRICS) {
      for (let i = 0; i < sessions.length; i++) {
        for (let j = i + 1; j < sessions.length; j++) {
          const a = normalized(
            set.runs.filter((r) => r.session === sessions[i]),
            metric.key,
          );
          const b = normalized(
            set.runs.filter((r) => r.session === sessions[j]),
            metric.key,
          );
          if ([...a, ...b].some((x) => !(x > 0))) continue;
          floor[metric.key] = Math.max(floor[metric.key], Math.abs(median(b) / median(a) - 1));
        }
      }
    }
  }
  return floor;
}
