// The parser's fast-check properties (bench/parser-properties.ts) at test scale; `npm run fuzz`
// runs the same ones a million times. A failure prints its seed and shrunk counterexample.
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PROPERTIES } from './parser-properties.js';

const RUNS = 1000;

describe('request parser: properties (fast-check)', () => {
  for (const { name, property } of PROPERTIES) {
    it(`${name} (${RUNS} cases)`, () => fc.assert(property, { numRuns: RUNS, includeErrorInReport: true }));
  }
});
