import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plannedSeconds, runBench, type BenchEvent, type BenchTarget } from './bench.js';
import { findScenario, withOverrides } from './scenarios.js';
import { countingServer, type CountingServer } from './test-server.js';
import { UnreachableError } from './verify.js';

describe('the bench schedule', () => {
  let dir: string;
  const servers: CountingServer[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'http-lab-bench-'));
    writeFileSync(join(dir, 'index.html'), 'hello\n');
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function target(name: string, body = 'hello\n', log?: string[], http10 = false): Promise<BenchTarget> {
    const server = await countingServer(body, { http10 });
    servers.push(server);
    return {
      name,
      url: server.url,
      pid: process.pid,
      ...(log ? { pause: () => log.push(`pause ${name}`), resume: () => log.push(`resume ${name}`) } : {}),
    };
  }

  it('interleaves the targets run by run, each resumed only while it is measured', async () => {
    const log: string[] = [];
    const targets = [await target('A', 'hello\n', log), await target('B', 'hello\n', log)];
    const scenario = withOverrides(findScenario('keepalive')!, { connections: 2 });
    const plan = { targets, scenarios: [scenario], durationS: 0.2, runs: 2, warmupS: 0.1, docroot: dir };
    assert.equal(plannedSeconds(plan), 2 * (0.1 + 2 * 0.2));
    const events: BenchEvent[] = [];
    const outcome = await runBench(plan, (e) => {
      events.push(e);
      if (e.kind === 'start') log.push(`${e.phase} ${e.target}${e.phase === 'run' ? e.run : ''}`);
    });
    // verification (each resumed and paused), warm-ups, then run 1 of A and B, then run 2 of A and B
    assert.deepEqual(
      log.filter((l) => !l.startsWith('pause') && !l.startsWith('resume')),
      ['warmup A', 'warmup B', 'run A1', 'run B1', 'run A2', 'run B2'],
    );
    assert.deepEqual(log.slice(0, 4), ['resume A', 'pause A', 'resume B', 'pause B']);
    for (let i = 4; i < log.length; i += 3) {
      const [start, resume, pause] = log.slice(i, i + 3);
      const name = start!.split(' ')[1]![0];
      assert.deepEqual([resume, pause], [`resume ${name}`, `pause ${name}`], log.join(', '));
    }
    assert.equal(outcome.refused.length, 0);
    assert.deepEqual(
      outcome.results.map((r) => [r.target, r.scenario, r.runs.length]),
      [
        ['A', 'keepalive', 2],
        ['B', 'keepalive', 2],
      ],
    );
    for (const r of outcome.results) {
      assert.ok(r.median.rps > 0);
      assert.ok(r.median.serverCpuPct !== null && r.median.serverRssBytes !== null && r.median.serverRssBytes > 0);
    }
    assert.equal(events.filter((e) => e.kind === 'run').length, 4);
  });

  it('a target that returns wrong bytes is refused with the reason, and never loaded; the others are measured', async () => {
    const good = await target('good');
    const liar = await target('liar', 'HELLO\n');
    const liarServer = servers[servers.length - 1]!;
    const plan = {
      targets: [good, liar],
      scenarios: [withOverrides(findScenario('keepalive')!, { connections: 1 })],
      durationS: 0.2,
      runs: 1,
      warmupS: 0,
      docroot: dir,
    };
    const outcome = await runBench(plan);
    assert.deepEqual(
      outcome.results.map((r) => r.target),
      ['good'],
    );
    assert.equal(outcome.refused.length, 1);
    assert.equal(outcome.refused[0]!.target, 'liar');
    assert.match(outcome.refused[0]!.reason, /differs from the file at byte 0/);
    assert.equal(liarServer.requests, 1, 'only the check request reached the refused target');
  });

  it('a server that closes after every response is measured with a new connection per request, and said so; pipelining it is refused', async () => {
    const old = await target('http10', 'hello\n', undefined, true);
    const oldServer = servers[servers.length - 1]!;
    const keepalive = withOverrides(findScenario('keepalive')!, { connections: 2 });
    const pipeline = withOverrides(findScenario('pipeline')!, { connections: 2 });
    const outcome = await runBench({ targets: [old], scenarios: [keepalive, pipeline], durationS: 0.3, runs: 1, warmupS: 0, docroot: dir });
    assert.deepEqual(
      outcome.results.map((r) => [r.scenario, r.newConnectionPerRequest]),
      [['keepalive', true]],
    );
    assert.equal(outcome.results[0]!.warnings[0]!.code, 'closes-connections');
    assert.match(outcome.results[0]!.warnings[0]!.message, /closes the connection after each response .* measured with a new connection per request/);
    const { responses, errors } = outcome.results[0]!.median;
    assert.equal(errors, 0);
    // More responses than the generator's 2 connections: connections were renewed, without an
    // error. A bench run ends after a time, so the bar is low: 3 in 0.3 s, where an idle machine
    // makes hundreds.
    assert.ok(responses > 2, `${responses} responses`);
    assert.ok(oldServer.connections > responses, `${oldServer.connections} connections for ${responses} responses and the check`);
    assert.deepEqual(
      outcome.refused.map((r) => r.scenario),
      ['pipeline'],
    );
    assert.match(outcome.refused[0]!.reason, /pipelining cannot be measured/);
  });

  it('a target that does not answer at all stops the bench with UnreachableError', async () => {
    const gone: BenchTarget = { name: 'gone', url: new URL('http://127.0.0.1:1/'), pid: undefined };
    const plan = { targets: [gone], scenarios: [findScenario('keepalive')!], durationS: 0.2, runs: 1, warmupS: 0, docroot: dir };
    await assert.rejects(runBench(plan), UnreachableError);
  });
});
