// ResponseWriter: the buffers a response goes out in (coalesced below the writer's threshold), and
// the bytes it keeps per cache key, per variant and per Date value.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Response } from './response.js';
import { ResponseWriter } from './response-writer.js';

const DATE = 'Mon, 15 Jan 2024 12:00:00 GMT';
const NEXT_DATE = 'Mon, 15 Jan 2024 12:00:01 GMT';
const text = (chunks: Uint8Array[]): string => Buffer.concat(chunks).toString('latin1');
const ok = (body: string, cacheKey?: object): Response => ({
  status: 200,
  headers: [['Content-Type', 'text/plain']],
  body: Buffer.from(body),
  ...(cacheKey ? { cacheKey } : {}),
});

describe('ResponseWriter: chunking', () => {
  it('copies content shorter than its threshold behind the head, and sends the rest as it is', () => {
    const writer = new ResponseWriter({ coalesceBelowBytes: 8 });
    const short = writer.write(ok('1234567'), false, 'none', DATE);
    assert.equal(short.length, 1, 'one buffer, for one send');
    assert.equal(text(short), `HTTP/1.1 200 OK\r\nDate: ${DATE}\r\nServer: http-lab\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\n1234567`);
    const long = ok('12345678');
    const chunks = writer.write(long, false, 'none', DATE);
    assert.equal(chunks.length, 2);
    assert.ok(text([chunks[0]!]).endsWith('Content-Length: 8\r\n\r\n'));
    assert.equal(chunks[1], long.body, 'the content itself, not a copy');
  });

  it('sends a HEAD answer without its content', () => {
    assert.ok(text(new ResponseWriter().write(ok('abc'), true, 'close', DATE)).endsWith('Content-Length: 3\r\nConnection: close\r\n\r\n'));
  });
});

describe('ResponseWriter: kept bytes', () => {
  it('sends the buffer serialised for a key to every response with that key, until the Date changes', () => {
    const writer = new ResponseWriter();
    const key = {};
    const first = writer.write(ok('kept', key), false, 'none', DATE);
    const again = writer.write(ok('kept', key), false, 'none', DATE);
    assert.equal(again[0], first[0], 'the very same buffer: nothing formatted or copied again');
    const later = writer.write(ok('kept', key), false, 'none', NEXT_DATE);
    assert.notEqual(later[0], first[0]);
    assert.match(text(later), new RegExp(`\\r\\nDate: ${NEXT_DATE}\\r\\n`));
  });

  it('keeps each key, and GET, HEAD and each Connection token, apart', () => {
    const writer = new ResponseWriter();
    writer.write(ok('a', {}), false, 'none', DATE);
    assert.ok(text(writer.write(ok('b', {}), false, 'none', DATE)).endsWith('\r\n\r\nb'), 'another key');
    const key = {};
    writer.write(ok('k', key), false, 'none', DATE);
    assert.ok(text(writer.write(ok('k', key), true, 'none', DATE)).endsWith('Content-Length: 1\r\n\r\n'), 'HEAD');
    assert.match(text(writer.write(ok('k', key), false, 'keep-alive', DATE)), /\r\nConnection: keep-alive\r\n/);
    assert.match(text(writer.write(ok('k', key), false, 'close', DATE)), /\r\nConnection: close\r\n/);
  });

  it('serialises a response without a key afresh every time', () => {
    const writer = new ResponseWriter();
    const response = ok('fresh');
    const first = writer.write(response, false, 'none', DATE);
    const second = writer.write(response, false, 'none', DATE);
    assert.notEqual(second[0], first[0]);
    assert.equal(text(second), text(first));
  });
});
