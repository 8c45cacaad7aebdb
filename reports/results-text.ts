// The combined results on a terminal: the one-glance summary (conformance and, per scenario, rps
// and p99, the best marked), then the bench table with its warnings, then each target's failed
// conformance checks. Pure: (results, options) => string.
import { Chalk } from 'chalk';
import { benchTableLines, thousands } from './bench-text.js';
import { engineLimits, engineName } from './engine.js';
import type { LabResults } from './model.js';
import { conformanceCell, summarizeResults } from './summary.js';

export interface ResultsTextOptions {
  color: boolean;
}

export function renderResultsText(results: LabResults, options: ResultsTextOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const m = results.machine;
  const lines: string[] = [
    chalk.bold(`http-lab ${results.version} results, ${results.createdAt}: ${m.cpus} × ${m.cpuModel}, Node ${m.node}, Linux ${m.kernel}`),
  ];
  for (const note of results.notes) lines.push(chalk.yellow(`note: ${note}`));
  lines.push('', ...summaryTable(results, chalk));
  if (results.bench && results.bench.results.length + results.bench.refused.length > 0) {
    lines.push(
      '',
      chalk.bold('Load'),
      `load generator: ${engineName(results.bench.generator)}`,
      ...engineLimits(results.bench.generator).map((l) => `note: ${l}`),
      ...benchTableLines(results.bench.results, results.bench.refused, options),
    );
  }
  const failing = results.conformance.filter((r) => r.summary.fail + r.summary.error > 0);
  if (failing.length > 0) {
    lines.push('', chalk.bold('Conformance failures and errors'));
    for (const report of failing) {
      for (const c of report.checks.filter((x) => x.outcome === 'fail' || x.outcome === 'error')) {
        lines.push(`  ${report.target}  ${c.outcome === 'fail' ? chalk.red('FAIL ') : chalk.magenta('ERROR')} ${c.id} (${c.section}): ${c.title}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function summaryTable(results: LabResults, chalk: InstanceType<typeof Chalk>): string[] {
  const { scenarios, rows } = summarizeResults(results);
  const header = ['target', 'conformance', ...scenarios.flatMap((s) => [`${s} rps`, 'p99 µs'])];
  const body = rows.map((row) => [
    row.target,
    conformanceCell(row.conformance),
    ...row.cells.flatMap((cell) =>
      cell === undefined
        ? ['–', '–']
        : [
            `${cell.best ? '*' : ''}${thousands(cell.result.median.rps)}${cell.result.generatorBound ? ' (GEN)' : ''}`,
            thousands(cell.result.median.latencyUs.p99),
          ],
    ),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [chalk.bold(line(header)), ...body.map((r) => line(r))];
  if (scenarios.length > 0) out.push('', '* the highest rps of its scenario; (GEN) generator-bound: the server may be faster');
  return out;
}
