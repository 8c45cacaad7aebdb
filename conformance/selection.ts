// Which checks a run includes: --only, --skip and --level. Pure functions over the catalogue.
//
// A pattern names checks in one of three ways, and a check matches when any of them does:
// - by id, whole or as a leading run of its '/'-separated parts: `rfc9112/3.2/host-missing`, or
//   `rfc9112/3.2` for every check whose id starts `rfc9112/3.2/`, or `path` for `path/...`;
// - by id glob: `*` stands for any characters but '/', `**` for any characters, `?` for one
//   character, and like a plain id the glob may match a leading run of parts:
//   `rfc9112/6.*` matches `rfc9112/6.1/cl-and-te`, `adversarial/*` every `adversarial/...` check;
// - by section, in any of the forms `RFC 9112 §6.1`, `9112 §6.1`, `9112/6.1`, `rfc9112/6.1` (case
//   and spaces do not matter; the number may hold `*`): the section and its subsections, so
//   `9112/6` matches §6, §6.1 and §6.3 but `9112/6.1` does not match §6.10. `RFC 9112` or `9112`
//   alone is the whole RFC. A section that is not an RFC's (`http-lab architecture`) matches as
//   written, ignoring case.
//
// --only keeps the checks that match at least one of its patterns; --skip then drops those that
// match any of its patterns. A pattern that matches no check in the catalogue is an error (a typo
// would otherwise select nothing, or skip nothing, silently).
//
// --level, applied before --only and --skip:
// - must:   MUST and security checks, and the robustness checks that are required (a failure fails
//           the run);
// - should: everything in `must`, plus every SHOULD check and every robustness check;
// - all:    every check, MAY and architecture checks included (the default).
// --strict does not change the selection; it makes the selected SHOULD checks required.
import type { Check, Level } from './types.js';

export type LevelFilter = 'must' | 'should' | 'all';
export const LEVEL_FILTERS: readonly LevelFilter[] = ['must', 'should', 'all'];

export interface Selection {
  only?: readonly string[];
  skip?: readonly string[];
  level?: LevelFilter;
}

/** A pattern that matches no check: its message is the one-line reason (exit 2). */
export class SelectionError extends Error {
  override readonly name = 'SelectionError';
}

type Selectable = Pick<Check, 'id' | 'section' | 'level' | 'required'>;

/** Whether a check of this level (and required-ness) is in the given --level. */
export function inLevel(check: Pick<Check, 'level' | 'required'>, filter: LevelFilter): boolean {
  const level: Level = check.level;
  switch (filter) {
    case 'all':
      return true;
    case 'should':
      return level === 'MUST' || level === 'security' || level === 'SHOULD' || level === 'robustness';
    case 'must':
      return level === 'MUST' || level === 'security' || (level === 'robustness' && check.required);
  }
}

/** `RFC 9112 §6.1` -> `rfc9112/6.1`; undefined for a section that is not an RFC's. */
export function sectionKey(section: string): string | undefined {
  const m = /^\s*rfc\s*(\d+)\s*(?:§\s*([\d.]+))?\s*$/i.exec(section);
  if (m === null) return undefined;
  return m[2] === undefined ? `rfc${m[1]}` : `rfc${m[1]}/${m[2]}`;
}

/** A pattern in one of the section forms -> `rfc9112/6.1` (possibly with `*`), or undefined. */
function patternSectionKey(pattern: string): string | undefined {
  const m = /^\s*(?:rfc\s*)?(\d{3,5})(?:\s*(?:§|\/|\s)\s*§?\s*([\d.*?]+))?\s*$/i.exec(pattern);
  if (m === null) return undefined;
  return m[2] === undefined ? `rfc${m[1]}` : `rfc${m[1]}/${m[2].replace(/\.$/, '')}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

/** A glob (`*`, `**`, `?`) as a regular expression source, `*` and `?` never crossing `stop`. */
function globSource(glob: string, stop: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (c === '*') out += `[^${escapeRegExp(stop)}]*`;
    else if (c === '?') out += `[^${escapeRegExp(stop)}]`;
    else out += escapeRegExp(c);
  }
  return out;
}

/** Matches a whole id or a leading run of its '/'-separated parts. */
function idMatcher(pattern: string): (id: string) => boolean {
  const re = new RegExp(`^${globSource(pattern.trim(), '/')}(?:/.*)?$`, 'i');
  return (id) => re.test(id);
}

/** Matches a section key and its subsections: `rfc9112/6` matches `rfc9112/6` and `rfc9112/6.1`. */
function sectionMatcher(key: string): (section: string) => boolean {
  const re = new RegExp(`^${globSource(key, './')}(?:[./].*)?$`, 'i');
  return (section) => {
    const k = sectionKey(section);
    return k !== undefined && re.test(k);
  };
}

/** A predicate for one --only/--skip pattern. */
export function matcher(pattern: string): (check: Pick<Check, 'id' | 'section'>) => boolean {
  const byId = idMatcher(pattern);
  const key = patternSectionKey(pattern);
  const bySection = key === undefined ? undefined : sectionMatcher(key);
  const asWritten = pattern.trim().toLowerCase();
  return (check) => byId(check.id) || (bySection !== undefined && bySection(check.section)) || check.section.toLowerCase() === asWritten;
}

/** The checks a run includes, in catalogue order. Throws SelectionError for a pattern that matches
 * no check of `checks` (before --level is applied, so that `--level must --only some-should-check`
 * is an empty selection, not an error). */
export function selectChecks<T extends Selectable>(checks: readonly T[], selection: Selection = {}): T[] {
  const compile = (flag: string, patterns: readonly string[] = []) =>
    patterns.map((pattern) => {
      const test = matcher(pattern);
      if (!checks.some(test)) throw new SelectionError(`${flag} ${pattern} matches no check (see http-lab conform --list)`);
      return test;
    });
  const only = compile('--only', selection.only);
  const skip = compile('--skip', selection.skip);
  const level = selection.level ?? 'all';
  return checks.filter((check) => inLevel(check, level) && (only.length === 0 || only.some((test) => test(check))) && !skip.some((test) => test(check)));
}
