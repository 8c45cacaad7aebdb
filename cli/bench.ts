// `http-lab bench`: load on built-in targets (targets/measure.ts: each started as a child process on an ephemeral
// port, all of them up front so that their runs can be interleaved, and stopped at the end, also
// on failure and on Ctrl-C) or on one --url. Progress goes to stderr; the report to stdout or --out.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readRequestsFile, RequestFileError, type RequestEntry } from '../loadtest/requests.js';
import { fileEntry, VerificationError } from '../loadtest/verify.js';
import { findWrk } from '../loadtest/wrk.js';
import { findScenario, SCENARIO_NAMES, withOverrides, type Scenario, type ScenarioOverrides } from '../loadtest/scenarios.js';
import { renderBenchText } from '../reports/bench-text.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './errors.js';
import { checkTargetNames, measure, parseHttpUrl } from './targets.js';

export type BenchFormat = 'text' | 'json';

export interface BenchArgs {
  targets?: string[];
  url?: string;
  scenarios: string[];
  overrides: ScenarioOverrides;
  durationS: number;
  runs: number;
  warmupS: number;
  docroot: string;
  format: BenchFormat;
  out?: string;
  color: boolean;
  /** a progress bar (stderr is a terminal) rather than plain lines */
  progressBar: boolean;
  engine: 'autocannon' | 'wrk';
  /** pin the servers we start to the first CPU and the generator to the others */
  pin: boolean;
  /** what to send instead of a GET of the scenario's file, and what the answer must be */
  request?: RequestArgs;
}

/** The request options: one request (method, fields, body, expectation), or a mix from a file. */
export interface RequestArgs {
  method?: string;
  headers?: Array<[string, string]>;
  body?: string;
  bodyFile?: string;
  expectStatus?: number[];
  expectBodyFile?: string;
  /** a JSON file of weighted requests (loadtest/requests.ts) */
  requestsFile?: string;
}

export async function bench(args: BenchArgs): Promise<number> {
  if (!existsSync(args.docroot) || !statSync(args.docroot).isDirectory()) throw new UsageError(`--docroot ${args.docroot} is not a folder`);
  const url = args.url !== undefined ? parseHttpUrl(args.url) : undefined;
  const scenarios = resolveScenarios(args, url);
  const targetNames = [...new Set(args.targets ?? [])];
  checkTargetNames(targetNames);
  if (args.engine === 'wrk' && scenarios.some((s) => s.requests !== undefined && !isPlainGet(s.requests)))
    throw new UsageError('--engine wrk sends a GET of one path; another method, fields, a body or a --requests mix need --engine autocannon');
  const wrk = args.engine === 'wrk' ? findWrk() : undefined;
  if (args.engine === 'wrk' && wrk === undefined) throw new UsageError('--engine wrk: wrk is not installed (apt-get install wrk)');
  const report = await measure({
    targetNames,
    ...(url !== undefined ? { url } : {}),
    scenarios,
    durationS: args.durationS,
    runs: args.runs,
    warmupS: args.warmupS,
    docroot: args.docroot,
    progressBar: args.progressBar,
    ...(wrk !== undefined ? { wrk } : {}),
    pin: args.pin,
  });

  const rendered = args.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderBenchText(report, { color: args.color && args.out === undefined });
  if (args.out !== undefined) {
    writeFileSync(args.out, rendered);
    process.stderr.write(`wrote ${args.out}: ${report.results.length} results${report.refused.length > 0 ? `, ${report.refused.length} refused` : ''}\n`);
  } else {
    process.stdout.write(rendered);
  }
  for (const r of report.refused) process.stderr.write(`http-lab: ${r.target} was not measured on ${r.scenario}: ${r.reason}\n`);
  return report.refused.length > 0 ? EXIT_FAILED : EXIT_OK;
}

function resolveScenarios(args: BenchArgs, url: URL | undefined): Scenario[] {
  const names = [...new Set(args.scenarios)];
  return names.map((name) => {
    const scenario = findScenario(name);
    if (scenario === undefined) throw new UsageError(`unknown scenario "${name}" (scenarios: ${SCENARIO_NAMES.join(', ')})`);
    const s = withOverrides(scenario, args.overrides);
    if (s.newConnectionPerRequest && s.pipelining > 1)
      throw new UsageError(`--pipelining ${s.pipelining} cannot apply to the ${s.name} scenario, which sends one request per connection`);
    if (!s.path.startsWith('/')) throw new UsageError(`--path must start with / (got ${s.path})`);
    const requests = requestEntries(args, url, s);
    return requests === undefined ? s : { ...s, requests };
  });
}

function isPlainGet(entries: readonly RequestEntry[]): boolean {
  return (
    entries.length === 1 &&
    entries[0]!.request.method === 'GET' &&
    Object.keys(entries[0]!.request.headers).length === 0 &&
    entries[0]!.request.body === undefined
  );
}

function readOption(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(`${flag} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** What a scenario sends, where it is not a GET of its file checked against the docroot: a --requests
 * mix; or one request built from the options, at --path, else at the --url's own path. */
function requestEntries(args: BenchArgs, url: URL | undefined, scenario: Scenario): RequestEntry[] | undefined {
  const r = args.request ?? {};
  if (r.requestsFile !== undefined) {
    try {
      return readRequestsFile(r.requestsFile);
    } catch (err) {
      if (err instanceof RequestFileError) throw new UsageError(err.message);
      throw err;
    }
  }
  const custom = r.method !== undefined || (r.headers ?? []).length > 0 || r.body !== undefined || r.bodyFile !== undefined;
  const expects = r.expectStatus !== undefined || r.expectBodyFile !== undefined;
  // bench --url measures the URL's own path; --path (or a built-in target) names a file of the docroot.
  const ownPath = args.overrides.path === undefined && url !== undefined;
  if (!custom && !expects && !ownPath) return undefined;
  const path = ownPath ? `${url.pathname}${url.search}` : scenario.path;
  const body = r.bodyFile !== undefined ? readOption(r.bodyFile, '--body-file') : r.body !== undefined ? Buffer.from(r.body) : undefined;
  const method = r.method ?? 'GET';
  const entry: RequestEntry = {
    request: { method, path, headers: Object.fromEntries(r.headers ?? []), ...(body !== undefined ? { body } : {}), weight: 1 },
    expect: {
      ...(r.expectStatus !== undefined ? { status: r.expectStatus } : {}),
      ...(r.expectBodyFile !== undefined ? { body: { bytes: readOption(r.expectBodyFile, '--expect-body-file'), label: r.expectBodyFile } } : {}),
    },
  };
  // A plain GET of a docroot file keeps the byte-for-byte check against it, with the status asked for.
  if (!ownPath && !custom && r.expectBodyFile === undefined) {
    let file: RequestEntry;
    try {
      file = fileEntry(args.docroot, path);
    } catch (err) {
      if (err instanceof VerificationError) throw new UsageError(err.message);
      throw err;
    }
    return [{ ...file, expect: { ...file.expect, ...(r.expectStatus !== undefined ? { status: r.expectStatus } : {}) } }];
  }
  return [entry];
}
