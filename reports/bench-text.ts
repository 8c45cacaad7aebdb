// The bench report on a terminal: one row per target and scenario with the median of each metric
// and the spread of rps, then every warning under its result. Flags in the table make a
// generator-bound or noisy figure impossible to read as a clean one. Pure: (report, options) => string.
import { Chalk } from 'chalk';
import { engineLimits, engineName } from './engine.js';
import type { BenchReport, BenchResult, Refusal } from '../loadtest/types.js';

export interface BenchTextOptions {
  color: boolean;
}

interface Column {
  title: string;
  right: boolean;
  cell(r: BenchResult): string;
}

const COLUMNS: Column[] = [
  { title: 'target', right: false, cell: (r) => r.target },
  { title: 'scenario', right: false, cell: (r) => r.scenario },
  { title: 'conns', right: true, cell: (r) => `${r.connections}${r.pipelining > 1 ? `×${r.pipelining}` : ''}` },
  { title: 'rps', right: true, cell: (r) => thousands(r.median.rps) },
  { title: '±cv', right: true, cell: (r) => (r.runs.length > 1 ? `${(r.spread.rpsCv * 100).toFixed(1)}%` : '-') },
  { title: 'p50 µs', right: true, cell: (r) => thousands(r.median.latencyUs.p50) },
  { title: 'p90', right: true, cell: (r) => thousands(r.median.latencyUs.p90) },
  { title: 'p99', right: true, cell: (r) => thousands(r.median.latencyUs.p99) },
  { title: 'p99.9', right: true, cell: (r) => thousands(r.median.latencyUs.p999) },
  { title: 'max', right: true, cell: (r) => thousands(r.median.latencyUs.max) },
  { title: 'mean', right: true, cell: (r) => thousands(r.median.latencyUs.mean) },
  { title: 'err/to/non2xx', right: true, cell: (r) => `${total(r, 'errors')}/${total(r, 'timeouts')}/${total(r, 'non2xx')}` },
  { title: 'srv CPU', right: true, cell: (r) => (r.median.serverCpuPct === null ? '?' : `${r.median.serverCpuPct.toFixed(0)}%`) },
  { title: 'srv PSS', right: true, cell: (r) => mib(r.median.serverPssBytes) },
  { title: 'RSS sum', right: true, cell: (r) => mib(r.median.serverRssBytes) },
  { title: 'gen CPU', right: true, cell: (r) => `${r.median.generatorCpuPct.toFixed(0)}%` },
  { title: 'flags', right: false, cell: flags },
];

/** The open model's own columns, shown where a result has them. */
const OPEN_COLUMNS: Column[] = [
  { title: 'rate', right: true, cell: (r) => (r.rate === undefined ? '-' : thousands(r.rate)) },
  { title: 'p99 uncorr.', right: true, cell: (r) => (r.median.uncorrectedLatencyUs === undefined ? '-' : thousands(r.median.uncorrectedLatencyUs.p99)) },
  { title: 'late', right: true, cell: (r) => (r.model === 'open' ? thousands(r.runs.reduce((n, x) => n + (x.late ?? 0), 0)) : '-') },
  { title: 'dropped', right: true, cell: (r) => (r.model === 'open' ? thousands(r.runs.reduce((n, x) => n + (x.dropped ?? 0), 0)) : '-') },
  {
    title: 'send lag p50/p99',
    right: true,
    cell: (r) => (r.median.sendLagUs === undefined ? '-' : `${thousands(r.median.sendLagUs.p50)}/${thousands(r.median.sendLagUs.p99)}`),
  },
];

function mib(bytes: number | null): string {
  return bytes === null ? '?' : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export function renderBenchText(report: BenchReport, options: BenchTextOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const m = report.machine;
  return (
    [
      chalk.bold(`http-lab bench: ${m.cpus} × ${m.cpuModel}, Node ${m.node}, Linux ${m.kernel}; ${engineName(report.generator)}`),
      ...engineLimits(report.generator).map((l) => `note: ${l}`),
      ...benchTableLines(report.results, report.refused, options),
    ].join('\n') + '\n'
  );
}

/** What the figures are, the table, the warnings, the refusals and the flags' key: for bench's
 * own output and for the combined results. */
export function benchTableLines(results: readonly BenchResult[], refused: readonly Refusal[], options: BenchTextOptions): string[] {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const lines: string[] = [];
  const first = results[0];
  const open = results.some((r) => r.model === 'open');
  if (first)
    lines.push(
      `medians of ${first.runs.length} run${first.runs.length === 1 ? '' : 's'} of ${first.durationS} s after a ${first.warmupS} s warm-up; ` +
        (open
          ? 'open model: latency in µs from each request\'s intended start to its response (corrected for coordinated omission), "p99 uncorr." from the actual send; late and dropped summed over the runs; '
          : 'latency in µs from request written to response read; ') +
        "CPU in % of one core; PSS is the peak over the server's processes with every page counted once, RSS sum counts a shared page once per process",
    );
  lines.push('');
  const columns = open ? [...COLUMNS.slice(0, -1), ...OPEN_COLUMNS, COLUMNS[COLUMNS.length - 1]!] : COLUMNS;
  const rows = results.map((r) => columns.map((c) => c.cell(r)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((row) => row[i]!.length)));
  const pad = (text: string, i: number): string => (columns[i]!.right ? text.padStart(widths[i]!) : text.padEnd(widths[i]!));
  lines.push(
    chalk.bold(
      columns
        .map((c, i) => pad(c.title, i))
        .join('  ')
        .trimEnd(),
    ),
  );
  results.forEach((r, k) => {
    const line = rows[k]!.map((cell, i) => pad(cell, i))
      .join('  ')
      .trimEnd();
    lines.push(r.generatorBound || r.warnings.length > 0 ? chalk.yellow(line) : line);
  });
  const custom = results.filter((r) => r.requests !== undefined);
  if (custom.length > 0) {
    lines.push('', chalk.bold('Requests'));
    for (const r of custom) {
      for (const q of r.requests!) {
        const weight = r.requests!.length > 1 ? ` ×${q.weight}` : '';
        const body = q.bodyBytes > 0 ? `, ${q.bodyBytes}-byte body` : '';
        lines.push(`  ${r.target} ${r.scenario}: ${q.method} ${q.path}${weight}${body}; expected ${q.expect}`);
      }
    }
  }
  // What an open connection costs: shown where connections are many enough to weigh.
  const perConnection = results.filter((r) => r.connections >= 100 && r.pssPerConnectionBytes !== undefined && r.pssPerConnectionBytes !== null);
  if (perConnection.length > 0) {
    lines.push('', chalk.bold('Memory per open connection (peak PSS − PSS at rest, ÷ connections)'));
    for (const r of perConnection)
      lines.push(`  ${r.target} ${r.scenario}: ${(r.pssPerConnectionBytes! / 1024).toFixed(1)} KiB over ${r.connections} connections`);
  }
  const warned = results.filter((r) => r.warnings.length > 0);
  if (warned.length > 0) {
    lines.push('', chalk.bold('Warnings'));
    for (const r of warned) for (const w of r.warnings) lines.push(`  ${r.target} ${r.scenario}: ${w.message}`);
  }
  if (refused.length > 0) {
    lines.push('', chalk.bold.red('Not measured (failed the check before load)'));
    for (const x of refused) lines.push(chalk.red(`  ${x.target} ${x.scenario}: ${x.reason}`));
  }
  lines.push('', FLAGS_KEY);
  return lines;
}

export const FLAGS_KEY =
  "flags: GEN = generator-bound (the load generator, not the server, was the limit); NOISY = runs more than 10% apart; LITTLE = rps and mean latency disagree (Little's law); FAIL = errors, timeouts or non-2xx responses; STALL = no response for a stretch while requests were outstanding; LATE = open model: requests waited for a connection or were dropped";

export function flags(r: BenchResult): string {
  const out: string[] = [];
  if (r.generatorBound) out.push('GEN');
  if (r.warnings.some((w) => w.code === 'noisy')) out.push('NOISY');
  if (r.warnings.some((w) => w.code === 'littles-law')) out.push('LITTLE');
  if (r.warnings.some((w) => w.code === 'failures')) out.push('FAIL');
  if (r.warnings.some((w) => w.code === 'stall')) out.push('STALL');
  if (r.warnings.some((w) => w.code === 'late')) out.push('LATE');
  return out.join(',');
}

export function total(r: BenchResult, key: 'errors' | 'timeouts' | 'non2xx'): number {
  return r.runs.reduce((sum, run) => sum + run[key], 0);
}

export function thousands(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}
