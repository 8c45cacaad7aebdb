// What a failed syscall throws, and the test for it. Apart from index.ts so that code which never
// loads the addon (the async server, on node:net) can use it too.

/** The addon's error for a failed syscall (see index.ts); Node's own syscall errors have the same shape. */
export interface SyscallError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

/** True when err is a syscall's error, and, if codes are given, one of those ('ECONNRESET', ...). */
export function isSyscallError(err: unknown, ...codes: string[]): err is SyscallError {
  if (!(err instanceof Error) || typeof (err as SyscallError).code !== 'string' || typeof (err as SyscallError).errno !== 'number') return false;
  return codes.length === 0 || codes.includes((err as SyscallError).code);
}
