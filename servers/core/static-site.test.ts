// The static site application, seen through a ServerConnection: methods, Content-Type, redirects,
// conditional requests (RFC 9110 §13) and single byte ranges (RFC 9110 §14), asserted on the bytes
// a client receives.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatHttpDate } from './dates.js';
import { contentTypeFor } from './mime.js';
import { StaticFiles } from './static-files.js';
import { createStaticSite } from './static-site.js';
import type { RequestHandler } from './connection.js';
import type { Response } from './response.js';
import { FakeClock, FakeFiles, collect, header, headerCount, makeConnection, parseResponses, type WireResponse } from './testing.js';

const ROOT = '/srv/www';
const MTIME = Date.UTC(2024, 0, 1, 10, 20, 30);
const ALPHA = 'abcdefghijklmnopqrstuvwxyz';
const BIG = Buffer.alloc(300 * 1024);
for (let i = 0; i < BIG.length; i++) BIG[i] = (i * 7 + 3) & 0xff;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);

interface Site {
  files: FakeFiles;
  clock: FakeClock;
  send: (raw: string, methods?: string[]) => { responses: WireResponse[]; close: boolean };
  /** every Response object the handler returned, in order */
  handled: Response[];
}

function makeSite(cacheFileBytes?: number): Site {
  const files = new FakeFiles()
    .file(`${ROOT}/index.html`, '<h1>home</h1>\n', MTIME)
    .file(`${ROOT}/docs/index.html`, '<h1>docs</h1>\n', MTIME)
    .file(`${ROOT}/style.css`, 'body { color: red }\n', MTIME)
    .file(`${ROOT}/app.js`, 'console.log(1);\n', MTIME)
    .file(`${ROOT}/logo.png`, PNG, MTIME)
    .file(`${ROOT}/empty.txt`, '', MTIME)
    .file(`${ROOT}/alpha.txt`, ALPHA, MTIME)
    .file(`${ROOT}/with space.html`, 'space\n', MTIME)
    .file(`${ROOT}/data.unknownext`, 'x', MTIME)
    .file(`${ROOT}/README`, 'readme', MTIME)
    .file(`${ROOT}/big.bin`, BIG, MTIME);
  const clock = new FakeClock();
  const sf = new StaticFiles(
    cacheFileBytes === undefined ? { docroot: ROOT, files, clock: clock.clock } : { docroot: ROOT, files, clock: clock.clock, cacheFileBytes },
  );
  const site = createStaticSite(sf);
  const handled: Response[] = [];
  const handler: RequestHandler = (request) => {
    const response = site(request);
    handled.push(response);
    return response;
  };
  const send = (raw: string, methods: string[] = []): { responses: WireResponse[]; close: boolean } => {
    const conn = makeConnection(handler, { clock });
    conn.receive(Buffer.from(raw, 'latin1'));
    const out = collect(conn);
    return { responses: parseResponses(out.bytes, methods), close: out.close };
  };
  return { files, clock, send, handled };
}

const req = (method: string, target: string, extra = ''): string => `${method} ${target} HTTP/1.1\r\nHost: example.test\r\n${extra}\r\n`;

/** One request on a fresh connection; exactly one response expected. */
function one(raw: string, method = 'GET', site = makeSite()): WireResponse {
  const { responses } = site.send(raw, [method]);
  assert.equal(responses.length, 1, `one response expected, got ${responses.map((r) => r.status).join(',')}`);
  return responses[0]!;
}

function assertSelfDelimited(res: WireResponse): void {
  const cl = header(res, 'content-length');
  assert.notEqual(cl, undefined, `${res.status} has Content-Length`);
  assert.equal(Number(cl), res.body.length, `${res.status} Content-Length equals the body length`);
  assert.ok(res.body.length > 0, `${res.status} explains itself in a body`);
}

const ETAG_OF = (site = makeSite(), target = '/alpha.txt'): string => header(one(req('GET', target), 'GET', site), 'etag')!;

describe('static site: GET and HEAD', () => {
  it('GET answers 200 with the exact bytes, validators and Content-Type', () => {
    const res = one(req('GET', '/style.css'));
    const date = formatHttpDate(new FakeClock().ms);
    const etag = header(res, 'etag')!;
    assert.equal(
      res.raw.toString('latin1'),
      'HTTP/1.1 200 OK\r\n' +
        `Date: ${date}\r\n` +
        'Server: http-lab\r\n' +
        'Content-Type: text/css; charset=utf-8\r\n' +
        `Last-Modified: ${formatHttpDate(MTIME)}\r\n` +
        `ETag: ${etag}\r\n` +
        'Accept-Ranges: bytes\r\n' +
        'Content-Length: 20\r\n' +
        '\r\n' +
        'body { color: red }\n',
    );
    assert.match(etag, /^"[^"]+"$/, 'strong');
  });

  it('sets Content-Type by extension', () => {
    const site = makeSite();
    const types: Array<[string, string]> = [
      ['/index.html', 'text/html; charset=utf-8'],
      ['/', 'text/html; charset=utf-8'],
      ['/app.js', 'text/javascript; charset=utf-8'],
      ['/logo.png', 'image/png'],
      ['/alpha.txt', 'text/plain; charset=utf-8'],
      ['/data.unknownext', 'application/octet-stream'],
      ['/README', 'application/octet-stream'],
    ];
    for (const [target, type] of types) assert.equal(header(one(req('GET', target), 'GET', site), 'content-type'), type, target);
  });

  it('binary content comes back byte for byte', () => {
    assert.deepEqual(one(req('GET', '/logo.png')).body, PNG);
  });

  it('an empty file is 200 with Content-Length: 0', () => {
    const res = one(req('GET', '/empty.txt'));
    assert.equal(res.status, 200);
    assert.equal(header(res, 'content-length'), '0');
    assert.equal(res.body.length, 0);
  });

  it('HEAD has the GET head (Content-Length included) and no body', () => {
    const site = makeSite();
    for (const target of ['/style.css', '/logo.png', '/big.bin', '/missing', '/docs']) {
      const { responses } = site.send(req('GET', target) + req('HEAD', target) + req('GET', '/alpha.txt'), ['GET', 'HEAD', 'GET']);
      assert.equal(responses.length, 3, target);
      const [g, h, after] = responses as [WireResponse, WireResponse, WireResponse];
      assert.equal(h.status, g.status, target);
      assert.deepEqual(h.headers, g.headers, `${target}: same fields`);
      assert.equal(h.raw.length, g.raw.length - g.body.length, `${target}: the HEAD response is only a head`);
      assert.equal(after.body.toString(), ALPHA, `${target}: the next response is intact, so HEAD sent no body bytes`);
    }
  });

  it('HEAD of a large (uncached) file announces its size without reading it', () => {
    const site = makeSite(1024);
    site.files.resetCounters();
    const res = one(req('HEAD', '/big.bin'), 'HEAD', site);
    assert.equal(header(res, 'content-length'), String(BIG.length));
    assert.equal(site.files.readCalls, 0);
    const got = one(req('GET', '/big.bin'), 'GET', site);
    assert.deepEqual(got.body, BIG);
  });

  it('/ and /dir/ serve index.html; a query string is ignored; absolute-form works', () => {
    const site = makeSite();
    assert.equal(one(req('GET', '/'), 'GET', site).body.toString(), '<h1>home</h1>\n');
    assert.equal(one(req('GET', '/docs/'), 'GET', site).body.toString(), '<h1>docs</h1>\n');
    assert.equal(one(req('GET', '/index.html?x=1&y=2'), 'GET', site).body.toString(), '<h1>home</h1>\n');
    assert.equal(one(req('GET', 'http://example.test/index.html'), 'GET', site).body.toString(), '<h1>home</h1>\n');
    assert.equal(one(req('GET', '/with%20space.html'), 'GET', site).body.toString(), 'space\n');
    assert.equal(one(req('GET', '/a/../index.html'), 'GET', site).body.toString(), '<h1>home</h1>\n');
  });

  it('/dir → 301 with Location /dir/ and a self-delimited body', () => {
    const res = one(req('GET', '/docs'));
    assert.equal(res.status, 301);
    assert.equal(res.reason, 'Moved Permanently');
    assert.equal(header(res, 'location'), '/docs/');
    assertSelfDelimited(res);
  });

  it('404 is self-delimited, and the connection stays usable', () => {
    const { responses, close } = makeSite().send(req('GET', '/missing.html') + req('GET', '/alpha.txt'));
    assert.equal(responses[0]!.status, 404);
    assertSelfDelimited(responses[0]!);
    assert.equal(responses[1]!.body.toString(), ALPHA);
    assert.equal(close, false);
  });

  it('traversal attempts never leave the docroot', () => {
    const site = makeSite();
    site.files.file('/etc/passwd', 'root:SECRET', MTIME).file('/srv/secret.txt', 'SECRET', MTIME);
    for (const target of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc/passwd', '/../secret.txt', 'http://h/../../etc/passwd']) {
      const res = one(req('GET', target), 'GET', site);
      assert.equal(res.status, 404, target);
      assert.ok(!res.body.toString().includes('SECRET'), target);
    }
  });
});

describe('static site: methods and bad targets', () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE']) {
    it(`${method} → 405 with Allow: GET, HEAD, self-delimited`, () => {
      const res = one(req(method, '/index.html'), method);
      assert.equal(res.status, 405);
      assert.equal(header(res, 'allow'), 'GET, HEAD');
      assertSelfDelimited(res);
    });
  }

  for (const method of ['FOO', 'get', 'Get', 'PROPFIND', 'BREW']) {
    it(`unknown method ${method} → 501`, () => {
      const res = one(req(method, '/index.html'), method);
      assert.equal(res.status, 501);
      assertSelfDelimited(res);
    });
  }

  it('a POST body is discarded and the next pipelined request is answered', () => {
    const body = req('GET', '/canary');
    const { responses } = makeSite().send(`POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ${body.length}\r\n\r\n${body}` + req('GET', '/alpha.txt'));
    assert.deepEqual(
      responses.map((r) => r.status),
      [405, 200],
    );
    assert.equal(responses[1]!.body.toString(), ALPHA);
  });

  const badTargets: Array<[string, string]> = [
    ['GET *', '*'],
    ['%zz', '/index%zz.html'],
    ['%00', '/index.html%00'],
    ['overlong UTF-8 %c0%ae', '/%c0%ae%c0%ae/etc/passwd'],
    ['invalid UTF-8 %ff', '/%ff'],
    ['authority-form', 'example.test:80'],
  ];
  for (const [name, target] of badTargets) {
    it(`${name} → 400, self-delimited`, () => {
      const res = one(req('GET', target));
      assert.equal(res.status, 400, target);
      assertSelfDelimited(res);
    });
  }
});

describe('static site: conditional requests (RFC 9110 §13)', () => {
  const lastModified = formatHttpDate(MTIME);
  const before = formatHttpDate(MTIME - 1000);
  const later = formatHttpDate(MTIME + 1000);

  function assertNotModified(res: WireResponse, etag: string): void {
    assert.equal(res.status, 304);
    assert.equal(res.reason, 'Not Modified');
    assert.equal(header(res, 'etag'), etag, '304 carries the ETag');
    assert.equal(header(res, 'content-length'), undefined, 'no Content-Length');
    assert.ok(res.raw.toString('latin1').endsWith('\r\n\r\n'), 'no body');
  }

  it('If-None-Match with the current ETag → 304 (GET and HEAD)', () => {
    const site = makeSite();
    const etag = ETAG_OF(site);
    assertNotModified(one(req('GET', '/alpha.txt', `If-None-Match: ${etag}\r\n`), 'GET', site), etag);
    assertNotModified(one(req('HEAD', '/alpha.txt', `If-None-Match: ${etag}\r\n`), 'HEAD', site), etag);
  });

  it('If-None-Match: *, lists, several lines and W/ (weak comparison) → 304', () => {
    const site = makeSite();
    const etag = ETAG_OF(site);
    for (const value of ['*', `"nope", ${etag}`, `"a",${etag},"b"`, `W/${etag}`, `W/"x", W/${etag}`, ` ${etag} `]) {
      assertNotModified(one(req('GET', '/alpha.txt', `If-None-Match: ${value}\r\n`), 'GET', site), etag);
    }
    assertNotModified(one(req('GET', '/alpha.txt', `If-None-Match: "nope"\r\nIf-None-Match: ${etag}\r\n`), 'GET', site), etag);
  });

  it('If-None-Match that does not match → 200 with the content', () => {
    const site = makeSite();
    for (const value of ['"nope"', 'W/"nope"', '"nope", W/"other"', ETAG_OF(site).slice(0, -2) + '"']) {
      const res = one(req('GET', '/alpha.txt', `If-None-Match: ${value}\r\n`), 'GET', site);
      assert.equal(res.status, 200, value);
      assert.equal(res.body.toString(), ALPHA);
    }
  });

  it('If-Modified-Since at or after Last-Modified → 304; before → 200', () => {
    const site = makeSite();
    const etag = ETAG_OF(site);
    assertNotModified(one(req('GET', '/alpha.txt', `If-Modified-Since: ${lastModified}\r\n`), 'GET', site), etag);
    assertNotModified(one(req('GET', '/alpha.txt', `If-Modified-Since: ${later}\r\n`), 'GET', site), etag);
    assert.equal(one(req('GET', '/alpha.txt', `If-Modified-Since: ${before}\r\n`), 'GET', site).status, 200);
  });

  it('If-Modified-Since in RFC 850 and asctime forms is understood', () => {
    const site = makeSite();
    const etag = ETAG_OF(site);
    // MTIME is Monday 01 Jan 2024 10:20:30 GMT
    assertNotModified(one(req('GET', '/alpha.txt', 'If-Modified-Since: Monday, 01-Jan-24 10:20:30 GMT\r\n'), 'GET', site), etag);
    assertNotModified(one(req('GET', '/alpha.txt', 'If-Modified-Since: Mon Jan  1 10:20:30 2024\r\n'), 'GET', site), etag);
  });

  it('an invalid If-Modified-Since date is ignored → 200', () => {
    const site = makeSite();
    for (const value of ['yesterday', 'Mon, 31 Feb 2099 00:00:00 GMT', '', '0']) {
      assert.equal(one(req('GET', '/alpha.txt', `If-Modified-Since: ${value}\r\n`), 'GET', site).status, 200, value);
    }
  });

  it('If-None-Match takes precedence over If-Modified-Since', () => {
    const site = makeSite();
    const etag = ETAG_OF(site);
    // IMS alone would give 304; a non-matching INM must give 200.
    const res = one(req('GET', '/alpha.txt', `If-None-Match: "other"\r\nIf-Modified-Since: ${later}\r\n`), 'GET', site);
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), ALPHA);
    // IMS alone would give 200; a matching INM gives 304.
    assertNotModified(one(req('GET', '/alpha.txt', `If-Modified-Since: ${before}\r\nIf-None-Match: ${etag}\r\n`), 'GET', site), etag);
  });

  it('If-Match mismatch → 412; a match or * → 200', () => {
    const site = makeSite();
    const etag = ETAG_OF(site);
    const mismatch = one(req('GET', '/alpha.txt', 'If-Match: "other"\r\n'), 'GET', site);
    assert.equal(mismatch.status, 412);
    assertSelfDelimited(mismatch);
    assert.equal(one(req('GET', '/alpha.txt', `If-Match: W/${etag}\r\n`), 'GET', site).status, 412, 'If-Match uses the strong comparison');
    assert.equal(one(req('GET', '/alpha.txt', `If-Match: ${etag}\r\n`), 'GET', site).status, 200);
    assert.equal(one(req('GET', '/alpha.txt', `If-Match: "x", ${etag}\r\n`), 'GET', site).status, 200);
    assert.equal(one(req('GET', '/alpha.txt', 'If-Match: *\r\n'), 'GET', site).status, 200);
  });

  it('If-Unmodified-Since before Last-Modified → 412; at or after → 200', () => {
    const site = makeSite();
    assert.equal(one(req('GET', '/alpha.txt', `If-Unmodified-Since: ${before}\r\n`), 'GET', site).status, 412);
    assert.equal(one(req('GET', '/alpha.txt', `If-Unmodified-Since: ${lastModified}\r\n`), 'GET', site).status, 200);
    assert.equal(one(req('GET', '/alpha.txt', 'If-Unmodified-Since: garbage\r\n'), 'GET', site).status, 200);
  });

  it('a 304 on a keep-alive connection leaves the stream in sync', () => {
    const site = makeSite();
    const etag = ETAG_OF(site);
    const { responses } = site.send(req('GET', '/alpha.txt', `If-None-Match: ${etag}\r\n`) + req('GET', '/style.css'));
    assert.deepEqual(
      responses.map((r) => r.status),
      [304, 200],
    );
    assert.equal(responses[1]!.body.toString(), 'body { color: red }\n');
  });
});

describe('static site: byte ranges (RFC 9110 §14)', () => {
  function range(value: string, extra = '', method = 'GET', site = makeSite()): WireResponse {
    return one(req(method, '/alpha.txt', `Range: ${value}\r\n${extra}`), method, site);
  }

  function assertPartial(res: WireResponse, first: number, last: number): void {
    assert.equal(res.status, 206);
    assert.equal(res.reason, 'Partial Content');
    assert.equal(header(res, 'content-range'), `bytes ${first}-${last}/${ALPHA.length}`);
    assert.equal(header(res, 'content-length'), String(last - first + 1));
    assert.equal(res.body.toString(), ALPHA.slice(first, last + 1));
    assert.notEqual(header(res, 'etag'), undefined);
    assert.notEqual(header(res, 'last-modified'), undefined);
  }

  function assertFull(res: WireResponse, label: string): void {
    assert.equal(res.status, 200, label);
    assert.equal(header(res, 'content-range'), undefined, label);
    assert.equal(res.body.toString(), ALPHA, label);
  }

  it('bytes=0-9 → 206 with the first ten bytes', () => assertPartial(range('bytes=0-9'), 0, 9));
  it('bytes=5- → 206 from byte 5 to the end', () => assertPartial(range('bytes=5-'), 5, 25));
  it('bytes=-3 → 206 with the last three bytes', () => assertPartial(range('bytes=-3'), 23, 25));
  it('bytes=25-25 → the last byte', () => assertPartial(range('bytes=25-25'), 25, 25));
  it('a last-pos past the end is clipped', () => assertPartial(range('bytes=20-1000'), 20, 25));
  it('a suffix longer than the file selects all of it', () => assertPartial(range('bytes=-1000'), 0, 25));
  it('the unit name is case-insensitive', () => assertPartial(range('Bytes=0-0'), 0, 0));

  it('bytes=1000000- on a small file → 416 with Content-Range: bytes */N, self-delimited', () => {
    for (const value of ['bytes=1000000-', 'bytes=26-', 'bytes=26-30', 'bytes=-0']) {
      const res = range(value);
      assert.equal(res.status, 416, value);
      assert.equal(res.reason, 'Range Not Satisfiable');
      assert.equal(header(res, 'content-range'), `bytes */${ALPHA.length}`, value);
      assertSelfDelimited(res);
    }
  });

  it('multiple ranges → 200 with the full content', () => {
    assertFull(range('bytes=0-1,3-4'), 'two ranges');
    assertFull(range('bytes=0-1, 5-'), 'two ranges with OWS');
  });

  it('invalid range syntax → 200 with the full content', () => {
    for (const value of ['bytes=abc', 'items=0-1', 'bytes=5-2', 'bytes=-', 'bytes=', 'bytes 0-1', 'bytes=0x1-2', 'bytes=1.5-2', '0-9']) {
      assertFull(range(value), value);
    }
  });

  it('two Range lines → 200 full', () => {
    assertFull(one(req('GET', '/alpha.txt', 'Range: bytes=0-1\r\nRange: bytes=2-3\r\n')), 'two lines');
  });

  it('If-Range with the current ETag → 206; a different or weak one → 200 full', () => {
    const site = makeSite();
    const etag = ETAG_OF(site);
    assertPartial(range('bytes=0-9', `If-Range: ${etag}\r\n`, 'GET', site), 0, 9);
    assertFull(range('bytes=0-9', 'If-Range: "other"\r\n', 'GET', site), 'other etag');
    assertFull(range('bytes=0-9', `If-Range: W/${etag}\r\n`, 'GET', site), 'weak etag');
  });

  it('If-Range with the exact Last-Modified date → 206; another date → 200 full', () => {
    const site = makeSite();
    assertPartial(range('bytes=0-9', `If-Range: ${formatHttpDate(MTIME)}\r\n`, 'GET', site), 0, 9);
    assertFull(range('bytes=0-9', `If-Range: ${formatHttpDate(MTIME + 1000)}\r\n`, 'GET', site), 'later date');
    assertFull(range('bytes=0-9', 'If-Range: garbage\r\n', 'GET', site), 'invalid date');
  });

  it('HEAD with Range → 200 with the full Content-Length and no body', () => {
    const res = range('bytes=0-9', '', 'HEAD');
    assert.equal(res.status, 200);
    assert.equal(header(res, 'content-length'), String(ALPHA.length));
    assert.equal(header(res, 'content-range'), undefined);
  });

  it('a range of a large, uncached file reads exactly the bytes asked for', () => {
    const site = makeSite(1024);
    const res = one(req('GET', '/big.bin', 'Range: bytes=100000-100099\r\n'), 'GET', site);
    assert.equal(res.status, 206);
    assert.equal(header(res, 'content-range'), `bytes 100000-100099/${BIG.length}`);
    assert.deepEqual(res.body, BIG.subarray(100000, 100100));
  });

  it('a Range on an empty file → 200 with no content', () => {
    const res = one(req('GET', '/empty.txt', 'Range: bytes=0-9\r\n'));
    assert.ok(res.status === 200 || res.status === 416, String(res.status));
    if (res.status === 200) assert.equal(res.body.length, 0);
  });

  it('preconditions come before the range: If-None-Match match → 304 even with Range', () => {
    const site = makeSite();
    const etag = ETAG_OF(site);
    assert.equal(range('bytes=0-9', `If-None-Match: ${etag}\r\n`, 'GET', site).status, 304);
  });
});

describe('static site: the cache through the handler', () => {
  it('a changed file is served fresh after 1 s and not before', () => {
    const site = makeSite();
    assert.equal(one(req('GET', '/style.css'), 'GET', site).body.toString(), 'body { color: red }\n');
    site.files.file(`${ROOT}/style.css`, 'body { color: blue; margin: 0 }\n', MTIME + 60_000);
    site.clock.advance(999);
    site.files.resetCounters();
    const stale = one(req('GET', '/style.css'), 'GET', site);
    assert.equal(stale.body.toString(), 'body { color: red }\n');
    assert.equal(site.files.statCalls, 0, 'a cache hit makes no stat call');
    site.clock.advance(1);
    const fresh = one(req('GET', '/style.css'), 'GET', site);
    assert.equal(fresh.body.toString(), 'body { color: blue; margin: 0 }\n');
    assert.equal(header(fresh, 'content-length'), '32');
    assert.equal(header(fresh, 'last-modified'), formatHttpDate(MTIME + 60_000));
  });
});

describe('static site: the cache key of a whole cached file', () => {
  it('is the same for every GET and HEAD of the file, until the file changes', () => {
    const site = makeSite();
    one(req('GET', '/style.css'), 'GET', site);
    one(req('HEAD', '/style.css'), 'HEAD', site);
    one(req('GET', '/style.css?v=2'), 'GET', site);
    const [first, head, query] = site.handled;
    assert.notEqual(first!.cacheKey, undefined);
    assert.equal(head!.cacheKey, first!.cacheKey, 'HEAD shares it: the writer leaves the body out');
    assert.equal(query!.cacheKey, first!.cacheKey, 'the query does not select another file');
    site.files.file(`${ROOT}/style.css`, 'body { color: blue }\n', MTIME + 60_000);
    site.clock.advance(1000);
    assert.equal(one(req('GET', '/style.css'), 'GET', site).body.toString(), 'body { color: blue }\n');
    assert.notEqual(site.handled[3]!.cacheKey, first!.cacheKey, 'a changed file gets a new key');
  });

  it('is not given to a range, a file too large to cache, or a file dated in the future', () => {
    const site = makeSite();
    site.files.file(`${ROOT}/future.txt`, 'later', site.clock.ms + 86_400_000);
    one(req('GET', '/alpha.txt', 'Range: bytes=0-3\r\n'), 'GET', site);
    one(req('GET', '/big.bin'), 'GET', site);
    one(req('GET', '/future.txt'), 'GET', site);
    assert.deepEqual(
      site.handled.map((r) => [r.status, r.cacheKey]),
      [
        [206, undefined],
        [200, undefined],
        [200, undefined],
      ],
    );
  });
});

describe('mime', () => {
  it('maps extensions case-insensitively, and unknown or missing ones to application/octet-stream', () => {
    assert.equal(contentTypeFor('/a/b.HTML'), 'text/html; charset=utf-8');
    assert.equal(contentTypeFor('/a.css'), 'text/css; charset=utf-8');
    assert.equal(contentTypeFor('/a.json'), 'application/json');
    assert.equal(contentTypeFor('/a.svg'), 'image/svg+xml');
    assert.equal(contentTypeFor('/a.tar.gz'), 'application/octet-stream');
    assert.equal(contentTypeFor('/Makefile'), 'application/octet-stream');
    assert.equal(contentTypeFor('/.hidden'), 'application/octet-stream', 'a dot file has no extension');
    assert.equal(contentTypeFor('/dir.d/file'), 'application/octet-stream', 'a dot in a folder name is not an extension');
  });
});

describe('response field hygiene', () => {
  it('every response has exactly one Date, Server, Content-Length and Content-Type', () => {
    const site = makeSite();
    const { responses } = site.send(
      req('GET', '/') +
        req('GET', '/missing') +
        req('GET', '/docs') +
        req('POST', '/') +
        req('GET', '/alpha.txt', 'Range: bytes=0-1\r\n') +
        req('GET', '/alpha.txt', 'Range: bytes=99-120\r\n'),
    );
    assert.deepEqual(
      responses.map((r) => r.status),
      [200, 404, 301, 405, 206, 416],
    );
    for (const r of responses) {
      assert.equal(headerCount(r, 'date'), 1);
      assert.equal(headerCount(r, 'server'), 1);
      assert.equal(headerCount(r, 'content-length'), 1);
      assert.equal(headerCount(r, 'content-type'), 1);
    }
  });
});

describe('static site: a large file changed underneath', () => {
  it('a shrunk uncached file neither throws out of takeOutput() nor sends a wrong length; the next request gets the new file', () => {
    const site = makeSite(1024);
    const first = one(req('GET', '/big.bin'), 'GET', site);
    assert.deepEqual(first.body, BIG);
    // Within the revalidation window the cached stat still says 300 KiB; the file is now 10 bytes.
    site.files.file(`${ROOT}/big.bin`, Buffer.from('0123456789'), MTIME + 5000);
    let res: WireResponse | undefined;
    assert.doesNotThrow(() => {
      res = one(req('GET', '/big.bin'), 'GET', site);
    }, 'a file system race is not an exception for the I/O layer to handle');
    assert.ok(res!.status === 500 || (res!.status === 200 && res!.body.toString() === '0123456789'), `got ${res!.status}`);
    assert.equal(Number(header(res!, 'content-length')), res!.body.length);
    const next = one(req('GET', '/big.bin'), 'GET', site);
    assert.equal(next.status, 200);
    assert.equal(next.body.toString(), '0123456789', 'the stale entry was forgotten');
  });
});

describe('static site: a file the system will not read', () => {
  for (const [code, status] of [
    ['EMFILE', 503],
    ['ENFILE', 503],
    ['EACCES', 500],
    ['EIO', 500],
  ] as const) {
    it(`${code} on read answers ${status}, not cached: once it clears, the same path is served 200`, () => {
      const site = makeSite();
      site.files.readFault = code;
      const failed = one(req('GET', '/style.css'), 'GET', site);
      assert.equal(failed.status, status);
      assertSelfDelimited(failed);
      // RFC 9110 §15.6.4: "The server MAY send a Retry-After header field".
      assert.equal(header(failed, 'retry-after'), status === 503 ? '1' : undefined);
      site.files.readFault = null;
      const served = one(req('GET', '/style.css'), 'GET', site);
      assert.equal(served.status, 200, 'no clock advance: nothing of the failure was cached');
      assert.equal(served.body.toString(), 'body { color: red }\n');
    });
  }

  it('EMFILE reading a range of a file too large to cache answers 503, then 206', () => {
    const site = makeSite(1024);
    assert.equal(one(req('GET', '/big.bin', 'Range: bytes=0-3\r\n'), 'GET', site).status, 206);
    site.files.readFault = 'EMFILE';
    assert.equal(one(req('GET', '/big.bin', 'Range: bytes=0-3\r\n'), 'GET', site).status, 503);
    site.files.readFault = null;
    assert.deepEqual(one(req('GET', '/big.bin', 'Range: bytes=0-3\r\n'), 'GET', site).body, BIG.subarray(0, 4));
  });

  it('EACCES on stat answers 500, then 200 once it clears', () => {
    const site = makeSite();
    site.files.statFault = 'EACCES';
    assert.equal(one(req('GET', '/alpha.txt'), 'GET', site).status, 500);
    site.files.statFault = null;
    assert.equal(one(req('GET', '/alpha.txt'), 'GET', site).body.toString(), ALPHA);
  });

  it('a file gone between its stat and its read (ENOENT) answers 404', () => {
    const site = makeSite();
    site.files.readFault = 'ENOENT';
    assert.equal(one(req('GET', '/style.css'), 'GET', site).status, 404);
  });
});

describe('static site: repeated precondition fields and future modification times', () => {
  it('two If-Unmodified-Since lines are a list of dates, so the field is ignored (RFC 9110 §13.1.4)', () => {
    const epoch = 'If-Unmodified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n';
    assert.equal(one(req('GET', '/alpha.txt', epoch)).status, 412, 'one line is evaluated');
    assert.equal(one(req('GET', '/alpha.txt', epoch + epoch)).status, 200, 'two lines are ignored');
  });

  it('two If-Range lines make the condition false, so Range is ignored (RFC 9110 §13.1.5)', () => {
    const site = makeSite();
    const etag = ETAG_OF(site);
    const range = 'Range: bytes=0-3\r\n';
    assert.equal(one(req('GET', '/alpha.txt', `${range}If-Range: ${etag}\r\n`), 'GET', site).status, 206, 'one matching line');
    const res = one(req('GET', '/alpha.txt', `${range}If-Range: ${etag}\r\nIf-Range: "other"\r\n`), 'GET', site);
    assert.equal(res.status, 200);
    assert.equal(header(res, 'content-range'), undefined);
  });

  it('a file modified in the future is sent with Last-Modified equal to Date (RFC 9110 §8.8.2.1)', () => {
    const site = makeSite();
    site.files.file(`${ROOT}/future.txt`, 'later', site.clock.ms + 2 * 86_400_000);
    const res = one(req('GET', '/future.txt'), 'GET', site);
    assert.equal(res.status, 200);
    assert.equal(header(res, 'last-modified'), header(res, 'date'));
  });
});
