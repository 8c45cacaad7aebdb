// Issue 10: every adversarial conformance case against every server, each followed by a valid
// request on a new connection. The contract suite (servers-contract.test.ts) judges the verdicts
// of the whole catalogue in one batch; this file asks what each hostile case leaves behind: the
// server process alive, and GET /index.html answered with exactly its bytes right after it.
//
// The cases are the adversarial family (smuggling and parser confusion, adversarial*.ts) and every
// robustness check (path names, HTTP/1.0 persistence), in catalogue order.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adversarialChecks } from '../conformance/checks/adversarial.js';
import { catalogue } from '../conformance/checks/index.js';
import { runChecks } from '../conformance/runner.js';
import { SERVERS } from '../servers/catalogue.js';
import type { RunningServer } from '../targets/running.js';
import { isAlive } from '../system/proc.js';
import { HTML, eachLimited, servesNextClient, spawnWatched, urlParts, unlessRefused } from './helpers.js';

const CASES = catalogue.filter((c) => adversarialChecks.includes(c) || c.level === 'robustness');
/** Each case's deadline: it bounds only the wait for answers that come, so it is generous. */
const CASE_TIMEOUT_MS = 30_000;

describe('adversarial cases, each followed by a valid request', () => {
  it(`selects every adversarial check, all in the catalogue (${CASES.length} cases)`, () => {
    assert.deepEqual(
      adversarialChecks.filter((c) => !CASES.includes(c)).map((c) => c.id),
      [],
    );
  });

  for (const design of SERVERS) {
    describe(`${design.name} server`, unlessRefused(design), () => {
      let server: RunningServer | undefined;
      let stderr = (): string => '';
      before(async () => {
        ({ server, stderr } = await spawnWatched(design.name, HTML));
      });
      after(async () => {
        await server?.stop();
      });

      it(`survives all ${CASES.length} cases and answers GET /index.html after each`, async () => {
        const addr = urlParts(server!.url);
        const problems: string[] = [];
        // Each case and the request after it run on connections of their own, closed when done:
        // the serial design gets one connection at a time.
        await eachLimited(CASES, design.serial ? 1 : 8, async (check) => {
          const [r] = await runChecks([check], addr, { pid: server!.pid, design: design.name, timeoutMs: CASE_TIMEOUT_MS });
          if (r!.outcome === 'fail' || r!.outcome === 'error') {
            problems.push(`${check.id}: ${r!.outcome}: expected ${r!.expected}; actual ${r!.actual}${r!.reason ? `; ${r!.reason}` : ''}`);
          }
          try {
            await servesNextClient(addr);
          } catch (err) {
            problems.push(`after ${check.id}: ${(err as Error).message}`);
          }
          if (!isAlive(server!.pid)) problems.push(`after ${check.id}: the server process is gone`);
        });
        assert.deepEqual(problems, [], stderr());
        assert.equal(stderr(), '', 'nothing on stderr: no crash or error report from the server or its workers');
      });
    });
  }
});
