// Character classes from the ABNF of RFC 9110 §5.6 and RFC 3986, as 256-entry lookup tables:
// one array index per byte on the hot path instead of a regular expression.

function table(predicate: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = predicate(c) ? 1 : 0;
  return t;
}

const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
//       / DIGIT / ALPHA
export const TCHAR = table((c) => isAlpha(c) || isDigit(c) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c)));

// field-value bytes: field-vchar = VCHAR / obs-text, plus SP and HTAB inside the value.
// Everything else (CTLs, NUL, bare CR, DEL) is rejected: RFC 9110 §5.5: "Field values containing
// CR, LF, or NUL characters are invalid and dangerous ... a recipient of CR, LF, or NUL within a
// field value MUST either reject the message or replace each of those characters with SP".
export const FIELD_VALUE_CHAR = table((c) => c === 0x09 || (c >= 0x20 && c <= 0x7e) || c >= 0x80);

// Bytes allowed in a request-target (RFC 3986 pchar, "/", "?", and the "%" of pct-encoded;
// RFC 9112 §3.2 origin-form = absolute-path [ "?" query ]; absolute-form adds ":" and "@" etc.).
// unreserved / pct-encoded / sub-delims / ":" / "@" / "/" / "?", and "[" "]": RFC 9112 §3.2.2: "A
// server MUST accept the absolute-form", whose host may be an IP-literal ("http://[::1]/"). RFC 3986
// §3.2.2 allows brackets only there; a byte table cannot tell where the authority ends, so they
// pass anywhere, and in a path they can only name a file that is there or not.
export const TARGET_CHAR = table((c) => isAlpha(c) || isDigit(c) || "-._~!$&'()*+,;=:@/?%[]".includes(String.fromCharCode(c)));

// reg-name = *( unreserved / pct-encoded / sub-delims ), plus what IP-literal and port need.
export const HOST_CHAR = table((c) => isAlpha(c) || isDigit(c) || "-._~!$&'()*+,;=%:[]".includes(String.fromCharCode(c)));

export const HEX_VALUE = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let c = 0; c < 256; c++) {
    if (isDigit(c)) t[c] = c - 0x30;
    else if (c >= 0x41 && c <= 0x46) t[c] = c - 0x41 + 10;
    else if (c >= 0x61 && c <= 0x66) t[c] = c - 0x61 + 10;
  }
  return t;
})();

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;
export const SEMICOLON = 0x3b;
export const EQUALS = 0x3d;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;

/** True when every byte of s (a latin1 string) is a tchar: a valid token. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (TCHAR[s.charCodeAt(i)] !== 1) return false;
  return true;
}

/** Strips OWS (SP and HTAB only: String.prototype.trim would also eat obs-text such as 0xA0, so
 * that "\xa0chunked" would pass for "chunked"). */
export function trimOws(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && (s.charCodeAt(start) === SP || s.charCodeAt(start) === HTAB)) start++;
  while (end > start && (s.charCodeAt(end - 1) === SP || s.charCodeAt(end - 1) === HTAB)) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** Splits a #list field value (RFC 9110 §5.6.1) into lower-cased elements, dropping empty ones:
 * "a recipient MUST accept empty list elements" and they "do not contribute to the count". */
export function splitList(value: string): string[] {
  const out: string[] = [];
  for (const part of value.split(',')) {
    const element = trimOws(part);
    if (element.length > 0) out.push(element.toLowerCase());
  }
  return out;
}
