// The HTML report in a real browser: Debian's chromium, headless, driven by playwright-core. The
// page renders from the sample lab run (test/fixtures/results-sample.json), opened as a file://
// URL, with no console or page error and no request but the file itself; its charts have a size
// and the bars their share of it; the matrix has a row per check and opens a failure on click; a
// full-page screenshot is a PNG. Set HTTP_LAB_SCREENSHOT=1 to also write docs/report-screenshot.png.
// Skips, with the reason, where chromium (HTTP_LAB_CHROMIUM, or /usr/bin/chromium) or
// playwright-core is missing; scripts/test-setup.sh installs chromium where it can.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { renderHtml } from '../reports/html.js';
import { scenariosOf, toResults } from '../reports/model.js';
import { packageRoot } from '../system/package.js';

const CHROMIUM = process.env.HTTP_LAB_CHROMIUM ?? '/usr/bin/chromium';
const FIXTURE = join(packageRoot(), 'test', 'fixtures', 'results-sample.json');

function skipReason(): string | undefined {
  if (!existsSync(CHROMIUM)) return `chromium is not installed at ${CHROMIUM} (apt-get install chromium, or set HTTP_LAB_CHROMIUM to a Chromium binary)`;
  try {
    createRequire(import.meta.url).resolve('playwright-core');
  } catch {
    return 'playwright-core is not installed (a devDependency: run npm install)';
  }
  return undefined;
}

const skip = skipReason();

describe('the HTML report in headless chromium', { skip: skip ?? false, timeout: 120_000 }, () => {
  const results = toResults(JSON.parse(readFileSync(FIXTURE, 'utf8')), FIXTURE);
  const dir = mkdtempSync(join(tmpdir(), 'http-lab-html-'));
  const file = join(dir, 'report.html');
  const url = pathToFileURL(file).href;
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const requests: string[] = [];
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    writeFileSync(file, renderHtml(results));
    const { chromium } = await import('playwright-core');
    // The sandbox needs user namespaces, which containers and root often lack; the page is our
    // own file and fetches nothing.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url, { waitUntil: 'load' });
  });

  after(async () => {
    try {
      await browser?.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads with no console error, no page error, and no request but the file itself', () => {
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(requests, [url]);
  });

  it('draws every chart with a size, and labels its axes', async () => {
    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const text = (sel: string): string[] => [...svg.querySelectorAll(sel)].map((t) => t.textContent ?? '');
        const sized = (sel: string): number => [...svg.querySelectorAll(sel)].filter((t) => (t as SVGGraphicsElement).getBBox().width > 0).length;
        return {
          id: svg.id,
          width: box.width,
          height: box.height,
          axisLabels: text('.axis-label'),
          ticks: text('.tick-label'),
          sizedLabels: sized('.axis-label'),
        };
      }),
    );
    const scenarios = scenariosOf(results);
    assert.deepEqual(
      charts.map((c) => c.id),
      ['chart-rps', ...scenarios.map((_, i) => `chart-latency-${i}`), 'chart-cpu', 'chart-pss'],
    );
    for (const c of charts) {
      assert.ok(c.width > 200 && c.height > 150, `${c.id} is ${c.width}×${c.height}`);
      assert.ok(
        c.axisLabels.length > 0 && c.sizedLabels === c.axisLabels.length,
        `${c.id}: axis labels ${JSON.stringify(c.axisLabels)}, ${c.sizedLabels} rendered`,
      );
      assert.ok(c.ticks.length >= 3, `${c.id}: ticks ${JSON.stringify(c.ticks)}`);
    }
    const rps = charts.find((c) => c.id === 'chart-rps')!;
    assert.ok(rps.axisLabels.includes('requests per second'));
    for (const s of scenarios) assert.ok(rps.axisLabels.includes(s), `group label ${s}`);
    for (const c of charts.filter((x) => x.id.startsWith('chart-latency-'))) {
      for (const tick of ['1 ms', '10 ms', '100 ms']) assert.ok(c.ticks.includes(tick), `${c.id}: ${tick} in ${JSON.stringify(c.ticks)}`);
      assert.deepEqual(c.ticks.slice(-4), ['p50', 'p90', 'p99', 'p99.9']);
    }
  });

  it('has one bar per target and scenario, each as tall as its share of the axis', async () => {
    const bars = await page.$$eval('#chart-rps rect.bar', (rects) =>
      rects.map((r) => {
        const box = r.getBoundingClientRect();
        const group = r.closest('g');
        return {
          target: group?.getAttribute('data-series') ?? '',
          scenario: group?.getAttribute('data-group') ?? '',
          value: Number(r.getAttribute('data-value')),
          width: box.width,
          height: box.height,
        };
      }),
    );
    const measured = results.bench!.results;
    assert.equal(bars.length, new Set(measured.map((r) => r.target)).size * scenariosOf(results).length);
    assert.equal(bars.length, measured.length);
    for (const b of bars) {
      assert.ok(b.width > 0, `${b.target} ${b.scenario}: no width`);
      assert.equal(b.height > 0, b.value > 0, `${b.target} ${b.scenario}: ${b.value} rps drawn ${b.height} px high`);
    }
    // Within a scenario (one axis), rendered height over rps is the same for every bar.
    for (const s of scenariosOf(results)) {
      const ratios = bars.filter((b) => b.scenario === s && b.value > 1_000).map((b) => b.height / b.value);
      assert.ok(ratios.length >= 2, s);
      for (const r of ratios) assert.ok(Math.abs(r / ratios[0]! - 1) < 0.02, `${s}: px per rps ${r} against ${ratios[0]}`);
    }
  });

  it('the conformance matrix: one row per check, and a click opens a failure', async () => {
    const ids = new Set(results.conformance.flatMap((r) => r.checks.map((c) => c.id)));
    assert.equal(await page.locator('tr.check-row').count(), ids.size);
    const row = page.locator('tr.has-details').first();
    const detail = page.locator(`#${await row.getAttribute('data-details')}`);
    assert.equal(await detail.isVisible(), false);
    await row.click();
    assert.equal(await detail.isVisible(), true);
    assert.match((await detail.textContent()) ?? '', /expected.*actual/s);
    assert.equal(await row.getAttribute('aria-expanded'), 'true');
    await row.click();
    assert.equal(await detail.isVisible(), false);
    // The rows every target passes are folded until asked for.
    const folded = page.locator('details.fold tr.check-row').first();
    assert.equal(await folded.isVisible(), false);
    await page.locator('details.fold > summary').click();
    assert.equal(await folded.isVisible(), true);
    await page.locator('details.fold > summary').click();
    assert.deepEqual(pageErrors, []);
  });

  it('takes a full-page screenshot that is a PNG', async () => {
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    assert.ok(statSync(shot).size > 10_000, `${statSync(shot).size} bytes`);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature');
    assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    assert.equal(width, 1280);
    assert.ok(height > 2_000, `a full page, ${height} px high`);
    if (process.env.HTTP_LAB_SCREENSHOT) {
      const docs = join(packageRoot(), 'docs');
      mkdirSync(docs, { recursive: true });
      copyFileSync(shot, join(docs, 'report-screenshot.png'));
    }
  });
});
