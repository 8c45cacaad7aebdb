import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from './bootstrap.js';
import { compare, noiseFloor, normalized, type CurrentMeasurement } from './compare.js';
import { BASELINE_SCHEMA, type Baseline, type RunSample, type SampleSet } from './model.js';

const MACHINE = { cpus: 2, cpuModel: 'Test CPU', node: '20.0.0', kernel: '6.1.0', platform: 'linux' };

/** Runs of a target at `rps` beside a reference at `refRps`, both ±noise, sharing a per-run machine
 * speed factor (what the reference is there to cancel). */
function runs(n: number, rps: number, refRps: number, noise: number, seed: number, session = 0, machineSpeed = 1): RunSample[] {
  const random = seededRandom(seed);
  const jitter = (): number => 1 + (random() * 2 - 1) * noise;
  return Array.from({ length: n }, () => {
    const speed = machineSpeed * (1 + (random() * 2 - 1) * 0.2); // the machine drifts ±20% run to run
    const metrics = (base: number): RunSample['target'] => ({
      rps: base * speed * jitter(),
      cpu: ((12 * 60_000) / base / speed) * jitter(),
      p50: (600 / speed) * jitter(),
      p99: (2000 / speed) * jitter(),
      pss: 90e6 * jitter(),
    });
    return { target: metrics(rps), reference: metrics(refRps), session };
  });
}

function baseline(samples: SampleSet[], floor = { rps: 0.03, cpu: 0.03, p50: 0.03, p99: 0.1, pss: 0.02 }): Baseline {
  return {
    schema: BASELINE_SCHEMA,
    version: '0.1.0',
    createdAt: '2026-11-25T00:00:00.000Z',
    machine: MACHINE,
    settings: { targets: ['epoll'], scenarios: ['keepalive'], durationS: 2, runs: 5, warmupS: 1, reference: 'epoll' },
    sessions: 3,
    samples,
    noiseFloor: floor,
    conformance: [{ target: 'epoll', requiredPassed: ['a', 'b'] }],
  };
}

function current(samples: SampleSet[], outcomes: Record<string, string> = { a: 'pass', b: 'pass' }, causes: Record<string, string> = {}): CurrentMeasurement {
  return {
    machine: MACHINE,
    samples,
    conformance: [
      {
        target: 'epoll',
        outcomes: new Map(
          Object.entries(outcomes).map(([id, outcome]) => [
            id,
            { title: `check ${id}`, outcome, actual: outcome === 'pass' ? '' : '500', cause: causes[id] ?? id },
          ]),
        ),
      },
    ],
  };
}

describe('gate comparison', () => {
  it('normalizes each run by the reference beside it', () => {
    assert.deepEqual(
      normalized([{ target: { rps: 50, cpu: 1, p50: 1, p99: 1, pss: 1 }, reference: { rps: 100, cpu: 1, p50: 2, p99: 1, pss: 1 }, session: 0 }], 'rps'),
      [0.5],
    );
    assert.deepEqual(normalized([{ target: { rps: 50, cpu: 1, p50: 1, p99: 1, pss: 1 }, session: 0 }], 'rps'), [50]);
  });

  it('A/A on a noisy machine, even a 30% slower one: no regression', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const base = baseline([{ target: 'epoll', scenario: 'keepalive', runs: runs(15, 60_000, 80_000, 0.03, seed) }]);
      const now = current([{ target: 'epoll', scenario: 'keepalive', runs: runs(5, 60_000, 80_000, 0.03, seed + 100, 0, 0.7) }]);
      const report = compare(base, now, 0.1, 'now');
      assert.equal(report.verdict, 'pass', `seed ${seed}: ${JSON.stringify(report.comparisons.filter((c) => c.verdict === 'regression'))}`);
    }
  });

  it('a target 30% slower than its baseline, beside an unchanged reference: a throughput regression', () => {
    const base = baseline([{ target: 'epoll', scenario: 'keepalive', runs: runs(15, 60_000, 80_000, 0.03, 1) }]);
    const now = current([{ target: 'epoll', scenario: 'keepalive', runs: runs(5, 42_000, 80_000, 0.03, 2) }]);
    const report = compare(base, now, 0.1, 'now');
    assert.equal(report.verdict, 'regression');
    const rps = report.comparisons.find((c) => c.metric === 'rps')!;
    assert.equal(rps.verdict, 'regression');
    assert.ok(rps.high < -0.1, JSON.stringify(rps));
    assert.ok(rps.baseline > rps.current);
  });

  it('the noise floor raises the threshold of a noisy metric', () => {
    const base = baseline([{ target: 'epoll', scenario: 'keepalive', runs: runs(15, 60_000, 80_000, 0.03, 1) }], {
      rps: 0.5,
      cpu: 0.03,
      p50: 0.03,
      p99: 0.1,
      pss: 0.02,
    });
    const now = current([{ target: 'epoll', scenario: 'keepalive', runs: runs(5, 42_000, 80_000, 0.03, 2) }]);
    const rps = compare(base, now, 0.1, 'now').comparisons.find((c) => c.metric === 'rps')!;
    assert.equal(rps.threshold, 0.5);
    assert.notEqual(rps.verdict, 'regression');
  });

  it('a required check that passed in the baseline and fails now is a regression, whatever the speed', () => {
    const set = [{ target: 'epoll', scenario: 'keepalive', runs: runs(5, 60_000, 80_000, 0.03, 1) }];
    const report = compare(baseline(set), current(set, { a: 'pass', b: 'fail' }), 0.1, 'now');
    assert.equal(report.verdict, 'regression');
    assert.deepEqual(report.conformance, [
      { target: 'epoll', checks: [{ id: 'b', title: 'check b', outcome: 'fail', actual: '500' }], causes: [{ cause: 'b', checks: ['b'] }] },
    ]);
  });

  it('checks that regress for one root cause count as one cause, listing them', () => {
    const set = [{ target: 'epoll', scenario: 'keepalive', runs: runs(5, 60_000, 80_000, 0.03, 1) }];
    const base = { ...baseline(set), conformance: [{ target: 'epoll', requiredPassed: ['a', 'b', 'c'] }] };
    const report = compare(base, current(set, { a: 'fail', b: 'pass', c: 'fail' }, { a: 'allow-on-405', c: 'allow-on-405' }), 0.1, 'now');
    assert.deepEqual(report.conformance[0]!.causes, [{ cause: 'allow-on-405', checks: ['a', 'c'] }]);
  });

  it('a required check that erred now (not judged) is a note, not a regression', () => {
    const set = [{ target: 'epoll', scenario: 'keepalive', runs: runs(5, 60_000, 80_000, 0.03, 1) }];
    const report = compare(baseline(set), current(set, { a: 'pass', b: 'error' }), 0.1, 'now');
    assert.equal(report.verdict, 'pass');
    assert.deepEqual(report.conformance, []);
    assert.ok(
      report.notes.some((n) => n === 'epoll: 1 required check that passed in the baseline could not be judged now (b): not counted as a regression'),
      report.notes.join('\n'),
    );
  });

  it('the noise floor is the largest change between two sessions of the same build', () => {
    const set: SampleSet = {
      target: 'epoll',
      scenario: 'keepalive',
      runs: [0, 1, 2].flatMap((session) =>
        [100, 100, 100].map((v) => ({ target: { rps: v * (1 + session * 0.05), cpu: 3, p50: 10, p99: 20, pss: 5 }, session })),
      ),
    };
    const floor = noiseFloor([set]);
    assert.ok(Math.abs(floor.rps - 0.1) < 1e-12, `${floor.rps}`);
    assert.equal(floor.p50, 0);
  });
});
