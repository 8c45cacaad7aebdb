// The JUnit renderer on synthetic reports. Every document is parsed back with a small strict XML
// 1.0 reader written here (no package): well-formedness is the contract a CI tool relies on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { escapeXmlAttr, escapeXmlText, renderConformanceJunit } from './conformance-junit.js';
import { checkResult, conformanceReportFrom } from './test-fixtures.js';

// ---- a strict, minimal XML reader: elements, attributes, text, the five entities and character
// references; anything else (comments, CDATA, DOCTYPE, unknown entities, raw '<' or '&', forbidden
// characters, mismatched or duplicate names) throws.

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NAME = /[A-Za-z_:][A-Za-z0-9_.:-]*/y;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function decode(raw: string, where: string): string {
  if (raw.includes('<')) throw new Error(`raw '<' in ${where}`);
  return raw.replace(/&([^;]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new Error(`unterminated reference in ${where}: ${whole}`);
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const m = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
    if (m === null) throw new Error(`unknown entity &${ref}; in ${where}`);
    const code = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
    if (!isXmlChar(code)) throw new Error(`character reference to a forbidden character in ${where}: ${whole}`);
    return String.fromCodePoint(code);
  });
}

function parseXml(xml: string): XmlElement {
  const bad = FORBIDDEN_CHAR.exec(xml);
  if (bad !== null) throw new Error(`forbidden character U+${bad[0].charCodeAt(0).toString(16)} at ${bad.index}`);
  let i = 0;
  const ws = (): void => {
    while (i < xml.length && ' \t\r\n'.includes(xml[i]!)) i++;
  };
  const expect = (s: string): void => {
    if (!xml.startsWith(s, i)) throw new Error(`expected ${JSON.stringify(s)} at ${i}: ${JSON.stringify(xml.slice(i, i + 30))}`);
    i += s.length;
  };
  const name = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(xml);
    if (m === null) throw new Error(`expected a name at ${i}`);
    i += m[0].length;
    return m[0];
  };
  const element = (): XmlElement => {
    expect('<');
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      ws();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      if (i === before) throw new Error(`expected whitespace before an attribute at ${i}`);
      const attr = name();
      ws();
      expect('=');
      ws();
      const quote = xml[i];
      if (quote !== '"' && quote !== "'") throw new Error(`unquoted attribute ${attr}`);
      const end = xml.indexOf(quote, i + 1);
      if (end < 0) throw new Error(`unterminated attribute ${attr}`);
      if (attr in el.attrs) throw new Error(`duplicate attribute ${attr} on <${el.name}>`);
      el.attrs[attr] = decode(xml.slice(i + 1, end), `${el.name}@${attr}`);
      i = end + 1;
    }
    for (;;) {
      if (i >= xml.length) throw new Error(`<${el.name}> is not closed`);
      if (xml.startsWith('</', i)) {
        i += 2;
        const closing = name();
        if (closing !== el.name) throw new Error(`</${closing}> closes <${el.name}>`);
        ws();
        expect('>');
        return el;
      }
      if (xml.startsWith('<!', i) || xml.startsWith('<?', i)) throw new Error(`unexpected markup at ${i}`);
      if (xml[i] === '<') {
        el.children.push(element());
        continue;
      }
      const next = xml.indexOf('<', i);
      const raw = xml.slice(i, next < 0 ? xml.length : next);
      if (raw.includes(']]>')) throw new Error("']]>' in text");
      el.text += decode(raw, `<${el.name}> text`);
      i += raw.length;
    }
  };
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (!/^<\?xml version="1\.0" encoding="UTF-8"\?>$/.test(xml.slice(0, end + 2))) throw new Error('bad XML declaration');
    i = end + 2;
  }
  ws();
  const root = element();
  ws();
  if (i !== xml.length) throw new Error(`content after the root element at ${i}`);
  return root;
}

const kids = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => c.name === name);

// ---- synthetic reports

// The times, url and start that the first test reads back: 12.5 ms a check is time="0.013" (seconds,
// rounded), 1534 ms the suite's time="1.534".
const TIMED = { ms: 12.5 };
const MIXED = conformanceReportFrom(
  'epoll',
  [
    checkResult('a/pass', 'pass', TIMED),
    checkResult('a/fail', 'fail', TIMED),
    checkResult('a/error', 'error', { ...TIMED, reason: 'timed out after 5000 ms with 0 of 1 response(s)' }),
    checkResult('a/skip', 'skip', { ...TIMED, reason: 'applies to the blocking design only (the target is epoll)' }),
    checkResult('a/warn', 'warn', { ...TIMED, level: 'SHOULD' }),
  ],
  { url: 'http://127.0.0.1:1234', startedAt: '2026-11-24T22:16:57.022Z', durationMs: 1534 },
);

describe('conformance JUnit renderer', () => {
  it('writes one testsuite per target and one testcase per check, with counts and times', () => {
    const xml = renderConformanceJunit([MIXED, conformanceReportFrom('nginx', [checkResult('a/pass', 'pass')])]);
    const root = parseXml(xml);
    assert.equal(root.name, 'testsuites');
    assert.deepEqual([root.attrs.tests, root.attrs.failures, root.attrs.errors, root.attrs.skipped], ['6', '1', '1', '1']);
    const suites = kids(root, 'testsuite');
    assert.deepEqual(
      suites.map((s) => s.attrs.name),
      ['epoll', 'nginx'],
    );
    const [epoll] = suites;
    assert.deepEqual([epoll!.attrs.tests, epoll!.attrs.failures, epoll!.attrs.errors, epoll!.attrs.skipped, epoll!.attrs.time], ['5', '1', '1', '1', '1.534']);
    assert.equal(epoll!.attrs.timestamp, '2026-11-24T22:16:57');
    const cases = kids(epoll!, 'testcase');
    assert.equal(cases.length, 5);
    for (const c of cases) {
      assert.equal(c.attrs.classname, 'RFC 9112 §3.2');
      assert.match(c.attrs.name!, /^a\/\w+: title of a\/\w+$/);
      assert.equal(c.attrs.time, '0.013', 'seconds, not ms');
    }
    const url = kids(kids(epoll!, 'properties')[0]!, 'property').find((p) => p.attrs.name === 'url');
    assert.equal(url?.attrs.value, 'http://127.0.0.1:1234');
  });

  it('fail is <failure>, error is <error> (not a failure), skip is <skipped message>, warn passes with a note', () => {
    const cases = kids(kids(parseXml(renderConformanceJunit([MIXED])), 'testsuite')[0]!, 'testcase');
    const byId = new Map(cases.map((c) => [c.attrs.name!.split(':')[0]!, c]));
    assert.deepEqual(byId.get('a/pass')!.children, []);

    const failure = kids(byId.get('a/fail')!, 'failure');
    assert.equal(failure.length, 1);
    assert.equal(kids(byId.get('a/fail')!, 'error').length, 0);
    assert.equal(failure[0]!.attrs.type, 'MUST');
    assert.match(failure[0]!.attrs.message!, /expected 400; actual HTTP\/1\.0 200 OK/);
    assert.match(failure[0]!.text, /requirement: "A server MUST respond/);

    const error = kids(byId.get('a/error')!, 'error');
    assert.equal(error.length, 1);
    assert.equal(kids(byId.get('a/error')!, 'failure').length, 0);
    assert.equal(error[0]!.attrs.message, 'timed out after 5000 ms with 0 of 1 response(s)');

    const skipped = kids(byId.get('a/skip')!, 'skipped');
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0]!.attrs.message, 'applies to the blocking design only (the target is epoll)');

    const warn = byId.get('a/warn')!;
    assert.equal(kids(warn, 'failure').length + kids(warn, 'error').length + kids(warn, 'skipped').length, 0);
    assert.match(kids(warn, 'system-out')[0]!.text, /^WARN \(SHOULD, not required\): expected 400; actual HTTP\/1\.0 200 OK/);
  });

  it('escapes markup, quotes, line breaks and characters XML 1.0 cannot hold', () => {
    const nasty = 'a <b> & "c" \'d\' ]]> \u0000\u0001\u001b\u007f \uFFFE\uFFFF \uD800 lone, \uD83D\uDE00 pair\r\n\ttab';
    const xml = renderConformanceJunit([
      conformanceReportFrom('<nasty & "target">', [
        checkResult(`x/${nasty}`, 'fail', { section: nasty, title: nasty, expected: nasty, actual: nasty, requirement: nasty }),
        checkResult('x/skip', 'skip', { reason: nasty }),
      ]),
    ]);
    const root = parseXml(xml); // throws on anything ill-formed
    const suite = kids(root, 'testsuite')[0]!;
    assert.equal(suite.attrs.name, '<nasty & "target">');
    const [failed, skipped] = kids(suite, 'testcase');
    const visible = 'a <b> & "c" \'d\' ]]> \\x00\\x01\\x1b\u007f \\ufffe\\uffff \\ud800 lone, \uD83D\uDE00 pair\r\n\ttab';
    assert.equal(failed!.attrs.classname, visible, 'attribute values keep CR, LF and TAB through character references');
    assert.match(kids(failed!, 'failure')[0]!.text, /actual: {6}a <b> & "c" 'd' \]\]> \\x00\\x01\\x1b/);
    assert.ok(kids(failed!, 'failure')[0]!.text.includes('\uD83D\uDE00 pair\r\n\ttab'), 'text keeps CR (as &#13;), LF, TAB and astral characters');
    assert.equal(kids(skipped!, 'skipped')[0]!.attrs.message, visible);
  });

  it('the escapers, and the XML reader here, agree on the basics', () => {
    assert.equal(escapeXmlText('<&>'), '&lt;&amp;&gt;');
    assert.equal(escapeXmlAttr('"\'\n\t'), '&quot;&apos;&#10;&#9;');
    assert.equal(escapeXmlText('\u0007'), '\\x07');
    assert.throws(() => parseXml('<a>&nbsp;</a>'), /unknown entity/);
    assert.throws(() => parseXml('<a><b></a></b>'), /closes/);
    assert.throws(() => parseXml('<a x="1" x="2"/>'), /duplicate/);
    assert.throws(() => parseXml('<a>\u0001</a>'), /forbidden/);
    assert.throws(() => parseXml('<a>&#1;</a>'), /forbidden/);
    assert.throws(() => parseXml('<a>x < y</a>'), /expected a name|raw/);
    assert.throws(() => parseXml('<a b="<"/>'), /raw '<'/);
  });

  it('an empty run is still a valid document', () => {
    const root = parseXml(renderConformanceJunit([conformanceReportFrom('empty', [])]));
    assert.equal(kids(root, 'testsuite')[0]!.attrs.tests, '0');
  });
});
