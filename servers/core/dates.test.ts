// HTTP dates (RFC 9110 §5.6.7) and the once-a-second Date cache.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DateCache, formatHttpDate, parseHttpDate } from './dates.js';

// The RFC's own example instant: Sun, 06 Nov 1994 08:49:37 GMT.
const EXAMPLE_MS = Date.UTC(1994, 10, 6, 8, 49, 37);

describe('formatHttpDate', () => {
  it('writes IMF-fixdate', () => {
    assert.equal(formatHttpDate(EXAMPLE_MS), 'Sun, 06 Nov 1994 08:49:37 GMT');
    assert.equal(formatHttpDate(0), 'Thu, 01 Jan 1970 00:00:00 GMT');
    assert.equal(formatHttpDate(Date.UTC(2024, 1, 29, 23, 59, 59)), 'Thu, 29 Feb 2024 23:59:59 GMT');
  });

  it('drops milliseconds (truncates to the second)', () => {
    assert.equal(formatHttpDate(EXAMPLE_MS + 999), 'Sun, 06 Nov 1994 08:49:37 GMT');
  });

  it('round-trips through parseHttpDate for many instants', () => {
    for (let ms = Date.UTC(1970, 0, 1); ms < Date.UTC(2100, 0, 1); ms += 86_400_000 * 37 + 3_661_000) {
      const text = formatHttpDate(ms);
      assert.match(text, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      assert.equal(parseHttpDate(text, Date.now()), Math.floor(ms / 1000) * 1000, text);
    }
  });
});

describe('parseHttpDate', () => {
  it('accepts the three formats RFC 9110 §5.6.7 requires', () => {
    assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT', Date.now()), EXAMPLE_MS, 'IMF-fixdate');
    assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', Date.now()), EXAMPLE_MS, 'RFC 850');
    assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994', Date.now()), EXAMPLE_MS, 'asctime (SP DIGIT day)');
    assert.equal(parseHttpDate('Sun Nov 06 08:49:37 1994', Date.now()), EXAMPLE_MS, 'asctime (2DIGIT day)');
  });

  it('interprets an RFC 850 two-digit year as at most 50 years in the future', () => {
    const thisYear = new Date().getUTCFullYear();
    for (const yy of [0, 30, 49, 75, 99]) {
      let year = Math.floor(thisYear / 100) * 100 + yy;
      if (year > thisYear + 50) year -= 100;
      const text = `Saturday, 01-Jan-${String(yy).padStart(2, '0')} 00:00:00 GMT`;
      const parsed = parseHttpDate(text, Date.now());
      assert.notEqual(parsed, null, text);
      assert.equal(new Date(parsed!).getUTCFullYear(), year, text);
    }
  });

  it('accepts 29 Feb in a leap year only', () => {
    assert.equal(parseHttpDate('Thu, 29 Feb 2024 00:00:00 GMT', Date.now()), Date.UTC(2024, 1, 29));
    assert.equal(parseHttpDate('Wed, 29 Feb 2023 00:00:00 GMT', Date.now()), null);
    assert.equal(parseHttpDate('Tue, 29 Feb 2000 00:00:00 GMT', Date.now()), Date.UTC(2000, 1, 29), '2000 is a leap year');
    assert.equal(parseHttpDate('Thu, 29 Feb 1900 00:00:00 GMT', Date.now()), null, '1900 is not');
  });

  it('rejects impossible dates and times', () => {
    for (const bad of [
      'Mon, 31 Feb 2024 00:00:00 GMT',
      'Mon, 31 Apr 2024 00:00:00 GMT',
      'Mon, 00 Jan 2024 00:00:00 GMT',
      'Mon, 32 Jan 2024 00:00:00 GMT',
      'Mon, 01 Jan 2024 24:00:00 GMT',
      'Mon, 01 Jan 2024 00:60:00 GMT',
      'Mon, 01 Jan 2024 00:00:61 GMT',
      'Wednesday, 31-Feb-24 00:00:00 GMT',
      'Mon Feb 31 00:00:00 2024',
    ]) {
      assert.equal(parseHttpDate(bad, Date.now()), null, bad);
    }
  });

  it('rejects garbage and near misses', () => {
    for (const bad of [
      '',
      'yesterday',
      '0',
      '784111777',
      '1994-11-06T08:49:37Z',
      'Sun, 06 Nov 1994 08:49:37 UTC',
      'Sun, 06 Nov 1994 08:49:37 +0000',
      'Sun, 6 Nov 1994 08:49:37 GMT',
      'Sun, 06 nov 1994 08:49:37 GMT',
      'sun, 06 Nov 1994 08:49:37 GMT',
      'Sun, 06 Nov 94 08:49:37 GMT',
      'Sun, 06 Nov 1994 8:49:37 GMT',
      ' Sun, 06 Nov 1994 08:49:37 GMT',
      'Sun, 06 Nov 1994 08:49:37 GMT ',
      'Sun,  06 Nov 1994 08:49:37 GMT',
      'Sun, 06 Nov 1994 08:49:37 GMTX',
      'Sun, 06-Nov-94 08:49:37 GMT',
      'Sunday, 06 Nov 1994 08:49:37 GMT',
      'Funday, 06-Nov-94 08:49:37 GMT',
      'Sun Nov 6 08:49:37 1994',
      'Sun Nov  6 08:49:37 1994 GMT',
    ]) {
      assert.equal(parseHttpDate(bad, Date.now()), null, JSON.stringify(bad));
    }
  });

  it('reads a four-digit year literally, also below 100 (year = 4DIGIT)', () => {
    // Date.UTC maps years 0-99 to 1900-1999; "0050" is the year 50, not 1950.
    const expected = new Date(Date.UTC(2000, 0, 1));
    expected.setUTCFullYear(50);
    assert.equal(parseHttpDate('Sat, 01 Jan 0050 00:00:00 GMT', Date.now()), expected.getTime());
  });
});

describe('DateCache', () => {
  it('returns the same IMF-fixdate within one second and a new one the next second', () => {
    let now = EXAMPLE_MS + 100;
    let calls = 0;
    const cache = new DateCache(() => {
      calls++;
      return now;
    });
    const first = cache.now();
    assert.equal(first, 'Sun, 06 Nov 1994 08:49:37 GMT');
    now = EXAMPLE_MS + 999;
    assert.equal(cache.now(), first, 'same second');
    now = EXAMPLE_MS + 1000;
    assert.equal(cache.now(), 'Sun, 06 Nov 1994 08:49:38 GMT', 'next second');
    now = EXAMPLE_MS + 61_000;
    assert.equal(cache.now(), 'Sun, 06 Nov 1994 08:50:38 GMT');
    assert.ok(calls >= 4, 'the injected clock is what it reads');
  });

  it('follows the clock backwards too', () => {
    let now = EXAMPLE_MS + 5000;
    const cache = new DateCache(() => now);
    assert.equal(cache.now(), 'Sun, 06 Nov 1994 08:49:42 GMT');
    now = EXAMPLE_MS;
    assert.equal(cache.now(), 'Sun, 06 Nov 1994 08:49:37 GMT');
  });

  it('resolves an RFC 850 two-digit year against the injected clock, not the real one', () => {
    // RFC 9110 §5.6.7: a year that appears more than 50 years in the future is the most recent past
    // year with the same last two digits.
    const in2026 = Date.UTC(2026, 10, 24);
    const in2090 = Date.UTC(2090, 0, 1);
    assert.equal(parseHttpDate('Tuesday, 01-Jan-80 00:00:00 GMT', in2026), Date.UTC(1980, 0, 1));
    assert.equal(parseHttpDate('Wednesday, 01-Jan-70 00:00:00 GMT', in2026), Date.UTC(2070, 0, 1), '44 years ahead stays ahead');
    assert.equal(parseHttpDate('Sunday, 01-Jan-40 00:00:00 GMT', in2090), Date.UTC(2040, 0, 1));
  });
});
