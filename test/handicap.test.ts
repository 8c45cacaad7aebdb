// `serve --handicap-us N` makes every design N µs slower per request, by busy-waiting: the CI gate's
// regression of known size. A lower bound only (a busy wait cannot end early), so no flakiness on a
// loaded machine.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exchange } from '../conformance/client.js';
import { SERVERS } from '../servers/catalogue.js';
import { spawnServer } from '../targets/design-child.js';
import { HTML, urlParts, unlessRefused } from './helpers.js';

const HANDICAP_US = 40_000;

describe('serve --handicap-us', () => {
  for (const design of SERVERS) {
    it(`${design.name}: each request takes at least the handicap, and is answered correctly`, unlessRefused(design), async () => {
      const server = await spawnServer(design.name, HTML, ['--handicap-us', String(HANDICAP_US)]);
      try {
        const { host, port } = urlParts(server.url);
        const plan = { chunks: ['GET /index.html HTTP/1.1\r\nHost: x\r\n\r\nGET /style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], responses: 2 };
        // Bounds the wait for the answers only: generous, since it costs nothing when they come.
        const ex = await exchange(host, port, plan, { timeoutMs: 60_000 });
        assert.deepEqual(
          ex.responses.map((r) => r.status),
          [200, 200],
        );
        assert.ok(ex.responses[0]!.body.equals(readFileSync(join(HTML, 'index.html'))));
        assert.ok(ex.ms >= (2 * HANDICAP_US) / 1000, `two requests answered in ${ex.ms} ms, under twice the ${HANDICAP_US} µs handicap`);
      } finally {
        await server.stop();
      }
    });
  }
});
