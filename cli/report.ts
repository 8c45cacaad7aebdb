// `http-lab report`: one comparison from any mix of results@1, bench@1, conformance@1 and
// conformance-matrix@1 files, rendered as text, JSON, Markdown, HTML or JUnit.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderConformanceJunit } from '../reports/conformance-junit.js';
import { renderHtml } from '../reports/html.js';
import { mergeResults, ModelError, toResults, type LabResults } from '../reports/model.js';
import { renderResultsMarkdown } from '../reports/results-markdown.js';
import { renderResultsText } from '../reports/results-text.js';
import { HttpLabUsageError } from '../api/errors.js';
import { EXIT_OK } from './errors.js';

export type ReportFormat = 'text' | 'json' | 'markdown' | 'html' | 'junit';

export interface ReportArgs {
  inputs: string[];
  format: ReportFormat;
  out?: string;
  color: boolean;
}

export function report(args: ReportArgs): number {
  const results = loadResults(args.inputs);
  const rendered = renderResults(results, args.format, args.color && args.out === undefined);
  if (args.out !== undefined) {
    writeFileSync(args.out, rendered);
    process.stderr.write(`wrote ${args.out}\n`);
  } else {
    process.stdout.write(rendered);
  }
  return EXIT_OK;
}

/** Reads and merges the files; a missing, unreadable or foreign file is an HttpLabUsageError naming it. */
export function loadResults(paths: readonly string[]): LabResults {
  const parts = paths.map((path) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new HttpLabUsageError(`--in ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new HttpLabUsageError(`--in ${path}: not JSON (${(err as Error).message})`);
    }
    try {
      return { results: toResults(doc, path), source: path };
    } catch (err) {
      if (err instanceof ModelError) throw new HttpLabUsageError(err.message);
      throw err;
    }
  });
  return mergeResults(parts);
}

export function renderResults(results: LabResults, format: ReportFormat, color: boolean): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(results, null, 2)}\n`;
    case 'markdown':
      return renderResultsMarkdown(results);
    case 'html':
      return renderHtml(results);
    case 'junit':
      if (results.conformance.length === 0) throw new HttpLabUsageError('--format junit renders conformance results, and the inputs hold none');
      return renderConformanceJunit(results.conformance);
    case 'text':
      return renderResultsText(results, { color });
  }
}
