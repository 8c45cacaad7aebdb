// The CLI's contract: exit 0 on success, 1 when a required check fails, 2 on bad usage or an
// unreachable target, with a one-line reason on stderr; and the JSON document's shape.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CatalogueListing, ConformanceMatrixReport, ConformanceReport } from '../conformance/types.js';
import { packageVersion } from '../system/package.js';
import { CLI, runCli, sampled } from './helpers.js';

/** Bounds every wait for something a correct program does (a check's answer, a child's start or
 * exit): reached only when the test fails, so it can be as long as the most loaded machine needs. */
const PATIENCE_MS = 30_000;

/** A server that answers every request with the same wrong 200, then closes: it fails required
 * checks, and no check waits for more from it. */
async function liar(): Promise<{ server: Server; url: string }> {
  return listening((socket) => {
    socket.on('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'));
    socket.on('error', () => socket.destroy());
  });
}

async function listening(onConnection: (socket: Socket) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

describe('http-lab CLI', () => {
  it('the bin is executable, so npx http-lab works after npm ci as well as npm install', () => {
    assert.notEqual(statSync(CLI).mode & 0o111, 0, `${CLI} has no execute bit`);
  });

  it('--help lists the commands and exits 0', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /http-lab serve/);
    assert.match(r.stdout, /http-lab conform/);
  });

  it("--version is http-lab's own, run from a user's project with a package.json of its own", async () => {
    const project = mkdtempSync(join(tmpdir(), 'http-lab-user-project-'));
    try {
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-service', version: '9.9.9' }));
      const r = await runCli(['--version'], { cwd: project });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), packageVersion());
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('an unknown flag exits 2 with a one-line reason', async () => {
    const r = await runCli(['conform', '--target', 'blocking', '--bogus']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown argument: bogus/);
  });

  it('--list prints the selected catalogue without running anything, and exits 0', async () => {
    const r = await runCli(['conform', '--list', '--only', 'rfc9112/3.2', '--skip', 'rfc9112/3.2/host-invalid']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^id\s+section\s+level\s+required\s+title$/);
    assert.match(r.stdout, /^rfc9112\/3\.2\/host-missing\s+RFC 9112 §3\.2\s+MUST\s+yes\s+\S/m);
    // §3.2 and its subsections (§3.2.2, ...), less the one skipped
    for (const line of lines.slice(1, -2)) assert.match(line, /^rfc9112\/3\.2[./]\S+\s+RFC 9112 §3\.2/);
    assert.ok(!lines.slice(1, -2).some((l) => l.startsWith('rfc9112/3.2/host-invalid ')));
    assert.match(lines[lines.length - 1]!, /^\d+ checks \(\d+ required\) with --level all --only rfc9112\/3\.2 --skip rfc9112\/3\.2\/host-invalid$/);
  });

  it('--list honours --level, --strict and --format json/markdown', async () => {
    const json = await runCli(['conform', '--list', '--level', 'should', '--strict', '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as CatalogueListing;
    assert.equal(doc.schema, 'http-lab/catalogue@1');
    assert.equal(doc.total, doc.checks.length);
    assert.deepEqual(doc.selection, { level: 'should', only: [], skip: [], strict: true });
    for (const c of doc.checks) {
      assert.ok(['MUST', 'security', 'SHOULD', 'robustness'].includes(c.level), `${c.id} is ${c.level}`);
      if (c.level === 'SHOULD') assert.equal(c.required, true, `${c.id} is required under --strict`);
    }
    const md = await runCli(['conform', '--list', '--level', 'must', '--format', 'markdown']);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^\| id \| section \| level \| required \| title \|$/m);
    assert.doesNotMatch(md.stdout, /\| (SHOULD|MAY|architecture) \|/);
  });

  it('a pattern that matches no check, or --list as junit, exits 2 with a one-line reason', async () => {
    const nothing = await runCli(['conform', '--target', 'epoll', '--only', 'rfc9999/1']);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /^http-lab: --only rfc9999\/1 matches no check/);
    const junit = await runCli(['conform', '--list', '--format', 'junit']);
    assert.equal(junit.code, 2);
    assert.match(junit.stderr, /--list prints text, json or markdown/);
  });

  it('a peer whose program is missing exits 2 with a one-line reason, before starting anything', async () => {
    const r = await runCli(['conform', '--target', 'epoll', 'nginx'], { env: { HTTP_LAB_NGINX: '/nonexistent/sbin/nginx' } });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n')[0], 'http-lab: nginx is not installed at /nonexistent/sbin/nginx (from HTTP_LAB_NGINX)');
    assert.equal(r.stdout, '');
  });

  it('several targets run in turn: JSON is a conformance-matrix@1 of single-target reports; JUnit has a testsuite each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'http-lab-cli-'));
    try {
      const args = ['conform', '--target', 'blocking', 'epoll', '--only', 'rfc9112/3.2', 'arch/blocking', 'arch/epoll', '--timeout', String(PATIENCE_MS)];
      const r = await runCli([...args, '--format', 'json', '--out', join(dir, 'm.json')]);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as ConformanceMatrixReport;
      assert.equal(doc.schema, 'http-lab/conformance-matrix@1');
      assert.deepEqual(doc.targets, ['blocking', 'epoll']);
      assert.deepEqual(
        doc.reports.map((x: { schema: string; target: string }) => [x.schema, x.target]),
        [
          ['http-lab/conformance@1', 'blocking'],
          ['http-lab/conformance@1', 'epoll'],
        ],
      );
      for (const report of doc.reports) {
        assert.equal(
          report.summary.fail + report.summary.error,
          0,
          JSON.stringify(report.checks.filter((c: { outcome: string }) => c.outcome !== 'pass' && c.outcome !== 'skip')),
        );
        // each design passes its own fingerprint and skips the other's
        const own = report.checks.find((c: { id: string }) => c.id.startsWith(`arch/${report.target}/`));
        assert.equal(own?.outcome, 'pass');
        assert.ok(
          report.checks.every(
            (c: { id: string; outcome: string }) => !c.id.startsWith('arch/') || c.id.startsWith(`arch/${report.target}/`) || c.outcome === 'skip',
          ),
        );
      }
      const text = await runCli(args);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^\s+check\s+level\s+blocking\s+epoll$/m);
      assert.match(text.stdout, /The targets agree on every check\./);
      const junit = await runCli([...args, '--format', 'junit']);
      assert.equal(junit.code, 0, junit.stderr);
      assert.equal((junit.stdout.match(/<testsuite /g) ?? []).length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unknown target exits 2 and names the choices', async () => {
    const r = await runCli(['conform', '--target', 'nope']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Invalid values[\s\S]*nope[\s\S]*blocking/);
  });

  it('conform without --target or --url exits 2', async () => {
    const r = await runCli(['conform']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--target <name\.\.\.> or --url <url>/);
  });

  it('a fractional --backlog and an unwritable --out exit 2 before anything starts', async () => {
    const backlog = await runCli(['serve', '--target', 'blocking', '--backlog', '1.5']);
    assert.equal(backlog.code, 2);
    assert.match(backlog.stderr, /--backlog must be a positive integer/);
    // A target that counts connections: a run would connect to it before it could write --out.
    let connections = 0;
    const { server, url } = await listening((socket) => {
      connections++;
      socket.destroy();
    });
    try {
      const out = await runCli(['conform', '--url', url, '--out', '/nonexistent-folder/r.json']);
      assert.equal(out.code, 2);
      assert.match(out.stderr, /--out \/nonexistent-folder\/r\.json: the folder \/nonexistent-folder does not exist or is not writable/);
      assert.equal(connections, 0, 'rejected before running: nothing connected to the target');
    } finally {
      server.close();
    }
  });

  it('a timeout of 0, or longer than a Node timer can hold, exits 2', async () => {
    const zero = await runCli(['serve', '--target', 'async', '--header-timeout', '0']);
    assert.equal(zero.code, 2);
    assert.match(zero.stderr, /--header-timeout must be a positive number \(got 0\)/);
    const long = await runCli(['serve', '--target', 'async', '--idle-timeout', '3000000']);
    assert.equal(long.code, 2);
    assert.match(long.stderr, /--idle-timeout must be at most 2147483 seconds \(about 24 days\), not 3000000/);
  });

  it('a port out of range exits 2', async () => {
    const r = await runCli(['serve', '--target', 'blocking', '--port', '70000']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--port must be an integer from 0 to 65535/);
  });

  it('an unreachable --url exits 2 within a few seconds with a clear message', async () => {
    // The time is the point. It is judged beside a run that stops before connecting (its --only
    // matches no check), started at the same moment so that both see the same load: a refused
    // connection adds next to nothing to it, a wait for the probe's 5 s deadline would add seconds.
    const [r, stopsBefore] = await Promise.all([
      runCli(['conform', '--url', 'http://127.0.0.1:1/']),
      runCli(['conform', '--url', 'http://127.0.0.1:1/', '--only', 'rfc9999/1']),
    ]);
    assert.equal(stopsBefore.code, 2, stopsBefore.stderr);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unreachable.*ECONNREFUSED/);
    assert.ok(r.ms < 2 * stopsBefore.ms + 1000, `took ${r.ms} ms; a run that stops before connecting ${stopsBefore.ms} ms`);
  });

  it('a server that fails required checks exits 1, and the failures say why', async () => {
    const { server, url } = await liar();
    try {
      const r = await runCli(['conform', '--url', url, '--timeout', String(PATIENCE_MS)]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /fail/);
      assert.match(r.stdout, /RFC 9112 §3\.2/);
    } finally {
      server.close();
    }
  });

  // epoll: the serial blocking server waits out every close check one after another (16 s); the
  // contract suite (test/servers-contract.test.ts) already runs the whole catalogue on each design.
  it('conform --target epoll passes every required check and writes the JSON contract', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'http-lab-cli-'));
    try {
      const out = join(dir, 'conformance.json');
      const r = await runCli(['conform', '--target', 'epoll', '--format', 'json', '--out', out, '--timeout', String(PATIENCE_MS)]);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(readFileSync(out, 'utf8')) as ConformanceReport;
      assert.equal(doc.schema, 'http-lab/conformance@1');
      assert.equal(doc.target, 'epoll');
      assert.deepEqual(Object.keys(doc.summary).sort(), ['error', 'fail', 'failedCauses', 'pass', 'skip', 'total', 'warn', 'warnedCauses']);
      assert.equal(doc.summary.fail, 0);
      assert.deepEqual(doc.summary.failedCauses, []);
      assert.equal(doc.summary.error, 0);
      assert.ok(doc.summary.total >= 25);
      for (const check of doc.checks) {
        for (const key of ['id', 'section', 'level', 'required', 'cause', 'outcome', 'expected', 'actual', 'ms']) {
          assert.ok(key in check, `check ${check.id} has ${key}`);
        }
        assert.match(check.outcome, /^(pass|fail|warn|skip|error)$/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a server started by conform stops even when conform itself is killed (no orphan)', async () => {
    const conform = spawn(process.execPath, [CLI, 'conform', '--target', 'blocking'], { stdio: 'ignore' });
    const childrenFile = `/proc/${conform.pid}/task/${conform.pid}/children`;
    let serverPid: number;
    try {
      serverPid = await sampled(() => {
        const listed = existsSync(childrenFile) ? readFileSync(childrenFile, 'utf8').trim() : '';
        return listed !== '' && Number(listed.split(' ')[0]);
      }, 'conform started a server child');
    } finally {
      conform.kill('SIGKILL');
    }
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
      } catch {
        return false;
      }
    };
    try {
      await sampled(() => !alive(serverPid), 'the server exited with its parent');
    } finally {
      if (alive(serverPid)) process.kill(serverPid, 'SIGKILL');
    }
  });
});
