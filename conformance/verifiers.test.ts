import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Exchange, WireResponse } from './types.js';
import { all, bodyEquals, closedAfter, contentLengthIs, header, oneOf, status, statusAt } from './verifiers.js';

function response(status: number, body = '', headers: Array<[string, string]> = []): WireResponse {
  return { version: 'HTTP/1.1', status, reason: 'R', headers, body: Buffer.from(body), framing: 'content-length', raw: Buffer.alloc(0) };
}

function exchangeOf(responses: WireResponse[], extra: Partial<Exchange> = {}): Exchange {
  return {
    responses,
    closed: false,
    trailingGarbage: Buffer.alloc(0),
    received: Buffer.alloc(0),
    sent: Buffer.alloc(0),
    ms: 1,
    timedOut: false,
    ...extra,
  };
}

test('status names the allowed codes and what came back', () => {
  const ex = exchangeOf([response(200, 'hi', [['Content-Type', 'text/plain']])]);
  assert.equal(status(ex, 200).pass, true);
  const v = status(ex, 400, 413);
  assert.equal(v.pass, false);
  assert.equal(v.expected, 'one of 400, 413');
  assert.equal(v.actual, 'HTTP/1.1 200 R [Content-Type: text/plain], body 2 B "hi"');
  assert.match(statusAt(ex, 1, 200).actual, /^only 1 response\(s\); connection left open$/);
  assert.match(status(exchangeOf([], { closed: true, closedBy: 'reset' }), 200).actual, /no response; then the connection was reset/);
});

test('bodyEquals reports where the bytes differ', () => {
  const ex = exchangeOf([response(200, 'hello world')]);
  assert.equal(bodyEquals(ex, 0, Buffer.from('hello world'), 'f').pass, true);
  const v = bodyEquals(ex, 0, Buffer.from('hello there'), 'f.txt');
  assert.equal(v.pass, false);
  assert.match(v.actual, /differs from f\.txt at byte 6: got "world", want "there"/);
});

test('header and contentLengthIs see every field line', () => {
  const ex = exchangeOf([
    response(200, 'ab', [
      ['Content-Length', '2'],
      ['Connection', 'keep-alive'],
      ['connection', 'close'],
    ]),
  ]);
  assert.equal(contentLengthIs(ex, 2).pass, true);
  assert.equal(contentLengthIs(ex, 3).pass, false);
  const v = header(ex, 'Connection', 'two lines', (values) => values.length === 2);
  assert.equal(v.pass, true);
  assert.equal(v.actual, 'Connection: keep-alive | close');
});

test('closedAfter: exactly n responses, then close, nothing else', () => {
  assert.equal(closedAfter(exchangeOf([response(400)], { closed: true, closedBy: 'fin' }), 1).pass, true);
  assert.match(closedAfter(exchangeOf([response(400)]), 1).actual, /connection left open/);
  assert.match(closedAfter(exchangeOf([response(400), response(404)], { closed: true }), 1).actual, /the canary was answered: HTTP\/1\.1 404/);
  const garbage = exchangeOf([response(400)], { closed: true, trailingGarbage: Buffer.from('HTTP/1.1 4') });
  assert.equal(closedAfter(garbage, 1).pass, false);
});

test('oneOf records the branch taken; all keeps it and joins what failed', () => {
  const ex = exchangeOf([response(200, 'x')]);
  const choice = oneOf({ rejected: status(ex, 400), served: status(ex, 200) });
  assert.deepEqual([choice.pass, choice.branch], [true, 'served']);
  assert.equal(choice.expected, 'rejected: 400 | served: 200');
  const none = oneOf({ rejected: status(ex, 400), redirected: status(ex, 301) });
  assert.equal(none.pass, false);
  assert.equal(none.branch, undefined);
  const both = all(choice, bodyEquals(ex, 0, Buffer.from('y'), 'y'));
  assert.equal(both.pass, false);
  assert.equal(both.branch, 'served');
  assert.match(both.actual, /differs from y at byte 0/);
});
