// `bench --engine locust`: the load on Locust's distributed workers, read back into bench@2.
//
// Locust has real master and worker processes over ZeroMQ, so one scenario can run on many
// generator machines. Here a locustfile is written from the scenario and its request description,
// a headless master runs it on `workers` local worker processes (or waits for workers started
// elsewhere), and its CSV statistics become one run of the bench document.
//
// What Locust cannot measure is said, never filled in (LOCUST_LIMITS): its percentiles are whole
// milliseconds, its timeline is per second with a p99 over its last 10 s, and its users pace their
// requests but wait for each answer, so `--rate` through constant_throughput is not an open model
// and a stall delays the requests Locust then never sends (coordinated omission).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../system/ports.js';
import { reapedChildrenCpuMs } from '../system/proc.js';
import type { LoadOptions, LoadResult } from './load.js';
import { cycleOf, type RequestEntry } from './requests.js';
import { RESPONSE_TIMEOUT_S } from './scenarios.js';
import type { TimelinePoint } from './types.js';

/** Locust's history has a point a second. */
export const LOCUST_SLICE_MS = 1000;

/** What a Locust run's figures are not, for the bench document. */
export const LOCUST_LIMITS = [
  'percentiles are whole milliseconds (Locust rounds each response time; one under 0.5 ms counts as 0), and there is no per-request µs histogram; the mean is of the unrounded times',
  "the timeline is per second, and its p99 is Locust's current percentile over its last 10 s, not the second's own",
  'each user waits for its answer before its next request: with --rate, constant_throughput paces users (a closed model with pacing), so latency is not corrected for coordinated omission',
];

export interface LocustProgram {
  python: string;
  version: string;
}

/** Where Locust may be: HTTP_LAB_PYTHON, else the python3 on PATH, else Debian's own python, where
 * python3-locust installs it (a pyenv python3 on PATH does not see it). */
function pythonCandidates(): string[] {
  const given = process.env.HTTP_LAB_PYTHON;
  return given !== undefined ? [given] : ['python3', '/usr/bin/python3'];
}

/** A python with Locust importable, and Locust's version; undefined where none has it. Debian's
 * package reports 0.0.0 (or nothing), so its package version is read instead. */
export function findLocust(): LocustProgram | undefined {
  for (const python of pythonCandidates()) {
    const r = spawnSync(python, ['-c', 'import locust, importlib.metadata as m\nprint(m.version("locust"))'], { encoding: 'utf8', timeout: 20_000 });
    if (r.error !== undefined || r.status !== 0) continue;
    let version = r.stdout.trim();
    if (version === '' || version === '0.0.0') {
      const dpkg = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'python3-locust'], { encoding: 'utf8', timeout: 5000 });
      version = dpkg.status === 0 && dpkg.stdout.trim() !== '' ? `${dpkg.stdout.trim()} (Debian)` : 'unknown';
    }
    return { python, version };
  }
  return undefined;
}

/** What `who` (a command or flag) says where Locust is missing, with the command that installs it. */
export function locustMissing(who: string): string {
  return `${who}: Locust is not installed for python3 (apt-get install python3-locust)`;
}

export interface LocustOptions {
  program: LocustProgram;
  /** local worker processes; 0 with expectWorkers: only the master runs here */
  workers: number;
  /** wait for this many workers (default: workers); those beyond the local ones connect from elsewhere */
  expectWorkers?: number;
  /** where the master listens for workers (default 127.0.0.1 on a free port) */
  masterBind?: { host: string; port: number };
  /** the open model's rate, paced by constant_throughput (see LOCUST_LIMITS) */
  rate?: number;
  /** the locustfile is also written here, for workers started on other machines */
  locustfileOut?: string;
  /** said once the master waits for workers from elsewhere */
  onWaiting?: (line: string) => void;
}

/** The request mix as the locustfile gets it: a cycle, as the other engines send it. */
function requestCycle(
  options: LoadOptions,
): Array<{ method: string; path: string; headers: Record<string, string>; body: string | null; status: number[] | null }> {
  const { scenario } = options;
  const entries: RequestEntry[] = scenario.requests ?? [{ request: { method: 'GET', path: scenario.path, headers: {}, weight: 1 }, expect: {} }];
  const byRequest = new Map(entries.map((e) => [e.request, e]));
  return cycleOf(entries).map((request) => {
    const entry = byRequest.get(request)!;
    return {
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: request.body === undefined ? null : request.body.toString('base64'),
      status: entry.expect.status ?? null,
    };
  });
}

/** The locustfile: self-contained, so that a worker anywhere needs only this file. */
export function locustfile(options: LoadOptions, users: number, rate: number | undefined): string {
  const cycle = JSON.stringify(requestCycle(options));
  // constant_throughput is per user: the total rate is shared among them
  const pace = rate === undefined ? 'constant(0)' : `constant_throughput(${rate / users})`;
  return `# Written by http-lab for bench --engine locust. A worker needs only this file:
#   locust -f THIS_FILE --worker --master-host HOST --master-port PORT
import base64
import json

import locust.runners
import locust.stats
from locust import FastHttpUser, constant, constant_throughput, events, task

# Debian's python3-locust ships an empty version string, and a master refuses a worker that reports
# one ("An old (pre 2.0) worker tried to connect"): every process loading this file reports one.
if not locust.runners.__version__:
    locust.runners.__version__ = "2.12.1"

# The master writes its history a row a second but flushes it every 10 s, and a run's last rows
# never reach the file: flushed every second, a short run's timeline is there too.
locust.stats.CSV_STATS_FLUSH_INTERVAL_SEC = 0.5
# A worker reports to the master every 3 s, so the master's history would count a second's
# responses in bursts: every half second, they land in their own second.
locust.runners.WORKER_REPORT_INTERVAL = 0.5


@events.test_stop.add_listener
def report_at_stop(environment, **_kwargs):
    # A worker sends its last report only when told to quit, and a master waits 0.5 s for it: on a
    # busy machine a short run's requests were lost. Sent when the run stops, they all arrive.
    if isinstance(environment.runner, locust.runners.WorkerRunner):
        environment.runner._send_stats()

CYCLE = json.loads(${JSON.stringify(cycle)})
for r in CYCLE:
    r["data"] = base64.b64decode(r["body"]) if r["body"] is not None else None


class LabUser(FastHttpUser):
    host = ${JSON.stringify(new URL('/', options.url).href.replace(/\/$/, ''))}
    wait_time = ${pace}
    connection_timeout = ${RESPONSE_TIMEOUT_S}
    network_timeout = ${RESPONSE_TIMEOUT_S}

    def on_start(self):
        self.next = 0

    @task
    def request(self):
        r = CYCLE[self.next % len(CYCLE)]
        self.next += 1
        with self.client.request(r["method"], r["path"], headers=r["headers"], data=r["data"], catch_response=True, name=r["method"] + " " + r["path"]) as res:
            error = getattr(res, "error", None)
            if error is not None or not res.status_code:
                res.failure("error " + str(error))
            elif (res.status_code in r["status"]) if r["status"] is not None else (200 <= res.status_code < 300):
                res.success()
            else:
                res.failure("status " + str(res.status_code))
`;
}

/** One CSV file into rows of named columns (Locust quotes fields with double quotes, never newlines). */
export function parseCsv(text: string): Array<Record<string, string>> {
  const split = (line: string): string[] => {
    const out: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') {
        out.push(field);
        field = '';
      } else field += c;
    }
    out.push(field);
    return out;
  };
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = split(lines[0] ?? '');
  return lines.slice(1).map((line) => Object.fromEntries(split(line).map((v, i) => [header[i] ?? `${i}`, v])));
}

/** A CSV field as a number; 0 for Locust's "N/A" (no response in that slice) or a missing one. */
const num = (s: string | undefined): number => {
  const x = Number(s);
  return Number.isFinite(x) ? x : 0;
};

/** The run's figures from Locust's CSV files: `stats` (one row per request name and an
 * Aggregated row), `history` (a row a second per name), `failures` (per error message). */
export function figuresFromCsv(stats: string, history: string, failures: string): LoadResult {
  const total = parseCsv(stats).find((r) => r['Name'] === 'Aggregated');
  if (total === undefined) throw new Error("Locust's statistics have no Aggregated row: no request was made");
  const requests = num(total['Request Count']);
  const rps = num(total['Requests/s']);
  if (requests === 0) throw new Error('Locust made no request');
  let errors = 0;
  let non2xx = 0;
  for (const f of parseCsv(failures)) {
    const n = num(f['Occurrences']);
    if (/^status \d+/.test(f['Error'] ?? '')) non2xx += n;
    else errors += n;
  }
  const us = (column: string): number => Math.round(num(total[column]) * 1000);
  const rows = parseCsv(history).filter((r) => r['Name'] === 'Aggregated');
  const timeline: TimelinePoint[] = [];
  let previous = 0;
  const start = rows.length > 0 ? num(rows[0]!['Timestamp']) : 0;
  for (const row of rows) {
    const count = num(row['Total Request Count']);
    timeline.push({ tMs: (num(row['Timestamp']) - start) * 1000, responses: Math.max(0, count - previous), p99Us: Math.round(num(row['99%']) * 1000) });
    previous = count;
  }
  return {
    responses: requests,
    elapsedS: rps > 0 ? requests / rps : 0,
    latencyUs: {
      mean: Math.round(num(total['Average Response Time']) * 1000),
      p50: us('50%'),
      p90: us('90%'),
      p99: us('99%'),
      p999: us('99.9%'),
      max: us('100%'),
    },
    errors,
    // Locust reports a timeout as an error of its own text: counted among errors
    timeouts: 0,
    non2xx,
    timeline,
  };
}

/** One period of load on Locust: a headless master and its workers, which all exit at the end. The
 * generator's CPU is theirs, from this process's reaped-children time (local workers only). */
export async function runLocust(options: LoadOptions & { locust: LocustOptions }): Promise<LoadResult & { generatorCpuMs: number; workers: number }> {
  const { scenario, locust } = options;
  const dir = mkdtempSync(join(tmpdir(), 'http-lab-locust-'));
  const users = scenario.connections;
  const file = join(dir, 'locustfile.py');
  const text = locustfile(options, users, locust.rate);
  writeFileSync(file, text);
  if (locust.locustfileOut !== undefined) writeFileSync(locust.locustfileOut, text);
  const { host, port } = locust.masterBind ?? { host: '127.0.0.1', port: await freePort() };
  const expected = locust.expectWorkers ?? locust.workers;
  const seconds = Math.max(1, Math.round(options.durationS));
  const prefix = join(dir, 'run');
  const before = reapedChildrenCpuMs();
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  const start = (args: string[], name: string): ChildProcess => {
    const child = spawn(locust.program.python, ['-m', 'locust', '-f', file, ...args], { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err = (err + d).slice(-4000);
    });
    child.once('close', () => logs.push(`${name}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
    children.push(child);
    return child;
  };
  const stopAll = (): void => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  };
  options.signal?.addEventListener('abort', stopAll, { once: true });
  const ticker = setInterval(() => options.onTick?.(0), 1000);
  try {
    const master = start(
      [
        '--headless',
        '--master',
        '--master-bind-host',
        host,
        '--master-bind-port',
        String(port),
        '--expect-workers',
        String(expected),
        '-u',
        String(users),
        // every user at once (in a tenth of a second): the run is the load, not a ramp
        '-r',
        String(users * 10),
        '-t',
        `${seconds}s`,
        '--stop-timeout',
        String(RESPONSE_TIMEOUT_S),
        '--csv',
        prefix,
        '--csv-full-history',
        '--only-summary',
        '--loglevel',
        'WARNING',
      ],
      'master',
    );
    const masterDone = new Promise<number | null>((resolve) => master.once('close', resolve));
    // Locust says nothing of its wait at --loglevel WARNING: workers from elsewhere are told here.
    if (expected > locust.workers) {
      locust.onWaiting?.(`locust: the master waits for ${expected} workers on ${host}:${port} (${locust.workers} started here)`);
    }
    const connectTo = host === '0.0.0.0' ? '127.0.0.1' : host;
    const workers = Array.from({ length: locust.workers }, (_, i) =>
      start(['--worker', '--master-host', connectTo, '--master-port', String(port), '--loglevel', 'WARNING'], `worker ${i + 1}`),
    );
    const code = await masterDone;
    await Promise.all(workers.map((w) => (w.exitCode !== null || w.signalCode !== null ? Promise.resolve() : new Promise((r) => w.once('close', r)))));
    if (options.signal?.aborted) throw new Error('locust: stopped');
    let stats: string;
    try {
      stats = readFileSync(`${prefix}_stats.csv`, 'utf8');
    } catch {
      throw new Error(`locust exited ${code} without statistics: ${logs.join('; ')}`);
    }
    let figures: LoadResult;
    try {
      figures = figuresFromCsv(stats, readFileSync(`${prefix}_stats_history.csv`, 'utf8'), readFileSync(`${prefix}_failures.csv`, 'utf8'));
    } catch (err) {
      throw new Error(`${(err as Error).message}: ${logs.join('; ')}`);
    }
    return { ...figures, generatorCpuMs: reapedChildrenCpuMs() - before, workers: expected };
  } finally {
    clearInterval(ticker);
    options.signal?.removeEventListener('abort', stopAll);
    stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One worker for a master elsewhere: `locust --worker` on the master's own locustfile, its output
 * passed through. Resolves with its exit code. */
export function runLocustWorker(program: LocustProgram, master: { host: string; port: number }, locustfilePath: string, signal?: AbortSignal): Promise<number> {
  const child = spawn(program.python, ['-m', 'locust', '-f', locustfilePath, '--worker', '--master-host', master.host, '--master-port', String(master.port)], {
    stdio: 'inherit',
  });
  signal?.addEventListener('abort', () => child.kill('SIGTERM'), { once: true });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, sig) => resolve(code ?? (sig === 'SIGTERM' ? 0 : 1)));
  });
}
