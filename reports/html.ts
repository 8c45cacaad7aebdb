// The lab's results as ONE self-contained HTML page: inline CSS, charts as inline SVG drawn by
// reports/svg-charts.ts, and a few lines of inline script that open a failure's details on click.
// Nothing is fetched (no CDN, font, image or stylesheet), so the file can be mailed, archived as a
// CI artifact or opened offline. Pure and deterministic: (results) => string; the date shown is the
// model's. Every string from the data is escaped.
import { engineLimits, engineName } from './engine.js';
import type { CheckResult, ConformanceReport, Outcome } from '../conformance/types.js';
import type { BenchResult, WarningCode } from '../loadtest/types.js';
import { causeRows } from './conformance-causes.js';
import { buildMatrix, type MatrixRow } from './conformance-matrix.js';
import { scenariosOf, targetsOf, type LabResults } from './model.js';
import {
  barChart,
  colorAt,
  escapeHtml as esc,
  formatCompact,
  formatMicros,
  logLineChart,
  PALETTE,
  timelineChart,
  type BarDatum,
  type BarGroup,
} from './svg-charts.js';

/** Groups on one axis whose largest values differ by more than this get an axis each. */
const SHARED_SCALE_RATIO = 4;

const OUTCOME_LABEL: Record<Outcome, string> = { pass: 'pass', fail: 'FAIL', warn: 'warn', skip: 'skip', error: 'error' };

interface Page {
  results: LabResults;
  targets: string[];
  scenarios: string[];
  color: (target: string) => string;
  /** the CSS class that gives a target its color (swatches, matrix headers): no inline style */
  colorClass: (target: string) => string;
  bench: BenchResult[];
  result: (target: string, scenario: string) => BenchResult | undefined;
  /** the highest median rps of each scenario (above 0) */
  bestRps: Map<string, number>;
}

export function renderHtml(results: LabResults): string {
  const targets = targetsOf(results);
  const scenarios = scenariosOf(results);
  // A sweep's points are drawn as curves (Load curves), not as scenarios of their own.
  const bench = (results.bench?.results ?? []).filter((r) => r.sweep === undefined);
  const sweeps = (results.bench?.results ?? []).filter((r) => r.sweep !== undefined);
  // A fixed palette, by the order the targets are first seen.
  const slots = new Map(targets.map((t, i) => [t, i]));
  const bestRps = new Map<string, number>();
  for (const s of scenarios) {
    const best = Math.max(0, ...bench.filter((r) => r.scenario === s).map((r) => r.median.rps));
    if (best > 0) bestRps.set(s, best);
  }
  const page: Page = {
    results,
    targets,
    scenarios,
    color: (t) => colorAt(slots.get(t) ?? 0),
    colorClass: (t) => `tc${(slots.get(t) ?? 0) % PALETTE.length}`,
    bench,
    result: (t, s) => bench.find((r) => r.target === t && r.scenario === s),
    bestRps,
  };
  const hasBench = results.bench !== undefined && bench.length + results.bench.refused.length > 0;
  // Only refusals: the warnings list them, and there is nothing to chart.
  const measured = bench.length > 0;
  const hasConformance = results.conformance.length > 0;
  const sections = [
    glance(page, hasBench, hasConformance),
    summary(page, hasBench, hasConformance),
    measured
      ? throughput(page)
      : omitted(
          'throughput',
          'Load: throughput, latency, CPU and memory',
          hasBench
            ? 'Nothing was measured: every target failed the check before load (see <a href="#warnings">Warnings</a>).'
            : 'No bench results in this report: run <code>http-lab bench</code> and pass its JSON to the report.',
        ),
    measured ? latency(page) : '',
    measured ? resources(page) : '',
    measured ? overTime(page) : '',
    sweeps.length > 0 ? curves(page, sweeps) : '',
    hasConformance
      ? conformance(page)
      : omitted('conformance', 'Conformance', 'No conformance results in this report: run <code>http-lab conform</code> and pass its JSON to the report.'),
    hasBench ? warnings(page) : '',
  ];
  const title = `http-lab results, ${shortDate(results.createdAt)}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="http-lab ${esc(results.version)}">`,
    `<title>${esc(title)}</title>`,
    `<style>${CSS}${PALETTE.map((c, i) => `.tc${i}.swatch{background:${c}}.tc${i}.target-col{border-top-color:${c}}`).join('')}</style>`,
    '</head>',
    '<body>',
    '<main>',
    header(page, hasBench, measured, hasConformance),
    ...sections.filter((s) => s !== ''),
    `<footer>Written by http-lab ${esc(results.version || '(version unknown)')} from a ${esc(results.schema)} model. This page is self-contained: it loads nothing from the network.</footer>`,
    '</main>',
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Header and the summary at a glance

function header(page: Page, hasBench: boolean, measured: boolean, hasConformance: boolean): string {
  // Every link is to a section of this page, present or omitted with a note.
  const { results } = page;
  const m = results.machine;
  const rows: Array<[string, string]> = [
    ['http-lab', esc(results.version || 'unknown')],
    ['date', `<time datetime="${esc(results.createdAt)}">${esc(shortDate(results.createdAt))}</time>`],
    [
      'machine',
      m.cpus > 0
        ? esc(
            `${m.cpus} CPU${m.cpus === 1 ? '' : 's'} × ${m.cpuModel}; Node ${m.node}; ${m.platform === 'linux' || m.platform === '' ? 'Linux' : m.platform} ${m.kernel}`,
          )
        : 'unknown (no bench results: conformance does not record it)',
    ],
  ];
  const gen = results.bench?.generator;
  if (gen) rows.push(['load generator', esc(`${engineName(gen)}, response timeout ${gen.responseTimeoutS} s`)]);
  if (gen) for (const limit of engineLimits(gen)) rows.push(['its limits', esc(limit)]);
  const first = page.bench[0];
  if (first) {
    const runs = first.runs.length;
    rows.push([
      'method',
      esc(
        `median of ${runs} run${runs === 1 ? '' : 's'} of ${first.durationS} s each, after a ${first.warmupS} s warm-up, targets interleaved; latency in µs from request written to response read`,
      ),
    ]);
  }
  const nav = [
    ['glance', 'At a glance'],
    ['summary', 'Summary'],
    ...(measured
      ? [
          ['throughput', 'Throughput'],
          ['latency', 'Latency'],
          ['resources', 'CPU and memory'],
          ['over-time', 'Over time'],
          ...((page.results.bench?.results ?? []).some((r) => r.sweep !== undefined) ? [['curves', 'Load curves']] : []),
        ]
      : [['throughput', 'Load']]),
    ['conformance', 'Conformance'],
    ...(hasBench ? [['warnings', 'Warnings']] : []),
  ];
  const notes =
    results.notes.length > 0 ? `<div class="notes"><strong>Notes</strong><ul>${results.notes.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></div>` : '';
  return `<header>
<h1>http-lab results</h1>
<p class="lede">${page.targets.length} target${page.targets.length === 1 ? '' : 's'}${hasBench ? `, ${page.scenarios.length} load scenario${page.scenarios.length === 1 ? '' : 's'}` : ''}${hasConformance ? `, ${countChecks(results.conformance)} conformance checks` : ''}.</p>
<dl class="meta">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
${notes}
<nav>${nav.map(([id, label]) => `<a href="#${id}">${label}</a>`).join('')}</nav>
</header>`;
}

function countChecks(reports: readonly ConformanceReport[]): number {
  return new Set(reports.flatMap((r) => r.checks.map((c) => c.id))).size;
}

/** Who wins where: per scenario, the highest throughput, the lowest p99, the least CPU per request
 * and the least memory; and who passes every required conformance check. */
function glance(page: Page, hasBench: boolean, hasConformance: boolean): string {
  const parts: string[] = ['<section id="glance">', '<h2>At a glance</h2>'];
  if (hasBench && page.scenarios.length > 0) {
    parts.push(
      '<table class="glance"><thead><tr><th scope="col">scenario</th><th scope="col">highest throughput</th><th scope="col">lowest p99 latency</th><th scope="col">least server CPU per request</th><th scope="col">least memory (peak RSS)</th></tr></thead><tbody>',
    );
    for (const s of page.scenarios) {
      const answered = page.bench.filter((r) => r.scenario === s && r.median.rps > 0);
      const top = [...answered].sort((a, b) => b.median.rps - a.median.rps);
      const winner = top[0];
      let rpsCell = '<td class="none">no target answered</td>';
      if (winner) {
        const second = top[1];
        const lead = second && second.median.rps > 0 ? `, ${(winner.median.rps / second.median.rps).toFixed(2)}× ${targetName(page, second.target)}` : '';
        const overlap = second !== undefined && winner.runs.length > 1 && second.runs.length > 1 && winner.spread.rpsMin <= second.spread.rpsMax;
        const caveats = [
          overlap
            ? `<span class="caveat" title="${esc(`${winner.target} ran from ${Math.round(winner.spread.rpsMin)} to ${Math.round(winner.spread.rpsMax)} rps, ${second.target} from ${Math.round(second.spread.rpsMin)} to ${Math.round(second.spread.rpsMax)}`)}">runs overlap: not a clear lead</span>`
            : '',
          winner.generatorBound ? '<span class="caveat">generator-bound: may be faster</span>' : '',
        ].filter((c) => c !== '');
        rpsCell = `<td>${targetName(page, winner.target)} <b>${thousands(winner.median.rps)}</b> rps${lead}${caveats.length > 0 ? `<br>${caveats.join(' ')}` : ''}</td>`;
      }
      // A result whose Little's law check failed left requests waiting outside its latency (the
      // blocking server answers one connection while the others wait): its p99 is not comparable.
      const consistent = answered.filter((r) => !littleFails(r));
      const p99 = lowest(consistent, (r) => (r.median.latencyUs.p99 > 0 ? r.median.latencyUs.p99 : null));
      const p99Note =
        answered.length > consistent.length
          ? `<br><span class="caveat" title="${esc(
              `left out: ${answered
                .filter(littleFails)
                .map((r) => r.target)
                .join(', ')}. Little's law does not hold for them: requests left waiting never entered their latency`,
            )}">${answered.length - consistent.length} left out (Little's law)</span>`
          : '';
      const cpu = lowest(answered, cpuPerRequestUs);
      const pss = lowest(answered, (r) => r.median.serverPssBytes);
      parts.push(`<tr><th scope="row">${esc(s)}</th>${rpsCell}`);
      parts.push(
        p99
          ? `<td>${targetName(page, p99.target)} <b>${esc(formatMicros(p99.median.latencyUs.p99))}</b>${p99Note}</td>`
          : `<td class="none">n/a${p99Note}</td>`,
      );
      parts.push(cpu ? `<td>${targetName(page, cpu.target)} <b>${esc(formatMicros(cpuPerRequestUs(cpu)!))}</b> of CPU</td>` : '<td class="none">n/a</td>');
      parts.push(pss ? `<td>${targetName(page, pss.target)} <b>${esc(mib(pss.median.serverPssBytes!))}</b> PSS</td>` : '<td class="none">n/a</td>');
      parts.push('</tr>');
    }
    parts.push('</tbody></table>');
    const silent = page.bench.filter((r) => r.median.rps === 0);
    if (silent.length > 0) {
      parts.push(
        `<p class="note">No response at all in the median run: ${silent.map((r) => `${targetName(page, r.target)} (${esc(r.scenario)})`).join(', ')}. These are left out of the winners above.</p>`,
      );
    }
  }
  if (hasConformance) {
    const clean = page.results.conformance.filter((r) => requiredFailures(r) === 0 && r.summary.error === 0);
    const failing = page.results.conformance.filter((r) => requiredFailures(r) > 0);
    const line: string[] = [];
    if (clean.length > 0) line.push(`Every required conformance check passes on ${clean.map((r) => targetName(page, r.target)).join(', ')}.`);
    if (failing.length > 0) {
      const count = (r: ConformanceReport): string => {
        const causes = causeRows(r, 'fail').length;
        return `${requiredFailures(r)} in ${causes} root cause${causes === 1 ? '' : 's'}`;
      };
      line.push(`Required checks fail on ${failing.map((r) => `${targetName(page, r.target)} (${count(r)})`).join(', ')}.`);
    }
    parts.push(`<p class="verdict">${line.join(' ')}</p>`);
  }
  if (!hasBench && !hasConformance) parts.push('<p class="note">This report holds no results.</p>');
  parts.push('</section>');
  return parts.join('\n');
}

function littleFails(r: BenchResult): boolean {
  return r.warnings.some((w) => w.code === 'littles-law');
}

function lowest(results: readonly BenchResult[], pick: (r: BenchResult) => number | null): BenchResult | undefined {
  let best: BenchResult | undefined;
  let bestValue = Infinity;
  for (const r of results) {
    const v = pick(r);
    if (v !== null && v < bestValue) {
      best = r;
      bestValue = v;
    }
  }
  return best;
}

/** The server's CPU time per response, in µs: what one request costs the design. */
function cpuPerRequestUs(r: BenchResult): number | null {
  if (r.median.serverCpuPct === null || r.median.rps <= 0) return null;
  return ((r.median.serverCpuPct / 100) * 1e6) / r.median.rps;
}

/** A `fail` is a required check that failed (one that is not required is a `warn`). */
function requiredFailures(report: ConformanceReport): number {
  return report.summary.fail;
}

// ---------------------------------------------------------------------------------------------
// The summary table: one block of rows per target

interface Flag {
  code: string;
  title: string;
  tone: 'gen' | 'noisy' | 'little' | 'fail' | 'info';
}

const FLAG_HELP = {
  GEN: 'generator-bound: the load generator, not the server, was the limit; the server may be faster than these figures',
  NOISY: 'noisy: the runs lie more than 10% apart; see the whiskers in the throughput chart',
  LITTLE: "Little's law: rps and mean latency disagree (connections × pipelining ÷ mean latency is not the measured rps)",
  FAIL: 'failures: connection errors, timeouts or non-2xx responses were counted',
  CONN: 'measured with a new connection per request: the server closes the connection after each response',
  ONE: 'one run only: no spread to report',
};

const NOTE: Flag = { code: 'NOTE', title: 'a note on how this result was measured', tone: 'info' };

/** Each kind of warning's badge in the warnings table; the summary flags some of them too. */
const WARNING_FLAG: Record<WarningCode, Flag> = {
  'generator-bound': { code: 'GEN', title: FLAG_HELP.GEN, tone: 'gen' },
  noisy: { code: 'NOISY', title: FLAG_HELP.NOISY, tone: 'noisy' },
  'littles-law': { code: 'LITTLE', title: FLAG_HELP.LITTLE, tone: 'little' },
  failures: { code: 'FAIL', title: FLAG_HELP.FAIL, tone: 'fail' },
  'closes-connections': { code: 'CONN/REQ', title: FLAG_HELP.CONN, tone: 'info' },
  'one-run': NOTE,
  'resources-unknown': NOTE,
  'status-only': NOTE,
  stall: { code: 'STALL', title: 'a stretch with no response while requests were outstanding: the server stalled', tone: 'fail' },
  late: { code: 'LATE', title: 'open model: requests waited for a connection, or were never sent', tone: 'little' },
};

function flagsOf(page: Page, r: BenchResult): Flag[] {
  const flags: Flag[] = [];
  if (r.generatorBound) flags.push(WARNING_FLAG['generator-bound']);
  for (const code of ['noisy', 'littles-law', 'failures', 'stall', 'late'] as const)
    if (r.warnings.some((w) => w.code === code)) flags.push(WARNING_FLAG[code]);
  // Only where it differs from the scenario's others: for `close` every target opens a connection
  // per request.
  if (r.newConnectionPerRequest && page.bench.some((o) => o.scenario === r.scenario && !o.newConnectionPerRequest)) {
    flags.push(WARNING_FLAG['closes-connections']);
  }
  if (r.runs.length === 1) flags.push({ code: '1 RUN', title: FLAG_HELP.ONE, tone: 'info' });
  return flags;
}

function flagBadges(flags: readonly Flag[]): string {
  return flags.map((f) => `<span class="flag flag-${f.tone}" title="${esc(f.title)}">${esc(f.code)}</span>`).join(' ');
}

function summary(page: Page, hasBench: boolean, hasConformance: boolean): string {
  const conformanceByTarget = new Map(page.results.conformance.map((r) => [r.target, r]));
  const head: string[] = ['<th scope="col" rowspan="2">target</th>'];
  const sub: string[] = [];
  if (hasConformance) {
    head.push('<th scope="colgroup" colspan="6" class="group">conformance</th>');
    sub.push(
      ...['pass', 'fail', 'warn', 'skip', 'error'].map((o) => `<th scope="col" class="num"><span class="dot dot-${o}"></span>${o}</th>`),
      '<th scope="col" title="fail counts the required checks that failed (MUST, and SHOULD under --strict); warn, those that are not required">verdict</th>',
    );
  }
  if (hasBench) {
    head.push('<th scope="colgroup" colspan="8" class="group">load (median run)</th>');
    sub.push(
      '<th scope="col">scenario</th>',
      '<th scope="col" class="num">rps</th>',
      '<th scope="col" class="num" title="lowest and highest rps over the runs">runs</th>',
      '<th scope="col" class="num">p50</th>',
      '<th scope="col" class="num">p99</th>',
      '<th scope="col" class="num" title="CPU time of the server\'s whole process tree, in % of one core">server CPU</th>',
      '<th scope="col" class="num" title="peak PSS of the server\'s processes (smaps_rollup): every page counted once, a shared page split among the processes that map it; the RSS summed over them is in the tooltip">peak PSS</th>',
      '<th scope="col">flags</th>',
    );
  }
  const body: string[] = [];
  for (const target of page.targets) {
    const report = conformanceByTarget.get(target);
    const rows = hasBench ? page.bench.filter((r) => r.target === target) : [];
    const refused = hasBench ? (page.results.bench?.refused ?? []).filter((x) => x.target === target) : [];
    const span = Math.max(1, rows.length + refused.length);
    const rowspan = span > 1 ? ` rowspan="${span}"` : '';
    const lead: string[] = [`<th scope="row"${rowspan} class="target">${targetName(page, target)}</th>`];
    if (hasConformance) {
      if (report) {
        const s = report.summary;
        const req = requiredFailures(report);
        lead.push(
          ...(['pass', 'fail', 'warn', 'skip', 'error'] as const).map(
            (o) => `<td${rowspan} class="num${s[o] > 0 && o !== 'pass' && o !== 'skip' ? ` count-${o}` : ''}">${s[o]}</td>`,
          ),
          req > 0
            ? `<td${rowspan} class="verdict-bad" title="${req} required check${req === 1 ? '' : 's'} failed">✗ fails</td>`
            : `<td${rowspan} class="verdict-good" title="every required check passed">✓ passes</td>`,
        );
      } else {
        lead.push(`<td${rowspan} colspan="6" class="none">not checked</td>`);
      }
    }
    const lines: string[][] = [];
    for (const r of rows) {
      const best = page.bestRps.get(r.scenario) === r.median.rps;
      const m = r.median;
      lines.push([
        `<td>${esc(r.scenario)}</td>`,
        `<td class="num${best ? ' best' : ''}"${best ? ' title="the highest rps of this scenario"' : ''}>${best ? '★ ' : ''}${thousands(m.rps)}</td>`,
        `<td class="num spread">${r.runs.length > 1 ? `${thousands(r.spread.rpsMin)}–${thousands(r.spread.rpsMax)}` : '–'}</td>`,
        `<td class="num">${m.rps > 0 ? esc(formatMicros(m.latencyUs.p50)) : '–'}</td>`,
        `<td class="num">${m.rps > 0 ? esc(formatMicros(m.latencyUs.p99)) : '–'}</td>`,
        `<td class="num">${m.serverCpuPct === null ? '?' : `${Math.round(m.serverCpuPct)}%`}</td>`,
        `<td class="num"${m.serverRssBytes === null ? '' : ` title="RSS summed over the processes: ${esc(mib(m.serverRssBytes))}"`}>${m.serverPssBytes === null ? '?' : esc(mib(m.serverPssBytes))}</td>`,
        `<td class="flags">${flagBadges(flagsOf(page, r))}</td>`,
      ]);
    }
    for (const x of refused) {
      lines.push([`<td>${esc(x.scenario)}</td>`, `<td colspan="7" class="refused" title="${esc(x.reason)}">not measured: failed the check before load</td>`]);
    }
    if (lines.length === 0) lines.push(hasBench ? ['<td colspan="8" class="none">not benchmarked</td>'] : []);
    lines.forEach((cells, i) => body.push(`<tr class="${i === 0 ? 'first' : 'cont'}">${i === 0 ? lead.join('') : ''}${cells.join('')}</tr>`));
  }
  const twoRows = sub.length > 0;
  return `<section id="summary">
<h2>Summary</h2>
<div class="table-wrap"><table class="summary">
<thead><tr>${twoRows ? head.join('') : head.join('').replace(' rowspan="2"', '')}</tr>${twoRows ? `<tr>${sub.join('')}</tr>` : ''}</thead>
<tbody>${body.join('\n')}</tbody>
</table></div>
${
  hasBench
    ? `<p class="note">★ marks the highest throughput of each scenario. Flags: ${Object.entries({
        GEN: FLAG_HELP.GEN,
        NOISY: FLAG_HELP.NOISY,
        LITTLE: FLAG_HELP.LITTLE,
        FAIL: FLAG_HELP.FAIL,
        'CONN/REQ': FLAG_HELP.CONN,
      })
        .map(([code, help]) => `<b>${code}</b> ${esc(help.replace(/^[^:]*: /, ''))}`)
        .join('; ')}.</p>`
    : ''
}
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Charts

function legend(page: Page, targets: readonly string[], extra = ''): string {
  return `<ul class="legend">${targets.map((t) => `<li><span class="swatch ${page.colorClass(t)}"></span>${esc(t)}</li>`).join('')}${extra}</ul>`;
}

/** Targets that have at least one bench result, in order. */
function benchTargets(page: Page): string[] {
  return page.targets.filter((t) => page.bench.some((r) => r.target === t));
}

function scalesDiffer(groups: readonly BarGroup[]): boolean {
  const maxima = groups.map((g) => Math.max(0, ...g.bars.map((b) => b.high ?? b.value ?? 0))).filter((m) => m > 0);
  return maxima.length > 1 && Math.max(...maxima) / Math.min(...maxima) > SHARED_SCALE_RATIO;
}

function throughput(page: Page): string {
  const targets = benchTargets(page);
  const series = targets.map((t) => ({ name: t, color: page.color(t) }));
  const groups: BarGroup[] = page.scenarios.map((s) => ({
    label: s,
    bars: targets.map((t): BarDatum => {
      const r = page.result(t, s);
      if (!r) return { value: null, tooltip: `${t}, ${s}: not measured` };
      const many = r.runs.length > 1;
      return {
        value: r.median.rps,
        ...(many ? { low: r.spread.rpsMin, high: r.spread.rpsMax } : {}),
        hatched: r.generatorBound,
        best: page.bestRps.get(s) === r.median.rps,
        tooltip: `${t}, ${s}: ${thousands(r.median.rps)} rps (median of ${r.runs.length})${many ? `; runs ${thousands(r.spread.rpsMin)} to ${thousands(r.spread.rpsMax)}, CV ${(r.spread.rpsCv * 100).toFixed(1)}%` : ''}${r.generatorBound ? '; generator-bound: the server may be faster' : ''}`,
      };
    }),
  }));
  const independent = scalesDiffer(groups);
  const anyBound = page.bench.some((r) => r.generatorBound);
  const chart = barChart({
    id: 'chart-rps',
    title: 'Requests per second, median run, per scenario and target',
    series,
    groups,
    yLabel: 'requests per second',
    independentScales: independent,
  });
  const hatchLegend = `<li><span class="swatch swatch-hatch"></span>hatched, ⚠: generator-bound${anyBound ? '' : ' (none here)'}</li><li><span class="swatch swatch-whisker"></span>whisker: lowest to highest run</li>`;
  return `<section id="throughput">
<h2>Throughput</h2>
<p class="explain">Responses per second of the median run; the whisker spans the lowest and highest run, ★ marks each scenario's highest. A hatched bar is <b>generator-bound</b>: the load generator used a whole core while the server had headroom, so the server may be faster than its bar.${independent ? ' <b>Each scenario has its own scale</b>: their magnitudes differ too much to share one.' : ''}</p>
${legend(page, targets, hatchLegend)}
<div class="chart-wrap">${chart}</div>
</section>`;
}

const PERCENTILES: Array<[string, 'p50' | 'p90' | 'p99' | 'p999']> = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['p99.9', 'p999'],
];

function latency(page: Page): string {
  const targets = benchTargets(page);
  const values = page.bench
    .filter((r) => r.median.rps > 0)
    .flatMap((r) => PERCENTILES.map(([, k]) => r.median.latencyUs[k]))
    .filter((v) => v > 0);
  const domain: [number, number] = values.length > 0 ? [Math.min(...values), Math.max(...values)] : [10, 1000];
  const panels = page.scenarios.map((s, i) => {
    const silent: string[] = [];
    const series = targets.flatMap((t) => {
      const r = page.result(t, s);
      if (!r) return [];
      if (r.median.rps <= 0) {
        silent.push(t);
        return [];
      }
      return [{ name: t, color: page.color(t), values: PERCENTILES.map(([, k]) => r.median.latencyUs[k]) }];
    });
    const conns = page.bench.find((r) => r.scenario === s);
    const subtitle = conns
      ? `${conns.connections} connection${conns.connections === 1 ? '' : 's'}${conns.pipelining > 1 ? ` × ${conns.pipelining} pipelined` : ''}, ${conns.path}`
      : '';
    const chart = logLineChart({
      id: `chart-latency-${i}`,
      title: s,
      categories: PERCENTILES.map(([label]) => label),
      series,
      yLabel: 'latency (log scale)',
      domain,
    });
    return `<figure class="panel">${chart}<figcaption>${esc(subtitle)}${silent.length > 0 ? `<br><span class="muted">no responses, not drawn: ${silent.map(esc).join(', ')}</span>` : ''}</figcaption></figure>`;
  });
  return `<section id="latency">
<h2>Latency percentiles</h2>
<p class="explain">p50, p90, p99 and p99.9 of the median run, per scenario, on a <b>logarithmic</b> axis (each grid line is ten times the one below): lower is better, and a line that climbs steeply has a long tail. Latency runs from the request written to the last byte read, a new connection's set-up included where the scenario opens one per request.</p>
${legend(page, targets)}
<div class="panels">${panels.join('\n')}</div>
</section>`;
}

function resources(page: Page): string {
  const targets = benchTargets(page);
  const series = targets.map((t) => ({ name: t, color: page.color(t) }));
  const groupsOf = (pick: (r: BenchResult) => number | null, describe: (v: number) => string): BarGroup[] =>
    page.scenarios.map((s) => ({
      label: s,
      bars: targets.map((t): BarDatum => {
        const r = page.result(t, s);
        const v = r ? pick(r) : null;
        return { value: v, tooltip: `${t}, ${s}: ${v === null ? 'unknown' : describe(v)}` };
      }),
    }));
  const cpuGroups = groupsOf(
    (r) => r.median.serverCpuPct,
    (v) => `${Math.round(v)}% of one core`,
  );
  const pssGroups = groupsOf(
    (r) => (r.median.serverPssBytes === null ? null : r.median.serverPssBytes / 2 ** 20),
    (v) => mibOf(v),
  );
  const cpu = barChart({
    id: 'chart-cpu',
    title: 'Server CPU, % of one core',
    series,
    groups: cpuGroups,
    yLabel: 'server CPU, % of one core',
    format: (v) => `${formatCompact(v)}%`,
    independentScales: scalesDiffer(cpuGroups),
    height: 200,
  });
  const pss = barChart({
    id: 'chart-pss',
    title: 'Server peak PSS, MiB',
    series,
    groups: pssGroups,
    yLabel: 'peak PSS, MiB',
    format: mibOf,
    independentScales: scalesDiffer(pssGroups),
    height: 200,
  });
  return `<section id="resources">
<h2>Server CPU and memory</h2>
<p class="explain">What each design costs under the same load. CPU is the server's whole process tree (children and threads, reaped children included) over the run, in % of one core: above 100% uses more than one core. Memory is the <b>peak PSS of the server's processes</b> (proportional set size, from <code>/proc/PID/smaps_rollup</code>): every resident page counted once, a page shared by several processes split among them. Summed RSS, which counts a shared page once per process and so overstates a process-per-connection server several times over, is in each table cell's tooltip and in the JSON.</p>
${legend(page, targets)}
<div class="chart-wrap"><h3>Server CPU</h3>${cpu}</div>
<div class="chart-wrap"><h3>Peak PSS</h3>${pss}</div>
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Load curves: the sweeps, latency against offered load and against connections

function curves(page: Page, sweeps: readonly BenchResult[]): string {
  const parts: string[] = [];
  const targets = page.targets.filter((t) => sweeps.some((r) => r.target === t));
  const series = (points: readonly BenchResult[], keys: readonly number[], keyOf: (r: BenchResult) => number, pick: (r: BenchResult) => number | null) =>
    targets.map((t) => ({
      name: t,
      color: page.color(t),
      values: keys.map((k) => {
        const r = points.find((x) => x.target === t && keyOf(x) === k);
        return r === undefined || r.median.rps <= 0 ? null : pick(r);
      }),
    }));
  const byRate = sweeps.filter((r) => r.sweep?.kind === 'rate');
  if (byRate.length > 0) {
    const percentOf = (r: BenchResult): number => (r.sweep?.kind === 'rate' ? r.sweep.percent : 0);
    const percents = [...new Set(byRate.map(percentOf))].sort((a, b) => a - b);
    parts.push(
      `<div class="chart-wrap"><h3>p99 against offered load</h3>${logLineChart({
        id: 'chart-sweep-rate',
        title: 'p99 (corrected) by share of capacity',
        categories: percents.map((p) => `${p}%`),
        series: series(byRate, percents, percentOf, (r) => r.median.latencyUs.p99),
        yLabel: 'p99, from the intended start',
        xLabel: "offered load, % of the target's closed-model capacity",
      })}</div>`,
    );
  }
  const byConnections = sweeps.filter((r) => r.sweep?.kind === 'connections');
  if (byConnections.length > 0) {
    const connectionsOf = (r: BenchResult): number => (r.sweep?.kind === 'connections' ? r.sweep.connections : 0);
    const counts = [...new Set(byConnections.map(connectionsOf))].sort((a, b) => a - b);
    const categories = counts.map((c) => formatCompact(c));
    parts.push(
      `<div class="chart-wrap"><h3>Throughput against connections</h3>${logLineChart({
        id: 'chart-sweep-connections-rps',
        title: 'rps at each number of connections',
        categories,
        series: series(byConnections, counts, connectionsOf, (r) => r.median.rps),
        yLabel: 'responses/s',
        xLabel: 'connections',
        format: formatCompact,
      })}</div>`,
      `<div class="chart-wrap"><h3>p99 against connections</h3>${logLineChart({
        id: 'chart-sweep-connections-p99',
        title: 'p99 latency at each number of connections',
        categories,
        series: series(byConnections, counts, connectionsOf, (r) => r.median.latencyUs.p99),
        yLabel: 'p99',
        xLabel: 'connections',
      })}</div>`,
    );
  }
  return `<section id="curves">
<h2>Load curves</h2>
<p class="explain">The sweeps, one run per point. Against offered load: the open model (<code>--rate</code>) at each share of the target's own closed-model capacity, latency counted from each request's intended start, so the point where a design's p99 turns up is where queueing begins. Against connections: the closed model at each number of connections.</p>
${legend(page, targets)}
${parts.join('\n')}
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Over time: each result's run, 100 ms by 100 ms, with its stalls marked

function overTime(page: Page): string {
  const shown = page.bench.filter((r) => r.median.timeline.length > 0);
  if (shown.length === 0) {
    return `<section id="over-time"><h2>Over time</h2><p class="note">No timeline in these results (wrk reports totals only, and results written before bench@2 have none).</p></section>`;
  }
  const charts = shown.map((r) => {
    const gaps = r.warnings.flatMap((w) => (w.code === 'stall' && w.run === medianRunIndex(r) + 1 ? [{ startMs: w.startMs, lengthMs: w.lengthMs }] : []));
    return `<div class="chart-wrap"><h3>${esc(r.target)}, ${esc(r.scenario)}${r.model === 'open' ? `, --rate ${esc(String(r.rate))}` : ''}</h3>${timelineChart({
      id: `timeline-${r.target}-${r.scenario}`,
      title: `${r.target} ${r.scenario}: responses per second`,
      counts: r.median.timeline.map((p) => p.responses),
      sliceMs: r.median.timelineSliceMs ?? 100,
      gaps,
      color: page.color(r.target),
    })}</div>`;
  });
  return `<section id="over-time">
<h2>Over time</h2>
<p class="explain">Each result's run (the one of median throughput), 100 ms by 100 ms (Locust's, second by second). A shaded stretch is a stall: no response while requests were outstanding. A closed-model run sends nothing new during a stall, so its percentiles barely show one; this chart, and <code>bench --rate</code>, do.</p>
${charts.join('\n')}
</section>`;
}

/** Which run's timeline the median carries: the run of median rps (summarize.ts). */
function medianRunIndex(r: BenchResult): number {
  const order = r.runs.map((run, i) => ({ rps: run.rps, i })).sort((a, b) => a.rps - b.rps);
  return order[Math.floor((order.length - 1) / 2)]!.i;
}

// ---------------------------------------------------------------------------------------------
// Conformance: the checks × targets matrix

function conformance(page: Page): string {
  const reports = page.results.conformance;
  const { targets, rows } = buildMatrix(reports);
  const notable = (r: MatrixRow): boolean => r.disagree || r.results.some((x) => x?.outcome === 'fail' || x?.outcome === 'warn' || x?.outcome === 'error');
  const first = [...rows.filter((r) => r.disagree), ...rows.filter((r) => !r.disagree && notable(r))];
  const rest = rows.filter((r) => !notable(r));
  let detailId = 0;
  const head = `<thead><tr><th scope="col" class="check">check</th><th scope="col">level</th>${targets.map((t) => `<th scope="col" class="target-col ${page.colorClass(t)}">${esc(t)}</th>`).join('')}</tr></thead>`;
  const table = (list: readonly MatrixRow[]): string => {
    const body = list.map((row) => {
      const bad = row.results.some((r) => r !== undefined && r.outcome !== 'pass');
      const id = bad ? `detail-${++detailId}` : '';
      const cells = row.results.map((r, i) => matrixCell(targets[i]!, r)).join('');
      const mark = row.disagree ? '<span class="disagree" title="the targets disagree: one passes what another fails or warns on">≠</span>' : '';
      const tr = `<tr class="check-row${bad ? ' has-details' : ''}"${bad ? ` data-details="${id}" tabindex="0" aria-expanded="false"` : ''} data-check="${esc(row.id)}"><td class="check">${mark}<code>${esc(row.id)}</code><div class="check-title">${esc(row.title)}</div></td><td class="level">${esc(row.level)}${row.required ? '<span class="req" title="required: a failure fails the run">req</span>' : ''}</td>${cells}</tr>`;
      if (!bad) return tr;
      return `${tr}\n<tr class="detail-row" id="${id}" hidden><td colspan="${targets.length + 2}">${checkDetails(row, targets)}</td></tr>`;
    });
    return `<div class="table-wrap"><table class="matrix">${head}<tbody>${body.join('\n')}</tbody></table></div>`;
  };
  const counts = reports.map((r) => `${targetName(page, r.target)} ${r.summary.pass}/${r.summary.total}`).join(', ');
  const parts = [
    '<section id="conformance">',
    '<h2>Conformance</h2>',
    `<p class="explain">Each RFC 9110/9112 check against each target, judged byte by byte over raw TCP. Passed per target: ${counts}. Hover a cell for what was expected and what came back; click a row (or press Enter on it) for the RFC requirement and every target's answer. ≠ marks the checks where the targets disagree.</p>`,
    `<ul class="legend outcomes">${(['pass', 'fail', 'warn', 'skip', 'error'] as const).map((o) => `<li><span class="cell-sample outcome-${o}">${OUTCOME_LABEL[o]}</span> ${OUTCOME_HELP[o]}</li>`).join('')}</ul>`,
  ];
  if (first.length > 0) {
    parts.push(`<h3>${first.length} check${first.length === 1 ? '' : 's'} where targets disagree or some fail</h3>`, table(first));
  } else {
    parts.push('<p class="verdict">Every target passes (or skips) every check.</p>');
  }
  if (rest.length > 0) {
    parts.push(
      `<details class="fold"><summary>${rest.length} check${rest.length === 1 ? '' : 's'} that every target passes (or skips)</summary>${table(rest)}</details>`,
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}

const OUTCOME_HELP: Record<Outcome, string> = {
  pass: 'as the RFC requires',
  fail: 'a required check failed',
  warn: 'a check that is not required failed',
  skip: 'does not apply to this target',
  error: 'the harness could not judge (e.g. a timeout)',
};

/** At most `max` characters of a long field, for a tooltip. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

function matrixCell(target: string, r: CheckResult | undefined): string {
  if (r === undefined) return '<td class="cell outcome-none" title="not run on this target">–</td>';
  const lines = [`${target}: ${OUTCOME_LABEL[r.outcome]}${r.branch !== undefined ? ` [${r.branch}]` : ''}`];
  if (r.outcome !== 'pass') {
    lines.push(`${r.section}, ${r.level}${r.required ? ', required' : ''}`);
    if (r.requirement !== undefined && r.outcome !== 'skip') lines.push(`requirement: "${cut(r.requirement, 300)}"`);
    if (r.reason !== undefined) lines.push(`reason: ${cut(r.reason, 300)}`);
    if (r.outcome !== 'skip') {
      if (r.expected) lines.push(`expected: ${cut(r.expected, 300)}`);
      if (r.actual) lines.push(`actual: ${cut(r.actual, 400)}`);
    }
  }
  return `<td class="cell outcome-${r.outcome}" title="${esc(lines.join('\n'))}">${OUTCOME_LABEL[r.outcome]}</td>`;
}

function checkDetails(row: MatrixRow, targets: readonly string[]): string {
  const base = row.results.find((r) => r?.requirement !== undefined);
  const parts: string[] = [`<div class="details"><p><b>${esc(row.section)}</b>, ${esc(row.level)}${row.required ? ', required' : ''}: ${esc(row.title)}</p>`];
  if (base?.requirement !== undefined) parts.push(`<blockquote>${esc(base.requirement)}</blockquote>`);
  row.results.forEach((r, i) => {
    if (r === undefined || r.outcome === 'pass') return;
    const fields: string[] = [];
    if (r.reason !== undefined) fields.push(`<dt>reason</dt><dd>${esc(r.reason)}</dd>`);
    if (r.outcome !== 'skip') {
      if (r.expected) fields.push(`<dt>expected</dt><dd><code>${esc(r.expected)}</code></dd>`);
      if (r.actual) fields.push(`<dt>actual</dt><dd><code>${esc(r.actual)}</code></dd>`);
      if (r.branch !== undefined) fields.push(`<dt>branch</dt><dd>${esc(r.branch)}</dd>`);
    }
    parts.push(
      `<div class="answer"><span class="cell-sample outcome-${r.outcome}">${OUTCOME_LABEL[r.outcome]}</span> <b>${esc(targets[i]!)}</b><dl>${fields.join('')}</dl></div>`,
    );
  });
  const passed = row.results.flatMap((r, i) => (r?.outcome === 'pass' ? [targets[i]!] : []));
  if (passed.length > 0) parts.push(`<p class="muted">passed: ${passed.map(esc).join(', ')}</p>`);
  parts.push('</div>');
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// Warnings

function warnings(page: Page): string {
  const rows: string[] = [];
  for (const target of page.targets) {
    for (const r of page.bench.filter((x) => x.target === target)) {
      for (const w of r.warnings) {
        rows.push(
          `<tr><td>${targetName(page, target)}</td><td>${esc(r.scenario)}</td><td>${flagBadges([WARNING_FLAG[w.code]])}</td><td class="message">${esc(w.message)}</td></tr>`,
        );
      }
    }
  }
  const refused = page.results.bench?.refused ?? [];
  const parts = ['<section id="warnings">', '<h2>Warnings</h2>'];
  parts.push(
    rows.length > 0
      ? `<div class="table-wrap"><table class="warnings"><thead><tr><th scope="col">target</th><th scope="col">scenario</th><th scope="col">kind</th><th scope="col">warning</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`
      : '<p class="verdict">No warnings: every figure above stands as measured.</p>',
  );
  parts.push('<h3>Not measured</h3>');
  parts.push(
    refused.length > 0
      ? `<p class="explain">These answered the check before load wrongly (not 200, or not the file's exact bytes), so they were never loaded.</p><div class="table-wrap"><table class="warnings"><thead><tr><th scope="col">target</th><th scope="col">scenario</th><th scope="col">kind</th><th scope="col">reason</th></tr></thead><tbody>${refused.map((x) => `<tr><td>${targetName(page, x.target)}</td><td>${esc(x.scenario)}</td><td><span class="flag flag-fail">REFUSED</span></td><td class="message">${esc(x.reason)}</td></tr>`).join('\n')}</tbody></table></div>`
      : '<p class="note">None: every target passed the check before load.</p>',
  );
  parts.push('</section>');
  return parts.join('\n');
}

function omitted(id: string, title: string, why: string): string {
  return `<section id="${id}" class="omitted"><h2>${title}</h2><p class="note">${why}</p></section>`;
}

// ---------------------------------------------------------------------------------------------
// Small formats

function targetName(page: Page, target: string): string {
  return `<span class="tname"><span class="swatch ${page.colorClass(target)}"></span>${esc(target)}</span>`;
}

function thousands(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

function mibOf(v: number): string {
  return v >= 100 ? `${Math.round(v).toLocaleString('en-US')} MiB` : `${formatCompact(v)} MiB`;
}

function mib(bytes: number): string {
  return mibOf(bytes / 2 ** 20);
}

/** 2026-11-25T00:44:38.317Z → "2026-11-25 00:44 UTC"; anything else as given. */
function shortDate(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

// ---------------------------------------------------------------------------------------------
// Style and script, inline

const CSS = `
:root{--ink:#1f2933;--muted:#5f6b7a;--line:#dde3ea;--bg:#ffffff;--panel:#f6f8fa;--accent:#2f6fb3;
--pass-bg:#dcf1e0;--pass-ink:#1c5e2a;--fail-bg:#f9d4d2;--fail-ink:#8e1c17;--warn-bg:#fdefc3;--warn-ink:#735200;
--skip-bg:#eceff2;--skip-ink:#56606b;--error-bg:#eadcf6;--error-ink:#5b2a86}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:24px clamp(12px,3vw,36px) 48px}
h1{font-size:28px;margin:0 0 4px;letter-spacing:-.01em}
h2{font-size:21px;margin:40px 0 8px;padding-bottom:6px;border-bottom:2px solid var(--line)}
h3{font-size:16px;margin:22px 0 8px}
code{font:12.5px/1.4 ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace}
.lede{margin:0 0 12px;color:var(--muted);font-size:16px}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0 0 12px;font-size:14px}
.meta dt{color:var(--muted)}.meta dd{margin:0}
.notes{background:#fff8e5;border:1px solid #f0d999;border-radius:6px;padding:8px 14px;margin:8px 0 12px;font-size:14px}
.notes ul{margin:4px 0 0;padding-left:20px}
nav{display:flex;flex-wrap:wrap;gap:6px;margin-top:12px}
nav a{color:var(--accent);text-decoration:none;border:1px solid var(--line);border-radius:14px;padding:2px 12px;font-size:13.5px}
nav a:hover{background:var(--panel)}
.explain,.note{color:var(--muted);font-size:14px;max-width:90ch}
.note{font-size:13.5px}
.muted{color:var(--muted)}
.verdict{font-size:15px}
.table-wrap{overflow-x:auto;margin:8px 0}
table{border-collapse:collapse;font-size:13.5px}
th,td{padding:5px 9px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:var(--panel);font-weight:600;white-space:nowrap;vertical-align:bottom}
th.group{text-align:center;border-left:2px solid #fff}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.none{color:var(--muted);font-style:italic}
.summary{font-size:13px}.summary th,.summary td{padding:4px 7px}
.summary tr.first td,.summary tr.first th{border-top:1px solid #c7d0da}
.summary td.flags{min-width:120px}
.summary th.target{white-space:nowrap}
.summary td.best{background:#e3f2e6;font-weight:700;color:#14532d}
.summary td.spread{color:var(--muted)}
.count-fail,.verdict-bad{color:var(--fail-ink);font-weight:700}
.count-warn{color:var(--warn-ink);font-weight:600}.count-error{color:var(--error-ink);font-weight:700}
.verdict-good{color:var(--pass-ink);white-space:nowrap}.verdict-bad{white-space:nowrap}
td.refused{color:var(--fail-ink)}
.glance th[scope=row]{white-space:nowrap}
.glance td b{font-variant-numeric:tabular-nums}
.caveat{display:inline-block;font-size:12px;color:#7a4b00;background:#fff2d6;border-radius:4px;padding:0 6px;margin-top:2px}
.tname{white-space:nowrap}
.swatch{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.swatch-hatch{background:repeating-linear-gradient(45deg,#8a96a3 0 3px,#fff 3px 5px);border:1px dashed var(--ink)}
.swatch-whisker{width:3px;background:var(--ink);margin:0 9px 0 4px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;list-style:none;padding:0;margin:8px 0;font-size:13.5px}
.dot{display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:4px}
.dot-pass{background:var(--pass-ink)}.dot-fail{background:var(--fail-ink)}.dot-warn{background:#c99400}.dot-skip{background:#9aa5b1}.dot-error{background:var(--error-ink)}
.flag{display:inline-block;font-size:11px;font-weight:700;letter-spacing:.03em;border-radius:4px;padding:0 5px;margin:1px 0;white-space:nowrap;cursor:help}
.flag-gen{background:#fde2c4;color:#8a3c00}.flag-noisy{background:#e7e0f7;color:#4b2d8f}.flag-little{background:#d9e8f7;color:#1d4f85}
.flag-fail{background:var(--fail-bg);color:var(--fail-ink)}.flag-info{background:#eceff2;color:#3e4852}
.chart-wrap{overflow-x:auto;margin:6px 0 18px}
.chart-wrap h3{margin:10px 0 2px}
svg.chart{max-width:100%;height:auto;display:block}
.chart-wrap svg.bar-chart{min-width:640px}
svg .bar-group:hover .bar{opacity:.8}
.panels{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:12px 18px}
figure.panel svg{width:100%;max-width:100%;height:auto}
figure.panel{margin:0;border:1px solid var(--line);border-radius:8px;padding:8px 8px 6px;max-width:620px}
figure.panel figcaption{font-size:12.5px;color:var(--muted);padding:0 6px}
.matrix{font-size:13px}
.matrix th.target-col{border-top:4px solid;text-align:center}
.matrix td.check{min-width:320px;max-width:560px}
.matrix td.check code{font-size:12px;color:#33414f}
.check-title{font-size:12.5px;color:var(--muted)}
.matrix td.level{white-space:nowrap;font-size:12px;color:var(--muted)}
.req{display:inline-block;margin-left:5px;font-size:10.5px;border:1px solid #b9c2cc;border-radius:3px;padding:0 3px;color:#3e4852}
.cell,.cell-sample{text-align:center;font-size:12px;font-weight:600;white-space:nowrap;min-width:58px}
.cell-sample{display:inline-block;border-radius:4px;padding:0 6px;min-width:44px}
.outcome-pass{background:#ecf7ee;color:#3d7a4b;font-weight:500}
.outcome-fail{background:var(--fail-bg);color:var(--fail-ink);font-weight:800}
.outcome-warn{background:var(--warn-bg);color:var(--warn-ink)}
.outcome-skip{background:var(--skip-bg);color:var(--skip-ink);font-weight:500}
.outcome-error{background:var(--error-bg);color:var(--error-ink)}
.outcome-none{color:var(--muted)}
.matrix td.cell{border-left:2px solid #fff}
.disagree{display:inline-block;width:18px;font-weight:800;color:#b3261e}
tr.has-details{cursor:pointer}
tr.has-details:hover td.check,tr.has-details:focus td.check{background:#eef4fb}
tr.has-details:focus{outline:2px solid var(--accent);outline-offset:-2px}
tr.detail-row>td{background:#fbfcfd;border-bottom:2px solid #c7d0da}
.details{max-width:1100px}
.details blockquote{margin:6px 0 10px;padding:4px 12px;border-left:3px solid #b9c2cc;color:#33414f;font-style:italic}
.answer{margin:8px 0}
.answer dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0 0 12px}
.answer dt{color:var(--muted);font-size:12.5px}
.answer dd{margin:0;max-height:12em;overflow:auto;white-space:pre-wrap;word-break:break-word}
details.fold{margin:14px 0}
details.fold>summary{cursor:pointer;font-weight:600;padding:6px 0;color:var(--accent)}
.warnings td.message{max-width:820px;font-size:13px}
.omitted .note{font-style:italic}
footer{margin-top:48px;padding-top:12px;border-top:1px solid var(--line);color:var(--muted);font-size:12.5px}
@media (max-width:640px){body{font-size:14px}.meta{grid-template-columns:1fr}.matrix td.check{min-width:220px}}
@media print{nav{display:none}tr.detail-row[hidden]{display:none}}
`
  .trim()
  .replace(/\n/g, '');

// Opens and closes a check's details under its row, on click or Enter/Space.
const SCRIPT = `
(function(){function toggle(row){var d=document.getElementById(row.getAttribute('data-details'));if(!d)return;d.hidden=!d.hidden;row.setAttribute('aria-expanded',String(!d.hidden));}
document.addEventListener('click',function(e){var t=e.target;if(!(t instanceof Element))return;var row=t.closest('tr[data-details]');if(row)toggle(row);});
document.addEventListener('keydown',function(e){var t=e.target;if((e.key==='Enter'||e.key===' ')&&t instanceof Element&&t.matches('tr[data-details]')){e.preventDefault();toggle(t);}});})();
`.trim();
