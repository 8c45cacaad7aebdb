// A run's failures by root cause: one server fault that several checks exercise counts once. The
// causes come from the report's summary, or are recounted from its checks for a document written
// before summaries held them. Each cause carries the levels of its checks, so that a security
// property the RFC leaves below MUST reads apart from a MUST broken.
import { causesOf } from '../conformance/summary.js';
import type { CauseSummary, CheckResult, ConformanceReport, Level } from '../conformance/types.js';

export interface CauseRow extends CauseSummary {
  /** the levels of its checks, MUST first (a cause's checks are normally all of one level) */
  levels: Level[];
  /** the RFC section of its first check */
  section: string;
  /** the sentence its first check quotes */
  requirement?: string;
}

const LEVEL_ORDER: Level[] = ['MUST', 'security', 'robustness', 'architecture', 'SHOULD', 'MAY'];

/** The causes of the required failures (`fail`) or of the warnings (`warn`), most checks first. */
export function causeRows(report: ConformanceReport, outcome: 'fail' | 'warn'): CauseRow[] {
  // a document written before causes were recorded has none in its summary
  const causes = (outcome === 'fail' ? report.summary.failedCauses : report.summary.warnedCauses) ?? causesOf(report.checks, outcome);
  const byId = new Map<string, CheckResult>(report.checks.map((c) => [c.id, c]));
  return causes.map((cause) => {
    const checks = cause.checks.map((id) => byId.get(id)).filter((c): c is CheckResult => c !== undefined);
    const levels = LEVEL_ORDER.filter((l) => checks.some((c) => c.level === l));
    const first = checks[0];
    return {
      ...cause,
      levels,
      section: first?.section ?? '',
      ...(first?.requirement !== undefined ? { requirement: first.requirement } : {}),
    };
  });
}

/** "6 checks in 4 root causes (MUST 3, security 1)" */
export function causesLine(rows: readonly CauseRow[]): string {
  const checks = rows.reduce((n, r) => n + r.checks.length, 0);
  const perLevel = LEVEL_ORDER.map((l) => [l, rows.filter((r) => r.levels[0] === l).length] as const).filter(([, n]) => n > 0);
  return `${checks} check${checks === 1 ? '' : 's'} in ${rows.length} root cause${rows.length === 1 ? '' : 's'} (${perLevel.map(([l, n]) => `${l} ${n}`).join(', ')})`;
}
