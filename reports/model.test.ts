import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { benchReport, benchResult, conformanceReport, MACHINE } from './test-fixtures.js';
import { mergeResults, ModelError, RESULTS_SCHEMA, scenariosOf, targetsOf, toResults } from './model.js';

describe('the result model', () => {
  it('reads bench@1, conformance@1 and conformance-matrix@1 documents', () => {
    const b = toResults(benchReport([benchResult('epoll', 'keepalive', 1000)]), 'b.json');
    assert.equal(b.schema, RESULTS_SCHEMA);
    assert.equal(b.bench!.results.length, 1);
    assert.deepEqual(b.machine, MACHINE);
    const c = toResults(conformanceReport('epoll'), 'c.json');
    assert.equal(c.conformance.length, 1);
    assert.equal(c.bench, undefined);
    const m = toResults({ schema: 'http-lab/conformance-matrix@1', targets: ['a', 'b'], reports: [conformanceReport('a'), conformanceReport('b')] }, 'm.json');
    assert.deepEqual(m.conformance.map((r) => r.target), ['a', 'b']);
  });

  it('refuses what it cannot read, naming the file', () => {
    assert.throws(() => toResults({ hello: 1 }, 'x.json'), (e: Error) => e instanceof ModelError && /x\.json: not an http-lab document/.test(e.message));
    assert.throws(() => toResults({ schema: 'http-lab/gate@1' }, 'g.json'), /g\.json: schema "http-lab\/gate@1" is not one/);
  });

  it('merges conformance and bench files into one comparison, in order', () => {
    const merged = mergeResults([
      { results: toResults(conformanceReport('epoll'), 'c.json'), source: 'c.json' },
      { results: toResults(benchReport([benchResult('epoll', 'keepalive', 1000), benchResult('async', 'close', 500)]), 'b.json'), source: 'b.json' },
    ]);
    assert.deepEqual(targetsOf(merged), ['epoll', 'async']);
    assert.deepEqual(scenariosOf(merged), ['keepalive', 'close']);
    assert.deepEqual(merged.machine, MACHINE, 'the machine of the input that knows it');
    assert.deepEqual(merged.notes, []);
  });

  it('a target measured twice keeps both, the second as "target #2"; another machine is noted', () => {
    const other = { ...MACHINE, cpus: 16 };
    const merged = mergeResults([
      { results: toResults(benchReport([benchResult('epoll', 'keepalive', 1000)]), 'before.json'), source: 'before.json' },
      { results: toResults(benchReport([benchResult('epoll', 'keepalive', 2000)], other), 'after.json'), source: 'after.json' },
    ]);
    assert.deepEqual(merged.bench!.results.map((r) => [r.target, r.median.rps]), [['epoll', 1000], ['epoll #2', 2000]]);
    assert.equal(merged.notes.length, 1);
    assert.match(merged.notes[0]!, /after\.json was measured on another machine \(16 × Test CPU/);
  });
});
