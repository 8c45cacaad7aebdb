// Renders conformance reports as GitHub-flavoured Markdown, fit for $GITHUB_STEP_SUMMARY or a PR
// comment. Pure: (report) => string.
// - one target: a summary table, then a table of the checks that did not pass (fail, error, warn);
// - several targets: a summary table per target, the checks where the targets disagree, and the
//   whole checks × targets matrix folded in a <details>.
// Every cell is escaped: pipes, Markdown's emphasis and link characters, and HTML (a response body
// such as "<!DOCTYPE html>" would otherwise be read as a tag); line breaks become spaces.
import type { CheckResult, ConformanceReport, Outcome } from '../conformance/types.js';
import { buildMatrix, disagreementsFirst } from './conformance-matrix.js';
import { causeRows, causesLine, type CauseRow } from './conformance-causes.js';
import { coverageLine, profileLine, skipGroups } from './conformance-coverage.js';

/** characters of expected/actual kept in a cell */
const CELL_LIMIT = 240;

/** Text made safe for one cell of a GFM table. */
export function mdCell(text: string, limit = CELL_LIMIT): string {
  const flat = text.replace(/\r\n|\r|\n/g, ' ');
  const cut = flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
  return cut
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~#])/g, '\\$1');
}

const ICONS: Record<Outcome, string> = { pass: '✅ pass', fail: '❌ **fail**', warn: '⚠️ warn', skip: '⏭️ skip', error: '💥 **error**' };

function verdict(report: ConformanceReport): string {
  const s = report.summary;
  if (s.fail > 0) {
    const causes = causeRows(report, 'fail').length;
    return `❌ ${s.fail} required check${s.fail === 1 ? '' : 's'} failed (${causes} root cause${causes === 1 ? '' : 's'})`;
  }
  return '✅ every required check passed';
}

function summaryTable(reports: readonly ConformanceReport[]): string[] {
  const lines = ['| target | checks | ✅ pass | ❌ fail | ⚠️ warn | ⏭️ skip | 💥 error | time | verdict |', '|---|---:|---:|---:|---:|---:|---:|---:|---|'];
  for (const r of reports) {
    const s = r.summary;
    lines.push(
      `| ${mdCell(r.target)} | ${s.total} | ${s.pass} | ${s.fail} | ${s.warn} | ${s.skip} | ${s.error} | ${(r.durationMs / 1000).toFixed(2)} s | ${verdict(r)} |`,
    );
  }
  return lines;
}

const SEVERITY: Record<Outcome, number> = { fail: 0, error: 1, warn: 2, skip: 3, pass: 4 };

function notPassing(report: ConformanceReport): CheckResult[] {
  return report.checks
    .filter((r) => r.outcome === 'fail' || r.outcome === 'error' || r.outcome === 'warn')
    .sort((a, b) => SEVERITY[a.outcome] - SEVERITY[b.outcome]);
}

function failureTable(results: readonly CheckResult[]): string[] {
  const lines = ['| outcome | check | section | level | title | expected | actual |', '|---|---|---|---|---|---|---|'];
  for (const r of results) {
    const actual = r.outcome === 'error' ? `${r.reason ?? ''}${r.actual ? `; ${r.actual}` : ''}` : r.actual;
    lines.push(
      `| ${ICONS[r.outcome]} | ${mdCell(r.id)} | ${mdCell(r.section)} | ${r.level}${r.required ? ' (required)' : ''} | ${mdCell(r.title)} | ${mdCell(r.expected)} | ${mdCell(actual)} |`,
    );
  }
  return lines;
}

/** One row per root cause: what it is, its level, the sentence it breaks, and its checks. */
export function causeTable(rows: readonly CauseRow[]): string[] {
  const lines = ['| root cause | level | section | requirement | checks |', '|---|---|---|---|---|'];
  for (const r of rows) {
    lines.push(
      `| ${mdCell(r.cause)} | ${r.levels.join(', ')} | ${mdCell(r.section)} | ${mdCell(r.requirement ?? '')} | ${r.checks.map((c) => mdCell(c)).join('<br>')} |`,
    );
  }
  return lines;
}

export function renderConformanceMarkdown(report: ConformanceReport): string {
  const lines = [
    `## http-lab conformance: ${mdCell(report.target)}`,
    '',
    `${mdCell(report.url)}, started ${mdCell(report.startedAt)}: ${verdict(report)}.`,
    '',
    ...(report.profile !== undefined ? [`The target: ${mdCell(profileLine(report.profile))}.`, ''] : []),
    ...summaryTable([report]),
    '',
  ];
  const causes = causeRows(report, 'fail');
  if (causes.length > 0) lines.push(`### Root causes of the required failures: ${mdCell(causesLine(causes))}`, '', ...causeTable(causes), '');
  const bad = notPassing(report);
  if (bad.length === 0) lines.push('Every check that ran passed.', '');
  else lines.push(`### Checks that did not pass (${bad.length})`, '', ...failureTable(bad), '');
  const groups = skipGroups(report.checks);
  if (groups.length > 0) {
    lines.push(`${coverageLine(report)}. Skipped, by reason:`, '', '| checks | reason |', '|---:|---|');
    for (const g of groups) lines.push(`| ${g.count} | ${mdCell(g.reason)} |`);
    lines.push('');
  }
  const skipped = report.checks.filter((r) => r.outcome === 'skip');
  if (skipped.length > 0) {
    lines.push(`<details><summary>${skipped.length} skipped</summary>`, '', '| check | reason |', '|---|---|');
    for (const r of skipped) lines.push(`| ${mdCell(r.id)} | ${mdCell(r.reason ?? '')} |`);
    lines.push('', '</details>', '');
  }
  return `${lines.join('\n')}`;
}

export function renderMatrixMarkdown(reports: readonly ConformanceReport[]): string {
  const { targets, rows } = buildMatrix(reports);
  const head = [`| check | section | level | ${targets.map((t) => mdCell(t)).join(' | ')} |`, `|---|---|---|${targets.map(() => '---|').join('')}`];
  const row = (r: (typeof rows)[number]): string =>
    `| ${r.disagree ? '≠ ' : ''}${mdCell(r.id)} | ${mdCell(r.section)} | ${r.level} | ${r.results.map((x) => (x === undefined ? '–' : ICONS[x.outcome])).join(' | ')} |`;
  const disagreeing = rows.filter((r) => r.disagree);
  const lines = [`## http-lab conformance: ${targets.map((t) => mdCell(t)).join(', ')}`, '', ...summaryTable(reports), ''];
  if (disagreeing.length === 0) lines.push('The targets agree on every check.', '');
  else lines.push(`### Where the targets disagree (${disagreeing.length})`, '', ...head, ...disagreeing.map(row), '');
  for (const report of reports) {
    const bad = notPassing(report).filter((r) => r.outcome !== 'warn');
    if (bad.length === 0) continue;
    lines.push(`### ${mdCell(report.target)}: failures and errors (${bad.length})`, '', ...failureTable(bad), '');
  }
  lines.push(
    `<details><summary>All ${rows.length} checks × ${targets.length} targets</summary>`,
    '',
    ...head,
    ...disagreementsFirst(rows).map(row),
    '',
    '</details>',
    '',
  );
  return lines.join('\n');
}
