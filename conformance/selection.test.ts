// --only, --skip and --level on a small synthetic catalogue, so that these tests do not move when
// checks are added to the real one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inLevel, matcher, sectionKey, selectChecks, SelectionError, type Selection } from './selection.js';
import type { Check, Level } from './types.js';

function check(id: string, section: string, level: Level, required: boolean): Check {
  return {
    id,
    section,
    level,
    required,
    title: id,
    requirement: 'a sentence',
    needs: 'origin',
    request: 'GET / HTTP/1.1\r\n\r\n',
    expect: () => ({ pass: true, expected: '', actual: '' }),
  };
}

const CATALOGUE: Check[] = [
  check('rfc9110/9.1/get', 'RFC 9110 §9.1', 'MUST', true),
  check('rfc9110/8.3/content-type', 'RFC 9110 §8.3', 'SHOULD', false),
  check('rfc9110/15.5/not-found', 'RFC 9110 §15.5', 'SHOULD', true),
  check('rfc9112/6.1/cl-and-te', 'RFC 9112 §6.1', 'MUST', true),
  check('rfc9112/6.3/cl-conflict', 'RFC 9112 §6.3', 'MUST', true),
  check('rfc9112/6.10/made-up', 'RFC 9112 §6.10', 'MUST', true),
  check('rfc9112/2.2/bare-lf', 'RFC 9112 §2.2', 'MAY', false),
  check('rfc9112/9.3/http10-close', 'RFC 9112 §9.3', 'robustness', true),
  check('adversarial/smuggling/cl-te', 'RFC 9112 §6.1', 'robustness', false),
  check('adversarial/slowloris', 'RFC 9112 §9.5', 'robustness', true),
  check('path/traversal-dotdot', 'RFC 9110 §17.3', 'robustness', true),
  check('arch/epoll/in-epoll-set', 'http-lab architecture', 'architecture', true),
];

const ids = (selection: Selection): string[] => selectChecks(CATALOGUE, selection).map((c) => c.id);

describe('conformance selection', () => {
  it('selects everything by default, in catalogue order', () => {
    assert.deepEqual(
      ids({}),
      CATALOGUE.map((c) => c.id),
    );
  });

  it('--only by exact id', () => {
    assert.deepEqual(ids({ only: ['rfc9112/6.1/cl-and-te'] }), ['rfc9112/6.1/cl-and-te']);
  });

  it('--only by a leading part of the id, at a / boundary only', () => {
    assert.deepEqual(ids({ only: ['adversarial'] }), ['adversarial/smuggling/cl-te', 'adversarial/slowloris']);
    assert.deepEqual(ids({ only: ['path'] }), ['path/traversal-dotdot']);
    // 'rfc9112/6.1' is an id prefix of cl-and-te only (not of 6.10/...), and section §6.1
    assert.deepEqual(ids({ only: ['rfc9112/6.1'] }), ['rfc9112/6.1/cl-and-te', 'adversarial/smuggling/cl-te']);
  });

  it('--only by section, in every spelling, with its subsections', () => {
    const sixOne = ['rfc9112/6.1/cl-and-te', 'adversarial/smuggling/cl-te'];
    for (const pattern of ['RFC 9112 §6.1', '9112 §6.1', '9112/6.1', 'rfc9112/6.1', 'rfc 9112 § 6.1', 'RFC9112 6.1']) {
      assert.deepEqual(ids({ only: [pattern] }), sixOne, pattern);
    }
    // §6 holds §6.1, §6.3 and §6.10; §6.1 does not hold §6.10
    assert.deepEqual(ids({ only: ['9112/6'] }), ['rfc9112/6.1/cl-and-te', 'rfc9112/6.3/cl-conflict', 'rfc9112/6.10/made-up', 'adversarial/smuggling/cl-te']);
    // the whole RFC
    assert.deepEqual(ids({ only: ['RFC 9110'] }), ['rfc9110/9.1/get', 'rfc9110/8.3/content-type', 'rfc9110/15.5/not-found', 'path/traversal-dotdot']);
    // a section that is not an RFC's, as written
    assert.deepEqual(ids({ only: ['http-lab architecture'] }), ['arch/epoll/in-epoll-set']);
  });

  it('--only by glob: * within a part, ** across parts, ? one character', () => {
    assert.deepEqual(ids({ only: ['rfc9112/6.*'] }), [
      'rfc9112/6.1/cl-and-te',
      'rfc9112/6.3/cl-conflict',
      'rfc9112/6.10/made-up',
      'adversarial/smuggling/cl-te',
    ]);
    assert.deepEqual(ids({ only: ['adversarial/*'] }), ['adversarial/smuggling/cl-te', 'adversarial/slowloris']);
    assert.deepEqual(ids({ only: ['*/*/cl-*'] }), ['rfc9112/6.1/cl-and-te', 'rfc9112/6.3/cl-conflict', 'adversarial/smuggling/cl-te']);
    assert.deepEqual(ids({ only: ['**/cl-te'] }), ['adversarial/smuggling/cl-te']);
    assert.deepEqual(ids({ only: ['rfc9112/6.?/*'] }), ['rfc9112/6.1/cl-and-te', 'rfc9112/6.3/cl-conflict']);
    // a glob may match a leading run of parts, like a plain id: 'rfc*' is every rfc... check
    assert.equal(ids({ only: ['rfc*'] }).length, 8);
  });

  it('several --only patterns add up; --skip then removes', () => {
    assert.deepEqual(ids({ only: ['path', 'arch'] }), ['path/traversal-dotdot', 'arch/epoll/in-epoll-set']);
    assert.deepEqual(ids({ only: ['9112/6'], skip: ['adversarial/*', 'rfc9112/6.10/made-up'] }), ['rfc9112/6.1/cl-and-te', 'rfc9112/6.3/cl-conflict']);
    assert.deepEqual(ids({ skip: ['rfc9110', 'rfc9112', 'adversarial', 'path'] }), ['arch/epoll/in-epoll-set']);
  });

  it('a pattern that matches no check is an error, for --only and --skip alike', () => {
    assert.throws(() => ids({ only: ['rfc9112/3.2/host-missing'] }), SelectionError);
    assert.throws(() => ids({ skip: ['nope/*'] }), /--skip nope\/\* matches no check/);
    // * never crosses '/': rfc9110*get would have to span two parts
    assert.throws(() => ids({ only: ['rfc9110*get'] }), /--only rfc9110\*get matches no check/);
  });

  it('--level must: MUST checks and required robustness checks', () => {
    assert.deepEqual(ids({ level: 'must' }), [
      'rfc9110/9.1/get',
      'rfc9112/6.1/cl-and-te',
      'rfc9112/6.3/cl-conflict',
      'rfc9112/6.10/made-up',
      'rfc9112/9.3/http10-close',
      'adversarial/slowloris',
      'path/traversal-dotdot',
    ]);
  });

  it('--level should: must, plus every SHOULD and every robustness check; no MAY, no architecture', () => {
    assert.deepEqual(ids({ level: 'should' }), [
      'rfc9110/9.1/get',
      'rfc9110/8.3/content-type',
      'rfc9110/15.5/not-found',
      'rfc9112/6.1/cl-and-te',
      'rfc9112/6.3/cl-conflict',
      'rfc9112/6.10/made-up',
      'rfc9112/9.3/http10-close',
      'adversarial/smuggling/cl-te',
      'adversarial/slowloris',
      'path/traversal-dotdot',
    ]);
    for (const c of CATALOGUE.filter((c) => inLevel(c, 'must'))) assert.ok(inLevel(c, 'should'), `${c.id}: must ⊂ should`);
  });

  it('--level all is everything; --level combines with --only and --skip', () => {
    assert.equal(ids({ level: 'all' }).length, CATALOGUE.length);
    assert.deepEqual(ids({ level: 'must', only: ['adversarial'] }), ['adversarial/slowloris']);
    // a pattern that matches only checks outside the level selects nothing, without an error
    assert.deepEqual(ids({ level: 'must', only: ['rfc9112/2.2'] }), []);
  });

  it('sectionKey reads RFC sections and nothing else', () => {
    assert.equal(sectionKey('RFC 9112 §6.1'), 'rfc9112/6.1');
    assert.equal(sectionKey('RFC 9110'), 'rfc9110');
    assert.equal(sectionKey('http-lab architecture'), undefined);
    assert.ok(matcher('9112 §6.1')({ id: 'x/y', section: 'RFC 9112 §6.1' }));
    assert.ok(!matcher('9112 §6.1')({ id: 'x/y', section: 'RFC 9110 §6.1' }));
  });
});
