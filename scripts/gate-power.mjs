#!/usr/bin/env node
// npm run gate:power: how often the gate cries wolf, and how often it catches a real regression,
// measured on this machine. It writes one baseline of the epoll server, then alternates TRIALS A/A
// comparisons (a fresh, unchanged server) with TRIALS comparisons against a fresh server made
// slower with `serve --handicap-us` (about 20% fewer rps here), each gated as a CI job would:
// `http-lab gate --baseline`. It prints the false-alarm and detection counts twice: as the gate
// judged (every metric), and as it would judge a server whose process it cannot see (a container,
// another machine: no pid, so no CPU per request and no RSS), from the same runs, where only
// throughput and latency count.
//
// Environment: GATE_POWER_TRIALS (20), GATE_POWER_HANDICAP_US (6), GATE_POWER_OUT (a JSON file of
// every trial). Servers are started here, on one port (the baseline names its URL), and stopped by
// their pid.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
/** The metrics read from the server's process (/proc): gone where the gate cannot see it. */
const PROCESS_METRICS = ['cpu', 'rss'];
const TRIALS = Number(process.env.GATE_POWER_TRIALS ?? 20);
const HANDICAP_US = Number(process.env.GATE_POWER_HANDICAP_US ?? 6);
if (!(TRIALS >= 1) || !(HANDICAP_US > 0)) {
  process.stderr.write('gate:power: GATE_POWER_TRIALS must be at least 1 and GATE_POWER_HANDICAP_US above 0\n');
  process.exit(2);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** `http-lab serve --target epoll` on `port`, dying with this script; resolves once it listens. */
function startServer(port, handicapUs) {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--target', 'epoll', '--port', String(port), '--parent-pid', String(process.pid), '--handicap-us', String(handicapUs)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start within 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    child.stdout.once('data', () => {
      clearTimeout(timer);
      resolve(child);
    });
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function gate(args) {
  const r = spawnSync(process.execPath, [CLI, 'gate', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'http-lab-gate-power-'));
const baselineFile = join(dir, 'baseline.json');
const port = await freePort();
const url = `http://127.0.0.1:${port}/`;
const started = Date.now();
try {
  process.stderr.write(`gate:power: baseline of the epoll server at ${url} (the gate's default settings)\n`);
  let server = await startServer(port, 0);
  const made = gate(['--update-baseline', baselineFile, '--url', url]);
  await stopServer(server);
  if (made.code !== 0) throw new Error(`gate --update-baseline failed (${made.code}): ${made.stderr.trim().split('\n').pop()}`);
  const floor = JSON.parse(readFileSync(baselineFile, 'utf8')).noiseFloor;

  const trials = [];
  for (let i = 1; i <= TRIALS; i++) {
    for (const handicapUs of [0, HANDICAP_US]) {
      server = await startServer(port, handicapUs);
      const r = gate(['--baseline', baselineFile, '--format', 'json']);
      await stopServer(server);
      if (r.code !== 0 && r.code !== 1) throw new Error(`gate exited ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
      const report = JSON.parse(r.stdout);
      const rps = report.comparisons.find((c) => c.metric === 'rps');
      const cpu = report.comparisons.find((c) => c.metric === 'cpu');
      const p50 = report.comparisons.find((c) => c.metric === 'p50');
      const regressed = report.comparisons.filter((c) => c.verdict === 'regression').map((c) => c.metric);
      // A conformance regression would alarm either way; the servers here are identical in that.
      const unseenAlarm = report.conformance.length > 0 || regressed.some((m) => !PROCESS_METRICS.includes(m));
      const trial = {
        kind: handicapUs === 0 ? 'A/A' : 'handicapped',
        handicapUs,
        alarm: r.code === 1,
        unseenAlarm,
        regressed,
        rpsChange: rps.change,
        rpsInterval: [rps.low, rps.high],
        cpuChange: cpu?.change,
        p50Change: p50?.change,
        conformance: report.conformance.length,
      };
      trials.push(trial);
      process.stderr.write(
        `gate:power: ${String(i).padStart(2)}/${TRIALS} ${trial.kind.padEnd(11)} ${trial.alarm ? 'ALARM' : 'quiet'}  rps ${(rps.change * 100).toFixed(1)}% [${(rps.low * 100).toFixed(1)}, ${(rps.high * 100).toFixed(1)}]  CPU/request ${cpu ? `${(cpu.change * 100).toFixed(1)}%` : '?'}${regressed.length ? `  regressed: ${regressed.join(', ')}` : ''}\n`,
      );
    }
  }
  const aa = trials.filter((t) => t.kind === 'A/A');
  const slow = trials.filter((t) => t.kind === 'handicapped');
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = {
    trials: TRIALS,
    handicapUs: HANDICAP_US,
    falseAlarms: aa.filter((t) => t.alarm).length,
    detections: slow.filter((t) => t.alarm).length,
    falseAlarmsUnseen: aa.filter((t) => t.unseenAlarm).length,
    detectionsUnseen: slow.filter((t) => t.unseenAlarm).length,
    medianRpsChangeAA: median(aa.map((t) => t.rpsChange)),
    medianRpsChangeHandicapped: median(slow.map((t) => t.rpsChange)),
    medianCpuChangeAA: median(aa.map((t) => t.cpuChange ?? 0)),
    medianCpuChangeHandicapped: median(slow.map((t) => t.cpuChange ?? 0)),
    medianP50ChangeAA: median(aa.map((t) => t.p50Change ?? 0)),
    medianP50ChangeHandicapped: median(slow.map((t) => t.p50Change ?? 0)),
    noiseFloor: floor,
    minutes: (Date.now() - started) / 60000,
  };
  if (process.env.GATE_POWER_OUT) writeFileSync(process.env.GATE_POWER_OUT, `${JSON.stringify({ summary, trials }, null, 2)}\n`);
  const pct = (x) => `${(x * 100).toFixed(1)}%`;
  process.stdout.write(
    [
      `gate:power on ${url}: ${TRIALS} A/A comparisons and ${TRIALS} against a server handicapped by ${HANDICAP_US} µs per request`,
      `  false alarms: ${summary.falseAlarms}/${TRIALS} (goal: at most 1)`,
      `  detections:   ${summary.detections}/${TRIALS} (goal: at least 19)`,
      `  without the server's process (throughput and latency only): false alarms ${summary.falseAlarmsUnseen}/${TRIALS}, detections ${summary.detectionsUnseen}/${TRIALS}`,
      `  median rps change: A/A ${pct(summary.medianRpsChangeAA)}, handicapped ${pct(summary.medianRpsChangeHandicapped)}`,
      `  median CPU-per-request change: A/A ${pct(summary.medianCpuChangeAA)}, handicapped ${pct(summary.medianCpuChangeHandicapped)}`,
      `  median p50 change: A/A ${pct(summary.medianP50ChangeAA)}, handicapped ${pct(summary.medianP50ChangeHandicapped)}`,
      `  noise floor of the baseline: rps ±${pct(floor.rps)}, CPU/request ±${pct(floor.cpu ?? 0)}, p50 ±${pct(floor.p50)}, p99 ±${pct(floor.p99)}, RSS ±${pct(floor.rss)}`,
      `  ${summary.minutes.toFixed(1)} minutes`,
      '',
    ].join('\n'),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
