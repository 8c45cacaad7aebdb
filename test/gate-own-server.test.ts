// `http-lab gate` on a user's own service (examples/node-app, no copy of html/), gated on a weighted
// mix of a GET of /health and a POST of JSON to /echo (--requests): the baseline records the mix,
// the same service on another port passes, a slower build of it is caught, and a comparison asked
// to judge another request exits 2 with the difference.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import type { Baseline } from '../ci/model.js';
import { median } from '../loadtest/stats.js';
import { packageRoot } from '../system/package.js';
import { EVENT_WAIT_MS, runCli } from './helpers.js';

const SHORT = ['--runs', '5', '--duration', '0.5', '--warmup', '0.25'];
const MEASURING = { timeoutMs: 300_000 };
const APP = join(packageRoot(), 'dist', 'examples', 'node-app', 'main.js');

/** The example service as its own process (so that its CPU is its own), and the URL it prints. */
async function startApp(...args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [APP, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example app printed no URL in ${EVENT_WAIT_MS} ms`)), EVENT_WAIT_MS);
    createInterface({ input: child.stdout }).once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`the example app exited ${code}`)));
  });
  return { child, url: /http:\/\/127\.0\.0\.1:\d+\//.exec(line)![0] };
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe("http-lab gate on a user's service", () => {
  let dir = '';
  let app: { child: ChildProcess; url: string } | undefined;
  let baselineFile = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'http-lab-gate-own-'));
    app = await startApp();
    baselineFile = join(dir, 'baseline.json');
    writeFileSync(join(dir, 'echo.json'), '{"echo":{"n":1}}\n');
    writeFileSync(
      join(dir, 'mix.json'),
      JSON.stringify({
        requests: [
          { path: '/health', weight: 3, expectStatus: [200] },
          { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: '{"n":1}', expectBodyFile: 'echo.json' },
        ],
      }),
    );
    const r = await runCli(
      ['gate', '--update-baseline', baselineFile, '--url', app.url, '--requests', join(dir, 'mix.json'), '--sessions', '2', ...SHORT],
      MEASURING,
    );
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await stop(app?.child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the baseline records the mix it measured, bodies and expectations included', () => {
    const b = JSON.parse(readFileSync(baselineFile, 'utf8')) as Baseline;
    assert.deepEqual(b.settings.requests, [
      { method: 'GET', path: '/health', headers: {}, weight: 3, expectStatus: [200] },
      {
        method: 'POST',
        path: '/echo',
        headers: { 'content-type': 'application/json' },
        bodyBase64: Buffer.from('{"n":1}').toString('base64'),
        weight: 1,
        expectBody: { base64: Buffer.from('{"echo":{"n":1}}\n').toString('base64'), label: 'echo.json' },
      },
    ]);
    assert.ok(b.samples.every((s) => s.runs.every((r) => r.target.rps > 0)));
  });

  it('the same service started again on another port passes (exit 0)', async () => {
    const again = await startApp();
    try {
      // a generous threshold: this is about plumbing, and two short sessions on a shared machine are noisy
      const r = await runCli(['gate', '--baseline', baselineFile, '--url', again.url, '--threshold', '25'], MEASURING);
      assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
      assert.match(r.stdout, /^http-lab gate: no regression$/m);
    } finally {
      await stop(again.child);
    }
  });

  it('a slower build of the service on another port is caught (exit 1)', async () => {
    const b = JSON.parse(readFileSync(baselineFile, 'utf8')) as Baseline;
    // as test/gate-cli.test.ts: four times a response's time in the baseline, at most a 200th of a run
    const responseUs = 1e6 / median(b.samples[0]!.runs.map((r) => r.target.rps));
    const handicapUs = Math.round(Math.min(4 * responseUs, (b.settings.durationS * 1e6) / 200));
    b.noiseFloor.rps = 0; // the floor of two short sessions is not this test's business
    const floorless = join(dir, 'floorless.json');
    writeFileSync(floorless, JSON.stringify(b));
    const slow = await startApp('--handicap-us', String(handicapUs));
    try {
      const r = await runCli(['gate', '--baseline', floorless, '--url', slow.url], MEASURING);
      assert.equal(r.code, 1, `${r.stderr}\n${r.stdout}`);
      assert.match(r.stdout, /^http-lab gate: REGRESSION$/m);
      assert.match(r.stdout, /^\S+ +keepalive +(throughput|CPU per request|p50 latency) .* regression$/m);
    } finally {
      await stop(slow.child);
    }
  });

  it("asked to judge another request than the baseline's: exit 2 with the difference, before any load", async () => {
    const r = await runCli(['gate', '--baseline', baselineFile, '--url', `${app!.url}echo`, '-X', 'POST', '--body', '{}']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /the baseline measured GET \/health ×3 \(status 200\), POST \/echo with a 7-byte body \[content-type: application\/json\] \(status 2xx, body == echo\.json \(17 bytes\)\); this run asks for POST \/echo with a 2-byte body \(status 2xx\): a gate compares the same request/,
    );
  });
});
