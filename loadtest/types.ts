// The bench result model: what `http-lab bench --format json` writes (schema http-lab/bench@2).
// Renderers in reports/ read only these types.
//
// From bench@1 to bench@2 (readers of @1 documents fill the new fields as below):
// - every run has a `timeline` (responses and p99 per 100 ms; [] in an @1 document) and
//   `serverPssBytes`/`serverPssAtRestBytes` (null in @1: it had only summed RSS, kept as
//   `serverRssBytes`);
// - an open-model run (`bench --rate`) adds `uncorrectedLatencyUs`, `sendLagUs`, `late` and
//   `dropped`, and its `latencyUs` is corrected: from each request's intended start. A closed-model
//   run has none of them, and its `latencyUs` means what it meant in @1;
// - a result says its `model`, and for the open model its `rate` and `maxConnections`.
import type { RequestDescription } from './requests.js';

export const BENCH_SCHEMA = 'http-lab/bench@2';
/** The schema this model replaced, which readers still accept. */
export const BENCH_SCHEMA_V1 = 'http-lab/bench@1';

export interface LatencyUs {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** One slice of a run: the responses completed in the 100 ms from `tMs` (from the run's start), and
 * the p99 of their latencies (corrected ones in an open-model run); 0 where none came. */
export interface TimelinePoint {
  tMs: number;
  responses: number;
  p99Us: number;
}

/** One measured run of one scenario against one target. */
export interface BenchRun {
  /** responses per second, every status counted */
  rps: number;
  /** per response, in µs, to its last byte: in the closed model from writing the request (a new
   * connection's set-up included, for scenarios that open one per request); in the open model from
   * the request's intended start, so that a stall counts for every request it delayed */
  latencyUs: LatencyUs;
  /** open model: per response, from the request's actual send, as a closed-model tool measures */
  uncorrectedLatencyUs?: LatencyUs;
  /** open model: how far the generator dispatched each request after its intended start, its own
   * scheduling error (the wait of a late request for a connection is not in it) */
  sendLagUs?: LatencyUs;
  /** open model: requests that found no free connection at their intended start and waited */
  late?: number;
  /** open model: requests never sent, the run having ended first */
  dropped?: number;
  /** connection errors (refused, reset, closed before the response), timeouts excluded */
  errors: number;
  /** responses not complete within the response timeout */
  timeouts: number;
  /** responses with a status outside 200-299 */
  non2xx: number;
  /** CPU time of the server's whole process tree over wall time, in % of one core; null when the
   * server's process is unknown (a --url whose listener is not ours to read) */
  serverCpuPct: number | null;
  /** peak of the summed RSS over the server's process tree, in bytes: a page shared by N processes
   * counts N times; null as above */
  serverRssBytes: number | null;
  /** peak PSS of the server's process tree (smaps_rollup), in bytes: every page once; the memory
   * figure reports lead with. Null as above, or where smaps_rollup cannot be read */
  serverPssBytes: number | null;
  /** the tree's PSS before the run's load, at rest */
  serverPssAtRestBytes: number | null;
  /** the load generator's (this process's) CPU time over wall time, in % of one core */
  generatorCpuPct: number;
  /** the busiest single server thread, in % of one core: near 100 means a single-threaded server is
   * saturated; null as above */
  serverBusiestThreadPct: number | null;
  /** responses counted, and the wall time they were counted over */
  responses: number;
  elapsedS: number;
  /** responses and their p99 per 100 ms over the run; [] where the engine gives none (wrk) */
  timeline: TimelinePoint[];
  /** the width of a timeline point in ms where it is not 100: Locust's history has one a second */
  timelineSliceMs?: number;
}

export interface BenchSpread {
  rpsMin: number;
  rpsMax: number;
  /** coefficient of variation of rps over the runs (standard deviation ÷ mean) */
  rpsCv: number;
  /** interquartile range of rps over the runs */
  rpsIqr: number;
}

export interface BenchResult {
  target: string;
  /** where the load went */
  url: string;
  scenario: string;
  path: string;
  /** what was sent, where it was not a GET of `path` checked against the docroot's file */
  requests?: RequestDescription[];
  connections: number;
  pipelining: number;
  newConnectionPerRequest: boolean;
  /** closed: each connection sends its next request when the last is answered; open: `rate`
   * requests per second at evenly spaced intended starts, on up to `maxConnections` */
  model: 'closed' | 'open';
  rate?: number;
  maxConnections?: number;
  durationS: number;
  warmupS: number;
  runs: BenchRun[];
  /** the median of each metric over the runs, each taken on its own */
  median: BenchRun;
  /** a point of a sweep: the open model at a share of the target's closed-model capacity, or the
   * closed model at a number of connections; its `scenario` is then labelled `keepalive@30%` or
   * `keepalive@c100` */
  sweep?: SweepPoint;
  /** what each open connection cost the server: (peak PSS − PSS at rest) ÷ connections, from the
   * median figures; null where PSS is unknown */
  pssPerConnectionBytes?: number | null;
  spread: BenchSpread;
  /** the generator, not the server, limited the median run's throughput */
  generatorBound: boolean;
  warnings: BenchWarning[];
}

export type SweepPoint =
  /** the open model at `percent` of `capacityRps`, the target's closed-model median rps */
  { kind: 'rate'; percent: number; capacityRps: number } | { kind: 'connections'; connections: number };

/** What a reader must know to judge a result's figures. Programs and renderers read the stable
 * `code`; `message` is the sentence shown to people, never parsed. */
export type BenchWarning =
  /** the generator, not the server, limited the median run */
  | { code: 'generator-bound'; message: string }
  /** the runs' rps lie too far apart to trust one figure */
  | { code: 'noisy'; message: string }
  | { code: 'one-run'; message: string }
  /** one run's rps and mean latency disagree */
  | { code: 'littles-law'; message: string; /** which run, from 1 */ run: number }
  /** connection errors, timeouts or non-2xx responses were counted */
  | { code: 'failures'; message: string }
  /** the server's process was not found: no CPU or memory figures */
  | { code: 'resources-unknown'; message: string }
  /** the server closes each connection, so it was measured with a new connection per request */
  | { code: 'closes-connections'; message: string }
  /** the check before load held the answers to their status only: no body was given to compare */
  | { code: 'status-only'; message: string }
  /** a stretch with no response while requests were outstanding: the server stalled */
  | { code: 'stall'; message: string; /** which run, from 1 */ run: number; startMs: number; lengthMs: number }
  /** open model: requests waited for a connection, or were never sent */
  | { code: 'late'; message: string };

export type WarningCode = BenchWarning['code'];

/** A target that answered wrongly before any load (not 200, or not the file's exact bytes), and so
 * was not measured. */
export interface Refusal {
  target: string;
  scenario: string;
  reason: string;
}

export interface MachineDescription {
  cpus: number;
  cpuModel: string;
  node: string;
  kernel: string;
  platform: string;
}

export interface BenchReport {
  schema: typeof BENCH_SCHEMA;
  /** the http-lab version that measured it */
  version: string;
  startedAt: string;
  machine: MachineDescription;
  /** the load generator and its settings */
  generator: {
    /** open-model: http-lab's own generator (bench --rate); locust: Locust's master and workers */
    engine: 'autocannon' | 'wrk' | 'open-model' | 'locust';
    version: string;
    responseTimeoutS: number;
    /** locust: the worker processes that made the load */
    workers?: number;
    /** locust: with --rate, the total its users were paced to (constant_throughput) */
    pacedRate?: number;
    /** what this engine's figures are not (Locust's rounding, its timeline): read before comparing */
    limits?: string[];
    /** CPUs the generator and the servers we started were pinned to */ pinned?: { generator: string; servers: string };
  };
  results: BenchResult[];
  refused: Refusal[];
}
