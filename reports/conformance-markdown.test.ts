// The Markdown renderer and the checks × targets matrix (text, Markdown, JSON) on synthetic reports.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ConformanceMatrixReport } from '../conformance/types.js';
import { mdCell, renderConformanceMarkdown, renderMatrixMarkdown } from './conformance-markdown.js';
import { buildMatrix, matrixDocument, renderMatrixJson, renderMatrixText } from './conformance-matrix.js';
import { checkResult, conformanceReportFrom } from './test-fixtures.js';

/** The cells of a GFM table row: split on pipes that are not escaped. */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** Every table in `md` (runs of lines starting with '|'): each row has the header's cell count. */
function tables(md: string): string[][][] {
  const found: string[][][] = [];
  let current: string[][] | undefined;
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) {
      current ??= [];
      current.push(cells(line));
    } else if (current) {
      found.push(current);
      current = undefined;
    }
  }
  if (current) found.push(current);
  for (const t of found) for (const row of t) assert.equal(row.length, t[0]!.length, `row ${JSON.stringify(row)} has the header's ${t[0]!.length} cells`);
  return found;
}

describe('conformance Markdown renderer', () => {
  it('mdCell escapes pipes, Markdown and HTML, and flattens lines', () => {
    assert.equal(mdCell('a|b'), 'a\\|b');
    assert.equal(mdCell('<!DOCTYPE html> & *x* _y_ `z` [l](u)'), '&lt;!DOCTYPE html&gt; &amp; \\*x\\* \\_y\\_ \\`z\\` \\[l\\](u)');
    assert.equal(mdCell('one\r\ntwo\nthree'), 'one two three');
    assert.equal(mdCell('x'.repeat(500), 10), `${'x'.repeat(9)}…`);
  });

  it('one target: a summary table and a table of the checks that did not pass', () => {
    const md = renderConformanceMarkdown(
      conformanceReportFrom('python', [
        checkResult('a/pass', 'pass'),
        checkResult('a/warn', 'warn', { level: 'SHOULD', required: false }),
        checkResult('a/fail', 'fail', { actual: 'HTTP/1.0 200 OK | with a pipe <b>' }),
        checkResult('a/error', 'error', { reason: 'timed out', actual: '' }),
        checkResult('a/skip', 'skip', { reason: 'needs a pid | of a built-in' }),
      ]),
    );
    assert.match(md, /^## http-lab conformance: python\n/);
    assert.match(md, /❌ 1 required check failed \(1 root cause\)/);
    const [summary, causes, failures, reasons, skipped] = tables(md);
    assert.deepEqual(summary![2]!.slice(0, 7), ['python', '5', '1', '1', '1', '1', '1']);
    // what there is to fix: each root cause with its level, its sentence and its checks
    assert.match(md, /^### Root causes of the required failures: 1 check in 1 root cause \(MUST 1\)$/m);
    assert.deepEqual(causes![2]!.slice(0, 3), ['a/fail', 'MUST', 'RFC 9112 §3.2']);
    assert.match(causes![2]![3]!, /^A server MUST respond with a 400/);
    assert.equal(causes![2]![4], 'a/fail');
    // fail first, then error, then warn; never the pass or the skip
    assert.deepEqual(
      failures!.slice(2).map((r) => r[1]),
      ['a/fail', 'a/error', 'a/warn'],
    );
    assert.equal(failures![2]![6], 'HTTP/1.0 200 OK \\| with a pipe &lt;b&gt;');
    assert.equal(failures![3]![6], 'timed out');
    assert.match(md, /^4 of 5 checks ran; 1 skipped\. Skipped, by reason:$/m);
    assert.deepEqual(reasons!.slice(2), [['1', 'needs a pid \\| of a built-in']]);
    assert.deepEqual(skipped!.slice(2), [['a/skip', 'needs a pid \\| of a built-in']]);
  });

  it('one target that passes says so, with no failure table', () => {
    const md = renderConformanceMarkdown(conformanceReportFrom('epoll', [checkResult('a/pass', 'pass')]));
    assert.match(md, /✅ every required check passed/);
    assert.match(md, /Every check that ran passed\./);
    assert.equal(tables(md).length, 1);
  });
});

describe('conformance matrix', () => {
  const epoll = conformanceReportFrom('epoll', [
    checkResult('a/agree', 'pass'),
    checkResult('b/disagree', 'pass'),
    checkResult('c/warn-only', 'pass'),
    checkResult('arch/x', 'pass', { level: 'architecture' }),
  ]);
  // the text test finds python's url on its summary line
  const python = conformanceReportFrom(
    'python',
    [
      checkResult('a/agree', 'pass'),
      checkResult('b/disagree', 'fail'),
      checkResult('c/warn-only', 'warn', { required: false }),
      checkResult('arch/x', 'skip', { level: 'architecture', reason: 'needs a design' }),
    ],
    { url: 'http://127.0.0.1:1/python' },
  );

  it('marks the rows where some targets pass and others fail or warn; skips and errors are not disagreements', () => {
    const { targets, rows } = buildMatrix([epoll, python]);
    assert.deepEqual(targets, ['epoll', 'python']);
    assert.deepEqual(
      rows.map((r) => [r.id, r.disagree, r.results.map((x) => x?.outcome)]),
      [
        ['a/agree', false, ['pass', 'pass']],
        ['b/disagree', true, ['pass', 'fail']],
        ['c/warn-only', true, ['pass', 'warn']],
        ['arch/x', false, ['pass', 'skip']],
      ],
    );
  });

  it('text: disagreements first and marked, a summary line per target, then what failed and why', () => {
    const text = renderMatrixText([epoll, python]);
    const lines = text.split('\n');
    assert.match(text, /The targets disagree on 2 checks/);
    const header = lines.findIndex((l) => /^\s+check\s+level\s+epoll\s+python$/.test(l));
    assert.ok(header > 0, text);
    assert.match(lines[header + 1]!, /^\* b\/disagree\s+MUST\s+pass\s+FAIL$/);
    assert.match(lines[header + 2]!, /^\* c\/warn-only\s+MUST\s+pass\s+warn$/);
    assert.match(lines[header + 3]!, /^ {2}a\/agree\s+MUST\s+pass\s+pass$/);
    assert.match(text, /^python\s+http:\/\/127\.0\.0\.1:1\/python\s+4 checks: 1 pass, 1 fail, 1 warn, 1 skip, 0 error/m);
    assert.match(text, /python:\nFAIL\s+b\/disagree[\s\S]*requirement: "A server MUST[\s\S]*expected:\s+400\n\s+actual:\s+HTTP\/1\.0 200 OK/);
  });

  it('markdown: a summary per target, the disagreements, and the whole matrix folded', () => {
    const md = renderMatrixMarkdown([epoll, python]);
    const all = tables(md);
    const [summary, disagree] = all;
    assert.deepEqual(
      summary!.slice(2).map((r) => r[0]),
      ['epoll', 'python'],
    );
    assert.deepEqual(disagree![0], ['check', 'section', 'level', 'epoll', 'python']);
    assert.deepEqual(
      disagree!.slice(2).map((r) => r[0]),
      ['≠ b/disagree', '≠ c/warn-only'],
    );
    assert.match(md, /<details><summary>All 4 checks × 2 targets<\/summary>/);
    const full = all[all.length - 1]!;
    assert.equal(full.length, 2 + 4);
  });

  it('JSON: http-lab/conformance-matrix@1 holds each single-target report unchanged', () => {
    const doc = JSON.parse(renderMatrixJson([epoll, python])) as ConformanceMatrixReport;
    assert.equal(doc.schema, 'http-lab/conformance-matrix@1');
    assert.deepEqual(doc.targets, ['epoll', 'python']);
    assert.deepEqual(doc.reports, [epoll, python]);
    assert.deepEqual(matrixDocument([epoll]).reports[0], epoll);
  });
});
