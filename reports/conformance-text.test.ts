import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarize } from '../conformance/summary.js';
import type { CheckResult, ConformanceReport } from '../conformance/types.js';
import { renderConformanceJson, renderConformanceText } from './conformance-text.js';

function result(overrides: Partial<CheckResult>): CheckResult {
  return {
    id: 'rfc9112/3.2/host-missing',
    section: 'RFC 9112 §3.2',
    level: 'MUST',
    required: true,
    title: 'An HTTP/1.1 request without Host is rejected with 400',
    requirement: 'A server MUST respond with a 400 (Bad Request) status code ...',
    cause: 'host-missing',
    outcome: 'pass',
    expected: '400',
    actual: 'HTTP/1.1 400 Bad Request, no body',
    ms: 1,
    trace: { sent: 'GET / HTTP/1.1\\r\\n\n\\r\\n\n', received: 'HTTP/1.1 400 Bad Request\\r\\n\n' },
    ...overrides,
  };
}

const report: ConformanceReport = {
  schema: 'http-lab/conformance@1',
  target: 'python',
  url: 'http://127.0.0.1:8000',
  startedAt: '2025-01-01T00:00:00.000Z',
  durationMs: 42,
  summary: {
    total: 4,
    pass: 1,
    fail: 1,
    warn: 1,
    skip: 0,
    error: 1,
    failedCauses: [{ cause: 'host-missing', checks: ['a/fail'] }],
    warnedCauses: [{ cause: 'host-missing', checks: ['a/warn'] }],
  },
  checks: [
    result({ id: 'a/pass', branch: 'rejected (400)' }),
    result({ id: 'a/fail', outcome: 'fail', actual: 'HTTP/1.0 200 OK, body 572 B' }),
    result({ id: 'a/warn', outcome: 'warn', level: 'SHOULD', required: false, trace: { sent: 'x'.repeat(5000), received: '' } }),
    result({ id: 'a/error', outcome: 'error', reason: 'timed out after 5000 ms with 0 of 1 response(s)', actual: '' }),
  ],
};

test('one line per check with outcome, id, section, level and title, then the summary and the root causes', () => {
  const lines = renderConformanceText(report).trimEnd().split('\n');
  assert.ok(lines.includes('PASS  a/pass  RFC 9112 §3.2 MUST  An HTTP/1.1 request without Host is rejected with 400 [rejected (400)]'));
  assert.ok(lines.includes('FAIL  a/fail  RFC 9112 §3.2 MUST  An HTTP/1.1 request without Host is rejected with 400'));
  assert.deepEqual(lines.slice(-4), [
    '4 checks: 1 pass, 1 fail, 1 warn, 0 skip, 1 error',
    'required failures: 1 check in 1 root cause (MUST 1):',
    '  host-missing (MUST, RFC 9112 §3.2): a/fail',
    'warnings: 1 check in 1 root cause (SHOULD 1)',
  ]);
});

test('several failed checks of one cause count once, and a security cause reads apart from MUST', () => {
  const bareLf = (id: string): CheckResult =>
    result({ id, outcome: 'fail', level: 'security', cause: 'bare-lf-in-chunked', section: 'RFC 9112 §9.3', rationale: 'erratum 7633 was rejected' });
  const checks = [bareLf('x/size-lf'), bareLf('x/data-lf'), result({ id: 'x/host', outcome: 'fail' })];
  const text = renderConformanceText({ ...report, checks, summary: summarize(checks) });
  assert.match(text, /^required failures: 3 checks in 2 root causes \(MUST 1, security 1\):$/m);
  assert.match(text, /^ {2}bare-lf-in-chunked \(security, RFC 9112 §9\.3\): x\/size-lf, x\/data-lf$/m);
  assert.match(text, /why required: erratum 7633 was rejected/);
  // A document written before causes were recorded is recounted from its checks.
  const { failedCauses: _f, warnedCauses: _w, ...old } = summarize(checks);
  assert.match(renderConformanceText({ ...report, checks, summary: old as ConformanceReport['summary'] }), /^required failures: 3 checks in 2 root causes/m);
});

test('a failure shows the requirement, what was expected and what came back; a pass does not', () => {
  const text = renderConformanceText(report);
  const failBlock = text.slice(text.indexOf('FAIL  a/fail'), text.indexOf('WARN  a/warn'));
  assert.match(failBlock, /requirement: "A server MUST respond with a 400/);
  assert.match(failBlock, /expected: +400/);
  assert.match(failBlock, /actual: +HTTP\/1\.0 200 OK, body 572 B/);
  const passBlock = text.slice(text.indexOf('PASS  a/pass'), text.indexOf('FAIL  a/fail'));
  assert.doesNotMatch(passBlock, /expected:/);
  assert.match(text, /reason: +timed out after 5000 ms/);
  assert.doesNotMatch(text, /sent:/, 'no trace without verbose');
});

test('verbose adds the wire trace, truncated', () => {
  const text = renderConformanceText(report, { verbose: true });
  assert.match(text, /sent:\n +GET \/ HTTP\/1\.1\\r\\n\n +\\r\\n/);
  assert.match(text, /… \(3000 more characters\)/);
  assert.match(text, /received:\n +\(nothing\)/);
});

test('colour only when asked for', () => {
  const ESC = '\u001b[';
  assert.ok(!renderConformanceText(report, { color: false }).includes(ESC));
  assert.ok(renderConformanceText(report, { color: true }).includes(ESC));
});

test('JSON is the report itself, pretty-printed', () => {
  const json = renderConformanceJson(report);
  assert.deepEqual(JSON.parse(json), report);
  assert.ok(json.includes('\n  "schema": "http-lab/conformance@1"'));
});
