import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { benchReport, benchResult, conformanceReport } from './test-fixtures.js';
import { mergeResults, toResults, type LabResults } from './model.js';
import { renderResultsMarkdown, us } from './results-markdown.js';
import { renderResultsText } from './results-text.js';
import { summarizeResults } from './summary.js';

function sample(): LabResults {
  return mergeResults([
    {
      results: toResults(
        { schema: 'http-lab/conformance-matrix@1', targets: ['epoll', 'async'], reports: [conformanceReport('epoll'), conformanceReport('async', 2)] },
        'c',
      ),
      source: 'c',
    },
    {
      results: toResults(
        benchReport([
          benchResult('epoll', 'keepalive', 60_000, {
            generatorBound: true,
            warnings: [{ code: 'generator-bound', message: 'generator-bound: the load generator used 100% of a core' }],
          }),
          benchResult('async', 'keepalive', 50_000),
          benchResult('epoll', 'close', 9_000),
          benchResult('async', 'close', 9_500),
        ]),
        'b',
      ),
      source: 'b',
    },
  ]);
}

describe('combined results renderers', () => {
  it('the summary marks the best rps of each scenario', () => {
    const { scenarios, rows } = summarizeResults(sample());
    assert.deepEqual(scenarios, ['keepalive', 'close']);
    assert.deepEqual(
      rows.map((r) => [r.target, r.cells.map((c) => c?.best)]),
      [
        ['epoll', [true, false]],
        ['async', [false, true]],
      ],
    );
    assert.equal(rows[1]!.conformance!.fail, 2);
  });

  it('Markdown: a summary row per target, the best in bold, generator-bound marked, then load and conformance', () => {
    const md = renderResultsMarkdown(sample());
    assert.match(md, /^\| target \| conformance \| keepalive rps \| keepalive p99 \| close rps \| close p99 \|$/m);
    assert.match(md, /^\| epoll \| 10\/10 pass, 0 fail \| \*\*60,000 ⚠️\*\* \| 2,000 µs \| 9,000 \| 2,000 µs \|$/m);
    assert.match(md, /^\| async \| 8\/10 pass, 2 fail \| 50,000 \| 2,000 µs \| \*\*9,500\*\* \| 2,000 µs \|$/m);
    assert.match(md, /^## Load$/m);
    assert.match(md, /- \*\*epoll keepalive\*\*: generator-bound/);
    assert.match(md, /^## Conformance: epoll, async$/m);
  });

  it('Markdown without load: no Load section and an empty-scenario summary', () => {
    const md = renderResultsMarkdown(toResults(conformanceReport('epoll'), 'c'));
    assert.match(md, /^\| target \| conformance \|$/m);
    assert.match(md, /^\| epoll \| 10\/10 pass, 0 fail \|$/m);
    assert.doesNotMatch(md, /## Load/);
  });

  it('text: the summary table with the best marked, the load table and its warnings', () => {
    const text = renderResultsText(sample(), { color: false });
    assert.match(text, /^epoll +10\/10 pass, 0 fail +\*60,000 \(GEN\) +2,000 +9,000 +2,000$/m);
    assert.match(text, /^async +8\/10 pass, 2 fail +50,000 +2,000 +\*9,500 +2,000$/m);
    assert.match(text, /epoll keepalive: generator-bound/);
  });

  it('latency is written in the unit that reads best', () => {
    assert.equal(us(812), '812 µs');
    assert.equal(us(2000), '2,000 µs');
    assert.equal(us(12_345), '12.3 ms');
    assert.equal(us(123_456), '123 ms');
    assert.equal(us(1_234_567), '1.23 s');
    assert.equal(us(12_345_678), '12.3 s');
  });
});
