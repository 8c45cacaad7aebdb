// Byte ranges (RFC 9110 §13.1.5, §14, §15.3.7, §15.5.17). A server MAY ignore Range altogether, so
// every check here lets it send the whole file (200) and records that branch; what it may not do is
// send a 206 that is wrong: a missing or false Content-Range, bytes other than those named, a
// multipart body for one range, or a single-part body for several.
import type { Check, Exchange, Verdict, WireResponse } from '../types.js';
import {
  all,
  bodyEquals,
  closedAfter,
  describeExchange,
  describeResponse,
  finalResponses,
  header,
  noBody,
  oneOf,
  status,
  statusAt,
  verdict,
} from '../verifiers.js';
import { NO_ETAG, etagOf, fieldValues, followUp, listMembers, mediaType, single } from './fields.js';
import { get, head } from './requests.js';
import { resourceBody, resourcePath } from './resource.js';
import { IF_RANGE, RANGE_METHOD_CAUSE } from './causes.js';

const SINGLE_PART =
  'If a single part is being transferred, the server generating the 206 response MUST generate a Content-Range ' +
  'header field, describing what range of the selected representation is enclosed, and a content consisting of the ' +
  'range.';

/** A first-pos beyond any fixture: no byte of the file satisfies it. */
const BEYOND = 99_999_999;

/** Response i is a single-part 206 of bytes first..last (inclusive) of `file`. */
function partial(ex: Exchange, i: number, file: Buffer, first: number, last: number, label: string): Verdict {
  const range = `bytes ${first}-${last}/${file.length}`;
  return all(
    statusAt(ex, i, 206),
    header(ex, 'Content-Range', `Content-Range: ${range}`, (v) => v.length === 1 && v[0] === range, i),
    header(ex, 'Content-Type', 'not multipart/byteranges (one range was asked for)', (v) => v.every((t) => mediaType(t) !== 'multipart/byteranges'), i),
    bodyEquals(ex, i, file.subarray(first, last + 1), `${label}[${first}..${last}]`),
  );
}

/** Response i is the whole file: the Range was ignored. */
function whole(ex: Exchange, i: number, file: Buffer, label: string): Verdict {
  return all(
    statusAt(ex, i, 200),
    header(ex, 'Content-Range', 'no Content-Range', (v) => v.length === 0, i),
    bodyEquals(ex, i, file, label),
  );
}

/** A Range request for bytes first..last of `fixture` (last past the end is clipped by the caller).
 * Fixtures: the first-pos of each is chosen for the fixture's length (500 and 560 of index.html's
 * 572 bytes); on a shorter resource the same Range is unsatisfiable. */
function singleRange(slug: string, title: string, fixture: string, spec: string, select: (length: number) => [number, number]): Check {
  return {
    id: `rfc9110/15.3.7.1/${slug}`,
    section: 'RFC 9110 §15.3.7.1',
    level: 'MUST',
    required: true,
    title,
    requirement: SINGLE_PART,
    needs: 'fixtures',
    request: get(`/${fixture}`, `Range: ${spec}`),
    expect: (ex, ctx) => {
      const file = ctx.fixture(fixture);
      const [first, last] = select(file.length);
      return oneOf({
        'partial (206)': partial(ex, 0, file, first, last, fixture),
        'ignored (200)': whole(ex, 0, file, fixture),
      });
    },
  };
}

interface Part {
  contentRange: string[];
  contentType: string[];
  data: Buffer;
}

/** The body parts of multipart/byteranges content (RFC 9110 §14.6, RFC 2046 §5.1.1), or a reason
 * why it is not that. */
export function multipartParts(body: Buffer, boundary: string): Part[] | string {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  let at = body.indexOf(delimiter);
  if (at < 0) return `no "--${boundary}" delimiter in the content`;
  const parts: Part[] = [];
  for (;;) {
    at += delimiter.length;
    if (body.toString('latin1', at, at + 2) === '--') return parts;
    while (body[at] === 0x20 || body[at] === 0x09) at++; // transport padding
    if (body.toString('latin1', at, at + 2) !== '\r\n') return `the delimiter at byte ${at} is not followed by CRLF`;
    const headEnd = body.indexOf('\r\n\r\n', at);
    if (headEnd < 0) return 'a body part has no end of its header section';
    const fields = body
      .toString('latin1', at + 2, headEnd)
      .split('\r\n')
      .filter((line) => line.length > 0)
      .map((line): [string, string] => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
      });
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headEnd + 4);
    if (next < 0) return 'a body part is not closed by a delimiter';
    parts.push({
      contentRange: fields.filter(([n]) => n === 'content-range').map(([, v]) => v),
      contentType: fields.filter(([n]) => n === 'content-type').map(([, v]) => v),
      data: body.subarray(headEnd + 4, next),
    });
    at = next + 2;
  }
}

/** A multipart/byteranges 206 whose parts each carry a true Content-Range, and that together
 * hold every byte asked for (RFC 9110 §15.3.7.2: parts may be coalesced or reordered). */
function multipart(ex: Exchange, file: Buffer, wanted: Array<[number, number]>): Verdict {
  const res = finalResponses(ex)[0];
  const expected =
    '206 multipart/byteranges; boundary=…, no top-level Content-Range, each part with a Content-Range that names its bytes, covering every range asked for';
  if (!res) return verdict(false, expected, describeExchange(ex));
  const type = single(res, 'Content-Type');
  const boundary = type && /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(type);
  if (res.status !== 206 || !type || mediaType(type) !== 'multipart/byteranges' || !boundary) {
    return verdict(false, expected, describeResponse(res));
  }
  if (fieldValues(res, 'Content-Range').length > 0) return verdict(false, expected, `a top-level Content-Range: ${describeResponse(res)}`);
  const parts = multipartParts(res.body, boundary[1] ?? boundary[2]!);
  if (typeof parts === 'string') return verdict(false, expected, parts);
  const covered = new Set<number>();
  for (const [i, part] of parts.entries()) {
    const m = part.contentRange.length === 1 ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(part.contentRange[0]!) : null;
    const [first, last, length] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, -1, -1];
    if (!m || length !== file.length || last < first || !part.data.equals(file.subarray(first, last + 1))) {
      return verdict(false, expected, `part ${i + 1}: Content-Range ${part.contentRange.join(' | ') || 'absent'}, ${part.data.length} B`);
    }
    for (let b = first; b <= last; b++) covered.add(b);
  }
  const missing = wanted.find(([first, last]) => ![...Array(last - first + 1).keys()].every((k) => covered.has(first + k)));
  const summary = `${parts.length} part(s): ${parts.map((p) => p.contentRange.join('')).join(', ')}`;
  if (missing) return verdict(false, expected, `${summary}; bytes ${missing[0]}-${missing[1]} are missing`);
  return verdict(true, expected, summary);
}

export const rangeChecks: Check[] = [
  // /large.bin is too large to be cached in memory by most servers: its ranges are read from disk.
  singleRange('range-suffix', 'Range: bytes=-500 of /large.bin gives exactly its last 500 bytes (206), or the whole file', 'large.bin', 'bytes=-500', (n) => [
    n - 500,
    n - 1,
  ]),
  singleRange('range-open-ended', 'Range: bytes=500- gives exactly the bytes from 500 to the end (206), or the whole file', 'index.html', 'bytes=500-', (n) => [
    500,
    n - 1,
  ]),
  singleRange(
    'range-last-past-end',
    `Range: bytes=560-${BEYOND} (last-pos past the end) is clipped to the end (206), or the whole file is sent`,
    'index.html',
    `bytes=560-${BEYOND}`,
    (n) => [560, n - 1],
  ),
  {
    id: 'rfc9110/15.5.17/range-unsatisfiable',
    section: 'RFC 9110 §15.5.17',
    level: 'SHOULD',
    required: false,
    title: `Range: bytes=${BEYOND}- answers 416 with Content-Range: bytes */<length>, or the whole file`,
    requirement:
      'A server that generates a 416 response to a byte-range request SHOULD generate a Content-Range header field ' +
      'specifying the current length of the selected representation ([field.content-range]).',
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), `Range: bytes=${BEYOND}-`),
    expect: (ex, ctx) => {
      const file = resourceBody(ctx);
      return oneOf({
        'not satisfiable (416)': all(
          status(ex, 416),
          header(ex, 'Content-Range', `Content-Range: bytes */${file.length}`, (v) => v.length === 1 && v[0] === `bytes */${file.length}`),
        ),
        'ignored (200)': whole(ex, 0, file, resourcePath(ctx)),
      });
    },
  },
  {
    id: 'rfc9110/15.3.7.2/range-multiple',
    section: 'RFC 9110 §15.3.7.2',
    level: 'MUST',
    required: true,
    title: 'Range: bytes=0-4,-5 gives a multipart/byteranges 206 with both parts, or the whole file',
    requirement:
      'If multiple parts are being transferred, the server generating the 206 response MUST generate ' +
      '"multipart/byteranges" content, as defined in [multipart.byteranges], and a Content-Type header field ' +
      'containing the "multipart/byteranges" media type and its required boundary parameter.',
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), 'Range: bytes=0-4,-5'),
    expect: (ex, ctx) => {
      const file = resourceBody(ctx);
      return oneOf({
        'multipart (206)': multipart(ex, file, [
          [0, 4],
          // RFC 9110 §14.1.2: "If the selected representation is shorter than the specified
          // suffix-length, the entire representation is used."
          [Math.max(0, file.length - 5), file.length - 1],
        ]),
        'coalesced into one range (206)': partial(ex, 0, file, 0, file.length - 1, resourcePath(ctx)),
        'ignored (200)': whole(ex, 0, file, resourcePath(ctx)),
      });
    },
  },
  {
    id: 'rfc9110/13.1.5/if-range-stale',
    section: 'RFC 9110 §13.1.5',
    level: 'MUST',
    required: true,
    cause: IF_RANGE,
    title: 'Range with an If-Range ETag that does not match sends the whole file (200)',
    requirement: 'A recipient of an If-Range header field MUST ignore the Range header field if the If-Range condition evaluates to false.',
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx), 'Range: bytes=0-9', 'If-Range: "http-lab-stale-etag"'),
    expect: (ex, ctx) => whole(ex, 0, resourceBody(ctx), resourcePath(ctx)),
  },
  {
    // RFC 9110 §13.1.5 evaluates If-Range as one entity-tag or one HTTP-date, "Otherwise, the
    // condition is false". Two field lines are a list, neither: the Range must be ignored. The real
    // ETag comes first, so that a parser reading only the first line wrongly finds a match.
    id: 'rfc9110/13.1.5/if-range-two-values',
    section: 'RFC 9110 §13.1.5',
    level: 'MUST',
    required: true,
    cause: IF_RANGE,
    title: 'Range with two If-Range lines (the current ETag, then another) sends the whole file (200), or is rejected (400)',
    requirement: 'A recipient of an If-Range header field MUST ignore the Range header field if the If-Range condition evaluates to false.',
    needs: 'resource',
    request: (ctx) => ({
      chunks: [
        get(resourcePath(ctx)),
        followUp('GET', resourcePath(ctx), (first) => ['Range: bytes=0-9', `If-Range: ${etagOf(first) ?? NO_ETAG}`, 'If-Range: "http-lab-other-etag"']),
      ],
      responses: 2,
      awaitEachResponse: true,
      reconnect: true,
    }),
    expect: (ex, ctx) => {
      const first = finalResponses(ex)[0];
      const judged = oneOf({
        'Range ignored (200)': whole(ex, 1, resourceBody(ctx), resourcePath(ctx)),
        // Refusing the malformed request outright (nginx does) performs no range either.
        'rejected as malformed (400)': statusAt(ex, 1, 400),
      });
      if (judged.pass && first && etagOf(first) === undefined) return { ...judged, branch: `${judged.branch}; no ETag was sent: tested with a placeholder` };
      return judged;
    },
  },
  {
    // RFC 9110 §14.2 goes on: "For this specification, GET is the only method for which range
    // handling is defined." A pipelined GET, or a clean close, proves that the HEAD response carried no
    // content.
    id: 'rfc9110/14.2/range-on-head',
    section: 'RFC 9110 §14.2',
    level: 'MUST',
    required: true,
    cause: RANGE_METHOD_CAUSE,
    title: 'HEAD with Range is answered as a plain HEAD: 200, no Content-Range, no content',
    requirement: 'A server MUST ignore a Range header field received with a request method that is unrecognized or for which range handling is not defined.',
    // Fixtures: the pipelined GET is for /style.css, whose bytes prove that the HEAD response ended.
    needs: 'fixtures',
    request: { chunks: [head('/index.html', 'Range: bytes=0-9') + get('/style.css')], responses: 2, headIndexes: [0] },
    expect: (ex, ctx) => {
      const length = ctx.fixture('index.html').length;
      return all(
        status(ex, 200),
        header(ex, 'Content-Range', 'no Content-Range', (v) => v.length === 0),
        header(ex, 'Content-Length', `Content-Length absent or ${length}`, (v) => v.every((x) => x === `${length}`)),
        noBody(ex),
        oneOf({
          'pipelined GET answered': all(statusAt(ex, 1, 200), bodyEquals(ex, 1, ctx.fixture('style.css'), 'style.css')),
          'closed after the HEAD response': closedAfter(ex, 1),
        }),
      );
    },
  },
  {
    // Recorded: Accept-Ranges is optional; when sent it must be "none" or a list of range units.
    id: 'rfc9110/14.3/accept-ranges',
    section: 'RFC 9110 §14.3',
    level: 'MAY',
    required: false,
    title: 'Accept-Ranges on a file: bytes, none, or absent (recorded)',
    requirement: 'A server that does not support any kind of range request for the target resource MAY send',
    needs: 'resource',
    request: (ctx) => get(resourcePath(ctx)),
    expect: (ex) => {
      const res: WireResponse | undefined = finalResponses(ex)[0];
      const values = fieldValues(res, 'Accept-Ranges');
      const units = listMembers(values);
      const wellFormed = values.length > 0 && units.length > 0 && units.every((u) => /^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(u));
      return all(
        status(ex, 200),
        oneOf({
          [`advertised: ${units.join(', ')}`]: verdict(wellFormed, 'Accept-Ranges: a list of range units, or none', values.join(' | ')),
          absent: verdict(values.length === 0, 'no Accept-Ranges', 'no Accept-Ranges field'),
        }),
      );
    },
  },
];
