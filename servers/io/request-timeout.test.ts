import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServerConnection } from '../core/connection.js';
import { DateCache } from '../core/dates.js';
import { textResponse } from '../core/response.js';
import { RequestTimer } from './request-timeout.js';

const TIMEOUT_MS = 1000;

function connection(): ServerConnection {
  return new ServerConnection(() => textResponse(200, 'ok'), { dates: new DateCache(() => 0) });
}

/** One turn of a server's loop: bytes in, responses out, then back to waiting. */
function turn(http: ServerConnection, timer: RequestTimer, bytes: string, now: number): void {
  http.receive(Buffer.from(bytes, 'latin1'));
  if (http.takeOutput().answered > 0) timer.answered();
  timer.waiting(http, now);
}

describe('RequestTimer', () => {
  it('does not run on a connection that has sent nothing: the idle timeout governs there', () => {
    const timer = new RequestTimer();
    timer.waiting(connection(), 5);
    assert.equal(timer.running, false);
    assert.equal(timer.expired(1e9, TIMEOUT_MS), false);
  });

  it('runs from a request’s first byte, and further bytes do not restart it (slowloris)', () => {
    const http = connection();
    const timer = new RequestTimer();
    turn(http, timer, 'G', 100);
    for (const [i, byte] of [...'ET / HTTP/1.1\r\n'].entries()) turn(http, timer, byte, 200 + 50 * i);
    assert.equal(timer.expired(100 + TIMEOUT_MS - 1, TIMEOUT_MS), false);
    assert.equal(timer.expired(100 + TIMEOUT_MS, TIMEOUT_MS), true);
  });

  it('stops once the request is complete and answered', () => {
    const http = connection();
    const timer = new RequestTimer();
    turn(http, timer, 'GET / HTTP/1.1\r\n', 100);
    turn(http, timer, 'Host: t\r\n\r\n', 900);
    assert.equal(timer.running, false);
  });

  it('keeps running through a 100 Continue: the request is not answered until its content is in', () => {
    const http = connection();
    const timer = new RequestTimer();
    turn(http, timer, 'POST / HTTP/1.1\r\nHost: t\r\n', 100);
    http.receive(Buffer.from('Expect: 100-continue\r\nContent-Length: 5\r\n\r\n', 'latin1'));
    const out = http.takeOutput();
    assert.equal(Buffer.concat(out.chunks).toString('latin1'), 'HTTP/1.1 100 Continue\r\n\r\n');
    assert.equal(out.answered, 0);
    if (out.answered > 0) timer.answered();
    timer.waiting(http, 900);
    turn(http, timer, 'ab', 1000);
    assert.equal(timer.expired(100 + TIMEOUT_MS, TIMEOUT_MS), true, 'timed from the first byte of the head');
  });

  it('times a pipelined request that arrived with an earlier one from when that one’s response is out', () => {
    const http = connection();
    const timer = new RequestTimer();
    http.receive(Buffer.from('GET / HTTP/1.1\r\nHost: t\r\n\r\nGET /next HTTP/1.1\r\n', 'latin1'));
    assert.equal(http.takeOutput().chunks.length, 1);
    timer.answered();
    // The response took until t = 3000 to send (a client slow to read it): not the client's delay.
    timer.waiting(http, 3000);
    assert.equal(timer.expired(3000 + TIMEOUT_MS - 1, TIMEOUT_MS), false);
    assert.equal(timer.expired(3000 + TIMEOUT_MS, TIMEOUT_MS), true);
  });
});
