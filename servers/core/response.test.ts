// The response writer: exact head bytes, the writer-owned fields, reason phrases.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CONTINUE_BYTES, reasonPhrase, serializeHead, textResponse } from './response.js';

const DATE = 'Sun, 06 Nov 1994 08:49:37 GMT';

describe('serializeHead', () => {
  it('writes the status line, Date, Server, the response fields and Content-Length, then CRLF', () => {
    const head = serializeHead(
      {
        status: 200,
        headers: [
          ['Content-Type', 'text/plain'],
          ['ETag', '"x"'],
        ],
        body: Buffer.from('hello'),
      },
      DATE,
      'none',
    );
    assert.equal(
      head.toString('latin1'),
      'HTTP/1.1 200 OK\r\n' +
        `Date: ${DATE}\r\n` +
        'Server: http-lab\r\n' +
        'Content-Type: text/plain\r\n' +
        'ETag: "x"\r\n' +
        'Content-Length: 5\r\n' +
        '\r\n',
    );
  });

  it('adds Connection: close or Connection: keep-alive as asked', () => {
    const res = { status: 404, headers: [] as Array<[string, string]>, body: Buffer.alloc(0) };
    assert.equal(
      serializeHead(res, DATE, 'close').toString('latin1'),
      `HTTP/1.1 404 Not Found\r\nDate: ${DATE}\r\nServer: http-lab\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
    assert.equal(
      serializeHead(res, DATE, 'keep-alive').toString('latin1'),
      `HTTP/1.1 404 Not Found\r\nDate: ${DATE}\r\nServer: http-lab\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n`,
    );
    assert.doesNotMatch(serializeHead(res, DATE, 'none').toString('latin1'), /Connection/i);
  });

  it('announces `length` instead of body.length when given (HEAD of a large file)', () => {
    const head = serializeHead({ status: 200, headers: [], body: new Uint8Array(0), length: 1_048_576 }, DATE, 'none').toString('latin1');
    assert.match(head, /\r\nContent-Length: 1048576\r\n/);
  });

  it('omits Content-Length when noContentLength (304)', () => {
    const head = serializeHead({ status: 304, headers: [['ETag', '"e"']], body: new Uint8Array(0), noContentLength: true }, DATE, 'none').toString('latin1');
    assert.equal(head, `HTTP/1.1 304 Not Modified\r\nDate: ${DATE}\r\nServer: http-lab\r\nETag: "e"\r\n\r\n`);
  });

  it('writes exactly one Date and one Content-Length', () => {
    const head = serializeHead({ status: 200, headers: [['X', 'y']], body: Buffer.from('abc') }, DATE, 'close').toString('latin1');
    assert.equal(head.match(/\r\nDate: /g)?.length, 1);
    assert.equal(head.match(/\r\nContent-Length: /g)?.length, 1);
    assert.ok(head.endsWith('\r\n\r\n'));
    assert.equal(head.indexOf('\r\n\r\n'), head.length - 4, 'one blank line, at the end');
  });
});

describe('reason phrases', () => {
  const expected: Record<number, string> = {
    100: 'Continue',
    200: 'OK',
    206: 'Partial Content',
    301: 'Moved Permanently',
    304: 'Not Modified',
    400: 'Bad Request',
    404: 'Not Found',
    405: 'Method Not Allowed',
    412: 'Precondition Failed',
    413: 'Content Too Large',
    414: 'URI Too Long',
    416: 'Range Not Satisfiable',
    417: 'Expectation Failed',
    431: 'Request Header Fields Too Large',
    501: 'Not Implemented',
    505: 'HTTP Version Not Supported',
  };
  for (const [code, phrase] of Object.entries(expected)) {
    it(`${code} ${phrase}`, () => {
      assert.equal(reasonPhrase(Number(code)), phrase);
      assert.ok(
        serializeHead({ status: Number(code), headers: [], body: new Uint8Array(0) }, DATE, 'none')
          .toString('latin1')
          .startsWith(`HTTP/1.1 ${code} ${phrase}\r\n`),
      );
    });
  }

  it('an unknown status keeps the SP before an empty reason-phrase (RFC 9112 §4)', () => {
    assert.ok(
      serializeHead({ status: 299, headers: [], body: new Uint8Array(0) }, DATE, 'none')
        .toString('latin1')
        .startsWith('HTTP/1.1 299 \r\n'),
    );
  });
});

describe('textResponse and CONTINUE_BYTES', () => {
  it('makes a self-delimited plain-text error body', () => {
    const res = textResponse(400, 'bad thing', [['X-Extra', '1']]);
    assert.equal(res.status, 400);
    assert.equal(Buffer.from(res.body).toString('utf8'), '400 Bad Request: bad thing\n');
    assert.deepEqual(res.headers, [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['X-Extra', '1'],
    ]);
    const head = serializeHead(res, DATE, 'close').toString('latin1');
    assert.match(head, new RegExp(`\\r\\nContent-Length: ${res.body.length}\\r\\n`));
  });

  it('the interim response is exactly HTTP/1.1 100 Continue and a blank line', () => {
    assert.equal(CONTINUE_BYTES.toString('latin1'), 'HTTP/1.1 100 Continue\r\n\r\n');
  });
});
