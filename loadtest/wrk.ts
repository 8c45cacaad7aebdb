// The optional second engine: wrk (Debian's `wrk`), when it is installed. It costs about 6.5 µs of
// CPU per request against autocannon's 11 (DESIGN.md), so it saturates a fast server where
// autocannon saturates itself. One wrk thread, driven by a Lua script that pipelines where the
// scenario does and prints wrk's own figures (latency in µs, errors by kind) as one JSON line.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reapedChildrenCpuMs } from '../system/proc.js';
import type { LoadOptions, LoadResult } from './load.js';
import { RESPONSE_TIMEOUT_S } from './scenarios.js';

export interface WrkProgram {
  path: string;
  version: string;
}

/** wrk on PATH, or undefined. */
export function findWrk(): WrkProgram | undefined {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8', timeout: 5000 });
  if (r.error !== undefined) return undefined;
  const version = /wrk\s+(\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown';
  return { path: 'wrk', version };
}

const SCRIPT = (pipelining: number, close: boolean): string => `
${close ? 'wrk.headers["Connection"] = "close"' : ''}
local batch
init = function(args)
  local one = wrk.format(nil, wrk.path)
  batch = string.rep(one, ${pipelining})
end
request = function() return batch end
done = function(summary, latency, requests)
  io.write(string.format('HTTPLAB {"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"mean":%.2f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}\\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end
`;

interface WrkFigures {
  requests: number;
  durationUs: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  mean: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
}

export interface WrkLoadOptions extends LoadOptions {
  program: WrkProgram;
  /** run wrk on these CPUs only (taskset -c), so that it does not share a core with the server */
  cpus?: string;
}

/** One period of load with wrk. wrk's durations are whole seconds: the period is rounded up to
 * one. The generator's CPU is wrk's own, read from this process's reaped-children time. */
export function runWrk(options: WrkLoadOptions): Promise<LoadResult & { generatorCpuMs: number }> {
  const { scenario } = options;
  const dir = mkdtempSync(join(tmpdir(), 'http-lab-wrk-'));
  const script = join(dir, 'load.lua');
  writeFileSync(script, SCRIPT(scenario.pipelining, scenario.newConnectionPerRequest));
  const seconds = Math.max(1, Math.round(options.durationS));
  const args = [
    '-t1',
    `-c${scenario.connections}`,
    `-d${seconds}s`,
    `--timeout`,
    `${RESPONSE_TIMEOUT_S}s`,
    '-s',
    script,
    new URL(scenario.path, options.url).href,
  ];
  const [file, argv] = options.cpus !== undefined ? ['taskset', ['-c', options.cpus, options.program.path, ...args]] : [options.program.path, args];
  const before = reapedChildrenCpuMs();
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const stop = (): void => void child.kill('SIGINT');
    options.signal?.addEventListener('abort', stop, { once: true });
    const ticker = setInterval(() => options.onTick?.(0), 1000);
    child.once('error', (e) => {
      clearInterval(ticker);
      rmSync(dir, { recursive: true, force: true });
      reject(e);
    });
    child.once('close', (code) => {
      clearInterval(ticker);
      options.signal?.removeEventListener('abort', stop);
      rmSync(dir, { recursive: true, force: true });
      const line = /^HTTPLAB (\{.*\})$/m.exec(out)?.[1];
      if (line === undefined) {
        reject(new Error(`wrk exited ${code} without figures: ${(err || out).trim().split('\n').pop() ?? ''}`));
        return;
      }
      const f = JSON.parse(line) as WrkFigures;
      // wrk counts a request; with pipelining every request of a batch is answered and counted
      const elapsedS = f.durationUs / 1e6;
      resolve({
        responses: f.requests,
        elapsedS,
        latencyUs: { mean: Math.round(f.mean * 10) / 10, p50: f.p50, p90: f.p90, p99: f.p99, p999: f.p999, max: f.max },
        errors: f.connect + f.read + f.write,
        timeouts: f.timeout,
        non2xx: f.status,
        // wrk reports totals only: no timeline, and so no stall warning, for its runs
        timeline: [],
        generatorCpuMs: reapedChildrenCpuMs() - before,
      });
    });
  });
}
