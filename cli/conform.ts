// `http-lab conform`: runs the conformance catalogue, or the part of it that --only, --skip and
// --level select, against built-in targets (each started here as a child process on an ephemeral
// port, run, and stopped before the next one starts, also on failure and on Ctrl-C) or any --url.
// One target gives the single-target report; several give a checks × targets matrix.
import { writeFileSync } from 'node:fs';
import { catalogue } from '../conformance/checks/index.js';
import { buildReport, DEFAULT_CONCURRENCY, probe, runConformance } from '../conformance/runner.js';
import { selectChecks, SelectionError, type LevelFilter } from '../conformance/selection.js';
import type { CatalogueListing, Check, ConformanceReport } from '../conformance/types.js';
import { renderListJson, renderListMarkdown, renderListText } from '../reports/conformance-list.js';
import { renderConformanceJunit } from '../reports/conformance-junit.js';
import { renderConformanceMarkdown, renderMatrixMarkdown } from '../reports/conformance-markdown.js';
import { renderMatrixJson, renderMatrixText } from '../reports/conformance-matrix.js';
import { renderConformanceJson, renderConformanceText } from '../reports/conformance-text.js';
import type { RunningServer } from '../targets/running.js';
import { onInterrupt, stopAllTargets } from '../targets/stop-on-exit.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './errors.js';
import { bundledDocroot } from '../system/package.js';
import { checkTargetNames, parseHttpUrl, startTarget } from './targets.js';

export type ConformFormat = 'text' | 'json' | 'junit' | 'markdown';

export interface ConformArgs {
  /** built-in targets, run in turn */
  targets?: string[];
  url?: string;
  /** the existing resource for the checks that need one (default: /index.html where the fixtures are served, else /) */
  path?: string;
  /** the fixtures the fixture checks compare with, and the docroot built-in targets are started on */
  docroot?: string;
  format: ConformFormat;
  out?: string;
  timeout: number;
  concurrency?: number;
  strict: boolean;
  verbose: boolean;
  color: boolean;
  only?: string[];
  skip?: string[];
  level?: LevelFilter;
  /** print the selected checks instead of running them */
  list?: boolean;
}

export async function conform(args: ConformArgs): Promise<number> {
  const level = args.level ?? 'all';
  let checks: Check[];
  try {
    checks = selectChecks(catalogue, { only: args.only ?? [], skip: args.skip ?? [], level });
  } catch (err) {
    if (err instanceof SelectionError) throw new UsageError(err.message);
    throw err;
  }
  if (args.list) return list(checks, args, level);
  if (checks.length === 0) throw new UsageError(`no check is selected (--level ${level}${describePatterns(args)})`);

  const targets = [...new Set(args.targets ?? [])];
  checkTargetNames(targets);

  // Ctrl-C may land while a target is still starting, before it is known here.
  const removeInterruptHandler = onInterrupt(stopAllTargets);
  const reports: ConformanceReport[] = [];
  try {
    if (targets.length === 0) {
      const url = parseHttpUrl(args.url!);
      reports.push(await runAgainst(checks, url, url.origin, args, undefined));
    } else {
      reports.push(...(await conformTargets(targets, checks, args)));
    }
  } finally {
    removeInterruptHandler();
  }

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

export type ConformRunOptions = Pick<ConformArgs, 'timeout' | 'concurrency' | 'strict' | 'path' | 'docroot'>;

/** Starts each built-in target in turn on the bundled docroot, runs the checks against it and
 * stops it (also when a check run throws), before the next one starts. */
export async function conformTargets(
  names: readonly string[],
  checks: Check[],
  options: ConformRunOptions,
  progress: { onStart?: (target: string) => void; onReport?: (report: ConformanceReport) => void } = {},
): Promise<ConformanceReport[]> {
  const reports: ConformanceReport[] = [];
  for (const name of names) {
    progress.onStart?.(name);
    const server = await startTarget(name, options.docroot ?? bundledDocroot());
    try {
      const report = await runAgainst(checks, new URL(server.url), name, options, server);
      reports.push(report);
      progress.onReport?.(report);
    } finally {
      await server.stop();
    }
  }
  return reports;
}

export async function runAgainst(
  checks: Check[],
  url: URL,
  label: string,
  args: ConformRunOptions,
  server: RunningServer | undefined,
): Promise<ConformanceReport> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 80);
  try {
    await probe(host, port, Math.min(args.timeout, 5000));
  } catch (err) {
    throw new UsageError(`${label} is unreachable: ${(err as Error).message}`);
  }
  const startedAt = new Date();
  const { results, profiled } = await runConformance(
    checks,
    { host, port },
    {
      timeoutMs: args.timeout,
      ...(args.path !== undefined ? { path: args.path } : {}),
      ...(args.docroot !== undefined ? { docroot: args.docroot } : {}),
      concurrency: args.concurrency ?? (server?.serial ? 1 : (server?.concurrency ?? DEFAULT_CONCURRENCY)),
      strict: args.strict,
      // The pid lets architecture checks read /proc; the design (built-in servers only, never a
      // peer) says which fingerprint applies. A peer has no design, so every fingerprint skips.
      ...(server ? { pid: server.pid } : {}),
      ...(server?.design !== undefined ? { design: server.design } : {}),
    },
  );
  return buildReport(label, url.origin, results, startedAt.toISOString(), Date.now() - startedAt.getTime(), profiled?.profile);
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

function list(checks: Check[], args: ConformArgs, level: LevelFilter): number {
  if (args.format === 'junit') throw new UsageError('--list prints text, json or markdown (junit reports a run)');
  const listing: CatalogueListing = {
    schema: 'http-lab/catalogue@1',
    selection: { level, only: args.only ?? [], skip: args.skip ?? [], strict: args.strict },
    total: checks.length,
    checks: checks.map((c) => ({
      id: c.id,
      section: c.section,
      level: c.level,
      required: c.required || (args.strict && c.level === 'SHOULD'),
      title: c.title,
      requirement: c.requirement,
      ...(c.design !== undefined ? { design: c.design } : {}),
      needs: c.needs,
      ...(c.offers !== undefined ? { offers: c.offers } : {}),
    })),
  };
  const rendered = args.format === 'json' ? renderListJson(listing) : args.format === 'markdown' ? renderListMarkdown(listing) : renderListText(listing);
  if (args.out !== undefined) {
    writeFileSync(args.out, rendered);
    process.stderr.write(`wrote ${args.out}: ${checks.length} checks\n`);
  } else {
    process.stdout.write(rendered);
  }
  return EXIT_OK;
}

function describePatterns(args: ConformArgs): string {
  return [...(args.only ?? []).map((p) => ` --only ${p}`), ...(args.skip ?? []).map((p) => ` --skip ${p}`)].join('');
}
