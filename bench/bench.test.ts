// The benchmark's own checks, without timing anything: both parsers really parse the fixtures and
// agree, a parse error stops a case instead of being timed, and the report adds up.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bundledDocroot } from '../system/package.js';
import { buildSuite } from './cases.js';
import { CoreRequestParser } from './core-parser.js';
import { BROWSER_GET_HEADERS, PIPELINE_DEPTH, browserGet, pipelinedGets } from './fixtures.js';
import { LlhttpRequestParser } from './llhttp.js';
import { SCHEMA, compare, renderText, summarize, type MicrobenchReport, type TaskFigures } from './report.js';

describe('bench fixtures and parsers', () => {
  it('the browser GET is about 500 bytes with 10 header fields', () => {
    const get = browserGet();
    assert.equal(BROWSER_GET_HEADERS.length, 10);
    assert.ok(get.length >= 450 && get.length <= 550, `${get.length} bytes`);
    assert.equal(pipelinedGets().length, get.length * PIPELINE_DEPTH);
  });

  it('core and llhttp produce the same request from the same bytes', () => {
    const core = new CoreRequestParser();
    const node = new LlhttpRequestParser();
    assert.equal(core.parse(pipelinedGets()), PIPELINE_DEPTH);
    assert.equal(node.parse(pipelinedGets()), PIPELINE_DEPTH);
    const a = core.last!;
    const b = node.last!;
    assert.deepEqual([a.method, a.target, a.version, a.http11], [b.method, b.target, b.version, b.http11]);
    assert.deepEqual(a.headers.names, b.headers.names);
    assert.deepEqual(a.headers.values, b.headers.values);
  });

  it('llhttp gets the head right when it arrives one byte at a time and with more than 32 fields', () => {
    const node = new LlhttpRequestParser();
    const get = browserGet();
    let heads = 0;
    for (let i = 0; i < get.length; i++) heads += node.parse(get.subarray(i, i + 1));
    assert.equal(heads, 1);
    assert.equal(node.last!.target, '/index.html');
    assert.equal(node.last!.headers.size, 10);
    const many = 'GET /x HTTP/1.1\r\nHost: a\r\n' + Array.from({ length: 40 }, (_, i) => `X-H${i}: v${i}\r\n`).join('') + '\r\n';
    assert.equal(node.parse(Buffer.from(many)), 1);
    assert.equal(node.last!.headers.size, 41);
    assert.equal(node.last!.headers.get('x-h39'), 'v39');
  });

  it('a parse error throws on both sides rather than counting as work', () => {
    const bad = Buffer.from('GET / HTTP/1.1\r\nHo st: x\r\n\r\n');
    assert.throws(() => new CoreRequestParser().parse(bad));
    assert.throws(() => new LlhttpRequestParser().parse(bad));
  });

  it('every case passes its check and runs', () => {
    const suite = buildSuite(bundledDocroot());
    for (const c of suite.cases) {
      c.check();
      c.run(3);
    }
    assert.deepEqual(
      suite.pairs.flatMap((p) => [p.subject, p.baseline]).filter((id) => !suite.cases.some((c) => c.id === id)),
      [],
    );
  });
});

describe('bench report', () => {
  const task = (id: string, meanNs: number): TaskFigures => ({
    id,
    name: id,
    opsPerSec: 1e9 / meanNs,
    meanNs,
    p50Ns: meanNs,
    p99Ns: meanNs,
    rmePercent: 1,
    samples: 10,
    opsPerSample: 5,
    requestsPerOp: 1,
  });

  it('the ratio is subject ops/s over baseline ops/s', () => {
    const tasks = [task('a', 2000), task('b', 1000)];
    const c = compare(tasks, { id: 'x', name: 'x', subject: 'a', baseline: 'b' });
    assert.equal(c.ratio, 0.5);
    assert.equal(c.p50Ratio, 0.5);
  });

  it('pooled samples give the mean, the median and a margin of error', () => {
    const s = summarize([4, 1, 3, 2, 5]);
    assert.deepEqual([s.count, s.mean, s.p50], [5, 3, 3]);
    assert.equal(s.p99, 4.96);
    // sd = sqrt(2.5); rme = 100 * 1.96 * sd / sqrt(5) / 3
    assert.ok(Math.abs(s.rme - (100 * 1.96 * Math.sqrt(2.5 / 5)) / 3) < 1e-9);
  });

  it('the text names the machine and every task and ratio', () => {
    const tasks = [task('a', 2000), task('b', 1000)];
    const report: MicrobenchReport = {
      schema: SCHEMA,
      createdAt: '2026-01-01T00:00:00.000Z',
      machine: { cpus: 2, cpuModel: 'CPU', node: 'v20.0.0', v8: '11', platform: 'linux', arch: 'x64' },
      settings: { timeMs: 1, rounds: 1, warmupMs: 1, sampleTargetUs: 100 },
      llhttpVia: 'test',
      tasks,
      comparisons: [compare(tasks, { id: 'x', name: 'pair', subject: 'a', baseline: 'b' })],
      resolverFsCallsWhileTimed: 0,
    };
    const text = renderText(report);
    assert.match(text, /2 CPUs .*Node\.js v20\.0\.0/);
    assert.match(text, /^a +500,000 +2,000 +±1\.00% +10$/m);
    assert.match(text, /core ÷ llhttp, pair: 0\.50× ops\/s/);
  });
});
