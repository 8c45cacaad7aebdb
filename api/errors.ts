// The errors the API throws, which the CLI turns into its exit codes (cli/errors.ts). A server that
// fails conformance, or a regression, is not an error: the document says so.

/** Bad options or an unreachable target, said in one line (the CLI prints it and exits 2). */
export class HttpLabUsageError extends Error {
  override readonly name = 'HttpLabUsageError';
}

/** What was measured failed in a way that leaves nothing to report (a server that crashed under
 * load), said in one line (the CLI prints it and exits 1). */
export class HttpLabMeasuredFailure extends Error {
  override readonly name = 'HttpLabMeasuredFailure';
}
