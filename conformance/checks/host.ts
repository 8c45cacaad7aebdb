// The Host header field (RFC 9112 §3.2): one sentence, three ways to break it.
import type { Check } from '../types.js';
import { status } from '../verifiers.js';
import { HOST_RULE as HOST_RULE_CAUSE } from './causes.js';

const HOST_RULE =
  'A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request message that lacks a Host ' +
  'header field and to any request message that contains more than one Host header field line or a Host header ' +
  'field with an invalid field value.';

function rejected(slug: string, title: string, bytes: string): Check {
  return {
    id: `rfc9112/3.2/${slug}`,
    section: 'RFC 9112 §3.2',
    level: 'MUST',
    required: true,
    cause: HOST_RULE_CAUSE,
    title,
    requirement: HOST_RULE,
    // 400 whatever the path names: /index.html is only some request-target.
    needs: 'origin',
    request: bytes,
    expect: (ex) => status(ex, 400),
  };
}

export const hostChecks: Check[] = [
  rejected('host-missing', 'An HTTP/1.1 request without Host is rejected with 400', 'GET /index.html HTTP/1.1\r\n\r\n'),
  rejected('host-duplicate', 'A request with two Host field lines is rejected with 400', 'GET /index.html HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n'),
  // uri-host does not allow SP (RFC 3986 reg-name), so "bad host" is an invalid field value.
  rejected('host-invalid', 'A Host value that is not uri-host [":" port] is rejected with 400', 'GET /index.html HTTP/1.1\r\nHost: bad host\r\n\r\n'),
];
