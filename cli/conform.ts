// `http-lab conform`: runs the conformance catalogue against a built-in target (started here as a
// child process on an ephemeral port, and always stopped) or any --url.
import { writeFileSync } from 'node:fs';
import { catalogue } from '../conformance/checks/index.js';
import { buildReport, probe, runChecks } from '../conformance/runner.js';
import { renderConformanceJson, renderConformanceText } from '../reports/conformance-text.js';
import { findServer, spawnServer, type RunningServer } from '../servers/registry.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './errors.js';
import { onInterrupt } from './lifecycle.js';
import { bundledDocroot } from './paths.js';

export interface ConformArgs {
  target?: string;
  url?: string;
  format: 'text' | 'json';
  out?: string;
  timeout: number;
  concurrency?: number;
  strict: boolean;
  verbose: boolean;
  color: boolean;
}

export async function conform(args: ConformArgs): Promise<number> {
  let server: RunningServer | undefined;
  const stopServer = async (): Promise<void> => {
    await server?.stop();
  };
  const removeInterruptHandler = onInterrupt(stopServer);
  try {
    let url: URL;
    let label: string;
    let serial = false;
    if (args.target !== undefined) {
      const design = findServer(args.target);
      if (design === undefined) throw new UsageError(`unknown target "${args.target}"`);
      try {
        server = await spawnServer(args.target, bundledDocroot());
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      url = new URL(server.url);
      label = args.target;
      serial = design.serial;
    } else {
      url = parseUrl(args.url!);
      label = url.origin;
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || 80);
    try {
      await probe(host, port, Math.min(args.timeout, 5000));
    } catch (err) {
      throw new UsageError(`${label} is unreachable: ${(err as Error).message}`);
    }
    const startedAt = new Date();
    const results = await runChecks(catalogue, { host, port }, {
      timeoutMs: args.timeout,
      concurrency: args.concurrency ?? (serial ? 1 : 8),
      strict: args.strict,
      ...(server ? { pid: server.pid, design: args.target } : {}),
    });
    const report = buildReport(label, url.origin, results, startedAt.toISOString(), Date.now() - startedAt.getTime());
    const rendered = args.format === 'json' ? renderConformanceJson(report) : renderConformanceText(report, { verbose: args.verbose, color: args.color && args.out === undefined });
    if (args.out !== undefined) {
      writeFileSync(args.out, rendered);
      process.stderr.write(`wrote ${args.out}: ${report.summary.pass}/${report.summary.total} pass, ${report.summary.fail} fail\n`);
    } else {
      process.stdout.write(rendered);
    }
    return report.summary.fail > 0 ? EXIT_FAILED : EXIT_OK;
  } finally {
    removeInterruptHandler();
    await stopServer();
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url ${raw} is not a URL`);
  }
  if (url.protocol !== 'http:') throw new UsageError(`--url must be http:// (got ${url.protocol})`);
  return url;
}
