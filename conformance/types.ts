// The conformance contract. A check is data, in the style of h2spec (Desc, Requirement, Run) and
// cache-tests (id, kind, spec anchors): an id, the RFC section, a level, the quoted requirement, the
// request bytes, and an expectation that names every allowed alternative.

/** MUST, SHOULD and MAY follow BCP 14; security is a smuggling-class property that the RFC leaves at
 * SHOULD or at its grammar, required on the strength of a `rationale` (an erratum, a CVE, a fix in a
 * widely used parser); robustness is survival under hostile input; architecture checks prove a
 * built-in server is its design (they need the server's pid). */
export type Level = 'MUST' | 'SHOULD' | 'MAY' | 'security' | 'robustness' | 'architecture';

export type Outcome = 'pass' | 'fail' | 'warn' | 'skip' | 'error';

/** One response as read off the wire by conformance/client.ts (never by the server's own core). */
export interface WireResponse {
  /** e.g. 'HTTP/1.1' */
  version: string;
  status: number;
  reason: string;
  /** field lines in order, names as sent */
  headers: Array<[string, string]>;
  /** the decoded body (chunked coding removed); empty when the response has no body */
  body: Buffer;
  /** how the body was delimited */
  framing: 'none' | 'content-length' | 'chunked' | 'close';
  /** the exact bytes of this response on the wire, head and body */
  raw: Buffer;
  /** trailer fields of a chunked body, in order, names as sent */
  trailers?: Array<[string, string]>;
  /** when the response was complete, in ms after its connection began (the connect included), as
   * conformance/client.ts recorded it; compare with Exchange.sentAtMs */
  atMs?: number;
}

/** What happened on one connection. */
export interface Exchange {
  responses: WireResponse[];
  /** the server closed (FIN or RST) before the client gave up waiting */
  closed: boolean;
  /** bytes after the last complete response that did not form one */
  trailingGarbage: Buffer;
  /** a response that could not be parsed: what was wrong */
  parseError?: string;
  /** every byte the server sent */
  received: Buffer;
  /** every byte the client sent */
  sent: Buffer;
  /** when each chunk of the plan was written, in ms after the connection began; with
   * RequestPlan.reconnect, those of the last connection */
  sentAtMs?: number[];
  ms: number;
  /** the hard deadline passed before the expected responses were complete: a harness error, not a
   * verdict on the server */
  timedOut: boolean;
  /** how the server closed, when it did: a FIN, or a reset (ECONNRESET, EPIPE) */
  closedBy?: 'fin' | 'reset';
  /** how many connections the exchange used, when RequestPlan.reconnect made it more than one;
   * `closed`, `closedBy`, `trailingGarbage` and `parseError` then describe the last */
  connections?: number;
}

/** The result of an expectation: pass or not, plus what was allowed and what came back. */
export interface Verdict {
  pass: boolean;
  /** every allowed alternative, in words, e.g. '400, then close' or '200 with body == index.html' */
  expected: string;
  /** what the server did, in words */
  actual: string;
  /** for a "choose one" rule: which allowed branch the server took */
  branch?: string;
}

/** What a check needs of its target (DESIGN.md), so that a target that cannot give it skips the
 * check with the reason instead of failing it:
 * - origin: nothing but an HTTP/1.1 origin server; the verdict holds whatever the path answers;
 * - resource: one existing resource, any path that answers 200 to GET (`--path`);
 * - fixtures: the bundled docroot's files, byte for byte, and its layout. */
export type Need = 'origin' | 'resource' | 'fixtures';

/** What a resource may offer that some checks exercise; a resource that offers none of it skips
 * them ("when the response offers them"). */
export type Offer = 'etag' | 'last-modified' | 'ranges';

/** The one resource that resource checks request, as found before the checks run. */
export interface Resource {
  /** the origin-form request-target every resource check uses, e.g. '/' or '/health' */
  path: string;
  /** the body two GETs answered with, byte for byte the same */
  body: Buffer;
  /** the fields of the GET's response, names as sent */
  headers: Array<[string, string]>;
  offers: Offer[];
}

/** What the target was found to give, before any check ran, as a report records it: each part is
 * there or says why not. */
export interface TargetProfile {
  fixtures: { served: boolean; reason?: string };
  resource: { path: string; available: boolean; reason?: string; offers?: Offer[]; bytes?: number };
}

/** What expectations may consult: the fixtures (for checks that need them), the resource (for checks
 * that need it), and what is known of a built-in target. */
export interface CheckContext {
  fixture(path: string): Buffer;
  /** the resource, when the target has one (always, for a check that needs it: otherwise it skips) */
  resource?: Resource;
  /** the server's process id, known only for a built-in target; architecture checks need it */
  pid?: number;
  /** the built-in design under test ('blocking', 'thread', ...), known only for a built-in target;
   * a check with `design` set applies to that design only */
  design?: string;
}

/** Where a check connects. */
export interface CheckTarget {
  host: string;
  port: number;
}

/** What a procedural check (`run`) is given besides the target. */
export interface RunContext extends CheckContext {
  /** aborted when the check's deadline passes: stop waiting, close every socket, and return */
  signal: AbortSignal;
  /** the check's deadline, for information (the runner enforces it) */
  timeoutMs: number;
}

/** A request built from the final responses that came before it on the connection, e.g. a
 * conditional GET that echoes the ETag of the previous response. Only with `awaitEachResponse`,
 * and never first: it is called when it is its turn to be written, with every final response
 * received so far. What it returns is sent, and recorded in `Exchange.sent`, like any chunk; if it
 * throws, the harness could not build the request and the check is an `error`. */
export type FollowUp = (answered: readonly WireResponse[]) => string | Buffer;

/** How a check writes its request bytes. */
export interface RequestPlan {
  /** the chunks to write, in order; a delay (ms) may separate them */
  chunks: Array<string | Buffer | FollowUp>;
  delayMs?: number;
  /** how many complete responses the client waits for before it stops reading (default 1) */
  responses?: number;
  /** keep reading after the expected responses until the server closes or closeWaitMs passes,
   * to verify that the server closes and that no further (canary) response is sent */
  awaitClose?: boolean;
  /** for HEAD: the responses to these request indexes carry no body */
  headIndexes?: number[];
  /** write chunk i+1 only once the response to chunk i is complete: requests in turn on one
   * connection, without pipelining (each chunk is then one request) */
  awaitEachResponse?: boolean;
  /** with awaitEachResponse: when the server closes the connection after complete responses and
   * requests remain, write the next unanswered one on a new connection, as a client does after an
   * HTTP/1.0 response or "Connection: close". For checks whose subject is not persistence; a
   * connection that ends in unparsable bytes, or with nothing answered, is not replaced. */
  reconnect?: boolean;
}

/** What every check holds, whatever it does. */
export interface CheckBase {
  /** stable, unique, `rfcNNNN/section/slug` or `arch/<design>/slug` or `path/...` */
  id: string;
  /** 'RFC 9112 §3.2' or 'RFC 9110 §9.3.1'; architecture checks cite no RFC: 'http-lab architecture' */
  section: string;
  level: Level;
  /** a failure fails the run (exit 1): only MUST, security, robustness and architecture checks may
   * be; SHOULD checks become required under --strict */
  required: boolean;
  title: string;
  /** the RFC sentence, quoted; for an architecture check, the sentence saying what the design does */
  requirement: string;
  /** the root cause a failure of this check shares with others (e.g. 'allow-on-405'): one server
   * fault fails every check of its cause, and summaries count causes; absent, the check is a cause
   * of its own (its id) */
  cause?: string;
  /** for a security check: why it is required though the RFC does not say MUST, with its source */
  rationale?: string;
  /** the check applies to this built-in design only; any other target skips it, with the reason */
  design?: string;
  /** what the check needs of its target; see Need */
  needs: Need;
  /** with needs 'resource': what the resource must offer, or the check skips */
  offers?: Offer[];
}

/** The declarative kind: request bytes, then an expectation on what came back. */
export interface RequestCheck extends CheckBase {
  /** the bytes, or (for a check that needs the resource) a function of the context that builds them */
  request: string | Buffer | RequestPlan | ((ctx: CheckContext) => string | Buffer | RequestPlan);
  expect: (exchange: Exchange, ctx: CheckContext) => Verdict;
  run?: never;
}

/** The procedural kind, for what one exchange cannot show (several connections held open, /proc
 * read while they are). The runner gives it the same deadline as an exchange, and a deadline that
 * passes is an `error`; so is an exception (the harness could not judge), never a `fail`. */
export interface ProcedureCheck extends CheckBase {
  run: (target: CheckTarget, ctx: RunContext) => Promise<Verdict>;
  request?: never;
  expect?: never;
}

export type Check = RequestCheck | ProcedureCheck;

export interface CheckResult {
  id: string;
  section: string;
  level: Level;
  required: boolean;
  title: string;
  /** the quoted RFC sentence, so that a report can show what was violated */
  requirement?: string;
  /** the root cause this check shares with others; the check's id when it has none of its own */
  cause: string;
  /** why a security check is required (its source) */
  rationale?: string;
  outcome: Outcome;
  expected: string;
  actual: string;
  branch?: string;
  /** why a check was skipped or errored */
  reason?: string;
  ms: number;
  /** a wire trace (sent and received bytes, escaped), kept for -v */
  trace?: { sent: string; received: string };
}

export interface ConformanceSummary {
  total: number;
  pass: number;
  fail: number;
  warn: number;
  skip: number;
  error: number;
  /** the root causes of the failed checks, each with its checks, most checks first: one server
   * fault counts once however many checks exercise it */
  failedCauses: CauseSummary[];
  /** the same for the warnings (failed checks that are not required) */
  warnedCauses: CauseSummary[];
}

/** One root cause among a run's failures or warnings. */
export interface CauseSummary {
  cause: string;
  checks: string[];
}

/** The JSON document `http-lab conform --format json` writes. */
export interface ConformanceReport {
  schema: 'http-lab/conformance@1';
  target: string;
  url: string;
  startedAt: string;
  durationMs: number;
  summary: ConformanceSummary;
  /** what the target was found to give: the fixtures, the resource; absent when no selected check
   * needed either */
  profile?: TargetProfile;
  checks: CheckResult[];
}

/** The JSON document `http-lab conform --format json` writes for several targets (`--target a b`):
 * one ConformanceReport per target, in the order given, each exactly as a single-target run writes
 * it. `targets[i]` is `reports[i].target`. */
export interface ConformanceMatrixReport {
  schema: 'http-lab/conformance-matrix@1';
  targets: string[];
  reports: ConformanceReport[];
}

/** One line of the catalogue, as `http-lab conform --list` shows it (nothing is run); `required`
 * has --strict applied. */
export type CatalogueEntry = CheckBase;

/** The JSON document `http-lab conform --list --format json` writes. */
export interface CatalogueListing {
  schema: 'http-lab/catalogue@1';
  /** the selection that produced this list */
  selection: { level: 'must' | 'should' | 'all'; only: string[]; skip: string[]; strict: boolean };
  total: number;
  checks: CatalogueEntry[];
}
