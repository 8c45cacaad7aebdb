// Exit codes shared by every command (DESIGN.md): 0 success, 1 the thing measured failed,
// 2 bad usage or an unreachable target, with a one-line reason on stderr. The errors behind 1 and 2
// are the API's (api/errors.ts).
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
