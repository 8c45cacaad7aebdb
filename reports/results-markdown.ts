// The combined results as GitHub-flavoured Markdown, for a README or $GITHUB_STEP_SUMMARY: the
// one-glance summary, the load table with its warnings, then the conformance comparison.
// Pure: (results) => string.
import { engineLimits, engineName } from './engine.js';
import type { BenchResult } from '../loadtest/types.js';
import { flags, thousands, total } from './bench-text.js';
import { mdCell, renderConformanceMarkdown, renderMatrixMarkdown } from './conformance-markdown.js';
import type { LabResults } from './model.js';
import { conformanceCell, summarizeResults } from './summary.js';

export function renderResultsMarkdown(results: LabResults): string {
  const m = results.machine;
  const lines: string[] = [
    `# http-lab results`,
    '',
    `http-lab ${mdCell(results.version)}, ${mdCell(results.createdAt)}; ${m.cpus} × ${mdCell(m.cpuModel)}, Node ${mdCell(m.node)}, Linux ${mdCell(m.kernel)}.`,
    '',
  ];
  for (const note of results.notes) lines.push(`> **Note:** ${mdCell(note, 1000)}`, '');
  const { scenarios, rows } = summarizeResults(results);
  const head = ['target', 'conformance', ...scenarios.flatMap((s) => [`${mdCell(s)} rps`, `${mdCell(s)} p99`])];
  lines.push('## Summary', '', `| ${head.join(' | ')} |`, `|---|---|${scenarios.map(() => '---:|---:|').join('')}`);
  for (const row of rows) {
    const cells = row.cells.flatMap((cell) => {
      if (cell === undefined) return ['–', '–'];
      const rps = `${thousands(cell.result.median.rps)}${cell.result.generatorBound ? ' ⚠️' : ''}`;
      return [cell.best ? `**${rps}**` : rps, us(cell.result.median.latencyUs.p99)];
    });
    lines.push(`| ${[mdCell(row.target), conformanceCell(row.conformance), ...cells].join(' | ')} |`);
  }
  lines.push('');
  if (scenarios.length > 0) lines.push('Bold: the highest rps of its scenario. ⚠️: generator-bound, so the server may be faster.', '');

  const bench = results.bench;
  if (bench && bench.results.length > 0) {
    const first = bench.results[0]!;
    lines.push(
      '## Load',
      '',
      `${engineName(bench.generator)}; medians of ${first.runs.length} run${first.runs.length === 1 ? '' : 's'} of ${first.durationS} s after a ${first.warmupS} s warm-up. ${bench.results.some((r) => r.model === 'open') ? "Open model: latency from each request's intended start to its response (corrected for coordinated omission)." : 'Latency from request written to response read.'} CPU in % of one core; PSS is the peak over the server's processes with every page counted once; RSS sum counts a page shared by N processes N times.`,
      '',
      ...engineLimits(bench.generator).flatMap((l) => [`Note: ${l}.`, '']),
      '| target | scenario | connections | rps | ±cv | p50 | p90 | p99 | p99.9 | errors/timeouts/non-2xx | server CPU | server PSS | RSS sum | generator CPU | flags |',
      '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
      ...bench.results.map(loadRow),
      '',
    );
    const warned = bench.results.filter((r) => r.warnings.length > 0);
    if (warned.length > 0) {
      lines.push('<details><summary>Warnings</summary>', '');
      for (const r of warned) for (const w of r.warnings) lines.push(`- **${mdCell(r.target)} ${mdCell(r.scenario)}**: ${mdCell(w.message, 1000)}`);
      lines.push('', '</details>', '');
    }
  }
  if (bench && bench.refused.length > 0) {
    lines.push('### Not measured (failed the check before load)', '');
    for (const x of bench.refused) lines.push(`- **${mdCell(x.target)} ${mdCell(x.scenario)}**: ${mdCell(x.reason, 1000)}`);
    lines.push('');
  }
  if (results.conformance.length === 1) lines.push(demote(renderConformanceMarkdown(results.conformance[0]!)));
  else if (results.conformance.length > 1) lines.push(demote(renderMatrixMarkdown(results.conformance)));
  return `${lines.join('\n').trimEnd()}\n`;
}

function loadRow(r: BenchResult): string {
  const m = r.median;
  const mib = (bytes: number | null): string => (bytes === null ? '?' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);
  const cpu = m.serverCpuPct === null ? '?' : `${m.serverCpuPct.toFixed(0)}%`;
  const cv = r.runs.length > 1 ? `${(r.spread.rpsCv * 100).toFixed(1)}%` : '–';
  const conns = `${r.connections}${r.pipelining > 1 ? ` × ${r.pipelining}` : ''}`;
  return `| ${mdCell(r.target)} | ${mdCell(r.scenario)} | ${conns} | ${thousands(m.rps)} | ${cv} | ${us(m.latencyUs.p50)} | ${us(m.latencyUs.p90)} | ${us(m.latencyUs.p99)} | ${us(m.latencyUs.p999)} | ${total(r, 'errors')}/${total(r, 'timeouts')}/${total(r, 'non2xx')} | ${cpu} | ${mib(m.serverPssBytes)} | ${mib(m.serverRssBytes)} | ${m.generatorCpuPct.toFixed(0)}% | ${flags(r) || '–'} |`;
}

/** µs as µs below 10 ms, then ms, then s: latency spans six decades. */
export function us(value: number): string {
  if (value < 10_000) return `${thousands(value)} µs`;
  if (value < 1_000_000) return `${(value / 1000).toFixed(value < 100_000 ? 1 : 0)} ms`;
  return `${(value / 1e6).toFixed(value < 10_000_000 ? 2 : 1)} s`;
}

/** The conformance renderers start at "##"; under the results' "#" title they become sections. */
function demote(markdown: string): string {
  return markdown.replace(/^## http-lab conformance: /m, '## Conformance: ');
}
