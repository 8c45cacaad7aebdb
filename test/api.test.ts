// The programmatic API (`import { conform, bench, gate } from 'http-lab'`), on the example service
// examples/node-app in this process: the documents the CLI writes with --format json, returned; bad
// options rejected with HttpLabUsageError and the CLI's one-line reason.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { bench, conform, gate, HttpLabUsageError, type BenchReport, type ConformanceReport } from '../api/index.js';
import { createApp } from '../examples/node-app/app.js';

/** A usage error with one line that says why. */
function usageError(pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof HttpLabUsageError, `not an HttpLabUsageError: ${String(err)}`);
    assert.doesNotMatch(err.message, /\n/);
    assert.match(err.message, pattern);
    return true;
  };
}

describe('the programmatic API', () => {
  let server: Server;
  let url = '';
  before(async () => {
    server = createApp();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('conform returns the ConformanceReport of one url', async () => {
    const report: ConformanceReport = await conform({ url, path: '/health' });
    assert.equal(report.schema, 'http-lab/conformance@1');
    assert.equal(report.profile?.resource.path, '/health');
    const ran = report.checks.filter((c) => c.outcome !== 'skip');
    assert.ok(ran.length >= 60, `${ran.length} checks ran`);
    assert.equal(report.summary.total, report.checks.length);
  });

  it('bench returns the BenchReport of the url at its own path', async () => {
    const report: BenchReport = await bench({ url: `${url}health`, durationS: 0.5, runs: 1, warmupS: 0 });
    assert.equal(report.schema, 'http-lab/bench@2');
    assert.equal(report.refused.length, 0);
    const result = report.results[0]!;
    assert.equal(result.requests?.[0]?.path, '/health');
    assert.ok(result.median.rps > 0, `rps ${result.median.rps}`);
  });

  it('bad options reject with HttpLabUsageError and the reason the CLI prints', async () => {
    await assert.rejects(conform({}), usageError(/^give --target <name\.\.\.> or --url <url>$/));
    await assert.rejects(bench({ url: `${url}health`, runs: 0 }), usageError(/^--runs must be a positive integer \(got 0\)$/));
    await assert.rejects(conform({ url: 'ftp://127.0.0.1/' }), usageError(/^--url must be http:\/\//));
    await assert.rejects(gate({}), usageError(/^give --baseline FILE/));
  });

  it('an unreachable target rejects with HttpLabUsageError', async () => {
    await assert.rejects(conform({ url: 'http://127.0.0.1:1/', timeout: 1000 }), usageError(/unreachable/));
  });
});
