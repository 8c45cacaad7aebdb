// Response semantics every answer must carry (RFC 9110 §5.6.7, §6.2, §6.6.1, §8.3, §8.6, §15.5;
// RFC 9112 §4, §6.2, §6.3): Date, media types, length delimitation, the status line, error
// representations. Error responses are judged as closely as successes: a 400 or 405 must be as
// well delimited and dated as a 200.
import type { Check, CheckContext, Exchange, Need, Verdict } from '../types.js';
import { all, bodyEquals, describeEnd, describeExchange, describeResponse, finalResponses, header, oneOf, status, statusAt, verdict } from '../verifiers.js';
import { fieldValues, imfFixdateMs, isImfFixdate, mediaType } from './fields.js';
import { DATE_MISSING, NOT_FOUND } from './causes.js';
import { HOST, MISSING, get, request } from './requests.js';
import { resourcePath } from './resource.js';

const SEND_CONTENT_TYPE =
  'A sender that generates a message containing content SHOULD generate a Content-Type header field in that message ' +
  'unless the intended media type of the enclosed representation is unknown to the sender.';
const DATE_REQUIRED =
  'An origin server with a clock (as defined in [http.date]) MUST generate a Date header field in all 2xx ' +
  '(Successful), 3xx (Redirection), and 4xx (Client Error) responses, and MAY generate a Date header field in 1xx ' +
  '(Informational) and 5xx (Server Error) responses.';

function contentType(slug: string, target: string, fixture: string, allowed: string[]): Check {
  return {
    id: `rfc9110/8.3/content-type-${slug}`,
    section: 'RFC 9110 §8.3',
    level: 'SHOULD',
    required: false,
    title: `GET ${target} is labelled ${allowed.join(' or ')}`,
    requirement: SEND_CONTENT_TYPE,
    // The label is judged against the bundled file's known type and bytes.
    needs: 'fixtures',
    request: get(target),
    expect: (ex, ctx) =>
      all(
        status(ex, 200),
        bodyEquals(ex, 0, ctx.fixture(fixture), fixture),
        header(ex, 'Content-Type', `Content-Type: ${allowed.join(' or ')}`, (v) => {
          const type = v[0]?.split(';', 1)[0]!.trim().toLowerCase();
          return v.length === 1 && allowed.includes(type ?? '');
        }),
      ),
  };
}

/** `target` is answered `code` with Date: a 200 needs the resource; a 404 for MISSING needs the
 * fixtures' layout (a server may answer any path). */
function dateOn(slug: string, target: string | ((ctx: CheckContext) => string), code: number, needs: Need): Check {
  return {
    id: `rfc9110/6.6.1/${slug}`,
    section: 'RFC 9110 §6.6.1',
    level: 'MUST',
    required: true,
    cause: DATE_MISSING,
    title: `A ${code} response carries a Date header field`,
    requirement: DATE_REQUIRED,
    needs,
    request: typeof target === 'string' ? get(target) : (ctx) => get(target(ctx)),
    expect: (ex) =>
      all(
        status(ex, code),
        header(ex, 'Date', 'one Date field', (v) => v.length === 1),
      ),
  };
}

/** A request-line with a fourth token: invalid (RFC 9112 §3.2: SHOULD 400), and refused with 400 by
 * every server tried, HTTP/1.0 peers included (a request without Host is not: they serve it). */
const BAD_LINE = `GET /index.html HTTP/1.1 extra\r\nHost: ${HOST}\r\n\r\n`;
/** How far the Date field may be from the client's clock: the Date is formatted to the second and
 * may be cached for one, and the exchange takes time. */
const DATE_SKEW_MS = 60_000;
const KIB_64 = 64 * 1024;
/** A docroot file whose extension no media type table knows. */
const UNKNOWN_TYPE_FIXTURE = 'notes.httplab';

/** The first final response carries exactly one Date field. */
const hasDate = (ex: Exchange, i = 0): Verdict => header(ex, 'Date', 'one Date field', (v) => v.length === 1, i);

/** Whatever status the first answer has, Date is there if the MUST binds it: on a 2xx, 3xx or 4xx.
 * A 5xx may go without (the same sentence makes Date a MAY there), and either choice is recorded.
 * Which status the server chose is another check's question: this one asks only for Date. */
function dateOnAnswer(ex: Exchange): Verdict {
  const res = finalResponses(ex)[0];
  if (!res) return verdict(false, 'an answer, with Date if it is 2xx-4xx', describeExchange(ex));
  const dated = hasDate(ex);
  if (res.status >= 500) return { ...dated, pass: true, expected: `a ${res.status} (5xx) may carry Date`, branch: dated.pass ? 'Date sent' : 'no Date' };
  return { ...dated, expected: `a ${res.status} (2xx-4xx) carries one Date field`, branch: `${res.status} with Date` };
}

/** The answer to `bytes`, which draws a `what` from most servers, carries Date if it is 2xx-4xx. */
function dateWith(slug: string, title: string, bytes: string, needs: Need = 'origin'): Check {
  return {
    id: `rfc9110/6.6.1/${slug}`,
    section: 'RFC 9110 §6.6.1',
    level: 'MUST',
    required: true,
    cause: DATE_MISSING,
    title,
    requirement: DATE_REQUIRED,
    needs,
    request: bytes,
    expect: dateOnAnswer,
  };
}

/** The first final response, if it has content, labels it with one Content-Type. */
function labelsContent(ex: Exchange): Verdict {
  const res = finalResponses(ex)[0];
  const expected = 'content labelled with one Content-Type';
  if (!res) return verdict(false, expected, describeExchange(ex));
  const types = fieldValues(res, 'Content-Type');
  if (res.body.length === 0) return { ...verdict(true, expected, describeResponse(res)), branch: 'no content: nothing to label' };
  return verdict(types.length === 1 && /^[^\s/;]+\/[^\s/;]+/.test(types[0]!), expected, describeResponse(res));
}

/** The i-th response is delimited by Content-Length or chunked (not by closing), and no bytes
 * follow it that are not another response: its Content-Length, if any, counted its body exactly. */
function lengthDelimited(ex: Exchange, i: number): Verdict {
  const res = finalResponses(ex)[i];
  const expected = `${i === 0 ? '' : 'response ' + (i + 1) + ': '}delimited by Content-Length or chunked, with nothing after it but the next response`;
  if (!res) return verdict(false, expected, describeExchange(ex));
  const last = i === finalResponses(ex).length - 1;
  const stray = last && (ex.trailingGarbage.length > 0 || ex.parseError !== undefined);
  const ok = (res.framing === 'content-length' || res.framing === 'chunked') && !stray;
  return verdict(ok, expected, `${describeResponse(res)} (framing: ${res.framing}); ${describeEnd(ex)}`);
}

/** A 404 whose body explains the error and is delimited by length or chunking, not by closing. */
function selfDelimitedExplanation(ex: Exchange): Verdict {
  const res = finalResponses(ex)[0];
  const expected = 'a non-empty explanation delimited by Content-Length or chunked';
  if (!res) return verdict(false, expected, describeExchange(ex));
  const ok = res.body.length > 0 && (res.framing === 'content-length' || res.framing === 'chunked');
  return verdict(ok, expected, `${describeResponse(res)} (framing: ${res.framing})`);
}

export const responseChecks: Check[] = [
  contentType('html', '/index.html', 'index.html', ['text/html']),
  contentType('css', '/style.css', 'style.css', ['text/css']),
  contentType('js', '/app.js', 'app.js', ['text/javascript', 'application/javascript']),
  contentType('png', '/logo.png', 'logo.png', ['image/png']),
  dateOn('date-on-200', resourcePath, 200, 'resource'),
  dateOn('date-on-404', MISSING, 404, 'fixtures'),
  {
    id: 'rfc9110/5.6.7/date-imf-fixdate',
    section: 'RFC 9110 §5.6.7',
    level: 'MUST',
    required: true,
    title: 'Date is sent in IMF-fixdate format',
    requirement:
      'When a sender generates a field that contains one or more timestamps defined as HTTP-date, the sender MUST ' +
      'generate those timestamps in the IMF-fixdate format.',
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx)),
    expect: (ex) =>
      all(
        status(ex, 200),
        header(ex, 'Date', 'Date like "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate, a real date)', (v) => v.length === 1 && isImfFixdate(v[0]!)),
      ),
  },
  {
    id: 'rfc9110/8.6/content-length-static',
    section: 'RFC 9110 §8.6',
    level: 'SHOULD',
    required: false,
    title: 'A static file is sent with Content-Length, not chunked',
    requirement:
      'Aside from the cases defined above, in the absence of Transfer-Encoding, an origin server SHOULD send a ' +
      'Content-Length header field when the content size is known prior to sending the complete header section.',
    // A static file whose size the server knows: the bundled style.css, its length known here.
    needs: 'fixtures',
    request: get('/style.css'),
    expect: (ex, ctx) =>
      all(
        status(ex, 200),
        header(
          ex,
          'Content-Length',
          `Content-Length: ${ctx.fixture('style.css').length}`,
          (v) => v.length === 1 && v[0] === `${ctx.fixture('style.css').length}`,
        ),
        header(ex, 'Transfer-Encoding', 'no Transfer-Encoding', (v) => v.length === 0),
      ),
  },
  {
    id: 'rfc9110/15.5/not-found',
    section: 'RFC 9110 §15.5',
    level: 'SHOULD',
    required: false,
    cause: NOT_FOUND,
    title: 'A missing file answers 404 with a self-delimited explanation, and the connection stays usable',
    requirement:
      'Except when responding to a HEAD request, the server SHOULD send a representation containing an explanation of ' +
      'the error situation, and whether it is a temporary or permanent condition.',
    // Knowing MISSING is missing (404) needs the layout; the second answer is judged on index.html's bytes.
    needs: 'fixtures',
    request: { chunks: [get(MISSING), get('/index.html')], responses: 2, awaitEachResponse: true },
    expect: (ex, ctx) => all(status(ex, 404), selfDelimitedExplanation(ex), statusAt(ex, 1, 200), bodyEquals(ex, 1, ctx.fixture('index.html'), 'index.html')),
  },
  {
    id: 'rfc9112/4/status-line-sp',
    section: 'RFC 9112 §4',
    level: 'MUST',
    required: true,
    title: 'The status line is "HTTP-version SP status-code SP [reason-phrase]" CRLF',
    requirement:
      'A server MUST send the space that separates the status-code from the reason-phrase even when the reason-phrase ' +
      'is absent (i.e., the status-line would end with the space).',
    // Any final response has a status line: /index.html is only some target.
    needs: 'origin',
    request: get('/index.html'),
    expect: (ex) => {
      const res = finalResponses(ex)[0];
      const expected = 'a status line matching HTTP/d.d SP ddd SP reason CRLF';
      if (!res) return verdict(false, expected, describeExchange(ex));
      const line = res.raw.toString('latin1', 0, Math.max(0, res.raw.indexOf('\n') + 1));
      return verdict(/^HTTP\/\d\.\d \d{3} [^\r\n]*\r\n$/.test(line), expected, JSON.stringify(line));
    },
  },
  {
    id: 'rfc9110/6.2/response-version',
    section: 'RFC 9110 §6.2',
    level: 'SHOULD',
    required: false,
    title: 'An HTTP/1.1 request is answered with HTTP/1.1',
    requirement:
      'A server SHOULD send a response version equal to the highest version to which the server is conformant that has ' +
      'a major version less than or equal to the one received in the request.',
    // Any final response carries a version: /index.html is only some target.
    needs: 'origin',
    request: get('/index.html'),
    expect: (ex) => {
      const res = finalResponses(ex)[0];
      return verdict(res?.version === 'HTTP/1.1', 'HTTP/1.1', res ? describeResponse(res) : describeExchange(ex));
    },
  },
  {
    id: 'rfc9110/15.5/not-found-subdir',
    section: 'RFC 9110 §15.5',
    level: 'SHOULD',
    required: false,
    cause: NOT_FOUND,
    title: 'A missing file in a subfolder answers 404 with a self-delimited explanation',
    requirement:
      'Except when responding to a HEAD request, the server SHOULD send a representation containing an explanation of ' +
      'the error situation, and whether it is a temporary or permanent condition.',
    needs: 'fixtures',
    request: get('/docs/no-such-file.html'),
    expect: (ex) => all(status(ex, 404), selfDelimitedExplanation(ex)),
  },
  // Date on every kind of answer, not only on files: a conditional 304 is in validators.ts.
  dateWith('date-on-400', 'The answer to an invalid request-line (a 400, mostly) carries Date, as every 2xx-4xx must', BAD_LINE),
  // DELETE is sent only to the bundled docroot's file, never to a user's resource.
  dateWith('date-on-405', 'The answer to DELETE of a file (a 405, mostly) carries Date, as every 2xx-4xx must', request('DELETE', '/index.html'), 'fixtures'),
  dateWith(
    'date-on-414',
    'The answer to a 64 KiB request-target (a 414, mostly) carries Date, as every 2xx-4xx must',
    get(`/${'a'.repeat(99)}`.repeat(Math.ceil(KIB_64 / 100))),
  ),
  dateWith(
    'date-on-431',
    'The answer to a 64 KiB field line (a 431, mostly) carries Date, as every 2xx-4xx must',
    get('/index.html', `X-Lab-Large: ${'a'.repeat(KIB_64)}`),
  ),
  {
    // 5xx: the same sentence makes Date a MAY, so either branch passes and the choice is recorded.
    id: 'rfc9110/6.6.1/date-on-501',
    section: 'RFC 9110 §6.6.1',
    level: 'MAY',
    required: false,
    title: 'A 501 response (unknown method) may carry a Date header field (recorded)',
    requirement: DATE_REQUIRED,
    // An unknown method is unknown whatever the path. An answer below 500 must carry Date, but that
    // MUST is date-on-400's and date-on-405's to judge: this MAY check records the 5xx choice.
    needs: 'origin',
    request: request('FOO', '/index.html'),
    expect: dateOnAnswer,
  },
  {
    id: 'rfc9110/6.6.1/date-accurate',
    section: 'RFC 9110 §6.6.1',
    level: 'SHOULD',
    required: false,
    title: `Date is within ${DATE_SKEW_MS / 1000} s of the client's clock`,
    requirement:
      'A sender that generates a Date header field SHOULD generate its field value as the best available ' +
      'approximation of the date and time of message generation.',
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx)),
    expect: (ex) => {
      const now = Date.now();
      return all(
        status(ex, 200),
        header(ex, 'Date', `one IMF-fixdate Date within ${DATE_SKEW_MS / 1000} s of ${new Date(now).toUTCString()}`, (v) => {
          const at = v.length === 1 ? imfFixdateMs(v[0]!) : undefined;
          return at !== undefined && Math.abs(at - now) <= DATE_SKEW_MS;
        }),
      );
    },
  },
  {
    id: 'rfc9110/8.3/content-type-404',
    section: 'RFC 9110 §8.3',
    level: 'SHOULD',
    required: false,
    title: 'The explanation in a 404 response is labelled with a Content-Type',
    requirement: SEND_CONTENT_TYPE,
    needs: 'fixtures',
    request: get(MISSING),
    expect: (ex) => all(status(ex, 404), labelsContent(ex)),
  },
  {
    id: 'rfc9110/8.3/content-type-400',
    section: 'RFC 9110 §8.3',
    level: 'SHOULD',
    required: false,
    title: 'The explanation in a 400 response (to an invalid request-line) is labelled with a Content-Type',
    requirement: SEND_CONTENT_TYPE,
    needs: 'origin',
    request: BAD_LINE,
    expect: (ex) => all(status(ex, 400), labelsContent(ex)),
  },
  {
    // The sentence lets a sender omit Content-Type when it does not know the type; a guess other
    // than application/octet-stream (RFC 2046's "arbitrary binary data") would be a wrong label.
    id: 'rfc9110/8.3/content-type-unknown',
    section: 'RFC 9110 §8.3',
    level: 'SHOULD',
    required: false,
    title: `A file of unknown type (/${UNKNOWN_TYPE_FIXTURE}) is sent unlabelled or as application/octet-stream`,
    requirement: SEND_CONTENT_TYPE,
    needs: 'fixtures',
    request: get(`/${UNKNOWN_TYPE_FIXTURE}`),
    expect: (ex, ctx) =>
      all(
        status(ex, 200),
        bodyEquals(ex, 0, ctx.fixture(UNKNOWN_TYPE_FIXTURE), UNKNOWN_TYPE_FIXTURE),
        oneOf({
          'application/octet-stream': header(
            ex,
            'Content-Type',
            'Content-Type: application/octet-stream',
            (v) => v.length === 1 && mediaType(v[0]!) === 'application/octet-stream',
          ),
          'no Content-Type': header(ex, 'Content-Type', 'no Content-Type', (v) => v.length === 0),
        }),
      ),
  },
  {
    // For an HTTP/1.0 request the highest version with major <= 1 is HTTP/1.1 for an HTTP/1.1
    // server; RFC 9112 §2.3 allows HTTP/1.0 only as a workaround for a client known to be broken.
    id: 'rfc9110/6.2/response-version-http10',
    section: 'RFC 9110 §6.2',
    level: 'SHOULD',
    required: false,
    title: 'An HTTP/1.0 request is answered with HTTP/1.1',
    requirement:
      'A server SHOULD send a response version equal to the highest version to which the server is conformant that has ' +
      'a major version less than or equal to the one received in the request.',
    // Any final response carries a version: /index.html is only some target.
    needs: 'origin',
    request: request('GET', '/index.html', [], 'HTTP/1.0'),
    expect: (ex) => {
      const res = finalResponses(ex)[0];
      return verdict(res?.version === 'HTTP/1.1', 'HTTP/1.1', res ? describeResponse(res) : describeExchange(ex));
    },
  },
  {
    // A close-delimited 400 cannot be told from one cut off by a network failure.
    id: 'rfc9112/6.3/length-delimited-400',
    section: 'RFC 9112 §6.3',
    level: 'SHOULD',
    required: false,
    title: 'A 400 response (to an invalid request-line) is delimited by its length, which counts its content exactly',
    requirement:
      'Since there is no way to distinguish a successfully completed, close-delimited response message from a partially ' +
      'received message interrupted by network failure, a server SHOULD generate encoding or length-delimited messages ' +
      'whenever possible.',
    needs: 'origin',
    request: { chunks: [BAD_LINE], awaitClose: true },
    expect: (ex) => all(status(ex, 400), lengthDelimited(ex, 0)),
  },
  {
    id: 'rfc9112/6.3/length-delimited-405',
    section: 'RFC 9112 §6.3',
    level: 'SHOULD',
    required: false,
    title: 'A refused method (DELETE) is answered length-delimited, and the next request on the connection parses',
    requirement:
      'Since there is no way to distinguish a successfully completed, close-delimited response message from a partially ' +
      'received message interrupted by network failure, a server SHOULD generate encoding or length-delimited messages ' +
      'whenever possible.',
    // 405 or 501 for DELETE holds of a static file; the next answer is judged on style.css's bytes.
    needs: 'fixtures',
    request: { chunks: [request('DELETE', '/index.html'), get('/style.css')], responses: 2, awaitEachResponse: true },
    expect: (ex, ctx) =>
      all(
        status(ex, 405, 501),
        lengthDelimited(ex, 0),
        oneOf({
          'the next request was answered': all(statusAt(ex, 1, 200), bodyEquals(ex, 1, ctx.fixture('style.css'), 'style.css')),
          'closed after the refusal': verdict(finalResponses(ex).length === 1 && ex.closed, 'one response, then close', describeExchange(ex)),
        }),
      ),
  },
  {
    id: 'rfc9112/6.2/no-content-length-with-te',
    section: 'RFC 9112 §6.2',
    level: 'MUST',
    required: true,
    title: 'No response carries both Content-Length and Transfer-Encoding (1 MiB file, then a 404)',
    requirement: 'A sender MUST NOT send a Content-Length header field in any message that contains a Transfer-Encoding header field.',
    needs: 'fixtures',
    request: { chunks: [get('/large.bin'), get(MISSING)], responses: 2, awaitEachResponse: true, reconnect: true },
    expect: (ex, ctx) => {
      const both = (i: number): Verdict => {
        const res = finalResponses(ex)[i];
        const expected = `response ${i + 1}: not both Content-Length and Transfer-Encoding`;
        if (!res) return verdict(false, expected, describeExchange(ex));
        const te = fieldValues(res, 'Transfer-Encoding');
        const cl = fieldValues(res, 'Content-Length');
        return verdict(te.length === 0 || cl.length === 0, expected, describeResponse(res));
      };
      return all(status(ex, 200), bodyEquals(ex, 0, ctx.fixture('large.bin'), 'large.bin'), both(0), statusAt(ex, 1, 404), both(1));
    },
  },
];
