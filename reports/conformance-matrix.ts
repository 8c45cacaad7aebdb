// Several targets, one catalogue: the checks × targets matrix, in the manner of cache-tests.fyi.
// The rows that matter are those where the targets disagree (one passes what another fails): they
// are marked and listed first. Pure: (reports, options) => string.
import { Chalk, type ChalkInstance } from 'chalk';
import type { CheckResult, ConformanceMatrixReport, ConformanceReport, Level, Outcome } from '../conformance/types.js';
import { paintByOutcome } from './conformance-text.js';

export interface MatrixRow {
  id: string;
  section: string;
  level: Level;
  title: string;
  /** required on at least one target (under --strict, SHOULD checks are) */
  required: boolean;
  /** one per report, in the reports' order; undefined where that report lacks the check */
  results: Array<CheckResult | undefined>;
  /** at least one target passes it and at least one fails or warns */
  disagree: boolean;
}

export interface Matrix {
  targets: string[];
  rows: MatrixRow[];
}

/** Rows in catalogue order (the first report's, then any check only a later report has). */
export function buildMatrix(reports: readonly ConformanceReport[]): Matrix {
  const order: string[] = [];
  const first = new Map<string, CheckResult>();
  for (const report of reports) {
    for (const r of report.checks) {
      if (first.has(r.id)) continue;
      first.set(r.id, r);
      order.push(r.id);
    }
  }
  const byId = reports.map((report) => new Map(report.checks.map((r) => [r.id, r])));
  const rows = order.map((id): MatrixRow => {
    const base = first.get(id)!;
    const results = byId.map((m) => m.get(id));
    const outcomes = results.map((r) => r?.outcome);
    const disagree = outcomes.includes('pass') && (outcomes.includes('fail') || outcomes.includes('warn'));
    return {
      id,
      section: base.section,
      level: base.level,
      title: base.title,
      required: results.some((r) => r?.required === true),
      results,
      disagree,
    };
  });
  return { targets: reports.map((r) => r.target), rows };
}

/** The rows where targets disagree first, each group in catalogue order. */
export function disagreementsFirst(rows: readonly MatrixRow[]): MatrixRow[] {
  return [...rows.filter((r) => r.disagree), ...rows.filter((r) => !r.disagree)];
}

export function matrixDocument(reports: readonly ConformanceReport[]): ConformanceMatrixReport {
  return { schema: 'http-lab/conformance-matrix@1', targets: reports.map((r) => r.target), reports: [...reports] };
}

export function renderMatrixJson(reports: readonly ConformanceReport[]): string {
  return `${JSON.stringify(matrixDocument(reports), null, 2)}\n`;
}

const LABELS: Record<Outcome, string> = { pass: 'pass', fail: 'FAIL', warn: 'warn', skip: 'skip', error: 'ERROR' };

function paintLabel(paint: ChalkInstance, outcome: Outcome | undefined, width: number): string {
  return paintByOutcome(paint, outcome, (outcome === undefined ? '-' : LABELS[outcome]).padEnd(width));
}

export interface MatrixTextOptions {
  color?: boolean;
  /** also show the details of warnings, and the requirement of every failure */
  verbose?: boolean;
}

const INDENT = '        ';

function summaryLine(report: ConformanceReport): string {
  const s = report.summary;
  return `${s.total} checks: ${s.pass} pass, ${s.fail} fail, ${s.warn} warn, ${s.skip} skip, ${s.error} error (${report.durationMs} ms)`;
}

export function renderMatrixText(reports: readonly ConformanceReport[], opts: MatrixTextOptions = {}): string {
  const paint = new Chalk({ level: opts.color ? 1 : 0 });
  const { targets, rows } = buildMatrix(reports);
  const idWidth = Math.max(5, ...rows.map((r) => r.id.length));
  const levelWidth = Math.max(5, ...rows.map((r) => r.level.length));
  const widths = targets.map((t) => Math.max(5, t.length));
  const disagreeing = rows.filter((r) => r.disagree).length;
  const lines = [
    paint.bold(`http-lab conformance matrix: ${targets.join(', ')} (${reports[0]?.startedAt ?? ''})`),
    '',
    disagreeing > 0
      ? `The targets disagree on ${disagreeing} check${disagreeing === 1 ? '' : 's'}: marked *, listed first.`
      : 'The targets agree on every check.',
    '',
    `  ${'check'.padEnd(idWidth)}  ${'level'.padEnd(levelWidth)}  ${targets.map((t, i) => t.padEnd(widths[i]!)).join('  ')}`,
  ];
  for (const row of disagreementsFirst(rows)) {
    const mark = row.disagree ? paint.bold('*') : ' ';
    const cells = row.results.map((r, i) => paintLabel(paint, r?.outcome, widths[i]!)).join('  ');
    lines.push(`${mark} ${row.id.padEnd(idWidth)}  ${paint.dim(row.level.padEnd(levelWidth))}  ${cells}`.trimEnd());
  }
  lines.push('');
  const nameWidth = Math.max(...targets.map((t) => t.length));
  for (const report of reports) lines.push(`${report.target.padEnd(nameWidth)}  ${report.url}  ${summaryLine(report)}`);

  // What failed, and why, per target: the requirement, every allowed alternative, what came back.
  const shown = (r: CheckResult): boolean => r.outcome === 'fail' || r.outcome === 'error' || (opts.verbose === true && r.outcome === 'warn');
  for (const report of reports) {
    const bad = report.checks.filter(shown);
    if (bad.length === 0) continue;
    lines.push('', paint.bold(`${report.target}:`));
    for (const r of bad) {
      lines.push(`${paintLabel(paint, r.outcome, 5)} ${r.id}  ${paint.dim(r.section)}  ${r.title}`);
      if (r.reason !== undefined) lines.push(`${INDENT}reason:      ${r.reason}`);
      if (r.requirement !== undefined && r.outcome !== 'error') lines.push(`${INDENT}requirement: ${paint.dim(`"${r.requirement}"`)}`);
      if (r.expected) lines.push(`${INDENT}expected:    ${r.expected}`);
      if (r.actual) lines.push(`${INDENT}actual:      ${r.actual}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
