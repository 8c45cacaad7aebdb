// The peers (nginx, Apache, lighttpd, h2o, Caddy, Python's http.server and a hand-written Node
// server), started by targets/peers.ts on the bundled docroot and judged by the whole catalogue. They
// are other people's servers: what is asserted is that they serve the fixtures byte for byte, that
// the harness judges them (no `error` outcome), believably (nginx and Apache pass nearly every
// required RFC check; python fails MUSTs it is known to fail, each failure quoting its RFC sentence),
// and that they are stopped afterwards, their children included, also when http-lab is killed. Each
// skips, with the reason, where its program is not installed (scripts/test-setup.sh installs nginx,
// lighttpd and apache2 where it can; h2o and caddy only where someone installed them).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { catalogue } from '../conformance/checks/index.js';
import { isAlive } from '../system/proc.js';
import { runChecks } from '../conformance/runner.js';
import type { CheckResult } from '../conformance/types.js';
import { SERVER_NAMES, SERVERS } from '../servers/catalogue.js';
import { apacheConfig, caddyfile, h2oConfig, nginxConfig, PEER_NAMES, peerCannotServe, PEERS, spawnPeer, unreadableBy } from '../targets/peers.js';
import { freePort } from '../system/ports.js';
import { findProgram as findPeerProgram, ProgramMissingError } from '../targets/programs.js';
import type { RunningServer } from '../targets/running.js';
import { spawnTarget, TARGET_NAMES } from '../targets/spawn-target.js';
import { YARDSTICK_NAMES } from '../targets/yardsticks.js';
import { packageRoot } from '../system/package.js';
import { CLI, HTML, peerMissing, urlParts } from './helpers.js';

/** Bounds every wait for something a correct program does (start, answer, exit): reached only when
 * the test fails, so it can be as long as the most loaded machine needs. */
const PATIENCE_MS = 30_000;

function children(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
}

async function gone(pid: number, ms = PATIENCE_MS): Promise<boolean> {
  for (let waited = 0; waited < ms && isAlive(pid); waited += 25) await sleep(25);
  return !isAlive(pid);
}

/** Why a peer's tests skip: its program is missing, or it cannot serve the bundled docroot here. */
const peerSkip = (name: string): string | undefined => peerMissing(name) ?? peerCannotServe(name, HTML);

const describeFailures = (results: CheckResult[]): string =>
  results.map((r) => `${r.outcome} ${r.id}: expected ${r.expected}; actual ${r.actual}${r.reason ? `; ${r.reason}` : ''}`).join('\n');

describe('the target catalogues keep peers apart from the designs', () => {
  it('PEERS are not in SERVERS (the contract suite loops over SERVERS), and --target accepts both', () => {
    assert.deepEqual(PEER_NAMES, ['nginx', 'apache', 'lighttpd', 'h2o', 'caddy', 'python', 'node-static']);
    for (const name of PEER_NAMES) assert.ok(!SERVERS.some((s) => s.name === name), `${name} is not a design`);
    // bench accepts the yardsticks too: one name, one server (the node yardstick is not node-static)
    for (const name of PEER_NAMES) assert.ok(!YARDSTICK_NAMES.includes(name), `${name} is not a yardstick`);
    assert.deepEqual(TARGET_NAMES, [...SERVER_NAMES, ...PEER_NAMES]);
  });

  it('a missing program is a ProgramMissingError with a one-line reason', () => {
    const nginx = PEERS.find((p) => p.name === 'nginx')!;
    assert.throws(() => findPeerProgram(nginx, { PATH: '/nonexistent', HTTP_LAB_NGINX: '/nonexistent/nginx' }), ProgramMissingError);
    assert.throws(
      () => findPeerProgram(nginx, { HTTP_LAB_NGINX: '/nonexistent/nginx' }),
      /^ProgramMissingError: nginx is not installed at \/nonexistent\/nginx \(from HTTP_LAB_NGINX\)$/,
    );
  });

  it("nginx's configuration is stock-like and keeps every path in its private folder", () => {
    const conf = nginxConfig(4321, '/srv/html', '/tmp/x');
    for (const line of [
      'daemon off;',
      'worker_processes 1;',
      'error_log stderr;',
      'pid /tmp/x/nginx.pid;',
      'access_log off;',
      'sendfile on;',
      'listen 127.0.0.1:4321;',
      'root /srv/html;',
      'index index.html;',
    ]) {
      assert.ok(conf.includes(line), `${line} in\n${conf}`);
    }
    assert.match(conf, /client_body_temp_path \/tmp\/x\//);
  });

  it("Apache's configuration is Debian's, on the port and docroot, and keeps its files in its private folder", () => {
    const conf = apacheConfig(4321, '/srv/html', '/tmp/x');
    for (const line of [
      'Define APACHE_RUN_DIR "/tmp/x"',
      'Define APACHE_PID_FILE "/tmp/x/apache2.pid"',
      'Define APACHE_LOG_DIR "/tmp/x"',
      'DefaultRuntimeDir ${APACHE_RUN_DIR}',
      'PidFile ${APACHE_PID_FILE}',
      'ErrorLog ${APACHE_LOG_DIR}/error.log',
      'KeepAliveTimeout 5',
      'IncludeOptional mods-enabled/*.load',
      'IncludeOptional mods-enabled/*.conf',
      'IncludeOptional conf-enabled/*.conf',
      'Listen 127.0.0.1:4321',
      '<Directory "/srv/html">',
      '<VirtualHost *:4321>',
      'DocumentRoot "/srv/html"',
    ]) {
      assert.ok(conf.includes(line), `${line} in\n${conf}`);
    }
    assert.doesNotMatch(conf, /^(User|Group) /m, 'no user switch unless started by root');
    assert.doesNotMatch(conf, /\/var\/(run|log|lock|www)/, "nothing outside the private folder but Debian's own files");
    const asRoot = apacheConfig(4321, '/srv/html', '/tmp/x', 'www-data');
    assert.match(asRoot, /^Define APACHE_RUN_USER www-data$/m);
    assert.match(asRoot, /^User \$\{APACHE_RUN_USER\}$/m);
    assert.match(asRoot, /^Group \$\{APACHE_RUN_GROUP\}$/m);
  });

  it("h2o's and Caddy's configurations are Debian's, on 127.0.0.1, the port and the docroot", () => {
    const h2o = h2oConfig(4321, '/srv/html', '/tmp/x');
    for (const line of [
      'server-name: "h2o (Debian)"',
      'access-log: "/tmp/x/access.log"',
      'error-log: "/tmp/x/error.log"',
      'pid-file: "/tmp/x/h2o.pid"',
      '  host: 127.0.0.1',
      '  port: 4321',
      '        file.dir: "/srv/html"',
    ]) {
      assert.ok(h2o.includes(line), `${line} in\n${h2o}`);
    }
    // As root it stays root (as debian-h2o it would lose the parent-death signal); else no user line.
    assert.equal(/^user: (.*)$/m.exec(h2o)?.[1], process.getuid?.() === 0 ? 'root' : undefined);
    const caddy = caddyfile(4321, '/srv/html');
    for (const line of ['admin off', 'auto_https off', ':4321 {', 'bind 127.0.0.1', 'root * "/srv/html"', 'file_server']) {
      assert.ok(caddy.includes(line), `${line} in\n${caddy}`);
    }
  });

  it('a docroot that www-data cannot enter is found before Apache starts', (t) => {
    if (!readFileSync('/etc/passwd', 'utf8').includes('\nwww-data:')) return t.skip('no www-data user here');
    const dir = mkdtempSync(join(tmpdir(), 'http-lab-private-'));
    try {
      mkdirSync(join(dir, 'html'));
      chmodSync(dir, 0o700);
      assert.match(unreadableBy('www-data', join(dir, 'html')) ?? '', new RegExp(`^www-data cannot enter ${dir} \\(mode 700\\)$`));
      chmodSync(dir, 0o755);
      assert.equal(unreadableBy('www-data', join(dir, 'html')), undefined);
      assert.equal(unreadableBy('no-such-user-here', join(dir, 'html')), undefined, 'an unknown user: the server says so itself');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const name of PEER_NAMES) {
  const skip = peerSkip(name);
  describe(`peer ${name}`, { skip }, () => {
    let server: RunningServer | undefined;
    let results: CheckResult[] = [];
    let workers: number[] = [];
    before(async () => {
      server = await spawnTarget(name, HTML);
      results = await runChecks(catalogue, urlParts(server.url), {
        timeoutMs: PATIENCE_MS,
        pid: server.pid,
        ...(server.design !== undefined ? { design: server.design } : {}),
        ...(server.concurrency !== undefined ? { concurrency: server.concurrency } : {}),
      });
      // After the checks: nginx's master forks its worker once it listens, and the worker has
      // answered them.
      workers = children(server.pid);
    });
    after(async () => {
      await server?.stop();
    });

    it('starts as a peer, with no design, on an ephemeral port of 127.0.0.1', () => {
      assert.equal(server!.kind, 'peer');
      assert.equal(server!.design, undefined);
      assert.match(server!.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(isAlive(server!.pid));
    });

    it('serves /index.html byte for byte as the fixture file', async () => {
      const res = await fetch(`${server!.url}/index.html`);
      assert.equal(res.status, 200);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), readFileSync(join(HTML, 'index.html')));
    });

    it('is judged: no check is an error (a harness problem), and every architecture check skips', () => {
      assert.deepEqual(describeFailures(results.filter((r) => r.outcome === 'error')), '');
      for (const r of results.filter((r) => r.level === 'architecture')) {
        assert.equal(r.outcome, 'skip', r.id);
        assert.match(r.reason!, /not a built-in design/);
      }
    });

    it('every failure names the RFC sentence it violates', (t) => {
      const failed = results.filter((r) => r.outcome === 'fail' || r.outcome === 'warn');
      t.diagnostic(
        `${name}: ${results.filter((r) => r.outcome === 'pass').length} pass, ${results.filter((r) => r.outcome === 'fail').length} fail, ${results.filter((r) => r.outcome === 'warn').length} warn`,
      );
      for (const r of failed) {
        assert.ok((r.requirement ?? '').trim().length > 20, `${r.id} quotes its requirement`);
        assert.ok(r.expected.length > 0 && r.actual.length > 0, `${r.id} says what was expected and what came back`);
      }
    });

    if (name === 'nginx' || name === 'apache') {
      it('passes at least 85% of the required RFC checks', (t) => {
        const required = results.filter((r) => r.required && r.level !== 'architecture' && r.section.startsWith('RFC '));
        const failed = required.filter((r) => r.outcome !== 'pass');
        t.diagnostic(`${name} fails ${failed.length} of ${required.length} required RFC checks:\n${describeFailures(failed)}`);
        assert.ok(required.length >= 40, `${required.length} required RFC checks`);
        assert.ok((required.length - failed.length) / required.length >= 0.85, describeFailures(failed));
      });
    }

    if (name === 'python') {
      it('fails the MUSTs http.server is known to fail (Host is never checked)', () => {
        for (const id of ['rfc9112/3.2/host-missing', 'rfc9112/3.2/host-duplicate', 'rfc9112/5.1/ws-before-colon']) {
          const r = results.find((x) => x.id === id);
          if (r === undefined) continue; // not in this catalogue any more
          assert.equal(r.outcome, 'fail', `${id}: ${r.actual}`);
          assert.match(r.requirement!, /MUST/);
        }
        // ... and still serves files correctly
        assert.equal(results.find((r) => r.id === 'rfc9110/9.1/get-index')?.outcome, 'pass');
      });
    }

    it('stops on its stop signal (SIGTERM; SIGINT for h2o), its worker processes too', async () => {
      const pid = server!.pid;
      await server!.stop();
      assert.ok(await gone(pid), `${name} ${pid} exited`);
      for (const worker of workers) assert.ok(await gone(worker), `${name}'s child ${worker} exited`);
    });
  });
}

for (const name of PEER_NAMES) {
  describe(`peer ${name}: the port race`, { skip: peerSkip(name) }, () => {
    it('a port taken before the peer binds it is retried on another', async () => {
      // Something else holds the port that the first attempt is given.
      const squatter = createServer();
      await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
      const taken = (squatter.address() as { port: number }).port;
      const given: number[] = [];
      let server: RunningServer | undefined;
      try {
        server = await spawnPeer(name, HTML, {
          startTimeoutMs: PATIENCE_MS,
          pickPort: async () => {
            const port = given.length === 0 ? taken : await freePort();
            given.push(port);
            return port;
          },
        });
        assert.equal(given.length, 2, 'a second attempt');
        assert.equal(server.url, `http://127.0.0.1:${given[1]}`);
        const res = await fetch(`${server.url}/index.html`);
        assert.equal(res.status, 200);
        await res.arrayBuffer();
      } finally {
        await server?.stop();
        squatter.close();
      }
    });
  });
}

for (const name of PEER_NAMES) {
  describe(`peer ${name} started by http-lab does not outlive it`, { skip: peerSkip(name) }, () => {
    it(`${name} gets its stop signal when the process that started it is SIGKILLed`, async (t) => {
      const script = `import { spawnPeer } from ${JSON.stringify(`${packageRoot()}/dist/targets/peers.js`)};
const s = await spawnPeer(${JSON.stringify(name)}, ${JSON.stringify(HTML)}, { startTimeoutMs: ${PATIENCE_MS} });
console.log(s.pid, s.url);
setInterval(() => {}, 1000);`;
      // The killed parent cannot remove the peer's temporary folder: it is made in this one, removed below.
      const tmp = mkdtempSync(join(tmpdir(), 'http-lab-orphan-'));
      t.after(() => rmSync(tmp, { recursive: true, force: true }));
      const parent = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, TMPDIR: tmp },
      });
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        parent.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
        });
        parent.once('exit', (code, signal) =>
          reject(new Error(`the child exited (${signal ?? `code ${code}`}) before printing ${name}'s pid: ${JSON.stringify(out)}`)),
        );
      });
      const [pid, url] = [Number(line.split(' ')[0]), line.split(' ')[1]];
      assert.ok(pid > 0, `the child printed ${name}'s pid: ${JSON.stringify(line)}`);
      // Answered: nginx's worker has been forked, Apache's children are up.
      const res = await fetch(`${url}/index.html`);
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      const workers = children(pid);
      if (name === 'nginx' || name === 'apache') assert.ok(workers.length > 0, `${name} ${pid} has workers`);
      parent.kill('SIGKILL');
      const stopped = await gone(pid);
      if (!stopped) process.kill(pid, 'SIGKILL');
      assert.ok(stopped, `${name} exited with its parent (setpriv --pdeathsig)`);
      for (const worker of workers) assert.ok(await gone(worker), `worker ${worker} exited`);
    });
  });
}

describe('http-lab conform --target epoll nginx python --format markdown', { skip: peerMissing('nginx') ?? peerMissing('python') }, () => {
  it('runs the three in turn, exits 1 (python fails MUSTs), and marks where they disagree', async () => {
    const child = spawn(process.execPath, [CLI, 'conform', '--target', 'epoll', 'nginx', 'python', '--format', 'markdown', '--timeout', String(PATIENCE_MS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 1, stderr);
    assert.match(stdout, /^## http-lab conformance: epoll, nginx, python$/m);
    // The design's own health is the contract suite's business: here, the peers' columns.
    assert.match(stdout, /^\| epoll \| \d+ \| /m);
    assert.match(stdout, /^\| python \| \d+ \| \d+ \| [1-9]\d* \| \d+ \| \d+ \| 0 \| [\d.]+ s \| ❌ \d+ required checks? failed \(\d+ root causes?\) \|$/m);
    assert.match(stdout, /^\| nginx \| \d+ \| \d+ \| \d+ \| \d+ \| \d+ \| 0 \| /m);
    assert.match(stdout, /^### Where the targets disagree \(\d+\)$/m);
    assert.match(stdout, /^\| ≠ rfc9112\/3\.2\/host-missing \| RFC 9112 §3\.2 \| MUST \| [^|]+ \| ✅ pass \| ❌ \*\*fail\*\* \|$/m);
    assert.match(stdout, /^### python: failures and errors \(\d+\)$/m);
    const rows = stdout.split('\n').filter((l) => /^\| (≠ )?[a-z]+\/\S+ \| /.test(l));
    assert.ok(rows.length > 0);
    for (const row of rows) {
      const cells = row.split(' | ');
      assert.ok(!cells.slice(-2).some((c) => c.includes('💥')), `no harness error on nginx or python: ${row}`);
    }
  });
});

describe('peer nginx: Ctrl-C while it is still starting', { skip: peerMissing('nginx') }, () => {
  it('leaves neither the peer nor its temporary folder behind', async () => {
    // A temporary folder of its own: the peer folders in it are this conform's, whatever runs beside.
    const tmp = mkdtempSync(join(tmpdir(), 'http-lab-ctrl-c-'));
    const watcher = watch(tmp);
    try {
      const conform = spawn(process.execPath, [CLI, 'conform', '--target', 'nginx'], { stdio: 'ignore', env: { ...process.env, TMPDIR: tmp } });
      const exited = new Promise((resolve) => conform.once('exit', resolve));
      const folder = await new Promise<string>((resolve, reject) => {
        watcher.on('change', (_event, name) => {
          if (typeof name === 'string' && name.startsWith('http-lab-nginx-')) resolve(name);
        });
        void exited.then((code) => reject(new Error(`conform exited (${String(code)}) before creating the peer folder`)));
      });
      conform.kill('SIGTERM'); // as soon as the folder exists: nginx is still starting
      await exited;
      assert.equal(existsSync(join(tmp, folder)), false, `${folder} was removed`);
      assert.deepEqual(readdirSync(tmp), [], 'nothing else left behind');
    } finally {
      watcher.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
