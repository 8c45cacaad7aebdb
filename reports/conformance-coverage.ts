// What a conformance run covered: what the target was found to give (the resource, the fixtures),
// how many checks ran, and why the rest were skipped, grouped by reason, so that a user's server,
// where many checks cannot apply, shows at a glance what was and was not judged.
import type { CheckResult, ConformanceReport, TargetProfile } from '../conformance/types.js';

export interface SkipGroup {
  reason: string;
  count: number;
}

/** The skipped checks' reasons, most frequent first, each with how many checks it skipped. */
export function skipGroups(checks: readonly CheckResult[]): SkipGroup[] {
  const counts = new Map<string, number>();
  for (const c of checks) if (c.outcome === 'skip') counts.set(c.reason ?? 'no reason given', (counts.get(c.reason ?? 'no reason given') ?? 0) + 1);
  return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/** "12 of 210 checks ran; 198 skipped" */
export function coverageLine(report: ConformanceReport): string {
  const s = report.summary;
  return `${s.total - s.skip} of ${s.total} checks ran${s.skip > 0 ? `; ${s.skip} skipped` : ''}`;
}

/** What the target gives, in words: "resource GET / (6 bytes, offers ETag); fixtures: not served (…)". */
export function profileLine(profile: TargetProfile): string {
  const r = profile.resource;
  const offers = r.offers !== undefined && r.offers.length > 0 ? `offers ${r.offers.join(', ')}` : 'offers no ETag, Last-Modified or ranges';
  const resource = r.available ? `resource ${r.path} (${r.bytes ?? 0} bytes, ${offers})` : `no resource at ${r.path}: ${r.reason ?? ''}`;
  const fixtures = profile.fixtures.served ? 'serves the bundled fixtures' : `does not serve the bundled fixtures: ${profile.fixtures.reason ?? ''}`;
  return `${resource}; ${fixtures}`;
}
