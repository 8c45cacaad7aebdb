// `npx http-lab` (the lab) and `http-lab report` as a user runs them: the report folder and its
// three files, the report formats from saved results, and exit 2 on bad input.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabResults } from '../reports/model.js';
import { packageRoot } from '../system/package.js';
import { runCli, type CliRun } from './helpers.js';

describe('the lab and http-lab report', () => {
  let dir: string;
  let lab: CliRun;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'http-lab-lab-'));
    // plain `http-lab` is the lab; --quick and two targets keep it short: about 12 s on a quiet
    // machine, and three times that on a loaded one, so it is killed only when it hangs
    lab = await runCli(['--quick', '--targets', 'epoll', 'async'], { cwd: dir, timeoutMs: 300_000 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes http-lab-report/ with results.json, report.md and report.html, and prints the summary and the path', () => {
    assert.equal(lab.code, 0, lab.stderr);
    const folder = join(dir, 'http-lab-report');
    for (const file of ['results.json', 'report.md', 'report.html']) assert.ok(existsSync(join(folder, file)), `${file} missing`);
    assert.match(lab.stdout, /^target +conformance +keepalive rps +p99 µs +close rps +p99 µs$/m);
    assert.match(lab.stdout, /^epoll +\d+\/\d+ pass, 0 fail/m);
    assert.match(lab.stdout, new RegExp(`lab: open ${join(folder, 'report.html').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    assert.match(lab.stderr, /lab: conformance epoll: \d+\/\d+ pass/);
  });

  it('results.json is results@1: both targets checked and measured on keepalive and close', () => {
    const results = JSON.parse(readFileSync(join(dir, 'http-lab-report', 'results.json'), 'utf8')) as LabResults;
    assert.equal(results.schema, 'http-lab/results@1');
    assert.equal(typeof results.version, 'string');
    assert.ok(results.machine.cpus >= 1);
    assert.deepEqual(
      results.conformance.map((r: { target: string }) => r.target),
      ['epoll', 'async'],
    );
    for (const r of results.conformance) assert.equal(r.summary.fail, 0);
    assert.deepEqual(
      results.bench!.results.map((r: { target: string; scenario: string }) => `${r.target} ${r.scenario}`),
      ['epoll keepalive', 'async keepalive', 'epoll close', 'async close'],
    );
    for (const r of results.bench!.results) assert.ok(r.median.rps > 0, `${r.target} ${r.scenario}`);
  });

  it('report.md and report.html hold the summary; the HTML fetches nothing', () => {
    const md = readFileSync(join(dir, 'http-lab-report', 'report.md'), 'utf8');
    assert.match(md, /^## Summary$/m);
    assert.match(md, /^\| epoll \| \d+\/\d+ pass, 0 fail \|/m);
    const html = readFileSync(join(dir, 'http-lab-report', 'report.html'), 'utf8');
    assert.match(html, /^<!DOCTYPE html>/i);
    assert.match(html, /<svg/);
    assert.doesNotMatch(html, /(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
  });

  it('report renders saved results in every format, and merges several files', async () => {
    const results = join(dir, 'http-lab-report', 'results.json');
    const text = await runCli(['report', '--in', results], { cwd: dir });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^epoll +\d+\/\d+ pass/m);
    const junit = await runCli(['report', '--in', results, '--format', 'junit'], { cwd: dir });
    assert.equal(junit.code, 0, junit.stderr);
    assert.match(junit.stdout, /<testsuite name="epoll"/);
    const out = join(dir, 'merged.md');
    const merged = await runCli(['report', '--in', results, '--in', results, '--format', 'markdown', '--out', out], { cwd: dir });
    assert.equal(merged.code, 0, merged.stderr);
    assert.match(readFileSync(out, 'utf8'), /^\| epoll \\#2 \|/m);
    const json = await runCli(['report', '--in', results, '--format', 'json'], { cwd: dir });
    assert.equal((JSON.parse(json.stdout) as LabResults).schema, 'http-lab/results@1');
  });

  it('report reads a results file written before warnings had codes, and writes each with its code', async () => {
    const old = join(packageRoot(), 'test', 'fixtures', 'results-sample.json');
    const json = await runCli(['report', '--in', old, '--format', 'json'], { cwd: dir });
    assert.equal(json.code, 0, json.stderr);
    const python = (JSON.parse(json.stdout) as LabResults).bench!.results.find(
      (r: { target: string; scenario: string }) => r.target === 'python' && r.scenario === 'keepalive',
    );
    assert.deepEqual(
      python!.warnings.map((w: { code: string; run?: number }) => [w.code, w.run]),
      [
        ['closes-connections', undefined],
        ['noisy', undefined],
        ['littles-law', 1],
        ['littles-law', 2],
      ],
    );
    assert.match(python!.warnings[1]!.message, /^noisy: rps ranged from 1369 to 1810 over 2 runs/);
  });

  it('report: a missing, foreign or non-JSON file, or JUnit without conformance, exits 2 naming it', async () => {
    const foreign = join(dir, 'foreign.json');
    writeFileSync(foreign, '{"schema": "something/else@1"}');
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, 'hello');
    const benchOnly = join(dir, 'bench.json');
    const results = JSON.parse(readFileSync(join(dir, 'http-lab-report', 'results.json'), 'utf8')) as LabResults;
    writeFileSync(benchOnly, JSON.stringify({ ...results, conformance: [] }));
    for (const [args, why] of [
      [['report', '--in', join(dir, 'nope.json')], /nope\.json: ENOENT/],
      [['report', '--in', foreign], /foreign\.json: schema "something\/else@1" is not one/],
      [['report', '--in', notJson], /not\.json: not JSON/],
      [['report', '--in', benchOnly, '--format', 'junit'], /holds? none/],
      [['report'], /Missing required argument: in/],
    ] as const) {
      const r = await runCli([...args], { cwd: dir });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, why);
    }
  });
});
