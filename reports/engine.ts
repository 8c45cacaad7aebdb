// How a bench document's load generator is named in every report, with what its figures are not
// (Locust's limits): one place, so that text, Markdown and HTML say the same.
import type { BenchReport } from '../loadtest/types.js';

/** "locust 2.12.1, 2 workers, paced to 1000 rps" or "autocannon 9.0.0". */
export function engineName(generator: BenchReport['generator']): string {
  const workers = generator.workers !== undefined ? `, ${generator.workers} worker${generator.workers === 1 ? '' : 's'}` : '';
  const paced = generator.pacedRate !== undefined ? `, users paced to ${generator.pacedRate} requests per second in total` : '';
  return `${generator.engine} ${generator.version}${workers}${paced}`;
}

/** The sentences a reader needs before comparing these figures with another engine's; [] for most. */
export function engineLimits(generator: BenchReport['generator']): string[] {
  return (generator.limits ?? []).map((l) => `${generator.engine}: ${l}`);
}
