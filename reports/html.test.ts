// The HTML report: sections present or omitted with a note, every string from the data escaped
// (a hostile target name, check title and response), nothing that would fetch from the network,
// deterministic output, well-formed markup, and what the page says about the sample lab run in
// test/fixtures/results-sample.json (8 targets × 2 scenarios, and the conformance matrix; written
// before warnings had codes, so read as `http-lab report` reads it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchResult, Refusal } from '../loadtest/types.js';
import { renderHtml } from './html.js';
import { scenariosOf, targetsOf, toResults, type LabResults } from './model.js';
import { benchResult, checkResult, conformanceReportFrom } from './test-fixtures.js';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/results-sample.json', import.meta.url));

function sample(): LabResults {
  return toResults(JSON.parse(readFileSync(FIXTURE, 'utf8')), FIXTURE);
}

const HOSTILE = `evil<script>alert("x")</script>&'"><img src=x onerror=alert(1)>`;

function model(parts: Partial<LabResults> = {}): LabResults {
  return {
    schema: 'http-lab/results@1',
    version: '0.1.0',
    createdAt: '2026-11-24T22:16:57.022Z',
    machine: { cpus: 2, cpuModel: 'AMD EPYC', node: '20.20.2', kernel: '6.1.0', platform: 'linux' },
    conformance: [],
    notes: [],
    ...parts,
  };
}

function benchModel(results: BenchResult[], refused: Refusal[] = []): LabResults {
  return model({ bench: { generator: { engine: 'autocannon', version: '9.0.0', responseTimeoutS: 10 }, results, refused } });
}

/** Every src=, href=, url( and @import in the page's own markup and style: what a browser would
 * fetch. Text and tooltips from the data are escaped, so they hold no tag of their own; inside a tag,
 * only the attributes that load something count (a title may quote "src=" harmlessly). */
function fetchers(html: string): string[] {
  const found: string[] = [];
  for (const style of html.matchAll(/<style>([\s\S]*?)<\/style>/g)) {
    for (const m of style[1]!.matchAll(/url\(\s*['"]?[^'")\s]*|@import\b[^;]*/gi)) found.push(m[0]);
  }
  for (const tag of html.matchAll(/<[a-zA-Z][\w-]*((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    for (const a of tag[1]!.matchAll(/\s([^\s=>/]+)(?:="([^"]*)")?/g)) {
      const [, name, value = ''] = a;
      if (/^(?:src|href|xlink:href|srcset|poster|action|formaction|background|data|ping|manifest)$/i.test(name!)) found.push(`${name}="${value}"`);
      else if (!/^(?:title|aria-|data-)/i.test(name!)) for (const m of value.matchAll(/url\(\s*['"]?[^'")\s]*|@import\b[^;]*/gi)) found.push(m[0]);
    }
  }
  return found;
}

/** Checks that tags nest and close (void elements and SVG's self-closing tags aside), and that ids
 * are unique: a well-formedness check, short of a full HTML5 validator. */
function assertWellFormed(html: string): void {
  const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link', 'source', 'col', 'wbr']);
  const body = html.replace(/<script>[\s\S]*?<\/script>/g, '').replace(/<style>[\s\S]*?<\/style>/g, '');
  assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">'), 'doctype and html');
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w-]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*(\/?)>|<!DOCTYPE html>/g)) {
    if (m[0] === '<!DOCTYPE html>') continue;
    const [, closing, name, , selfClosing] = m;
    const tag = name!.toLowerCase();
    if (closing) {
      const open = stack.pop();
      assert.equal(open, tag, `</${tag}> closes <${open}> at ${m.index}: ${body.slice(Math.max(0, m.index - 120), m.index + 40)}`);
    } else if (!VOID.has(tag) && !selfClosing) {
      stack.push(tag);
    }
  }
  assert.deepEqual(stack, [], 'every element is closed');
  assert.doesNotMatch(body, /<(?![a-zA-Z/!])/, 'a bare < in text');
  const ids = [...body.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.filter((id, i) => ids.indexOf(id) !== i).join(', ')}`);
  for (const m of body.matchAll(/\shref="#([^"]*)"|url\(#([^)]*)\)|data-details="([^"]*)"/g)) {
    const target = m[1] ?? m[2] ?? m[3];
    assert.ok(ids.includes(target), `a link to #${target}, which is not in the page`);
  }
}

describe('renderHtml on the sample lab run', () => {
  const results = sample();
  const html = renderHtml(results);

  it('has every section, in order', () => {
    const order = ['glance', 'summary', 'throughput', 'latency', 'resources', 'conformance', 'warnings'].map((id) => html.indexOf(`<section id="${id}"`));
    for (const i of order) assert.ok(i > 0);
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
  });
  it('the header: version, date, machine, generator and notes', () => {
    const header = html.slice(html.indexOf('<header>'), html.indexOf('</header>'));
    assert.match(header, /<dt>http-lab<\/dt><dd>0\.1\.0<\/dd>/);
    assert.ok(header.includes(`${results.createdAt.slice(0, 10)} ${results.createdAt.slice(11, 16)} UTC`), results.createdAt);
    assert.match(header, /2 CPUs × AMD EPYC; Node 20\.20\.2; Linux 6\.18\.44-fc-v657/);
    assert.match(header, /autocannon 9\.0\.0/);
    assert.match(header, /<div class="notes">/);
    assert.match(header, /test fixture: each conformance report keeps/);
  });
  it('highlights the best rps of each scenario, in the table and the chart', () => {
    const best = [...html.matchAll(/<td class="num best"[^>]*>★ ([\d,]+)<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(best, ['4,594', '47,430'], 'blocking wins close, epoll wins keepalive');
    assert.equal([...html.matchAll(/class="bar-group best"/g)].length, 2);
  });
  it('one bar per target and scenario in the throughput chart', () => {
    const chart = html.slice(html.indexOf('id="chart-rps"'), html.indexOf('</svg>', html.indexOf('id="chart-rps"')));
    const bars = [...chart.matchAll(/<rect class="bar"/g)].length;
    assert.equal(bars, targetsOf(results).length * scenariosOf(results).length);
    assert.equal(bars, 16);
    assert.equal([...chart.matchAll(/class="whisker"/g)].length, 16 - 3, 'no whisker where every run gave 0');
  });
  it('one latency panel per scenario, on a log axis labelled in µs, ms and s', () => {
    assert.equal([...html.matchAll(/<svg class="chart line-chart"/g)].length, 2);
    for (const label of ['100 µs', '1 ms', '10 ms', '100 ms', '1 s']) assert.ok(html.includes(`>${label}</text>`), label);
    assert.match(html, /no responses, not drawn: process, thread/);
  });
  it('server CPU and PSS charts, with the note on shared pages and the summed RSS beside', () => {
    assert.match(html, /id="chart-cpu"/);
    assert.match(html, /id="chart-pss"/);
    assert.match(html, /every resident page counted once/);
    assert.match(html, /<td class="num" title="RSS summed over the processes: [\d.]+ MiB">/);
  });
  it('the matrix: a row per check, disagreements first, the all-pass rows folded', () => {
    const ids = new Set(results.conformance.flatMap((r) => r.checks.map((c) => c.id)));
    const rows = [...html.matchAll(/<tr class="check-row[^"]*"[^>]* data-check="([^"]*)"/g)].map((m) => m[1]);
    assert.equal(rows.length, ids.size);
    assert.deepEqual(new Set(rows), ids);
    const fold = html.indexOf('<details class="fold">');
    assert.ok(fold > 0);
    const folded = [...html.slice(fold).matchAll(/data-check="([^"]*)"/g)].map((m) => m[1]!);
    for (const id of folded) {
      for (const r of results.conformance) {
        const outcome = r.checks.find((c) => c.id === id)?.outcome;
        assert.ok(outcome === 'pass' || outcome === 'skip', `${id} is folded but ${r.target} has ${outcome}`);
      }
    }
    assert.match(html, /<summary>\d+ checks that every target passes \(or skips\)<\/summary>/);
  });
  it('explains a failure on hover and on click', () => {
    const cell = /<td class="cell outcome-fail" title="([^"]*)">FAIL<\/td>/.exec(html);
    assert.ok(cell, 'a failing cell');
    assert.match(cell[1]!, /expected: /);
    assert.match(cell[1]!, /actual: /);
    assert.match(cell[1]!, /RFC 91\d\d §/);
    assert.match(cell[1]!, /requirement: &quot;/);
    assert.match(html, /<tr class="detail-row" id="detail-1" hidden><td colspan="10"><div class="details"><p><b>RFC/);
    assert.match(html, /<blockquote>/);
  });
  it('lists every warning per target and scenario', () => {
    const warnings = results.bench!.results.reduce((n, r) => n + r.warnings.length, 0);
    const section = html.slice(html.indexOf('<section id="warnings"'));
    assert.equal([...section.matchAll(/<td class="message">/g)].length, warnings);
    for (const code of ['NOISY', 'LITTLE', 'CONN/REQ']) assert.ok(section.includes(`>${code}</span>`), code);
    assert.match(section, /None: every target passed the check before load/);
  });
  it('is well formed, with unique ids', () => {
    assertWellFormed(html);
  });
  it('fetches nothing: no src, href, url( or @import that leaves the page', () => {
    const found = fetchers(html);
    assert.ok(found.length > 0, 'the nav links and the hatch pattern are found');
    for (const f of found) assert.match(f, /^(?:href="#[\w-]+"|url\(#[\w-]+)$/, f);
    assert.doesNotMatch(html, /@import|<link\b|<img\b|<iframe\b|<object\b|<embed\b|<script\s+src/i);
  });
  it('(the detector of fetches finds each kind, and no text)', () => {
    const planted =
      '<style>@import "x.css";a{background:url(https://cdn.test/a.png)}</style><img src="https://cdn.test/i.png"><a href="//cdn.test/">x</a><div style="background:url(http://cdn.test/b.png)" title="src=http://no">src=http://text</div>';
    assert.deepEqual(fetchers(planted), [
      '@import "x.css"',
      'url(https://cdn.test/a.png',
      'src="https://cdn.test/i.png"',
      'href="//cdn.test/"',
      'url(http://cdn.test/b.png',
    ]);
  });
  it('is deterministic and reads no clock', () => {
    const now = Date.now;
    Date.now = () => {
      throw new Error('renderHtml read the clock');
    };
    try {
      assert.equal(renderHtml(sample()), html);
    } finally {
      Date.now = now;
    }
  });
});

describe('renderHtml: sections omitted with a note', () => {
  it('no bench section: no charts, a note instead', () => {
    const html = renderHtml(model({ conformance: [conformanceReportFrom('epoll', [checkResult('a/1', 'pass'), checkResult('a/2', 'fail')])] }));
    assert.match(
      html,
      /<section id="throughput" class="omitted"><h2>Load: throughput, latency, CPU and memory<\/h2><p class="note">No bench results in this report/,
    );
    assert.doesNotMatch(html, /<svg/);
    assert.doesNotMatch(html, /id="latency"|id="resources"|id="warnings"/);
    assert.match(html, /<section id="conformance">/);
    assertWellFormed(html);
  });
  it('no conformance section: a note instead, the charts stay', () => {
    const html = renderHtml(benchModel([benchResult('epoll', 'keepalive', 60_000), benchResult('async', 'keepalive', 50_000)]));
    assert.match(html, /<section id="conformance" class="omitted"><h2>Conformance<\/h2><p class="note">No conformance results/);
    assert.match(html, /id="chart-rps"/);
    assert.doesNotMatch(html, /class="matrix"/);
    assertWellFormed(html);
  });
  it('only refusals: the refused list, and no empty chart', () => {
    const html = renderHtml(
      benchModel([], [{ target: 'python', scenario: 'pipeline', reason: 'pipelining a server that closes after each response is refused' }]),
    );
    assert.match(html, />REFUSED<\/span><\/td><td class="message">pipelining a server/);
    assert.match(html, /<td colspan="7" class="refused" title="pipelining a server[^"]*">not measured: failed the check before load<\/td>/);
    assertWellFormed(html);
  });
  it('nothing at all: still a valid page that says so', () => {
    const html = renderHtml(model());
    assert.match(html, /This report holds no results/);
    assertWellFormed(html);
  });
});

describe('renderHtml: escaping', () => {
  const hostileCheck = checkResult('rfc9112/3.2/host-missing', 'fail', {
    title: HOSTILE,
    actual: `HTTP/1.0 200 OK body "<html lang="en">…" ${HOSTILE}`,
    expected: `<400> & "close"`,
    requirement: HOSTILE,
    reason: HOSTILE,
  });
  const results = {
    ...benchModel(
      [
        benchResult(HOSTILE, `keep<alive>`, 60_000, { warnings: [{ code: 'noisy', message: `noisy: ${HOSTILE}` }] }),
        benchResult('epoll', `keep<alive>`, 50_000),
      ],
      [{ target: HOSTILE, scenario: 'large', reason: HOSTILE }],
    ),
    conformance: [
      conformanceReportFrom(HOSTILE, [hostileCheck, checkResult('b/1', 'warn', { required: false })]),
      conformanceReportFrom('epoll', [checkResult('rfc9112/3.2/host-missing', 'pass'), checkResult('b/1', 'pass')]),
    ],
    notes: [HOSTILE],
    version: `0.1.0<b>`,
    machine: { cpus: 2, cpuModel: HOSTILE, node: '20', kernel: '6', platform: 'linux' },
  } satisfies LabResults;
  const html = renderHtml(results);

  it('never lets a string from the data become markup', () => {
    assert.ok(!html.includes('<script>alert'), 'a script from the data');
    assert.ok(!html.includes('<img'), 'an element from the data');
    assert.ok(!html.includes('<alive>'), 'a scenario name as markup');
    assert.ok(!html.includes('0.1.0<b>'), 'the version as markup');
    assert.equal([...html.matchAll(/<script>/g)].length, 1, 'only the page’s own script');
    assert.ok(html.includes('evil&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
  });
  it('stays well formed with unique ids, and fetches nothing', () => {
    assertWellFormed(html);
    for (const f of fetchers(html)) assert.match(f, /^(?:href="#[\w-]+"|url\(#[\w-]+)$/, f);
  });
  it('shows the refused target with its reason, escaped', () => {
    const section = html.slice(html.indexOf('<section id="warnings"'));
    assert.match(section, />REFUSED<\/span><\/td><td class="message">evil&lt;script&gt;/);
  });
});

describe('renderHtml: over time', () => {
  it("draws each result's timeline, its stall shaded and labelled, and flags the stall", () => {
    // 2 s at 100 ms: answers, then 1 s without any, then answers again
    const counts: number[] = [...Array<number>(5).fill(500), ...Array<number>(10).fill(0), ...Array<number>(5).fill(500)];
    const timeline = counts.map((responses, i) => ({ tMs: i * 100, responses, p99Us: responses ? 900 : 0 }));
    const stalled = benchResult('epoll', 'keepalive', 5_000, {
      warnings: [
        { code: 'stall', run: 1, startMs: 500, lengthMs: 1000, message: 'stall: run 1: no response for 1000 ms from 0.5 s while requests were outstanding' },
      ],
    });
    stalled.runs = stalled.runs.map((r) => ({ ...r, timeline }));
    stalled.median = { ...stalled.median, timeline };
    const html = renderHtml(benchModel([stalled]));
    assert.match(html, /<section id="over-time">/);
    assert.match(html, /<svg class="chart timeline-chart" id="timeline-epoll-keepalive"/);
    assert.match(html, /<rect class="stall" [^>]*><title>no response for 1000 ms from 0\.5 s<\/title><\/rect>/);
    assert.match(html, />stall 1(\.00)? s<\/text>/);
    assert.match(html, /<span class="flag flag-fail" title="[^"]*stalled[^"]*">STALL<\/span>/);
  });
  it('draws the sweeps as load curves, and keeps their points out of the scenarios', () => {
    const capacity = benchResult('epoll', 'keepalive', 40_000);
    const at = (percent: number, p99: number) =>
      benchResult('epoll', `keepalive@${percent}%`, (40_000 * percent) / 100, {
        model: 'open',
        rate: (40_000 * percent) / 100,
        sweep: { kind: 'rate', percent, capacityRps: 40_000 },
        median: { ...capacity.median, rps: (40_000 * percent) / 100, latencyUs: { ...capacity.median.latencyUs, p99 } },
      });
    const html = renderHtml(benchModel([capacity, at(10, 800), at(90, 50_000)]));
    assert.match(html, /<section id="curves">/);
    assert.match(html, /<svg class="chart line-chart" id="chart-sweep-rate"/);
    assert.match(html, />10%<\/text>[\s\S]*>90%<\/text>/);
    assert.match(html, />offered load, % of the target&#39;s closed-model capacity<\/text>/);
    // the throughput chart has one scenario, keepalive: the sweep's points are not scenarios
    assert.doesNotMatch(html, /id="chart-latency-1"/);
  });
  it('says so where the results hold no timeline', () => {
    const html = renderHtml(benchModel([benchResult('epoll', 'keepalive', 60_000)]));
    assert.match(html, /No timeline in these results/);
  });
});

describe('renderHtml: flags', () => {
  it('marks a generator-bound result: hatched bar, GEN flag, explained', () => {
    const html = renderHtml(
      benchModel([
        benchResult('epoll', 'keepalive', 60_000, {
          generatorBound: true,
          warnings: [
            {
              code: 'generator-bound',
              message: 'generator-bound: the load generator used 100% of a core while the server had headroom; the server may be faster than these figures',
            },
          ],
        }),
        benchResult('async', 'keepalive', 50_000),
      ]),
    );
    assert.match(html, /class="bar-group hatched best"/);
    assert.match(html, /<rect class="hatch"/);
    assert.match(html, /<span class="flag flag-gen" title="generator-bound: [^"]*">GEN<\/span>/);
    assert.match(html, /hatched, ⚠: generator-bound<\/li>/);
    assert.match(html, /generator-bound: may be faster/);
  });
  it('marks failures and a single run', () => {
    const single = benchResult('epoll', 'keepalive', 60_000, {
      warnings: [{ code: 'failures', message: 'failures: 3 connection errors, 0 timeouts and 0 non-2xx responses over 1 runs; their rps is not all success' }],
    });
    single.runs = [single.runs[1]!];
    const html = renderHtml(benchModel([single]));
    assert.match(html, />FAIL<\/span>/);
    assert.match(html, />1 RUN<\/span>/);
    assertWellFormed(html);
  });
  it('shares one throughput axis when the scenarios are of one magnitude, and not otherwise', () => {
    const near = renderHtml(benchModel([benchResult('epoll', 'keepalive', 60_000), benchResult('epoll', 'pipeline', 90_000)]));
    assert.doesNotMatch(near, /Each scenario has its own scale/);
    const far = renderHtml(benchModel([benchResult('epoll', 'keepalive', 60_000), benchResult('epoll', 'large', 1_300)]));
    assert.match(far, /Each scenario has its own scale/);
  });
});
