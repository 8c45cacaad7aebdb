// `http-lab` with no command (or `http-lab lab`): the whole lab on the bundled html/. Each target
// is checked for conformance in turn; then all of them are measured under load, interleaved (as
// `bench` does, so that drift of the machine hits them alike). The results go to a folder as
// results.json, report.md and report.html; a summary table goes to the terminal.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { catalogue } from '../conformance/checks/index.js';
import { DEFAULT_TIMEOUT_MS } from '../conformance/runner.js';
import { selectChecks, type LevelFilter } from '../conformance/selection.js';
import type { ConformanceReport } from '../conformance/types.js';
import { describeMachine } from '../loadtest/machine.js';
import { findScenario, SCENARIO_NAMES, type Scenario } from '../loadtest/scenarios.js';
import { renderHtml } from '../reports/html.js';
import { RESULTS_SCHEMA, type LabResults } from '../reports/model.js';
import { renderResultsMarkdown } from '../reports/results-markdown.js';
import { renderResultsText } from '../reports/results-text.js';
import { SERVERS } from '../servers/catalogue.js';
import { bundledDocroot, packageVersion } from '../system/package.js';
import { onInterrupt, stopAllTargets } from '../targets/stop-on-exit.js';
import { conformTargets } from '../api/conform.js';
import { EXIT_FAILED, EXIT_OK } from './errors.js';
import { checkTargetNames, measure } from '../api/targets.js';

export type LabMode = 'quick' | 'default' | 'full';

/** What each mode runs. Quick: under a minute on 2 cores; default: at most 3 minutes; full adds
 * the load curves (keepalive swept over offered load and over connections, one run a point). */
export const LAB_MODES: Record<
  LabMode,
  {
    scenarios: string[];
    durationS: number;
    runs: number;
    warmupS: number;
    level: LevelFilter;
    skip: string[];
    sweepRate?: number[];
    sweepConnections?: number[];
  }
> = {
  quick: { scenarios: ['keepalive', 'close'], durationS: 1, runs: 1, warmupS: 0.25, level: 'must', skip: [] },
  default: { scenarios: ['keepalive', 'close'], durationS: 2, runs: 3, warmupS: 1, level: 'all', skip: [] },
  full: {
    scenarios: [...SCENARIO_NAMES],
    durationS: 5,
    runs: 3,
    warmupS: 2,
    level: 'all',
    skip: [],
    sweepRate: [10, 30, 50, 70, 90],
    sweepConnections: [1, 10, 100, 1000],
  },
};

export interface LabArgs {
  mode: LabMode;
  /** default: the designs this machine can run; peers join when named */
  targets?: string[];
  outDir: string;
  color: boolean;
  progressBar: boolean;
}

export async function lab(args: LabArgs): Promise<number> {
  const mode = LAB_MODES[args.mode];
  // By default, every design the machine allows: one it refuses (uring without io_uring) is left
  // out with its reason. A target the user named is never dropped: if it cannot start, that is said.
  const leftOut: string[] = [];
  const allowed: string[] = [];
  if (args.targets === undefined) {
    for (const design of SERVERS) {
      const why = await design.refusal?.();
      if (why === undefined) allowed.push(design.name);
      else leftOut.push(`${design.name} left out: ${why}`);
    }
  }
  const targets = [...new Set(args.targets ?? allowed)];
  checkTargetNames(targets);
  const outDir = resolve(args.outDir);
  mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const say = (line: string): void => void process.stderr.write(`lab: ${line}\n`);
  for (const line of leftOut) say(line);
  const levels = `${mode.level} levels${mode.skip.length > 0 ? ` without ${mode.skip.join(', ')}` : ''}`;
  say(
    `${args.mode} run of ${targets.join(', ')}: conformance (${levels}), then ${mode.scenarios.join(' and ')} load, ${mode.runs} × ${mode.durationS} s each; the report goes to ${outDir}`,
  );

  const checks = selectChecks(catalogue, { only: [], skip: mode.skip, level: mode.level });
  // Ctrl-C while a target is being checked stops it; the load phase handles its own.
  const removeInterruptHandler = onInterrupt(stopAllTargets);
  let conformance: ConformanceReport[];
  try {
    conformance = await conformTargets(
      targets,
      checks,
      { timeout: DEFAULT_TIMEOUT_MS, strict: false },
      {
        onStart: (target) => say(`conformance ${target}: ${checks.length} checks`),
        onReport: (r) => {
          const s = r.summary;
          say(
            `conformance ${r.target}: ${s.pass}/${s.total} pass, ${s.fail} fail, ${s.warn} warn, ${s.skip} skip, ${s.error} error (${(r.durationMs / 1000).toFixed(1)} s)`,
          );
        },
      },
    );
  } finally {
    removeInterruptHandler();
  }

  const scenarios: Scenario[] = mode.scenarios.map((name) => findScenario(name)!);
  const bench = await measure({
    targetNames: targets,
    scenarios,
    durationS: mode.durationS,
    runs: mode.runs,
    warmupS: mode.warmupS,
    docroot: bundledDocroot(),
    progress: args.progressBar ? 'bar' : 'lines',
    ...(mode.sweepRate !== undefined ? { sweepRate: mode.sweepRate } : {}),
    ...(mode.sweepConnections !== undefined ? { sweepConnections: mode.sweepConnections } : {}),
  });

  const results: LabResults = {
    schema: RESULTS_SCHEMA,
    version: packageVersion(),
    createdAt: new Date(started).toISOString(),
    machine: describeMachine(),
    // A wire trace explains a failure; on a pass it is 1.5 MB of bytes that matched.
    conformance: conformance.map((r) => ({
      ...r,
      checks: r.checks.map(({ trace, ...rest }) => (rest.outcome === 'pass' || rest.outcome === 'skip' ? rest : { ...rest, ...(trace ? { trace } : {}) })),
    })),
    bench: { generator: bench.generator, results: bench.results, refused: bench.refused },
    notes: [
      `http-lab lab${args.mode === 'default' ? '' : ` --${args.mode}`}: conformance at ${levels}; load ${mode.runs} run${mode.runs === 1 ? '' : 's'} of ${mode.durationS} s after ${mode.warmupS} s of warm-up per target and scenario`,
      ...leftOut,
    ],
  };
  const files = {
    json: join(outDir, 'results.json'),
    markdown: join(outDir, 'report.md'),
    html: join(outDir, 'report.html'),
  };
  writeFileSync(files.json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(files.markdown, renderResultsMarkdown(results));
  writeFileSync(files.html, renderHtml(results));

  process.stdout.write(renderResultsText(results, { color: args.color }));
  process.stdout.write(`\nlab: done in ${Math.round((Date.now() - started) / 1000)} s; wrote ${files.json} and ${files.markdown}\nlab: open ${files.html}\n`);
  const failed = conformance.some((r) => r.summary.fail > 0) || bench.refused.length > 0;
  return failed ? EXIT_FAILED : EXIT_OK;
}
