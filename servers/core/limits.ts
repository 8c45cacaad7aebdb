// Every bound the core enforces, in one place (as autocannon keeps its defaults in one file).
// RFC 9110 §2.3: "A recipient SHOULD parse a received protocol element defensively, with only
// marginal expectations that the element will conform to its ABNF grammar and fit within a
// reasonable buffer size."

export interface Limits {
  /** request-line bytes, CRLF excluded; beyond → 414 (501 when the method alone is too long) */
  maxRequestLineBytes: number;
  /** header section bytes, field lines and their CRLFs; beyond → 431 */
  maxHeaderBytes: number;
  /** number of field lines; beyond → 431 */
  maxHeaderCount: number;
  /** request content the server will read and discard; beyond → 413 and close */
  maxBodyBytes: number;
  /** one chunk-size line, extensions included; beyond → 400 */
  maxChunkLineBytes: number;
  /** empty lines tolerated before a request-line */
  maxLeadingEmptyLines: number;
  /** output queued by one takeOutput() call before it yields to the I/O layer */
  outputHighWaterBytes: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxRequestLineBytes: 8 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 100,
  maxBodyBytes: 1024 * 1024,
  maxChunkLineBytes: 4 * 1024,
  maxLeadingEmptyLines: 8,
  outputHighWaterBytes: 256 * 1024,
});

/** Longest method the lab implements or recognises ("CONNECT", "OPTIONS"). */
export const LONGEST_KNOWN_METHOD = 7;
