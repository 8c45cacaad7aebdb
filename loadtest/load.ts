// One period of load on autocannon's programmatic API, timed by us: responses are counted and their
// times recorded (in µs) from autocannon's `response` event, and the period is our own clock from
// the moment the connections are opened to the moment autocannon destroys them. (autocannon stops
// only at its next sampling tick after `duration`, so its nominal duration can be short by up to a
// tick; rps over our own clock is exact.)
import { inspect } from 'node:util';
import autocannon from 'autocannon';
import { LatencyRecorder } from './latency.js';
import { Timeline } from './timeline.js';
import { cycleOf } from './requests.js';
import { RESPONSE_TIMEOUT_S, type Scenario } from './scenarios.js';
import type { LatencyUs, TimelinePoint } from './types.js';

export interface LoadOptions {
  /** the target's base URL; the scenario's path is requested from it */
  url: URL;
  scenario: Scenario;
  durationS: number;
  /** called about once a second with the responses so far */
  onTick?: (responses: number) => void;
  /** stops the load early; the result covers what ran */
  signal?: AbortSignal;
}

export interface LoadResult {
  responses: number;
  elapsedS: number;
  latencyUs: LatencyUs;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** responses and their p99 per 100 ms; [] where the engine gives none */
  timeline: TimelinePoint[];
}

/** autocannon's `stop` flag is read at each sampling tick: a short tick ends the load on time. */
const SAMPLE_INTERVAL_MS = 100;

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { url, scenario, durationS } = options;
  const latency = new LatencyRecorder();
  let responses = 0;
  let non2xx = 0;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const timeline = new Timeline(started);
    const instance = autocannon(
      {
        url: new URL(scenario.requests === undefined ? scenario.path : '/', url).href,
        // A user's request or a weighted mix: each connection cycles through the list, each
        // request as often as its weight (cycleOf interleaves them).
        ...(scenario.requests !== undefined
          ? {
              requests: cycleOf(scenario.requests).map((r) => ({
                method: r.method as autocannon.Request['method'],
                path: r.path,
                // a request's own headers replace autocannon's defaults: the close option goes with them
                headers: { ...(scenario.newConnectionPerRequest ? { connection: 'close' } : {}), ...r.headers },
                ...(r.body !== undefined ? { body: r.body } : {}),
              })),
            }
          : {}),
        connections: scenario.connections,
        pipelining: scenario.pipelining,
        duration: durationS,
        timeout: RESPONSE_TIMEOUT_S,
        sampleInt: SAMPLE_INTERVAL_MS,
        // RFC 9112 §9.6: "A client that does not support persistent connections MUST send the
        // "close" connection option in every request message."
        ...(scenario.newConnectionPerRequest ? { headers: { connection: 'close' } } : {}),
        setupClient: (client: unknown) => {
          assertPatchable(client);
          discardBodies(client);
          forgetUnansweredOnReconnect(client);
          if (scenario.newConnectionPerRequest) newConnectionPerRequest(client);
        },
      },
      (err: unknown, result: autocannon.Result) => {
        const elapsedS = (performance.now() - started) / 1000;
        options.signal?.removeEventListener('abort', stop);
        clearInterval(ticker);
        if (err) {
          latency.destroy();
          reject(err instanceof Error ? err : new Error(`autocannon failed: ${inspect(err)}`));
          return;
        }
        const summary = latency.summary();
        latency.destroy();
        // autocannon's `errors` includes its timeouts; they are reported apart.
        resolve({
          responses,
          elapsedS,
          latencyUs: summary,
          errors: result.errors - result.timeouts,
          timeouts: result.timeouts,
          non2xx,
          timeline: timeline.points(),
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
      responses++;
      if (statusCode < 200 || statusCode > 299) non2xx++;
      latency.recordMs(responseTimeMs);
      timeline.record(performance.now(), responseTimeMs * 1000);
    });
    const stop = (): void => instance.stop();
    options.signal?.addEventListener('abort', stop, { once: true });
    const ticker = setInterval(() => options.onTick?.(responses), 1000);
  });
}

/**
 * The private parts of autocannon's per-connection Client that the patches below reach into, each
 * with the patch that needs it. autocannon is pinned to one exact version in package.json; a new
 * version that changes any of them fails here, by the patch's name, not quietly mid-measurement.
 */
export const PATCHED_INTERNALS: ReadonlyArray<{ path: string; patch: string }> = [
  { path: 'pipelinedRequests.addBody', patch: 'discardBodies' },
  { path: 'pipelinedRequests.clear', patch: 'forgetUnansweredOnReconnect' },
  { path: '_connect', patch: 'forgetUnansweredOnReconnect and newConnectionPerRequest' },
  { path: '_doRequest', patch: 'newConnectionPerRequest' },
  { path: '_destroyConnection', patch: 'newConnectionPerRequest' },
];

/** The internals of `client` that are missing or of another kind, as sentences naming their patch. */
export function unpatchableInternals(client: unknown): string[] {
  return PATCHED_INTERNALS.filter(({ path }) => {
    const value = path
      .split('.')
      .reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), client);
    return typeof value !== 'function';
  }).map(({ path, patch }) => `autocannon's Client.${path} is no longer a function: the ${patch} patch in loadtest/load.ts needs updating`);
}

function assertPatchable(client: unknown): void {
  const problems = unpatchableInternals(client);
  if (problems.length > 0) throw new Error(problems.join('; '));
}

/** The parts of autocannon's per-connection Client reached into here. */
interface AutocannonClient {
  conn: { [USED]?: boolean };
  pipelinedRequests: { addBody(chunk: Buffer): void; clear(): void };
  // Properties, not methods: the patches below keep the originals and call them with the client.
  _doRequest: (this: AutocannonClient, ...args: unknown[]) => unknown;
  _destroyConnection: (this: AutocannonClient) => void;
  _connect: (this: AutocannonClient) => void;
}

/**
 * autocannon appends each body chunk to a string (`body += chunk`), decoding it as UTF-8, only to
 * compare it with `expectBody`, which is not used here: the bytes were checked before the load.
 * For the 1 MiB file that decoding cost the generator more than the server's work (epoll server,
 * 10 connections, 2 s: 72 rps with it, 1,337 without), so the chunks are counted but not kept.
 */
function discardBodies(client: unknown): void {
  (client as AutocannonClient).pipelinedRequests.addBody = () => {};
}

/**
 * When the server closes a connection (nginx after keepalive_requests, 1,000 by default), autocannon
 * connects again and writes new requests, but keeps the unanswered ones of the old connection in
 * its queue: each later response is then matched with an older request, its latency overstated,
 * and the queue grows by the unanswered count at every reconnection. Those requests will never be
 * answered (RFC 9112 §9.3.2: the client retries them on a new connection, which the new requests
 * are), so they are forgotten when a connection is opened.
 */
function forgetUnansweredOnReconnect(client: unknown): void {
  const c = client as AutocannonClient;
  const connect = c._connect;
  c._connect = function (this: AutocannonClient): void {
    this.pipelinedRequests.clear();
    connect.call(this);
  };
}

const USED = Symbol('http-lab used connection');

/**
 * autocannon has no "new connection per request" mode of its own: its reconnectRate option resets
 * the connection *instead of* reporting the response (autocannon 7-9), so every response would go
 * uncounted; and with `Connection: close` alone it writes the next request on the closing socket.
 * So each Client's next request, once its connection has carried one, goes out on a fresh
 * connection: the response was already counted and timed; the old socket is destroyed, a new one
 * opened, and the request written to it at once (autocannon starts its clock there, so the
 * latency includes the new connection's set-up).
 */
function newConnectionPerRequest(client: unknown): void {
  const c = client as AutocannonClient;
  const doRequest = c._doRequest;
  c._doRequest = function (this: AutocannonClient, ...args: unknown[]): unknown {
    // Set by _connect, after setupClient: only here can its shape be checked.
    if (typeof this.conn !== 'object' || this.conn === null)
      throw new Error("autocannon's Client.conn is no longer the connection: the newConnectionPerRequest patch in loadtest/load.ts needs updating");
    if (this.conn[USED]) {
      this._destroyConnection();
      this._connect(); // which calls _doRequest again, on the new connection
      return undefined;
    }
    this.conn[USED] = true;
    return doRequest.apply(this, args);
  };
}
