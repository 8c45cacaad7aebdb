// Charts as inline SVG, written by hand so that an HTML report needs no chart library and fetches
// nothing: grouped bars with spread whiskers, and lines on a logarithmic axis. Everything here is a
// pure function (spec in, markup out); the scales and ticks are exported for the tests. Every
// string that comes from data goes through escapeHtml.

/** Escapes text for HTML and SVG, in content and in quoted attributes alike. Characters that HTML
 * does not allow in a document (C0 and C1 controls other than tab, LF and CR; lone surrogates) are
 * written as visible \xNN escapes or U+FFFD, so any string from a report keeps the page valid. */
export function escapeHtml(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** One color per target, in the order the targets are first seen: Tableau 10, readable on white. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#b6992d', '#b07aa1', '#ff9da7', '#9c755f', '#79706e'] as const;

export function colorAt(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

// ---------------------------------------------------------------------------------------------
// Ticks and scales

export interface LinearTicks {
  /** the domain the axis shows: from the first tick to the last */
  min: number;
  max: number;
  step: number;
  ticks: number[];
}

/** The "nice" number (1, 2, 2.5 or 5 times a power of ten) nearest above `x`. */
export function niceStep(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const exponent = Math.floor(Math.log10(x));
  const power = 10 ** exponent;
  const fraction = x / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Ticks for a linear axis that covers [min, max] with about `count` intervals, each a nice step;
 * the ends are multiples of the step. An empty or degenerate range gives [0, 1]. */
export function niceLinearTicks(min: number, max: number, count = 5): LinearTicks {
  let lo = Math.min(min, max);
  let hi = Math.max(min, max);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { min: 0, max: 1, step: 1, ticks: [0, 1] };
  if (hi === lo) {
    if (hi === 0) return { min: 0, max: 1, step: 0.2, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] };
    hi = hi > 0 ? hi : 0;
    lo = lo < 0 ? lo : 0;
  }
  const step = niceStep((hi - lo) / Math.max(1, count));
  const first = Math.floor(lo / step + 1e-9) * step;
  const last = Math.ceil(hi / step - 1e-9) * step;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + (String(step).includes('.') ? 1 : 0));
  const ticks: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const value = Number((first + i * step).toFixed(decimals));
    ticks.push(value === 0 ? 0 : value);
    if (value >= last - step * 1e-9) break;
  }
  return { min: ticks[0]!, max: ticks[ticks.length - 1]!, step, ticks };
}

/** Decade ticks (powers of ten) that cover [min, max], for a logarithmic axis, at least one decade;
 * a minimum at or below zero, which a log axis cannot show, is taken as a tenth of the maximum. */
export function logTicks(min: number, max: number): number[] {
  const hi = max > 0 ? max : 1;
  const lo = min > 0 ? Math.min(min, hi) : hi / 10;
  let from = Math.floor(Math.log10(lo) + 1e-9);
  let to = Math.ceil(Math.log10(hi) - 1e-9);
  if (to <= from) to = from + 1;
  if (!Number.isFinite(from) || !Number.isFinite(to)) [from, to] = [0, 1];
  const ticks: number[] = [];
  for (let e = from; e <= to; e++) ticks.push(Number((10 ** e).toPrecision(1)));
  return ticks;
}

/** A linear map from [d0, d1] onto [r0, r1]. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  const span = d1 - d0 || 1;
  return (x) => r0 + ((x - d0) / span) * (r1 - r0);
}

/** A logarithmic map from [d0, d1] (both > 0) onto [r0, r1]. */
export function logScale(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  const l0 = Math.log10(d0);
  const span = Math.log10(d1) - l0 || 1;
  return (x) => r0 + ((Math.log10(x) - l0) / span) * (r1 - r0);
}

// ---------------------------------------------------------------------------------------------
// Number formats

/** 67975 → "68k", 1337 → "1.34k", 2.5e6 → "2.5M", 7 → "7", 0.25 → "0.25": three significant
 * digits at most, for value labels and axis ticks. */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const sign = n < 0 ? '-' : '';
  const units: Array<[number, string]> = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (abs >= size * 0.9995) return `${sign}${trim((abs / size).toPrecision(3))}${suffix}`;
  }
  if (abs >= 100) return `${sign}${Math.round(abs)}`;
  return `${sign}${trim(abs.toPrecision(abs === 0 ? 1 : 2))}`;
}

function trim(digits: string): string {
  return String(Number(digits));
}

/** A duration in µs as µs, ms or s: 10 → "10 µs", 1000 → "1 ms", 1906 → "1.91 ms", 1e6 → "1 s". */
export function formatMicros(us: number): string {
  if (!Number.isFinite(us)) return String(us);
  if (us < 999.5) return `${trim(us >= 100 ? Math.round(us).toString() : us.toPrecision(us >= 1 ? 3 : 2))} µs`;
  if (us < 999_500) return `${trim((us / 1e3).toPrecision(3))} ms`;
  return `${trim((us / 1e6).toPrecision(3))} s`;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"';
const AXIS = '#5f6b7a';
const GRID = '#e3e7ec';
const INK = '#1f2933';

/** Numbers in SVG coordinates: two decimals at most, so that output is short and deterministic. */
function n(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** A label cut to `max` characters, with an ellipsis. */
function clip(text: string, max: number): string {
  return [...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`;
}

/** The id of a chart, made safe for use in id attributes and url(#...) references. */
function safeId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** A rough width of a label in px, for layout (about 0.6 em per character). */
function textWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * 0.6;
}

/** The diagonal stripes that mark a generator-bound bar, as a pattern in a chart's defs. */
function hatchPattern(id: string): string {
  return `<pattern id="${id}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff" fill-opacity="0"/><line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2.6" stroke-opacity="0.85"/></pattern>`;
}

// ---------------------------------------------------------------------------------------------
// Grouped bars

export interface BarDatum {
  /** null: not measured (drawn as "n/a", no bar) */
  value: number | null;
  /** the whisker: the lowest and highest value over the runs */
  low?: number;
  high?: number;
  /** generator-bound: drawn hatched */
  hatched?: boolean;
  /** the best of its group: its label is bold and starred */
  best?: boolean;
  /** shown on hover (an SVG <title>) */
  tooltip?: string;
}

export interface BarGroup {
  label: string;
  /** one per series, in the series' order */
  bars: BarDatum[];
}

export interface BarChartSpec {
  /** unique in the page: prefixes the ids inside the SVG */
  id: string;
  /** for screen readers and the <title> of the chart */
  title: string;
  series: ReadonlyArray<{ name: string; color: string }>;
  groups: readonly BarGroup[];
  /** the y axis' title, e.g. "requests per second" */
  yLabel: string;
  /** value labels and ticks; formatCompact by default */
  format?: (value: number) => string;
  /** every group on its own y scale (small multiples), when their magnitudes differ too much to
   * share one */
  independentScales?: boolean;
  /** the plot's height in px (default 260) */
  height?: number;
}

/** Where each bar of a chart is drawn, for tests and for the renderer. */
export interface BarLayout {
  group: number;
  series: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** the y of the baseline (value 0) */
  baseline: number;
}

interface Panel {
  groups: number[];
  ticks: LinearTicks;
  x0: number;
  width: number;
}

const BAR = { minPitch: 16, maxPitch: 58, groupGap: 24, yTitle: 26, right: 12, top: 26, width: 1080 };

/** Grouped bars: one group per category (a scenario), one bar per series (a target), with spread
 * whiskers, value labels, a y axis with nice ticks, the series' names under their bars, and hatched
 * bars where a datum says so. */
export function barChart(spec: BarChartSpec): string {
  const format = spec.format ?? formatCompact;
  const id = safeId(spec.id);
  const layout = layoutBars(spec);
  const { width, height, plotTop, plotBottom, panels, bars, nameDepth } = layout;
  const out: string[] = [];
  out.push(
    `<svg class="chart bar-chart" id="${id}" viewBox="0 0 ${n(width)} ${n(height)}" width="${n(width)}" height="${n(height)}" role="img" aria-labelledby="${id}-title" ${FONT} font-size="11" fill="${INK}">`,
  );
  out.push(`<title id="${id}-title">${escapeHtml(spec.title)}</title>`);
  out.push(`<defs>${hatchPattern(`${id}-hatch`)}</defs>`);
  for (const panel of panels) {
    const y = linearScale(panel.ticks.min, panel.ticks.max, plotBottom, plotTop);
    const axisX = panel.x0;
    out.push('<g class="axis y-axis">');
    for (const t of panel.ticks.ticks) {
      out.push(`<line x1="${n(axisX)}" x2="${n(axisX + panel.width)}" y1="${n(y(t))}" y2="${n(y(t))}" stroke="${t === 0 ? AXIS : GRID}" stroke-width="1"/>`);
      out.push(`<text class="tick-label" x="${n(axisX - 6)}" y="${n(y(t) + 4)}" text-anchor="end" fill="${AXIS}">${escapeHtml(format(t))}</text>`);
    }
    out.push(`<line x1="${n(axisX)}" x2="${n(axisX)}" y1="${n(plotTop)}" y2="${n(plotBottom)}" stroke="${AXIS}"/>`);
    out.push('</g>');
  }
  // The y axis' title, once, at the far left.
  const midY = (plotTop + plotBottom) / 2;
  out.push(
    `<text class="axis-label y-label" transform="translate(13 ${n(midY)}) rotate(-90)" text-anchor="middle" fill="${AXIS}" font-size="12">${escapeHtml(spec.yLabel)}</text>`,
  );

  for (const bar of bars) {
    const datum = spec.groups[bar.group]!.bars[bar.series];
    const series = spec.series[bar.series]!;
    const groupLabel = spec.groups[bar.group]!.label;
    const cx = bar.x + bar.width / 2;
    const panel = panels.find((p) => p.groups.includes(bar.group))!;
    const y = linearScale(panel.ticks.min, panel.ticks.max, plotBottom, plotTop);
    const attrs = `data-series="${escapeHtml(series.name)}" data-group="${escapeHtml(groupLabel)}"`;
    if (datum === undefined || datum.value === null) {
      out.push(
        `<text class="na" x="${n(cx)}" y="${n(bar.baseline - 4)}" text-anchor="middle" fill="${AXIS}" font-size="9" ${attrs}>n/a<title>${escapeHtml(datum?.tooltip ?? `${series.name}: not measured`)}</title></text>`,
      );
    } else {
      const tooltip = datum.tooltip ?? `${series.name}, ${groupLabel}: ${format(datum.value)}`;
      out.push(`<g class="bar-group${datum.hatched ? ' hatched' : ''}${datum.best ? ' best' : ''}" ${attrs}>`);
      out.push(`<title>${escapeHtml(tooltip)}</title>`);
      out.push(
        `<rect class="bar" x="${n(bar.x)}" y="${n(bar.y)}" width="${n(bar.width)}" height="${n(bar.height)}" fill="${series.color}" data-value="${datum.value}"/>`,
      );
      if (datum.hatched && bar.height > 0) {
        out.push(
          `<rect class="hatch" x="${n(bar.x)}" y="${n(bar.y)}" width="${n(bar.width)}" height="${n(bar.height)}" fill="url(#${id}-hatch)" stroke="${INK}" stroke-width="1" stroke-dasharray="3 2"/>`,
        );
      }
      let labelY = bar.y;
      if (datum.low !== undefined && datum.high !== undefined && datum.high > datum.low) {
        const y1 = y(datum.low);
        const y2 = y(datum.high);
        const cap = Math.min(6, bar.width / 2);
        out.push(
          `<path class="whisker" d="M${n(cx)} ${n(y1)}V${n(y2)}M${n(cx - cap)} ${n(y1)}H${n(cx + cap)}M${n(cx - cap)} ${n(y2)}H${n(cx + cap)}" stroke="${INK}" stroke-width="1.2" fill="none"/>`,
        );
        labelY = Math.min(labelY, y2);
      }
      const label = valueLabel(datum, format);
      const weight = datum.best ? ' font-weight="700"' : '';
      if (layout.rotateLabels) {
        out.push(
          `<text class="value-label" transform="translate(${n(cx + 3.5)} ${n(labelY - 4)}) rotate(-90)" font-size="10"${weight}>${escapeHtml(label)}</text>`,
        );
      } else {
        out.push(`<text class="value-label" x="${n(cx)}" y="${n(labelY - 4)}" text-anchor="middle" font-size="10"${weight}>${escapeHtml(label)}</text>`);
      }
      out.push('</g>');
    }
    // The series' name under its bar, slanted.
    out.push(
      `<text class="series-label" transform="translate(${n(cx + 3)} ${n(plotBottom + 8)}) rotate(-40)" text-anchor="end" font-size="10" fill="${AXIS}">${escapeHtml(clip(series.name, 14))}</text>`,
    );
  }
  // Group labels under the names.
  spec.groups.forEach((group, g) => {
    const own = bars.filter((b) => b.group === g);
    if (own.length === 0) return;
    const from = own[0]!.x;
    const to = own[own.length - 1]!.x + own[own.length - 1]!.width;
    const yLabel = plotBottom + nameDepth + 18;
    out.push(`<path d="M${n(from)} ${n(yLabel - 13)}V${n(yLabel - 9)}H${n(to)}V${n(yLabel - 13)}" stroke="${AXIS}" fill="none"/>`);
    out.push(
      `<text class="axis-label group-label" x="${n((from + to) / 2)}" y="${n(yLabel + 4)}" text-anchor="middle" font-size="12" font-weight="600">${escapeHtml(group.label)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('');
}

function valueLabel(datum: BarDatum, format: (value: number) => string): string {
  return `${datum.best ? '★ ' : ''}${format(datum.value ?? 0)}${datum.hatched ? ' ⚠' : ''}`;
}

/** The geometry of barChart: exported so that tests can check heights against values. */
export function layoutBars(spec: BarChartSpec): {
  width: number;
  height: number;
  plotTop: number;
  plotBottom: number;
  panels: Panel[];
  bars: BarLayout[];
  nameDepth: number;
  rotateLabels: boolean;
} {
  const format = spec.format ?? formatCompact;
  const seriesCount = Math.max(1, spec.series.length);
  const plotHeight = spec.height ?? 260;
  const groupsPerPanel: number[][] = spec.independentScales ? spec.groups.map((_, g) => [g]) : [spec.groups.map((_, g) => g)];
  // Each panel's scale first: the width of its tick labels sets the room its axis needs.
  const scales = groupsPerPanel.map((groups) => {
    const values = groups.flatMap((g) => spec.groups[g]!.bars.flatMap((b) => (b.value === null ? [] : [b.value, b.high ?? b.value])));
    const ticks = niceLinearTicks(0, Math.max(0, ...values), 5);
    const axis = Math.max(...ticks.ticks.map((t) => textWidth(format(t), 11))) + 10;
    return { groups, ticks, axis };
  });
  const allBars = spec.groups.length * seriesCount;
  const fixed = BAR.yTitle + scales.reduce((sum, p) => sum + p.axis + 8, 0) + spec.groups.length * BAR.groupGap + BAR.right;
  const pitch = Math.max(BAR.minPitch, Math.min(BAR.maxPitch, Math.floor((BAR.width - fixed) / Math.max(1, allBars))));
  const barWidth = Math.round(pitch * (pitch > 40 ? 0.72 : 0.8));
  const longest = Math.max(0, ...spec.groups.flatMap((g) => g.bars.map((b) => (b.value === null ? 0 : textWidth(valueLabel(b, format), 10)))));
  const rotateLabels = longest > pitch - 2;
  const plotTop = BAR.top + (rotateLabels ? Math.max(0, longest - 14) : 0);
  const plotBottom = plotTop + plotHeight;
  const names = spec.series.map((s) => clip(s.name, 14));
  const nameDepth = Math.max(...names.map((s) => textWidth(s, 10)), 10) * Math.sin((40 * Math.PI) / 180) + 10;

  const panels: Panel[] = [];
  const bars: BarLayout[] = [];
  let x = BAR.yTitle;
  for (const { groups, ticks, axis } of scales) {
    x += axis;
    const x0 = x;
    x += BAR.groupGap / 2;
    const y = linearScale(ticks.min, ticks.max, plotBottom, plotTop);
    groups.forEach((g, i) => {
      if (i > 0) x += BAR.groupGap;
      for (let s = 0; s < seriesCount; s++) {
        const value = spec.groups[g]!.bars[s]?.value ?? null;
        const top = value === null ? plotBottom : y(Math.max(0, value));
        bars.push({
          group: g,
          series: s,
          x: x + (pitch - barWidth) / 2,
          y: Math.min(top, plotBottom),
          width: barWidth,
          height: Math.max(0, plotBottom - top),
          baseline: plotBottom,
        });
        x += pitch;
      }
    });
    x += BAR.groupGap / 2;
    panels.push({ groups, ticks, x0, width: x - x0 });
    x += 8;
  }
  const width = Math.max(x + BAR.right, 320);
  const height = plotBottom + nameDepth + 30;
  return { width, height, plotTop, plotBottom, panels, bars, nameDepth, rotateLabels };
}

// ---------------------------------------------------------------------------------------------
// Lines on a logarithmic axis

export interface LineSeries {
  name: string;
  color: string;
  /** one per category; null (or ≤ 0, which a log axis cannot show) leaves a gap */
  values: ReadonlyArray<number | null>;
}

export interface LogLineChartSpec {
  id: string;
  title: string;
  /** the x axis' categories, e.g. p50, p90, p99, p99.9 */
  categories: readonly string[];
  series: readonly LineSeries[];
  /** the y axis' title */
  yLabel: string;
  /** the x axis' title (default "percentile") */
  xLabel?: string;
  /** the y domain, so that small multiples share one; by default the data's decades */
  domain?: [number, number];
  /** a formatter of y values (ticks and tooltips); formatMicros by default */
  format?: (value: number) => string;
  width?: number;
  height?: number;
}

/** A line per series over categorical x and logarithmic y, with decade ticks and faint 2× and 5×
 * grid lines; points carry their value in a tooltip. */
export function logLineChart(spec: LogLineChartSpec): string {
  const id = safeId(spec.id);
  const format = spec.format ?? formatMicros;
  const width = spec.width ?? 420;
  const height = spec.height ?? 270;
  const margin = { left: 64, right: 14, top: 30, bottom: 38 };
  const positive = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null && v > 0));
  const [dMin, dMax] = spec.domain ?? [Math.min(...positive, 10), Math.max(...positive, 100)];
  const ticks = logTicks(dMin, dMax);
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const y = logScale(lo, hi, height - margin.bottom, margin.top);
  const step = (width - margin.left - margin.right) / Math.max(1, spec.categories.length);
  const x = (i: number): number => margin.left + step * (i + 0.5);
  const out: string[] = [];
  out.push(
    `<svg class="chart line-chart" id="${id}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title" ${FONT} font-size="11" fill="${INK}">`,
  );
  out.push(`<title id="${id}-title">${escapeHtml(spec.title)}</title>`);
  out.push(`<text class="chart-title" x="${margin.left}" y="16" font-size="13" font-weight="600">${escapeHtml(spec.title)}</text>`);
  out.push('<g class="axis y-axis">');
  for (let d = 0; d < ticks.length; d++) {
    const t = ticks[d]!;
    if (d < ticks.length - 1) {
      for (const m of [2, 5]) {
        const minor = t * m;
        out.push(
          `<line class="minor" x1="${margin.left}" x2="${width - margin.right}" y1="${n(y(minor))}" y2="${n(y(minor))}" stroke="${GRID}" stroke-dasharray="2 3"/>`,
        );
      }
    }
    out.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${n(y(t))}" y2="${n(y(t))}" stroke="${GRID}"/>`);
    out.push(`<text class="tick-label" x="${margin.left - 6}" y="${n(y(t) + 4)}" text-anchor="end" fill="${AXIS}">${escapeHtml(format(t))}</text>`);
  }
  out.push(`<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${height - margin.bottom}" stroke="${AXIS}"/>`);
  out.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${height - margin.bottom}" y2="${height - margin.bottom}" stroke="${AXIS}"/>`);
  out.push('</g>');
  out.push('<g class="axis x-axis">');
  spec.categories.forEach((c, i) => {
    out.push(`<text class="tick-label" x="${n(x(i))}" y="${height - margin.bottom + 16}" text-anchor="middle" fill="${AXIS}">${escapeHtml(c)}</text>`);
  });
  out.push('</g>');
  out.push(
    `<text class="axis-label y-label" transform="translate(14 ${n((margin.top + height - margin.bottom) / 2)}) rotate(-90)" text-anchor="middle" fill="${AXIS}" font-size="11">${escapeHtml(spec.yLabel)}</text>`,
  );
  out.push(
    `<text class="axis-label x-label" x="${n((margin.left + width - margin.right) / 2)}" y="${height - 4}" text-anchor="middle" fill="${AXIS}" font-size="11">${escapeHtml(spec.xLabel ?? 'percentile')}</text>`,
  );

  for (const s of spec.series) {
    const points = s.values.map((v, i) => (v !== null && v > 0 ? { i, v, px: x(i), py: y(Math.min(Math.max(v, lo), hi)) } : null));
    // A line through consecutive known points; a gap where one is missing.
    let d = '';
    let pen = false;
    for (const p of points) {
      if (p === null) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${n(p.px)} ${n(p.py)}`;
      pen = true;
    }
    out.push(`<g class="series" data-series="${escapeHtml(s.name)}">`);
    if (d !== '') out.push(`<path class="line" d="${d}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"/>`);
    for (const p of points) {
      if (p === null) continue;
      out.push(
        `<circle class="point" cx="${n(p.px)}" cy="${n(p.py)}" r="3.2" fill="${s.color}" stroke="#ffffff" stroke-width="1"><title>${escapeHtml(`${s.name} ${spec.categories[p.i] ?? ''}: ${format(p.v)}`)}</title></circle>`,
      );
    }
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('');
}

export interface TimelineChartSpec {
  id: string;
  title: string;
  /** responses per slice, one per `sliceMs`, from the run's start */
  counts: readonly number[];
  sliceMs: number;
  /** stretches to mark: no response while requests were outstanding */
  gaps: ReadonlyArray<{ startMs: number; lengthMs: number }>;
  color: string;
  width?: number;
  height?: number;
}

/** Throughput over one run: responses per second, slice by slice, on a linear axis from zero, with
 * each stall shaded and labelled with its length. */
export function timelineChart(spec: TimelineChartSpec): string {
  const id = safeId(spec.id);
  const width = spec.width ?? 420;
  const height = spec.height ?? 180;
  const margin = { left: 64, right: 14, top: 30, bottom: 34 };
  const perSecond = spec.counts.map((c) => (c * 1000) / spec.sliceMs);
  const durationMs = Math.max(spec.sliceMs, spec.counts.length * spec.sliceMs);
  const ticks = niceLinearTicks(0, Math.max(1, ...perSecond));
  const top = ticks.ticks[ticks.ticks.length - 1]!;
  const x = linearScale(0, durationMs, margin.left, width - margin.right);
  const y = linearScale(0, top, height - margin.bottom, margin.top);
  const out: string[] = [
    `<svg class="chart timeline-chart" id="${id}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title" ${FONT} font-size="11" fill="${INK}">`,
    `<title id="${id}-title">${escapeHtml(spec.title)}</title>`,
    `<text class="chart-title" x="${margin.left}" y="16" font-size="13" font-weight="600">${escapeHtml(spec.title)}</text>`,
  ];
  for (const g of spec.gaps) {
    const x0 = x(g.startMs);
    const x1 = x(Math.min(durationMs, g.startMs + g.lengthMs));
    out.push(
      `<rect class="stall" x="${n(x0)}" y="${margin.top}" width="${n(Math.max(1, x1 - x0))}" height="${n(height - margin.bottom - margin.top)}" fill="#e15759" fill-opacity="0.18"><title>no response for ${g.lengthMs} ms from ${(g.startMs / 1000).toFixed(1)} s</title></rect>`,
      `<text class="stall-label" x="${n((x0 + x1) / 2)}" y="${margin.top + 12}" text-anchor="middle" fill="#b3261e" font-size="10">stall ${escapeHtml(formatMicros(g.lengthMs * 1000))}</text>`,
    );
  }
  out.push('<g class="axis y-axis">');
  for (const t of ticks.ticks) {
    out.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${n(y(t))}" y2="${n(y(t))}" stroke="${GRID}"/>`);
    out.push(`<text class="tick-label" x="${margin.left - 6}" y="${n(y(t) + 4)}" text-anchor="end" fill="${AXIS}">${escapeHtml(formatCompact(t))}</text>`);
  }
  out.push(`<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${height - margin.bottom}" stroke="${AXIS}"/>`);
  out.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${height - margin.bottom}" y2="${height - margin.bottom}" stroke="${AXIS}"/>`);
  out.push('</g><g class="axis x-axis">');
  for (const t of niceLinearTicks(0, durationMs / 1000).ticks) {
    if (t * 1000 > durationMs) continue;
    out.push(
      `<text class="tick-label" x="${n(x(t * 1000))}" y="${height - margin.bottom + 14}" text-anchor="middle" fill="${AXIS}">${escapeHtml(`${formatCompact(t)} s`)}</text>`,
    );
  }
  out.push('</g>');
  out.push(
    `<text class="axis-label y-label" transform="translate(14 ${n((margin.top + height - margin.bottom) / 2)}) rotate(-90)" text-anchor="middle" fill="${AXIS}" font-size="11">responses/s</text>`,
  );
  const d = perSecond.map((v, i) => `${i === 0 ? 'M' : 'L'}${n(x((i + 0.5) * spec.sliceMs))} ${n(y(v))}`).join('');
  if (d !== '') out.push(`<path class="series" d="${d}" fill="none" stroke="${spec.color}" stroke-width="1.6"/>`);
  out.push('</svg>');
  return out.join('');
}
