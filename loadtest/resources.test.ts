// The resource sampler: its CPU accounting on synthetic snapshots (children reaped between them,
// a grandchild reaped by a child, a zombie, reused thread ids), the generator-bound rule, and one
// real run against a spinning child process.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readStat, type ProcStat } from '../system/proc.js';
import {
  busiestThreadTicks,
  cpuBetween,
  isGeneratorBound,
  ResourceSampler,
  ResourceSamplerError,
  treeCpuTicks,
  treeRssBytes,
  type ResourceSnapshot,
} from './resources.js';

function st(pid: number, ppid: number, times: Partial<ProcStat> = {}): ProcStat {
  return { pid, comm: `p${pid}`, state: 'S', ppid, utime: 0, stime: 0, cutime: 0, cstime: 0, threads: 1, starttime: pid, rssPages: 0, ...times };
}

function snap(atMs: number, processes: ProcStat[], extra: Partial<ResourceSnapshot> = {}): ResourceSnapshot {
  return { atMs, processes, threads: [], generator: { user: 0, system: 0 }, ...extra };
}

describe('tree CPU accounting', () => {
  // Root 1 with children 2 (reaped by 1 during the interval) and 3 (alive throughout), and 3's
  // child 4 (reaped by 3 during the interval). Between the snapshots: child 5 is born and reaped by
  // 1, and child 6 is born and exits but is not reaped (a zombie). hz 100, 1000 ms apart.
  const start = snap(0, [
    st(1, 0, { utime: 100, stime: 50, cutime: 10 }), // 160
    st(2, 1, { utime: 30, stime: 10 }), // 40
    st(3, 1, { utime: 20, cutime: 5 }), // 25
    st(4, 3, { utime: 8, stime: 2 }), // 10
  ]);
  const stop = snap(1000, [
    // root: +40 of its own; cutime +50 (2's final utime) +20 (5), cstime +20 (2) +5 (5)
    st(1, 0, { utime: 140, stime: 50, cutime: 80, cstime: 25 }),
    // 3: +10 of its own; reaped 4, whose final time was 12 + 3
    st(3, 1, { utime: 30, cutime: 17, cstime: 3 }),
    st(6, 1, { state: 'Z', utime: 7 }),
  ]);
  // used in the interval: root 40, 2: 70 - 40 = 30, 3: 10, 4: 15 - 10 = 5, 5: 25, 6: 7
  const used = 40 + 30 + 10 + 5 + 25 + 7;

  it('counts each child once, reaped or not, however deep', () => {
    assert.equal(treeCpuTicks(stop.processes) - treeCpuTicks(start.processes), used);
    assert.equal(cpuBetween(start, stop, 100).serverCpuPct, used); // 117 ticks in 1 s at 100 Hz
  });

  it('needs the descendants’ cutime, not only the root’s: 4 was reaped by 3, not by the root', () => {
    const rootCutimeOnly = (ps: ProcStat[]): number => ps.reduce((sum, p, i) => sum + p.utime + p.stime + (i === 0 ? p.cutime + p.cstime : 0), 0);
    // 4's whole final time (15) moved into 3's cutime, which that sum leaves out
    assert.equal(rootCutimeOnly(stop.processes) - rootCutimeOnly(start.processes), used - 15);
  });

  it('scales ticks by hz and wall time', () => {
    const a = snap(1000, [st(1, 0, { utime: 0 })]);
    const b = snap(1500, [st(1, 0, { utime: 25, stime: 25 })]);
    assert.equal(cpuBetween(a, b, 100).serverCpuPct, 100); // 0.5 s of CPU in 0.5 s
    assert.equal(cpuBetween(a, b, 1000).serverCpuPct, 10);
    assert.equal(cpuBetween(a, b, 100).wallMs, 500);
  });

  it('never reports less than zero (a descendant handed to init leaves the tree)', () => {
    const a = snap(0, [st(1, 0), st(2, 1, { utime: 50 })]);
    const b = snap(1000, [st(1, 0, { utime: 10 })]);
    assert.equal(cpuBetween(a, b, 100).serverCpuPct, 0);
  });

  it('rejects snapshots out of order', () => {
    assert.throws(() => cpuBetween(stop, start, 100), RangeError);
  });
});

describe('busiest thread, generator and machine', () => {
  it('compares threads present in both snapshots, by id and start time', () => {
    const before = [st(1, 0, { utime: 10, starttime: 5 }), st(6, 0, { utime: 20, starttime: 6 }), st(7, 0, { starttime: 7 })];
    const after = [
      st(1, 0, { utime: 40, stime: 5, starttime: 5 }), // +35
      st(6, 0, { utime: 70, starttime: 6 }), // +50
      st(7, 0, { utime: 200, starttime: 99 }), // thread id 7 reused by a new thread: not compared
      st(8, 0, { utime: 90, starttime: 8 }), // born in the interval: not compared
    ];
    assert.equal(busiestThreadTicks(before, after), 50);
    assert.equal(busiestThreadTicks([], after), 0);
    const u = cpuBetween(snap(0, [st(1, 0)], { threads: before }), snap(1000, [st(1, 0)], { threads: after }), 100);
    assert.equal(u.busiestThreadPct, 50);
  });

  it('counts a thread started after the start snapshot with all its ticks, a missed older one not at all', () => {
    const before = [st(1, 0, { utime: 10, starttime: 5 })];
    const after = [
      st(1, 0, { utime: 40, starttime: 5 }), // +30
      st(8, 0, { utime: 90, starttime: 1000 }), // started at the snapshot's tick or later: 90
      st(9, 0, { utime: 500, starttime: 999 }), // older than the snapshot, yet not in it: unknown
    ];
    assert.equal(busiestThreadTicks(before, after, 1000), 90);
    assert.equal(busiestThreadTicks(before, after, 1001), 30);
    const u = cpuBetween(snap(0, [st(1, 0)], { threads: before, bootTicks: 1000 }), snap(1000, [st(1, 0)], { threads: after }), 100);
    assert.equal(u.busiestThreadPct, 90);
  });

  it('generator CPU from process.cpuUsage() deltas, machine busy from /proc/stat deltas', () => {
    const u = cpuBetween(
      snap(0, [st(1, 0)], { generator: { user: 1_000_000, system: 0 }, machine: { busyTicks: 1000, totalTicks: 4000, cpus: 2 } }),
      snap(1000, [st(1, 0)], { generator: { user: 1_600_000, system: 200_000 }, machine: { busyTicks: 1150, totalTicks: 4200, cpus: 2 } }),
      100,
    );
    assert.equal(u.generatorCpuPct, 80);
    assert.equal(u.machineBusyPct, 150); // 150 of 200 ticks busy, on 2 CPUs
  });

  it('leaves machineBusyPct out without /proc/stat', () => {
    assert.equal('machineBusyPct' in cpuBetween(snap(0, [st(1, 0)]), snap(10, [st(1, 0)]), 100), false);
  });

  it('sums RSS over live processes only', () => {
    assert.equal(treeRssBytes([st(1, 0, { rssPages: 100 }), st(2, 1, { rssPages: 20 }), st(3, 1, { state: 'Z', rssPages: 50 })], 4096), 120 * 4096);
  });
});

describe('isGeneratorBound', () => {
  it('bound: the generator saturated, the server with headroom', () => {
    const v = isGeneratorBound({ generatorCpuPct: 97, serverCpuPct: 60, busiestThreadPct: 40, cpus: 2 });
    assert.equal(v.bound, true);
    assert.match(v.reason, /^generator-bound: .*97%.*busiest thread 40%.*60% .*103% left on 2 CPUs/);
  });

  it('not bound: the generator below 90% of a core (90 itself included)', () => {
    assert.equal(isGeneratorBound({ generatorCpuPct: 60, serverCpuPct: 10, busiestThreadPct: 10, cpus: 2 }).bound, false);
    const v = isGeneratorBound({ generatorCpuPct: 90, serverCpuPct: 10, busiestThreadPct: 10, cpus: 2 });
    assert.equal(v.bound, false);
    assert.match(v.reason, /not saturated/);
  });

  it('not bound: the server’s busiest thread saturated (a single-threaded server)', () => {
    for (const busiestThreadPct of [90, 99]) {
      const v = isGeneratorBound({ generatorCpuPct: 97, serverCpuPct: busiestThreadPct, busiestThreadPct, cpus: 8 });
      assert.equal(v.bound, false);
      assert.match(v.reason, /busiest thread used 9\d%.*saturated too/);
    }
  });

  it('not bound: the machine full; bound with the same load on more CPUs', () => {
    // 2 CPUs: 200 - 97 = 103 left, 90% of it is 92.7
    const full = isGeneratorBound({ generatorCpuPct: 97, serverCpuPct: 95, busiestThreadPct: 50, cpus: 2 });
    assert.equal(full.bound, false);
    assert.match(full.reason, /machine is saturated/);
    assert.equal(isGeneratorBound({ generatorCpuPct: 97, serverCpuPct: 92, busiestThreadPct: 50, cpus: 2 }).bound, true);
    assert.equal(isGeneratorBound({ generatorCpuPct: 97, serverCpuPct: 95, busiestThreadPct: 50, cpus: 4 }).bound, true);
  });

  it('rejects inputs that are not measurements', () => {
    assert.throws(() => isGeneratorBound({ generatorCpuPct: NaN, serverCpuPct: 1, busiestThreadPct: 1, cpus: 2 }), RangeError);
    assert.throws(() => isGeneratorBound({ generatorCpuPct: 1, serverCpuPct: 1, busiestThreadPct: 1, cpus: 0 }), RangeError);
  });
});

describe('ResourceSampler on real processes', () => {
  /** A node child that prints a line, then runs `code`. */
  async function child(code: string): Promise<ChildProcess> {
    const proc = spawn(process.execPath, ['-e', `console.log('ready'); ${code}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(proc.stdout, 'data');
    return proc;
  }
  function kill(proc: ChildProcess): void {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  }
  /** Waits until `pid` has used `ticks` more clock ticks of CPU time (/proc/PID/stat): polled,
   * since /proc sends no events. */
  async function cpuTimeGrows(pid: number, ticks: number): Promise<void> {
    const used = (): number => {
      const { utime, stime } = readStat(pid);
      return utime + stime;
    };
    const until = used() + ticks;
    const deadline = Date.now() + 30_000;
    while (used() < until) {
      if (Date.now() > deadline) throw new Error(`process ${pid} used less than ${ticks} ticks of CPU time in 30 s`);
      await sleep(10);
    }
  }

  it('measures a spinning child: CPU, RSS and its busiest thread above zero', async () => {
    // Spins until killed, and is measured until it has used 5 ticks (50 ms at 100 Hz), however
    // little CPU a loaded machine gives it: enough for its busiest thread and the machine to show it.
    const proc = await child('for (;;);');
    try {
      const sampler = new ResourceSampler(proc.pid!, { intervalMs: 50 }).start();
      await cpuTimeGrows(proc.pid!, 5);
      const u = sampler.stop();
      assert.ok(u.serverCpuPct > 0, `serverCpuPct ${u.serverCpuPct}`);
      assert.ok(u.serverRssBytes > 0, `serverRssBytes ${u.serverRssBytes}`);
      assert.ok(u.busiestThreadPct > 0, `busiestThreadPct ${u.busiestThreadPct}`);
      assert.ok(u.samples >= 2 && u.wallMs > 0 && u.generatorCpuPct >= 0 && u.samplerMs >= 0);
      assert.equal(u.serverProcesses, 1);
      assert.ok(u.serverThreads >= 1);
      if (u.machineBusyPct !== undefined) assert.ok(u.machineBusyPct > 0);
      assert.throws(() => sampler.stop(), /already stopped/);
    } finally {
      kill(proc);
    }
  });

  it('fails clearly for a process that does not exist', () => {
    assert.throws(
      () => new ResourceSampler(2 ** 31 - 1).start(),
      (err: unknown) => err instanceof ResourceSamplerError && err.code === 'SERVER_GONE' && /not running/.test(err.message),
    );
  });

  it('fails clearly when the server exits during the interval', async () => {
    // killed once sampled, not on a timer of its own, which a loaded machine could let run out first
    const proc = await child('setInterval(() => {}, 1000);');
    try {
      const sampler = new ResourceSampler(proc.pid!, { intervalMs: 20 }).start();
      const exited = once(proc, 'exit');
      kill(proc);
      await exited; // reaped by now
      assert.throws(
        () => sampler.stop(),
        (err: unknown) => err instanceof ResourceSamplerError && err.code === 'SERVER_GONE',
      );
    } finally {
      kill(proc);
    }
  });
});
