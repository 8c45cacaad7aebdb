// A client and a server connected without a socket, in the style of h11's tests: a tiny client
// writes request bytes into ServerConnection.receive() and parses what takeOutput() returns. The
// server is the real site (servers/io/site.ts) over the repository's html/ fixtures.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createSite } from '../io/site.js';
import type { ServerConnection } from './connection.js';
import { parseHttpDate } from './dates.js';
import { bundledDocroot } from '../../system/package.js';
import { collect, header, parseResponses, type WireResponse } from './testing.js';

const HTML_DIR = bundledDocroot();
const file = (name: string): Buffer => readFileSync(join(HTML_DIR, name));

/** The client half: sends requests, reads back responses, tracks whether the server closed. */
class Client {
  closed = false;
  constructor(private readonly server: ServerConnection) {}

  /** Sends requests (each [method, target, extra fields]) in one write and reads all responses. */
  send(requests: Array<[string, string, string?]>, chunkSize = Infinity): WireResponse[] {
    assert.equal(this.closed, false, 'the client does not write to a closed connection');
    const raw = requests.map(([m, t, extra]) => `${m} ${t} HTTP/1.1\r\nHost: localhost\r\n${extra ?? ''}\r\n`).join('');
    const input = Buffer.from(raw, 'latin1');
    const received: Buffer[] = [];
    for (let i = 0; i < input.length; i += chunkSize === Infinity ? input.length : chunkSize) {
      this.server.receive(input.subarray(i, Math.min(input.length, i + (chunkSize === Infinity ? input.length : chunkSize))));
      const out = collect(this.server);
      received.push(out.bytes);
      if (out.close) this.closed = true;
    }
    return parseResponses(
      Buffer.concat(received),
      requests.map(([m]) => m),
    );
  }
}

function assertFile(res: WireResponse, name: string, type: string): void {
  const expected = file(name);
  assert.equal(res.status, 200, name);
  assert.equal(header(res, 'content-type'), type, name);
  assert.equal(header(res, 'content-length'), String(expected.length), name);
  assert.ok(res.body.equals(expected), `${name}: body bytes equal the file`);
  const lm = parseHttpDate(header(res, 'last-modified')!, Date.now());
  assert.equal(lm, Math.floor(statSync(join(HTML_DIR, name)).mtimeMs / 1000) * 1000, `${name}: Last-Modified is the file's mtime`);
  assert.match(header(res, 'etag')!, /^"[^"]+"$/);
  assert.notEqual(parseHttpDate(header(res, 'date')!, Date.now()), null, 'Date is an HTTP-date');
}

describe('client ↔ server over the real html/ docroot', () => {
  it('a keep-alive exchange of several requests, including HEAD and a 404', () => {
    const client = new Client(createSite(HTML_DIR).connection());
    const [index] = client.send([['GET', '/']]);
    assertFile(index!, 'index.html', 'text/html; charset=utf-8');
    assert.equal(header(index!, 'connection'), undefined, 'HTTP/1.1 keeps the connection open');

    const [css] = client.send([['GET', '/style.css']]);
    assertFile(css!, 'style.css', 'text/css; charset=utf-8');

    const [head] = client.send([['HEAD', '/logo.png']]);
    assert.equal(head!.status, 200);
    assert.equal(header(head!, 'content-length'), String(file('logo.png').length));
    assert.equal(header(head!, 'content-type'), 'image/png');
    assert.equal(head!.body.length, 0);

    const [missing] = client.send([['GET', '/no-such-file.html']]);
    assert.equal(missing!.status, 404);
    assert.equal(Number(header(missing!, 'content-length')), missing!.body.length);

    const [png] = client.send([['GET', '/logo.png']]);
    assertFile(png!, 'logo.png', 'image/png');

    const [docs] = client.send([['GET', '/docs/']]);
    assertFile(docs!, 'docs/index.html', 'text/html; charset=utf-8');

    const [redirect] = client.send([['GET', '/docs']]);
    assert.equal(redirect!.status, 301);
    assert.equal(header(redirect!, 'location'), '/docs/');

    const [space] = client.send([['GET', '/with%20space.html']]);
    assertFile(space!, 'with space.html', 'text/html; charset=utf-8');

    const [empty] = client.send([['GET', '/empty.txt']]);
    assertFile(empty!, 'empty.txt', 'text/plain; charset=utf-8');

    const etag = header(index!, 'etag')!;
    const [notModified] = client.send([['GET', '/index.html', `If-None-Match: ${etag}\r\n`]]);
    assert.equal(notModified!.status, 304);
    assert.equal(header(notModified!, 'etag'), etag);

    const [partial] = client.send([['GET', '/app.js', 'Range: bytes=0-9\r\n']]);
    assert.equal(partial!.status, 206);
    assert.equal(header(partial!, 'content-range'), `bytes 0-9/${file('app.js').length}`);
    assert.ok(partial!.body.equals(file('app.js').subarray(0, 10)));

    const [last] = client.send([['GET', '/app.js', 'Connection: close\r\n']]);
    assertFile(last!, 'app.js', 'text/javascript; charset=utf-8');
    assert.equal(header(last!, 'connection'), 'close');
    assert.equal(client.closed, true);
  });

  it('a pipelined batch of 3 in one write', () => {
    const client = new Client(createSite(HTML_DIR).connection());
    const responses = client.send([
      ['GET', '/index.html'],
      ['HEAD', '/style.css'],
      ['GET', '/app.js'],
    ]);
    assert.equal(responses.length, 3);
    assertFile(responses[0]!, 'index.html', 'text/html; charset=utf-8');
    assert.equal(responses[1]!.status, 200);
    assert.equal(header(responses[1]!, 'content-length'), String(file('style.css').length));
    assert.equal(responses[1]!.body.length, 0);
    assertFile(responses[2]!, 'app.js', 'text/javascript; charset=utf-8');
    assert.equal(client.closed, false);
  });

  it('the same pipelined batch sent in 7-byte pieces gives the same responses', () => {
    const batch: Array<[string, string]> = [
      ['GET', '/index.html'],
      ['GET', '/missing'],
      ['GET', '/docs/'],
    ];
    const whole = new Client(createSite(HTML_DIR).connection()).send(batch);
    const pieces = new Client(createSite(HTML_DIR).connection()).send(batch, 7);
    assert.deepEqual(
      pieces.map((r) => [r.status, r.body]),
      whole.map((r) => [r.status, r.body]),
    );
    assert.deepEqual(
      pieces.map((r) => r.status),
      [200, 404, 200],
    );
  });

  it('five pipelined requests for the 1 MiB large.bin come out over several calls, in order, intact', () => {
    const large = file('large.bin');
    assert.equal(large.length, 1024 * 1024);
    const server = createSite(HTML_DIR).connection();
    server.receive(Buffer.from('GET /large.bin HTTP/1.1\r\nHost: l\r\n\r\n'.repeat(4) + 'GET /index.html HTTP/1.1\r\nHost: l\r\n\r\n'));
    const out = collect(server);
    assert.ok(out.calls >= 4, `several takeOutput() calls (got ${out.calls})`);
    const responses = parseResponses(out.bytes);
    assert.equal(responses.length, 5);
    for (let i = 0; i < 4; i++) assert.ok(responses[i]!.body.equals(large), `large.bin #${i} intact`);
    assert.ok(responses[4]!.body.equals(file('index.html')));
  });

  it('HEAD of large.bin announces 1 MiB and sends no body', () => {
    const client = new Client(createSite(HTML_DIR).connection());
    const [head, after] = client.send([
      ['HEAD', '/large.bin'],
      ['GET', '/style.css'],
    ]);
    assert.equal(header(head!, 'content-length'), String(1024 * 1024));
    assert.equal(head!.raw.length, head!.raw.indexOf('\r\n\r\n') + 4);
    assertFile(after!, 'style.css', 'text/css; charset=utf-8');
  });

  it('traversal out of html/ finds nothing', () => {
    const client = new Client(createSite(HTML_DIR).connection());
    const responses = client.send([
      ['GET', '/../package.json'],
      ['GET', '/%2e%2e/package.json'],
      ['GET', '/..%2fpackage.json'],
    ]);
    assert.deepEqual(
      responses.map((r) => r.status),
      [404, 404, 404],
    );
    for (const r of responses) assert.ok(!r.body.toString().includes('"name"'));
  });
});
