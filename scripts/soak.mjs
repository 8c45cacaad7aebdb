#!/usr/bin/env node
// npm run soak: does a server leak under a long steady load? For each target in turn: start it,
// drive autocannon at it for the whole run (loadtest/load.ts, with its workarounds), half keep-alive
// connections and half a new connection per request, while a probe checks the exact bytes of
// answers on its own connections, and sample the server's tree (the server and its children) once
// a second: RSS summed over the tree, fds summed over the tree. It reports, per target:
// - RSS drift: the median of the last window against the median of the first window after the
//   warm-up, in % (a JIT, heap or pool that is still growing during the warm-up is not a leak);
// - fd drift, the same way;
// - errors: autocannon's connection errors, timeouts and non-2xx answers, failed probes, and the
//   server's exit or a target that fails the check before the load.
// It exits 1 when a drift is above 5% or any error occurred, 2 on bad usage.
//
// Usage: npm run soak -- [--minutes N | --seconds N] [--target NAME... | --target all] [--out FILE]
// --out writes every sample and the figures as JSON.
// The run lasts 10 minutes per target by default (or SOAK_SECONDS). The default target is epoll
// alone: a soak is time under load, and 10 minutes split six ways would give each server too little
// to show a slow leak, while six at once would share 2 cores with the generator (and the poll
// server spins a core of its own). `--target all` soaks the six designs one after another, each
// for the full duration; the 10,000-connection fd test in npm test covers all six on every run.
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs as parseCliArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { exchange } from '../dist/conformance/client.js';
import { treeRssBytes } from '../dist/loadtest/resources.js';
import { runLoad } from '../dist/loadtest/load.js';
import { expectedBody, verifyTarget } from '../dist/loadtest/verify.js';
import { SERVER_NAMES, findServer } from '../dist/servers/catalogue.js';
import { spawnServer } from '../dist/targets/design-child.js';
import { gone, pageSize, processTree } from '../dist/system/proc.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const DOCROOT = join(ROOT, 'html');
const PATH = '/index.html';
const LIMIT_PCT = 5;
const SAMPLE_MS = 1000;
/**
 * The first 40% of the run is warm-up; the drift compares the next 20% with the last 20%. V8 changes
 * its memory regime once or twice early in a server's life, and each change is a step in RSS, not a
 * leak: here the epoll server's young generation doubled (+16 MiB, from 85 MiB) or its scavenges
 * began promoting objects that the next major collection freed (a sawtooth of 104 to 137 MiB, the
 * heap back to 11 MB after each), after 80 to 170 s of this load (1.7 to 3.6 million requests). In
 * the default 10-minute run that is inside the 4-minute warm-up; a much shorter run may report it as
 * drift. Windows this long also span several major collections (the async server's RSS swings by
 * about 20% between them), so their medians are levels, not phases of a sawtooth.
 */
const WARMUP_SHARE = 0.4;
const WINDOW_SHARE = 0.2;
/** autocannon runs in slices of this length, so a serial server can alternate the two kinds */
const SLICE_S = 10;
const KEEPALIVE = { name: 'keepalive', path: PATH, connections: 8, pipelining: 1, newConnectionPerRequest: false };
const NEW_CONNECTION = { name: 'close', path: PATH, connections: 8, pipelining: 1, newConnectionPerRequest: true };
const PROBE_EVERY_MS = 200;
/**
 * The thread and process servers' figures follow their pool's size: each child has its own RSS and
 * fds (and the parent a channel and a pipe per child), each Worker its own heap and event loop. The
 * pool grows with the load and retires idle extras, so with room to spare its size wanders with the
 * load's ups and downs (38 to 44 children here under these clients), and the tree's RSS by ±10% with
 * it. Capped below the 17 clients (8 + 8 + the probe), the pool stays at its cap for the whole run:
 * a drift is then a leak, not a pool that grew, and the cap and the backlog are soaked too.
 */
const POOL_CAP = 12;
const POOLED = new Set(['thread', 'process']);
const say = (line) => process.stderr.write(`soak: ${line}\n`);

function usage(why) {
  process.stderr.write(
    `soak: ${why}\nusage: npm run soak -- [--minutes N | --seconds N] [--target NAME... | --target all] [--out FILE]; targets: ${SERVER_NAMES.join(', ')}\n`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  let parsed;
  try {
    // `--target a b` names two targets: the words after the options are more targets.
    parsed = parseCliArgs({
      args: argv,
      options: { minutes: { type: 'string' }, seconds: { type: 'string' }, target: { type: 'string', multiple: true }, out: { type: 'string' } },
      allowPositionals: true,
    });
  } catch (err) {
    usage(err.message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 0 && values.target === undefined) usage(`unexpected argument ${positionals[0]}`);
  if (values.minutes !== undefined && values.seconds !== undefined) usage('give --minutes or --seconds, not both');
  const seconds =
    values.minutes !== undefined
      ? Number(values.minutes) * 60
      : values.seconds !== undefined
        ? Number(values.seconds)
        : process.env.SOAK_SECONDS !== undefined
          ? Number(process.env.SOAK_SECONDS)
          : 600;
  let targets = [...(values.target ?? ['epoll']), ...positionals].flatMap((t) => t.split(','));
  if (targets.includes('all')) targets = [...SERVER_NAMES];
  if (!(seconds >= 10)) usage('the run must last at least 10 seconds');
  const unknown = targets.filter((t) => !SERVER_NAMES.includes(t));
  if (targets.length === 0 || unknown.length > 0) usage(`unknown target ${unknown.join(', ') || '(none)'}`);
  return { seconds, targets, out: values.out };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** RSS and fds of the server's live tree. */
function sampleTree(pid) {
  const tree = processTree(pid).filter((p) => p.state !== 'Z');
  let fds = 0;
  for (const p of tree) {
    try {
      fds += readdirSync(`/proc/${p.pid}/fd`).length;
    } catch (err) {
      if (!gone(err)) throw err;
    }
  }
  return { rss: treeRssBytes(tree, pageSize()), fds, processes: tree.length };
}

/** One probe: a keep-alive GET, then a GET with Connection: close on the same connection; both must
 * be 200 with the file's exact bytes, and the server must then close. A reason, or null. */
async function probe(port, body) {
  const get = (extra) => `GET ${PATH} HTTP/1.1\r\nHost: soak\r\n${extra}\r\n`;
  const ex = await exchange(
    '127.0.0.1',
    port,
    { chunks: [get(''), get('Connection: close\r\n')], responses: 2, awaitEachResponse: true, awaitClose: true },
    { timeoutMs: 2 * SLICE_S * 1000, closeWaitMs: 2000 },
  );
  const finals = ex.responses.filter((r) => r.status >= 200);
  if (ex.timedOut) return 'probe timed out';
  if (ex.parseError) return `probe: unparsable answer (${ex.parseError})`;
  const bad = finals.findIndex((r) => r.status !== 200 || !r.body.equals(body));
  if (finals.length !== 2 || bad >= 0)
    return `probe: ${finals.map((r) => `${r.status} (${r.body.length} B)`).join(', ') || 'no answer'}, expected two 200s of ${body.length} B`;
  if (!ex.closed || ex.trailingGarbage.length > 0)
    return `probe: ${ex.closed ? `${ex.trailingGarbage.length} B after the answers` : 'not closed after Connection: close'}`;
  return null;
}

function addLoad(totals, kind, result) {
  totals.responses[kind] += result.responses;
  totals.errors.connection += result.errors;
  totals.errors.timeouts += result.timeouts;
  totals.errors.non2xx += result.non2xx;
}

async function soak(target, seconds, signal) {
  const server = await spawnServer(target, DOCROOT, POOLED.has(target) ? ['--max-workers', String(POOL_CAP)] : []);
  const url = new URL(server.url);
  const port = Number(url.port);
  const body = expectedBody(DOCROOT, PATH);
  const totals = {
    responses: { keepalive: 0, close: 0 },
    probes: 0,
    errors: { connection: 0, timeouts: 0, non2xx: 0, probes: 0, sampling: 0, exit: 0 },
    samples: [],
    failures: [],
  };
  try {
    await verifyTarget(url, body);
    const started = Date.now();
    const endAt = started + seconds * 1000;
    const sampler = setInterval(() => {
      try {
        totals.samples.push({ atS: (Date.now() - started) / 1000, ...sampleTree(server.pid) });
      } catch (err) {
        if (totals.errors.sampling++ === 0) totals.failures.push(`sampling: ${err.message}`);
      }
    }, SAMPLE_MS);
    const probing = (async () => {
      while (Date.now() < endAt && !signal.aborted) {
        const problem = await probe(port, body);
        totals.probes++;
        if (problem !== null) {
          totals.errors.probes++;
          if (totals.failures.length < 5) totals.failures.push(problem);
        }
        await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
      }
    })();
    const serial = findServer(target).serial;
    let nextReport = started;
    try {
      while (Date.now() < endAt - 500 && !signal.aborted) {
        const sliceS = Math.min(SLICE_S, (endAt - Date.now()) / 1000);
        // A serial server holds one connection at a time: the two kinds take turns, one client each.
        if (serial) {
          addLoad(totals, 'keepalive', await runLoad({ url, scenario: { ...KEEPALIVE, connections: 1 }, durationS: sliceS / 2, signal }));
          addLoad(totals, 'close', await runLoad({ url, scenario: { ...NEW_CONNECTION, connections: 1 }, durationS: sliceS / 2, signal }));
        } else {
          const [keepalive, close] = await Promise.all([KEEPALIVE, NEW_CONNECTION].map((scenario) => runLoad({ url, scenario, durationS: sliceS, signal })));
          addLoad(totals, 'keepalive', keepalive);
          addLoad(totals, 'close', close);
        }
        if (server.child.exitCode !== null || server.child.signalCode !== null) {
          totals.errors.exit = 1;
          totals.failures.push(`the server exited (${server.child.signalCode ?? `code ${server.child.exitCode}`})`);
          break;
        }
        if (Date.now() >= nextReport) {
          const last = totals.samples.at(-1);
          say(
            `${target}: ${Math.round((Date.now() - started) / 1000)} of ${seconds} s, ${(totals.responses.keepalive + totals.responses.close).toLocaleString('en')} responses, RSS ${last ? (last.rss / 2 ** 20).toFixed(1) : '?'} MiB, ${last?.fds ?? '?'} fds, ${errorCount(totals)} errors`,
          );
          nextReport += Math.max(30_000, (seconds * 1000) / 10);
        }
      }
    } finally {
      clearInterval(sampler);
      await probing;
    }
    totals.elapsedS = (Date.now() - started) / 1000;
    return totals;
  } finally {
    await server.stop();
  }
}

const errorCount = (t) => Object.values(t.errors).reduce((a, b) => a + b, 0);

/** The drift of `key` over the samples: last window against the first window after the warm-up. */
function drift(samples, elapsedS, key) {
  const warmupS = elapsedS * WARMUP_SHARE;
  const windowS = Math.max(3, elapsedS * WINDOW_SHARE);
  const first = samples.filter((s) => s.atS >= warmupS && s.atS < warmupS + windowS).map((s) => s[key]);
  const last = samples.filter((s) => s.atS >= elapsedS - windowS).map((s) => s[key]);
  if (first.length === 0 || last.length === 0) return undefined;
  const [a, b] = [median(first), median(last)];
  return { first: a, last: b, pct: ((b - a) / a) * 100, windowS };
}

const { seconds, targets, out } = parseArgs(process.argv.slice(2));
const controller = new AbortController();
process.once('SIGINT', () => {
  say('interrupted: stopping the load and reporting what ran');
  controller.abort();
});

say(
  `${targets.join(', ')}: ${seconds} s each; ${KEEPALIVE.connections} keep-alive and ${NEW_CONNECTION.connections} new-connection clients (one of each, in turn, on a serial server), a byte-exact probe every ${PROBE_EVERY_MS} ms; tree sampled every ${SAMPLE_MS / 1000} s`,
);
const lines = [];
const report = [];
let failed = false;
for (const target of targets) {
  if (controller.signal.aborted) break;
  let t;
  try {
    t = await soak(target, seconds, controller.signal);
  } catch (err) {
    // It did not start, or failed the check before the load (loadtest/verify.ts).
    failed = true;
    lines.push(`${target}: FAIL: ${err.message}`);
    continue;
  }
  const rss = drift(t.samples, t.elapsedS, 'rss');
  const fds = drift(t.samples, t.elapsedS, 'fds');
  const errors = errorCount(t);
  const ok = rss !== undefined && fds !== undefined && rss.pct <= LIMIT_PCT && fds.pct <= LIMIT_PCT && errors === 0;
  failed ||= !ok;
  report.push({
    target,
    ok,
    elapsedS: t.elapsedS,
    responses: t.responses,
    probes: t.probes,
    errors: t.errors,
    failures: t.failures,
    rssDrift: rss,
    fdDrift: fds,
    samples: t.samples,
  });
  const responses = t.responses.keepalive + t.responses.close;
  const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const signed = (pct) => `${pct >= 0 ? '+' : ''}${pct.toFixed(2)}%`;
  lines.push(
    `${target}: ${ok ? 'pass' : 'FAIL'} after ${t.elapsedS.toFixed(0)} s; ${responses.toLocaleString('en')} responses (${Math.round(responses / t.elapsedS).toLocaleString('en')}/s: ${t.responses.keepalive.toLocaleString('en')} keep-alive, ${t.responses.close.toLocaleString('en')} on new connections), ${t.probes} probes`,
    rss
      ? `  RSS drift ${signed(rss.pct)} (${mib(rss.first)} → ${mib(rss.last)}, medians of ${rss.windowS.toFixed(0)} s windows; limit +${LIMIT_PCT}%)`
      : '  RSS drift: too few samples',
    fds ? `  fd drift  ${signed(fds.pct)} (${fds.first} → ${fds.last}; limit +${LIMIT_PCT}%)` : '  fd drift: too few samples',
    `  errors ${errors} (${Object.entries(t.errors)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ')})${t.failures.length ? `: ${t.failures.join('; ')}` : ''}`,
  );
}
if (out !== undefined) writeFileSync(out, `${JSON.stringify({ seconds, limitPct: LIMIT_PCT, targets: report }, null, 1)}\n`);
process.stdout.write(`npm run soak: ${seconds} s per target, warm-up ${Math.round(WARMUP_SHARE * 100)}%\n${lines.join('\n')}\n`);
process.exit(controller.signal.aborted ? 130 : failed ? 1 : 0);
