// The import directions of DESIGN.md are enforced by dependency-cruiser (.dependency-cruiser.cjs, run
// by `npm run check`). This proves the rules bite: a small tree that breaks each of them once, beside
// the imports each rule allows, must give exactly the expected violations, no more and no fewer.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../system/package.js';

const ROOT = packageRoot();

/** Each file of the sample tree and what it imports; the comments say which rule each line tests. */
const TREE: Record<string, string> = {
  'servers/core/dates.ts': "import { statSync } from 'node:fs';\nexport const dates = statSync;", // core-is-sans-io
  'servers/core/parser.ts': "import { dates } from './dates.js';\nexport const parser = dates;", // allowed: core to core
  'servers/core/parser.test.ts': "import { readFileSync } from 'node:fs';\nimport { parser } from './parser.js';\nexport const t = [readFileSync, parser];", // allowed: a test
  'servers/io/site.ts': "import { readFileSync } from 'node:fs';\nimport { parser } from '../core/parser.js';\nexport const site = [readFileSync, parser];", // allowed
  'servers/poll/server.ts': "import { site } from '../io/site.js';\nexport const poll = site;", // allowed: a design uses io
  'servers/epoll/server.ts': "import { poll } from '../poll/server.js';\nexport const epoll = poll;", // designs-are-independent
  'servers/thread/server.ts': "import { flags } from '../../cli/flags.js';\nexport const thread = flags;", // servers→cli, nothing-imports-cli
  'servers/async/server.ts': "import { start } from '../../targets/start.js';\nexport const run = start;", // servers→targets
  'targets/start.ts': "import { epoll } from '../servers/epoll/server.js';\nexport const start = epoll;", // allowed
  'cli/flags.ts': "import { start } from '../targets/start.js';\nexport const flags = start;", // allowed: cli composes
  'conformance/runner.ts': "import { parser } from '../servers/core/parser.js';\nexport const runner = parser;", // instruments-talk-over-tcp
  'loadtest/types.ts': 'export interface BenchResult { rps: number }',
  'loadtest/load.ts': "import type { BenchResult } from './types.js';\nexport const load = (r: BenchResult): number => r.rps;",
  'reports/html.ts':
    "import type { BenchResult } from '../loadtest/types.js';\nimport { load } from '../loadtest/load.js';\nexport const html = (r: BenchResult): number => load(r);", // reports-render-the-model (types allowed)
  'ci/a.ts': "import { b } from './b.js';\nexport const a = (): number => b();", // no-circular
  'ci/b.ts': "import { a } from './a.js';\nexport const b = (): number => a();",
  'ci/gate.ts': "import { missing } from './missing.js';\nexport const gate = missing;", // not-to-unresolvable
};

const EXPECTED = [
  'core-is-sans-io: servers/core/dates.ts → fs',
  'designs-are-independent: servers/epoll/server.ts → servers/poll/server.ts',
  'servers-know-not-how-they-are-started: servers/thread/server.ts → cli/flags.ts',
  'nothing-imports-cli: servers/thread/server.ts → cli/flags.ts',
  'servers-know-not-how-they-are-started: servers/async/server.ts → targets/start.ts',
  'instruments-talk-over-tcp: conformance/runner.ts → servers/core/parser.ts',
  'reports-render-the-model: reports/html.ts → loadtest/load.ts',
  'no-circular: ci/a.ts → ci/b.ts', // a cycle is named once, from its first module
  'not-to-unresolvable: ci/gate.ts → ./missing.js',
];

interface Cruise {
  summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> };
}

describe('import directions (dependency-cruiser)', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'http-lab-imports-'));
    for (const [path, text] of Object.entries(TREE)) {
      mkdirSync(join(dir, dirname(path)), { recursive: true });
      writeFileSync(join(dir, path), `${text}\n`);
    }
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** dependency-cruiser on the sample tree with the repository's own rules, writing `outputType`. */
  const cruise = (outputType: string): SpawnSyncReturns<string> =>
    spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'),
        '--config',
        join(ROOT, '.dependency-cruiser.cjs'),
        '--output-type',
        outputType,
        'servers',
        'targets',
        'cli',
        'conformance',
        'loadtest',
        'reports',
        'ci',
      ],
      { cwd: dir, encoding: 'utf8', timeout: 120_000 },
    );

  it('a tree that breaks each rule once gives exactly those violations, and none for what the rules allow', () => {
    const json = cruise('json');
    assert.equal(json.status, 0, json.stderr);
    const { summary } = JSON.parse(json.stdout) as Cruise;
    const found = summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    assert.deepEqual(found.sort(), [...EXPECTED].sort());
  });

  it('fails as `npm run check` runs it: exit status = the number of violations, each named on stdout', () => {
    const err = cruise('err');
    assert.equal(err.status, EXPECTED.length, err.stderr);
    assert.match(err.stdout, /error core-is-sans-io: servers\/core\/dates\.ts → fs/);
    assert.match(err.stdout, /x 9 dependency violations \(9 errors, 0 warnings\)/);
  });
});
