// The gate's documents: the baseline a user commits (http-lab/baseline@1) and the verdict of one
// comparison (http-lab/gate@1).
import type { StoredRequest } from '../loadtest/requests.js';
import type { MachineDescription } from '../loadtest/types.js';
import type { MetricKey, Direction } from './metrics.js';
import type { MetricVerdict } from './decision.js';
import type { CauseSummary } from '../conformance/types.js';

export const BASELINE_SCHEMA = 'http-lab/baseline@1';
export const GATE_SCHEMA = 'http-lab/gate@1';

/** What a measurement session runs; a gate run repeats the baseline's settings exactly. */
export interface GateSettings {
  /** the gated targets: built-in names, or one URL */
  targets: string[];
  url?: string;
  /** what the URL target is sent, and what each answer must be; absent: GET of the scenarios' files
   * of the docroot (baselines written before requests were recorded, or of built-in targets) */
  requests?: StoredRequest[];
  scenarios: string[];
  durationS: number;
  /** measured runs per session */
  runs: number;
  warmupS: number;
  /** the built-in server measured beside the targets in every session, run by run, so that a slower
   * or busier machine is not a regression; 'none' compares raw figures */
  reference: 'epoll' | 'none';
  /** the open model (bench --rate): this many requests per second, and the gated p50 and p99 are
   * then the corrected ones, from each request's intended start; absent: the closed model */
  rate?: number;
  /** the load generator, where not http-lab's own: Locust's master and this many local workers
   * (bench --engine locust); a comparison repeats it */
  engine?: 'locust';
  workers?: number;
}

/** One run's figures for the gated metrics. */
export type MetricValues = Record<MetricKey, number>;

export interface RunSample {
  target: MetricValues;
  /** the reference's run just beside it in the same session; absent with reference 'none' */
  reference?: MetricValues;
  /** the session the run belongs to (0-based) */
  session: number;
}

export interface SampleSet {
  target: string;
  scenario: string;
  runs: RunSample[];
}

export interface Baseline {
  schema: typeof BASELINE_SCHEMA;
  version: string;
  createdAt: string;
  machine: MachineDescription;
  settings: GateSettings;
  /** independent sessions measured (servers restarted between them) */
  sessions: number;
  samples: SampleSet[];
  /** per metric: the largest relative change seen between two sessions of the same build (A/A) */
  noiseFloor: Record<MetricKey, number>;
  /** per target: the required conformance checks it passed */
  conformance: Array<{ target: string; requiredPassed: string[] }>;
}

export interface MetricComparison {
  target: string;
  scenario: string;
  metric: MetricKey;
  label: string;
  unit: string;
  better: Direction;
  /** medians of the raw figures, for reading */
  baseline: number;
  current: number;
  /** the relative change judged: of the figures over the reference's where there is one */
  change: number;
  low: number;
  high: number;
  threshold: number;
  verdict: MetricVerdict;
}

export interface ConformanceRegression {
  target: string;
  /** required checks that passed in the baseline and do not pass now */
  checks: Array<{ id: string; title: string; outcome: string; actual: string }>;
  /** the same checks by root cause: one fault counts once */
  causes: CauseSummary[];
}

export interface GateReport {
  schema: typeof GATE_SCHEMA;
  verdict: 'pass' | 'regression';
  createdAt: string;
  baseline: { createdAt: string; version: string; machine: MachineDescription; sessions: number };
  machine: MachineDescription;
  settings: GateSettings;
  /** the user's threshold, as a fraction; each metric applies max(this, its noise floor) */
  threshold: number;
  noiseFloor: Record<MetricKey, number>;
  comparisons: MetricComparison[];
  conformance: ConformanceRegression[];
  notes: string[];
}
