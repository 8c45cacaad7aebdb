// `http-lab bench`: load on built-in targets (targets/measure.ts: each started as a child process on an ephemeral
// port, all of them up front so that their runs can be interleaved, and stopped at the end, also
// on failure and on Ctrl-C) or on one --url. Progress goes to stderr; the report to stdout or --out.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import type { RequestEntry } from '../loadtest/requests.js';
import { findWrk } from '../loadtest/wrk.js';
import { findScenario, SCENARIO_NAMES, withOverrides, type Scenario, type ScenarioOverrides } from '../loadtest/scenarios.js';
import { renderBenchText } from '../reports/bench-text.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './errors.js';
import { requestEntries, type RequestArgs } from './request-options.js';
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
    const requests = requestEntries(args.request ?? {}, {
      ...(url !== undefined ? { url } : {}),
      ...(args.overrides.path !== undefined ? { path: args.overrides.path } : {}),
      docroot: args.docroot,
      scenarioPath: s.path,
    });
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
