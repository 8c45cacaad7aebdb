// The one error type the core produces for bad input. Parsers throw it internally and the
// connection turns it into a response; callers never see anything else thrown for bad bytes.
// And how the core tells the error of a failed system call, which its injected I/O may throw, from a
// bug: so that it catches only the failures it means to answer.

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

/** True when `err` is the error of a failed system call (Node's ErrnoException: a `code` such as
 * ENOENT and the `syscall` that failed) whose code is one of `codes`, or any code when none is given. */
export function isSyscallError(err: unknown, ...codes: string[]): err is Error & { code: string; syscall: string } {
  if (!(err instanceof Error)) return false;
  const { code, syscall } = err as { code?: unknown; syscall?: unknown };
  if (typeof code !== 'string' || typeof syscall !== 'string') return false;
  return codes.length === 0 || codes.includes(code);
}
