// The published matrix: rows are root causes, columns servers; a fault counts once per server however
// many of its checks fail; every required failure names its sentence; and the HTML page is escaped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCauseMatrix, renderCauseMatrixHtml, renderCauseMatrixMarkdown, serverSummaries } from './cause-matrix.js';
import { checkResult, conformanceReportFrom } from './test-fixtures.js';

const allow = (id: string, outcome: 'pass' | 'fail' | 'skip', actual = 'a 405 without Allow') =>
  checkResult(id, outcome, {
    cause: 'allow-on-405',
    section: 'RFC 9110 §15.5.6',
    requirement: 'The origin server MUST generate an Allow header field in a 405 response',
    actual,
  });
const bareLf = (outcome: 'pass' | 'fail') =>
  checkResult('rfc9112/9.3/chunk-size-bare-lf', outcome, {
    cause: 'bare-lf-in-chunked',
    level: 'security',
    rationale: 'CVE-2025-22871',
    actual: 'the canary was answered',
  });
const should = (outcome: 'pass' | 'warn') => checkResult('rfc9110/15.5/not-found', outcome, { level: 'SHOULD', required: false, cause: 'not-found' });

const servers = [
  conformanceReportFrom('nginx', [allow('post', 'fail'), allow('put', 'fail'), bareLf('fail'), should('pass')]),
  conformanceReportFrom('caddy', [allow('post', 'pass', ''), allow('put', 'pass', ''), bareLf('pass'), should('warn')]),
  conformanceReportFrom('user <service>', [allow('post', 'skip', ''), allow('put', 'skip', ''), bareLf('pass'), should('pass')]),
];

describe('root causes × servers', () => {
  it('one row per cause that some server fails or warns on: required first, MUST before security', () => {
    const m = buildCauseMatrix(servers);
    assert.deepEqual(m.targets, ['nginx', 'caddy', 'user <service>']);
    assert.deepEqual(
      m.rows.map((r) => [r.cause, r.level, r.cells.map((c) => c.state)]),
      [
        ['allow-on-405', 'MUST', ['fail', 'pass', 'skip']],
        ['bare-lf-in-chunked', 'security', ['fail', 'pass', 'pass']],
        ['not-found', 'SHOULD', ['pass', 'warn', 'pass']],
      ],
    );
    assert.deepEqual(m.rows[0]!.checks, ['post', 'put']);
  });

  it('a server summary counts causes, not checks', () => {
    const [nginx, caddy] = serverSummaries(servers);
    assert.deepEqual([nginx!.failedCauses, nginx!.failedChecks, nginx!.byLevel], [2, 3, { MUST: 1, security: 1 }]);
    assert.deepEqual([caddy!.failedCauses, caddy!.warnedCauses], [0, 1]);
  });

  it('Markdown: the summary, the matrix, and each cause with its sentence and what each server did', () => {
    const md = renderCauseMatrixMarkdown(servers, { provenance: 'made here', describe: (t) => `about ${t}` });
    assert.match(md, /^\| nginx \| 2 \(MUST 1, security 1\) \| 3 \| 0 \| 0 \| 0 \|$/m);
    assert.match(md, /^\| \[allow-on-405\]\(#allow-on-405\) \| MUST \| ❌ \| ✅ \| – \|$/m);
    assert.match(md, /^RFC 9110 §15\.5\.6, MUST, required: "The origin server MUST generate an Allow header field in a 405 response"$/m);
    assert.match(md, /^Why required: CVE-2025-22871$/m);
    assert.match(md, /^ {2}- ❌ `post`: a 405 without Allow$/m);
    assert.match(md, /^- \*\*user &lt;service&gt;\*\*: about user &lt;service&gt;$/m);
  });

  it('HTML: one self-contained page, every text escaped', () => {
    const html = renderCauseMatrixHtml(servers, { provenance: 'made <here>' });
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /<script|<link|src="http/);
    assert.match(html, /<th scope="col" class="server">user &lt;service&gt;<\/th>/);
    assert.match(html, /<p>made &lt;here&gt;<\/p>/);
    assert.match(
      html,
      /<td class="cell fail" title="nginx: the fault is there: a required check failed\npost: a 405 without Allow\nput: a 405 without Allow">✗<\/td>/,
    );
  });
});
