// Adversarial message syntax: bare CR and bare LF, NUL, obs-fold and leading whitespace that hide a
// framing field, whitespace before the colon, field names that are not tokens, oversized elements,
// and garbage after a valid request (adversarial.md rows 9, 13-21, 33, 34, 41).
//
// Where the RFC lets the server choose (bare CR: invalid or SP; bare LF: MAY accept; obs-fold: 400
// or SP; a whitespace-preceded first field line: reject or ignore), every branch passes and the one
// taken is recorded. The hidden field is a Content-Length as long as the real request pipelined
// behind (NEXT), so a parser that wrongly sees it swallows that request and answers nothing more:
// that matches no branch.
//
// A check whose accepting branch answers NEXT (servedThenNext) needs the fixtures: NEXT's answer is
// the bundled style.css. One whose every branch is a rejection needs nothing (origin).
import type { Check } from '../types.js';
import { all, closedAfter, notServed, oneOf, status, statusAt } from '../verifiers.js';
import {
  BARE_CR,
  BARE_LF,
  CANARY,
  CR_LF_NUL,
  FIELDS_TOO_LARGE,
  GRAMMAR,
  HOST,
  HOST_RULE,
  INDEX,
  INVALID_REQUEST_LINE,
  METHOD_TOO_LONG,
  NEXT,
  OBS_FOLD,
  WS_BEFORE_COLON,
  WS_BEFORE_FIRST_FIELD,
  adversarial,
  clientError,
  get,
  neverFramed,
  nothingMore,
  rawHead,
  rejected,
  rejectedAndClosed,
  servedResource,
  servedThenNext,
  thenCanary,
} from './adversarial-support.js';
import {
  BARE_CR_CAUSE,
  FIELD_NAME_INVALID,
  FIELDS_TOO_LARGE_CAUSE,
  HOST_RULE as HOST_RULE_CAUSE,
  NUL_TRUNCATES_PATH,
  OBS_FOLD_CAUSE,
  REQUEST_LINE_INVALID,
  WS_BEFORE_COLON_CAUSE,
  WS_BEFORE_FIRST_FIELD_CAUSE,
} from './causes.js';
import { resourcePath } from './resource.js';

const HIDDEN_CL = `Content-Length: ${NEXT.length}`;

/** A bare CR: the element is invalid (400), or the CR is read as SP; never a line break. */
function bareCr(slug: string, title: string, head: string): Check {
  return adversarial({
    slug,
    section: 'RFC 9112 §2.2',
    level: 'MUST',
    cause: BARE_CR_CAUSE,
    title,
    requirement: BARE_CR,
    needs: 'fixtures',
    request: thenCanary(head, NEXT),
    expect: (ex, ctx) => oneOf({ 'invalid (400)': rejected(ex, 400), 'CR read as SP': servedThenNext(ex, ctx) }),
  });
}

/** A bare LF line end: accepted (MAY), or the request rejected with 400. */
function bareLf(slug: string, title: string, head: string): Check {
  return adversarial({
    slug,
    section: 'RFC 9112 §2.2',
    level: 'MAY',
    title,
    requirement: BARE_LF,
    needs: 'fixtures',
    request: thenCanary(head, NEXT),
    expect: (ex, ctx) => oneOf({ 'LF accepted as a line end': servedThenNext(ex, ctx), 'rejected (400)': rejected(ex, 400) }),
  });
}

/** A field line that does not match field-line = field-name ":" OWS field-value OWS: 400 and close
 * (SHOULD: the grammar sentence of §2.2). */
function badField(slug: string, title: string, line: string, body = ''): Check {
  return adversarial({
    slug,
    section: 'RFC 9112 §2.2',
    level: 'SHOULD',
    cause: FIELD_NAME_INVALID,
    title,
    requirement: GRAMMAR,
    needs: 'origin',
    request: thenCanary(get(INDEX, line) + body, CANARY),
    expect: (ex) => rejectedAndClosed(ex, 400),
  });
}

/** Too large to process: a 4xx, and nothing after it answered; or processed, as any request, and
 * the request after it answered too (the MUST binds only fields "larger than it wishes to
 * process"). The processed branch serves the resource: it needs one. */
export function tooLarge(slug: string, title: string, fields: string[]): Check {
  return adversarial({
    slug,
    section: 'RFC 9110 §5.4',
    level: 'MUST',
    cause: FIELDS_TOO_LARGE_CAUSE,
    title,
    requirement: FIELDS_TOO_LARGE,
    needs: 'resource',
    request: (ctx) => thenCanary(get(resourcePath(ctx), ...fields), CANARY),
    expect: (ex, ctx) =>
      oneOf({
        'refused (4xx), nothing after it answered': all(clientError(ex), nothingMore(ex)),
        'processed, then the next request answered': all(servedResource(ex, ctx), oneOf({ answered: nothingMore(ex, 2), closed: closedAfter(ex, 1) })),
      }),
  });
}

const flood = Array.from({ length: 1200 }, (_, i) => `X-Lab-Flood-${i}: ${i}`);

export const adversarialSyntaxChecks: Check[] = [
  // --- Bare CR (RFC 9112 §2.2) ---
  bareCr(
    'bare-cr-hides-content-length',
    'A bare CR before "Content-Length: N" in a value: 400, or read as SP (no content)',
    get(INDEX, `X-Lab-Visible: a\r${HIDDEN_CL}`),
  ),
  bareCr('bare-cr-visible-smuggled', '"Visible: :/\\rSmuggled: :)": 400, or the CR read as SP', get(INDEX, 'Visible: :/\rSmuggled: :)')),
  bareCr('bare-cr-field-line-start', 'A field line starting with a bare CR: 400, or read as SP (then obs-fold)', get(INDEX, '\rX-Lab-Probe: 1')),
  adversarial({
    // Read as SP, the request-line has four words: invalid either way, never a line break.
    slug: 'bare-cr-request-line',
    section: 'RFC 9112 §2.2',
    level: 'MUST',
    cause: BARE_CR_CAUSE,
    title: 'A bare CR inside the request-line ("HTTP/1.1\\rX-Lab-Probe: 1"): 400, never a line break',
    requirement: BARE_CR,
    needs: 'origin',
    request: thenCanary(`GET ${INDEX} HTTP/1.1\rX-Lab-Probe: 1\r\nHost: ${HOST}\r\n\r\n`, CANARY),
    expect: (ex) => rejected(ex, 400),
  }),

  // --- Bare LF (RFC 9112 §2.2, MAY) ---
  bareLf('bare-lf-request-line', 'A request-line ended by a bare LF: accepted, or 400 and nothing more', `GET ${INDEX} HTTP/1.1\nHost: ${HOST}\r\n\r\n`),
  bareLf(
    'bare-lf-field-line',
    'A field line ended by a bare LF: accepted, or 400 and nothing more',
    `GET ${INDEX} HTTP/1.1\r\nHost: ${HOST}\nX-Lab-Probe: 1\r\n\r\n`,
  ),
  bareLf('bare-lf-empty-line', 'A header section ended by a bare LF: accepted, or 400 and nothing more', `GET ${INDEX} HTTP/1.1\r\nHost: ${HOST}\r\n\n`),

  // --- NUL (RFC 9110 §5.5; RFC 9112 §3.2) ---
  adversarial({
    slug: 'nul-in-value',
    section: 'RFC 9110 §5.5',
    level: 'MUST',
    title: 'A NUL in a field value: 400, or the NUL read as SP',
    requirement: CR_LF_NUL,
    needs: 'fixtures',
    request: thenCanary(get(INDEX, 'X-Lab-Probe: a\x00b'), NEXT),
    expect: (ex, ctx) => oneOf({ 'rejected (400)': rejected(ex, 400), 'NUL read as SP': servedThenNext(ex, ctx) }),
  }),
  adversarial({
    // Read as SP, "http-lab .test" is an invalid Host (RFC 9112 §3.2): 400 either way.
    slug: 'nul-in-host',
    section: 'RFC 9110 §5.5',
    level: 'MUST',
    cause: HOST_RULE_CAUSE,
    title: 'Host: http-lab\\x00.test: 400 (rejected, or "http-lab .test" is an invalid Host)',
    requirement: CR_LF_NUL,
    needs: 'origin',
    request: thenCanary(rawHead('Host: http-lab\x00.test'), CANARY),
    expect: (ex) => rejected(ex, 400),
  }),
  adversarial({
    // A server that cuts the target at the NUL, as a C string, serves /index.html.
    slug: 'nul-in-target',
    section: 'RFC 9112 §3.2',
    level: 'SHOULD',
    cause: REQUEST_LINE_INVALID,
    title: 'A NUL in the request-target (/index.html\\x00.txt): 400, or 301 to the encoded target',
    requirement: INVALID_REQUEST_LINE,
    needs: 'origin',
    request: thenCanary(`GET ${INDEX}\x00.txt HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`, CANARY),
    expect: (ex) => oneOf({ 'rejected (400)': rejected(ex, 400), 'redirected (301)': status(ex, 301) }),
  }),
  adversarial({
    // The core of the check above that no server may miss: /index.html\x00.txt names no file, and
    // a server that cuts the path at the NUL, as a C string does, serves another one.
    slug: 'nul-in-target-not-served',
    section: 'RFC 9112 §3.2',
    level: 'robustness',
    cause: NUL_TRUNCATES_PATH,
    title: 'A NUL in the request-target (/index.html\\x00.txt) never serves index.html: any refusal, a 404 included',
    requirement: INVALID_REQUEST_LINE,
    // Whether index.html's bytes came back needs the fixtures.
    needs: 'fixtures',
    request: `GET ${INDEX}\x00.txt HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`,
    expect: (ex, ctx) => notServed(ex, ctx.fixture('index.html'), 'index.html'),
  }),

  // --- obs-fold and leading whitespace that hide a framing field ---
  adversarial({
    slug: 'obs-fold-hides-content-length',
    section: 'RFC 9112 §5.2',
    level: 'MUST',
    cause: OBS_FOLD_CAUSE,
    title: 'An obs-fold " Content-Length: N" line: 400, or unfolded into the previous value (no content)',
    requirement: OBS_FOLD,
    needs: 'fixtures',
    request: thenCanary(get(INDEX, 'X-Lab-Folded: a', ` ${HIDDEN_CL}`), NEXT),
    expect: (ex, ctx) => oneOf({ 'rejected (400)': rejected(ex, 400), 'unfolded to SP': servedThenNext(ex, ctx) }),
  }),
  adversarial({
    slug: 'obs-fold-hides-transfer-encoding',
    section: 'RFC 9112 §5.2',
    level: 'MUST',
    cause: OBS_FOLD_CAUSE,
    title: 'An obs-fold "<HTAB>Transfer-Encoding: chunked" line: 400, or unfolded (no content)',
    requirement: OBS_FOLD,
    needs: 'fixtures',
    request: thenCanary(get(INDEX, 'X-Lab-Folded: a', '\tTransfer-Encoding: chunked'), NEXT),
    expect: (ex, ctx) => oneOf({ 'rejected (400)': rejected(ex, 400), 'unfolded to SP': servedThenNext(ex, ctx) }),
  }),
  adversarial({
    slug: 'ws-before-first-field-content-length',
    section: 'RFC 9112 §2.2',
    level: 'MUST',
    cause: WS_BEFORE_FIRST_FIELD_CAUSE,
    title: 'A "<HTAB>Content-Length: N" line right after the request-line: 400, or the line ignored (no content)',
    requirement: WS_BEFORE_FIRST_FIELD,
    needs: 'fixtures',
    request: thenCanary(rawHead(`\t${HIDDEN_CL}`, `Host: ${HOST}`), NEXT),
    expect: (ex, ctx) => oneOf({ 'rejected (400)': rejected(ex, 400), 'line ignored': servedThenNext(ex, ctx) }),
  }),
  adversarial({
    // Rejected as invalid, or the line ignored and then Host is missing: 400 either way.
    slug: 'ws-before-first-field-host',
    section: 'RFC 9112 §2.2',
    level: 'MUST',
    cause: WS_BEFORE_FIRST_FIELD_CAUSE,
    title: 'The only Host line preceded by SP: 400 (rejected, or ignored and then Host is missing)',
    requirement: WS_BEFORE_FIRST_FIELD,
    needs: 'origin',
    request: thenCanary(rawHead(` Host: ${HOST}`), CANARY),
    expect: (ex) => rejected(ex, 400),
  }),
  adversarial({
    slug: 'host-ws-before-colon',
    section: 'RFC 9112 §5.1',
    level: 'MUST',
    cause: WS_BEFORE_COLON_CAUSE,
    title: '"Host : http-lab.test" (space before the colon): 400, and nothing after it answered',
    requirement: WS_BEFORE_COLON,
    needs: 'origin',
    request: thenCanary(rawHead(`Host : ${HOST}`), CANARY),
    expect: (ex) => rejected(ex, 400),
  }),
  adversarial({
    slug: 'host-nbsp',
    section: 'RFC 9112 §3.2',
    level: 'MUST',
    cause: HOST_RULE_CAUSE,
    title: 'Host: \\xa0http-lab.test (0xA0 is not whitespace): an invalid Host, 400',
    requirement: HOST_RULE,
    needs: 'origin',
    request: thenCanary(rawHead(`Host: \xa0${HOST}`), CANARY),
    expect: (ex) => rejected(ex, 400),
  }),

  // --- Field names that are not tokens (RFC 9112 §2.2, §5; RFC 9110 §5.1) ---
  badField('field-name-brackets', 'A field name with "[]" (X-Invalid[]): 400, then close', 'X-Invalid[]: t'),
  badField('field-name-space', 'A field name with a space inside (Bad Header): 400, then close', 'Bad Header: v'),
  badField('field-name-ctl', 'A field name starting with 0x01: 400, then close', '\x01X-Lab-Probe: v'),
  badField('field-name-obs-text', 'A field name starting with byte 0xEF: 400, then close', '\xefoo: bar'),
  badField('field-name-empty', 'An empty field name (": x"): 400, then close', ': x'),
  badField('field-line-no-colon', 'A field line without a colon ("Content-Length 5"): 400, then close', 'Content-Length 5', 'hello'),
  adversarial({
    // The core of the check above that no server may miss: a line without a colon is no
    // Content-Length, so "hello" is never read as content and the canary is never the second answer.
    slug: 'field-line-no-colon-not-framing',
    section: 'RFC 9112 §2.2',
    level: 'security',
    rationale:
      'A field line without a colon matches no field-line (RFC 9112 §5), a grammar rule without a keyword. A server ' +
      'that reads "Content-Length 5" as a length frames content that a strict front end passes on as the next request: ' +
      'HTTP Garden (kenballus/http-garden) lists the missing colon among its request-smuggling discrepancies.',
    title: '"Content-Length 5" (no colon) never frames content: the canary after "hello" is never the second answer',
    requirement: GRAMMAR,
    needs: 'origin',
    request: thenCanary(get(INDEX, 'Content-Length 5') + 'hello', CANARY),
    expect: neverFramed,
  }),

  // --- Oversized elements ---
  adversarial({
    slug: 'method-10k',
    section: 'RFC 9112 §3',
    level: 'SHOULD',
    required: false,
    title: 'A 10 KiB method: 501',
    requirement: METHOD_TOO_LONG,
    needs: 'origin',
    request: thenCanary(`${'X'.repeat(10 * 1024)} ${INDEX} HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`, CANARY),
    expect: (ex) => status(ex, 501),
  }),
  tooLarge('field-value-64k', 'A 64 KiB field value: a 4xx (431 preferred) and nothing after it answered, or processed', [
    `X-Lab-Big: ${'a'.repeat(64 * 1024)}`,
  ]),
  tooLarge('field-count-flood', '1,200 field lines: a 4xx (431 preferred) and nothing after it answered, or processed', flood),

  // --- Garbage after a valid request (adversarial.md row 41) ---
  adversarial({
    slug: 'garbage-after-request',
    section: 'RFC 9112 §2.2',
    level: 'SHOULD',
    cause: 'garbage-after-request',
    title: 'A valid request, then "Invalid\\r\\n\\r\\n": served, then 400 and close (or closed)',
    requirement: GRAMMAR,
    // The valid request must be served: it needs the resource.
    needs: 'resource',
    request: (ctx) => thenCanary(get(resourcePath(ctx)) + 'Invalid\r\n\r\n', CANARY),
    expect: (ex, ctx) =>
      all(
        servedResource(ex, ctx),
        oneOf({
          'then 400, then close': all(statusAt(ex, 1, 400), closedAfter(ex, 2)),
          'then closed': closedAfter(ex, 1),
        }),
      ),
  }),
];
