// Preconditions and ranges that a static file server can be judged on without knowing its
// validators in advance (RFC 9110 §13.1.2, §13.1.3, §13.2.1, §14.2).
import type { Check } from '../types.js';
import { all, bodyEquals, header, noBody, oneOf, status } from '../verifiers.js';
import { MISSING, get } from './requests.js';
import { resourceBody, resourcePath } from './resource.js';
import { IF_NONE_MATCH } from './causes.js';

/** When the catalogue was loaded: later than any fixture's modification time, so a server that
 * evaluates If-Modified-Since against it finds the file not modified. */
const LOADED_AT = new Date().toUTCString();

const INM_FALSE =
  'An origin server that evaluates an If-None-Match condition MUST NOT perform the requested method if the condition ' +
  'evaluates to false; instead, the origin server MUST respond with either a) the 304 (Not Modified) status code if ' +
  'the request method is GET or HEAD or b) the 412 (Precondition Failed) status code for all other request methods.';
const INM_EVALUATE =
  'When an origin server receives a request that selects a representation and that request includes an ' +
  'If-None-Match header field, the origin server MUST evaluate the If-None-Match condition per [evaluation] prior to ' +
  'performing the method.';

export const conditionalRangeChecks: Check[] = [
  {
    id: 'rfc9110/13.1.2/inm-star',
    section: 'RFC 9110 §13.1.2',
    level: 'MUST',
    required: true,
    cause: IF_NONE_MATCH,
    title: 'GET with If-None-Match: * on an existing file answers 304 without content',
    requirement: INM_FALSE,
    // No offer: * matches any current representation, with or without an ETag.
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), 'If-None-Match: *'),
    expect: (ex) => all(status(ex, 304), noBody(ex)),
  },
  {
    id: 'rfc9110/13.1.2/inm-no-match',
    section: 'RFC 9110 §13.1.2',
    level: 'MUST',
    required: true,
    cause: IF_NONE_MATCH,
    title: 'GET with an If-None-Match that matches nothing serves the file',
    requirement: INM_EVALUATE,
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), 'If-None-Match: "http-lab-no-such-etag"'),
    expect: (ex, ctx) => all(status(ex, 200), bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx))),
  },
  {
    // Without the rule, If-Match: * on a missing file is false and would give 412.
    id: 'rfc9110/13.2.1/precondition-on-404',
    section: 'RFC 9110 §13.2.1',
    level: 'MUST',
    required: true,
    title: 'A precondition on a missing file is ignored: 404, not 412',
    requirement:
      'A server MUST ignore all received preconditions if its response to the same request without those conditions, ' +
      'prior to processing the request content, would have been a status code other than a 2xx (Successful) or 412 ' +
      '(Precondition Failed).',
    // Fixtures: only the known layout says that MISSING is missing (a server may answer any path).
    needs: 'fixtures',
    request: get(MISSING, 'If-Match: *'),
    expect: (ex) => status(ex, 404),
  },
  {
    id: 'rfc9110/13.1.3/ims-invalid-ignored',
    section: 'RFC 9110 §13.1.3',
    level: 'MUST',
    required: true,
    title: 'An If-Modified-Since that is not a date is ignored',
    requirement:
      'A recipient MUST ignore the If-Modified-Since header field if the received field value is not a valid ' +
      'HTTP-date, the field value has more than one member, or if the request method is neither GET nor HEAD.',
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), 'If-Modified-Since: not a date'),
    expect: (ex, ctx) => all(status(ex, 200), bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx))),
  },
  {
    id: 'rfc9110/13.1.3/inm-overrides-ims',
    section: 'RFC 9110 §13.1.3',
    level: 'MUST',
    required: true,
    title: 'If-Modified-Since is ignored when If-None-Match is present',
    requirement:
      'A recipient MUST ignore If-Modified-Since if the request contains an If-None-Match header field; the condition ' +
      'in If-None-Match is considered to be a more accurate replacement for the condition in If-Modified-Since, and ' +
      'the two are only combined for the sake of interoperating with older intermediaries that might not implement ' +
      'If-None-Match.',
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), 'If-None-Match: "http-lab-no-such-etag"', `If-Modified-Since: ${LOADED_AT}`),
    expect: (ex, ctx) => all(status(ex, 200), bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx))),
  },
  {
    id: 'rfc9110/13.1.3/ims-not-modified',
    section: 'RFC 9110 §13.1.3',
    level: 'SHOULD',
    required: false,
    title: 'If-Modified-Since later than the file answers 304',
    requirement:
      'An origin server that evaluates an If-Modified-Since condition SHOULD NOT perform the requested method if the ' +
      'condition evaluates to false; instead, the origin server SHOULD generate a 304 (Not Modified) response, ' +
      'including only those metadata that are useful for identifying or updating a previously cached response.',
    // If-Modified-Since is ignored where the resource has no modification date (RFC 9110 §13.1.3):
    // only a resource with a Last-Modified can answer 304.
    needs: 'resource',
    offers: ['last-modified'],
    request: (ctx) => get(resourcePath(ctx), `If-Modified-Since: ${LOADED_AT}`),
    expect: (ex) => all(status(ex, 304), noBody(ex)),
  },
  {
    id: 'rfc9110/14.2/range-unknown-unit',
    section: 'RFC 9110 §14.2',
    level: 'MUST',
    required: true,
    title: 'A Range in an unknown unit is ignored: 200 with the whole file',
    requirement: 'An origin server MUST ignore a Range header field that contains a range unit it does not understand.',
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), 'Range: items=0-9'),
    expect: (ex, ctx) => all(status(ex, 200), bodyEquals(ex, 0, resourceBody(ctx), resourcePath(ctx))),
  },
  {
    id: 'rfc9110/14.2/range-first-bytes',
    section: 'RFC 9110 §14.2',
    level: 'MAY',
    required: false,
    title: 'Range: bytes=0-9 gives exactly those bytes (206), or is ignored (200)',
    requirement: 'A server MAY ignore the Range header field.',
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), 'Range: bytes=0-9'),
    expect: (ex, ctx) => {
      const file = resourceBody(ctx);
      // RFC 9110 §14.1.2: "if the value is greater than or equal to the current length of the
      // representation data, the byte range is interpreted as the remainder of the representation".
      const last = Math.min(9, file.length - 1);
      const range = `bytes 0-${last}/${file.length}`;
      return oneOf({
        'partial (206)': all(
          status(ex, 206),
          header(ex, 'Content-Range', `Content-Range: ${range}`, (v) => v.length === 1 && v[0] === range),
          bodyEquals(ex, 0, file.subarray(0, last + 1), `the first ${last + 1} bytes of ${resourcePath(ctx)}`),
        ),
        'ignored (200)': all(status(ex, 200), bodyEquals(ex, 0, file, resourcePath(ctx))),
      });
    },
  },
];
