// Renders conformance reports as JUnit XML, for CI test tabs. Pure: (reports) => string.
//
// One <testsuite> per target (name = the target, its URL as a property), one <testcase> per check:
// classname = the section ('RFC 9112 §3.2'), name = '<id>: <title>', time in seconds.
// - pass: an empty testcase;
// - fail: <failure message type="MUST|SHOULD|..."> with the requirement, expected and actual;
// - error (the harness could not judge, e.g. a timeout): <error>, not <failure> (h2spec reports
//   its timeouts as failures; a CI tab should tell a broken server from a broken run);
// - skip: <skipped message="reason"/>;
// - warn (a check that is not required failed): a passing testcase with a <system-out> that starts
//   with 'WARN', because JUnit has no "passed with a warning" and a warning must not fail CI.
// The XML is 1.0: characters it cannot hold at all (most C0 controls, U+FFFE/U+FFFF, lone
// surrogates) are written as visible \xNN / \uNNNN escapes, and the rest is escaped as usual.
import type { CheckResult, ConformanceReport } from '../conformance/types.js';

// Everything XML 1.0 forbids: C0 controls but TAB, LF and CR; U+FFFE, U+FFFF; lone surrogates.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Text content: & < > escaped, forbidden characters made visible. */
export function escapeXmlText(text: string): string {
  return text.replace(FORBIDDEN, visible).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** An attribute value in double quotes: also " and ', and TAB/LF/CR as character references (a
 * parser would otherwise normalise them to spaces). */
export function escapeXmlAttr(text: string): string {
  return escapeXmlText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

function attrs(pairs: Record<string, string | number | undefined>): string {
  return Object.entries(pairs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXmlAttr(String(v))}"`)
    .join('');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** The one-line message of a failure: what was expected and what came back, kept short. */
function shortMessage(r: CheckResult): string {
  const line = `expected ${r.expected || '(nothing)'}; actual ${r.actual || '(nothing)'}`;
  return line.length <= 300 ? line : `${line.slice(0, 299)}…`;
}

function body(r: CheckResult): string {
  const lines: string[] = [];
  if (r.requirement) lines.push(`requirement: "${r.requirement}"`);
  if (r.reason) lines.push(`reason:      ${r.reason}`);
  if (r.expected) lines.push(`expected:    ${r.expected}`);
  if (r.actual) lines.push(`actual:      ${r.actual}`);
  if (r.branch) lines.push(`branch:      ${r.branch}`);
  return lines.join('\n');
}

function testcase(r: CheckResult, indent: string): string {
  const open = `${indent}<testcase${attrs({ classname: r.section, name: `${r.id}: ${r.title}`, time: seconds(r.ms) })}`;
  const inner = `${indent}  `;
  switch (r.outcome) {
    case 'pass':
      return `${open}/>`;
    case 'fail':
      return `${open}>\n${inner}<failure${attrs({ message: shortMessage(r), type: r.level })}>${escapeXmlText(body(r))}</failure>\n${indent}</testcase>`;
    case 'error':
      return `${open}>\n${inner}<error${attrs({ message: r.reason ?? 'the harness could not judge', type: 'harness' })}>${escapeXmlText(body(r))}</error>\n${indent}</testcase>`;
    case 'skip':
      return `${open}>\n${inner}<skipped${attrs({ message: r.reason ?? 'skipped' })}/>\n${indent}</testcase>`;
    case 'warn':
      return `${open}>\n${inner}<system-out>${escapeXmlText(`WARN (${r.level}, not required): ${shortMessage(r)}\n${body(r)}`)}</system-out>\n${indent}</testcase>`;
  }
}

function testsuite(report: ConformanceReport): string {
  const s = report.summary;
  const head = `  <testsuite${attrs({
    name: report.target,
    tests: s.total,
    failures: s.fail,
    errors: s.error,
    skipped: s.skip,
    time: seconds(report.durationMs),
    // JUnit's timestamp has no time zone; ours is UTC.
    timestamp: report.startedAt.replace(/(\.\d+)?Z$/, ''),
  })}>`;
  const properties = [
    '    <properties>',
    `      <property${attrs({ name: 'url', value: report.url })}/>`,
    `      <property${attrs({ name: 'schema', value: report.schema })}/>`,
    `      <property${attrs({ name: 'warn', value: s.warn })}/>`,
    '    </properties>',
  ];
  return [head, ...properties, ...report.checks.map((r) => testcase(r, '    ')), '  </testsuite>'].join('\n');
}

export function renderConformanceJunit(reports: readonly ConformanceReport[]): string {
  const total = (key: 'total' | 'fail' | 'error' | 'skip'): number => reports.reduce((n, r) => n + r.summary[key], 0);
  const time = reports.reduce((n, r) => n + r.durationMs, 0);
  const head = `<testsuites${attrs({
    name: 'http-lab conformance',
    tests: total('total'),
    failures: total('fail'),
    errors: total('error'),
    skipped: total('skip'),
    time: seconds(time),
  })}>`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', head, ...reports.map(testsuite), '</testsuites>', ''].join('\n');
}
