// Shared verifiers: each looks at one aspect of an Exchange and returns a Verdict that names every
// allowed alternative (`expected`) and what the server did (`actual`), in words a reader of a
// failure can act on: status line, the fields that matter, body size and first bytes, and how the
// connection ended.
import { escapeBytes } from './escape.js';
import type { Exchange, Verdict, WireResponse } from './types.js';

/** Fields worth showing when a response is described. */
const SHOWN_FIELDS = ['content-length', 'transfer-encoding', 'content-type', 'connection', 'allow', 'content-range', 'location'];
const BODY_PREVIEW_BYTES = 32;

function fieldValues(res: WireResponse, name: string): string[] {
  const lower = name.toLowerCase();
  return res.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** Final (non-1xx) responses, one per answered request. */
export function finalResponses(ex: Exchange): WireResponse[] {
  return ex.responses.filter((r) => r.status >= 200);
}

export function describeResponse(res: WireResponse): string {
  const fields = res.headers.filter(([n]) => SHOWN_FIELDS.includes(n.toLowerCase())).map(([n, v]) => `${n}: ${v}`);
  const head = `${res.version} ${res.status}${res.reason ? ` ${res.reason}` : ''}`;
  const body = res.body.length === 0 ? 'no body' : `body ${res.body.length} B "${escapeBytes(res.body, BODY_PREVIEW_BYTES)}"`;
  return `${head}${fields.length ? ` [${fields.join(', ')}]` : ''}, ${body}`;
}

/** How the exchange ended, after its responses. */
export function describeEnd(ex: Exchange): string {
  const parts: string[] = [];
  if (ex.parseError) parts.push(`unparsable bytes: ${ex.parseError}`);
  else if (ex.trailingGarbage.length > 0) {
    parts.push(`${ex.trailingGarbage.length} bytes after the last response "${escapeBytes(ex.trailingGarbage, BODY_PREVIEW_BYTES)}"`);
  }
  if (ex.timedOut) parts.push('timed out waiting');
  else if (ex.closedBy === 'reset') parts.push('then the connection was reset');
  else if (ex.closed) parts.push('then the server closed the connection');
  else if (ex.parseError) parts.push('stopped reading there');
  else parts.push('connection left open');
  return parts.join(', ');
}

export function describeExchange(ex: Exchange): string {
  const responses = ex.responses.map(describeResponse);
  return [responses.length ? responses.join(' → ') : 'no response', describeEnd(ex)].join('; ');
}

function nth(i: number): string {
  return ['first', 'second', 'third'][i] ?? `#${i + 1}`;
}

/** `what`, said of the i-th response. */
function ofResponse(i: number, what: string): string {
  return i === 0 ? what : `${nth(i)} response: ${what}`;
}

/** The i-th final response, or a failed Verdict (with `expected`) saying why there is none. */
function responseAt(ex: Exchange, i: number, expected: string): WireResponse | Verdict {
  const res = finalResponses(ex)[i];
  if (res) return res;
  const got = finalResponses(ex).length;
  const actual = got === 0 ? `no response; ${describeEnd(ex)}` : `only ${got} response(s); ${describeEnd(ex)}`;
  return { pass: false, expected, actual };
}

function isVerdict(x: WireResponse | Verdict): x is Verdict {
  return 'pass' in x;
}

/** The i-th final response has one of the allowed status codes. */
export function statusAt(ex: Exchange, i: number, ...allowed: number[]): Verdict {
  const expected = ofResponse(i, allowed.length === 1 ? `${allowed[0]}` : `one of ${allowed.join(', ')}`);
  const res = responseAt(ex, i, expected);
  if (isVerdict(res)) return res;
  return { pass: allowed.includes(res.status), expected, actual: describeResponse(res) };
}

/** The first final response has one of the allowed status codes. */
export function status(ex: Exchange, ...allowed: number[]): Verdict {
  return statusAt(ex, 0, ...allowed);
}

/** The i-th final response's body is exactly `bytes` (named `label` in messages). */
export function bodyEquals(ex: Exchange, i: number, bytes: Buffer, label: string): Verdict {
  const expected = ofResponse(i, `body == ${label} (${bytes.length} B)`);
  const res = responseAt(ex, i, expected);
  if (isVerdict(res)) return res;
  if (res.body.equals(bytes)) return { pass: true, expected, actual: `body == ${label}` };
  let at = 0;
  while (at < res.body.length && at < bytes.length && res.body[at] === bytes[at]) at++;
  return {
    pass: false,
    expected,
    actual:
      `${res.version} ${res.status}, body ${res.body.length} B differs from ${label} at byte ${at}: ` +
      `got "${escapeBytes(res.body.subarray(at), 16)}", want "${escapeBytes(bytes.subarray(at), 16)}"`,
  };
}

/** The i-th final response has no body bytes. */
export function noBody(ex: Exchange, i = 0): Verdict {
  const expected = ofResponse(i, 'no body');
  const res = responseAt(ex, i, expected);
  if (isVerdict(res)) return res;
  return { pass: res.body.length === 0, expected, actual: describeResponse(res) };
}

/** A field of the i-th final response satisfies `test`, given every value it was sent with (an
 * empty list when absent). */
export function header(ex: Exchange, name: string, expected: string, test: (values: string[]) => boolean, i = 0): Verdict {
  const want = ofResponse(i, expected);
  const res = responseAt(ex, i, want);
  if (isVerdict(res)) return res;
  const got = fieldValues(res, name);
  return {
    pass: test(got),
    expected: want,
    actual: got.length ? `${name}: ${got.join(' | ')}` : `no ${name} field (${describeResponse(res)})`,
  };
}

/** Content-Length, when sent, equals `length`. */
export function contentLengthIs(ex: Exchange, length: number, i = 0): Verdict {
  return header(ex, 'Content-Length', `Content-Length absent or ${length}`, (v) => v.every((x) => x.trim() === `${length}`), i);
}

/** Exactly n final responses, then the server closed: a pipelined canary was never answered. */
export function closedAfter(ex: Exchange, n: number): Verdict {
  const expected = `${n} response${n === 1 ? '' : 's'}, then close (a pipelined request after ${n === 1 ? 'it' : 'them'} is never answered)`;
  const finals = finalResponses(ex);
  const clean = ex.parseError === undefined && ex.trailingGarbage.length === 0;
  if (finals.length === n && ex.closed && clean) {
    return { pass: true, expected, actual: `${n} response${n === 1 ? '' : 's'}, ${describeEnd(ex)}` };
  }
  let actual: string;
  if (finals.length > n) actual = `the canary was answered: ${describeResponse(finals[n]!)}; ${describeEnd(ex)}`;
  else if (finals.length < n) actual = `${finals.length} of ${n} responses; ${describeEnd(ex)}`;
  else actual = `${n} response${n === 1 ? '' : 's'}, ${describeEnd(ex)}`;
  return { pass: false, expected, actual };
}

/** The first answer is not `bytes` served: any refusal passes, whatever its status, and so does a
 * close without an answer; only a 2xx with exactly `bytes` (named `label`) fails. */
export function notServed(ex: Exchange, bytes: Buffer, label: string): Verdict {
  const expected = `anything but ${label} served (a refusal of any status, a 404 included, or a close)`;
  const res = finalResponses(ex)[0];
  if (!res) return { ...verdict(true, expected, describeExchange(ex)), branch: 'closed without an answer' };
  const served = res.status >= 200 && res.status < 300 && res.body.equals(bytes);
  return {
    ...verdict(!served, expected, served ? `served ${label}: ${describeResponse(res)}` : describeResponse(res)),
    ...(served ? {} : { branch: `not served (${res.status})` }),
  };
}

/** Every verdict passes. The first branch found among them is kept. */
export function all(...verdicts: Verdict[]): Verdict {
  const failed = verdicts.filter((v) => !v.pass);
  const branch = verdicts.find((v) => v.branch !== undefined)?.branch;
  return {
    pass: failed.length === 0,
    expected: verdicts.map((v) => v.expected).join('; '),
    actual: unique((failed.length ? failed : verdicts).map((v) => v.actual)).join('; '),
    ...(branch !== undefined ? { branch } : {}),
  };
}

/** A "choose one" rule: the server may take any of the named branches; the first that passes is
 * recorded as `branch`. */
export function oneOf(branches: Record<string, Verdict>): Verdict {
  const entries = Object.entries(branches);
  const expected = entries.map(([name, v]) => `${name}: ${v.expected}`).join(' | ');
  const taken = entries.find(([, v]) => v.pass);
  if (taken) return { pass: true, expected, actual: taken[1].actual, branch: taken[0] };
  return { pass: false, expected, actual: unique(entries.map(([, v]) => v.actual)).join('; ') };
}

/** A verdict from a plain condition, for checks whose rule fits no shared verifier. */
export function verdict(pass: boolean, expected: string, actual: string): Verdict {
  return { pass, expected, actual };
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
