// The one result model every renderer reads: conformance runs and bench runs, with the machine
// and the http-lab version that produced them (schema http-lab/results@1). `http-lab lab` writes
// it as results.json; `http-lab report` builds it from any mix of results@1, bench@2, bench@1,
// conformance@1 and conformance-matrix@1 files, merged into one comparison.
import type { ConformanceMatrixReport, ConformanceReport } from '../conformance/types.js';
import {
  BENCH_SCHEMA,
  BENCH_SCHEMA_V1,
  type BenchReport,
  type BenchResult,
  type BenchWarning,
  type MachineDescription,
  type Refusal,
} from '../loadtest/types.js';
import { machineLine, sameMachine } from '../loadtest/machine.js';
import { resultFromV1, warningFromSentence } from '../loadtest/old-warnings.js';

export const RESULTS_SCHEMA = 'http-lab/results@1';

export interface BenchSection {
  generator: BenchReport['generator'];
  results: BenchResult[];
  refused: Refusal[];
}

export interface LabResults {
  schema: typeof RESULTS_SCHEMA;
  /** the http-lab version that measured it (the first input's, when merged) */
  version: string;
  createdAt: string;
  machine: MachineDescription;
  /** one report per target, in the order measured */
  conformance: ConformanceReport[];
  /** absent when nothing was benchmarked */
  bench?: BenchSection;
  /** said once about the whole model: inputs from different machines, and the like */
  notes: string[];
}

export class ModelError extends Error {
  override readonly name = 'ModelError';
}

/** Reads one parsed JSON document into the model's parts; warnings stored as bare sentences (files
 * from before warnings had codes) are given their codes. Throws ModelError on anything else. */
export function toResults(doc: unknown, source: string): LabResults {
  if (typeof doc !== 'object' || doc === null || !('schema' in doc)) throw new ModelError(`${source}: not an http-lab document (no "schema")`);
  const schema = doc.schema;
  switch (schema) {
    case RESULTS_SCHEMA: {
      const results = doc as LabResults;
      return results.bench === undefined ? results : { ...results, bench: { ...results.bench, results: withWarningCodes(results.bench.results, source) } };
    }
    case BENCH_SCHEMA_V1:
    case BENCH_SCHEMA: {
      const bench = doc as BenchReport;
      return {
        schema: RESULTS_SCHEMA,
        version: bench.version,
        createdAt: bench.startedAt,
        machine: bench.machine,
        conformance: [],
        bench: { generator: bench.generator, results: withWarningCodes(bench.results, source), refused: bench.refused ?? [] },
        notes: [],
      };
    }
    case 'http-lab/conformance@1':
      return conformanceOnly([doc as ConformanceReport]);
    case 'http-lab/conformance-matrix@1':
      return conformanceOnly((doc as ConformanceMatrixReport).reports);
    default:
      throw new ModelError(
        `${source}: schema ${JSON.stringify(schema)} is not one http-lab report reads (${RESULTS_SCHEMA}, ${BENCH_SCHEMA}, ${BENCH_SCHEMA_V1}, http-lab/conformance@1, http-lab/conformance-matrix@1)`,
      );
  }
}

/** A bench result as stored: files written before warnings had codes hold each as its sentence. */
type StoredBenchResult = Omit<BenchResult, 'warnings'> & { warnings: Array<BenchWarning | string> };

function withWarningCodes(results: readonly StoredBenchResult[], source: string): BenchResult[] {
  return results.map(({ warnings, ...r }) => ({ ...resultFromV1(r), warnings: warnings.map((w) => (typeof w === 'string' ? codedWarning(w, source) : w)) }));
}

function codedWarning(sentence: string, source: string): BenchWarning {
  const warning = warningFromSentence(sentence);
  if (warning === undefined) throw new ModelError(`${source}: a warning http-lab never wrote: ${JSON.stringify(sentence)}`);
  return warning;
}

function conformanceOnly(reports: ConformanceReport[]): LabResults {
  return {
    schema: RESULTS_SCHEMA,
    version: '',
    createdAt: reports[0]?.startedAt ?? new Date(0).toISOString(),
    machine: { cpus: 0, cpuModel: 'unknown', node: '', kernel: '', platform: '' },
    conformance: reports,
    notes: [],
  };
}

/** Several models into one comparison. A target measured in more than one input keeps each
 * measurement, the later ones renamed "target #2", "target #3", ...; a machine that differs from
 * the first input's is noted, since figures from different machines do not compare. */
export function mergeResults(parts: ReadonlyArray<{ results: LabResults; source: string }>): LabResults {
  if (parts.length === 0) throw new ModelError('nothing to merge');
  const known = parts.find((p) => p.results.machine.cpus > 0) ?? parts[0]!;
  const merged: LabResults = {
    schema: RESULTS_SCHEMA,
    version: parts.find((p) => p.results.version !== '')?.results.version ?? '',
    createdAt: parts[0]!.results.createdAt,
    machine: known.results.machine,
    conformance: [],
    notes: [...new Set(parts.flatMap((p) => p.results.notes))],
  };
  const conformanceNames = new Map<string, number>();
  const benchNames = new Map<string, number>();
  const rename = (seen: Map<string, number>, key: string, name: string): string => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? name : `${name} #${n}`;
  };
  for (const { results, source } of parts) {
    const m = results.machine;
    if (m.cpus > 0 && parts.length > 1 && !sameMachine(m, known.results.machine)) {
      merged.notes.push(
        `${source} was measured on another machine (${machineLine(m)}; the first: ${machineLine(known.results.machine)}): its figures do not compare with the others`,
      );
    }
    for (const report of results.conformance) {
      merged.conformance.push({ ...report, target: rename(conformanceNames, report.target, report.target) });
    }
    if (results.bench) {
      merged.bench ??= { generator: results.bench.generator, results: [], refused: [] };
      for (const r of results.bench.results) {
        merged.bench.results.push({ ...r, target: rename(benchNames, `${r.target}\u0000${r.scenario}`, r.target) });
      }
      merged.bench.refused.push(...results.bench.refused);
    }
  }
  return merged;
}

/** The targets in the order first seen: conformance, then bench results, then targets refused
 * before load (one refused in every scenario has no result, and is still one that was run). */
export function targetsOf(results: LabResults): string[] {
  const names: string[] = [];
  for (const r of results.conformance) if (!names.includes(r.target)) names.push(r.target);
  for (const r of results.bench?.results ?? []) if (!names.includes(r.target)) names.push(r.target);
  for (const r of results.bench?.refused ?? []) if (!names.includes(r.target)) names.push(r.target);
  return names;
}

/** The scenarios in the order first seen. */
/** The scenarios measured, in order; a sweep's points are curves, not scenarios, and are left out. */
export function scenariosOf(results: LabResults): string[] {
  const names: string[] = [];
  for (const r of results.bench?.results ?? []) if (r.sweep === undefined && !names.includes(r.scenario)) names.push(r.scenario);
  return names;
}
