// The gate's verdict as Markdown (for $GITHUB_STEP_SUMMARY and PR comments) and as terminal text,
// and a calibration's noise floor. Pure: (document) => string.
import { Chalk } from 'chalk';
import { GATED_METRICS, type MetricKey } from '../ci/metrics.js';
import type { ConformanceRegression, GateReport, GateSettings, MetricComparison, SampleSet } from '../ci/model.js';
import type { MachineDescription } from '../loadtest/types.js';
import { mdCell } from './conformance-markdown.js';
import { machineLine } from '../loadtest/machine.js';

const VERDICT_ICON = { regression: '❌ regression', improvement: '✅ improvement', unchanged: '✅ unchanged', inconclusive: '➖ within noise' } as const;

function pct(x: number): string {
  const rounded = (x * 100).toFixed(1);
  // no "-0.0%": a change that rounds to nothing has no direction
  return rounded === '-0.0' ? '+0.0%' : `${x >= 0 ? '+' : ''}${rounded}%`;
}

function value(x: number, unit: string): string {
  if (unit === 'bytes') return `${(x / 2 ** 20).toFixed(1)} MiB`;
  if (unit === 'µs CPU') return `${x.toFixed(1)} µs`;
  if (unit === 'µs') return x < 10_000 ? `${Math.round(x).toLocaleString('en-US')} µs` : `${(x / 1000).toFixed(1)} ms`;
  return Math.round(x).toLocaleString('en-US');
}

function settingsLine(s: GateSettings): string {
  const targets = [...(s.url ? [s.url] : []), ...s.targets].join(', ');
  return `${targets}; ${s.scenarios.join(', ')}; ${s.runs} runs of ${s.durationS} s after ${s.warmupS} s of warm-up; reference: ${s.reference === 'none' ? 'none (raw figures)' : `the built-in ${s.reference} server, run beside each run`}`;
}

export function renderGateMarkdown(report: GateReport): string {
  const failed = report.verdict === 'regression';
  const lines = [
    `## http-lab gate: ${failed ? '❌ regression' : '✅ no regression'}`,
    '',
    `${mdCell(settingsLine(report.settings), 1000)}. Baseline of ${mdCell(report.baseline.createdAt)} (${report.baseline.sessions} sessions, http-lab ${mdCell(report.baseline.version)}), on ${mdCell(machineLine(report.baseline.machine))}; now on ${mdCell(machineLine(report.machine))}.`,
    '',
    `A metric regresses only when the whole bootstrap 95% interval of its change lies beyond its threshold: ${Math.round(report.threshold * 100)}%, or the noise floor measured for the baseline where that is larger. Changes are of each figure over the reference's in the same run.`,
    '',
    '| target | scenario | metric | baseline | now | change | 95% interval | threshold | verdict |',
    '|---|---|---|---:|---:|---:|---|---:|---|',
    ...report.comparisons.map(
      (c) =>
        `| ${mdCell(c.target)} | ${mdCell(c.scenario)} | ${c.label} (${c.better} is better) | ${value(c.baseline, c.unit)} | ${value(c.current, c.unit)} | ${pct(c.change)} | ${pct(c.low)} … ${pct(c.high)} | ±${(c.threshold * 100).toFixed(1)}% | ${c.verdict === 'regression' ? '**❌ regression**' : VERDICT_ICON[c.verdict]} |`,
    ),
    '',
  ];
  for (const r of report.conformance) {
    lines.push(
      `### ❌ ${mdCell(r.target)}: required checks that passed in the baseline and fail now (${r.checks.length}, ${rootCauses(r)})`,
      '',
      '| check | title | outcome | actual |',
      '|---|---|---|---|',
    );
    for (const c of r.checks) lines.push(`| ${mdCell(c.id)} | ${mdCell(c.title)} | ${c.outcome} | ${mdCell(c.actual)} |`);
    lines.push('');
  }
  for (const note of report.notes) lines.push(`> ${mdCell(note, 1000)}`, '');
  return `${lines.join('\n')}`;
}

export function renderGateText(report: GateReport, options: { color: boolean }): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const failed = report.verdict === 'regression';
  const lines = [
    chalk.bold(`http-lab gate: ${failed ? chalk.red('REGRESSION') : chalk.green('no regression')}`),
    settingsLine(report.settings),
    `baseline ${report.baseline.createdAt} (${report.baseline.sessions} sessions) on ${machineLine(report.baseline.machine)}; now on ${machineLine(report.machine)}`,
    '',
  ];
  const header = ['target', 'scenario', 'metric', 'baseline', 'now', 'change', '95% interval', 'threshold', 'verdict'];
  const rows = report.comparisons.map((c: MetricComparison) => [
    c.target,
    c.scenario,
    c.label,
    value(c.baseline, c.unit),
    value(c.current, c.unit),
    pct(c.change),
    `${pct(c.low)} … ${pct(c.high)}`,
    `±${(c.threshold * 100).toFixed(1)}%`,
    c.verdict,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i >= 3 && i <= 7 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  lines.push(chalk.bold(line(header)));
  rows.forEach((r, i) => lines.push(report.comparisons[i]!.verdict === 'regression' ? chalk.red(line(r)) : line(r)));
  for (const r of report.conformance) {
    lines.push('', chalk.red(`${r.target}: required checks that passed in the baseline fail now (${r.checks.length}, ${rootCauses(r)}):`));
    for (const c of r.checks) lines.push(chalk.red(`  ${c.outcome.toUpperCase()} ${c.id}: ${c.title}`));
  }
  for (const note of report.notes) lines.push('', `note: ${note}`);
  lines.push(
    '',
    'A regression needs the whole 95% interval beyond the threshold (the larger of --threshold and the noise floor); "inconclusive" is within noise.',
  );
  return `${lines.join('\n')}\n`;
}

export interface CalibrationDoc {
  createdAt: string;
  machine: MachineDescription;
  settings: GateSettings;
  sessions: number;
  noiseFloor: Record<MetricKey, number>;
  samples: SampleSet[];
}

export function renderCalibrationText(doc: CalibrationDoc): string {
  const lines = [
    `http-lab gate calibrate: ${doc.sessions} A/A sessions of ${settingsLine(doc.settings)}`,
    `on ${machineLine(doc.machine)}`,
    '',
    'noise floor (largest change between two sessions of the same build, per metric):',
    ...GATED_METRICS.map((m) => `  ${m.label.padEnd(12)} ±${(doc.noiseFloor[m.key] * 100).toFixed(1)}%`),
    '',
    'The gate applies the larger of --threshold and this floor to each metric.',
  ];
  return `${lines.join('\n')}\n`;
}

/** "2 root causes: allow-on-405 (5 checks), host-invalid" */
function rootCauses(r: ConformanceRegression): string {
  // a gate report written before causes were recorded has none
  const causes = r.causes ?? [];
  const named = causes.map((c) => (c.checks.length === 1 ? c.cause : `${c.cause} (${c.checks.length} checks)`));
  return `${causes.length} root cause${causes.length === 1 ? '' : 's'}${named.length > 0 ? `: ${named.join(', ')}` : ''}`;
}
