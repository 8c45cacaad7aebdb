// Renders a conformance report as text (one line per check, details under the ones that did not
// pass) or as JSON. Pure: (report, options) => string. Colour is decided by the caller (TTY,
// NO_COLOR), never detected here.
import { Chalk, type ChalkInstance } from 'chalk';
import type { CheckResult, ConformanceReport, Outcome } from '../conformance/types.js';
import { causeRows, causesLine } from './conformance-causes.js';
import { coverageLine, profileLine, skipGroups } from './conformance-coverage.js';

export interface ConformanceTextOptions {
  /** add details and the escaped wire trace under every check */
  verbose?: boolean;
  color?: boolean;
}

/** characters of each direction of a trace shown under -v */
const TRACE_LIMIT = 2000;
const INDENT = '        ';

const LABELS: Record<Outcome, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP', error: 'ERROR' };

/** Colours a label by outcome: the one colour scheme of every terminal renderer. */
export function paintByOutcome(paint: ChalkInstance, outcome: Outcome | undefined, label: string): string {
  switch (outcome) {
    case 'pass':
      return paint.green(label);
    case 'fail':
      return paint.red.bold(label);
    case 'warn':
      return paint.yellow(label);
    case 'error':
      return paint.magenta(label);
    default:
      return paint.gray(label);
  }
}

function paintOutcome(paint: ChalkInstance, outcome: Outcome): string {
  return paintByOutcome(paint, outcome, LABELS[outcome].padEnd(5));
}

function indentBlock(text: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `${INDENT}  ${line}`)
    .join('\n');
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length - limit} more characters)`;
}

function details(r: CheckResult, verbose: boolean, paint: ChalkInstance): string[] {
  const lines: string[] = [];
  const failed = r.outcome === 'fail' || r.outcome === 'warn';
  if (r.reason !== undefined) lines.push(`${INDENT}reason:      ${r.reason}`);
  if (r.requirement !== undefined && (failed || verbose)) lines.push(`${INDENT}requirement: ${paint.dim(`"${r.requirement}"`)}`);
  if (r.rationale !== undefined && (failed || verbose)) lines.push(`${INDENT}why required: ${paint.dim(r.rationale)}`);
  if (r.expected && (failed || r.outcome === 'error' || verbose)) lines.push(`${INDENT}expected:    ${r.expected}`);
  if (r.actual && (failed || verbose)) lines.push(`${INDENT}actual:      ${r.actual}`);
  if (verbose && r.trace) {
    lines.push(`${INDENT}sent:`, indentBlock(truncate(r.trace.sent, TRACE_LIMIT)));
    lines.push(`${INDENT}received:`, indentBlock(truncate(r.trace.received || '(nothing)', TRACE_LIMIT)));
  }
  return lines;
}

export function renderConformanceText(report: ConformanceReport, opts: ConformanceTextOptions = {}): string {
  const paint = new Chalk({ level: opts.color ? 1 : 0 });
  const verbose = opts.verbose ?? false;
  const lines = [paint.bold(`http-lab conformance: ${report.target} (${report.url}), ${report.startedAt}, ${report.durationMs} ms`)];
  if (report.profile !== undefined) lines.push(`target: ${profileLine(report.profile)}`);
  lines.push('');
  for (const r of report.checks) {
    const branch = r.branch !== undefined ? paint.dim(` [${r.branch}]`) : '';
    lines.push(`${paintOutcome(paint, r.outcome)} ${r.id}  ${paint.dim(`${r.section} ${r.level}`)}  ${r.title}${branch}`);
    lines.push(...details(r, verbose, paint));
  }
  const s = report.summary;
  lines.push('', `${s.total} checks: ${s.pass} pass, ${s.fail} fail, ${s.warn} warn, ${s.skip} skip, ${s.error} error`);
  // One server fault fails every check that exercises it: the causes are what there is to fix.
  const failed = causeRows(report, 'fail');
  if (failed.length > 0) {
    lines.push(`required failures: ${causesLine(failed)}:`);
    for (const c of failed) lines.push(`  ${paintByOutcome(paint, 'fail', c.cause)} (${c.levels.join(', ')}, ${c.section}): ${c.checks.join(', ')}`);
  }
  const warned = causeRows(report, 'warn');
  if (warned.length > 0) lines.push(`warnings: ${causesLine(warned)}`);
  const groups = skipGroups(report.checks);
  if (groups.length > 0) {
    lines.push(`${coverageLine(report)}:`);
    for (const g of groups) lines.push(`  ${String(g.count).padStart(3)} ${g.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderConformanceJson(report: ConformanceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
