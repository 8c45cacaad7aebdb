// What the gate compares, and which way is better for each.

export type Direction = 'higher' | 'lower';

export interface GatedMetric {
  key: MetricKey;
  label: string;
  unit: string;
  better: Direction;
}

export type MetricKey = 'rps' | 'cpu' | 'p50' | 'p99' | 'pss';

export const GATED_METRICS: readonly GatedMetric[] = [
  { key: 'rps', label: 'throughput', unit: 'rps', better: 'higher' },
  // The server's CPU time per response: what each request costs it, whether or not the load
  // generator was the bottleneck (when it is, a slower server shows less in rps than in CPU).
  { key: 'cpu', label: 'CPU per request', unit: 'µs CPU', better: 'lower' },
  { key: 'p50', label: 'p50 latency', unit: 'µs', better: 'lower' },
  { key: 'p99', label: 'p99 latency', unit: 'µs', better: 'lower' },
  // PSS counts each page once; summed RSS counts a page shared by N processes N times, so a
  // forking server's RSS moves with its process count, not its memory.
  { key: 'pss', label: 'peak PSS', unit: 'bytes', better: 'lower' },
];
