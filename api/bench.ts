// bench: load on built-in targets (targets/measure.ts: each started as a child process on an
// ephemeral port, all of them up front so that their runs can be interleaved, and stopped at the
// end, also on failure and on Ctrl-C) or on one url; the result is the BenchReport.
import { existsSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { RequestEntry } from '../loadtest/requests.js';
import { findWrk } from '../loadtest/wrk.js';
import { findLocust, locustMissing } from '../loadtest/locust.js';
import {
  DEFAULT_DURATION_S,
  DEFAULT_RUNS,
  DEFAULT_SCENARIO,
  DEFAULT_WARMUP_S,
  findScenario,
  SCENARIO_NAMES,
  withOverrides,
  type Scenario,
} from '../loadtest/scenarios.js';
import type { BenchReport } from '../loadtest/types.js';
import { bundledDocroot } from '../system/package.js';
import { HttpLabUsageError } from './errors.js';
import { requestEntries } from './request-options.js';
import { checkTargetNames, measure, parseHttpUrl } from './targets.js';
import { checkNonNegative, checkPositive, checkPositiveInteger, checkRequestOptions, fail, requestArgsOf, type RequestOptions } from './validate.js';

/** What `http-lab bench` takes, its flags in camelCase (seconds as durationS and warmupS). */
export interface BenchOptions extends RequestOptions {
  /** built-in targets */
  targets?: string[];
  /** a running server, measured at its own path */
  url?: string;
  /** scenarios (default keepalive) */
  scenarios?: string[];
  /** concurrent connections (default: the scenario's) */
  connections?: number;
  /** requests in flight per connection (default: the scenario's) */
  pipelining?: number;
  /** path to request (default: the scenario's); its file in docroot is the expected body */
  path?: string;
  /** seconds per measured run (default 5) */
  durationS?: number;
  /** measured runs per target and scenario (default 3) */
  runs?: number;
  /** seconds of load before the runs, not counted (default 2; 0: none) */
  warmupS?: number;
  /** the folder built-in targets serve and docroot files are checked against (default: the bundled html/) */
  docroot?: string;
  /** the load generator (default autocannon): wrk, or Locust's master and workers, which also
   * paces users to --rate (constant_throughput) */
  engine?: 'autocannon' | 'wrk' | 'locust';
  /** locust: local worker processes (default: one per CPU; 0 with expectWorkers: the master only) */
  workers?: number;
  /** locust: wait for this many workers, those beyond the local ones started elsewhere
   * (`http-lab locust-worker`) */
  expectWorkers?: number;
  /** locust: where the master listens for workers, HOST:PORT (default 127.0.0.1 on a free port) */
  masterBind?: string;
  /** locust: the locustfile is also written here, for workers on other machines */
  locustfileOut?: string;
  /** the open model: this many requests per second in total, at evenly spaced intended starts,
   * whatever the server does; latency is counted from each intended start */
  rate?: number;
  /** with rate: connections open at once, at most (default: the scenario's connections) */
  maxConnections?: number;
  /** after the scenarios, the open model at these percentages of each target's measured capacity
   * on the first scenario, one run each: the latency-versus-load curve */
  sweepRate?: number[];
  /** after the scenarios, the first scenario at these numbers of connections, one run each */
  sweepConnections?: number[];
  /** pin the servers started here to CPU 0 and the generator (this process, for the measurement
   * only) to the others. Default: where there are at least 2 CPUs and taskset works; true: pin or
   * fail; false: never */
  pin?: boolean;
  /** progress on stderr (default none) */
  progress?: 'bar' | 'lines' | 'none';
}

/** The options `bench` refuses, in the words of the CLI. */
export function checkBenchOptions(o: BenchOptions): boolean {
  if (o.targets === undefined && o.url === undefined) fail('give --target <name...> or --url <url>');
  if (o.requests !== undefined && o.path !== undefined) fail('--requests gives every request and its expectation: drop --path');
  checkRequestOptions(o);
  if (o.targets !== undefined && o.targets.length === 0) fail('--target needs at least one name');
  return (
    (o.connections === undefined || checkPositiveInteger('connections', o.connections)) &&
    (o.pipelining === undefined || checkPositiveInteger('pipelining', o.pipelining)) &&
    (o.durationS === undefined || checkPositive('duration', o.durationS)) &&
    (o.runs === undefined || checkPositiveInteger('runs', o.runs)) &&
    (o.warmupS === undefined || checkNonNegative('warmup', o.warmupS)) &&
    (o.rate === undefined || checkPositive('rate', o.rate)) &&
    (o.maxConnections === undefined || checkPositiveInteger('max-connections', o.maxConnections)) &&
    checkLocust(o) &&
    checkOpenModel(o) &&
    checkSweeps(o)
  );
}

/** The Locust flags need --engine locust, and the master and its workers must add up. */
function checkLocust(o: BenchOptions): boolean {
  const given = (['workers', 'expectWorkers', 'masterBind', 'locustfileOut'] as const).filter((k) => o[k] !== undefined);
  const flag = (k: string): string => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (o.engine !== 'locust') {
    if (given.length > 0) fail(`${given.map(flag).join(', ')}: these drive Locust; give --engine locust`);
    return true;
  }
  if (o.workers !== undefined && (!Number.isInteger(o.workers) || o.workers < 0)) fail(`--workers takes a whole number, at least 0 (got ${o.workers})`);
  if (o.expectWorkers !== undefined) {
    checkPositiveInteger('expect-workers', o.expectWorkers);
    if (o.workers !== undefined && o.workers > o.expectWorkers) fail(`--workers ${o.workers} is more than --expect-workers ${o.expectWorkers}`);
  } else if (o.workers === 0) fail('--workers 0 starts no worker: give --expect-workers N for workers started elsewhere');
  if (o.masterBind !== undefined) parseHostPort('--master-bind', o.masterBind);
  if (o.sweepRate !== undefined || o.sweepConnections !== undefined) fail("the sweeps run on http-lab's own generators: drop --engine locust");
  if (o.pipelining !== undefined && o.pipelining > 1) fail('Locust sends one request at a time per user: drop --pipelining');
  return true;
}

/** HOST:PORT, as --master-bind and --master take it. */
export function parseHostPort(flag: string, value: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(value);
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || port < 1 || port > 65535) fail(`${flag} takes HOST:PORT, a port 1 to 65535 (got ${value})`);
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

function checkSweeps(o: BenchOptions): boolean {
  if (o.sweepRate !== undefined) {
    if (o.rate !== undefined) fail("--sweep-rate sets the rates itself, from each target's measured capacity: drop --rate");
    if (o.sweepRate.length === 0 || o.sweepRate.some((p) => !Number.isFinite(p) || p <= 0 || p > 200))
      fail(`--sweep-rate takes percentages of the measured capacity, each above 0 and at most 200 (got ${o.sweepRate.join(',')})`);
  }
  if (o.sweepConnections !== undefined && (o.sweepConnections.length === 0 || o.sweepConnections.some((c) => !Number.isInteger(c) || c < 1)))
    fail(`--sweep-connections takes whole numbers of connections, each at least 1 (got ${o.sweepConnections.join(',')})`);
  return true;
}

/** --rate chooses the open model and its own generator: the closed model's settings do not apply. */
function checkOpenModel(o: BenchOptions): boolean {
  if (o.rate === undefined) {
    if (o.maxConnections !== undefined) fail('--max-connections applies to the open model: give --rate too');
    return true;
  }
  if (o.engine === 'locust') return true; // Locust paces its users to the rate (LOCUST_LIMITS says what that is not)
  if (o.engine !== undefined) fail("--engine chooses the closed model's generator; --rate runs http-lab's open-model generator: drop one");
  if (o.pipelining !== undefined && o.pipelining > 1) fail('--rate sends one request at a time on each connection: drop --pipelining');
  if (o.connections !== undefined) fail('--rate opens connections as the rate needs them: give --max-connections instead of --connections');
  return true;
}

/** Measures the targets and returns the BenchReport. A target refused before load (its answer did
 * not meet the expectation) is in the report's `refused`, not an error. Bad options, an unknown or
 * unreachable target throw HttpLabUsageError; a target that dies under load HttpLabMeasuredFailure. */
export async function bench(o: BenchOptions): Promise<BenchReport> {
  checkBenchOptions(o);
  const docroot = o.docroot ?? bundledDocroot();
  if (!existsSync(docroot) || !statSync(docroot).isDirectory()) throw new HttpLabUsageError(`--docroot ${docroot} is not a folder`);
  const url = o.url !== undefined ? parseHttpUrl(o.url) : undefined;
  const scenarios = resolveScenarios(o, docroot, url);
  const targetNames = [...new Set(o.targets ?? [])];
  checkTargetNames(targetNames);
  const engine = o.engine ?? 'autocannon';
  if (engine === 'wrk' && scenarios.some((s) => s.requests !== undefined && !isPlainGet(s.requests)))
    throw new HttpLabUsageError('--engine wrk sends a GET of one path; another method, fields, a body or a --requests mix need --engine autocannon');
  const wrk = engine === 'wrk' ? findWrk() : undefined;
  if (engine === 'wrk' && wrk === undefined) throw new HttpLabUsageError('--engine wrk: wrk is not installed (apt-get install wrk)');
  const locust = engine === 'locust' ? findLocust() : undefined;
  if (engine === 'locust' && locust === undefined) throw new HttpLabUsageError(locustMissing('--engine locust'));
  if (locust !== undefined && o.locustfileOut !== undefined && !existsSync(dirname(resolve(o.locustfileOut))))
    throw new HttpLabUsageError(`--locustfile-out ${o.locustfileOut}: its folder does not exist`);
  return measure({
    targetNames,
    ...(url !== undefined ? { url } : {}),
    scenarios,
    durationS: o.durationS ?? DEFAULT_DURATION_S,
    runs: o.runs ?? DEFAULT_RUNS,
    warmupS: o.warmupS ?? DEFAULT_WARMUP_S,
    docroot,
    progress: o.progress ?? 'none',
    ...(wrk !== undefined ? { wrk } : {}),
    ...(locust !== undefined
      ? {
          locust: {
            program: locust,
            workers: o.workers ?? (o.expectWorkers !== undefined ? 0 : cpus().length),
            ...(o.expectWorkers !== undefined ? { expectWorkers: o.expectWorkers } : {}),
            ...(o.masterBind !== undefined ? { masterBind: parseHostPort('--master-bind', o.masterBind) } : {}),
            ...(o.locustfileOut !== undefined ? { locustfileOut: resolve(o.locustfileOut) } : {}),
          },
        }
      : {}),
    pin: o.pin ?? 'auto',
    ...(o.rate !== undefined ? { rate: o.rate } : {}),
    ...(o.maxConnections !== undefined ? { maxConnections: o.maxConnections } : {}),
    ...(o.sweepRate !== undefined ? { sweepRate: o.sweepRate } : {}),
    ...(o.sweepConnections !== undefined ? { sweepConnections: o.sweepConnections } : {}),
  });
}

function resolveScenarios(o: BenchOptions, docroot: string, url: URL | undefined): Scenario[] {
  const names = [...new Set(o.scenarios ?? [DEFAULT_SCENARIO])];
  const overrides = {
    ...(o.connections !== undefined ? { connections: o.connections } : {}),
    ...(o.pipelining !== undefined ? { pipelining: o.pipelining } : {}),
    ...(o.path !== undefined ? { path: o.path } : {}),
  };
  return names.map((name) => {
    const scenario = findScenario(name);
    if (scenario === undefined) throw new HttpLabUsageError(`unknown scenario "${name}" (scenarios: ${SCENARIO_NAMES.join(', ')})`);
    const s = withOverrides(scenario, overrides);
    if (s.newConnectionPerRequest && s.pipelining > 1)
      throw new HttpLabUsageError(`--pipelining ${s.pipelining} cannot apply to the ${s.name} scenario, which sends one request per connection`);
    if (!s.path.startsWith('/')) throw new HttpLabUsageError(`--path must start with / (got ${s.path})`);
    const requests = requestEntries(requestArgsOf(o), {
      ...(url !== undefined ? { url } : {}),
      ...(o.path !== undefined ? { path: o.path } : {}),
      docroot,
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
