// Reading the fields of a response off the wire, and building follow-up requests from them (a
// conditional GET that echoes the ETag the server sent). The grammar here is RFC 9110's, written
// out again: conformance/ never borrows the server core's parsers.
import type { FollowUp, WireResponse } from '../types.js';
import { request } from './requests.js';

/** Every value of a field (names compare case-insensitively), in order; none when `res` is absent. */
export function fieldValues(res: WireResponse | undefined, name: string): string[] {
  if (!res) return [];
  const lower = name.toLowerCase();
  return res.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** The value of a field sent exactly once, else undefined. */
export function single(res: WireResponse | undefined, name: string): string | undefined {
  const values = fieldValues(res, name);
  return values.length === 1 ? values[0] : undefined;
}

/** The members of a #list field (RFC 9110 §5.6.1), lower-cased, empty members dropped. */
export function listMembers(values: string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((m) => m.trim().toLowerCase())
    .filter((m) => m.length > 0);
}

/** The media type of a Content-Type value ("text/html; charset=utf-8" → "text/html"). */
export function mediaType(value: string): string {
  return value.split(';', 1)[0]!.trim().toLowerCase();
}

// entity-tag = [ weak ] opaque-tag; weak = %s"W/"; opaque-tag = DQUOTE *etagc DQUOTE;
// etagc = %x21 / %x23-7E / obs-text (RFC 9110 §8.8.3)
const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/;

export function isEntityTag(value: string): boolean {
  return ENTITY_TAG.test(value);
}

/** The response's ETag when it sent exactly one, well formed. */
export function etagOf(res: WireResponse | undefined): string | undefined {
  const etag = single(res, 'ETag');
  return etag !== undefined && isEntityTag(etag) ? etag : undefined;
}

/** Sent in place of an ETag the server did not give: it matches nothing, and the check that needed
 * the real one says it could not judge. */
export const NO_ETAG = '"http-lab-no-etag-was-sent"';

/** A follow-up request (RequestPlan.chunks) whose fields are built from the last final response
 * before it, e.g. (prev) => [`If-None-Match: ${etagOf(prev) ?? NO_ETAG}`]. */
export function followUp(method: string, target: string, fields: (previous: WireResponse | undefined) => string[]): FollowUp {
  return (answered) => request(method, target, fields(answered[answered.length - 1]));
}

/** The validator a cache would revalidate `res` with: If-None-Match with its ETag, else
 * If-Modified-Since with its Last-Modified, else nothing. */
export function revalidationFields(res: WireResponse | undefined): string[] {
  const etag = etagOf(res);
  if (etag !== undefined) return [`If-None-Match: ${etag}`];
  const lastModified = single(res, 'Last-Modified');
  return lastModified !== undefined ? [`If-Modified-Since: ${lastModified}`] : [];
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** The instant an IMF-fixdate (RFC 9110 §5.6.7) names, in ms since the epoch, when it is one: a
 * real date whose weekday is right. */
export function imfFixdateMs(value: string): number | undefined {
  const m = IMF_FIXDATE.exec(value);
  if (!m) return undefined;
  const [, weekday, day, month, year, hour, minute, second] = m;
  const monthIndex = MONTHS.indexOf(month!);
  const date = new Date(Date.UTC(Number(year), monthIndex, Number(day), Number(hour), Number(minute), Number(second)));
  const valid =
    date.getUTCDate() === Number(day) &&
    date.getUTCMonth() === monthIndex &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 60 &&
    WEEKDAYS[date.getUTCDay()] === weekday;
  return valid ? date.getTime() : undefined;
}

/** IMF-fixdate (RFC 9110 §5.6.7) naming a real instant whose weekday is right. */
export function isImfFixdate(value: string): boolean {
  return imfFixdateMs(value) !== undefined;
}
