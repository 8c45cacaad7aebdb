// loadtest/load.ts patches private parts of autocannon's Client. These tests fail, naming the patch,
// when the installed autocannon no longer has them, instead of letting a measurement go quietly wrong.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { PATCHED_INTERNALS, unpatchableInternals } from './load.js';
import { countingServer, type CountingServer } from './test-server.js';

/** The fields of a package.json that these tests read. */
interface PackageJson {
  version?: string;
  dependencies?: Record<string, string>;
}

describe("autocannon's internals that loadtest/load.ts patches", () => {
  let server: CountingServer;
  before(async () => {
    server = await countingServer();
  });
  after(() => server.close());

  it('package.json pins autocannon to the exact version installed', () => {
    const pinned = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as PackageJson).dependencies?.autocannon;
    const installed = (JSON.parse(readFileSync(new URL('../../node_modules/autocannon/package.json', import.meta.url), 'utf8')) as PackageJson).version;
    assert.ok(pinned !== undefined, 'package.json must list autocannon in dependencies: load.ts patches its internals');
    assert.match(pinned, /^\d+\.\d+\.\d+$/, `autocannon must be pinned exactly, not ${pinned}: load.ts patches its internals`);
    assert.equal(installed, pinned);
  });

  it('every patched internal is a function on a real autocannon Client', async () => {
    const clients: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      autocannon({ url: server.url.href, connections: 1, amount: 1, setupClient: (client: unknown) => clients.push(client) }, (err: unknown) =>
        err ? reject(err instanceof Error ? err : new Error('autocannon failed', { cause: err })) : resolve(),
      );
    });
    assert.equal(clients.length, 1);
    assert.deepEqual(unpatchableInternals(clients[0]), []);
  });

  it('a Client without one of them is named with the patch that needs it', () => {
    assert.deepEqual(unpatchableInternals({ pipelinedRequests: { addBody() {}, clear() {} }, _doRequest() {}, _destroyConnection() {} }), [
      "autocannon's Client._connect is no longer a function: the forgetUnansweredOnReconnect and newConnectionPerRequest patch in loadtest/load.ts needs updating",
    ]);
    assert.equal(unpatchableInternals({}).length, PATCHED_INTERNALS.length);
  });
});
