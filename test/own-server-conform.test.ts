// `http-lab conform --url` on servers that are not ours and serve no copy of html/: the example
// node app (examples/node-app), lighttpd on its stock default page, and python's http.server over
// a folder of other files. What a target cannot give (the fixtures; a resource) is found out and
// skips the checks that need it, each with its reason, so no failure comes from a missing fixture.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { catalogue } from '../conformance/checks/index.js';
import type { ConformanceReport } from '../conformance/types.js';
import { createApp } from '../examples/node-app/app.js';
import { spawnPeer } from '../targets/peers.js';
import type { RunningServer } from '../targets/running.js';
import { peerMissing, runCli } from './helpers.js';

const NEEDS = new Map(catalogue.map((c) => [c.id, c.needs]));
/** The issue's bar: on a server that is not ours, at least this many checks are judged. */
const AT_LEAST_RAN = 60;

async function conformJson(url: string, ...extra: string[]): Promise<{ code: number | null; report: ConformanceReport }> {
  const r = await runCli(['conform', '--url', url, '--format', 'json', ...extra]);
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) as ConformanceReport };
}

/** What must hold on any server without the fixtures. */
function assertJudgedWithoutFixtures(report: ConformanceReport, fixturesReason: RegExp): void {
  const ran = report.checks.filter((c) => c.outcome !== 'skip');
  assert.ok(ran.length >= AT_LEAST_RAN, `${ran.length} checks ran`);
  assert.equal(report.profile?.fixtures.served, false);
  for (const c of report.checks) {
    if (c.outcome === 'skip') assert.ok((c.reason ?? '').length > 10, `${c.id} skipped without a reason`);
    // every check that needs the fixtures skipped, saying why; so none of them failed or passed
    if (NEEDS.get(c.id) === 'fixtures') {
      assert.equal(c.outcome, 'skip', `${c.id} needs the fixtures`);
      assert.match(c.reason!, fixturesReason, c.id);
    }
  }
}

describe("conform on a user's node app (examples/node-app): / and /health, JSON, 404 elsewhere", () => {
  const app = createApp();
  let url = '';
  before(async () => {
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(app.address() as AddressInfo).port}/`;
  });
  after(() => {
    app.closeAllConnections();
    app.close();
  });

  it('--path /health: the fixture checks skip with what GET /index.html answered, the rest are judged on /health', async () => {
    const { report } = await conformJson(url, '--path', '/health');
    assertJudgedWithoutFixtures(report, /^needs the bundled fixtures: GET \/index\.html answered HTTP\/1\.1 404 Not Found/);
    assert.deepEqual(report.profile?.resource, { path: '/health', available: true, offers: [], bytes: 16 });
    const absoluteForm = report.checks.find((c) => c.id === 'rfc9112/3.2.2/absolute-form')!;
    assert.match(absoluteForm.trace!.sent, /^GET http:\/\/http-lab\.test\/health HTTP\/1\.1\\r\\n/);
  });

  it('text output: what the target gives, how many checks ran, and why the rest were skipped', async () => {
    const r = await runCli(['conform', '--url', url, '--path', '/health']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.match(
      r.stdout,
      /^target: resource \/health \(16 bytes, offers no ETag, Last-Modified or ranges\); does not serve the bundled fixtures: GET \/index\.html answered/m,
    );
    assert.match(r.stdout, new RegExp(`^\\d+ of ${catalogue.length} checks ran; \\d+ skipped:$`, 'm'));
    assert.match(r.stdout, /^ +\d+ needs the bundled fixtures: GET \/index\.html answered HTTP\/1\.1 404 Not Found/m);
  });

  it('a --path that does not answer 200 skips the resource checks, saying so; --path must be a path', async () => {
    const { report } = await conformJson(url, '--path', '/nowhere');
    const resourceChecks = report.checks.filter((c) => NEEDS.get(c.id) === 'resource');
    assert.ok(resourceChecks.length > 30);
    for (const c of resourceChecks) {
      assert.equal(c.outcome, 'skip', c.id);
      assert.match(
        c.reason!,
        /^needs a resource that answers 200 to GET: GET \/nowhere answered HTTP\/1\.1 404 Not Found.*, not 200; --path names one that does$/,
      );
    }
    const bad = await runCli(['conform', '--url', url, '--path', 'health']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--path must be an origin-form path/);
  });
});

/** Debian's lighttpd placeholder page, the stock default site; or, where the package moved it, any page. */
const LIGHTTPD_PAGE = '/usr/share/lighttpd/index.html';

for (const [name, site] of [
  ['lighttpd', 'its stock default page'],
  ['python', 'a folder of other files'],
] as const) {
  describe(`conform on ${name} serving ${site}`, { skip: peerMissing(name) }, () => {
    let dir = '';
    let server: RunningServer | undefined;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), `http-lab-own-${name}-`));
      if (name === 'lighttpd' && existsSync(LIGHTTPD_PAGE)) copyFileSync(LIGHTTPD_PAGE, join(dir, 'index.html'));
      else writeFileSync(join(dir, 'index.html'), "<!DOCTYPE html>\n<title>Another site</title>\n<p>Not http-lab's fixtures.</p>\n");
      writeFileSync(join(dir, 'notes.txt'), 'plain text\n');
      server = await spawnPeer(name, dir);
    });
    after(async () => {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('GET /index.html is another page: the fixture checks skip, the resource is /, and at least 60 checks run', async () => {
      const { report } = await conformJson(`${server!.url}/`);
      assertJudgedWithoutFixtures(
        report,
        /^needs the bundled fixtures: GET \/index\.html answered HTTP\/1\.[01] 200 OK.*, not the docroot's index\.html \(\d+ bytes\)/,
      );
      assert.equal(report.profile?.resource.path, '/');
      assert.equal(report.profile?.resource.available, true);
    });
  });
}
