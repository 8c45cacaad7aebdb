// conform: runs the conformance catalogue, or the part of it that only, skip and level select,
// against built-in targets (each started here as a child process on an ephemeral port, run, and
// stopped before the next one starts, also on failure and on Ctrl-C) or any url. One target gives
// the single-target report; several give a checks × targets matrix.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { catalogue } from '../conformance/checks/index.js';
import { buildReport, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, probe, runConformance } from '../conformance/runner.js';
import { selectChecks, SelectionError, type LevelFilter } from '../conformance/selection.js';
import type { CatalogueListing, Check, ConformanceMatrixReport, ConformanceReport } from '../conformance/types.js';
import { matrixDocument } from '../reports/conformance-matrix.js';
import type { RunningServer } from '../targets/running.js';
import { onInterrupt, stopAllTargets } from '../targets/stop-on-exit.js';
import { bundledDocroot } from '../system/package.js';
import { HttpLabUsageError } from './errors.js';
import { checkTargetNames, parseHttpUrl, startTarget } from './targets.js';
import { checkPositive, checkPositiveInteger, fail } from './validate.js';

/** What `http-lab conform` takes, its flags in camelCase. */
export interface ConformOptions {
  /** built-in targets, started and checked in turn (several: a matrix) */
  targets?: string[];
  /** any running HTTP/1.1 server */
  url?: string;
  /** the existing resource for the checks that need one (default: /index.html where the fixtures are served, else /) */
  path?: string;
  /** the fixtures the fixture checks compare with, and the docroot built-in targets are started on */
  docroot?: string;
  /** per-check timeout in ms (default 5000) */
  timeout?: number;
  /** checks in flight at once (default 8; 1 for serial targets) */
  concurrency?: number;
  /** SHOULD checks become required */
  strict?: boolean;
  /** run only the checks matching one of these patterns */
  only?: string[];
  /** leave out the checks matching one of these patterns */
  skip?: string[];
  /** which levels to run (default all) */
  level?: LevelFilter;
}

/** Runs the checks against one url (a ConformanceReport) or built-in targets (one target: a
 * ConformanceReport; several: a ConformanceMatrixReport). A server that fails checks is no error:
 * the report says so. Bad options, an unknown target or an unreachable one throw HttpLabUsageError. */
export async function conform(options: ConformOptions & { url: string; targets?: undefined }): Promise<ConformanceReport>;
export async function conform(options: ConformOptions): Promise<ConformanceReport | ConformanceMatrixReport>;
export async function conform(options: ConformOptions): Promise<ConformanceReport | ConformanceMatrixReport> {
  const reports = await conformReports(options);
  return reports.length === 1 ? reports[0]! : matrixDocument(reports);
}

/** The options `conform` refuses, in the words of the CLI. */
export function checkConformOptions(o: ConformOptions, list = false): boolean {
  if (o.targets === undefined && o.url === undefined && !list) fail('give --target <name...> or --url <url>');
  if (o.targets !== undefined && o.url !== undefined) fail('Arguments target and url are mutually exclusive');
  if (o.targets !== undefined && o.targets.length === 0) fail('--target needs at least one name');
  if (o.path !== undefined && !/^\/[\x21-\x7e]*$/.test(o.path))
    fail(`--path must be an origin-form path: "/" then visible ASCII, no spaces (got ${JSON.stringify(o.path)})`);
  if (o.docroot !== undefined && !existsSync(join(o.docroot, 'index.html'))) fail(`--docroot ${o.docroot}: no index.html there`);
  return (
    (o.timeout === undefined || checkPositive('timeout', o.timeout)) && (o.concurrency === undefined || checkPositiveInteger('concurrency', o.concurrency))
  );
}

/** The checks the options select; none selected, or a pattern that matches nothing, is an HttpLabUsageError. */
export function selectedChecks(o: ConformOptions): Check[] {
  const level = o.level ?? 'all';
  try {
    return selectChecks(catalogue, { only: o.only ?? [], skip: o.skip ?? [], level });
  } catch (err) {
    if (err instanceof SelectionError) throw new HttpLabUsageError(err.message);
    throw err;
  }
}

/** One report per target, in the order given (the CLI renders them in its formats). */
export async function conformReports(o: ConformOptions): Promise<ConformanceReport[]> {
  checkConformOptions(o);
  const level = o.level ?? 'all';
  const checks = selectedChecks(o);
  if (checks.length === 0) throw new HttpLabUsageError(`no check is selected (--level ${level}${describePatterns(o)})`);

  const targets = [...new Set(o.targets ?? [])];
  checkTargetNames(targets);
  const options: ConformRunOptions = { ...o, timeout: o.timeout ?? DEFAULT_TIMEOUT_MS, strict: o.strict ?? false };

  // Ctrl-C may land while a target is still starting, before it is known here.
  const removeInterruptHandler = onInterrupt(stopAllTargets);
  try {
    if (targets.length === 0) {
      const url = parseHttpUrl(o.url!);
      return [await runAgainst(checks, url, url.origin, options, undefined)];
    }
    return await conformTargets(targets, checks, options);
  } finally {
    removeInterruptHandler();
  }
}

/** The selected checks, described without running them (`conform --list`). */
export function listChecks(o: ConformOptions): CatalogueListing {
  const checks = selectedChecks(o);
  const strict = o.strict ?? false;
  return {
    schema: 'http-lab/catalogue@1',
    selection: { level: o.level ?? 'all', only: o.only ?? [], skip: o.skip ?? [], strict },
    total: checks.length,
    checks: checks.map((c) => ({
      id: c.id,
      section: c.section,
      level: c.level,
      required: c.required || (strict && c.level === 'SHOULD'),
      title: c.title,
      requirement: c.requirement,
      ...(c.design !== undefined ? { design: c.design } : {}),
      needs: c.needs,
      ...(c.offers !== undefined ? { offers: c.offers } : {}),
    })),
  };
}

export interface ConformRunOptions {
  timeout: number;
  concurrency?: number;
  strict: boolean;
  path?: string;
  docroot?: string;
}

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
    throw new HttpLabUsageError(`${label} is unreachable: ${(err as Error).message}`);
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

function describePatterns(o: ConformOptions): string {
  return [...(o.only ?? []).map((p) => ` --only ${p}`), ...(o.skip ?? []).map((p) => ` --skip ${p}`)].join('');
}
