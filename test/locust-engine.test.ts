// bench --engine locust, as a user runs it: a headless master and 2 local workers against a built-in
// server, its CSV statistics read back into bench@2, rendered by `report`, and judged by `gate`.
// Loopback only. Skipped, with the reason, where python3-locust is not installed (the project's
// scripts/test-setup.sh installs it where it can).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { figuresFromCsv, findLocust, LOCUST_LIMITS, locustfile } from '../loadtest/locust.js';
import { findScenario } from '../loadtest/scenarios.js';
import { BENCH_SCHEMA, type BenchReport } from '../loadtest/types.js';
import type { Baseline } from '../ci/model.js';
import { spawnServer } from '../targets/design-child.js';
import { HTML, runCli } from './helpers.js';

const locust = findLocust();
const noLocust = locust === undefined && 'Locust is not installed for python3 (apt-get install python3-locust)';

describe('Locust CSV statistics into bench@2 figures', () => {
  // The files a Locust 2.12 master writes with --csv and --csv-full-history (trimmed).
  const stats = `Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,GET /index.html,2000,3,2,2.4,0.5,41,572,500.0,0.75,2,3,3,3,4,5,7,9,30,41,41
,Aggregated,2000,3,2,2.4,0.5,41,572,500.0,0.75,2,3,3,3,4,5,7,9,30,41,41
`;
  const history = `Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size
1764720000,4,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0,0,0,0
1764720001,4,,Aggregated,480.0,0.0,2,3,3,3,4,5,7,8,20,20,20,480,0,2,2.3,0.5,20,572
1764720002,4,,Aggregated,500.0,0.0,2,3,3,3,4,5,7,9,30,41,41,1000,1,2,2.4,0.5,41,572
1764720003,4,,Aggregated,500.0,0.0,2,3,3,3,4,5,7,9,30,41,41,1000,3,2,2.4,0.5,41,572
`;
  const failures = `Method,Name,Error,Occurrences
GET,GET /index.html,status 503,2
GET,GET /index.html,"error ConnectionRefusedError(111, 'Connection refused')",1
`;

  it('reads the Aggregated row: rps, whole-millisecond percentiles as µs, failures split into statuses and errors', () => {
    const f = figuresFromCsv(stats, history, failures);
    assert.equal(f.responses, 2000);
    assert.equal(f.elapsedS, 4);
    assert.deepEqual(f.latencyUs, { mean: 2400, p50: 2000, p90: 4000, p99: 9000, p999: 30000, max: 41000 });
    assert.equal(f.non2xx, 2);
    assert.equal(f.errors, 1);
  });

  it('turns the per-second history into a timeline of responses a second; a second with none is a stall candidate', () => {
    const f = figuresFromCsv(stats, history, failures);
    assert.deepEqual(
      f.timeline.map((p) => [p.tMs, p.responses, p.p99Us]),
      [
        [0, 0, 0],
        [1000, 480, 8000],
        [2000, 520, 9000],
        [3000, 0, 9000],
      ],
    );
  });

  it('refuses statistics without an Aggregated row, rather than reporting zeros', () => {
    assert.throws(() => figuresFromCsv(stats.split('\n').slice(0, 2).join('\n'), history, failures), /no Aggregated row/);
  });

  it("writes a self-contained locustfile: the request cycle, the pacing per user, Debian's version fix", () => {
    const scenario = findScenario('keepalive')!;
    const text = locustfile({ url: new URL('http://127.0.0.1:8080/'), scenario, durationS: 1 }, 4, 100);
    assert.match(text, /constant_throughput\(25\)/);
    assert.match(text, /locust\.runners\.__version__ = "2\.12\.1"/);
    assert.match(text, /host = "http:\/\/127\.0\.0\.1:8080"/);
    assert.match(text, /\\"path\\":\\"\/index\.html\\"/);
    assert.match(locustfile({ url: new URL('http://127.0.0.1:8080/'), scenario, durationS: 1 }, 4, undefined), /wait_time = constant\(0\)/);
  });
});

describe('bench --engine locust: master and 2 local workers', { skip: noLocust }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'http-lab-locust-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('measures epoll: rps, 0 failures, percentiles, a timeline, generator { engine: locust, workers: 2 }; report renders it', async () => {
    const out = join(dir, 'locust.json');
    const r = await runCli(
      [
        'bench',
        '--target',
        'epoll',
        '--engine',
        'locust',
        '--workers',
        '2',
        '--connections',
        '8',
        '--duration',
        '3',
        '--runs',
        '1',
        '--warmup',
        '0',
        '--format',
        'json',
        '--out',
        out,
      ],
      { timeoutMs: 180_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
    assert.equal(doc.schema, BENCH_SCHEMA);
    assert.equal(doc.generator.engine, 'locust');
    assert.equal(doc.generator.workers, 2);
    assert.deepEqual(doc.generator.limits, LOCUST_LIMITS);
    const result = doc.results[0]!;
    const run = result.runs[0]!;
    assert.ok(run.rps > 0, `rps ${run.rps}`);
    assert.equal(run.errors + run.timeouts + run.non2xx, 0);
    // whole milliseconds, as Locust gives them (a p50 under 0.5 ms reads 0)
    const { p50, p90, p99, p999, max } = run.latencyUs;
    assert.ok(p99 > 0 && p50 <= p90 && p90 <= p99 && p99 <= p999 && p999 <= max, JSON.stringify(run.latencyUs));
    assert.ok(
      [p50, p90, p99, p999, max].every((v) => v % 1000 === 0),
      JSON.stringify(run.latencyUs),
    );
    assert.equal(run.timelineSliceMs, 1000);
    assert.ok(run.timeline.length >= 2 && run.timeline.some((p) => p.responses > 0), JSON.stringify(run.timeline));
    assert.ok(run.serverCpuPct !== null && run.serverCpuPct > 0, 'the server measured beside the load');

    const html = join(dir, 'locust.html');
    const rendered = await runCli(['report', '--in', out, '--format', 'html', '--out', html]);
    assert.equal(rendered.code, 0, rendered.stderr);
    assert.match(readFileSync(html, 'utf8'), /locust/);
    const text = await runCli(['report', '--in', out]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /epoll/);
    // what Locust cannot measure is said where its figures are shown
    assert.match(text.stdout, /locust: percentiles are whole milliseconds/);
    assert.match(readFileSync(html, 'utf8'), /locust 2\.12[^,]*, 2 workers/);
  });

  it('gate: a Locust baseline judges a Locust run, and a handicapped server is caught', async () => {
    const fast = await spawnServer('epoll', HTML);
    const slow = await spawnServer('epoll', HTML, ['--handicap-us', '2000']);
    try {
      const baseline = join(dir, 'baseline.json');
      const made = await runCli(
        [
          'gate',
          '--update-baseline',
          baseline,
          '--url',
          fast.url,
          '--engine',
          'locust',
          // one worker is enough to judge by, and starts sooner: the test above runs two
          '--workers',
          '1',
          '--sessions',
          '2',
          '--runs',
          '2',
          '--duration',
          '1',
          '--warmup',
          '0',
          '--reference',
          'none',
        ],
        { timeoutMs: 300_000 },
      );
      assert.equal(made.code, 0, made.stderr);
      const b = JSON.parse(readFileSync(baseline, 'utf8')) as Baseline;
      assert.equal(b.settings.engine, 'locust');
      assert.equal(b.settings.workers, 1);
      // The floor of two short sessions is not this test's business (gate-cli.test.ts says why).
      b.noiseFloor.rps = 0;
      const floorless = join(dir, 'floorless.json');
      writeFileSync(floorless, JSON.stringify(b));
      // 2 ms of work per request leaves the one-thread server at most 500 rps
      const r = await runCli(['gate', '--baseline', floorless, '--url', slow.url], { timeoutMs: 300_000 });
      assert.equal(r.code, 1, `${r.stderr}\n${r.stdout}`);
      assert.match(r.stdout, /^http-lab gate: REGRESSION$/m);
      assert.match(r.stdout, /^\S+ +keepalive +throughput .* regression$/m);
    } finally {
      await fast.stop();
      await slow.stop();
    }
  });

  it('without Locust: --engine locust exits 2 with the install command', async () => {
    const r = await runCli(['bench', '--target', 'epoll', '--engine', 'locust', '--duration', '1'], { env: { HTTP_LAB_PYTHON: '/nonexistent/python3' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /apt-get install python3-locust/);
  });

  it('Locust flags without --engine locust, and workers that do not add up, exit 2', async () => {
    const a = await runCli(['bench', '--target', 'epoll', '--workers', '2']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /--workers: these drive Locust; give --engine locust/);
    const b = await runCli(['bench', '--target', 'epoll', '--engine', 'locust', '--workers', '3', '--expect-workers', '2']);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /--workers 3 is more than --expect-workers 2/);
  });
});
