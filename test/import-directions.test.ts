// The import directions that keep each part replaceable (DESIGN.md), checked on the sources: an
// import against them compiles and runs, so only a test catches it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from './helpers.js';

const ROOT = repoRoot();

/** Every TypeScript source under `folder`, as paths relative to the repository root. */
function sources(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(folder, f));
}

/** The repository-relative paths that a source imports, statically or with import(). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)));
}

/** "file imports path" for each import of a source in `folders` that lands in `forbidden`. */
function violations(folders: string[], forbidden: string[]): string[] {
  return folders.flatMap((folder) =>
    sources(folder).flatMap((file) => importsOf(file).filter((target) => forbidden.some((f) => target.startsWith(`${f}/`))).map((target) => `${file} imports ${target}`)),
  );
}

const FOLDERS = ['cli', 'servers', 'targets', 'conformance', 'loadtest', 'system', 'reports', 'ci', 'bench', 'test'];

describe('import directions', () => {
  it('nothing imports cli/: it is the composition root', () => {
    assert.deepEqual(violations(FOLDERS.filter((f) => f !== 'cli'), ['cli']), []);
  });

  it('servers/ imports neither targets/ nor cli/: the designs know nothing of how they are started', () => {
    assert.deepEqual(violations(['servers'], ['targets', 'cli']), []);
  });

  it('conformance/, loadtest/ and ci/ import neither servers/ nor targets/: they talk to a server over TCP', () => {
    assert.deepEqual(violations(['conformance', 'loadtest', 'ci'], ['servers', 'targets']), []);
  });
});
