// `http-lab bench`: load on built-in targets (each started here as a child process on an ephemeral
// port, all of them up front so that their runs can be interleaved, and stopped at the end, also
// on failure and on Ctrl-C) or on one --url. Progress goes to stderr; the report to stdout or --out.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { plannedSeconds, runBench, TargetGoneError, type BenchEvent, type BenchPlan, type BenchTarget, type Engine } from '../loadtest/bench.js';
import { findWrk } from '../loadtest/wrk.js';
import { findScenario, RESPONSE_TIMEOUT_S, SCENARIO_NAMES, withOverrides, type Scenario, type ScenarioOverrides } from '../loadtest/scenarios.js';
import { BENCH_SCHEMA, type BenchReport, type MachineDescription } from '../loadtest/types.js';
import { UnreachableError, VerificationError } from '../loadtest/verify.js';
import { renderBenchText } from '../reports/bench-text.js';
import { stopAllTargets, type RunningServer } from '../servers/registry.js';
import { listenerPid, processTree } from '../system/proc.js';
import { EXIT_FAILED, EXIT_OK, MeasuredFailure, UsageError } from './errors.js';
import { onInterrupt } from './lifecycle.js';
import { checkTargetNames, parseHttpUrl, startTarget } from './targets.js';
import { packageRoot } from './paths.js';

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
}

export async function bench(args: BenchArgs): Promise<number> {
  const scenarios = resolveScenarios(args);
  if (!existsSync(args.docroot) || !statSync(args.docroot).isDirectory()) throw new UsageError(`--docroot ${args.docroot} is not a folder`);
  const targetNames = [...new Set(args.targets ?? [])];
  checkTargetNames(targetNames);
  const report = await measureTargets({
    targetNames,
    ...(args.url !== undefined ? { url: args.url } : {}),
    scenarios,
    durationS: args.durationS,
    runs: args.runs,
    warmupS: args.warmupS,
    docroot: args.docroot,
    progressBar: args.progressBar,
    engine: args.engine,
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

/** The name a reference server's results carry. */
export const REFERENCE = 'reference';

export interface MeasureOptions {
  /** built-in targets to start (checked names) */
  targetNames: string[];
  /** a running server, measured first */
  url?: string;
  /** a built-in server started beside the targets and reported as target "reference" */
  reference?: string;
  scenarios: Scenario[];
  durationS: number;
  runs: number;
  warmupS: number;
  docroot: string;
  progressBar: boolean;
  engine?: 'autocannon' | 'wrk';
  pin?: boolean;
}

/** Starts the targets (all at once, so their runs can be interleaved), measures them and stops
 * them, also on failure and on Ctrl-C. */
export async function measureTargets(o: MeasureOptions): Promise<BenchReport> {
  const targets: BenchTarget[] = [];
  const stopping = new AbortController();
  // The load stops first, so that nothing pauses a server again; then every server is resumed (a
  // paused one would hold its SIGTERM until the SIGKILL 3 s later, and a process server's spare
  // child paused before it armed its parent-death signal would outlive it), then stopped.
  const stopAll = async (): Promise<void> => {
    stopping.abort();
    for (const t of targets) t.resume?.();
    await stopAllTargets();
  };
  const removeInterruptHandler = onInterrupt(stopAll);
  try {
    if (o.url !== undefined) targets.push(urlTarget(o.url));
    for (const name of o.targetNames) {
      targets.push(startedTarget(await startTarget(name, o.docroot), stopping.signal));
    }
    if (o.reference !== undefined) {
      targets.push({ ...startedTarget(await startTarget(o.reference, o.docroot), stopping.signal), name: REFERENCE });
    }
    const pinned = o.pin ? pinCpus(targets) : undefined;
    for (const t of targets) t.pause?.();

    const wrk = o.engine === 'wrk' ? findWrk() : undefined;
    if (o.engine === 'wrk' && wrk === undefined) throw new UsageError('--engine wrk: wrk is not installed (apt-get install wrk)');
    const engine: Engine = wrk !== undefined ? { kind: 'wrk', program: wrk, ...(pinned ? { cpus: pinned.generator } : {}) } : { kind: 'autocannon' };
    const plan: BenchPlan = { targets, engine, scenarios: o.scenarios, durationS: o.durationS, runs: o.runs, warmupS: o.warmupS, docroot: o.docroot };
    const progress = o.progressBar ? barProgress(plan) : lineProgress();
    const startedAt = new Date().toISOString();
    let outcome;
    try {
      outcome = await runBench(plan, progress.onEvent, stopping.signal);
    } catch (err) {
      if (err instanceof UnreachableError || err instanceof VerificationError) throw new UsageError(err.message);
      if (err instanceof TargetGoneError) throw new MeasuredFailure(err.message);
      throw err;
    } finally {
      progress.done();
    }
    return {
      schema: BENCH_SCHEMA,
      version: packageVersion(),
      startedAt,
      machine: describeMachine(),
      generator: { engine: engine.kind, version: engine.kind === 'wrk' ? engine.program.version : autocannonVersion(), responseTimeoutS: RESPONSE_TIMEOUT_S, ...(pinned ? { pinned } : {}) },
      results: outcome.results,
      refused: outcome.refused,
    };
  } finally {
    removeInterruptHandler();
    await stopAll();
  }
}

function resolveScenarios(args: BenchArgs): Scenario[] {
  const names = [...new Set(args.scenarios)];
  return names.map((name) => {
    const scenario = findScenario(name);
    if (scenario === undefined) throw new UsageError(`unknown scenario "${name}" (scenarios: ${SCENARIO_NAMES.join(', ')})`);
    const s = withOverrides(scenario, args.overrides);
    if (s.newConnectionPerRequest && s.pipelining > 1) throw new UsageError(`--pipelining ${s.pipelining} cannot apply to the ${s.name} scenario, which sends one request per connection`);
    if (!s.path.startsWith('/')) throw new UsageError(`--path must start with / (got ${s.path})`);
    return s;
  });
}

/**
 * `--pin`: the servers we started on the first CPU, the load generator on the others (taskset), so
 * that the two never take turns on one core. Children and threads started later inherit it. A
 * server behind --url is not ours to move, and is left where it is.
 */
function pinCpus(targets: readonly BenchTarget[]): { generator: string; servers: string } {
  const n = cpus().length;
  if (n < 2) throw new UsageError('--pin needs at least 2 CPUs: one for the servers, the others for the generator');
  const pinned = { servers: '0', generator: n === 2 ? '1' : `1-${n - 1}` };
  const taskset = (cpuList: string, pid: number): void => {
    const r = spawnSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { encoding: 'utf8', timeout: 5000 });
    if (r.error !== undefined || r.status !== 0) throw new UsageError(`--pin: taskset failed for pid ${pid}: ${r.error?.message ?? r.stderr.trim()}`);
  };
  for (const t of targets) if (t.started && t.pid !== undefined) for (const p of processTree(t.pid)) taskset(pinned.servers, p.pid);
  taskset(pinned.generator, process.pid); // autocannon runs here; wrk is started under taskset itself
  return pinned;
}

/** A server that we started. The built-in designs are paused while others are measured (the poll
 * server spins at 100% of a core even when idle); peers are left running: they sleep when idle,
 * and a stopped nginx could not act on the SIGTERM its parent-death signal sends. */
function startedTarget(server: RunningServer, stopping: AbortSignal): BenchTarget {
  const signalTree = (signal: NodeJS.Signals): void => {
    for (const p of processTree(server.pid)) {
      try {
        process.kill(p.pid, signal);
      } catch {
        // gone since the scan: a process server's child that finished its connection
      }
    }
  };
  return {
    name: server.name,
    url: new URL(server.url),
    pid: server.pid,
    started: true,
    ...(server.kind === 'server' ? { pause: () => stopping.aborted || signalTree('SIGSTOP'), resume: () => signalTree('SIGCONT') } : {}),
  };
}

/** A server someone else started: its process is found by its listening socket, when it is on
 * this machine and readable. */
function urlTarget(raw: string): BenchTarget {
  const url = parseHttpUrl(raw);
  const local = ['127.0.0.1', 'localhost', '[::1]', '0.0.0.0'].includes(url.hostname);
  const pid = local ? listenerPid(Number(url.port || 80)) : undefined;
  return { name: url.host, url: new URL('/', url), pid };
}

interface Progress {
  onEvent(event: BenchEvent): void;
  done(): void;
}

/** Plain lines on stderr, one per phase and run: for logs and pipes. */
function lineProgress(): Progress {
  return {
    onEvent(event) {
      if (event.kind === 'start') {
        const what = event.phase === 'warmup' ? `warm-up ${event.durationS} s` : `run ${event.run}/${event.runs}, ${event.durationS} s`;
        process.stderr.write(`bench: ${event.target} ${event.scenario}: ${what}\n`);
      } else if (event.kind === 'run') {
        const r = event.result;
        process.stderr.write(`bench: ${event.target} ${event.scenario}: run ${event.run}/${event.runs}: ${Math.round(r.rps).toLocaleString('en-US')} rps, p50 ${r.latencyUs.p50} µs, p99 ${r.latencyUs.p99} µs\n`);
      } else if (event.kind === 'refused') {
        process.stderr.write(`bench: ${event.refusal.target} refused for ${event.refusal.scenario}: ${event.refusal.reason}\n`);
      }
    },
    done() {},
  };
}

/** A bar with an ETA over the planned seconds of load, on a terminal. */
function barProgress(plan: BenchPlan): Progress {
  const total = plannedSeconds(plan);
  const bar = new SingleBar({ format: 'bench [{bar}] {percentage}% | ETA {eta_formatted} | {phase}', stream: process.stderr, hideCursor: true, clearOnComplete: true });
  let finished = 0;
  let current = 0;
  bar.start(total, 0, { phase: 'checking targets' });
  return {
    onEvent(event) {
      if (event.kind === 'start') {
        finished += current;
        current = event.durationS;
        bar.update(finished, { phase: `${event.target} ${event.scenario} ${event.phase === 'warmup' ? 'warm-up' : `run ${event.run}/${event.runs}`}` });
      } else if (event.kind === 'tick') {
        bar.update(finished + Math.min(current, event.elapsedS));
      } else if (event.kind === 'refused') {
        bar.stop();
        process.stderr.write(`bench: ${event.refusal.target} refused for ${event.refusal.scenario}: ${event.refusal.reason}\n`);
        bar.start(total, finished, { phase: '' });
      }
    },
    done() {
      bar.stop();
    },
  };
}

export function describeMachine(): MachineDescription {
  const list = cpus();
  return { cpus: list.length, cpuModel: list[0]?.model.trim() ?? 'unknown', node: process.versions.node, kernel: release(), platform: process.platform };
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

function autocannonVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('autocannon/package.json') as { version: string }).version;
}
