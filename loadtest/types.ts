// The bench result model: what `http-lab bench --format json` writes (schema http-lab/bench@1).
// Renderers in reports/ read only these types.
import type { RequestDescription } from './requests.js';

export const BENCH_SCHEMA = 'http-lab/bench@1';

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
  /** per response, in µs, from writing the request to its last byte (a new connection's set-up
   * included, for scenarios that open one per request) */
  latencyUs: LatencyUs;
  /** connection errors (refused, reset, closed before the response), timeouts excluded */
  errors: number;
  /** responses not complete within the response timeout */
  timeouts: number;
  /** responses with a status outside 200-299 */
  non2xx: number;
  /** CPU time of the server's whole process tree over wall time, in % of one core; null when the
   * server's process is unknown (a --url whose listener is not ours to read) */
  serverCpuPct: number | null;
  /** peak of the summed RSS over the server's process tree, in bytes; null as above */
  serverRssBytes: number | null;
  /** the load generator's (this process's) CPU time over wall time, in % of one core */
  generatorCpuPct: number;
  /** the busiest single server thread, in % of one core: near 100 means a single-threaded server is
   * saturated; null as above */
  serverBusiestThreadPct: number | null;
  /** responses counted, and the wall time they were counted over */
  responses: number;
  elapsedS: number;
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
  durationS: number;
  warmupS: number;
  runs: BenchRun[];
  /** the median of each metric over the runs, each taken on its own */
  median: BenchRun;
  spread: BenchSpread;
  /** the generator, not the server, limited the median run's throughput */
  generatorBound: boolean;
  warnings: BenchWarning[];
}

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
  | { code: 'status-only'; message: string };

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
    engine: 'autocannon' | 'wrk';
    version: string;
    responseTimeoutS: number;
    /** CPUs the generator and the servers we started were pinned to */ pinned?: { generator: string; servers: string };
  };
  results: BenchResult[];
  refused: Refusal[];
}
