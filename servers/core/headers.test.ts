// The field list and the known-name matcher the parser uses to lower-case names without a string.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TCHAR } from './abnf.js';
import { FieldList, KNOWN_NAMES, matchFieldName } from './headers.js';

/** matchFieldName on `text` placed at `offset` inside a larger buffer (so that word reads are
 * unaligned and not at the start of the ArrayBuffer). */
function match(text: string, offset = 0): string | undefined {
  const outer = Buffer.alloc(offset + text.length + 8, 0x7a);
  outer.write(text, offset, 'latin1');
  const b = outer.subarray(offset, offset + text.length);
  return matchFieldName(b, new DataView(b.buffer), b.byteOffset, 0, b.length)?.name;
}

const mixedCase = (s: string): string => [...s].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c)).join('');

describe('headers: known field names', () => {
  it('finds every known name in any case, at any alignment, when a colon follows', () => {
    for (const name of KNOWN_NAMES) {
      for (const spelling of [name, name.toUpperCase(), mixedCase(name)]) {
        for (let offset = 0; offset < 8; offset++) {
          assert.equal(match(`${spelling}: v`, offset), name, `${spelling} at ${offset}`);
          assert.equal(match(`${spelling}:`, offset), name, `${spelling} at ${offset}, colon last`);
        }
      }
    }
  });

  it('finds nothing without the colon right after the name', () => {
    for (const name of KNOWN_NAMES) {
      assert.equal(match(name), undefined, `${name} at the end`);
      assert.equal(match(`${name} : v`), undefined, `${name} then SP`);
      assert.equal(match(`${name}x: v`), undefined, `${name} with a byte more`);
      assert.equal(match(`x${name}: v`), undefined, `${name} with a byte before`);
      if (name.length > 1) assert.equal(match(`${name.slice(0, -1)}: v`), undefined, `${name} a byte short`);
    }
  });

  it('matches no byte but a letter and its upper case, in any position', () => {
    for (const name of KNOWN_NAMES) {
      for (let k = 0; k < name.length; k++) {
        const c = name.charCodeAt(k);
        // Each byte that `c | 0x20`, `c ^ 0x20` or `c - 0x20` could be confused with, except the
        // upper case of a letter.
        for (const other of new Set([c ^ 0x20, (c - 0x20) & 0xff, c ^ 0x01, c | 0x80])) {
          if (c >= 0x61 && c <= 0x7a && other === c - 0x20) continue;
          const spelling = name.slice(0, k) + String.fromCharCode(other) + name.slice(k + 1);
          assert.equal(match(`${spelling}: v`), undefined, JSON.stringify(spelling));
        }
      }
    }
  });

  it('knows only tokens (a match is a valid field name)', () => {
    for (const name of KNOWN_NAMES) {
      for (let k = 0; k < name.length; k++) assert.equal(TCHAR[name.charCodeAt(k)], 1, name);
    }
  });
});

describe('headers: FieldList', () => {
  it('combines repeated fields with ", " in order, and gives undefined for an absent one', () => {
    const fields = new FieldList();
    fields.add('a', '1');
    fields.add('b', 'x');
    fields.add('a', '');
    fields.add('a', '3');
    assert.equal(fields.combined('a'), '1, , 3');
    assert.equal(fields.combined('b'), 'x');
    assert.equal(fields.combined('c'), undefined);
  });
});
