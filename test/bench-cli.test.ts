// `http-lab bench` as a user runs it: the JSON contract (http-lab/bench@2), refusal of a target
// that answers wrong bytes, and exit 2 with a one-line reason on bad usage. No timing thresholds:
// only that figures exist, are consistent, and have µs resolution.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchReport } from '../loadtest/types.js';
import { createApp } from '../examples/node-app/app.js';
import { runCli } from './helpers.js';

describe('http-lab bench', () => {
  it('measures two servers and writes the bench@2 JSON: µs latency, Little-consistent, CPU and RSS for both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'http-lab-bench-cli-'));
    try {
      const out = join(dir, 'r.json');
      // About 7 s on a quiet machine and 25 s on a loaded one: killed only when it hangs.
      const r = await runCli(
        [
          'bench',
          '--target',
          'epoll',
          'async',
          '--scenario',
          'keepalive',
          '--duration',
          '1',
          '--runs',
          '2',
          '--warmup',
          '0.5',
          '--format',
          'json',
          '--out',
          out,
        ],
        { timeoutMs: 300_000 },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /epoll keepalive: run 2\/2/);
      const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
      assert.equal(report.schema, 'http-lab/bench@2');
      assert.ok(report.machine.cpus >= 1 && typeof report.machine.node === 'string' && typeof report.machine.kernel === 'string');
      assert.equal(report.generator.engine, 'autocannon');
      assert.deepEqual(report.refused, []);
      assert.deepEqual(
        report.results.map((x: { target: string }) => x.target),
        ['epoll', 'async'],
      );
      for (const result of report.results) {
        assert.equal(result.scenario, 'keepalive');
        assert.equal(result.connections, 50);
        assert.equal(result.pipelining, 1);
        assert.equal(result.durationS, 1);
        assert.equal(result.runs.length, 2);
        assert.equal(typeof result.generatorBound, 'boolean');
        assert.ok(
          Array.isArray(result.warnings) &&
            result.warnings.every((w: { code: unknown; message: unknown }) => typeof w.code === 'string' && typeof w.message === 'string'),
          JSON.stringify(result.warnings),
        );
        for (const key of ['rpsMin', 'rpsMax', 'rpsCv', 'rpsIqr'] as const) assert.equal(typeof result.spread[key], 'number', key);
        for (const run of [...result.runs, result.median]) {
          assert.ok(run.rps > 0);
          for (const key of ['mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const) assert.equal(typeof run.latencyUs[key], 'number', key);
          for (const key of ['errors', 'timeouts', 'non2xx'] as const) assert.equal(typeof run[key], 'number', key);
          assert.ok(run.serverCpuPct !== null && run.serverCpuPct > 0, `${result.target}: server CPU ${run.serverCpuPct}`);
          assert.ok(run.serverRssBytes !== null && run.serverRssBytes > 0, `${result.target}: server RSS ${run.serverRssBytes}`);
          assert.ok(run.generatorCpuPct > 0);
        }
        const l = result.median.latencyUs;
        assert.ok(
          [l.mean, l.p50, l.p90, l.p99].some((v: number) => v % 1000 !== 0),
          `whole milliseconds only: ${JSON.stringify(l)}`,
        );
        // Little's law: 50 in flight ÷ mean latency = rps within 5%, or a warning says why not
        for (const [i, run] of result.runs.entries()) {
          const predicted = (50 * 1e6) / run.latencyUs.mean;
          const agrees = Math.abs(run.rps - predicted) / predicted <= 0.05;
          assert.ok(
            agrees || result.warnings.some((w: { code: string; run?: number }) => w.code === 'littles-law' && w.run === i + 1),
            `${result.target} run ${i + 1}: ${run.rps} rps vs ${predicted} predicted, warnings ${JSON.stringify(result.warnings)}`,
          );
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a --url server that answers the wrong bytes is not measured: exit 1, the reason, a refused entry', async () => {
    let requests = 0;
    const liar = createServer((socket) => {
      socket.on('data', () => {
        requests++;
        socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
      });
      socket.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = liar.address() as { port: number };
      // --path names a file of the docroot: its exact bytes are expected
      const r = await runCli(['bench', '--url', `http://127.0.0.1:${port}/`, '--path', '/index.html', '--duration', '1', '--runs', '1', '--format', 'json']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /was not measured on keepalive: GET \/index\.html answered 200 with 5 bytes of body where the file has \d+/);
      const report = JSON.parse(r.stdout) as BenchReport;
      assert.deepEqual(report.results, []);
      assert.equal(report.refused.length, 1);
      assert.equal(requests, 1, 'no load after the failed check');
    } finally {
      liar.close();
    }
  });

  it('text output: a table row per result, the flags explained', async () => {
    const r = await runCli(['bench', '--target', 'epoll', '--duration', '0.5', '--runs', '1', '--warmup', '0']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^target +scenario +conns +rps/m);
    assert.match(r.stdout, /^epoll +keepalive +50 /m);
    assert.match(r.stdout, /one run: no spread to report/);
    assert.match(r.stdout, /GEN = generator-bound/);
  });

  it('--engine wrk --pin: wrk drives the load, pinned away from the server, with its own CPU measured', async (t) => {
    if (spawnSync('wrk', ['--version']).error !== undefined) {
      t.skip('wrk is not installed (apt-get install wrk)');
      return;
    }
    const r = await runCli(['bench', '--target', 'epoll', '--engine', 'wrk', '--pin', '--duration', '1', '--runs', '1', '--warmup', '0', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as BenchReport;
    assert.equal(report.generator.engine, 'wrk');
    assert.deepEqual(report.generator.pinned, { servers: '0', generator: cpus().length === 2 ? '1' : `1-${cpus().length - 1}` });
    const run = report.results[0]!.runs[0]!;
    assert.ok(run.rps > 0 && run.latencyUs.p50 > 0 && run.generatorCpuPct > 0, JSON.stringify(run));
  });

  it('--engine wrk where wrk is missing exits 2 and says how to install it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'http-lab-nopath-'));
    try {
      const r = await runCli(['bench', '--target', 'epoll', '--engine', 'wrk', '--duration', '1'], { env: { PATH: empty } });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--engine wrk: wrk is not installed \(apt-get install wrk\)/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('bad usage and an unreachable target exit 2 with a one-line reason', async () => {
    // Before any server starts or any load runs: each is timed beside plain `http-lab bench`, which
    // stops at its first check, started at the same moment so that both see the same load.
    for (const [args, why] of [
      [['bench', '--target', 'epoll', '--scenario', 'nope'], /Invalid values|nope/],
      [['bench', '--target', 'epoll', '--runs', '0'], /--runs must be a positive integer/],
      [['bench', '--target', 'epoll', '--duration', '-1'], /--duration must be a positive number/],
      [['bench', '--target', 'epoll', '--scenario', 'close', '--pipelining', '4'], /cannot apply to the close scenario/],
      [['bench'], /give --target/],
      [['bench', '--url', 'http://127.0.0.1:1/', '--duration', '1'], /cannot reach 127\.0\.0\.1:1: ECONNREFUSED/],
      [['bench', '--url', 'http://127.0.0.1:1/', '--path', '/nope.html'], /no file .*nope\.html in the docroot/],
      [['bench', '--target', 'epoll', '--rate', '100', '--connections', '10'], /give --max-connections instead of --connections/],
      [['bench', '--target', 'epoll', '--rate', '100', '--engine', 'wrk'], /--engine chooses the closed model's generator/],
      [['bench', '--target', 'epoll', '--max-connections', '10'], /--max-connections applies to the open model: give --rate too/],
      [['bench', '--target', 'epoll', '--sweep-rate', '50', '--rate', '100'], /--sweep-rate sets the rates itself/],
      [['bench', '--target', 'epoll', '--sweep-connections', '0'], /--sweep-connections takes whole numbers of connections/],
    ] as const) {
      const [r, twin] = await Promise.all([runCli([...args]), runCli(['bench'])]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, why);
      assert.ok(r.ms < 2 * twin.ms + 1000, `${args.join(' ')} took ${r.ms} ms; plain http-lab bench ${twin.ms} ms`);
    }
  });

  it('--rate and the sweeps: an open-model result with its corrected and uncorrected latency, and the curves as their own points', async () => {
    const r = await runCli(['bench', '--target', 'epoll', '--rate', '400', '--duration', '0.5', '--runs', '1', '--warmup', '0', '--format', 'json'], {
      timeoutMs: 120_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const open = (JSON.parse(r.stdout) as BenchReport).results[0]!;
    assert.deepEqual([open.model, open.rate, open.maxConnections], ['open', 400, 50]);
    const run = open.runs[0]!;
    assert.equal(run.responses + run.errors + run.timeouts + run.dropped!, 200, 'every intended request accounted for');
    assert.ok(run.latencyUs.p50 >= run.uncorrectedLatencyUs!.p50 && run.sendLagUs !== undefined && run.late !== undefined);
    assert.ok(run.timeline.length >= 4 && run.serverPssBytes! > 0 && run.serverRssBytes! >= run.serverPssBytes!, JSON.stringify(run));

    const swept = await runCli(
      ['bench', '--target', 'epoll', '--sweep-rate', '50', '--sweep-connections', '2', '--duration', '0.5', '--runs', '1', '--warmup', '0', '--format', 'json'],
      { timeoutMs: 120_000 },
    );
    assert.equal(swept.code, 0, swept.stderr);
    const [closed, half, two] = (JSON.parse(swept.stdout) as BenchReport).results;
    assert.deepEqual([closed!.scenario, half!.scenario, two!.scenario], ['keepalive', 'keepalive@50%', 'keepalive@c2']);
    assert.deepEqual(half!.sweep, { kind: 'rate', percent: 50, capacityRps: closed!.median.rps });
    assert.equal(half!.rate, Math.round(closed!.median.rps / 2));
    assert.deepEqual([two!.sweep, two!.connections, two!.model], [{ kind: 'connections', connections: 2 }, 2, 'closed']);
  });

  describe("on a user's service (examples/node-app), with no copy of html/", () => {
    const app = createApp();
    let base = '';
    let dir = '';
    before(async () => {
      await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
      dir = mkdtempSync(join(tmpdir(), 'http-lab-bench-own-'));
    });
    after(() => {
      app.closeAllConnections();
      app.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const SHORT = ['--duration', '0.5', '--runs', '1', '--warmup', '0', '--format', 'json'];

    it('--url measures its own path: GET /health, the status checked, and the report says the body was not', async () => {
      const r = await runCli(['bench', '--url', `${base}/health`, ...SHORT]);
      assert.equal(r.code, 0, r.stderr);
      const result = (JSON.parse(r.stdout) as BenchReport).results[0]!;
      assert.deepEqual(result.requests, [{ method: 'GET', path: '/health', headers: {}, bodyBytes: 0, weight: 1, expect: 'status 2xx' }]);
      assert.ok(result.median.rps > 0 && result.median.non2xx === 0, JSON.stringify(result.median));
      assert.ok(result.warnings.some((w) => w.code === 'status-only' && /GET \/health/.test(w.message)));
    });

    it('a POST with a JSON body, held to its status and its exact answer', async () => {
      const expected = join(dir, 'echo.json');
      writeFileSync(expected, '{"echo":{"n":1}}\n');
      const args = ['bench', '--url', `${base}/echo`, '-X', 'POST', '-H', 'Content-Type: application/json', '--body', '{"n":1}', '--expect-status', '200'];
      const r = await runCli([...args, '--expect-body-file', expected, ...SHORT]);
      assert.equal(r.code, 0, r.stderr);
      const result = (JSON.parse(r.stdout) as BenchReport).results[0]!;
      assert.equal(result.requests![0]!.expect, `status 200, body == ${expected} (17 bytes)`);
      assert.equal(result.median.non2xx, 0);
      assert.ok(!result.warnings.some((w) => w.code === 'status-only'));
      // the same request held to another body is refused before any load
      writeFileSync(expected, '{"echo":{"n":2}}\n');
      const wrong = await runCli([...args, '--expect-body-file', expected, ...SHORT]);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /was not measured on keepalive: POST \/echo answered 200 with a body that differs from .*echo\.json at byte 13/);
    });

    it('--requests: a weighted mix from a file; a file that breaks the schema exits 2 and says where', async () => {
      const mix = join(dir, 'mix.json');
      writeFileSync(
        mix,
        JSON.stringify({
          requests: [
            { path: '/health', weight: 3, expectStatus: [200] },
            { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: '{}', expectStatus: [200] },
          ],
        }),
      );
      const r = await runCli(['bench', '--url', `${base}/`, '--requests', mix, ...SHORT]);
      assert.equal(r.code, 0, r.stderr);
      const result = (JSON.parse(r.stdout) as BenchReport).results[0]!;
      assert.deepEqual(
        result.requests!.map((q) => [q.method, q.path, q.weight]),
        [
          ['GET', '/health', 3],
          ['POST', '/echo', 1],
        ],
      );
      writeFileSync(mix, JSON.stringify({ requests: [{ path: 'health', weight: 0 }] }));
      const bad = await runCli(['bench', '--url', `${base}/`, '--requests', mix, ...SHORT]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--requests .*mix\.json: requests\[0\]\.path must match pattern .*; requests\[0\]\.weight must be >= 1/);
      const both = await runCli(['bench', '--url', `${base}/`, '--requests', mix, '-X', 'POST']);
      assert.equal(both.code, 2);
      assert.match(both.stderr, /--requests gives every request and its expectation: drop --method/);
    });
  });
});
