// gate: a regression gate for CI that stays quiet on noisy machines.
// - updateBaseline FILE: several independent sessions of the targets, each beside a reference
//   server; their runs pooled as the baseline's samples, their A/A differences as the noise floor,
//   and the required conformance checks each target passed. The Baseline is written to FILE.
// - baseline FILE: one session with the baseline's settings (or saved results), judged metric by
//   metric with a bootstrap interval (ci/decision.ts), plus the conformance checks that stopped
//   passing: the GateReport, whose verdict says whether anything regressed.
// - calibrate: the A/A sessions alone, to see this machine's noise floor per metric.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { compare, noiseFloor, type CurrentMeasurement } from '../ci/compare.js';
import { GATED_METRICS, type MetricKey } from '../ci/metrics.js';
import { BASELINE_SCHEMA, type Baseline, type GateReport, type GateSettings, type MetricValues, type SampleSet } from '../ci/model.js';
import { catalogue } from '../conformance/checks/index.js';
import { DEFAULT_TIMEOUT_MS } from '../conformance/runner.js';
import { selectChecks } from '../conformance/selection.js';
import type { ConformanceReport } from '../conformance/types.js';
import { describeMachine } from '../loadtest/machine.js';
import { findLocust, locustMissing, type LocustProgram } from '../loadtest/locust.js';
import { findScenario, SCENARIO_NAMES } from '../loadtest/scenarios.js';
import { describeStored, loadRequests, storeRequests } from '../loadtest/requests.js';
import { BENCH_SCHEMA, BENCH_SCHEMA_V1, type BenchReport, type BenchRun } from '../loadtest/types.js';
import type { CalibrationDoc } from '../reports/gate.js';
import { REFERENCE } from '../targets/measure.js';
import { bundledDocroot, packageVersion } from '../system/package.js';
import { conformTargets, runAgainst } from './conform.js';
import { HttpLabUsageError } from './errors.js';
import { hasRequestOptions, requestEntries, type RequestArgs } from './request-options.js';
import { checkTargetNames, measure, parseHttpUrl } from './targets.js';
import {
  checkNonNegative,
  checkPositive,
  checkPositiveInteger,
  checkRequestOptions,
  checkWritable,
  fail,
  requestArgsOf,
  type RequestOptions,
} from './validate.js';

export const GATE_DEFAULTS = { scenarios: ['keepalive'], durationS: 1, runs: 10, warmupS: 1, sessions: 3, threshold: 0.1, reference: 'epoll' as const };

/** What `http-lab gate` takes, its flags in camelCase (seconds as durationS and warmupS). Exactly
 * one of baseline (compare), updateBaseline (write one) and calibrate. */
export interface GateOptions extends RequestOptions {
  /** the baseline to compare with */
  baseline?: string;
  /** measure and write a baseline to this file */
  updateBaseline?: string;
  /** measure A/A sessions and return this machine's noise floor */
  calibrate?: boolean;
  /** judge saved results (a bench@1 or results@1 file, with a "reference" target) instead of measuring */
  results?: string;
  /** built-in targets (update, calibrate); with baseline: only these of its targets */
  targets?: string[];
  /** a running server to gate, at its own path; with baseline: in place of the baseline's URL */
  url?: string;
  /** scenarios (default keepalive); with baseline: only these of its scenarios */
  scenarios?: string[];
  /** smallest change, in %, that counts (default 10; the noise floor raises it per metric) */
  threshold?: number;
  /** runs per session (update, calibrate; default 10) */
  runs?: number;
  /** seconds per run (update, calibrate; default 1) */
  durationS?: number;
  /** seconds of warm-up per session (update, calibrate; default 1) */
  warmupS?: number;
  /** independent sessions (update, calibrate; default 3) */
  sessions?: number;
  /** the built-in server run beside every run (update, calibrate; default epoll) */
  reference?: 'epoll' | 'none';
  /** the open model at this many requests per second (update, calibrate): the gated latencies are
   * then corrected for coordinated omission; a comparison repeats the baseline's */
  rate?: number;
  /** the load generator (update, calibrate): Locust's master and workers; a comparison repeats the
   * baseline's */
  engine?: 'locust';
  /** with engine locust: local worker processes (default: one per CPU) */
  workers?: number;
  /** progress of the load on stderr (default none) */
  progress?: 'bar' | 'lines' | 'none';
  /** where the gate says what it is doing, line by line (default: nowhere) */
  log?: (line: string) => void;
}

/** What calibrate returns: this machine's noise floor per metric, from A/A sessions. */
export interface Calibration extends CalibrationDoc {
  schema: 'http-lab/calibration@1';
}

interface GateArgs {
  mode: 'compare' | 'update' | 'calibrate';
  baseline?: string;
  results?: string;
  /** settings for update and calibrate (compare takes the baseline's) */
  settings: GateSettings;
  /** compare: gate only these of the baseline's targets and scenarios */
  onlyTargets?: string[];
  onlyScenarios?: string[];
  sessions: number;
  threshold: number;
  progress: 'bar' | 'lines' | 'none';
  say: (line: string) => void;
  /** what the --url server is sent; with --baseline it must describe the baseline's request */
  request?: RequestArgs;
}

/** The options `gate` refuses, in the words of the CLI. */
export function checkGateOptions(o: GateOptions): boolean {
  const measuring = o.calibrate === true || o.updateBaseline !== undefined;
  if (o.baseline !== undefined && o.updateBaseline !== undefined) fail('Arguments baseline and update-baseline are mutually exclusive');
  if (o.calibrate === true && o.updateBaseline !== undefined)
    fail('gate calibrate prints a noise floor; --update-baseline writes a baseline (which calibrates too): choose one');
  if (!measuring && o.baseline === undefined) fail('give --baseline FILE (or --update-baseline FILE to write one, or gate calibrate)');
  if (measuring && o.targets === undefined && o.url === undefined) fail('give --target <name...> or --url <url> to measure');
  if (o.results !== undefined && o.baseline === undefined) fail('--results is judged against a --baseline');
  if (o.targets !== undefined && o.targets.length === 0) fail('--target needs at least one name');
  checkRequestOptions(o);
  if (!measuring) {
    const flags = {
      runs: 'runs',
      durationS: 'duration',
      warmupS: 'warmup',
      sessions: 'sessions',
      reference: 'reference',
      rate: 'rate',
      engine: 'engine',
      workers: 'workers',
    } as const;
    const given = (Object.keys(flags) as Array<keyof typeof flags>).filter((k) => o[k] !== undefined).map((k) => flags[k]);
    if (given.length > 0)
      fail(
        `--${given.join(', --')}: a comparison repeats the baseline's own settings (runs, duration, warm-up, sessions, reference, rate, engine, workers); these apply to --update-baseline and calibrate`,
      );
  }
  if (o.workers !== undefined && o.engine !== 'locust') fail('--workers drives Locust: give --engine locust');
  return (
    (o.threshold === undefined || checkPositive('threshold', o.threshold)) &&
    (o.runs === undefined || checkPositiveInteger('runs', o.runs)) &&
    (o.durationS === undefined || checkPositive('duration', o.durationS)) &&
    (o.warmupS === undefined || checkNonNegative('warmup', o.warmupS)) &&
    (o.sessions === undefined || checkPositiveInteger('sessions', o.sessions)) &&
    (o.rate === undefined || checkPositive('rate', o.rate)) &&
    (o.workers === undefined || checkPositiveInteger('workers', o.workers)) &&
    (o.calibrate !== true ||
      (o.sessions ?? GATE_DEFAULTS.sessions) >= 2 ||
      fail('--sessions must be at least 2 to calibrate: the floor is the difference between sessions')) &&
    (o.updateBaseline === undefined || checkWritable(o.updateBaseline))
  );
}

/** Compares with a baseline (the GateReport: its verdict is 'pass' or 'regression'), writes one
 * (the Baseline written), or calibrates (the Calibration). A regression is no error: the report
 * says so. Bad options, an unusable baseline or an unreachable target throw HttpLabUsageError; a
 * target that dies under load HttpLabMeasuredFailure. */
export async function gate(options: GateOptions & { updateBaseline: string }): Promise<Baseline>;
export async function gate(options: GateOptions & { calibrate: true }): Promise<Calibration>;
export async function gate(options: GateOptions & { baseline: string }): Promise<GateReport>;
export async function gate(options: GateOptions): Promise<GateReport | Baseline | Calibration>;
export async function gate(options: GateOptions): Promise<GateReport | Baseline | Calibration> {
  checkGateOptions(options);
  const mode = options.calibrate === true ? 'calibrate' : options.updateBaseline !== undefined ? 'update' : 'compare';
  return run({
    mode,
    ...(mode === 'update' ? { baseline: options.updateBaseline! } : options.baseline !== undefined ? { baseline: options.baseline } : {}),
    ...(options.results !== undefined ? { results: options.results } : {}),
    settings: {
      targets: [...(options.targets ?? [])],
      ...(options.url !== undefined ? { url: options.url } : {}),
      scenarios: [...(options.scenarios ?? GATE_DEFAULTS.scenarios)],
      durationS: options.durationS ?? GATE_DEFAULTS.durationS,
      runs: options.runs ?? GATE_DEFAULTS.runs,
      warmupS: options.warmupS ?? GATE_DEFAULTS.warmupS,
      reference: options.reference ?? GATE_DEFAULTS.reference,
      ...(options.rate !== undefined ? { rate: options.rate } : {}),
      ...(options.engine !== undefined ? { engine: options.engine, workers: options.workers ?? cpus().length } : {}),
    },
    ...(mode === 'compare' && options.targets !== undefined ? { onlyTargets: options.targets } : {}),
    ...(mode === 'compare' && options.scenarios !== undefined ? { onlyScenarios: options.scenarios } : {}),
    request: requestArgsOf(options),
    sessions: options.sessions ?? GATE_DEFAULTS.sessions,
    threshold: (options.threshold ?? GATE_DEFAULTS.threshold * 100) / 100,
    progress: options.progress ?? 'none',
    say: options.log ?? ((): void => {}),
  });
}

async function run(args: GateArgs): Promise<GateReport | Baseline | Calibration> {
  if (args.mode === 'update') return updateBaseline(args);
  if (args.mode === 'calibrate') return calibrate(args);
  const say = args.say;
  const baseline = restrict(sameRequest(atUrl(readBaseline(args.baseline!), args.settings.url, say), args), args.onlyTargets, args.onlyScenarios);
  let current: CurrentMeasurement;
  if (args.results !== undefined) {
    current = fromResultsFile(args.results, baseline.settings);
  } else {
    say(
      `measuring ${describeTargets(baseline.settings)} with the baseline's settings (${baseline.settings.runs} runs of ${baseline.settings.durationS} s${baseline.settings.reference === 'none' ? '' : `, beside the ${baseline.settings.reference} reference`})`,
    );
    const session = await measureSession(baseline.settings, args.progress);
    const conformance = await conformanceNow(baseline.settings);
    current = { machine: describeMachine(), samples: toSamples(session, baseline.settings, 0), conformance: conformance.map(outcomesOf) };
  }
  return compare(baseline, current, args.threshold, new Date().toISOString());
}

/** The settings to measure with: the --url server's request, from the request options or the URL's
 * own path, recorded so that a comparison sends the very same one. */
function withRequests(settings: GateSettings, request: RequestArgs | undefined): GateSettings {
  if (settings.url === undefined) {
    if (request !== undefined && hasRequestOptions(request))
      throw new HttpLabUsageError('the request options describe what a --url server is sent: give --url');
    return settings;
  }
  const entries = requestEntries(request ?? {}, { url: parseHttpUrl(settings.url), docroot: bundledDocroot(), scenarioPath: '/index.html' });
  return entries === undefined ? settings : { ...settings, requests: storeRequests(entries) };
}

/** A comparison judges the baseline's request only: the request options, or a --url with a path of
 * its own, that describe another one exit 2 with the difference, never a silent verdict. */
function sameRequest(baseline: Baseline, args: GateArgs): Baseline {
  const given = args.settings.url !== undefined ? new URL(args.settings.url) : undefined;
  const asked = (args.request !== undefined && hasRequestOptions(args.request)) || (given !== undefined && `${given.pathname}${given.search}` !== '/');
  if (!asked) return baseline;
  const wanted = withRequests(baseline.settings, args.request).requests;
  const recorded = baseline.settings.requests;
  if (JSON.stringify(wanted) !== JSON.stringify(recorded)) {
    throw new HttpLabUsageError(
      `the baseline measured ${describeStored(recorded)}; this run asks for ${describeStored(wanted)}: a gate compares the same request (write a baseline of this one with --update-baseline)`,
    );
  }
  return baseline;
}

async function updateBaseline(args: GateArgs): Promise<Baseline> {
  const settings = withRequests(args.settings, args.request);
  const sessions = await measureSessions(settings, args.sessions, args.progress, args.say);
  const conformance = await conformanceNow(settings);
  const samples = mergeSessions(sessions.map((s, i) => toSamples(s, settings, i)));
  const baseline: Baseline = {
    schema: BASELINE_SCHEMA,
    version: packageVersion(),
    createdAt: new Date().toISOString(),
    machine: describeMachine(),
    settings,
    sessions: sessions.length,
    samples,
    noiseFloor: noiseFloor(samples),
    conformance: conformance.map((r) => ({ target: r.target, requiredPassed: r.checks.filter((c) => c.required && c.outcome === 'pass').map((c) => c.id) })),
  };
  writeFileSync(args.baseline!, `${JSON.stringify(baseline, null, 2)}\n`);
  return baseline;
}

async function calibrate(args: GateArgs): Promise<Calibration> {
  const settings = withRequests(args.settings, args.request);
  const sessions = await measureSessions(settings, args.sessions, args.progress, args.say);
  const samples = mergeSessions(sessions.map((s, i) => toSamples(s, settings, i)));
  const floor = noiseFloor(samples);
  return {
    schema: 'http-lab/calibration@1',
    createdAt: new Date().toISOString(),
    machine: describeMachine(),
    settings,
    sessions: sessions.length,
    noiseFloor: floor,
    samples,
  };
}

/** Each gated metric's noise floor, in one line. */
export function floorLine(floor: Record<MetricKey, number>): string {
  return GATED_METRICS.map((m) => `${m.label} ±${(floor[m.key] * 100).toFixed(1)}%`).join(', ');
}

function describeTargets(s: GateSettings): string {
  return [...(s.url ? [s.url] : []), ...s.targets].join(', ');
}

/** Independent sessions: every server started afresh for each, as a CI job would. */
async function measureSessions(settings: GateSettings, count: number, progress: GateArgs['progress'], say: (line: string) => void): Promise<BenchReport[]> {
  const reports: BenchReport[] = [];
  for (let i = 0; i < count; i++) {
    say(`session ${i + 1}/${count} of ${describeTargets(settings)}`);
    reports.push(await measureSession(settings, progress));
  }
  return reports;
}

function measureSession(settings: GateSettings, progress: GateArgs['progress']): Promise<BenchReport> {
  return measure({
    targetNames: settings.targets,
    ...(settings.url !== undefined ? { url: parseHttpUrl(settings.url) } : {}),
    ...(settings.requests !== undefined ? { urlRequests: loadRequests(settings.requests) } : {}),
    ...(settings.reference !== 'none' ? { reference: settings.reference } : {}),
    scenarios: settings.scenarios.map((name) => findScenario(name)!),
    durationS: settings.durationS,
    runs: settings.runs,
    warmupS: settings.warmupS,
    docroot: bundledDocroot(),
    progress,
    ...(settings.rate !== undefined ? { rate: settings.rate } : {}),
    ...(settings.engine === 'locust' ? { locust: { program: locustProgram(), workers: settings.workers ?? cpus().length } } : {}),
  });
}

/** Locust for a baseline that was measured with it; its absence is a usage error, with the fix. */
function locustProgram(): LocustProgram {
  const program = findLocust();
  if (program === undefined) throw new HttpLabUsageError(locustMissing('gate (the baseline was measured with --engine locust)'));
  return program;
}

/** The name a gated target's results carry: its built-in name, or the URL's host:port. */
function targetLabels(settings: GateSettings): string[] {
  return [...(settings.url !== undefined ? [new URL(settings.url).host] : []), ...settings.targets];
}

function values(run: BenchRun): MetricValues {
  // 0 where the server's process is unknown: such a metric is not judged (ci/compare.ts)
  const cpuUsPerResponse = run.serverCpuPct !== null && run.rps > 0 ? (run.serverCpuPct / 100) * (1e6 / run.rps) : 0;
  return { rps: run.rps, cpu: cpuUsPerResponse, p50: run.latencyUs.p50, p99: run.latencyUs.p99, pss: run.serverPssBytes ?? 0 };
}

/** A session's runs, each target's paired with the reference's run of the same round. */
export function toSamples(report: BenchReport, settings: GateSettings, session: number): SampleSet[] {
  const refused = report.refused.map((r) => `${r.target} ${r.scenario}: ${r.reason}`);
  if (refused.length > 0) throw new HttpLabUsageError(`cannot gate: refused before load: ${refused.join('; ')}`);
  const sets: SampleSet[] = [];
  for (const scenario of settings.scenarios) {
    const reference = report.results.find((r) => r.target === REFERENCE && r.scenario === scenario);
    for (const target of targetLabels(settings)) {
      const result = report.results.find((r) => r.target === target && r.scenario === scenario);
      if (result === undefined) continue;
      sets.push({
        target,
        scenario,
        runs: result.runs.map((run, i) => ({ target: values(run), ...(reference?.runs[i] ? { reference: values(reference.runs[i]) } : {}), session })),
      });
    }
  }
  return sets;
}

function mergeSessions(perSession: SampleSet[][]): SampleSet[] {
  const merged: SampleSet[] = [];
  for (const sets of perSession) {
    for (const set of sets) {
      const existing = merged.find((m) => m.target === set.target && m.scenario === set.scenario);
      if (existing) existing.runs.push(...set.runs);
      else merged.push({ ...set, runs: [...set.runs] });
    }
  }
  return merged;
}

/** The whole catalogue against each gated target: the required checks are the ones gated. */
async function conformanceNow(settings: GateSettings): Promise<ConformanceReport[]> {
  const checks = selectChecks(catalogue, { only: [], skip: [], level: 'all' });
  const options = { timeout: DEFAULT_TIMEOUT_MS, strict: false };
  const reports: ConformanceReport[] = [];
  if (settings.url !== undefined) {
    const url = new URL(settings.url);
    reports.push(await runAgainst(checks, url, url.host, options, undefined));
  }
  reports.push(...(await conformTargets(settings.targets, checks, options)));
  return reports;
}

function outcomesOf(report: ConformanceReport): CurrentMeasurement['conformance'][number] {
  return {
    target: report.target,
    outcomes: new Map(report.checks.map((c) => [c.id, { title: c.title, outcome: c.outcome, actual: c.actual, cause: c.cause }])),
  };
}

/** What --results may hold: a bench@1 document, or the lab's results@1 with the bench inside. Its
 * fields are checked below, as an unknown file's must be. */
interface ResultsFile {
  schema?: string;
  machine?: BenchReport['machine'];
  results?: BenchReport['results'];
  refused?: BenchReport['refused'];
  bench?: { results: BenchReport['results']; refused: BenchReport['refused'] };
}

/** --results: a saved http-lab/bench@1 or results@1 file with the baseline's targets and scenarios
 * (and its "reference" target, where the baseline has one); conformance is not judged from it. */
function fromResultsFile(path: string, settings: GateSettings): CurrentMeasurement {
  let doc: ResultsFile;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
  } catch (err) {
    throw new HttpLabUsageError(`--results ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const bench =
    doc.schema === BENCH_SCHEMA || doc.schema === BENCH_SCHEMA_V1
      ? { results: doc.results ?? [], refused: doc.refused ?? [] }
      : doc.schema === 'http-lab/results@1'
        ? doc.bench
        : undefined;
  if (bench === undefined || doc.machine === undefined)
    throw new HttpLabUsageError(`--results ${path}: not an ${BENCH_SCHEMA}, ${BENCH_SCHEMA_V1} or http-lab/results@1 document with load results`);
  if (settings.reference !== 'none' && !bench.results.some((r) => r.target === REFERENCE)) {
    throw new HttpLabUsageError(`--results ${path}: the baseline pairs every run with a "${REFERENCE}" target, and these results have none`);
  }
  const report = { results: bench.results, refused: bench.refused } as BenchReport;
  const samples = toSamples(report, settings, 0);
  if (samples.length === 0) throw new HttpLabUsageError(`--results ${path}: no result for ${describeTargets(settings)} on ${settings.scenarios.join(', ')}`);
  return { machine: doc.machine, samples, conformance: [] };
}

/** The baseline with its URL target moved to `url`, the server given on the command line: CI serves
 * the build under test wherever it can, so the URL is the user's to give, never silently the
 * baseline's. A baseline of built-in targets alone has no URL target to move. */
function atUrl(baseline: Baseline, url: string | undefined, say: (line: string) => void): Baseline {
  if (url === undefined) return baseline;
  const s = baseline.settings;
  if (s.url === undefined) {
    throw new HttpLabUsageError(
      `--url ${url}: the baseline measured built-in targets only (${describeTargets(s)}); write a baseline of your server with --update-baseline FILE --url ${url}`,
    );
  }
  const from = new URL(s.url).host;
  const to = parseHttpUrl(url).host;
  if (url !== s.url) say(`gating ${url} against the baseline's ${s.url}`);
  const moved = <T extends { target: string }>(set: T): T => (set.target === from ? { ...set, target: to } : set);
  return { ...baseline, settings: { ...s, url }, samples: baseline.samples.map(moved), conformance: baseline.conformance.map(moved) };
}

/** The baseline narrowed to the targets and scenarios asked for; each must be in it. */
function restrict(baseline: Baseline, targets: string[] | undefined, scenarios: string[] | undefined): Baseline {
  const s = baseline.settings;
  for (const t of targets ?? [])
    if (!s.targets.includes(t)) throw new HttpLabUsageError(`--target ${t} is not in the baseline (its targets: ${describeTargets(s)})`);
  for (const n of scenarios ?? [])
    if (!s.scenarios.includes(n)) throw new HttpLabUsageError(`--scenario ${n} is not in the baseline (its scenarios: ${s.scenarios.join(', ')})`);
  const keepTargets = targets ?? s.targets;
  const keepScenarios = scenarios ?? s.scenarios;
  const url = targets === undefined ? s.url : undefined;
  const labels = [...(url !== undefined ? [new URL(url).host] : []), ...keepTargets];
  return {
    ...baseline,
    settings: { ...s, targets: keepTargets, scenarios: keepScenarios, ...(url !== undefined ? { url } : { url: undefined }) },
    samples: baseline.samples.filter((x) => labels.includes(x.target) && keepScenarios.includes(x.scenario)),
    conformance: baseline.conformance.filter((c) => labels.includes(c.target)),
  };
}

/** Reads and checks a baseline; anything unusable is an HttpLabUsageError, never a pass. */
export function readBaseline(path: string): Baseline {
  let doc: Partial<Baseline>;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as Partial<Baseline>;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new HttpLabUsageError(
      `--baseline ${path}: ${code === 'ENOENT' ? 'no such file (write one with: http-lab gate --update-baseline FILE)' : (code ?? `not JSON (${(err as Error).message})`)}`,
    );
  }
  if (doc.schema !== BASELINE_SCHEMA)
    throw new HttpLabUsageError(`--baseline ${path}: schema ${JSON.stringify(doc.schema)} is not ${BASELINE_SCHEMA}; write a new one with --update-baseline`);
  const s = doc.settings;
  const ok =
    s !== undefined &&
    Array.isArray(s.targets) &&
    Array.isArray(s.scenarios) &&
    s.scenarios.every((n) => SCENARIO_NAMES.includes(n)) &&
    s.runs > 0 &&
    s.durationS > 0 &&
    (s.reference === 'epoll' || s.reference === 'none') &&
    (s.requests === undefined ||
      (Array.isArray(s.requests) && s.requests.every((q) => typeof q.method === 'string' && typeof q.path === 'string' && Number.isInteger(q.weight)))) &&
    Array.isArray(doc.samples) &&
    doc.samples.length > 0 &&
    doc.noiseFloor !== undefined &&
    GATED_METRICS.every((m) => typeof doc.noiseFloor![m.key] === 'number') &&
    Array.isArray(doc.conformance) &&
    doc.machine !== undefined;
  if (!ok)
    throw new HttpLabUsageError(
      `--baseline ${path}: incomplete or incompatible ${BASELINE_SCHEMA} document (settings, samples, noiseFloor, conformance, machine); write a new one with --update-baseline`,
    );
  if (s.url !== undefined) parseHttpUrl(s.url);
  checkTargetNames(s.targets);
  return doc as Baseline;
}
