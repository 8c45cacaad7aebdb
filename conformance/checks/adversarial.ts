// The adversarial family: request smuggling and parser confusion (shared/reference/adversarial.md),
// every class that applies to an origin server. Each check sends the hostile request with a request
// pipelined behind it and judges two things: the status, and the connection after it.
// - Where the RFC requires a close (invalid framing, CL with TE, HTTP/1.0 with TE), or the server
//   chose to reject, the request behind is a canary (GET /canary-must-not-be-answered): answering it
//   is always a fail, because the server went on reading a stream it could not delimit.
// - Where the RFC lets the server choose (bare CR, bare LF, obs-fold, "5, 5", CL with TE, leading
//   whitespace), every allowed branch passes and the one taken is recorded; the request behind an
//   accepted one is a real request that must be answered as itself, in order (or the server closes).
// Ids are rfcNNNN/<section>/<slug>, derived from the cited section (adversarial-support.ts).
import type { Check } from '../types.js';
import { adversarialFramingChecks } from './adversarial-framing.js';
import { adversarialSyntaxChecks } from './adversarial-syntax.js';

export const adversarialChecks: readonly Check[] = [...adversarialFramingChecks, ...adversarialSyntaxChecks];
