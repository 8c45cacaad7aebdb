// The programmatic API, `import { conform, bench, gate } from 'http-lab'`: the same options as the
// CLI's flags (camelCase) and the same JSON documents it writes with --format json. Nothing is
// printed and no exit code is set; bad options or an unreachable target throw HttpLabUsageError, a
// target that dies under load HttpLabMeasuredFailure. A server that fails conformance, or a
// regression, is not an error: the document says so.
export { conform, listChecks, type ConformOptions } from './conform.js';
export { bench, type BenchOptions } from './bench.js';
export { gate, GATE_DEFAULTS, type Calibration, type GateOptions } from './gate.js';
export { HttpLabMeasuredFailure, HttpLabUsageError } from './errors.js';
export type { RequestOptions } from './validate.js';
export type { LevelFilter } from '../conformance/selection.js';
export type {
  CatalogueEntry,
  CatalogueListing,
  CheckResult,
  ConformanceMatrixReport,
  ConformanceReport,
  ConformanceSummary,
  Level,
  Outcome,
  TargetProfile,
} from '../conformance/types.js';
export type { BenchReport, BenchResult, BenchRun, BenchSpread, BenchWarning, LatencyUs, MachineDescription, Refusal } from '../loadtest/types.js';
export type { Baseline, ConformanceRegression, GateReport, GateSettings, MetricComparison, SampleSet } from '../ci/model.js';
