#!/usr/bin/env node
// npm run matrix: the whole conformance catalogue against the servers people run (the peers: stock
// Debian nginx, Apache, lighttpd, h2o, Caddy, a plain static server on Node's http, Python's
// http.server) and the six built-in designs, one at a time, each started on the bundled docroot on
// an ephemeral port of 127.0.0.1 and stopped after. Writes, from that one run:
// - docs/conformance-matrix.md and docs/conformance-matrix.html: root causes × servers, the RFC
//   sentence each required failure breaks, a summary per server (reports/cause-matrix.ts);
// - docs/conformance-matrix.json: the http-lab/conformance-matrix@1 document they were made from.
// A peer whose program is missing is left out, said so on stderr and in the page.
// Environment: MATRIX_TARGETS (space-separated) to run fewer; MATRIX_OUT (docs) for another folder.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const { conform } = await import(join(ROOT, 'dist', 'api', 'index.js'));
const { PEERS } = await import(join(ROOT, 'dist', 'targets', 'peers.js'));
const { SERVERS } = await import(join(ROOT, 'dist', 'servers', 'catalogue.js'));
const { renderCauseMatrixHtml, renderCauseMatrixMarkdown } = await import(join(ROOT, 'dist', 'reports', 'cause-matrix.js'));
const { matrixDocument } = await import(join(ROOT, 'dist', 'reports', 'conformance-matrix.js'));

const say = (line) => process.stderr.write(`matrix: ${line}\n`);
const PEER_ORDER = ['nginx', 'apache', 'lighttpd', 'h2o', 'caddy', 'node-static', 'python'];
const targets = process.env.MATRIX_TARGETS?.split(/\s+/).filter(Boolean) ?? [...PEER_ORDER, ...SERVERS.map((s) => s.name)];
const out = process.env.MATRIX_OUT ?? join(ROOT, 'docs');

/** The version a peer's program reports, for the page: "nginx/1.22.1". */
function versionOf(name) {
  const probes = {
    nginx: ['nginx', ['-v'], /nginx\/[\d.]+/],
    apache: ['apache2', ['-v'], /Apache\/[\d.]+/],
    lighttpd: ['lighttpd', ['-v'], /lighttpd\/[\d.]+/],
    h2o: ['h2o', ['--version'], /h2o version [\d.]+/],
    caddy: ['caddy', ['version'], /v[\d.]+/],
    'node-static': [process.execPath, ['--version'], /v[\d.]+/],
    python: ['python3', ['--version'], /Python [\d.]+/],
  };
  const probe = probes[name];
  if (probe === undefined) return undefined;
  const r = spawnSync(probe[0], probe[1], { encoding: 'utf8', timeout: 5000, env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin` } });
  return probe[2].exec(`${r.stdout ?? ''}${r.stderr ?? ''}`)?.[0];
}

const reports = [];
const missing = [];
const descriptions = new Map();
for (const target of targets) {
  const peer = PEERS.find((p) => p.name === target);
  const design = SERVERS.find((s) => s.name === target);
  const version = peer ? versionOf(target) : undefined;
  descriptions.set(target, peer ? `${version ?? target}: ${peer.summary}` : `http-lab's ${target} design: ${design?.summary ?? ''}`);
  const started = Date.now();
  try {
    const report = await conform({ targets: [target] });
    reports.push(report);
    const s = report.summary;
    say(
      `${target}: ${s.fail} required failures in ${s.failedCauses.length} root causes, ${s.warn} warnings, ${s.skip} skipped, ${s.error} errors (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  } catch (err) {
    // A peer that is not installed (or cannot start here) is left out, with the reason.
    if (err?.name !== 'HttpLabUsageError') throw err;
    missing.push(`${target} (${err.message})`);
    say(`${target}: left out: ${err.message}`);
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Linux ${release()}, Node ${process.version}`;
const provenance =
  `Made by \`npm run matrix\` on ${new Date().toISOString().slice(0, 10)} (${machine}). Each server was started on the bundled docroot ` +
  "with its Debian package's stock configuration, changed only to point at the port and the docroot." +
  (missing.length > 0 ? ` Left out: ${missing.join('; ')}.` : '');
const options = { provenance, describe: (t) => descriptions.get(t) };
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'conformance-matrix.md'), `${renderCauseMatrixMarkdown(reports, options)}\n`);
writeFileSync(join(out, 'conformance-matrix.html'), renderCauseMatrixHtml(reports, options));
writeFileSync(join(out, 'conformance-matrix.json'), `${JSON.stringify(matrixDocument(reports), null, 2)}\n`);
say(`wrote ${join(out, 'conformance-matrix.md')}, .html and .json`);
