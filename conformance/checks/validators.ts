// Validators and the preconditions built on them (RFC 9110 §8.8, §13.1, §15.4.5): what an ETag and a
// Last-Modified look like, and the answers to conditional requests that echo them.
//
// The server's own validators cannot be known in advance, so these checks ask twice: a plain
// request, then a follow-up built from its answer (RequestPlan.chunks), on the same connection, or on
// a new one when the server closed it (RequestPlan.reconnect: persistence is not judged here). When the
// server sent no ETag there is nothing to match: such a check passes with the branch "not
// applicable", and rfc9110/8.8.3.1/etag-stable is the one that warns about the missing ETag.
import type { Check, Exchange, RequestPlan, Verdict, WireResponse } from '../types.js';
import { all, bodyEquals, describeExchange, describeResponse, finalResponses, header, noBody, oneOf, status, statusAt, verdict } from '../verifiers.js';
import { NO_ETAG, etagOf, fieldValues, followUp, imfFixdateMs, isEntityTag, revalidationFields, single } from './fields.js';
import { get, head } from './requests.js';
import { resourceBody, resourcePath } from './resource.js';
import { DATE_MISSING, IF_UNMODIFIED_SINCE } from './causes.js';
import { IF_MATCH, IF_NONE_MATCH } from './causes.js';

const DATE_REQUIRED =
  'An origin server with a clock (as defined in [http.date]) MUST generate a Date header field in all 2xx ' +
  '(Successful), 3xx (Redirection), and 4xx (Client Error) responses, and MAY generate a Date header field in 1xx ' +
  '(Informational) and 5xx (Server Error) responses.';
const INM_FALSE =
  'An origin server that evaluates an If-None-Match condition MUST NOT perform the requested method if the condition ' +
  'evaluates to false; instead, the origin server MUST respond with either a) the 304 (Not Modified) status code if ' +
  'the request method is GET or HEAD or b) the 412 (Precondition Failed) status code for all other request methods.';
const SEND_ETAG =
  'An origin server SHOULD send an ETag for any selected representation for which detection of changes can be ' +
  "reasonably and consistently determined, since the entity tag's use in conditional requests and evaluating cache " +
  'freshness ([CACHING]) can substantially reduce unnecessary transfers and significantly improve service ' +
  'availability, scalability, and reliability.';

/** A condition that no server's validators can satisfy. */
const NO_SUCH_ETAG = '"http-lab-no-such-etag"';
/** An HTTP-date earlier than any file's modification time: the RFC's own example date. Not the Unix
 * epoch, which some servers (Apache's apr_date_parse_http) take for "no date" and ignore. */
const PAST = 'Sun, 06 Nov 1994 08:49:37 GMT';

/** Plain GET (or HEAD) of `path`, then the same with fields built from its answer. */
function askTwice(path: string, method: 'GET' | 'HEAD', fields: (first: WireResponse | undefined) => string[], more: string[] = []): RequestPlan {
  const first = method === 'GET' ? get(path) : head(path);
  return {
    chunks: [first, followUp(method, path, fields), ...more],
    responses: 2 + more.length,
    awaitEachResponse: true,
    reconnect: true,
    ...(method === 'HEAD' ? { headIndexes: [0, 1] } : {}),
  };
}

/** The first response's ETag, or a verdict saying there is none to test with. */
function firstEtag(ex: Exchange): string | Verdict {
  const first = finalResponses(ex)[0];
  const etag = etagOf(first);
  if (etag !== undefined) return etag;
  const expected = 'a first response with an ETag to test with';
  if (!first) return verdict(false, expected, describeExchange(ex));
  return { pass: true, expected, actual: `no (valid) ETag: ${describeResponse(first)}`, branch: 'not applicable: no ETag was sent' };
}

/** The second response is a 304 without content that repeats the ETag of the first. */
function notModifiedAgain(ex: Exchange): Verdict {
  const etag = firstEtag(ex);
  if (typeof etag !== 'string') return etag;
  return all(
    statusAt(ex, 1, 304),
    noBody(ex, 1),
    header(ex, 'ETag', `ETag: ${etag} (as in the 200)`, (v) => v.length === 1 && v[0] === etag, 1),
  );
}

/** The second response of a revalidation, or a verdict saying that no 304 came to judge. */
function the304(ex: Exchange): WireResponse | Verdict {
  const [first, second] = finalResponses(ex);
  const expected = 'a 304 to the revalidation';
  if (!first || !second) return verdict(false, expected, describeExchange(ex));
  if (revalidationFields(first).length === 0) {
    return { pass: true, expected, actual: describeResponse(first), branch: 'not applicable: neither ETag nor Last-Modified was sent' };
  }
  if (second.status !== 304) {
    return { pass: true, expected, actual: describeResponse(second), branch: `not applicable: the revalidation was answered ${second.status}` };
  }
  return second;
}

const isVerdict = (x: WireResponse | Verdict): x is Verdict => 'pass' in x;

export const validatorChecks: Check[] = [
  {
    // The grammar is the requirement: RFC 9110 §8.8.3 defines entity-tag, §2.2 binds senders to it.
    id: 'rfc9110/2.2/etag-syntax',
    section: 'RFC 9110 §2.2',
    level: 'MUST',
    required: true,
    title: 'An ETag, when sent, is one entity-tag: [W/] DQUOTE *etagc DQUOTE',
    requirement: 'A sender MUST NOT generate protocol elements that do not match the grammar defined by the corresponding ABNF rules.',
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx)),
    expect: (ex) => {
      const res = finalResponses(ex)[0];
      const etags = fieldValues(res, 'ETag');
      if (res && etags.length === 0) return { ...status(ex, 200), branch: 'no ETag' };
      return {
        ...all(
          status(ex, 200),
          header(ex, 'ETag', 'one ETag like "abc" or W/"abc"', (v) => v.length === 1 && isEntityTag(v[0]!)),
        ),
        branch: etags[0]?.startsWith('W/') ? 'weak' : 'strong',
      };
    },
  },
  {
    id: 'rfc9110/8.8.3.1/etag-stable',
    section: 'RFC 9110 §8.8.3.1',
    level: 'SHOULD',
    required: false,
    title: 'A file is sent with an ETag, the same one for two GETs of the unchanged file',
    requirement: SEND_ETAG,
    // No offer: the SHOULD is to send an ETag at all, so a resource without one warns rather than skips.
    needs: 'resource',
    request: (ctx) => ({ chunks: [get(resourcePath(ctx)), get(resourcePath(ctx))], responses: 2, awaitEachResponse: true, reconnect: true }),
    expect: (ex) => {
      const [a, b] = finalResponses(ex);
      const etag = etagOf(a);
      return all(
        status(ex, 200),
        header(ex, 'ETag', 'one valid ETag', (v) => v.length === 1 && isEntityTag(v[0]!)),
        statusAt(ex, 1, 200),
        verdict(
          etag !== undefined && etagOf(b) === etag,
          'the second ETag equals the first',
          `${single(a, 'ETag') ?? 'none'}, then ${single(b, 'ETag') ?? 'none'}`,
        ),
      );
    },
  },
  {
    id: 'rfc9110/8.8.2.1/last-modified-not-future',
    section: 'RFC 9110 §8.8.2.1',
    level: 'MUST',
    required: true,
    title: 'Last-Modified, when sent, is not later than Date',
    requirement:
      'An origin server with a clock (as defined in [http.date]) MUST NOT generate a Last-Modified date that is later ' +
      "than the server's time of message origination (Date, [field.date]).",
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx)),
    expect: (ex) => {
      const res = finalResponses(ex)[0];
      const lastModified = fieldValues(res, 'Last-Modified');
      if (res && lastModified.length === 0) return { ...status(ex, 200), branch: 'no Last-Modified' };
      const date = single(res, 'Date');
      const lm = lastModified.length === 1 ? imfFixdateMs(lastModified[0]!) : undefined;
      const at = date === undefined ? undefined : imfFixdateMs(date);
      return all(
        status(ex, 200),
        verdict(
          lm !== undefined && at !== undefined && lm <= at,
          'one IMF-fixdate Last-Modified, no later than the IMF-fixdate Date',
          `Last-Modified: ${lastModified.join(' | ')}; Date: ${date ?? 'none'}`,
        ),
      );
    },
  },
  {
    id: 'rfc9110/13.1.2/inm-etag',
    section: 'RFC 9110 §13.1.2',
    level: 'MUST',
    required: true,
    cause: IF_NONE_MATCH,
    title: 'If-None-Match with the ETag just received answers 304 with that ETag and no content',
    requirement: INM_FALSE,
    // No offer: without an ETag the check passes as "not applicable" (see the top of this file).
    needs: 'resource',
    request: (ctx) => askTwice(resourcePath(ctx), 'GET', (first) => [`If-None-Match: ${etagOf(first) ?? NO_ETAG}`]),
    expect: notModifiedAgain,
  },
  {
    id: 'rfc9110/13.1.2/inm-weak',
    section: 'RFC 9110 §13.1.2',
    level: 'MUST',
    required: true,
    cause: IF_NONE_MATCH,
    title: 'If-None-Match: W/"<the ETag>" matches by weak comparison: 304',
    requirement:
      'A recipient MUST use the weak comparison function when comparing entity tags for If-None-Match ' +
      '([entity.tag.comparison]), since weak entity tags can be used for cache validation even if there have been ' +
      'changes to the representation data.',
    needs: 'resource',
    request: (ctx) =>
      askTwice(resourcePath(ctx), 'GET', (first) => {
        const etag = etagOf(first) ?? NO_ETAG;
        return [`If-None-Match: ${etag.startsWith('W/') ? etag : `W/${etag}`}`];
      }),
    expect: notModifiedAgain,
  },
  {
    id: 'rfc9110/13.1.2/inm-list',
    section: 'RFC 9110 §13.1.2',
    level: 'MUST',
    required: true,
    cause: IF_NONE_MATCH,
    title: 'If-None-Match with a list that holds the ETag (not first) answers 304',
    requirement: INM_FALSE,
    needs: 'resource',
    request: (ctx) => askTwice(resourcePath(ctx), 'GET', (first) => [`If-None-Match: ${NO_SUCH_ETAG}, ${etagOf(first) ?? NO_ETAG}`]),
    expect: notModifiedAgain,
  },
  {
    id: 'rfc9110/13.1.2/inm-head',
    section: 'RFC 9110 §13.1.2',
    level: 'MUST',
    required: true,
    cause: IF_NONE_MATCH,
    title: 'HEAD with If-None-Match of the ETag answers 304',
    requirement: INM_FALSE,
    needs: 'resource',
    request: (ctx) => askTwice(resourcePath(ctx), 'HEAD', (first) => [`If-None-Match: ${etagOf(first) ?? NO_ETAG}`]),
    expect: notModifiedAgain,
  },
  {
    // The revalidation uses the ETag, or Last-Modified when there is none, as a cache would. A
    // third request on the connection proves that no content followed the 304.
    id: 'rfc9110/8.6/not-modified-content-length',
    section: 'RFC 9110 §8.6',
    level: 'MUST',
    required: true,
    title: "A 304 carries no Content-Length or the 200's, and no content (the next response parses)",
    requirement:
      'A server MAY send a Content-Length header field in a 304 (Not Modified) response to a conditional GET request ' +
      '([status.304]); a server MUST NOT send Content-Length in such a response unless its field value equals the ' +
      'decimal number of octets that would have been sent in the content of a 200 (OK) response to the same request.',
    // Fixtures: the third request is for /style.css, whose bytes prove that no content followed the 304.
    needs: 'fixtures',
    request: askTwice('/index.html', 'GET', revalidationFields, [get('/style.css')]),
    expect: (ex, ctx) => {
      const res = the304(ex);
      if (isVerdict(res)) return res;
      const length = ctx.fixture('index.html').length;
      return all(
        header(ex, 'Content-Length', `Content-Length absent or ${length}`, (v) => v.every((x) => x === `${length}`), 1),
        statusAt(ex, 2, 200),
        bodyEquals(ex, 2, ctx.fixture('style.css'), 'style.css'),
      );
    },
  },
  {
    id: 'rfc9110/6.6.1/date-on-304',
    section: 'RFC 9110 §6.6.1',
    level: 'MUST',
    required: true,
    cause: DATE_MISSING,
    title: 'A 304 response carries a Date header field',
    requirement: DATE_REQUIRED,
    needs: 'resource',
    request: (ctx) => askTwice(resourcePath(ctx), 'GET', revalidationFields),
    expect: (ex) => {
      const res = the304(ex);
      if (isVerdict(res)) return res;
      return header(ex, 'Date', 'the 304 has one Date field', (v) => v.length === 1, 1);
    },
  },
  {
    // The MUST is "do not perform the method"; the 412 that says so is a MAY, and the branch records it.
    id: 'rfc9110/13.1.1/if-match-mismatch',
    section: 'RFC 9110 §13.1.1',
    level: 'MUST',
    required: true,
    cause: IF_MATCH,
    title: 'GET with an If-Match that matches nothing is not served (412)',
    // The MUST NOT binds a server "that evaluates"; the MUST to evaluate is this sentence, the one a
    // server that ignores If-Match breaks.
    requirement:
      'When an origin server receives a request that selects a representation and that request includes an If-Match ' +
      'header field, the origin server MUST evaluate the If-Match condition per [evaluation] prior to performing the ' +
      'method.',
    // The resource, not any path: a precondition is evaluated only where the response would be 2xx
    // (RFC 9110 §13.2.1), so a 404 would pass without testing anything. An If-Match that lists no
    // current entity-tag is false with or without an ETag: no offer.
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), `If-Match: ${NO_SUCH_ETAG}`),
    expect: notPerformed,
  },
  {
    id: 'rfc9110/13.1.1/if-match-star',
    section: 'RFC 9110 §13.1.1',
    level: 'MUST',
    required: true,
    cause: IF_MATCH,
    title: 'GET with If-Match: * on an existing file serves it',
    requirement:
      'When an origin server receives a request that selects a representation and that request includes an If-Match ' +
      'header field, the origin server MUST evaluate the If-Match condition per [evaluation] prior to performing the ' +
      'method.',
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), 'If-Match: *'),
    expect: (ex, ctx) => all(status(ex, 200), bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx))),
  },
  {
    id: 'rfc9110/13.1.4/ius-past',
    section: 'RFC 9110 §13.1.4',
    level: 'MUST',
    required: true,
    cause: IF_UNMODIFIED_SINCE,
    title: `GET with If-Unmodified-Since: ${PAST} is not served (412)`,
    requirement:
      'When an origin server receives a request that selects a representation and that request includes an ' +
      'If-Unmodified-Since header field without an If-Match header field, the origin server MUST evaluate the ' +
      'If-Unmodified-Since condition per [evaluation] prior to performing the method.',
    // "A recipient MUST ignore the If-Unmodified-Since header field if the resource does not have a
    // modification date available" (RFC 9110 §13.1.4): only a resource with a Last-Modified can refuse.
    needs: 'resource',
    offers: ['last-modified'],
    request: (ctx) => get(resourcePath(ctx), `If-Unmodified-Since: ${PAST}`),
    expect: notPerformed,
  },
  {
    // Two field lines make one field value, a list (RFC 9110 §5.3): a naive parser that reads only
    // the first line sees a valid date, evaluates it, and refuses the file.
    id: 'rfc9110/13.1.4/ius-list-ignored',
    section: 'RFC 9110 §13.1.4',
    level: 'MUST',
    required: true,
    cause: IF_UNMODIFIED_SINCE,
    title: `Two If-Unmodified-Since lines (a list of dates, ${PAST} twice) are ignored (200), or the request is rejected (400), not evaluated`,
    requirement:
      'A recipient MUST ignore the If-Unmodified-Since header field if the received field value is not a valid ' +
      'HTTP-date (including when the field value appears to be a list of dates).',
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), `If-Unmodified-Since: ${PAST}`, `If-Unmodified-Since: ${PAST}`),
    expect: (ex, ctx) =>
      oneOf({
        'ignored (200)': all(status(ex, 200), bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx))),
        // Refusing the malformed request outright (nginx does) evaluates nothing either.
        'rejected as malformed (400)': status(ex, 400),
      }),
  },
];

/** A failed precondition: the method is not performed. 412 is the status the RFC names (a MAY);
 * any other 4xx also leaves the method unperformed and is recorded as such. */
function notPerformed(ex: Exchange): Verdict {
  const res = finalResponses(ex)[0];
  const expected = '412, or another 4xx: anything but the file';
  if (!res) return verdict(false, expected, describeExchange(ex));
  const refused = res.status >= 400 && res.status < 500;
  return {
    ...verdict(refused, expected, describeResponse(res)),
    ...(refused ? { branch: res.status === 412 ? '412' : `refused otherwise (${res.status})` } : {}),
  };
}
