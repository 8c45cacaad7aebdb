// The io_uring server beyond the contract every design meets (servers-contract.test.ts):
// - under keep-alive load it makes no recvfrom, sendto, recvmsg or sendmsg: its bytes move through
//   the ring, counted with `strace -c -f` as `npm run bench:per-request` counts them;
// - where io_uring is refused (here by a seccomp filter, as container runtimes apply one),
//   `serve --target uring` exits 2 with the reason.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findServer } from '../servers/catalogue.js';
import { STOP_CHECK_MS } from '../servers/io/constants.js';
import { spawnServer } from '../targets/design-child.js';
import type { RunningServer } from '../targets/running.js';
import { CLI, EVENT_WAIT_MS, fixture, HTML, unlessRefused } from './helpers.js';

const uring = findServer('uring')!;
const hasStrace = spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;
const hasCc = spawnSync('cc', ['--version'], { stdio: 'ignore' }).status === 0;
const CONNECTIONS = 10;
const REQUESTS_EACH = 50;

/** GETs /index.html `each` times in turn on each of `connections` kept-alive connections; the bodies must be the file. */
async function keepAliveLoad(url: string, connections: number, each: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const expected = fixture('index.html');
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      get(new URL('/index.html', url), { agent, timeout: EVENT_WAIT_MS }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () =>
          Buffer.concat(parts).equals(expected) && res.statusCode === 200 ? resolve() : reject(new Error(`bad response ${res.statusCode}`)),
        );
      }).on('error', reject);
    });
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        for (let i = 0; i < each; i++) await one();
      }),
    );
  } finally {
    agent.destroy();
  }
}

describe('uring server: system calls under load (strace -c -f)', { ...unlessRefused(uring), ...(hasStrace ? {} : { skip: 'strace is not installed' }) }, () => {
  let server: RunningServer | undefined;
  let dir: string;
  before(async () => {
    server = await spawnServer('uring', HTML);
    dir = mkdtempSync(join(tmpdir(), 'uring-strace-'));
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${CONNECTIONS * REQUESTS_EACH} keep-alive requests: no recvfrom, sendto, recvmsg or sendmsg; at most two io_uring_enter a request`, async () => {
    const file = join(dir, 'strace.txt');
    const strace = spawn('strace', ['-c', '-f', '-p', String(server!.pid), '-o', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => strace.once('exit', resolve));
    let stderr = '';
    // strace says "Process N attached" once it traces the process: the load starts after that.
    await new Promise<void>((resolve, reject) => {
      strace.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (/attached/.test(stderr)) resolve();
      });
      void exited.then((code) => reject(new Error(`strace exited (${code}) before attaching: ${stderr.trim()}`)));
    });
    const started = Date.now();
    try {
      await keepAliveLoad(server!.url, CONNECTIONS, REQUESTS_EACH);
    } finally {
      strace.kill('SIGINT');
      await exited;
    }
    const calls = new Map<string, number>();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$/.exec(line);
      if (m && m[2] !== 'total') calls.set(m[2]!, Number(m[1]));
    }
    const requests = CONNECTIONS * REQUESTS_EACH;
    assert.ok(calls.size > 0, `strace counted calls: ${readFileSync(file, 'utf8')}`);
    for (const name of ['recvfrom', 'sendto', 'recvmsg', 'sendmsg', 'readv', 'writev'])
      assert.equal(calls.get(name) ?? 0, 0, `${name}: ${[...calls].join(', ')}`);
    // A turn of the loop is one io_uring_enter and reaps at least one completion, and a request
    // has two (its receive and its send), so even a client too slow to batch for costs at most two
    // a request; an idle loop adds a turn per STOP_CHECK_MS (250 ms). How few a loaded server
    // makes is a figure for npm run bench:per-request, not a test on a shared machine.
    const enters = calls.get('io_uring_enter') ?? 0;
    const idleTurns = Math.ceil((Date.now() - started) / STOP_CHECK_MS) + 2;
    assert.ok(enters > 0 && enters <= 2 * requests + idleTurns, `io_uring_enter ${enters} times for ${requests} requests`);
  });
});

describe('uring server: where io_uring is refused', { ...(hasCc ? {} : { skip: 'no C compiler (cc) to build the seccomp wrapper' }) }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'deny-io-uring-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serve --target uring exits 2 and says why', () => {
    const wrapper = join(dir, 'deny-io-uring');
    const built = spawnSync('cc', ['-o', wrapper, join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'deny-io-uring.c')], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    const r = spawnSync(wrapper, [process.execPath, CLI, 'serve', '--target', 'uring', '--port', '0'], { encoding: 'utf8', timeout: EVENT_WAIT_MS });
    assert.equal(r.status, 2, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /serve --target uring: io_uring is refused here: io_uring_setup: Operation not permitted \(a seccomp profile/);
    assert.doesNotMatch(r.stdout, /listening/);
  });
});
