#!/usr/bin/env node
// The http-lab command line: the composition root, and the only module that imports from every
// part of the lab.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { LEVEL_FILTERS } from '../conformance/selection.js';
import { DEFAULT_TIMEOUT_MS } from '../conformance/runner.js';
import { SERVER_NAMES } from '../servers/catalogue.js';
import { PEER_NAMES } from '../targets/peers.js';
import { BENCH_TARGET_NAMES, TARGET_NAMES } from '../targets/spawn-target.js';
import { DEFAULT_DURATION_S, DEFAULT_RUNS, DEFAULT_SCENARIO, DEFAULT_WARMUP_S, SCENARIOS, SCENARIO_NAMES } from '../loadtest/scenarios.js';
import { bench } from './bench.js';
import { lab, LAB_MODES } from './lab.js';
import { report } from './report.js';
import { gate } from './gate.js';
import { checkBenchOptions, parseHostPort, type BenchOptions } from '../api/bench.js';
import { checkConformOptions } from '../api/conform.js';
import { checkGateOptions, GATE_DEFAULTS, type GateOptions } from '../api/gate.js';
import { HttpLabMeasuredFailure, HttpLabUsageError } from '../api/errors.js';
import { checkNonNegative, checkPositive, checkPositiveInteger, checkWritable, type RequestOptions } from '../api/validate.js';
import { conform } from './conform.js';
import { EXIT_FAILED, EXIT_USAGE } from './errors.js';
import { bundledDocroot, packageVersion } from '../system/package.js';
import { serve } from './serve.js';
import { locustWorker } from './locust-worker.js';

const useColor = (): boolean => process.stdout.isTTY === true && !('NO_COLOR' in process.env);

function targetsHelp(): string {
  return `built-in targets: ${SERVER_NAMES.join(', ')}; peers (conform and bench): ${PEER_NAMES.join(', ')}`;
}

const WIDTH = Math.min(110, process.stdout.columns ?? 100);

/** yargs' ESM build wraps help text at a fixed column, through the middle of words: long text is
 * wrapped here, at spaces, to lines it then leaves alone. */
function wrapWords(text: string, width: number): string {
  return text
    .split('\n')
    .map((paragraph) => {
      const lines: string[] = [];
      let line = '';
      for (const word of paragraph.split(' ')) {
        if (line !== '' && line.length + 1 + word.length > width) {
          lines.push(line);
          line = word;
        } else line = line === '' ? word : `${line} ${word}`;
      }
      return [...lines, line].join('\n');
    })
    .join('\n');
}

/** The request options bench and gate share (api/validate.ts, api/request-options.ts). */
const REQUEST_OPTIONS = {
  method: { alias: 'X', type: 'string', describe: 'request method (default GET)' },
  header: { alias: 'H', type: 'string', array: true, describe: 'a request field, "Name: value" (repeatable)' },
  body: { type: 'string', describe: 'request body' },
  'body-file': { type: 'string', describe: 'request body, read from this file' },
  'expect-status': { type: 'number', array: true, describe: 'statuses the check before load accepts (default: any 2xx; 200 for a docroot file)' },
  'expect-body-file': { type: 'string', describe: 'the exact body the check before load expects (default: the status only, or the docroot file)' },
  requests: { type: 'string', describe: 'a JSON file of weighted requests, each with its own expectation (see bench --help)' },
} as const;

interface RequestOptionValues {
  method?: string | undefined;
  header?: Array<string | number> | undefined;
  body?: string | undefined;
  'body-file'?: string | undefined;
  'expect-status'?: number[] | undefined;
  'expect-body-file'?: string | undefined;
  requests?: string | undefined;
}

/** The request options as the API names them. */
function requestOptionsOf(a: RequestOptionValues): RequestOptions {
  return {
    ...(a.method !== undefined ? { method: a.method } : {}),
    ...(a.header !== undefined ? { header: a.header.map(String) } : {}),
    ...(a.body !== undefined ? { body: a.body } : {}),
    ...(a['body-file'] !== undefined ? { bodyFile: a['body-file'] } : {}),
    ...(a['expect-status'] !== undefined ? { expectStatus: a['expect-status'] } : {}),
    ...(a['expect-body-file'] !== undefined ? { expectBodyFile: a['expect-body-file'] } : {}),
    ...(a.requests !== undefined ? { requests: a.requests } : {}),
  };
}

interface BenchValues extends RequestOptionValues {
  target?: Array<string | number> | undefined;
  url?: string | undefined;
  scenario: Array<string | number>;
  connections?: number | undefined;
  pipelining?: number | undefined;
  path?: string | undefined;
  duration: number;
  runs: number;
  warmup: number;
  docroot: string;
  engine?: 'autocannon' | 'wrk' | 'locust' | undefined;
  workers?: number | undefined;
  'expect-workers'?: number | undefined;
  'master-bind'?: string | undefined;
  'locustfile-out'?: string | undefined;
  pin?: boolean;
  rate?: number | undefined;
  'max-connections'?: number | undefined;
  'sweep-rate'?: number[] | undefined;
  'sweep-connections'?: number[] | undefined;
}

/** "10,30,50" → [10, 30, 50]; anything else is a usage error, named. */
function numberList(flag: string): (raw: string) => number[] {
  return (raw) => {
    const values = String(raw)
      .split(/[,\s]+/)
      .filter((x) => x !== '')
      .map(Number);
    if (values.length === 0 || values.some((v) => !Number.isFinite(v))) throw new Error(`${flag} takes a comma-separated list of numbers (got "${raw}")`);
    return values;
  };
}

function benchOptionsOf(a: BenchValues): BenchOptions {
  return {
    ...(a.target !== undefined ? { targets: a.target.map(String) } : {}),
    ...(a.url !== undefined ? { url: a.url } : {}),
    scenarios: a.scenario.map(String),
    ...(a.connections !== undefined ? { connections: a.connections } : {}),
    ...(a.pipelining !== undefined ? { pipelining: a.pipelining } : {}),
    ...(a.path !== undefined ? { path: a.path } : {}),
    durationS: a.duration,
    runs: a.runs,
    warmupS: a.warmup,
    docroot: a.docroot,
    ...(a.engine !== undefined ? { engine: a.engine } : {}),
    ...(a.workers !== undefined ? { workers: a.workers } : {}),
    ...(a['expect-workers'] !== undefined ? { expectWorkers: a['expect-workers'] } : {}),
    ...(a['master-bind'] !== undefined ? { masterBind: a['master-bind'] } : {}),
    ...(a['locustfile-out'] !== undefined ? { locustfileOut: a['locustfile-out'] } : {}),
    ...(a.pin !== undefined ? { pin: a.pin } : {}),
    ...(a.rate !== undefined ? { rate: a.rate } : {}),
    ...(a['max-connections'] !== undefined ? { maxConnections: a['max-connections'] } : {}),
    ...(a['sweep-rate'] !== undefined ? { sweepRate: a['sweep-rate'] } : {}),
    ...(a['sweep-connections'] !== undefined ? { sweepConnections: a['sweep-connections'] } : {}),
    ...requestOptionsOf(a),
  };
}

interface GateValues extends RequestOptionValues {
  action?: 'calibrate' | undefined;
  baseline?: string | undefined;
  'update-baseline'?: string | undefined;
  results?: string | undefined;
  target?: Array<string | number> | undefined;
  url?: string | undefined;
  scenario?: Array<string | number> | undefined;
  threshold: number;
  runs?: number | undefined;
  duration?: number | undefined;
  warmup?: number | undefined;
  sessions?: number | undefined;
  reference?: 'epoll' | 'none' | undefined;
  rate?: number | undefined;
  engine?: 'locust' | undefined;
  workers?: number | undefined;
}

function gateOptionsOf(a: GateValues): GateOptions {
  return {
    ...(a.action === 'calibrate' ? { calibrate: true } : {}),
    ...(a.baseline !== undefined ? { baseline: a.baseline } : {}),
    ...(a['update-baseline'] !== undefined ? { updateBaseline: a['update-baseline'] } : {}),
    ...(a.results !== undefined ? { results: a.results } : {}),
    ...(a.target !== undefined ? { targets: a.target.map(String) } : {}),
    ...(a.url !== undefined ? { url: a.url } : {}),
    ...(a.scenario !== undefined ? { scenarios: a.scenario.map(String) } : {}),
    threshold: a.threshold,
    ...(a.runs !== undefined ? { runs: a.runs } : {}),
    ...(a.duration !== undefined ? { durationS: a.duration } : {}),
    ...(a.warmup !== undefined ? { warmupS: a.warmup } : {}),
    ...(a.sessions !== undefined ? { sessions: a.sessions } : {}),
    ...(a.reference !== undefined ? { reference: a.reference } : {}),
    ...(a.rate !== undefined ? { rate: a.rate } : {}),
    ...(a.engine !== undefined ? { engine: a.engine } : {}),
    ...(a.workers !== undefined ? { workers: a.workers } : {}),
    ...requestOptionsOf(a),
  };
}

const CONFORM_HELP = `Examples:
  $ http-lab conform --target blocking
  $ http-lab conform --target epoll nginx python --format markdown >> "$GITHUB_STEP_SUMMARY"
  $ http-lab conform --target epoll --only 'rfc9112/6.*' --skip rfc9112/6.1/cl-and-te
  $ http-lab conform --list --level must
  $ http-lab conform --url http://127.0.0.1:8080/ --format junit --out conformance.xml
  $ http-lab conform --url http://127.0.0.1:3000/ --path /health        # your own server

Targets: ${SERVER_NAMES.join(', ')} (the designs, with their architecture fingerprints); ${PEER_NAMES.join(', ')} (peers: the system's nginx with one worker, Apache, lighttpd, h2o and Caddy with Debian's stock configuration, python3 -m http.server, or a hand-written static server on Node's http module, on the bundled html/; a missing program exits 2). Several targets run one after another and print a checks × targets matrix; the targets' disagreements are marked and listed first.

Any server: each check needs either nothing but HTTP/1.1, one existing resource (--path: any path that answers 200 to GET, the same bytes twice), or the bundled fixtures (GET /index.html must answer the --docroot's index.html byte for byte). Both are found out before the checks run; a check whose need the target cannot give skips, with the reason, and so does one that exercises ETags or ranges on a resource that offers none.

Patterns for --only and --skip: an id (rfc9112/3.2/host-missing) or a leading part of one (rfc9112/3.2, path, arch); a glob on ids, where * stays within a part and ** crosses parts ('rfc9112/6.*', 'adversarial/*': quote globs); or a section with its subsections ('RFC 9112 §6.1', '9112 §6.1', 9112/6.1; 9112 alone is the whole RFC). --only keeps what matches any of its patterns, then --skip drops what matches any of its. A pattern that matches no check exits 2.

Levels: must = MUST checks, and robustness checks that are required; should = must, plus every SHOULD and every robustness check; all = every check, MAY and architecture included (the default). Required checks fail the run (exit 1); --strict makes SHOULD checks required. A failed check that is not required is a warn.

Formats: text, json (http-lab/conformance@1; several targets: http-lab/conformance-matrix@1), junit (one testsuite per target; a warn is a passing testcase with a system-out note), markdown (for $GITHUB_STEP_SUMMARY).`;

const BENCH_HELP = `Examples:
  $ http-lab bench --target epoll async --scenario keepalive --duration 3 --runs 3 --format json --out r.json
  $ http-lab bench --target epoll nginx --scenario keepalive close pipeline
  $ http-lab bench --url http://127.0.0.1:8080/ --path /big.bin --docroot ./public
  $ http-lab bench --url http://127.0.0.1:3000/health
  $ http-lab bench --url http://127.0.0.1:3000/echo -X POST -H 'Content-Type: application/json' --body '{"n":1}' --expect-status 200
  $ http-lab bench --url http://127.0.0.1:3000/ --requests mix.json

Scenarios: ${SCENARIOS.map((s) => `${s.name} (${s.description})`).join('; ')}.

Before any load, each request is sent once and must meet its expectation; a target that does not is not measured (exit 1). A built-in target, or --path, is a GET of a file of --docroot: 200 with exactly its bytes. A --url is measured at its own path, and a request built with --method, --header and --body is held to --expect-status (default any 2xx) and, where given, --expect-body-file's exact bytes; without one the status alone is checked, and the result says so. --requests FILE gives a weighted mix: {"requests": [{"method": "GET", "path": "/health", "weight": 3, "expectStatus": [200]}, {"method": "POST", "path": "/echo", "headers": {"content-type": "application/json"}, "body": "{}", "expectBodyFile": "echo.json"}]} (bodyFile and expectBodyFile are relative to the file); each connection cycles through the requests, each as often as its weight. A scenario then sets only the connections and the pipelining. An unreachable target exits 2. Each target and scenario gets a warm-up, then --runs runs, the targets interleaved (A B C A B C ...); the report gives each metric's median and the spread of rps. Latency is recorded per response in µs (HdrHistogram). The server's whole process tree is sampled from /proc for CPU and peak RSS, and the generator's own CPU too: a result is flagged generator-bound when the generator saturates a core while the server has headroom, and every run is checked against Little's law (connections × pipelining ÷ mean latency = rps, within 5%).`;

const LAB_HELP = `Examples:
  $ npx http-lab                  # the default run, at most 3 minutes on 2 cores
  $ npx http-lab --quick          # under a minute
  $ npx http-lab --full --targets epoll nginx

Runs the conformance suite against each target in turn, then the load scenarios against all of them, interleaved (default and --quick: ${LAB_MODES.default.scenarios.join(' and ')}; --full: every scenario). Writes results.json (http-lab/results@1), report.md and report.html (self-contained, with charts) to --out-dir, and prints a summary. Exit 1 when a target fails a required check or is refused before load.`;

const GATE_HELP = `Examples:
  $ http-lab gate --update-baseline baseline.json --url http://127.0.0.1:8080/     # once; commit baseline.json
  $ http-lab gate --baseline baseline.json --url http://127.0.0.1:9090/ --format markdown   # in CI: exit 1 on a regression
  $ http-lab gate calibrate --target epoll --sessions 4

A baseline holds several sessions (servers restarted for each) of every target beside a reference server (the built-in epoll, run by run in the same session), so that a slower CI machine is not a regression; the differences between its sessions are the noise floor. The gate measures one session with the baseline's settings (at --url when given, else at the baseline's URL) and judges throughput (higher is better), p50 and p99 latency and peak PSS (lower is better) as each target's figure over the reference's: a regression only when the whole bootstrap 95% interval of the change lies beyond the threshold (the larger of --threshold and the metric's noise floor). A required conformance check that passed in the baseline and fails now is a regression too. A missing or incompatible baseline exits 2.`;

const cli = yargs(hideBin(process.argv))
  .scriptName('http-lab')
  .usage('$0 <command> [options]\n\nClassic HTTP server designs made real, correct and measurable.')
  .command(
    ['lab', '$0'],
    'the whole lab (the default): conformance and load on every server, then a report folder with HTML charts',
    (y: Argv) =>
      y
        .option('quick', {
          type: 'boolean',
          default: false,
          describe: 'under a minute: MUST-level checks without the adversarial ones, one 1 s run per scenario',
        })
        .option('full', {
          type: 'boolean',
          default: false,
          describe:
            'every scenario, 3 runs of 5 s after a 2 s warm-up, then the load curves: keepalive at 10-90% of capacity (--rate) and at 1-1000 connections',
        })
        .option('targets', {
          alias: 't',
          type: 'string',
          array: true,
          choices: TARGET_NAMES,
          defaultDescription: SERVER_NAMES.join(' '),
          describe: `which servers; the peers (${PEER_NAMES.join(', ')}) join when named`,
        })
        .option('out-dir', { alias: 'o', type: 'string', default: 'http-lab-report', describe: 'folder for results.json, report.md and report.html' })
        .check((a) => {
          if (a.targets !== undefined && a.targets.length === 0) throw new Error('--targets needs at least one name');
          if (a.quick && a.full) throw new Error('--quick and --full cannot be used together');
          return checkCreatableFolder(a['out-dir']);
        })
        .epilogue(wrapWords(LAB_HELP, WIDTH - 1)),
    async (a) => {
      process.exitCode = await lab({
        mode: a.quick ? 'quick' : a.full ? 'full' : 'default',
        ...(a.targets !== undefined ? { targets: a.targets.map(String) } : {}),
        outDir: a['out-dir'],
        color: useColor(),
        progressBar: process.stderr.isTTY === true,
      });
    },
  )
  .command(
    'serve',
    'run one reference server in the foreground until Ctrl-C',
    (y: Argv) =>
      y
        .option('target', { alias: 't', type: 'string', choices: SERVER_NAMES, demandOption: true, describe: 'which server design' })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to bind' })
        .option('port', { alias: 'p', type: 'number', default: 0, describe: 'port to bind (0 = any free port)' })
        .option('docroot', { type: 'string', default: bundledDocroot(), defaultDescription: 'the bundled html/', describe: 'folder to serve' })
        .option('idle-timeout', { type: 'number', default: 5, describe: 'seconds before a connection silent between requests is closed' })
        .option('header-timeout', { type: 'number', default: 10, describe: 'seconds to complete a request once its first byte is in; then 408 and close' })
        .option('backlog', { type: 'number', default: 511, describe: 'listen backlog' })
        .option('max-workers', { type: 'number', default: 256, describe: 'thread and process servers: live threads or children at most' })
        .option('handicap-us', {
          type: 'number',
          default: 0,
          describe:
            'busy-wait this many µs per request: a server made slower on purpose, to show what a slower request path costs each design and to test the CI gate',
        })
        .option('parent-pid', { type: 'number', hidden: true, describe: 'stop when this process (the http-lab that started the server) exits' })
        .check(
          (a) =>
            checkPort(a.port) &&
            checkTimeout('idle-timeout', a['idle-timeout']) &&
            checkTimeout('header-timeout', a['header-timeout']) &&
            checkPositiveInteger('backlog', a.backlog) &&
            checkPositiveInteger('max-workers', a['max-workers']) &&
            checkNonNegative('handicap-us', a['handicap-us']),
        )
        .example('$0 serve --target blocking --port 8080', 'serve html/ on http://127.0.0.1:8080'),
    async (a) => {
      await serve({
        target: a.target,
        host: a.host,
        port: a.port,
        docroot: a.docroot,
        idleTimeout: a['idle-timeout'],
        headerTimeout: a['header-timeout'],
        backlog: a.backlog,
        maxWorkers: a['max-workers'],
        handicapUs: a['handicap-us'],
        ...(a['parent-pid'] !== undefined ? { parentPid: a['parent-pid'] } : {}),
      });
    },
  )
  .command(
    'conform',
    'run the HTTP/1.1 conformance checks against a built-in server or a URL',
    (y: Argv) =>
      y
        .option('target', {
          alias: 't',
          type: 'string',
          array: true,
          choices: TARGET_NAMES,
          describe: 'built-in targets to start and check in turn (several: a matrix)',
        })
        .option('url', { alias: 'u', type: 'string', describe: 'any running HTTP/1.1 server' })
        .conflicts('target', 'url')
        .option('path', {
          type: 'string',
          defaultDescription: '/index.html where the target serves the fixtures, else /',
          describe: 'the existing resource (any path that answers 200 to GET) for the checks that need one',
        })
        .option('docroot', {
          type: 'string',
          defaultDescription: 'the bundled html/',
          describe: 'the fixtures the fixture checks compare bytes with (where the target serves them); built-in targets are started on it',
        })
        .option('format', {
          alias: 'f',
          choices: ['text', 'json', 'junit', 'markdown'] as const,
          default: 'text' as const,
          describe: 'output format (markdown suits $GITHUB_STEP_SUMMARY)',
        })
        .option('out', { alias: 'o', type: 'string', describe: 'write the output to this file' })
        .option('only', {
          type: 'string',
          array: true,
          describe: 'run only the checks matching one of these patterns (see below)',
        })
        .option('skip', { type: 'string', array: true, describe: 'leave out the checks matching one of these patterns' })
        .option('level', {
          choices: LEVEL_FILTERS,
          default: 'all' as const,
          describe: 'which levels to run (see below)',
        })
        .option('list', { type: 'boolean', default: false, describe: 'print the selected checks without running them (text, json, markdown)' })
        .option('timeout', { type: 'number', default: DEFAULT_TIMEOUT_MS, describe: 'per-check timeout in ms (a timeout is an error, not a failure)' })
        .option('concurrency', { type: 'number', describe: 'checks in flight at once (default 8; 1 for serial targets)' })
        .option('strict', { type: 'boolean', default: false, describe: 'SHOULD checks become required: their failures fail the run (exit 1)' })
        .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'add a wire trace to failures' })
        .check(
          (a) =>
            checkConformOptions(
              {
                ...(a.target !== undefined ? { targets: a.target.map(String) } : {}),
                ...(a.url !== undefined ? { url: a.url } : {}),
                ...(a.path !== undefined ? { path: a.path } : {}),
                ...(a.docroot !== undefined ? { docroot: a.docroot } : {}),
                timeout: a.timeout,
                ...(a.concurrency !== undefined ? { concurrency: a.concurrency } : {}),
              },
              a.list,
            ) &&
            (a.out === undefined || checkWritable(a.out)),
        )
        .epilogue(wrapWords(CONFORM_HELP, WIDTH - 1)),
    async (a) => {
      process.exitCode = await conform({
        ...(a.target !== undefined ? { targets: a.target.map(String) } : {}),
        ...(a.only !== undefined ? { only: a.only.map(String) } : {}),
        ...(a.skip !== undefined ? { skip: a.skip.map(String) } : {}),
        level: a.level,
        list: a.list,
        ...(a.url !== undefined ? { url: a.url } : {}),
        ...(a.path !== undefined ? { path: a.path } : {}),
        ...(a.docroot !== undefined ? { docroot: a.docroot } : {}),
        ...(a.out !== undefined ? { out: a.out } : {}),
        ...(a.concurrency !== undefined ? { concurrency: a.concurrency } : {}),
        format: a.format,
        timeout: a.timeout,
        strict: a.strict,
        verbose: a.verbose,
        color: useColor(),
      });
    },
  )
  .command(
    'bench',
    'measure throughput, µs latency, CPU and memory under load (autocannon, wrk or Locust; the open model at --rate)',
    (y: Argv) =>
      y
        .option('target', {
          alias: 't',
          type: 'string',
          array: true,
          choices: BENCH_TARGET_NAMES,
          describe: 'built-in targets to start and measure, interleaved (also the yardsticks node and yardstick)',
        })
        .option('url', {
          alias: 'u',
          type: 'string',
          describe: 'a running server: its own path is measured (GET, any 2xx) unless --path or --requests says otherwise',
        })
        .conflicts('target', 'url')
        .options(REQUEST_OPTIONS)
        .conflicts('body', 'body-file')
        .option('scenario', {
          alias: 's',
          type: 'string',
          array: true,
          choices: SCENARIO_NAMES,
          default: [DEFAULT_SCENARIO],
          describe: 'load scenarios (see below)',
        })
        .option('connections', { alias: 'c', type: 'number', describe: "connections at once (default: the scenario's)" })
        .option('pipelining', { type: 'number', describe: "requests in flight per connection (default: the scenario's)" })
        .option('path', { type: 'string', describe: "path to request (default: the scenario's); its file in --docroot is the expected body" })
        .option('duration', { alias: 'd', type: 'number', default: DEFAULT_DURATION_S, describe: 'seconds per measured run' })
        .option('runs', { alias: 'r', type: 'number', default: DEFAULT_RUNS, describe: 'measured runs per target and scenario' })
        .option('warmup', { alias: 'w', type: 'number', default: DEFAULT_WARMUP_S, describe: 'seconds of load before the runs, not counted (0: none)' })
        .option('docroot', {
          type: 'string',
          default: bundledDocroot(),
          defaultDescription: 'the bundled html/',
          describe: 'folder served: targets are started on it, and responses must match its files',
        })
        .option('engine', {
          choices: ['autocannon', 'wrk', 'locust'] as const,
          defaultDescription: 'autocannon',
          describe:
            "the load generator: autocannon, wrk where installed (about half the CPU per request), or Locust's master and workers (python3-locust), which paces its users to --rate",
        })
        .option('workers', { type: 'number', describe: 'with --engine locust: local worker processes (default: one per CPU)' })
        .option('expect-workers', {
          type: 'number',
          describe: 'with --engine locust: wait for this many workers, those beyond --workers started elsewhere with http-lab locust-worker',
        })
        .option('master-bind', {
          type: 'string',
          describe: 'with --engine locust: HOST:PORT where the master listens for workers (default 127.0.0.1, a free port)',
        })
        .option('locustfile-out', { type: 'string', describe: 'with --engine locust: also write the locustfile here, for workers on other machines' })
        .option('rate', {
          type: 'number',
          describe:
            'the open model: this many requests per second in total, at evenly spaced intended starts, whatever the server does; latency counts from each intended start (coordinated omission corrected), the uncorrected latency beside it',
        })
        .option('sweep-rate', {
          type: 'string',
          coerce: numberList('--sweep-rate'),
          describe:
            "after the scenarios: the open model at these percentages of each target's measured capacity on the first scenario, e.g. 10,30,50,70,90 (one run each): where each design's p99 turns up",
        })
        .option('sweep-connections', {
          type: 'string',
          coerce: numberList('--sweep-connections'),
          describe:
            'after the scenarios: the first scenario at these numbers of connections, e.g. 1,10,100,1000 (one run each): rps, p99 and PSS per connection',
        })
        .option('max-connections', {
          type: 'number',
          describe: "with --rate: connections open at once, at most (default: the scenario's connections); a request that finds none free waits, counted late",
        })
        .option('pin', {
          type: 'boolean',
          describe:
            'pin the servers started here to CPU 0 and the generator to the others (taskset); by default where there are 2 CPUs or more, --no-pin never',
        })
        .option('format', { alias: 'f', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'output format (json: http-lab/bench@2)' })
        .option('out', { alias: 'o', type: 'string', describe: 'write the output to this file' })
        .check((a) => checkBenchOptions(benchOptionsOf(a)) && (a.out === undefined || checkWritable(a.out)))
        .epilogue(wrapWords(BENCH_HELP, WIDTH - 1)),
    async (a) => {
      process.exitCode = await bench({
        ...benchOptionsOf(a),
        docroot: resolve(a.docroot),
        format: a.format,
        ...(a.out !== undefined ? { out: a.out } : {}),
        color: useColor(),
        progress: process.stderr.isTTY === true ? 'bar' : 'lines',
      });
    },
  )
  .command(
    'gate [action]',
    'CI regression gate: compare with a committed baseline (exit 1 on a regression), write one, or calibrate the noise floor',
    (y: Argv) =>
      y
        .positional('action', { choices: ['calibrate'] as const, describe: "calibrate: measure A/A sessions and print this machine's noise floor" })
        .option('baseline', { alias: 'b', type: 'string', describe: 'the baseline to compare with' })
        .option('update-baseline', { type: 'string', describe: 'measure and write a baseline to this file (commit it)' })
        .conflicts('baseline', 'update-baseline')
        .option('results', { type: 'string', describe: 'judge saved results (bench --format json, with a "reference" target) instead of measuring' })
        .option('target', {
          alias: 't',
          type: 'string',
          array: true,
          choices: TARGET_NAMES,
          describe: 'built-in targets (update, calibrate); with --baseline: only these of its targets',
        })
        .option('url', { alias: 'u', type: 'string', describe: "a running server to gate, at its own path; with --baseline: in place of the baseline's URL" })
        .options(REQUEST_OPTIONS)
        .conflicts('body', 'body-file')
        .option('scenario', {
          alias: 's',
          type: 'string',
          array: true,
          choices: SCENARIO_NAMES,
          describe: `scenarios (default ${GATE_DEFAULTS.scenarios.join(' ')}); with --baseline: only these of its scenarios`,
        })
        .option('threshold', {
          type: 'number',
          default: GATE_DEFAULTS.threshold * 100,
          describe: 'smallest change, in %, that counts (the noise floor raises it per metric)',
        })
        // No yargs defaults for the settings a comparison takes from its baseline: given with
        // --baseline they are refused (exit 2), which needs to know whether the user gave them.
        .option('runs', { alias: 'r', type: 'number', defaultDescription: String(GATE_DEFAULTS.runs), describe: 'runs per session (update, calibrate)' })
        .option('duration', {
          alias: 'd',
          type: 'number',
          defaultDescription: String(GATE_DEFAULTS.durationS),
          describe: 'seconds per run (update, calibrate)',
        })
        .option('warmup', {
          alias: 'w',
          type: 'number',
          defaultDescription: String(GATE_DEFAULTS.warmupS),
          describe: 'seconds of warm-up per session (update, calibrate)',
        })
        .option('sessions', {
          type: 'number',
          defaultDescription: String(GATE_DEFAULTS.sessions),
          describe: 'independent sessions (update, calibrate), the servers restarted for each: their differences are the noise floor',
        })
        .option('reference', {
          choices: ['epoll', 'none'] as const,
          defaultDescription: GATE_DEFAULTS.reference,
          describe: 'the built-in server run beside every run, so that machine speed cancels out (update, calibrate)',
        })
        .option('rate', {
          type: 'number',
          describe: 'the open model at this many requests per second (update, calibrate): p50 and p99 are then gated as corrected for coordinated omission',
        })
        .option('engine', {
          choices: ['locust'] as const,
          describe: "the load on Locust's master and workers (update, calibrate; a comparison repeats the baseline's)",
        })
        .option('workers', { type: 'number', describe: 'with --engine locust: local worker processes (default: one per CPU)' })
        .option('format', {
          alias: 'f',
          choices: ['text', 'json', 'markdown'] as const,
          default: 'text' as const,
          describe: 'output (json: http-lab/gate@1); markdown also goes to $GITHUB_STEP_SUMMARY when set, whatever the format',
        })
        .option('out', { alias: 'o', type: 'string', describe: 'write the output to this file' })
        .check((a) => checkGateOptions(gateOptionsOf(a)) && (a.out === undefined || checkWritable(a.out)))
        .epilogue(wrapWords(GATE_HELP, WIDTH - 1)),
    async (a) => {
      process.exitCode = await gate({
        ...gateOptionsOf(a),
        format: a.format,
        ...(a.out !== undefined ? { out: a.out } : {}),
        color: useColor(),
        progress: process.stderr.isTTY === true ? 'bar' : 'lines',
      });
    },
  )
  .command(
    'locust-worker',
    "one Locust worker for a master started by bench --engine locust --expect-workers N, on this machine or any other; it runs until the master's run ends",
    (y: Argv) =>
      y
        .option('master', { type: 'string', demandOption: true, describe: "the master's HOST:PORT (its --master-bind)" })
        .option('locustfile', { type: 'string', demandOption: true, describe: 'the locustfile the master wrote (its --locustfile-out), copied here' })
        .check((a) => {
          parseHostPort('--master', a.master);
          if (!existsSync(a.locustfile)) throw new Error(`--locustfile ${a.locustfile} does not exist`);
          return true;
        })
        .example('$0 locust-worker --master 10.0.0.5:5557 --locustfile locustfile.py', ''),
    async (a) => {
      process.exitCode = await locustWorker({ master: parseHostPort('--master', a.master), locustfile: resolve(a.locustfile) });
    },
  )
  .command(
    'report',
    'render saved results (lab, bench, conform JSON) as text, Markdown, HTML or JUnit; several --in merge',
    (y: Argv) =>
      y
        .option('in', {
          alias: 'i',
          type: 'string',
          array: true,
          demandOption: true,
          describe: 'results files: results.json from the lab, bench or conform --format json',
        })
        .option('format', {
          alias: 'f',
          choices: ['text', 'json', 'markdown', 'html', 'junit'] as const,
          default: 'text' as const,
          describe: 'output format (json: http-lab/results@1; junit: the conformance part)',
        })
        .option('out', { alias: 'o', type: 'string', describe: 'write the output to this file' })
        .check((a) => {
          if (a.in.length === 0) throw new Error('--in needs at least one file');
          return a.out === undefined || checkWritable(a.out);
        })
        .example('$0 report --in http-lab-report/results.json --format html --out report.html', '')
        .example('$0 report --in before.json --in after.json --format markdown', 'one comparison of two runs'),
    (a) => {
      process.exitCode = report({ inputs: a.in.map(String), format: a.format, ...(a.out !== undefined ? { out: a.out } : {}), color: useColor() });
    },
  )
  .strict()
  .epilogue(targetsHelp())
  .help()
  .alias('help', 'h')
  // its own version: yargs would otherwise read the package.json nearest the working folder, a user's
  .version(packageVersion())
  .wrap(WIDTH)
  .fail((message, error) => {
    // yargs exits 1 on bad usage by default; the contract is exit 2 with a one-line reason.
    if (error !== undefined && error !== null && !(error instanceof HttpLabUsageError) && !message) throw error;
    process.stderr.write(`http-lab: ${message || error?.message}\nRun "http-lab --help" for usage.\n`);
    process.exit(EXIT_USAGE);
  });

function checkPort(port: number): boolean {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer from 0 to 65535 (got ${port})`);
  return true;
}

/** Node's timers hold at most 2^31 − 1 ms and fire at once beyond it (the async server's timeouts
 * are timers), so a longer timeout is refused rather than turned into an instant one. */
const MAX_TIMEOUT_S = Math.floor((2 ** 31 - 1) / 1000);

function checkTimeout(name: string, seconds: number): boolean {
  checkPositive(name, seconds);
  if (seconds > MAX_TIMEOUT_S) throw new Error(`--${name} must be at most ${MAX_TIMEOUT_S} seconds (about 24 days), not ${seconds}`);
  return true;
}

/** The folder exists and is writable, or can be made: its nearest existing ancestor is writable. */
function checkCreatableFolder(dir: string): boolean {
  let folder = resolve(dir);
  while (!existsSync(folder)) folder = dirname(folder);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new Error(`--out-dir ${dir}: ${folder} is not writable`);
  }
  if (!statSync(folder).isDirectory()) throw new Error(`--out-dir ${dir}: ${folder} is not a folder`);
  return true;
}

// A reader that goes away (`http-lab conform ... | head`) is not an error of ours.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

try {
  await cli.parseAsync();
} catch (err) {
  if (err instanceof HttpLabUsageError) {
    process.stderr.write(`http-lab: ${err.message}\n`);
    process.exit(EXIT_USAGE);
  }
  if (err instanceof HttpLabMeasuredFailure) {
    process.stderr.write(`http-lab: ${err.message}\n`);
    process.exit(EXIT_FAILED);
  }
  // Anything else is a bug in http-lab, not in the target: show the stack.
  process.stderr.write(`http-lab: internal error: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(EXIT_USAGE);
}
