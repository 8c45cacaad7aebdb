// The hand-written SVG charts: escaping, nice linear ticks, decade ticks, number formats, bar
// geometry (height proportional to value), whiskers and hatching, and the log-scale line chart.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  barChart,
  escapeHtml,
  formatCompact,
  formatMicros,
  layoutBars,
  logLineChart,
  logScale,
  logTicks,
  niceLinearTicks,
  niceStep,
  PALETTE,
  type BarChartSpec,
} from './svg-charts.js';

const HOSTILE = `<img src=x onerror="alert('x')">&amp;`;

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
  it('leaves nothing of a hostile string that HTML would parse as markup', () => {
    const out = escapeHtml(HOSTILE);
    assert.doesNotMatch(out, /[<>"']/);
    assert.equal(out, '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;amp;');
  });
  it('writes control characters as visible escapes and lone surrogates as U+FFFD, keeping tab, LF, CR and pairs', () => {
    assert.equal(escapeHtml('a\u0000b\u001bc\u007f\td\r\ne'), 'a\\x00b\\x1bc\\x7f\td\r\ne');
    assert.equal(escapeHtml('x\ud800y\udc00z'), 'x\ufffdy\ufffdz');
    assert.equal(escapeHtml('😀 µs ≠'), '😀 µs ≠');
  });
});

describe('nice linear ticks', () => {
  it('steps are 1, 2, 2.5 or 5 times a power of ten', () => {
    assert.equal(niceStep(13_000), 20_000);
    assert.equal(niceStep(1_000), 1_000);
    assert.equal(niceStep(2.2), 2.5);
    assert.equal(niceStep(0.031), 0.05);
    assert.equal(niceStep(7), 10);
    assert.equal(niceStep(0), 1);
  });
  it('covers the range from zero with about five nice intervals', () => {
    assert.deepEqual(niceLinearTicks(0, 67_975), { min: 0, max: 80_000, step: 20_000, ticks: [0, 20_000, 40_000, 60_000, 80_000] });
    assert.deepEqual(niceLinearTicks(0, 4_594).ticks, [0, 1_000, 2_000, 3_000, 4_000, 5_000]);
    assert.deepEqual(niceLinearTicks(0, 183).ticks, [0, 50, 100, 150, 200]);
    assert.deepEqual(niceLinearTicks(0, 100).ticks, [0, 20, 40, 60, 80, 100]);
  });
  it('gives exact decimal ticks, without floating-point noise', () => {
    assert.deepEqual(niceLinearTicks(0, 0.7).ticks, [0, 0.2, 0.4, 0.6, 0.8]);
    assert.deepEqual(niceLinearTicks(0, 11).ticks, [0, 2.5, 5, 7.5, 10, 12.5]);
  });
  it('handles an empty range, negative values and non-finite input', () => {
    assert.deepEqual(niceLinearTicks(0, 0).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceLinearTicks(5, 5).ticks, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(niceLinearTicks(-30, 30).ticks, [-40, -20, 0, 20, 40]);
    assert.deepEqual(niceLinearTicks(0, Infinity).ticks, [0, 1]);
  });
  it('every tick is a multiple of the step and the range contains the data', () => {
    for (const max of [1, 3, 9.9, 47, 123, 999, 1_001, 52_319, 529_387, 1_632_000_000]) {
      const t = niceLinearTicks(0, max);
      assert.ok(t.max >= max, `max ${max}: ${t.max}`);
      assert.ok(t.ticks.length >= 3 && t.ticks.length <= 11, `max ${max}: ${t.ticks.length} ticks`);
      for (const tick of t.ticks) assert.ok(Math.abs(tick / t.step - Math.round(tick / t.step)) < 1e-9, `${tick} is not a multiple of ${t.step}`);
    }
  });
});

describe('log ticks', () => {
  it('are the decades that cover the data', () => {
    assert.deepEqual(logTicks(97, 529_387), [10, 100, 1_000, 10_000, 100_000, 1_000_000]);
    assert.deepEqual(logTicks(100, 1_000), [100, 1_000]);
    assert.deepEqual(logTicks(150, 999), [100, 1_000]);
  });
  it('span at least one decade, and take a minimum at or below zero as a tenth of the maximum', () => {
    assert.deepEqual(logTicks(100, 100), [100, 1_000]);
    assert.deepEqual(logTicks(0, 50), [1, 10, 100]);
    assert.deepEqual(logTicks(0, 0), [0.1, 1]);
  });
  it('a log scale spaces every decade equally', () => {
    const y = logScale(10, 1e6, 500, 0);
    assert.equal(y(10), 500);
    assert.equal(y(1e6), 0);
    const gaps = [10, 100, 1e3, 1e4, 1e5].map((v) => y(v) - y(v * 10));
    for (const g of gaps) assert.ok(Math.abs(g - 100) < 1e-9, `decade gap ${g}`);
  });
});

describe('number formats', () => {
  it('µs, ms and s for latency ticks and values', () => {
    assert.deepEqual([10, 100, 1e3, 1e4, 1e5, 1e6].map(formatMicros), ['10 µs', '100 µs', '1 ms', '10 ms', '100 ms', '1 s']);
    assert.equal(formatMicros(202), '202 µs');
    assert.equal(formatMicros(1906), '1.91 ms');
    assert.equal(formatMicros(999.7), '1 ms');
    assert.equal(formatMicros(529_387), '529 ms');
    assert.equal(formatMicros(12.9), '12.9 µs');
  });
  it('compact counts with three significant digits', () => {
    assert.deepEqual([0, 7, 110, 853, 1_337, 47_430, 67_975, 2_500_000].map(formatCompact), ['0', '7', '110', '853', '1.34k', '47.4k', '68k', '2.5M']);
    assert.equal(formatCompact(20_000), '20k');
  });
});

function spec(overrides: Partial<BarChartSpec> = {}): BarChartSpec {
  return {
    id: 'test',
    title: 'rps',
    series: [
      { name: 'epoll', color: PALETTE[0] },
      { name: 'async', color: PALETTE[1] },
      { name: 'process', color: PALETTE[2] },
    ],
    groups: [
      { label: 'keepalive', bars: [{ value: 40_000 }, { value: 20_000 }, { value: 0 }] },
      { label: 'close', bars: [{ value: 10_000 }, { value: 5_000 }, { value: null }] },
    ],
    yLabel: 'requests per second',
    ...overrides,
  };
}

/** The attributes of every element with the given class, in document order. */
function elements(svg: string, cls: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  for (const m of svg.matchAll(new RegExp(`<(\\w+) class="${cls}"([^>]*)>`, 'g'))) {
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/([\w-]+)="([^"]*)"/g)) attrs[a[1]!] = a[2]!;
    out.push(attrs);
  }
  return out;
}

describe('barChart', () => {
  it("a bar's height is proportional to its value, from the zero baseline", () => {
    const layout = layoutBars(spec());
    const measured = layout.bars.filter((b) => spec().groups[b.group]!.bars[b.series]!.value !== null);
    const perUnit = measured.map((b) => b.height / spec().groups[b.group]!.bars[b.series]!.value!).filter((r) => Number.isFinite(r) && r > 0);
    assert.equal(perUnit.length, 4);
    for (const r of perUnit) assert.ok(Math.abs(r - perUnit[0]!) < 1e-9, `height per unit ${r} against ${perUnit[0]}`);
    const zero = layout.bars.find((b) => b.group === 0 && b.series === 2)!;
    assert.equal(zero.height, 0);
    for (const b of layout.bars) assert.equal(b.y + b.height, layout.plotBottom);
    // The tallest bar reaches the top tick: 40k on an axis to 40k fills the plot.
    const tallest = layout.bars.find((b) => b.group === 0 && b.series === 0)!;
    assert.equal(tallest.height, layout.plotBottom - layout.plotTop);
  });
  it('draws the heights it laid out, one rect.bar per measured datum, "n/a" for none', () => {
    const svg = barChart(spec());
    const rects = elements(svg, 'bar');
    assert.equal(rects.length, 5);
    const layout = layoutBars(spec());
    const byValue = new Map(rects.map((r) => [r['data-value'], Number(r['height'])]));
    assert.ok(Math.abs(byValue.get('40000')! - 2 * byValue.get('20000')!) < 0.02);
    assert.ok(Math.abs(byValue.get('10000')! - 2 * byValue.get('5000')!) < 0.02);
    assert.equal(byValue.get('0'), 0);
    assert.match(svg, /class="na"[^>]*>n\/a/);
    assert.ok(layout.bars.length === 6);
  });
  it('has an axis with nice ticks, a y title, the group labels and the series names', () => {
    const svg = barChart(spec());
    const ticks = [...svg.matchAll(/class="tick-label"[^>]*>([^<]*)</g)].map((m) => m[1]);
    assert.deepEqual(ticks, ['0', '10k', '20k', '30k', '40k']);
    assert.match(svg, /class="axis-label y-label"[^>]*>requests per second</);
    assert.match(svg, /class="axis-label group-label"[^>]*>keepalive</);
    assert.match(svg, /class="axis-label group-label"[^>]*>close</);
    assert.equal([...svg.matchAll(/class="series-label"/g)].length, 6);
  });
  it('draws whiskers from low to high, and marks the best bar with a star', () => {
    const svg = barChart(
      spec({ groups: [{ label: 'keepalive', bars: [{ value: 30_000, low: 20_000, high: 40_000, best: true }, { value: 10_000 }, { value: 5_000 }] }] }),
    );
    const whiskers = elements(svg, 'whisker');
    assert.equal(whiskers.length, 1);
    const layout = layoutBars(
      spec({ groups: [{ label: 'keepalive', bars: [{ value: 30_000, low: 20_000, high: 40_000 }, { value: 10_000 }, { value: 5_000 }] }] }),
    );
    const [top, bottom] = [layout.plotTop, layout.plotBottom];
    const ys = [...whiskers[0]!['d']!.matchAll(/[MV]-?[\d.]+ (-?[\d.]+)|V(-?[\d.]+)/g)].map((m) => Number(m[1] ?? m[2]));
    // From 20k (half way up an axis to 40k) to 40k (the top).
    assert.ok(
      ys.some((y) => Math.abs(y - (top + bottom) / 2) < 0.02),
      `whisker ys ${ys.join(', ')}`,
    );
    assert.ok(
      ys.some((y) => Math.abs(y - top) < 0.02),
      `whisker ys ${ys.join(', ')}`,
    );
    assert.match(svg, /★ 30k/);
  });
  it('hatches generator-bound bars with a pattern defined in the chart itself', () => {
    const svg = barChart(
      spec({ id: 'rps chart', groups: [{ label: 'keepalive', bars: [{ value: 30_000, hatched: true }, { value: 10_000 }, { value: 5_000 }] }] }),
    );
    assert.equal(elements(svg, 'hatch').length, 1);
    assert.match(svg, /<pattern id="rps_chart-hatch"/);
    assert.match(svg, /fill="url\(#rps_chart-hatch\)"/);
    assert.match(svg, /30k ⚠/);
  });
  it('gives each group its own axis when asked (small multiples)', () => {
    const s = spec({ independentScales: true });
    const layout = layoutBars(s);
    assert.equal(layout.panels.length, 2);
    assert.deepEqual(
      layout.panels.map((p) => p.ticks.max),
      [40_000, 10_000],
    );
    // Both groups' largest bars fill their own plot.
    const first = layout.bars.find((b) => b.group === 0 && b.series === 0)!;
    const second = layout.bars.find((b) => b.group === 1 && b.series === 0)!;
    assert.equal(first.height, second.height);
  });
  it('escapes series names, group labels and tooltips', () => {
    const svg = barChart(
      spec({
        series: [{ name: HOSTILE, color: PALETTE[0] }],
        groups: [{ label: HOSTILE, bars: [{ value: 1, tooltip: HOSTILE }] }],
        yLabel: HOSTILE,
        title: HOSTILE,
      }),
    );
    assert.ok(!svg.includes('<img'), 'a raw tag from the data');
    assert.ok(!svg.includes(`"alert`), 'a raw quote from the data');
    assert.match(svg, /&lt;img src=x/);
  });
});

describe('logLineChart', () => {
  const chart = (): string =>
    logLineChart({
      id: 'lat',
      title: 'keepalive',
      categories: ['p50', 'p90', 'p99', 'p99.9'],
      series: [
        { name: 'epoll', color: PALETTE[0], values: [100, 1_000, 10_000, 100_000] },
        { name: 'thread', color: PALETTE[1], values: [500, null, 0, 400_000] },
      ],
      yLabel: 'latency',
      domain: [10, 1e6],
    });
  it('labels decade ticks from 10 µs to 1 s, and both axes', () => {
    const svg = chart();
    const ticks = [...svg.matchAll(/class="tick-label"[^>]*>([^<]*)</g)].map((m) => m[1]);
    assert.deepEqual(ticks, ['10 µs', '100 µs', '1 ms', '10 ms', '100 ms', '1 s', 'p50', 'p90', 'p99', 'p99.9']);
    assert.match(svg, /class="axis-label y-label"[^>]*>latency</);
    assert.match(svg, /class="axis-label x-label"[^>]*>percentile</);
  });
  it('places points on a log scale: each decade the same height', () => {
    const svg = chart();
    const cys = elements(svg, 'point').map((p) => Number(p['cy']));
    assert.equal(cys.length, 6, 'four of epoll, two of thread: null and 0 are not drawn');
    const [a, b, c, d] = cys;
    assert.ok(Math.abs(a! - b! - (b! - c!)) < 0.02 && Math.abs(b! - c! - (c! - d!)) < 0.02, cys.join(', '));
  });
  it('breaks a line where a value is missing', () => {
    const svg = chart();
    const paths = elements(svg, 'line').map((p) => p['d']!);
    assert.equal(paths.length, 2);
    assert.equal((paths[1]!.match(/M/g) ?? []).length, 2, 'thread: two pieces');
  });
});
