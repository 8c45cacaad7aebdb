// A file that exists but cannot be opened because the server has run out of file descriptors, on
// a real server: answered 503 with Retry-After (RFC 9110 §15.6.4: 503 "indicates that the server is
// currently unable to handle the request due to a temporary overload"), and not cached: once
// descriptors are free again, the same path is served 200 with the file's bytes.
//
// How the descriptors run out: once the client's connection is accepted, the test lowers the
// running server's soft RLIMIT_NOFILE to 0 from outside (prlimit --pid, util-linux). Every new
// descriptor then fails with EMFILE, as in a process that holds its limit's worth, while the
// connection already open goes on. (Tests run as root, so a file without read permission would
// still be read.) The designs here serve the connection in the server process itself. Left out: the
// process design serves it from a child with limits of its own, and the thread design starts a
// spare Worker, which needs descriptors, each time it hands one out.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { readResponses } from '../conformance/client.js';
import type { WireResponse } from '../conformance/types.js';
import { spawnServer } from '../targets/design-child.js';
import { EVENT_WAIT_MS, RawPeer, urlParts } from './helpers.js';

const DESIGNS = ['blocking', 'async', 'poll', 'epoll'];
const FRESH = Buffer.from('<p>read only once descriptors are free</p>\n');
const prlimitMissing = spawnSync('prlimit', ['--version']).error !== undefined;
const run = promisify(execFile);

/** The soft limit on open files of process `pid`, from /proc/PID/limits. */
function softNofile(pid: number): string {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  if (soft === undefined) throw new Error(`no "Max open files" in /proc/${pid}/limits`);
  return soft;
}

/** Sends `request` on `peer` and returns the response to it: the `nth` on the connection (1-based). */
async function ask(peer: RawPeer, request: string, nth: number): Promise<WireResponse> {
  peer.write(request);
  const answered = await peer.until((p) => readResponses(p.received).responses.length >= nth || p.closed, EVENT_WAIT_MS);
  const { responses } = readResponses(peer.received);
  assert.ok(answered && responses.length >= nth, `response ${nth} expected; received: ${JSON.stringify(peer.text())}`);
  return responses[nth - 1]!;
}

const get = (target: string): string => `GET ${target} HTTP/1.1\r\nHost: fd-exhaustion\r\n\r\n`;
const header = (res: WireResponse, name: string): string | undefined => res.headers.find(([n]) => n.toLowerCase() === name)?.[1];

describe('a server out of file descriptors', { skip: prlimitMissing && 'prlimit (util-linux) is not installed' }, () => {
  const docroot = mkdtempSync(join(tmpdir(), 'http-lab-fds-'));
  writeFileSync(join(docroot, 'fresh.html'), FRESH);
  after(() => rmSync(docroot, { recursive: true, force: true }));

  for (const design of DESIGNS) {
    it(`${design}: answers 503 with Retry-After while no descriptor is left, then 200 with the file`, async () => {
      // A long idle timeout: the connection must outlive two prlimit runs on a loaded machine.
      const server = await spawnServer(design, docroot, ['--idle-timeout', '300']);
      const { host, port } = urlParts(server.url);
      const peer = await RawPeer.open(host, port);
      try {
        // Answered, so accepted: the connection holds its descriptor before the limit drops. A
        // missing file takes a stat, which needs no descriptor.
        assert.equal((await ask(peer, get('/absent.html'), 1)).status, 404);
        const soft = softNofile(server.pid);
        await run('prlimit', ['--pid', String(server.pid), '--nofile=0:']);
        const refused = await ask(peer, get('/fresh.html'), 2);
        assert.equal(refused.status, 503, refused.raw.toString('latin1'));
        assert.equal(header(refused, 'retry-after'), '1');
        await run('prlimit', ['--pid', String(server.pid), `--nofile=${soft}:`]);
        const served = await ask(peer, get('/fresh.html'), 3);
        assert.equal(served.status, 200, 'the 503 was not cached');
        assert.deepEqual(served.body, FRESH);
      } finally {
        peer.destroy();
        await server.stop();
      }
    });
  }
});
