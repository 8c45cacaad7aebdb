// The one error type the core produces for bad input. Parsers throw it internally and the
// connection turns it into a response; callers never see anything else thrown for bad bytes.

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    /** the status to answer with: 400, 413, 414, 417, 431, 501 or 505 */
    readonly status: number,
    /** a short human explanation, sent as the response body */
    readonly detail: string,
  ) {
    super(`${status} ${detail}`);
  }
}

export const badRequest = (detail: string): ProtocolError => new ProtocolError(400, detail);
