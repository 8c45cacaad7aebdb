// The one-glance comparison: a row per target with its conformance verdict and, per scenario, its
// median rps and p99, the best rps of each scenario marked. Shared by the text, Markdown and HTML
// renderers. Pure.
import type { ConformanceSummary } from '../conformance/types.js';
import type { BenchResult } from '../loadtest/types.js';
import { scenariosOf, targetsOf, type LabResults } from './model.js';

export interface SummaryCell {
  result: BenchResult;
  /** the highest median rps of its scenario */
  best: boolean;
}

export interface SummaryRow {
  target: string;
  conformance?: ConformanceSummary;
  /** one per scenario, in `scenarios` order; undefined where the target was not measured */
  cells: Array<SummaryCell | undefined>;
}

export interface Summary {
  scenarios: string[];
  rows: SummaryRow[];
}

export function summarizeResults(results: LabResults): Summary {
  const scenarios = scenariosOf(results);
  const bench = results.bench?.results ?? [];
  const best = new Map<string, number>();
  for (const r of bench) best.set(r.scenario, Math.max(best.get(r.scenario) ?? 0, r.median.rps));
  const rows = targetsOf(results).map((target): SummaryRow => {
    const conformance = results.conformance.find((c) => c.target === target)?.summary;
    const cells = scenarios.map((scenario) => {
      const result = bench.find((r) => r.target === target && r.scenario === scenario);
      return result && { result, best: result.median.rps > 0 && result.median.rps === best.get(scenario) };
    });
    return { target, ...(conformance ? { conformance } : {}), cells };
  });
  return { scenarios, rows };
}

/** "206/210 pass, 0 fail" */
export function conformanceCell(s: ConformanceSummary | undefined): string {
  if (s === undefined) return '–';
  return `${s.pass}/${s.total} pass, ${s.fail} fail${s.error > 0 ? `, ${s.error} error` : ''}`;
}
