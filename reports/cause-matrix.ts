// The published matrix: root causes × servers, in the manner of cache-tests.fyi. A row is one server
// fault (a cause: every check that exercises it), a column one server; a cell says whether that
// server has the fault (its checks failed, or warned for a SHOULD), is free of it, or could not be
// judged (skipped, erred). Every required failure names the RFC sentence it breaks, and each server
// gets a short summary. Pure: (reports, options) => string, Markdown or self-contained HTML.
import type { CheckResult, ConformanceReport, Level } from '../conformance/types.js';
import { mdCell } from './conformance-markdown.js';
import { escapeHtml as esc } from './svg-charts.js';

export type CellState = 'fail' | 'warn' | 'pass' | 'partial' | 'skip' | 'error' | 'absent';

export interface CauseCell {
  state: CellState;
  /** the cause's checks on this server that failed or warned */
  failing: CheckResult[];
  /** how many of its checks this server ran (not skipped) */
  judged: number;
}

export interface CauseMatrixRow {
  cause: string;
  level: Level;
  required: boolean;
  section: string;
  requirement: string;
  rationale?: string;
  /** every check of the cause, in catalogue order */
  checks: string[];
  cells: CauseCell[];
}

export interface CauseMatrix {
  targets: string[];
  /** causes with a failure or warning on at least one server, required first, then most servers */
  rows: CauseMatrixRow[];
}

const LEVEL_RANK: Record<Level, number> = { MUST: 0, security: 1, robustness: 2, architecture: 3, SHOULD: 4, MAY: 5 };

function cellOf(results: CheckResult[]): CauseCell {
  if (results.length === 0) return { state: 'absent', failing: [], judged: 0 };
  const failing = results.filter((r) => r.outcome === 'fail' || r.outcome === 'warn');
  const judged = results.filter((r) => r.outcome !== 'skip').length;
  let state: CellState;
  if (results.some((r) => r.outcome === 'fail')) state = 'fail';
  else if (failing.length > 0) state = 'warn';
  else if (results.some((r) => r.outcome === 'error')) state = 'error';
  else if (judged === 0) state = 'skip';
  else state = judged === results.length ? 'pass' : 'partial';
  return { state, failing, judged };
}

/** The rows: each cause that some server fails or warns on. */
export function buildCauseMatrix(reports: readonly ConformanceReport[]): CauseMatrix {
  const order: string[] = [];
  const first = new Map<string, CheckResult>();
  const members = new Map<string, string[]>();
  for (const report of reports) {
    for (const r of report.checks) {
      // a document written before causes were recorded has none
      const cause = r.cause ?? r.id;
      if (!first.has(cause)) {
        first.set(cause, r);
        order.push(cause);
        members.set(cause, []);
      }
      const ids = members.get(cause)!;
      if (!ids.includes(r.id)) ids.push(r.id);
    }
  }
  const rows: CauseMatrixRow[] = [];
  for (const cause of order) {
    const ids = members.get(cause)!;
    const cells = reports.map((report) => cellOf(report.checks.filter((r) => ids.includes(r.id))));
    if (!cells.some((c) => c.state === 'fail' || c.state === 'warn')) continue;
    const base = first.get(cause)!;
    rows.push({
      cause,
      level: base.level,
      required: base.required,
      section: base.section,
      requirement: base.requirement ?? '',
      ...(base.rationale !== undefined ? { rationale: base.rationale } : {}),
      checks: ids,
      cells,
    });
  }
  const bad = (row: CauseMatrixRow): number => row.cells.filter((c) => c.state === 'fail' || c.state === 'warn').length;
  rows.sort((a, b) => Number(b.required) - Number(a.required) || LEVEL_RANK[a.level] - LEVEL_RANK[b.level] || bad(b) - bad(a));
  return { targets: reports.map((r) => r.target), rows };
}

/** Per server: its required failures and warnings counted as causes, and what it could not be judged on. */
export interface ServerSummary {
  target: string;
  failedCauses: number;
  failedChecks: number;
  /** of the failed causes, how many at each level */
  byLevel: Partial<Record<Level, number>>;
  warnedCauses: number;
  skipped: number;
  errors: number;
  total: number;
}

export function serverSummaries(reports: readonly ConformanceReport[], matrix: CauseMatrix = buildCauseMatrix(reports)): ServerSummary[] {
  return reports.map((report, i) => {
    const failed = matrix.rows.filter((r) => r.cells[i]!.state === 'fail');
    const byLevel: Partial<Record<Level, number>> = {};
    for (const r of failed) byLevel[r.level] = (byLevel[r.level] ?? 0) + 1;
    return {
      target: report.target,
      failedCauses: failed.length,
      failedChecks: report.summary.fail,
      byLevel,
      warnedCauses: matrix.rows.filter((r) => r.cells[i]!.state === 'warn').length,
      skipped: report.summary.skip,
      errors: report.summary.error,
      total: report.summary.total,
    };
  });
}

function levelCounts(s: ServerSummary): string {
  const parts = (Object.entries(s.byLevel) as Array<[Level, number]>).sort((a, b) => LEVEL_RANK[a[0]] - LEVEL_RANK[b[0]]).map(([l, n]) => `${l} ${n}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

const MD_CELL: Record<CellState, string> = { fail: '❌', warn: '⚠️', pass: '✅', partial: '✅', skip: '–', error: '💥', absent: '·' };

export interface CauseMatrixOptions {
  /** a line under the title: how and where the reports were made */
  provenance?: string;
  /** per target, a description (what it is, how it was started) */
  describe?: (target: string) => string | undefined;
}

export function renderCauseMatrixMarkdown(reports: readonly ConformanceReport[], opts: CauseMatrixOptions = {}): string {
  const matrix = buildCauseMatrix(reports);
  const summaries = serverSummaries(reports, matrix);
  const lines = ['# HTTP/1.1 conformance of the servers people run', ''];
  if (opts.provenance !== undefined) lines.push(opts.provenance, '');
  lines.push(
    '## Summary',
    '',
    'A root cause is one server fault; the checks that exercise it from different sides fail together and count once.',
    '',
    '| server | required failures: root causes | checks | warnings (SHOULD, MAY): root causes | skipped | errors |',
    '|---|---|---:|---:|---:|---:|',
  );
  for (const s of summaries) {
    lines.push(`| ${mdCell(s.target)} | ${s.failedCauses}${levelCounts(s)} | ${s.failedChecks} | ${s.warnedCauses} | ${s.skipped} | ${s.errors} |`);
  }
  lines.push('');
  if (opts.describe !== undefined) {
    for (const t of matrix.targets) {
      const d = opts.describe(t);
      if (d !== undefined) lines.push(`- **${mdCell(t)}**: ${mdCell(d, 400)}`);
    }
    lines.push('');
  }
  lines.push(
    '## Root causes × servers',
    '',
    '❌ the fault is there (a required check failed) · ⚠️ a SHOULD or MAY not met · ✅ free of it · – not judged (the check needs what the server does not give) · 💥 the harness could not judge',
    '',
    `| root cause | level | ${matrix.targets.map((t) => mdCell(t)).join(' | ')} |`,
    `|---|---|${matrix.targets.map(() => ':-:|').join('')}`,
  );
  for (const row of matrix.rows)
    lines.push(`| [${mdCell(row.cause)}](#${anchor(row.cause)}) | ${row.level} | ${row.cells.map((c) => MD_CELL[c.state]).join(' | ')} |`);
  lines.push('', '## Each root cause: the sentence it breaks, and what each server did', '');
  for (const row of matrix.rows) {
    lines.push(`### ${mdCell(row.cause)}`, '', `${row.section}, ${row.level}${row.required ? ', required' : ''}: "${mdCell(row.requirement, 2000)}"`, '');
    if (row.rationale !== undefined) lines.push(`Why required: ${mdCell(row.rationale, 2000)}`, '');
    lines.push(`Checks: ${row.checks.map((c) => `\`${c}\``).join(', ')}`, '');
    row.cells.forEach((cell, i) => {
      if (cell.failing.length === 0) return;
      lines.push(`- **${mdCell(matrix.targets[i]!)}**:`);
      for (const r of cell.failing) lines.push(`  - ${r.outcome === 'fail' ? '❌' : '⚠️'} \`${r.id}\`: ${mdCell(r.actual, 300)}${ownSentence(r, row)}`);
    });
    lines.push('');
  }
  return lines.join('\n');
}

/** A check of the cause that quotes another sentence than the cause's first one names it too, so
 * that every failure shows the sentence it breaks. */
function ownSentence(r: CheckResult, row: CauseMatrixRow): string {
  return r.requirement !== undefined && r.requirement !== row.requirement ? ` (${r.section}: "${mdCell(r.requirement, 2000)}")` : '';
}

function anchor(cause: string): string {
  return cause.toLowerCase().replace(/[^a-z0-9-]/g, '');
}

const HTML_CELL: Record<CellState, { mark: string; title: string }> = {
  fail: { mark: '✗', title: 'the fault is there: a required check failed' },
  warn: { mark: '!', title: 'a SHOULD or MAY not met' },
  pass: { mark: '✓', title: 'free of it' },
  partial: { mark: '✓', title: 'free of it where judged; some checks did not apply' },
  skip: { mark: '–', title: 'not judged: the checks need what the server does not give' },
  error: { mark: '?', title: 'the harness could not judge' },
  absent: { mark: '·', title: 'not run' },
};

export function renderCauseMatrixHtml(reports: readonly ConformanceReport[], opts: CauseMatrixOptions = {}): string {
  const matrix = buildCauseMatrix(reports);
  const summaries = serverSummaries(reports, matrix);
  const head = `<tr><th scope="col">root cause</th><th scope="col">level</th>${matrix.targets.map((t) => `<th scope="col" class="server">${esc(t)}</th>`).join('')}</tr>`;
  const rows = matrix.rows.map((row) => {
    const cells = row.cells
      .map((cell, i) => {
        const c = HTML_CELL[cell.state];
        const detail = cell.failing.map((r) => `${r.id}: ${r.actual}`).join('\n');
        return `<td class="cell ${cell.state}" title="${esc(`${matrix.targets[i]!}: ${c.title}${detail ? `\n${detail}` : ''}`)}">${c.mark}</td>`;
      })
      .join('');
    return `<tr><th scope="row"><a href="#${anchor(row.cause)}">${esc(row.cause)}</a><div class="req">${esc(row.section)}</div></th><td class="level ${row.level}">${esc(row.level)}</td>${cells}</tr>`;
  });
  const summary = summaries
    .map(
      (s) =>
        `<tr><th scope="row">${esc(s.target)}</th><td class="num${s.failedCauses > 0 ? ' bad' : ''}">${s.failedCauses}${esc(levelCounts(s))}</td><td class="num">${s.failedChecks}</td><td class="num">${s.warnedCauses}</td><td class="num">${s.skipped}</td><td class="num">${s.errors}</td><td>${esc(opts.describe?.(s.target) ?? '')}</td></tr>`,
    )
    .join('\n');
  const details = matrix.rows
    .map((row) => {
      const servers = row.cells
        .map((cell, i) =>
          cell.failing.length === 0
            ? ''
            : `<li><b>${esc(matrix.targets[i]!)}</b><ul>${cell.failing.map((r) => `<li><code>${esc(r.id)}</code>: ${esc(r.actual)}${r.requirement !== undefined && r.requirement !== row.requirement ? ` <span class="req">(${esc(r.section)}: <q>${esc(r.requirement)}</q>)</span>` : ''}</li>`).join('')}</ul></li>`,
        )
        .join('');
      return `<section id="${anchor(row.cause)}"><h3>${esc(row.cause)}</h3><p>${esc(row.section)}, ${esc(row.level)}${row.required ? ', required' : ''}: <q>${esc(row.requirement)}</q></p>${row.rationale !== undefined ? `<p class="why">Why required: ${esc(row.rationale)}</p>` : ''}<p class="checks">${row.checks.map((c) => `<code>${esc(c)}</code>`).join(' ')}</p><ul>${servers}</ul></section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>http-lab: HTTP/1.1 conformance of the servers people run</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1b2733;max-width:1400px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px}h3{font-size:15px;margin-bottom:4px}
table{border-collapse:collapse}th,td{border:1px solid #d5dde5;padding:4px 8px;text-align:left;vertical-align:top}
th.server{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}
td.cell{text-align:center;font-weight:700;width:28px}
td.fail{background:#f8d7da;color:#842029}td.warn{background:#fff3cd;color:#664d03}
td.pass,td.partial{background:#d1e7dd;color:#0f5132}td.skip,td.absent{color:#8a96a3}td.error{background:#e2d9f3}
td.level{font-size:12px;color:#4a5b6c}td.security{color:#842029;font-weight:600}
td.num{text-align:right}td.bad{color:#842029;font-weight:700}
.req{font-size:11px;color:#6b7a89;font-weight:400}.why{font-size:13px;color:#4a5b6c}
q{font-style:italic}code{font-size:12px}
</style></head><body>
<h1>HTTP/1.1 conformance of the servers people run</h1>
${opts.provenance !== undefined ? `<p>${esc(opts.provenance)}</p>` : ''}
<h2>Summary</h2>
<p>A root cause is one server fault; the checks that exercise it from different sides fail together and count once.</p>
<table><thead><tr><th>server</th><th>required failures: root causes</th><th>checks</th><th>warnings: root causes</th><th>skipped</th><th>errors</th><th>what it is</th></tr></thead><tbody>
${summary}
</tbody></table>
<h2>Root causes × servers</h2>
<p>✗ the fault is there (a required check failed) · ! a SHOULD or MAY not met · ✓ free of it · – not judged · ? the harness could not judge. Hover a cell for what the server did.</p>
<table class="matrix"><thead>${head}</thead><tbody>
${rows.join('\n')}
</tbody></table>
<h2>Each root cause: the sentence it breaks, and what each server did</h2>
${details}
</body></html>
`;
}
