// The one existing resource that checks with `needs: 'resource'` request: any path that answers 200
// to GET, found before the checks run (conformance/profile.ts). On a target that serves the bundled
// fixtures it is /index.html, so those targets see the same bytes as before checks could run on any
// server. The runner skips a resource check where there is no resource, so these never throw then.
import type { CheckContext, Resource } from '../types.js';

function resourceOf(ctx: CheckContext): Resource {
  if (ctx.resource === undefined) throw new Error('this check needs the resource, and the target has none (the runner should have skipped it)');
  return ctx.resource;
}

/** The resource's origin-form request-target, e.g. '/' or '/index.html'. */
export function resourcePath(ctx: CheckContext): string {
  return resourceOf(ctx).path;
}

/** The bytes a GET of the resource answered with. */
export function resourceBody(ctx: CheckContext): Buffer {
  return resourceOf(ctx).body;
}
