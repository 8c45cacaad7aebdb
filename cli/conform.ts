// `http-lab conform`: the checks run by the API (api/conform.ts), rendered in the format asked for,
// to stdout or --out; exit 1 when a target fails a required check.
import { writeFileSync } from 'node:fs';
import { conformReports, listChecks, type ConformOptions } from '../api/conform.js';
import { HttpLabUsageError } from '../api/errors.js';
import type { ConformanceReport } from '../conformance/types.js';
import { renderListJson, renderListMarkdown, renderListText } from '../reports/conformance-list.js';
import { renderConformanceJunit } from '../reports/conformance-junit.js';
import { renderConformanceMarkdown, renderMatrixMarkdown } from '../reports/conformance-markdown.js';
import { renderMatrixJson, renderMatrixText } from '../reports/conformance-matrix.js';
import { renderConformanceJson, renderConformanceText } from '../reports/conformance-text.js';
import { EXIT_FAILED, EXIT_OK } from './errors.js';

export type ConformFormat = 'text' | 'json' | 'junit' | 'markdown';

export interface ConformArgs extends ConformOptions {
  format: ConformFormat;
  out?: string;
  verbose: boolean;
  color: boolean;
  /** print the selected checks instead of running them */
  list?: boolean;
}

export async function conform(args: ConformArgs): Promise<number> {
  if (args.list) return list(args);
  const reports = await conformReports(args);
  const rendered = render(reports, args);
  if (args.out !== undefined) {
    writeFileSync(args.out, rendered);
    const counts = reports.map((r) => `${reports.length > 1 ? `${r.target} ` : ''}${r.summary.pass}/${r.summary.total} pass, ${r.summary.fail} fail`);
    process.stderr.write(`wrote ${args.out}: ${counts.join('; ')}\n`);
  } else {
    process.stdout.write(rendered);
  }
  return reports.some((r) => r.summary.fail > 0) ? EXIT_FAILED : EXIT_OK;
}

function render(reports: ConformanceReport[], args: ConformArgs): string {
  const color = args.color && args.out === undefined;
  if (args.format === 'junit') return renderConformanceJunit(reports);
  if (reports.length === 1) {
    const report = reports[0]!;
    switch (args.format) {
      case 'json':
        return renderConformanceJson(report);
      case 'markdown':
        return renderConformanceMarkdown(report);
      case 'text':
        return renderConformanceText(report, { verbose: args.verbose, color });
    }
  }
  switch (args.format) {
    case 'json':
      return renderMatrixJson(reports);
    case 'markdown':
      return renderMatrixMarkdown(reports);
    case 'text':
      return renderMatrixText(reports, { verbose: args.verbose, color });
  }
}

function list(args: ConformArgs): number {
  const listing = listChecks(args);
  if (args.format === 'junit') throw new HttpLabUsageError('--list prints text, json or markdown (junit reports a run)');
  const rendered = args.format === 'json' ? renderListJson(listing) : args.format === 'markdown' ? renderListMarkdown(listing) : renderListText(listing);
  if (args.out !== undefined) {
    writeFileSync(args.out, rendered);
    process.stderr.write(`wrote ${args.out}: ${listing.total} checks\n`);
  } else {
    process.stdout.write(rendered);
  }
  return EXIT_OK;
}
