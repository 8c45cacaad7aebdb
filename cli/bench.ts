// `http-lab bench`: the load run by the API (api/bench.ts), with progress on stderr, the report on
// stdout or --out; exit 1 when a target was refused before load.
import { writeFileSync } from 'node:fs';
import { bench as measureBench, type BenchOptions } from '../api/bench.js';
import { renderBenchText } from '../reports/bench-text.js';
import { EXIT_FAILED, EXIT_OK } from './errors.js';

export type BenchFormat = 'text' | 'json';

export interface BenchArgs extends BenchOptions {
  format: BenchFormat;
  out?: string;
  color: boolean;
}

export async function bench(args: BenchArgs): Promise<number> {
  const { format, out, color, ...options } = args;
  const report = await measureBench(options);
  const rendered = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderBenchText(report, { color: color && out === undefined });
  if (out !== undefined) {
    writeFileSync(out, rendered);
    process.stderr.write(`wrote ${out}: ${report.results.length} results${report.refused.length > 0 ? `, ${report.refused.length} refused` : ''}\n`);
  } else {
    process.stdout.write(rendered);
  }
  for (const r of report.refused) process.stderr.write(`http-lab: ${r.target} was not measured on ${r.scenario}: ${r.reason}\n`);
  return report.refused.length > 0 ? EXIT_FAILED : EXIT_OK;
}
