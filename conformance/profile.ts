// Before any check runs: what does the target give? Found out, never assumed (a user's server has
// no copy of html/):
// - the fixtures: GET /index.html, compared byte for byte with the docroot's index.html;
// - the resource: GET of one path twice (--path; by default /index.html where the fixtures are
//   served, else /), which must answer 200 with the same bytes both times, since resource checks
//   compare bodies; and what it offers (ETag, Last-Modified, byte ranges).
// What is missing makes the checks that need it skip, with the reason found here.
import { exchange } from './client.js';
import { get } from './checks/requests.js';
import type { CheckTarget, Offer, Resource, TargetProfile, WireResponse } from './types.js';
import { fieldValues } from './checks/fields.js';
import { describeResponse, finalResponses } from './verifiers.js';

export interface ProfileOptions {
  /** the resource's path; default /index.html where the fixtures are served, else / */
  path?: string;
  /** the docroot's index.html, to compare with what GET /index.html answers */
  index: Buffer;
  timeoutMs: number;
}

export interface Profiled {
  profile: TargetProfile;
  /** the resource itself, for the checks that request it; undefined when it is not available */
  resource?: Resource;
}

/** One GET of `path` on its own connection: the response, or why there is none. */
async function fetchOnce(target: CheckTarget, path: string, timeoutMs: number): Promise<WireResponse | string> {
  let ex;
  try {
    ex = await exchange(target.host, target.port, { chunks: [get(path)] }, { timeoutMs });
  } catch (err) {
    return `GET ${path} could not be sent: ${err instanceof Error ? err.message : String(err)}`;
  }
  const response = finalResponses(ex)[0];
  if (response === undefined) return `GET ${path} got no complete response${ex.timedOut ? ` in ${timeoutMs} ms` : ''}`;
  return response;
}

function offersOf(response: WireResponse): Offer[] {
  const offers: Offer[] = [];
  if (fieldValues(response, 'etag').length > 0) offers.push('etag');
  if (fieldValues(response, 'last-modified').length > 0) offers.push('last-modified');
  // RFC 9110 §14.3: "A server that supports range requests MAY send" Accept-Ranges: bytes; one that
  // does not support them "can send" Accept-Ranges: none. Only an explicit "bytes" is an offer here.
  if (fieldValues(response, 'accept-ranges').some((v) => /(^|,)\s*bytes\s*(,|$)/i.test(v))) offers.push('ranges');
  return offers;
}

export async function profileTarget(target: CheckTarget, opts: ProfileOptions): Promise<Profiled> {
  const index = await fetchOnce(target, '/index.html', opts.timeoutMs);
  const fixtures: TargetProfile['fixtures'] =
    typeof index === 'string'
      ? { served: false, reason: index }
      : index.status === 200 && index.body.equals(opts.index)
        ? { served: true }
        : {
            served: false,
            reason: `GET /index.html answered ${describeResponse(index)}, not the docroot's index.html (${opts.index.length} bytes); --docroot names the folder the target serves`,
          };
  const path = opts.path ?? (fixtures.served ? '/index.html' : '/');
  const first = path === '/index.html' && typeof index !== 'string' ? index : await fetchOnce(target, path, opts.timeoutMs);
  const second = await fetchOnce(target, path, opts.timeoutMs);
  const unavailable = (reason: string): Profiled => ({ profile: { fixtures, resource: { path, available: false, reason } } });
  if (typeof first === 'string') return unavailable(first);
  if (first.status !== 200) return unavailable(`GET ${path} answered ${describeResponse(first)}, not 200; --path names one that does`);
  if (typeof second === 'string') return unavailable(second);
  if (second.status !== 200 || !second.body.equals(first.body)) {
    return unavailable(
      `two GETs of ${path} answered different bytes (${describeResponse(first)}, then ${describeResponse(second)}); --path names a resource that does not change`,
    );
  }
  const resource: Resource = { path, body: first.body, headers: first.headers, offers: offersOf(first) };
  return { profile: { fixtures, resource: { path, available: true, offers: resource.offers, bytes: resource.body.length } }, resource };
}
