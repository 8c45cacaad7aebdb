// Open-model load: R requests per second in total, at evenly spaced intended start times, for the
// whole run, whatever the server does. A server that stalls keeps being sent requests (or keeps
// owing them), as real users keep arriving; a closed-model generator instead waits with it, and the
// stall barely shows in its percentiles (coordinated omission: Gil Tene, "How NOT to measure
// latency"; wrk2).
//
// Latency is measured from each request's intended start (wrk2, oha --latency-correction, vegeta),
// with the latency from the actual send beside it. When no connection is free at an intended start,
// another is opened, up to maxConnections; beyond that the request is late and waits its turn, its
// latency still counted from the intended start. A request not sent by the end of the run is
// dropped (k6's dropped_iterations). The generator's own scheduling error, the lag of each send
// behind its intended time, is measured too.
//
// Raw node:net sockets and ResponseFramer, one request in flight per connection: no library queue
// between the schedule and the socket, so a send happens when the schedule says, and its lag is the
// event loop's alone. (undici's Pool would add its own queue and dispatch ticks to that lag.)
import { connect, type Socket } from 'node:net';
import { LatencyRecorder } from './latency.js';
import { cycleOf, type LoadRequest } from './requests.js';
import { ResponseFramer } from './response-framer.js';
import { RESPONSE_TIMEOUT_S, type Scenario } from './scenarios.js';
import { Timeline } from './timeline.js';
import type { LatencyUs, TimelinePoint } from './types.js';

export interface OpenLoadOptions {
  /** the target's base URL; the scenario's path (or its requests) is requested from it */
  url: URL;
  scenario: Scenario;
  durationS: number;
  /** requests per second, in total */
  rate: number;
  /** connections open at once, at most */
  maxConnections: number;
  /** a response slower than this is a timeout (default RESPONSE_TIMEOUT_S) */
  responseTimeoutS?: number;
  /** called about once a second with the responses so far */
  onTick?: (responses: number) => void;
  signal?: AbortSignal;
}

export interface OpenLoadResult {
  responses: number;
  elapsedS: number;
  /** from each request's intended start to its response's last byte */
  latencyUs: LatencyUs;
  /** from each request's actual send to its response's last byte */
  uncorrectedLatencyUs: LatencyUs;
  /** how far the generator dispatched each request after its intended start: its own scheduling
   * error (a request that then waits for a connection is late, and that wait is not in here) */
  sendLagUs: LatencyUs;
  /** requests that found no free connection at their intended start, and waited */
  late: number;
  /** requests never sent: the run ended before a connection was free */
  dropped: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  timeline: TimelinePoint[];
}

/** The scheduler sleeps on a timer until this long before the next intended start, then spins on
 * setImmediate (I/O still runs between turns): Node's timers fire no sooner than 1 ms and often a
 * millisecond late. At 200 requests per second that costs about 40% of a core, and keeps the send
 * lag p99 near 0.3 ms (npm run stall). */
const SPIN_WITHIN_MS = 2;

interface Pending {
  /** performance.now() at which it should have been sent */
  intended: number;
  request: Buffer;
  head: boolean;
}

interface Conn {
  socket: Socket;
  framer: ResponseFramer;
  connected: boolean;
  /** the request in flight, with when it was written */
  inFlight: (Pending & { sent: number }) | undefined;
  /** assigned while connecting */
  waiting: Pending | undefined;
}

/** The bytes of each request of the scenario, in the order the cycle sends them. */
function requestCycle(url: URL, scenario: Scenario): Array<{ bytes: Buffer; head: boolean }> {
  const host = url.host;
  const close = scenario.newConnectionPerRequest ? 'Connection: close\r\n' : '';
  const requests: LoadRequest[] =
    scenario.requests !== undefined ? cycleOf(scenario.requests) : [{ method: 'GET', path: scenario.path, headers: {}, weight: 1 }];
  return requests.map((r) => {
    const fields = Object.entries(r.headers)
      .map(([n, v]) => `${n}: ${v}\r\n`)
      .join('');
    const own = Object.keys(r.headers).map((n) => n.toLowerCase());
    const length = r.body !== undefined && !own.includes('content-length') ? `Content-Length: ${r.body.length}\r\n` : '';
    const connection = own.includes('connection') ? '' : close;
    const head = Buffer.from(`${r.method} ${r.path} HTTP/1.1\r\nHost: ${host}\r\n${fields}${length}${connection}\r\n`, 'latin1');
    return { bytes: r.body !== undefined ? Buffer.concat([head, r.body]) : head, head: r.method === 'HEAD' };
  });
}

export function runOpenLoad(options: OpenLoadOptions): Promise<OpenLoadResult> {
  const { url, scenario, durationS, rate, maxConnections } = options;
  const port = Number(url.port || 80);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const cycle = requestCycle(url, scenario);
  const corrected = new LatencyRecorder();
  const uncorrected = new LatencyRecorder();
  const lag = new LatencyRecorder();
  const intervalMs = 1000 / rate;
  const total = Math.max(1, Math.floor(durationS * rate));
  const timeoutMs = (options.responseTimeoutS ?? RESPONSE_TIMEOUT_S) * 1000;

  let responses = 0;
  let errors = 0;
  let timeouts = 0;
  let non2xx = 0;
  let late = 0;
  let scheduled = 0;
  const idle: Conn[] = [];
  const open = new Set<Conn>();
  const queue: Pending[] = [];
  let stopped = false;

  return new Promise((resolve) => {
    const started = performance.now();
    const timeline = new Timeline(started);
    let timer: NodeJS.Timeout | undefined;
    let finishing = false;

    const send = (conn: Conn, p: Pending): void => {
      const now = performance.now();
      conn.inFlight = { ...p, sent: now };
      conn.socket.write(p.request);
    };

    const dispatch = (p: Pending): void => {
      // The scheduler's own lateness: a request waiting for a connection is the server's delay, and
      // is counted as late, not here.
      lag.recordMs(performance.now() - p.intended);
      const conn = idle.pop();
      if (conn !== undefined) return send(conn, p);
      if (open.size < maxConnections) return openConnection(p);
      late++;
      queue.push(p);
    };

    const release = (conn: Conn): void => {
      const next = queue.shift();
      if (next !== undefined) send(conn, next);
      else idle.push(conn);
      if (finishing) maybeFinish();
    };

    const retire = (conn: Conn): void => {
      if (!open.delete(conn)) return;
      const i = idle.indexOf(conn);
      if (i >= 0) idle.splice(i, 1);
      conn.socket.destroy();
      // A request waiting for a connection gets another one (or, at the cap, the next free one).
      if (!finishing && queue.length > 0 && open.size < maxConnections) openConnection(queue.shift()!);
      if (finishing) maybeFinish();
    };

    const openConnection = (p: Pending): void => {
      const socket = connect({ host, port, noDelay: true });
      const conn: Conn = { socket, framer: new ResponseFramer(), connected: false, inFlight: undefined, waiting: p };
      open.add(conn);
      socket.on('connect', () => {
        conn.connected = true;
        const first = conn.waiting!;
        conn.waiting = undefined;
        send(conn, first);
      });
      socket.on('data', (data: Buffer) => {
        const done = conn.framer.push(data, () => conn.inFlight?.head === true);
        for (const res of done) answered(conn, res.status, res.closes);
      });
      const lost = (): void => {
        const res = conn.framer.end();
        if (res !== undefined && conn.inFlight !== undefined) answered(conn, res.status, true);
        if (conn.inFlight !== undefined || conn.waiting !== undefined) errors++;
        conn.inFlight = undefined;
        conn.waiting = undefined;
        retire(conn);
      };
      socket.on('error', lost);
      socket.on('close', lost);
    };

    const answered = (conn: Conn, status: number, closes: boolean): void => {
      const p = conn.inFlight;
      if (p === undefined) return;
      const now = performance.now();
      conn.inFlight = undefined;
      responses++;
      if (status < 200 || status > 299) non2xx++;
      corrected.recordMs(now - p.intended);
      uncorrected.recordMs(now - p.sent);
      timeline.record(now, (now - p.intended) * 1000);
      if (closes || scenario.newConnectionPerRequest) retire(conn);
      else release(conn);
    };

    const schedule = (): void => {
      timer = undefined;
      if (stopped) return;
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - started) / intervalMs) + 1);
      while (scheduled < due) {
        const intended = started + scheduled * intervalMs;
        const r = cycle[scheduled % cycle.length]!;
        scheduled++;
        dispatch({ intended, request: r.bytes, head: r.head });
      }
      if (scheduled >= total) return finish();
      const wait = started + scheduled * intervalMs - performance.now();
      if (wait <= SPIN_WITHIN_MS) setImmediate(schedule);
      else timer = setTimeout(schedule, wait - SPIN_WITHIN_MS);
    };

    // A response not complete within the response timeout is a timeout, its connection closed.
    const sweep = (): void => {
      const now = performance.now();
      for (const conn of [...open]) {
        if (conn.inFlight !== undefined && now - conn.inFlight.sent > timeoutMs) {
          timeouts++;
          conn.inFlight = undefined;
          retire(conn);
        }
      }
    };

    // The run's time is up: what is still queued was never sent (dropped); what is in flight is
    // waited for, up to the response timeout.
    let endedAt = 0;
    let dropped = 0;
    let settled = false;
    const finish = (): void => {
      if (finishing) return;
      finishing = true;
      endedAt = started + durationS * 1000;
      dropped = queue.splice(0).length + (total - scheduled);
      maybeFinish();
    };
    const maybeFinish = (): void => {
      if (![...open].some((c) => c.inFlight !== undefined || c.waiting !== undefined)) settle();
    };
    const settle = (): void => {
      if (settled) return;
      settled = true;
      stopped = true;
      clearTimeout(timer);
      clearInterval(sweeper);
      clearInterval(ticker);
      options.signal?.removeEventListener('abort', abort);
      if (!finishing) dropped = queue.splice(0).length + (total - scheduled);
      for (const conn of [...open]) conn.socket.destroy();
      open.clear();
      const elapsedS = (Math.max(performance.now(), endedAt) - started) / 1000;
      const result: OpenLoadResult = {
        responses,
        elapsedS,
        latencyUs: corrected.summary(),
        uncorrectedLatencyUs: uncorrected.summary(),
        sendLagUs: lag.summary(),
        late,
        dropped,
        errors,
        timeouts,
        non2xx,
        timeline: timeline.points(),
      };
      corrected.destroy();
      uncorrected.destroy();
      lag.destroy();
      resolve(result);
    };
    const abort = (): void => settle();

    options.signal?.addEventListener('abort', abort, { once: true });
    const sweeper = setInterval(() => {
      sweep();
      if (finishing && performance.now() - endedAt > timeoutMs) settle();
    }, 100);
    const ticker = setInterval(() => options.onTick?.(responses), 1000);
    schedule();
  });
}
