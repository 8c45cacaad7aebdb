// Received header fields: names lower-cased once at parse time, values as latin1 strings with OWS
// trimmed. Field order is kept (RFC 9110 §5.3: "the order in which field lines with the same name
// are received is ... significant").

export class FieldList {
  readonly names: string[] = [];
  readonly values: string[] = [];

  add(lowerName: string, value: string): void {
    this.names.push(lowerName);
    this.values.push(value);
  }

  get size(): number {
    return this.names.length;
  }

  /** the first value of a field, or undefined */
  get(lowerName: string): string | undefined {
    const i = this.names.indexOf(lowerName);
    return i < 0 ? undefined : this.values[i];
  }

  /** every value of a field, in order */
  getAll(lowerName: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.names.length; i++) if (this.names[i] === lowerName) out.push(this.values[i]!);
    return out;
  }

  count(lowerName: string): number {
    let n = 0;
    for (let i = 0; i < this.names.length; i++) if (this.names[i] === lowerName) n++;
    return n;
  }

  /** The combined value of a list-based field. RFC 9110 §5.3: "A recipient MAY combine multiple
   * field lines within a field section that have the same field name into one field line ... by
   * appending each subsequent field line value to the initial field line value in order, separated
   * by a comma". */
  combined(lowerName: string): string | undefined {
    // No array for the usual single line: it is returned as it is.
    let out: string | undefined;
    for (let i = 0; i < this.names.length; i++) {
      if (this.names[i] === lowerName) out = out === undefined ? this.values[i]! : out + ', ' + this.values[i]!;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Known field names. The parser recognises a common field name by its bytes, in any case, instead
// of validating it byte by byte, slicing a string and calling toLowerCase(): a hit costs no
// allocation and no per-byte table lookup, and the name is an interned constant, so
// FieldList.get('host') and the like compare it by pointer. Other names take the general way.

export interface KnownFieldName {
  /** the lower-case name, a constant string */
  readonly name: string;
  readonly length: number;
  /** the name's bytes as little-endian 32-bit words (whole words only), and for each a mask with
   * 0x20 in the bytes that are letters: (word | mask) === words[j] folds case for letters only */
  readonly words: Int32Array;
  readonly masks: Int32Array;
  /** the bytes after the last whole word, lower-case */
  readonly tail: Uint8Array;
}

/** What browsers, curl, load generators and proxies commonly send, and what the core reads.
 * Lower-case letters, digits and "-" only (knownName relies on it). */
export const KNOWN_NAMES: readonly string[] = [
  'host',
  'content-length',
  'transfer-encoding',
  'expect',
  'connection',
  'user-agent',
  'accept',
  'accept-encoding',
  'accept-language',
  'accept-charset',
  'upgrade-insecure-requests',
  'sec-fetch-site',
  'sec-fetch-mode',
  'sec-fetch-dest',
  'sec-fetch-user',
  'sec-ch-ua',
  'sec-ch-ua-mobile',
  'sec-ch-ua-platform',
  'sec-gpc',
  'sec-purpose',
  'purpose',
  'priority',
  'cookie',
  'referer',
  'origin',
  'authorization',
  'cache-control',
  'pragma',
  'dnt',
  'te',
  'trailer',
  'upgrade',
  'keep-alive',
  'via',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-real-ip',
  'x-requested-with',
  'content-type',
  'content-encoding',
  'if-none-match',
  'if-modified-since',
  'if-match',
  'if-unmodified-since',
  'if-range',
  'range',
];

function knownName(name: string): KnownFieldName {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`known field name ${name} must be lower-case letters, digits and "-"`);
  const bytes = Buffer.from(name, 'latin1');
  const whole = bytes.length >> 2;
  const words = new Int32Array(whole);
  const masks = new Int32Array(whole);
  for (let j = 0; j < whole; j++) {
    words[j] = bytes.readInt32LE(4 * j);
    let mask = 0;
    for (let k = 0; k < 4; k++) if (bytes[4 * j + k]! >= 0x61) mask |= 0x20 << (8 * k);
    masks[j] = mask;
  }
  return { name, length: bytes.length, words, masks, tail: bytes.subarray(4 * whole) };
}

/** The known names by their first byte (lower-case). */
const BY_FIRST_BYTE: ReadonlyArray<readonly KnownFieldName[]> = (() => {
  const lists: KnownFieldName[][] = Array.from({ length: 256 }, () => []);
  for (const name of KNOWN_NAMES) lists[name.charCodeAt(0)]!.push(knownName(name));
  return lists;
})();

/** ASCII upper case to lower case, every other byte unchanged (what toLowerCase does to a token). */
const LOWER = (() => {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
  return t;
})();

/**
 * The known name that b[start, ...) spells, in any case, followed by ":" (before `end`), or
 * undefined. `view` is a DataView of b's whole ArrayBuffer (b starts at `base` in it).
 *
 * It validates as it compares: a match is made only of letters, digits and "-", so it is a token.
 * And it is complete: a field name that equals a known name in any case is found, whatever
 * followed it, since a token holds no ":" and the name must end at its colon.
 */
export function matchFieldName(b: Uint8Array, view: DataView, base: number, start: number, end: number): KnownFieldName | undefined {
  const candidates = BY_FIRST_BYTE[LOWER[b[start]!]!]!;
  for (let c = 0; c < candidates.length; c++) {
    const known = candidates[c]!;
    const colon = start + known.length;
    if (colon >= end || b[colon] !== 0x3a) continue;
    // Four bytes a compare. The mask sets 0x20 (lower case) only in letter positions, so an
    // upper-case letter matches its lower case and every other byte must match exactly.
    const words = known.words;
    const masks = known.masks;
    let j = 0;
    for (let at = base + start; j < words.length; j++, at += 4) {
      if ((view.getInt32(at, true) | masks[j]!) !== words[j]) break;
    }
    if (j < words.length) continue;
    const tail = known.tail;
    const from = colon - tail.length;
    let k = 0;
    while (k < tail.length && LOWER[b[from + k]!] === tail[k]) k++;
    if (k === tail.length) return known;
  }
  return undefined;
}
