// The result document (schema http-lab/microbench@1) and its text rendering. Pure: no timing here.

export const SCHEMA = 'http-lab/microbench@1';

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  v8: string;
  platform: string;
  arch: string;
}

export interface TaskFigures {
  id: string;
  name: string;
  /** 1e9 / meanNs, so that ops/s and the mean agree */
  opsPerSec: number;
  /** mean time of one operation */
  meanNs: number;
  p50Ns: number;
  p99Ns: number;
  /** relative margin of error of the mean, 95% confidence, in percent */
  rmePercent: number;
  /** timed samples; each is the mean of opsPerSample back-to-back operations */
  samples: number;
  opsPerSample: number;
  /** HTTP requests in one operation */
  requestsPerOp: number;
}

export interface Comparison {
  id: string;
  name: string;
  subject: string;
  baseline: string;
  /** subject ops/s ÷ baseline ops/s: above 1 the subject is faster */
  ratio: number;
  /** the same from the medians, which a burst of other load moves less */
  p50Ratio: number;
}

export interface MicrobenchReport {
  schema: typeof SCHEMA;
  createdAt: string;
  machine: Machine;
  /** timeMs per case, split into `rounds` interleaved tinybench tasks */
  settings: { timeMs: number; rounds: number; warmupMs: number; sampleTargetUs: number };
  llhttpVia: string;
  tasks: TaskFigures[];
  comparisons: Comparison[];
  /** file system calls the resolver made while it was timed: revalidations, due once an entry is a second old */
  resolverFsCallsWhileTimed: number;
}

export function compare(tasks: readonly TaskFigures[], pair: Omit<Comparison, 'ratio' | 'p50Ratio'>): Comparison {
  const subject = tasks.find((t) => t.id === pair.subject);
  const baseline = tasks.find((t) => t.id === pair.baseline);
  if (subject === undefined || baseline === undefined) throw new Error(`no figures for ${pair.id}`);
  return { ...pair, ratio: subject.opsPerSec / baseline.opsPerSec, p50Ratio: baseline.p50Ns / subject.p50Ns };
}

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p99: number;
  /** relative margin of error of the mean in percent, 95% confidence */
  rme: number;
}

/** Statistics of pooled samples (tinybench's are per task, and a case spans several tasks). With
 * thousands of samples Student's t is the normal 1.96 to within a fraction of a percent. */
export function summarize(samples: readonly number[]): Summary {
  const n = samples.length;
  if (n === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / n;
  const variance = n > 1 ? sorted.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1) : 0;
  const quantile = (q: number): number => {
    const at = (n - 1) * q;
    const lo = Math.floor(at);
    return sorted[lo]! + (sorted[Math.min(lo + 1, n - 1)]! - sorted[lo]!) * (at - lo);
  };
  const rme = mean === 0 ? Infinity : (100 * 1.96 * Math.sqrt(variance / n)) / mean;
  return { count: n, mean, p50: quantile(0.5), p99: quantile(0.99), rme };
}

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function machineLine(m: Machine): string {
  return `machine: ${m.cpus} CPUs (${m.cpuModel}), Node.js ${m.node} (V8 ${m.v8}), ${m.platform}/${m.arch}`;
}

export function renderText(report: MicrobenchReport): string {
  const header = ['task', 'ops/s', 'mean ns', '±rme', 'samples'];
  const rows = report.tasks.map((t) => [t.name, int.format(t.opsPerSec), int.format(t.meanNs), `±${t.rmePercent.toFixed(2)}%`, int.format(t.samples)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [
    `http-lab micro-benchmarks (tinybench, ${report.settings.timeMs} ms per task in ${report.settings.rounds} interleaved rounds)`,
    machineLine(report.machine),
    `llhttp reached through ${report.llhttpVia}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
  ];
  for (const c of report.comparisons) {
    const subject = report.tasks.find((t) => t.id === c.subject)!;
    const baseline = report.tasks.find((t) => t.id === c.baseline)!;
    const perRequest = (t: TaskFigures): string => `${int.format(t.meanNs / t.requestsPerOp)} ns`;
    out.push(`core ÷ llhttp, ${c.name}: ${c.ratio.toFixed(2)}× ops/s ` + `(${perRequest(subject)} vs ${perRequest(baseline)} per request)`);
  }
  out.push(`resolver file system calls while timed: ${report.resolverFsCallsWhileTimed} (revalidations: a stat and a realpath once the entry is a second old)`);
  return out.join('\n') + '\n';
}
