// Response semantics every answer must carry (RFC 9110 §5.6.7, §6.2, §6.6.1, §8.3, §8.6, §15.5;
// RFC 9112 §4): Date, media types, length delimitation, the status line, error representations.
import type { Check, Exchange, Verdict } from '../types.js';
import {
  all,
  bodyEquals,
  describeExchange,
  describeResponse,
  finalResponses,
  header,
  status,
  statusAt,
  verdict,
} from '../verifiers.js';
import { MISSING, get } from './requests.js';

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

function dateOn(slug: string, target: string, code: number): Check {
  return {
    id: `rfc9110/6.6.1/${slug}`,
    section: 'RFC 9110 §6.6.1',
    level: 'MUST',
    required: true,
    title: `A ${code} response carries a Date header field`,
    requirement: DATE_REQUIRED,
    request: get(target),
    expect: (ex) => all(status(ex, code), header(ex, 'Date', 'one Date field', (v) => v.length === 1)),
  };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** IMF-fixdate (RFC 9110 §5.6.7) naming a real instant whose weekday is right. */
export function isImfFixdate(value: string): boolean {
  const m = IMF_FIXDATE.exec(value);
  if (!m) return false;
  const [, weekday, day, month, year, hour, minute, second] = m;
  const monthIndex = MONTHS.indexOf(month!);
  const date = new Date(Date.UTC(Number(year), monthIndex, Number(day), Number(hour), Number(minute), Number(second)));
  return (
    date.getUTCDate() === Number(day) &&
    date.getUTCMonth() === monthIndex &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 60 &&
    WEEKDAYS[date.getUTCDay()] === weekday
  );
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
  dateOn('date-on-200', '/index.html', 200),
  dateOn('date-on-404', MISSING, 404),
  {
    id: 'rfc9110/5.6.7/date-imf-fixdate',
    section: 'RFC 9110 §5.6.7',
    level: 'MUST',
    required: true,
    title: 'Date is sent in IMF-fixdate format',
    requirement:
      'When a sender generates a field that contains one or more timestamps defined as HTTP-date, the sender MUST ' +
      'generate those timestamps in the IMF-fixdate format.',
    request: get('/index.html'),
    expect: (ex) =>
      all(
        status(ex, 200),
        header(ex, 'Date', 'Date like "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate, a real date)', (v) =>
          v.length === 1 && isImfFixdate(v[0]!),
        ),
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
    request: get('/style.css'),
    expect: (ex, ctx) =>
      all(
        status(ex, 200),
        header(ex, 'Content-Length', `Content-Length: ${ctx.fixture('style.css').length}`, (v) => v.length === 1 && v[0] === `${ctx.fixture('style.css').length}`),
        header(ex, 'Transfer-Encoding', 'no Transfer-Encoding', (v) => v.length === 0),
      ),
  },
  {
    id: 'rfc9110/15.5/not-found',
    section: 'RFC 9110 §15.5',
    level: 'SHOULD',
    required: true,
    title: 'A missing file answers 404 with a self-delimited explanation, and the connection stays usable',
    requirement:
      'Except when responding to a HEAD request, the server SHOULD send a representation containing an explanation of ' +
      'the error situation, and whether it is a temporary or permanent condition.',
    request: { chunks: [get(MISSING), get('/index.html')], responses: 2, awaitEachResponse: true },
    expect: (ex, ctx) =>
      all(
        status(ex, 404),
        selfDelimitedExplanation(ex),
        statusAt(ex, 1, 200),
        bodyEquals(ex, 1, ctx.fixture('index.html'), 'index.html'),
      ),
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
    request: get('/index.html'),
    expect: (ex) => {
      const res = finalResponses(ex)[0];
      return verdict(res?.version === 'HTTP/1.1', 'HTTP/1.1', res ? describeResponse(res) : describeExchange(ex));
    },
  },
];
