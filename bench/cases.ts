// The benchmark cases: what each one times, and the check that must pass before it is timed, so a
// broken case (a parser that fails early, a resolver that misses its cache) cannot report a figure.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FieldList } from '../servers/core/headers.js';
import { StaticFiles, type FileAccess, type FileEntry } from '../servers/core/static-files.js';
import { nodeFileAccess } from '../servers/io/node-file-access.js';
import { createSite } from '../servers/io/site.js';
import { CoreRequestParser } from './core-parser.js';
import { BROWSER_GET_HEADERS, BROWSER_GET_METHOD, BROWSER_GET_TARGET, PIPELINE_DEPTH, browserGet, pipelinedGets } from './fixtures.js';
import { LlhttpRequestParser, loadLlhttp } from './llhttp.js';

export interface Case {
  id: string;
  name: string;
  /** HTTP requests handled by one operation (for the per-request figure) */
  requestsPerOp: number;
  /** Throws unless one operation does the work it claims to. */
  check(): void;
  /** Runs the operation `times` times. Each case has its own loop, so that the call inside stays
   * monomorphic and can be inlined, instead of one shared loop calling five different functions. */
  run(times: number): void;
}

/** "core ÷ baseline" in ops/s: above 1 the core is faster. */
export interface Pair {
  id: string;
  name: string;
  subject: string;
  baseline: string;
}

export interface Suite {
  cases: Case[];
  pairs: Pair[];
  /** how llhttp was reached */
  llhttpVia: string;
  /** file system calls the resolver has made so far (a cache hit makes none) */
  resolverFsCalls(): number;
}

/** Keeps results observable, so the optimiser cannot drop the work that produced them. */
export let sink: unknown;

interface ParsedHead {
  method: string;
  target: string;
  version: string;
  headers: FieldList;
}

function assertBrowserGet(side: string, head: ParsedHead | null): void {
  assert.ok(head !== null, `${side}: no request parsed`);
  assert.equal(head.method, BROWSER_GET_METHOD, `${side}: method`);
  assert.equal(head.target, BROWSER_GET_TARGET, `${side}: target`);
  assert.equal(head.version, 'HTTP/1.1', `${side}: version`);
  assert.equal(head.headers.size, BROWSER_GET_HEADERS.length, `${side}: header count`);
  assert.deepEqual(
    head.headers.names.map((name, i) => [name, head.headers.values[i]]),
    BROWSER_GET_HEADERS.map(([name, value]) => [name.toLowerCase(), value]),
    `${side}: header fields`,
  );
}

export function buildSuite(docroot: string): Suite {
  const llhttp = loadLlhttp();
  const one = browserGet();
  const batch = pipelinedGets(PIPELINE_DEPTH);

  const core = new CoreRequestParser();
  const node = new LlhttpRequestParser(llhttp);
  const coreBatch = new CoreRequestParser();
  const nodeBatch = new LlhttpRequestParser(llhttp);

  // The real file system, counted, behind the resolver; the real clock, as servers/io/site.ts uses.
  let fsCalls = 0;
  const counted: FileAccess = {
    stat: (path) => (fsCalls++, nodeFileAccess.stat(path)),
    realpath: (path) => (fsCalls++, nodeFileAccess.realpath(path)),
    read: (path, start, length) => (fsCalls++, nodeFileAccess.read(path, start, length)),
  };
  const root = resolve(docroot);
  const files = new StaticFiles({ docroot: root, files: counted, clock: Date.now });
  let warmEntry: FileEntry | null = null;
  // One keep-alive connection of the site every server runs: what a server's CPU does per request
  // between its recv and its send.
  const connection = createSite(root).connection();
  const indexHtml = readFileSync(join(root, 'index.html'));
  const answer = (): Uint8Array[] => {
    connection.receive(one);
    return connection.takeOutput().chunks;
  };

  const cases: Case[] = [
    {
      id: 'parse-get.core',
      name: 'parse browser GET: core',
      requestsPerOp: 1,
      check() {
        assert.equal(core.parse(one), 1, 'core: requests in one GET');
        assertBrowserGet('core', core.last);
      },
      run(times) {
        for (let i = 0; i < times; i++) if (core.parse(one) !== 1) throw new Error('core: GET not parsed');
        sink = core.last;
      },
    },
    {
      id: 'parse-get.llhttp',
      name: 'parse browser GET: llhttp',
      requestsPerOp: 1,
      check() {
        assert.equal(node.parse(one), 1, 'llhttp: requests in one GET');
        assertBrowserGet('llhttp', node.last);
      },
      run(times) {
        for (let i = 0; i < times; i++) if (node.parse(one) !== 1) throw new Error('llhttp: GET not parsed');
        sink = node.last;
      },
    },
    {
      id: 'parse-pipelined.core',
      name: `parse ${PIPELINE_DEPTH} pipelined GETs: core`,
      requestsPerOp: PIPELINE_DEPTH,
      check() {
        assert.equal(coreBatch.parse(batch), PIPELINE_DEPTH, 'core: requests in the pipelined batch');
        assertBrowserGet('core (pipelined)', coreBatch.last);
      },
      run(times) {
        for (let i = 0; i < times; i++) {
          if (coreBatch.parse(batch) !== PIPELINE_DEPTH) throw new Error('core: batch not parsed');
        }
        sink = coreBatch.last;
      },
    },
    {
      id: 'parse-pipelined.llhttp',
      name: `parse ${PIPELINE_DEPTH} pipelined GETs: llhttp`,
      requestsPerOp: PIPELINE_DEPTH,
      check() {
        assert.equal(nodeBatch.parse(batch), PIPELINE_DEPTH, 'llhttp: requests in the pipelined batch');
        assertBrowserGet('llhttp (pipelined)', nodeBatch.last);
      },
      run(times) {
        for (let i = 0; i < times; i++) {
          if (nodeBatch.parse(batch) !== PIPELINE_DEPTH) throw new Error('llhttp: batch not parsed');
        }
        sink = nodeBatch.last;
      },
    },
    {
      id: 'resolve-hit',
      name: 'resolve /index.html (cache hit)',
      requestsPerOp: 1,
      check() {
        // The first resolve is the miss that fills the cache; the second must be a hit.
        const first = files.resolve(BROWSER_GET_TARGET);
        assert.equal(first.kind, 'file', 'resolver: /index.html is a file');
        const entry = first;
        assert.ok(entry.content !== null, 'resolver: /index.html is small enough to be cached');
        assert.deepEqual(Buffer.from(entry.content), readFileSync(join(root, 'index.html')), 'resolver: cached content');
        const before = fsCalls;
        assert.equal(files.resolve(BROWSER_GET_TARGET), entry, 'resolver: the second resolve returns the cached entry');
        assert.equal(fsCalls, before, 'resolver: a cache hit makes no file system call');
        warmEntry = entry;
      },
      run(times) {
        // Identity, not just kind: anything but the warm entry means the cache was bypassed.
        for (let i = 0; i < times; i++) if (files.resolve(BROWSER_GET_TARGET) !== warmEntry) throw new Error('resolver: not a cache hit');
        sink = warmEntry;
      },
    },
    {
      id: 'answer-get',
      name: 'answer browser GET /index.html',
      requestsPerOp: 1,
      check() {
        const chunks = answer();
        assert.equal(chunks.length, 1, 'connection: the response is one buffer, for one send');
        const bytes = Buffer.from(chunks[0]!);
        assert.match(bytes.toString('latin1'), /^HTTP\/1\.1 200 OK\r\n/, 'connection: status line');
        assert.ok(bytes.subarray(bytes.length - indexHtml.length).equals(indexHtml), 'connection: ends with index.html');
      },
      run(times) {
        let chunks: Uint8Array[] = [];
        for (let i = 0; i < times; i++) chunks = answer();
        if (chunks.length !== 1) throw new Error('connection: GET not answered');
        sink = chunks;
      },
    },
  ];

  const pairs: Pair[] = [
    { id: 'parse-get', name: 'browser GET', subject: 'parse-get.core', baseline: 'parse-get.llhttp' },
    { id: 'parse-pipelined', name: `${PIPELINE_DEPTH} pipelined GETs`, subject: 'parse-pipelined.core', baseline: 'parse-pipelined.llhttp' },
  ];

  return { cases, pairs, llhttpVia: llhttp.via, resolverFsCalls: () => fsCalls };
}
