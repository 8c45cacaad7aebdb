import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { benchReport, benchResult, conformanceReport, MACHINE } from './test-fixtures.js';
import { mergeResults, ModelError, RESULTS_SCHEMA, scenariosOf, targetsOf, toResults } from './model.js';

describe('the result model', () => {
  it('reads bench@2, bench@1, conformance@1 and conformance-matrix@1 documents', () => {
    const b = toResults(benchReport([benchResult('epoll', 'keepalive', 1000)]), 'b.json');
    assert.equal(b.schema, RESULTS_SCHEMA);
    assert.equal(b.bench!.results.length, 1);
    assert.deepEqual(b.machine, MACHINE);
    // bench@1 had no model, timeline or PSS: it was the closed model, and PSS is unknown
    const { model: _model, ...v1Result } = benchResult('epoll', 'keepalive', 1000);
    const v1Run = { ...v1Result.median, timeline: undefined, serverPssBytes: undefined, serverPssAtRestBytes: undefined };
    const old = toResults({ ...benchReport([]), schema: 'http-lab/bench@1', results: [{ ...v1Result, runs: [v1Run], median: v1Run }] }, 'old.json');
    const [r] = old.bench!.results;
    assert.deepEqual([r!.model, r!.median.timeline, r!.median.serverPssBytes, r!.runs[0]!.serverPssAtRestBytes], ['closed', [], null, null]);
    const c = toResults(conformanceReport('epoll'), 'c.json');
    assert.equal(c.conformance.length, 1);
    assert.equal(c.bench, undefined);
    const m = toResults({ schema: 'http-lab/conformance-matrix@1', targets: ['a', 'b'], reports: [conformanceReport('a'), conformanceReport('b')] }, 'm.json');
    assert.deepEqual(
      m.conformance.map((r) => r.target),
      ['a', 'b'],
    );
  });

  it('refuses what it cannot read, naming the file', () => {
    assert.throws(
      () => toResults({ hello: 1 }, 'x.json'),
      (e: Error) => e instanceof ModelError && /x\.json: not an http-lab document/.test(e.message),
    );
    assert.throws(() => toResults({ schema: 'http-lab/gate@1' }, 'g.json'), /g\.json: schema "http-lab\/gate@1" is not one/);
  });

  describe('warnings stored as bare sentences (files from before warnings had codes)', () => {
    const OLD: Array<[string, object]> = [
      [
        'generator-bound: the load generator used 99% of a core while the server had headroom (busiest thread 40%, 40% in all of the 101% left on 2 CPUs); the server may be faster than these figures',
        { code: 'generator-bound' },
      ],
      [
        'noisy: rps ranged from 27080 to 50810 over 2 runs, 60.9% of the median (more than 10.0%); add --runs or --duration, or quiet the machine',
        { code: 'noisy' },
      ],
      ['one run: no spread to report; use --runs 3 or more', { code: 'one-run' }],
      [
        "run 12: Little's law does not hold: 50 in flight ÷ mean latency predicts 0 rps, measured 0 (+0.0%, tolerance ±5.0%): no response was timed",
        { code: 'littles-law', run: 12 },
      ],
      ['failures: 2 connection errors, 1 timeouts and 7 non-2xx responses over 3 runs; their rps is not all success', { code: 'failures' }],
      [
        "server CPU and memory unknown: the server's process was not found (a --url whose listening socket is not this user's to read)",
        { code: 'resources-unknown' },
      ],
      [
        'the server closes the connection after each response (HTTP/1.0, or Connection: close): measured with a new connection per request, as the close scenario is',
        { code: 'closes-connections' },
      ],
    ];
    const expected = OLD.map(([message, fields]) => ({ ...fields, message }));
    const oldResult = (sentences: string[]): object => ({ ...benchResult('python', 'keepalive', 1000), warnings: sentences });

    it('a bench@1 file: each sentence gets its code, and keeps its words', () => {
      const read = toResults({ ...benchReport([]), results: [oldResult(OLD.map(([s]) => s))] }, 'old-bench.json');
      assert.deepEqual(read.bench!.results[0]!.warnings, expected);
    });
    it('a results@1 file, beside a result whose warnings have codes already', () => {
      const coded = benchResult('epoll', 'keepalive', 2000, { warnings: [{ code: 'one-run', message: 'one run: no spread to report; use --runs 3 or more' }] });
      const doc = {
        schema: RESULTS_SCHEMA,
        version: '0.1.0',
        createdAt: '2026-11-25T00:00:00.000Z',
        machine: MACHINE,
        conformance: [],
        bench: { generator: benchReport([]).generator, results: [oldResult(OLD.map(([s]) => s)), coded], refused: [] },
        notes: [],
      };
      const read = toResults(doc, 'old-results.json');
      assert.deepEqual(
        read.bench!.results.map((r) => r.warnings),
        [expected, coded.warnings],
      );
    });
    it('a sentence http-lab never wrote is refused, naming the file', () => {
      assert.throws(
        () => toResults({ ...benchReport([]), results: [oldResult(['something else'])] }, 'odd.json'),
        (e: Error) => e instanceof ModelError && e.message === 'odd.json: a warning http-lab never wrote: "something else"',
      );
    });
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
    assert.deepEqual(
      merged.bench!.results.map((r) => [r.target, r.median.rps]),
      [
        ['epoll', 1000],
        ['epoll #2', 2000],
      ],
    );
    assert.equal(merged.notes.length, 1);
    assert.match(merged.notes[0]!, /after\.json was measured on another machine \(16 × Test CPU/);
  });
});
