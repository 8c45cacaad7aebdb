// `http-lab bench` as a user runs it: the JSON contract (http-lab/bench@1), refusal of a target
// that answers wrong bytes, and exit 2 with a one-line reason on bad usage. No timing thresholds:
// only that figures exist, are consistent, and have µs resolution.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchReport } from '../loadtest/types.js';
import { runCli } from './helpers.js';

describe('http-lab bench', () => {
  it('measures two servers and writes the bench@1 JSON: µs latency, Little-consistent, CPU and RSS for both', async () => {
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
      assert.equal(report.schema, 'http-lab/bench@1');
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
      const r = await runCli(['bench', '--url', `http://127.0.0.1:${port}/`, '--duration', '1', '--runs', '1', '--format', 'json']);
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
    ] as const) {
      const [r, twin] = await Promise.all([runCli([...args]), runCli(['bench'])]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, why);
      assert.ok(r.ms < 2 * twin.ms + 1000, `${args.join(' ')} took ${r.ms} ms; plain http-lab bench ${twin.ms} ms`);
    }
  });
});
