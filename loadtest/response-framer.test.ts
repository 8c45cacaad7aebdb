// Where each response ends, however the bytes arrive: whole, or one byte at a time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResponseFramer, type FramedResponse } from './response-framer.js';

/** Feeds `wire` in pieces of `step` bytes; `heads` says which responses answer a HEAD. */
function frame(wire: string, step: number, heads: boolean[] = []): { done: FramedResponse[]; atClose: FramedResponse | undefined } {
  const framer = new ResponseFramer();
  const bytes = Buffer.from(wire, 'latin1');
  const done: FramedResponse[] = [];
  for (let at = 0; at < bytes.length; at += step) {
    done.push(...framer.push(bytes.subarray(at, at + step), () => heads[done.length] === true));
  }
  return { done, atClose: framer.end() };
}

const BOTH_WAYS = [1, 3, 1 << 20];

describe('ResponseFramer', () => {
  it('Content-Length, chunked with a trailer, and a 1xx before a final answer', () => {
    const wire =
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello' +
      'HTTP/1.1 100 Continue\r\n\r\n' +
      'HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\na\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n' +
      'HTTP/1.1 200 OK\r\ncontent-length: 0\r\nConnection: keep-alive, Close\r\n\r\n';
    for (const step of BOTH_WAYS) {
      const { done } = frame(wire, step);
      assert.deepEqual(
        done,
        [
          { status: 200, closes: false },
          { status: 404, closes: false },
          { status: 200, closes: true },
        ],
        `in pieces of ${step}`,
      );
    }
  });

  it('no content after a HEAD, a 204 or a 304, whatever Content-Length says', () => {
    const wire =
      'HTTP/1.1 200 OK\r\nContent-Length: 572\r\n\r\n' +
      'HTTP/1.1 304 Not Modified\r\nContent-Length: 572\r\n\r\n' +
      'HTTP/1.1 204 No Content\r\n\r\n' +
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    for (const step of BOTH_WAYS) assert.equal(frame(wire, step, [true]).done.length, 4, `in pieces of ${step}`);
  });

  it('HTTP/1.0 closes unless it says keep-alive; a body without length ends at the close', () => {
    const { done, atClose } = frame('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nxHTTP/1.0 200 OK\r\n\r\nuntil the close', 4);
    assert.deepEqual(done, [{ status: 200, closes: false }]);
    assert.deepEqual(atClose, { status: 200, closes: true });
  });
});
