// `http-lab gate` as a CI job runs it: its own fresh baseline passes; a baseline whose throughput is
// doubled fails with a readable Markdown verdict; a handicapped server is caught; a missing or
// foreign baseline exits 2. Short runs, and a generous threshold where the test is about plumbing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from '../loadtest/stats.js';
import { spawnServer } from '../targets/design-child.js';
import type { RunningServer } from '../targets/running.js';
import type { Baseline, GateReport } from '../ci/model.js';
import { HTML, runCli } from './helpers.js';

// 5 runs: the median of 3 is at the mercy of one run disturbed by a burst of other load
const SHORT = ['--runs', '5', '--duration', '0.5', '--warmup', '0.25'];

/** A gate that measures runs for a few seconds, plus start-ups and conformance, which a loaded
 * machine can stretch many times over: killed only when it hangs. */
const MEASURING = { timeoutMs: 300_000 };

describe('http-lab gate', () => {
  let dir: string;
  let server: RunningServer;
  let baselineFile: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'http-lab-gate-'));
    server = await spawnServer('epoll', HTML);
    baselineFile = join(dir, 'baseline.json');
    const r = await runCli(['gate', '--update-baseline', baselineFile, '--url', server.url, '--sessions', '2', ...SHORT], MEASURING);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a baseline: settings, samples per session beside the reference, noise floor, machine, conformance', () => {
    const b = JSON.parse(readFileSync(baselineFile, 'utf8')) as Baseline;
    assert.equal(b.schema, 'http-lab/baseline@1');
    assert.equal(b.settings.url, server.url);
    assert.equal(b.settings.reference, 'epoll');
    assert.equal(b.sessions, 2);
    assert.equal(b.samples.length, 1);
    assert.equal(b.samples[0]!.runs.length, 10);
    assert.deepEqual([...new Set(b.samples[0]!.runs.map((r: { session: number }) => r.session))], [0, 1]);
    for (const run of b.samples[0]!.runs) assert.ok(run.target.rps > 0 && run.reference !== undefined && run.reference.rps > 0);
    for (const key of ['rps', 'cpu', 'p50', 'p99', 'pss'] as const) assert.equal(typeof b.noiseFloor[key], 'number');
    assert.ok(b.machine.cpus >= 1);
    assert.ok(b.conformance[0]!.requiredPassed.length > 100);
  });

  it('the same build against its own fresh baseline exits 0, and writes the Markdown to $GITHUB_STEP_SUMMARY', async () => {
    const summary = join(dir, 'summary.md');
    const r = await runCli(['gate', '--baseline', baselineFile, '--threshold', '25', '--format', 'json'], {
      ...MEASURING,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
    const report = JSON.parse(r.stdout) as GateReport;
    assert.equal(report.schema, 'http-lab/gate@1');
    assert.equal(report.verdict, 'pass');
    assert.deepEqual(
      report.comparisons.map((c: { metric: string }) => c.metric),
      ['rps', 'cpu', 'p50', 'p99', 'pss'],
    );
    assert.deepEqual(report.conformance, []);
    assert.match(readFileSync(summary, 'utf8'), /^## http-lab gate: ✅ no regression/m);
  });

  it('a baseline whose throughput is doubled: exit 1, and a Markdown verdict that says which metric and by how much', async () => {
    // Judged against the baseline's own runs (--results), so the change is exactly -50% whatever the
    // load on the test machine; a live measurement is the handicap test's job below. Every run is
    // made the median one: a loaded machine's runs spread so widely that the bootstrap interval of
    // even this change can reach past the threshold, and that spread is the decision's business.
    const b = JSON.parse(readFileSync(baselineFile, 'utf8')) as Baseline;
    const asRun = (v: { rps: number; cpu: number; p50: number; p99: number; pss: number }): object => ({
      rps: v.rps,
      latencyUs: { mean: v.p50, p50: v.p50, p90: v.p99, p99: v.p99, p999: v.p99, max: v.p99 },
      errors: 0,
      timeouts: 0,
      non2xx: 0,
      serverCpuPct: (v.cpu * v.rps) / 1e4,
      serverRssBytes: v.pss,
      serverPssBytes: v.pss,
      serverPssAtRestBytes: v.pss,
      generatorCpuPct: 50,
      serverBusiestThreadPct: 50,
      responses: v.rps,
      elapsedS: 1,
      timeline: [],
    });
    const set = b.samples[0]!;
    const typical = [...set.runs].sort((x, y) => x.target.rps - y.target.rps)[set.runs.length >> 1]!;
    set.runs = set.runs.map((run) => ({ ...structuredClone(typical), session: run.session }));
    const result = (target: string, runs: object[]): object => ({
      target,
      scenario: 'keepalive',
      model: 'closed',
      runs,
      median: runs[0],
      spread: {},
      generatorBound: false,
      warnings: [],
    });
    const current = join(dir, 'current.json');
    writeFileSync(
      current,
      JSON.stringify({
        schema: 'http-lab/bench@2',
        machine: b.machine,
        results: [
          result(
            set.target,
            set.runs.map((r) => asRun(r.target)),
          ),
          result(
            'reference',
            set.runs.map((r) => asRun(r.reference!)),
          ),
        ],
        refused: [],
      }),
    );
    for (const run of set.runs) run.target.rps *= 2;
    // Two short sessions on a loaded test machine can measure a floor above 50%, which would rightly
    // hide a halving; the floor is the decision's business (ci/compare.test.ts), not this test's.
    b.noiseFloor.rps = 0;
    const doubled = join(dir, 'doubled.json');
    writeFileSync(doubled, JSON.stringify(b));
    const r = await runCli(['gate', '--baseline', doubled, '--results', current, '--format', 'markdown']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^## http-lab gate: ❌ regression/m);
    assert.match(
      r.stdout,
      /^\| 127\.0\.0\.1:\d+ \| keepalive \| throughput \(higher is better\) \| [\d,]+ \| [\d,]+ \| -50\.0% \| -\d+\.\d% … -\d+\.\d% \| ±\d+\.\d% \| \*\*❌ regression\*\* \|$/m,
    );
    assert.match(
      r.stdout,
      /^\| 127\.0\.0\.1:\d+ \| keepalive \| CPU per request \(lower is better\) \| [^|]+ \| [^|]+ \| \+0\.0% \|.*\| (?:✅ unchanged|➖ within noise) \|$/m,
    );
  });

  it('a server made slower on purpose (serve --handicap-us) is caught', async () => {
    const b = JSON.parse(readFileSync(baselineFile, 'utf8')) as Baseline;
    // Four times the time a response took in the baseline (1 / its median rps), so that it keeps at
    // most a quarter of its throughput whatever this machine's speed (a fixed 150 µs was most of a
    // response's time on a quiet machine and a small part of it on a loaded one). But at most a
    // 200th of a run: each run leaves 50 requests in flight that the next one waits for, and a run
    // without a response is not judged.
    const responseUs = 1e6 / median(b.samples[0]!.runs.map((r) => r.target.rps));
    const handicapUs = Math.round(Math.min(4 * responseUs, (b.settings.durationS * 1e6) / 200));
    const slow = await spawnServer('epoll', HTML, ['--handicap-us', String(handicapUs)]);
    try {
      // Two short sessions on a loaded machine can measure a floor above any change (over 100% when
      // this was written), which would rightly hide this one: the floor is not this test's business.
      b.noiseFloor.rps = 0;
      const floorless = join(dir, 'floorless.json');
      writeFileSync(floorless, JSON.stringify(b));
      // The slow server has its own port: --url points the baseline at it, as CI points it at a build.
      const r = await runCli(['gate', '--baseline', floorless, '--url', slow.url], MEASURING);
      assert.equal(r.code, 1, `${r.stderr}\n${r.stdout}`);
      assert.match(r.stderr, new RegExp(`gating ${slow.url} against the baseline's ${b.settings.url}`));
      assert.match(r.stdout, /^http-lab gate: REGRESSION$/m);
      // Caught by what a slower server moves: its throughput, its CPU per request or its latency.
      // Which of them clears the noise in five short runs depends on the load on this machine.
      assert.match(r.stdout, /^\S+ +keepalive +(throughput|CPU per request|p50 latency) .* regression$/m);
    } finally {
      await slow.stop();
    }
  });

  it('a missing, foreign or incomplete baseline exits 2 with a clear message, never a pass', async () => {
    const foreign = join(dir, 'foreign.json');
    writeFileSync(foreign, JSON.stringify({ schema: 'http-lab/bench@1' }));
    const builtIn = join(dir, 'built-in.json');
    const b = JSON.parse(readFileSync(baselineFile, 'utf8')) as Baseline;
    delete b.settings.url;
    writeFileSync(builtIn, JSON.stringify({ ...b, settings: { ...b.settings, targets: ['epoll'] } }));
    const incomplete = join(dir, 'incomplete.json');
    writeFileSync(incomplete, JSON.stringify({ schema: 'http-lab/baseline@1', settings: {} }));
    for (const [args, why] of [
      [['gate', '--baseline', join(dir, 'nope.json')], /no such file \(write one with: http-lab gate --update-baseline FILE\)/],
      [['gate', '--baseline', foreign], /schema "http-lab\/bench@1" is not http-lab\/baseline@1/],
      [['gate', '--baseline', incomplete], /incomplete or incompatible/],
      [['gate'], /give --baseline FILE/],
      [['gate', '--update-baseline', join(dir, 'x.json')], /give --target <name\.\.\.> or --url/],
      [['gate', 'calibrate', '--target', 'epoll', '--sessions', '1'], /--sessions must be at least 2/],
      [
        ['gate', '--baseline', builtIn, '--url', 'http://127.0.0.1:9/'],
        /--url http:\/\/127\.0\.0\.1:9\/: the baseline measured built-in targets only \(epoll\)/,
      ],
      [['gate', '--baseline', baselineFile, '--runs', '3', '--reference', 'none'], /--runs, --reference: a comparison repeats the baseline's own settings/],
    ] as const) {
      const r = await runCli([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, why);
    }
  });

  it('a baseline made with --rate keeps the rate and gates the corrected latencies; a comparison cannot change it', async () => {
    const openBaseline = join(dir, 'open-baseline.json');
    const args = ['--url', server.url, '--rate', '300', '--sessions', '1', '--reference', 'none', '--runs', '2', '--duration', '0.3', '--warmup', '0'];
    const r = await runCli(['gate', '--update-baseline', openBaseline, ...args], MEASURING);
    assert.equal(r.code, 0, r.stderr);
    const b = JSON.parse(readFileSync(openBaseline, 'utf8')) as Baseline;
    assert.equal(b.settings.rate, 300);
    // the corrected p50 counts from the intended start: never below the server's own answer time
    for (const run of b.samples[0]!.runs) assert.ok(run.target.p50 > 0 && run.target.rps > 250, JSON.stringify(run.target));
    const changed = await runCli(['gate', '--baseline', openBaseline, '--rate', '600']);
    assert.equal(changed.code, 2);
    assert.match(changed.stderr, /--rate: a comparison repeats the baseline's own settings/);
  });
});
