// The catalogue itself: well-formed ids and sections, a level and a quoted requirement for every
// check, and each quote found in the RFC requirement list (shared/reference/rfc-requirements.tsv).
// Architecture checks cite no RFC: they, and only they, have the section 'http-lab architecture',
// an id `arch/<design>/<slug>` naming the design they apply to, and a procedure (`run`).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../system/package.js';
import { fixtureContext } from '../fixtures.js';
import type { CheckContext, Level, Need, Offer, RequestCheck, RequestPlan } from '../types.js';
import { catalogue } from './index.js';
import { PROSE_QUOTES } from './prose.js';

const LEVELS: Level[] = ['MUST', 'SHOULD', 'MAY', 'security', 'robustness', 'architecture'];
const CAUSE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SECTION = /^RFC (9110|9112) §(\d+(?:\.\d+)*)$/;
const ID = /^(?:rfc(9110|9112)\/(\d+(?:\.\d+)*)|path)\/[a-z0-9]+(?:-[a-z0-9]+)*$/;
const ARCH_ID = /^arch\/([a-z0-9]+)\/[a-z0-9]+(?:-[a-z0-9]+)*$/;
const ARCH_SECTION = 'http-lab architecture';
/** The BCP 14 keywords that a sentence quoted for each level must contain. */
const KEYWORDS: Partial<Record<Level, RegExp>> = {
  MUST: /\b(MUST|REQUIRED|SHALL)\b/,
  SHOULD: /\b(SHOULD|RECOMMENDED)\b/,
  MAY: /\b(MAY|OPTIONAL)\b/,
};

const NEEDS: Need[] = ['origin', 'resource', 'fixtures'];
const OFFERS: Offer[] = ['etag', 'last-modified', 'ranges'];

/** A context with the resource at `path`, as the runner builds it for a target serving the fixtures. */
function contextAt(path: string): CheckContext {
  const fixtures = fixtureContext();
  const body = fixtures.fixture('index.html');
  return { ...fixtures, resource: { path, body, headers: [], offers: OFFERS } };
}

/** The request of a check as a plan, built in `ctx`. */
function planOf(request: RequestCheck['request'], ctx: CheckContext): RequestPlan {
  const bytes = typeof request === 'function' ? request(ctx) : request;
  return typeof bytes === 'string' || Buffer.isBuffer(bytes) ? { chunks: [bytes] } : bytes;
}

/** The request's chunks as text (a follow-up, built from responses, as a marker). */
const wire = (plan: RequestPlan): string => plan.chunks.map((c) => (typeof c === 'function' ? '<follow-up>' : c.toString('latin1'))).join('');

const normalize = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** rfc-requirements.tsv lives in shared/reference, beside the repository (CI) or inside it. */
function findTsv(): string | undefined {
  const root = packageRoot();
  return [join(root, '..', 'shared', 'reference', 'rfc-requirements.tsv'), join(root, 'shared', 'reference', 'rfc-requirements.tsv')].find(existsSync);
}

/** section ("RFC 9110 §8.6") → the normalised sentences the RFC states there */
function loadSentences(path: string): Map<string, string[]> {
  const bySection = new Map<string, string[]>();
  for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
    const [rfc, section, , , , text] = line.split('\t');
    if (!rfc || !section || !text) continue;
    const key = `RFC ${rfc} §${section}`;
    bySection.set(key, [...(bySection.get(key) ?? []), normalize(text)]);
  }
  return bySection;
}

test('there are at least 25 checks and their ids are unique', () => {
  assert.ok(catalogue.length >= 25, `${catalogue.length} checks`);
  const ids = catalogue.map((c) => c.id);
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
  assert.deepEqual(duplicates, []);
});

test('every check is well formed', () => {
  for (const c of catalogue) {
    const where = `check ${c.id}`;
    assert.ok(LEVELS.includes(c.level), `${where}: level ${c.level}`);
    assert.ok(c.title.trim().length > 0, `${where}: empty title`);
    assert.ok(c.requirement.trim().length > 0, `${where}: empty requirement`);
    if (c.level === 'architecture') {
      const id = ARCH_ID.exec(c.id);
      assert.ok(id, `${where}: an architecture check's id is arch/<design>/<slug>`);
      assert.equal(c.section, ARCH_SECTION, `${where}: an architecture check cites no RFC`);
      assert.equal(c.design, id[1], `${where}: applies to the design its id names`);
      assert.equal(c.required, true, `${where}: an architecture check must be required`);
      assert.equal(typeof c.run, 'function', `${where}: an architecture check is a procedure (run)`);
      assert.equal(c.request, undefined, where);
      assert.ok(NEEDS.includes(c.needs), `${where}: needs is one of ${NEEDS.join(', ')}`);
      continue;
    }
    assert.match(c.id, ID, where);
    const section = SECTION.exec(c.section);
    assert.ok(section, `${where}: section "${c.section}" is not "RFC 9110|9112 §N(.N)*"`);
    const id = ID.exec(c.id)!;
    if (id[1] !== undefined) {
      assert.deepEqual([id[1], id[2]], [section[1], section[2]], `${where}: the id names another section than ${c.section}`);
    }
    assert.equal(c.design, undefined, `${where}: only architecture checks are limited to one design`);
    assert.ok(c.run === undefined, `${where}: only architecture checks are procedures`);
    assert.equal(typeof c.expect, 'function', where);
    assert.ok(c.request !== undefined, `${where}: no request`);
    const plan = planOf(c.request, contextAt('/index.html'));
    const request = plan.chunks;
    assert.ok(request.length > 0 && request.every((chunk) => typeof chunk === 'function' || chunk.length > 0), `${where}: empty request`);
    // A follow-up is built from the responses before it: there must be some, each awaited in turn.
    request.forEach((chunk, i) => {
      if (typeof chunk !== 'function') return;
      assert.ok(i > 0, `${where}: a follow-up request cannot be the first chunk`);
      assert.ok(plan.awaitEachResponse, `${where}: a follow-up needs awaitEachResponse`);
    });
    if (plan.reconnect) assert.ok(plan.awaitEachResponse, `${where}: reconnect needs awaitEachResponse`);
    // What the check needs of its target, and that a resource check really requests the resource:
    // moved to another path, its bytes change, so it never asks a user's server for /index.html.
    assert.ok(NEEDS.includes(c.needs), `${where}: needs is one of ${NEEDS.join(', ')}`);
    if (c.offers !== undefined) {
      assert.equal(c.needs, 'resource', `${where}: only a resource check asks what the resource offers`);
      assert.ok(c.offers.length > 0 && c.offers.every((o) => OFFERS.includes(o)), `${where}: offers ${OFFERS.join(', ')}`);
    }
    if (c.needs === 'resource') {
      assert.equal(typeof c.request, 'function', `${where}: a resource check builds its request from the resource`);
      assert.notEqual(wire(planOf(c.request, contextAt('/somewhere-else'))), wire(plan), `${where}: the request does not use the resource's path`);
      assert.doesNotMatch(wire(planOf(c.request, contextAt('/somewhere-else'))), /index\.html/, `${where}: still requests index.html`);
    } else {
      assert.notEqual(typeof c.request, 'function', `${where}: only a resource check's request depends on the resource`);
    }
    if (c.level === 'MUST') assert.equal(c.required, true, `${where}: a MUST check must be required`);
  }
});

// Required means MUST (DESIGN.md): a SHOULD or MAY fails a run only under --strict, and a property
// the RFC leaves below MUST is required only as level security, with the source that makes it one.
test('no SHOULD or MAY check is required; every security check is required and says why', () => {
  for (const c of catalogue) {
    const where = `check ${c.id}`;
    if (c.level === 'SHOULD' || c.level === 'MAY') assert.equal(c.required, false, `${where}: a ${c.level} check cannot be required`);
    if (c.level === 'security') {
      assert.equal(c.required, true, `${where}: a security check is required`);
      assert.ok((c.rationale ?? '').length >= 80, `${where}: a security check carries a rationale naming its source`);
      assert.match(c.rationale!, /CVE-\d{4}-\d+|erratum|[a-z0-9-]+\/[a-z0-9-]+(#\d+)?|nginx|RFC \d+/i, `${where}: the rationale names a source`);
    } else {
      assert.equal(c.rationale, undefined, `${where}: only a security check carries a rationale`);
    }
  }
});

test('causes are slugs, and each groups checks of one level of obligation', () => {
  const byCause = new Map<string, Set<boolean>>();
  for (const c of catalogue) {
    if (c.cause === undefined) continue;
    assert.match(c.cause, CAUSE, `check ${c.id}: cause "${c.cause}" is not a slug`);
    byCause.set(c.cause, (byCause.get(c.cause) ?? new Set()).add(c.required));
  }
  // A cause counts one fault: its checks fail a run together or warn together, never both.
  for (const [cause, required] of byCause) assert.equal(required.size, 1, `cause ${cause} mixes required and not required checks`);
  // The duplicates the real servers showed are counted once.
  const members = (cause: string): string[] => catalogue.filter((c) => c.cause === cause).map((c) => c.id);
  assert.ok(members('bare-lf-in-chunked').length >= 3);
  assert.ok(members('cl-invalid').length >= 9);
  assert.ok(members('ws-before-colon').length >= 5);
  assert.ok(members('date-missing').length >= 5);
});

test('every built-in design has an architecture fingerprint', () => {
  const designs = new Set(catalogue.filter((c) => c.level === 'architecture').map((c) => c.design));
  // conformance/ never imports servers/, so the six designs are named here.
  for (const design of ['blocking', 'process', 'thread', 'async', 'poll', 'epoll']) {
    assert.ok(designs.has(design), `no arch/${design}/ check`);
  }
});

const tsv = findTsv();
// Without shared/ the quotes cannot be checked; the structure tests above still run.
const noTsv = tsv === undefined && 'rfc-requirements.tsv not found in shared/reference beside or inside the repository';

test('every quoted requirement is an RFC sentence of the cited section', { skip: noTsv }, () => {
  if (tsv === undefined) return;
  const sentences = loadSentences(tsv);
  for (const c of catalogue) {
    if (c.level === 'architecture') continue; // our own sentence, not an RFC's
    const where = `check ${c.id}`;
    const quote = normalize(c.requirement);
    const prose = PROSE_QUOTES.find((p) => normalize(p.text) === quote);
    if (prose) {
      // Prose carries no keyword, so rfc-requirements.tsv does not hold it (see prose.ts).
      assert.equal(c.section, prose.section, `${where}: the prose quote is from ${prose.section}`);
      assert.equal(c.level, 'robustness', `${where}: a prose quote has no BCP 14 level`);
      continue;
    }
    const inSection = sentences.get(c.section);
    assert.ok(inSection, `${where}: ${c.section} has no requirement sentences in ${tsv}`);
    assert.ok(
      inSection.some((s) => s.includes(quote)),
      `${where}: requirement not found among the sentences of ${c.section}: "${c.requirement}"`,
    );
    const keyword = KEYWORDS[c.level];
    if (keyword) assert.match(c.requirement, keyword, `${where}: a ${c.level} check quotes a sentence without that keyword`);
  }
});
