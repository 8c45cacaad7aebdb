// A run's summary: outcomes counted, and the failures grouped by root cause. Pure, so that reports
// can recount a document written before causes were recorded.
import type { CauseSummary, CheckResult, ConformanceSummary, Outcome } from './types.js';

export function summarize(results: readonly CheckResult[]): ConformanceSummary {
  const counts = { pass: 0, fail: 0, warn: 0, skip: 0, error: 0 };
  for (const r of results) counts[r.outcome]++;
  return { total: results.length, ...counts, failedCauses: causesOf(results, 'fail'), warnedCauses: causesOf(results, 'warn') };
}

/** The root causes of the results with this outcome, each with its checks, most checks first (then
 * in the order first met). A result from before causes were recorded is a cause of its own. */
export function causesOf(results: readonly Pick<CheckResult, 'id' | 'cause' | 'outcome'>[], outcome: Outcome): CauseSummary[] {
  const byCause = new Map<string, string[]>();
  for (const r of results) {
    if (r.outcome !== outcome) continue;
    // a document written before causes were recorded has none
    const cause = r.cause ?? r.id;
    byCause.set(cause, [...(byCause.get(cause) ?? []), r.id]);
  }
  return [...byCause].map(([cause, checks]) => ({ cause, checks })).sort((a, b) => b.checks.length - a.checks.length);
}
