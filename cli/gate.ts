// `http-lab gate`: the gate run by the API (api/gate.ts), its progress on stderr; the verdict on
// stdout or --out (and $GITHUB_STEP_SUMMARY when set), exit 1 on a regression; the baseline written,
// said on stderr; or the calibration printed.
import { appendFileSync, writeFileSync } from 'node:fs';
import { floorLine, gate as runGate, type GateOptions } from '../api/gate.js';
import type { GateReport } from '../ci/model.js';
import { renderCalibrationText, renderGateMarkdown, renderGateText } from '../reports/gate.js';
import { EXIT_FAILED, EXIT_OK } from './errors.js';

export interface GateArgs extends GateOptions {
  format: 'text' | 'json' | 'markdown';
  out?: string;
  color: boolean;
}

export async function gate(args: GateArgs): Promise<number> {
  const { format, out, color, ...options } = args;
  const say = (line: string): void => void process.stderr.write(`gate: ${line}\n`);
  if (options.updateBaseline !== undefined) {
    const baseline = await runGate({ ...options, updateBaseline: options.updateBaseline, log: say });
    say(`wrote ${options.updateBaseline}: ${baseline.sessions} sessions × ${baseline.settings.runs} runs; noise floor ${floorLine(baseline.noiseFloor)}`);
    return EXIT_OK;
  }
  if (options.calibrate === true) {
    const doc = await runGate({ ...options, calibrate: true, log: say });
    write(format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : renderCalibrationText(doc), out);
    return EXIT_OK;
  }
  const report = await runGate({ ...options, baseline: options.baseline!, log: say });
  emit(report, format, out, color);
  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) {
    appendFileSync(summaryFile, renderGateMarkdown(report));
    say(`appended the verdict to $GITHUB_STEP_SUMMARY (${summaryFile})`);
  }
  return report.verdict === 'pass' ? EXIT_OK : EXIT_FAILED;
}

function emit(report: GateReport, format: GateArgs['format'], out: string | undefined, color: boolean): void {
  const rendered =
    format === 'json'
      ? `${JSON.stringify(report, null, 2)}\n`
      : format === 'markdown'
        ? renderGateMarkdown(report)
        : renderGateText(report, { color: color && out === undefined });
  write(rendered, out);
}

function write(rendered: string, out: string | undefined): void {
  if (out !== undefined) {
    writeFileSync(out, rendered);
    process.stderr.write(`wrote ${out}\n`);
  } else {
    process.stdout.write(rendered);
  }
}
