// The checks added next to Http11Probe, judged against stand-ins written here, to show that the ones
// whose verdict is subtle are not vacuous:
// - Expect: 100-continue: a server that waits for the content before answering sends the same bytes
//   as one that does not, only later; the timed check tells them apart;
// - Content-Length with OWS: a server that reads the field value without excluding OWS refuses
//   "5 ", "  5" and "<HTAB>5"; one that excludes it reads 5 and answers the request behind;
// - a decoded %0d%0a written into a Location makes a field of its own.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { answerEach, startFake, type FakeServer } from '../fake-server.js';
import { bundledDocroot } from '../../system/package.js';
import { runChecks } from '../runner.js';
import { probeGapChecks } from './probe-gaps.js';

const OPTS = { timeoutMs: 30_000, closeWaitMs: 1_000 };
const NOT_ALLOWED = 'HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\nContent-Length: 0\r\n\r\n';
const CL_OWS = ['rfc9110/5.5/cl-trailing-sp', 'rfc9110/5.5/cl-leading-double-sp', 'rfc9110/5.5/cl-leading-htab'];

function ok(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
}

/** A server that frames requests by Content-Length: GET of a bundled file is served, POST is
 * refused (405) once its content is read. `trimOws` says whether the value's OWS is excluded; where
 * it is not, "5 " is no number, and the answer is 400, then close. */
function framing(trimOws: boolean) {
  return (socket: net.Socket): void => {
    let pending = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = pending.subarray(0, end).toString('latin1');
        const raw = /^content-length:(.*)$/im.exec(head)?.[1] ?? '0';
        const value = trimOws ? raw.replace(/^[ \t]+|[ \t]+$/g, '') : raw.replace(/^ /, '');
        if (!/^\d+$/.test(value)) {
          socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
          return;
        }
        if (pending.length < end + 4 + Number(value)) return;
        pending = pending.subarray(end + 4 + Number(value));
        const get = /^GET \/([^ ]*) /.exec(head);
        socket.write(get ? ok(readFileSync(join(bundledDocroot(), get[1]!))) : NOT_ALLOWED);
      }
    });
  };
}

/** The bundled file a GET head asks for (the runner's profile asks for index.html), or undefined
 * when `head` is no GET of one. */
function served(head: string): Buffer | undefined {
  const m = /^GET \/([a-z.]+) HTTP\/1\.1\r\n/.exec(head);
  return m ? ok(readFileSync(join(bundledDocroot(), m[1]!))) : undefined;
}

/** Answers a POST head with Expect: 100-continue: `early` is written as soon as the head is in, the
 * 405 once the 5 octets of content are. A GET of a bundled file is served. */
function expecting(early: string | undefined) {
  return (socket: net.Socket): void => {
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      const file = got.endsWith('\r\n\r\n') ? served(got) : undefined;
      if (file) {
        socket.write(file);
        got = '';
      } else if (got.endsWith('\r\n\r\n')) {
        if (early !== undefined) socket.write(early);
      } else if (got.endsWith('hello')) socket.write(NOT_ALLOWED);
    });
  };
}

const only = (...ids: string[]) => probeGapChecks.filter((c) => ids.some((id) => c.id.endsWith(id)));

describe('the checks added next to Http11Probe', () => {
  const fakes: Record<string, FakeServer> = {};
  before(async () => {
    // Waits for the 5 octets of content before it answers anything.
    fakes.waiting = await startFake(expecting(undefined));
    // Sends 100 (Continue) as soon as the head is in, then its answer once the content is.
    fakes.continuing = await startFake(expecting('HTTP/1.1 100 Continue\r\n\r\n'));
    fakes.strict = await startFake(framing(false));
    fakes.trimming = await startFake(framing(true));
    // Redirects a folder to its slash, with the query decoded into the Location.
    fakes.injecting = await startFake(
      answerEach((head) => {
        const query = /^GET \/docs\?x=([^ ]*) /.exec(head)?.[1];
        if (query === undefined) return served(head + '\r\n\r\n') ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n';
        return `HTTP/1.1 301 Moved Permanently\r\nLocation: /docs/?x=${decodeURIComponent(query)}\r\nContent-Length: 0\r\n\r\n`;
      }),
    );
  });
  after(async () => {
    for (const fake of Object.values(fakes)) await fake.close();
  });

  it('Expect: 100-continue: fails a server that waits for the content, passes one that sends 100 at once', async () => {
    const check = only('expect-continue-not-waiting');
    const [waiting] = await runChecks(check, { host: '127.0.0.1', port: fakes.waiting!.port }, OPTS);
    assert.equal(waiting!.outcome, 'fail', waiting!.actual);
    assert.match(waiting!.actual, /^HTTP\/1\.1 405 .* at [\d.]+ ms, the content sent at [\d.]+ ms$/);
    const [continuing] = await runChecks(check, { host: '127.0.0.1', port: fakes.continuing!.port }, OPTS);
    assert.equal(continuing!.outcome, 'pass', continuing!.actual);
    assert.match(continuing!.actual, /^HTTP\/1\.1 100 Continue/);
  });

  it('Content-Length with OWS: fails a server that does not exclude it, passes one that does', async () => {
    const strict = await runChecks(only(...CL_OWS), { host: '127.0.0.1', port: fakes.strict!.port }, OPTS);
    assert.deepEqual(
      strict.map((r) => [r.id, r.outcome]),
      CL_OWS.map((id) => [id, 'fail']),
    );
    const trimming = await runChecks(only(...CL_OWS), { host: '127.0.0.1', port: fakes.trimming!.port }, OPTS);
    assert.deepEqual(
      trimming.map((r) => [r.id, r.outcome, r.branch]),
      CL_OWS.map((id) => [id, 'pass', 'then the request behind answered']),
    );
  });

  it('%0d%0a decoded into a Location fails the injection check', async () => {
    const [r] = await runChecks(only('no-crlf-from-target'), { host: '127.0.0.1', port: fakes.injecting!.port }, OPTS);
    assert.equal(r!.outcome, 'fail', r!.actual);
    assert.match(r!.actual, /X-Lab-Injected/);
  });
});
