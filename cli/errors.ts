// Exit codes shared by every command (DESIGN.md): 0 success, 1 the thing measured failed,
// 2 bad usage or an unreachable target, with a one-line reason on stderr.
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Bad usage or an unreachable target: printed as one line, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What was measured failed in a way that leaves nothing to report (a server that crashed under
 * load): printed as one line, exit 1. */
export class MeasuredFailure extends Error {
  override readonly name = 'MeasuredFailure';
}
