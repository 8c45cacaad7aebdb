// A node:test reporter for `npm run test:stress`: one JSON line per finished test or suite (its
// file, name, outcome, duration and first error line), so that runs can be counted and compared
// without parsing the human-readable spec output.
export default async function* testEvents(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, file, nesting, details, skip, todo } = event.data;
    const error = details.error;
    yield `${JSON.stringify({
      outcome: event.type === 'test:pass' ? (skip !== undefined ? 'skip' : todo !== undefined ? 'todo' : 'pass') : 'fail',
      suite: details.type === 'suite',
      file: file ?? null,
      name,
      nesting,
      durationMs: details.duration_ms,
      error: error === undefined ? null : String(error.cause?.message ?? error.message).split('\n')[0],
    })}\n`;
  }
}
