// HTTP dates (RFC 9110 §5.6.7). The clock is injected: the core never reads the time itself.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FULL_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Milliseconds since the epoch. */
export type Clock = () => number;

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));

/** IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT". RFC 9110 §5.6.7: "a sender MUST generate
 * timestamps in the IMF-fixdate format". */
export function formatHttpDate(ms: number): string {
  const d = new Date(ms);
  return (
    `${DAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCFullYear()).padStart(4, '0')} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} GMT`
  );
}

/** The Date header changes once a second; format it once a second, not once a request. */
export class DateCache {
  private second = -1;
  private text = '';
  constructor(private readonly clock: Clock) {}

  /** the current IMF-fixdate */
  now(): string {
    const second = Math.floor(this.clock() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.text = formatHttpDate(second * 1000);
    }
    return this.text;
  }
}

const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850 =
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ( \d|\d{2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

function build(year: number, month: string, day: number, h: number, m: number, s: number): number | null {
  const monthIndex = MONTHS.indexOf(month);
  if (day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return null;
  const d = new Date(Date.UTC(2000, monthIndex, day, h, m, Math.min(s, 59)));
  // setUTCFullYear, because Date.UTC maps years 0-99 to 1900-1999 and year = 4DIGIT is literal.
  d.setUTCFullYear(year, monthIndex, day);
  // Reject dates that rolled over, such as 31 Feb.
  return d.getUTCDate() === day ? d.getTime() : null;
}

/** Parses an HTTP-date in any of the three formats, or returns null. RFC 9110 §5.6.7: "A recipient
 * that parses a timestamp value in an HTTP field MUST accept all three HTTP-date formats." */
export function parseHttpDate(value: string, nowMs: number): number | null {
  let m = IMF_FIXDATE.exec(value);
  if (m) return build(Number(m[4]), m[3]!, Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7]));
  m = RFC850.exec(value);
  if (m) {
    if (!FULL_DAYS.includes(m[1]!)) return null;
    // RFC 9110 §5.6.7: "Recipients of a timestamp value in rfc850-date format, which uses a two-digit
    // year, MUST interpret a timestamp that appears to be more than 50 years in the future as
    // representing the most recent year in the past that had the same last two digits."
    const yy = Number(m[4]);
    const thisYear = new Date(nowMs).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + yy;
    if (year > thisYear + 50) year -= 100;
    return build(year, m[3]!, Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7]));
  }
  m = ASCTIME.exec(value);
  if (m) return build(Number(m[7]), m[2]!, Number(m[3]!.trim()), Number(m[4]), Number(m[5]), Number(m[6]));
  return null;
}
