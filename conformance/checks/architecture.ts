// Architecture fingerprints: each proves that a built-in server really is its design, from the
// outside: over TCP, and by reading the server's process under /proc (system/proc.ts). They
// cite no RFC: the section is 'http-lab architecture', and the requirement is the sentence that
// says what the design does.
//
// Rules:
// - A check applies to one design (`design`); the runner skips it, with the reason, for any other
//   target, and for a --url target, whose process it cannot see.
// - The runner runs them last and one at a time, so no other check's connection is in flight
//   while one counts threads, children or CPU time.
// - What the server did is a `fail` when it is not its design; what the harness could not read
//   (/proc missing, /proc/PID/syscall without ptrace access) throws, which the runner reports as an
//   `error`, never a pass.
// - Each check closes every connection it opened, also when its deadline passes (ctx.signal).
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAll, HeldConnection } from '../held-connection.js';
import {
  childPids,
  cpuShare,
  EPOLL_WAIT_SYSCALLS,
  epollSets,
  holdersOf,
  IO_URING_ENTER_SYSCALLS,
  mainThreadSyscall,
  socketFds,
  taskCount,
  tcpSockets,
  uringCompletions,
} from '../../system/proc.js';
import type { CheckTarget, ProcedureCheck, RunContext, Verdict } from '../types.js';
import { verdict } from '../verifiers.js';
import { get } from './requests.js';

export const ARCHITECTURE_SECTION = 'http-lab architecture';

/** The tunables, in one place. */
export const ARCH = {
  /** blocking: how long the second connection must stay unanswered while the first is open */
  silenceMs: 300,
  /** thread: idle connections opened; the server must gain at least this many threads */
  threadConnections: 8,
  /** process: connections that each send one request and stay open */
  processConnections: 5,
  /** async: connections answered while all are open */
  asyncConnections: 8,
  /** poll and epoll: client connections whose sockets are looked up */
  pollConnections: 2,
  epollConnections: 3,
  /** poll: the interval over which idle CPU time is measured */
  cpuIntervalMs: 1000,
  /**
   * poll: the least share of one core an idle busy-poll server uses. A loop that never sleeps uses
   * one core (100%) when it has it alone; every design that sleeps in a blocking call (accept,
   * recv, poll with a timeout, epoll_wait) uses well under 1% while idle. 50% sits between the two,
   * with a factor of two to spare on the low side, and a sleeping server would have to burn fifty
   * times what an idle one does to pass.
   * CPU time also measures the machine: on these 2-core machines under a full test run (load 20),
   * a loop that never sleeps gets a third of a core. So the same threshold also applies to the time
   * the main thread was runnable (on a CPU, or waiting in a run queue for one; /proc/PID/schedstat),
   * which stays near 100% for a loop that never sleeps whatever the load, and near 0% for a thread
   * that sleeps. Either measure passes the check; both are reported.
   */
  busyShare: 0.5,
  /** epoll: samples of /proc/PID/syscall, and the pause between them */
  syscallSamples: 10,
  syscallSampleMs: 20,
  /** uring: requests sent in turn on one connection, whose completions are counted */
  ringRequests: 10,
  /** how long to wait for N connections to be answered, at most (capped by the check's deadline) */
  answerMs: 3000,
  /** how long to wait for a thread count to settle */
  settleMs: 1000,
  /** how long a thread pool may take to give each new connection its thread: 4 Workers beyond the
   * spares start on a core that, in a loaded test run (load average 11), once took more than 2 s */
  growMs: 5000,
} as const;

/**
 * The syscalls in which a thread waits for bytes from one fd, their first argument, by process.arch.
 * A blocking recv is recvfrom on both (glibc has no recv syscall there); Python's is too.
 */
export const READ_SYSCALLS: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  x64: { 0: 'read', 19: 'readv', 45: 'recvfrom', 47: 'recvmsg' },
  arm64: { 63: 'read', 65: 'readv', 207: 'recvfrom', 212: 'recvmsg' },
};

/**
 * For each thread of `pid` blocked in one of `syscalls`, the fd it waits on: the first argument in
 * /proc/PID/task/TID/syscall ("NR ARG0 ARG1 ... SP PC", arguments in hex). Reading it needs ptrace
 * access to the process; without it this throws. A thread that ends while it is read is skipped.
 */
export function threadsReading(pid: number, syscalls: Readonly<Record<number, string>>): Map<number, number> {
  const reading = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/syscall`, 'latin1');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ESRCH') continue;
      throw new Error(`cannot read /proc/${pid}/task/${tid}/syscall (${code ?? (err as Error).message}): it needs ptrace access to the server process`);
    }
    const [nr, arg0] = text.trim().split(' ');
    if (nr !== undefined && arg0 !== undefined && Number(nr) in syscalls) reading.set(Number(tid), Number.parseInt(arg0, 16));
  }
  return reading;
}

const GET_INDEX = get('/index.html');

function base(design: string, slug: string, title: string, requirement: string): Omit<ProcedureCheck, 'run'> {
  return {
    id: `arch/${design}/${slug}`,
    section: ARCHITECTURE_SECTION,
    level: 'architecture',
    required: true,
    design,
    title,
    requirement,
    // /index.html is requested only to have connections answered (200) by a built-in server; what
    // is judged is the server's process under /proc, never the fixtures' bytes.
    needs: 'origin',
  };
}

/** The pid that the runner only calls these checks with. */
function pidOf(ctx: RunContext): number {
  if (ctx.pid === undefined) throw new Error('no pid: architecture checks need a built-in target');
  return ctx.pid;
}

function answerWait(ctx: RunContext): number {
  return Math.max(100, Math.min(ARCH.answerMs, ctx.timeoutMs * 0.6));
}

/** Opens `n` connections, sends GET /index.html on each, and waits until all are answered (or the
 * wait ends). Every connection stays open. */
async function openAnswered(target: CheckTarget, n: number, ctx: RunContext): Promise<{ conns: HeldConnection[]; answered: number }> {
  const conns = await HeldConnection.openMany(target, n, ctx.signal);
  try {
    for (const c of conns) c.write(GET_INDEX);
    const wait = answerWait(ctx);
    const done = await Promise.all(conns.map((c) => c.waitResponses(1, wait)));
    const answered = done.filter(Boolean).length;
    return { conns, answered };
  } catch (err) {
    closeAll(conns);
    throw err;
  }
}

/** The status of the first response of each connection, in words. */
function statuses(conns: readonly HeldConnection[]): string {
  return conns.map((c) => c.responses()[0]?.status ?? 'none').join(', ');
}

/** Fails unless every connection was answered with 200 while all of them were open. */
function allAnswered(conns: readonly HeldConnection[], answered: number): Verdict | undefined {
  const ok = conns.every((c) => c.responses()[0]?.status === 200);
  if (answered === conns.length && ok) return undefined;
  return verdict(
    false,
    `all ${conns.length} connections answered 200 while all are open`,
    `${answered} of ${conns.length} answered while all were open (statuses: ${statuses(conns)})`,
  );
}

/** The inode of the server's end of each connection (undefined while not accepted): the socket
 * whose local port is the server's and whose remote port is the connection's. The socket table is
 * read once for all of them: with a thousand sockets on a loaded machine, one read of
 * /proc/PID/net/tcp took over half a second. */
function serverInodes(pid: number, target: CheckTarget, conns: readonly HeldConnection[]): Array<number | undefined> {
  const sockets = tcpSockets(pid);
  return conns.map((c) => sockets.find((s) => s.localPort === target.port && s.remotePort === c.localPort && s.inode !== 0)?.inode);
}

/** The ids of the threads of `pid` (/proc/PID/task). */
function taskIds(pid: number): Set<number> {
  return new Set(readdirSync(`/proc/${pid}/task`).map(Number));
}

/** Waits until the task count has stopped changing: three equal samples in a row (or settleMs). */
async function taskCountSettled(pid: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + ARCH.settleMs;
  let samples = [taskCount(pid)];
  while (Date.now() < deadline) {
    await sleep(50, undefined, { signal });
    samples = [...samples.slice(-2), taskCount(pid)];
    if (samples.length === 3 && samples.every((s) => s === samples[0])) break;
  }
}

const blocking: ProcedureCheck = {
  ...base(
    'blocking',
    'one-connection-at-a-time',
    'A second connection is answered only after the first one closes',
    'A blocking server serves one connection at a time: while one client holds its connection open, the next client waits unanswered.',
  ),
  async run(target, ctx) {
    const first = await HeldConnection.open(target, ctx.signal);
    let second: HeldConnection | undefined;
    try {
      first.write(GET_INDEX);
      // A server that answers nothing says nothing about its design: wait until the deadline, which
      // the runner reports as an error.
      await first.waitResponses(1, ctx.timeoutMs);
      if (first.responses()[0]?.status !== 200) {
        return verdict(false, 'the first connection answered 200', `the first connection got: ${statuses([first])}`);
      }
      second = await HeldConnection.open(target, ctx.signal);
      second.write(GET_INDEX);
      const early = await second.until((c) => c.received.length > 0, ARCH.silenceMs);
      const expected = `no byte on the second connection for ${ARCH.silenceMs} ms while the first is open; its answer (200) once the first closes`;
      if (early) {
        return verdict(false, expected, `the second connection got ${second.received.length} bytes while the first was still open`);
      }
      first.close();
      const answered = await second.waitResponses(1, answerWait(ctx));
      const status = second.responses()[0]?.status;
      return verdict(
        answered && status === 200,
        expected,
        answered
          ? `silent for ${ARCH.silenceMs} ms, then ${status} once the first closed`
          : `silent for ${ARCH.silenceMs} ms, and still no answer ${answerWait(ctx)} ms after the first closed`,
      );
    } finally {
      first.close();
      second?.close();
    }
  },
};

const thread: ProcedureCheck = {
  ...base(
    'thread',
    'thread-per-connection',
    `${ARCH.threadConnections} idle connections are each held by an OS thread of their own, blocked in recv on it`,
    'A thread-per-connection server runs one OS thread per open connection: each waits in a blocking read on its own connection.',
  ),
  async run(target, ctx) {
    const pid = pidOf(ctx);
    const n = ARCH.threadConnections;
    const syscalls = READ_SYSCALLS[process.arch];
    if (syscalls === undefined) throw new Error(`no read syscall numbers known for ${process.arch}`);
    const before = taskCount(pid);
    const conns = await HeldConnection.openMany(target, n, ctx.signal);
    try {
      // Sampled until every connection has been seen with a thread waiting on it, or growMs: a thread
      // pool may still be starting threads, and a thread that reads in slices is briefly out of recv.
      // A thread seen waiting on two of the connections serves more than one: it counts for none.
      const connOf = new Map<number, number>(); // tid → the connection it was seen waiting on
      const shared = new Set<number>();
      const own = (): number[][] => conns.map((_, i) => [...connOf].filter(([tid, c]) => c === i && !shared.has(tid)).map(([tid]) => tid));
      let fds: number[][] = [];
      const deadline = Date.now() + ARCH.growMs;
      for (let first = true; first || (own().some((t) => t.length === 0) && Date.now() < deadline); first = false) {
        if (!first) await sleep(25, undefined, { signal: ctx.signal });
        fds = serverFds(pid, serverInodes(pid, target, conns));
        for (const [tid, fd] of threadsReading(pid, syscalls)) {
          const i = fds.findIndex((f) => f.includes(fd));
          if (i < 0) continue;
          if (connOf.has(tid) && connOf.get(tid) !== i) shared.add(tid);
          connOf.set(tid, i);
        }
      }
      const holders = own();
      const each = holders.map((tids, i) =>
        fds[i]!.length === 0 ? 'not in the server process' : `fd ${fds[i]!.join('+')} ← ${tids.length ? `thread ${tids.join('+')}` : 'no thread'}`,
      );
      const waiting = holders.filter((tids) => tids.length > 0).length;
      return verdict(
        waiting === n,
        `each of ${n} idle connections open in the server process, and a thread of its own (/proc/${pid}/task/TID/syscall) blocked in ${Object.values(syscalls).join('/')} on its fd`,
        `${waiting} of ${n} connections held by a thread of their own (threads: ${before} before, ${taskCount(pid)} with ${n} open${shared.size ? `; ${shared.size} seen waiting on several` : ''}): ${each.join('; ')}`,
      );
    } finally {
      closeAll(conns);
    }
  },
};

const processPerConnection: ProcedureCheck = {
  ...base(
    'process',
    'process-per-connection',
    `${ARCH.processConnections} open connections are each served by a child process of their own`,
    'A process-per-connection server serves each open connection in a child process of its own.',
  ),
  async run(target, ctx) {
    const pid = pidOf(ctx);
    const n = ARCH.processConnections;
    const { conns, answered } = await openAnswered(target, n, ctx);
    try {
      const notAnswered = allAnswered(conns, answered);
      if (notAnswered) return notAnswered;
      const children = childPids(pid);
      const holders = serverInodes(pid, target, conns).map((inode) => (inode === undefined ? [] : holdersOf(inode, children)));
      const distinct = new Set(holders.flat());
      const each = holders.map((h) => (h.length ? h.join('+') : 'none')).join(', ');
      return verdict(
        children.length >= n && holders.every((h) => h.length > 0) && distinct.size >= n,
        `at least ${n} live children, and each connection's socket held by a different child`,
        `${children.length} live children [${children.join(', ')}]; the connections' sockets are held by children: ${each}`,
      );
    } finally {
      closeAll(conns);
    }
  },
};

const asyncSingleThread: ProcedureCheck = {
  ...base(
    'async',
    'one-thread-all-connections',
    `${ARCH.asyncConnections} connections are answered at once by the server process itself, with no thread or child per connection`,
    'An asynchronous server serves every connection from one JavaScript thread, with no thread and no child process per connection.',
  ),
  async run(target, ctx) {
    const pid = pidOf(ctx);
    const n = ARCH.asyncConnections;
    // One request first, so that lazily started helper threads (libuv's pool) exist before counting.
    const warm = await openAnswered(target, 1, ctx);
    closeAll(warm.conns);
    await taskCountSettled(pid, ctx.signal);
    // Threads are told apart by id, not counted: a thread that the warm-up connection started may
    // still be ending (on a loaded machine, after the count seemed settled), and its end would hide
    // one started for the connections below.
    const idsBefore = taskIds(pid);
    const { conns, answered } = await openAnswered(target, n, ctx);
    try {
      const notAnswered = allAnswered(conns, answered);
      if (notAnswered) return notAnswered;
      const ids = taskIds(pid);
      const started = [...ids].filter((id) => !idsBefore.has(id)).length;
      const children = childPids(pid);
      const inodes = serverInodes(pid, target, conns);
      const own = socketFds(pid);
      const held = inodes.filter((inode) => inode !== undefined && own.has(inode)).length;
      return verdict(
        started < n && children.length === 0 && held === n,
        `fewer than ${n} threads started; no child process; all ${n} sockets open in the server process itself`,
        `threads ${idsBefore.size} → ${ids.size} (${started} started); ${children.length} children; ${held} of ${n} sockets in the server process`,
      );
    } finally {
      closeAll(conns);
    }
  },
};

const pollBusy: ProcedureCheck = {
  ...base(
    'poll',
    'busy-while-idle',
    `An idle server keeps polling: it uses, or waits for, at least ${ARCH.busyShare * 100}% of a core`,
    'A busy-poll server polls its sockets in a loop that never sleeps: even while idle, it keeps a CPU core busy, or waits for one.',
  ),
  async run(_target, ctx) {
    const pid = pidOf(ctx);
    const sample = await cpuShare(pid, ARCH.cpuIntervalMs, ctx.signal);
    const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
    const runnable = sample.runnableShare;
    return verdict(
      sample.share >= ARCH.busyShare || (runnable ?? 0) >= ARCH.busyShare,
      `while idle, CPU time (utime + stime, /proc/${pid}/stat) ≥ ${pct(ARCH.busyShare)} of a core, ` +
        `or the main thread runnable (on a CPU or queued for one, /proc/${pid}/schedstat) ≥ ${pct(ARCH.busyShare)} of the time`,
      `${pct(sample.share)} of a core (${sample.cpuMs.toFixed(0)} ms CPU in ${sample.wallMs.toFixed(0)} ms); ` +
        (runnable === undefined ? 'no schedstat' : `main thread runnable ${pct(runnable)} of the time`),
    );
  },
};

/** The server's fds for our connections' sockets, by connection; [] where it holds none. */
function serverFds(pid: number, inodes: ReadonlyArray<number | undefined>): number[][] {
  const own = socketFds(pid);
  return inodes.map((inode) => (inode === undefined ? [] : (own.get(inode) ?? [])));
}

/** For each connection, the eventpoll fds of `pid` whose set watches its socket. */
function epollWatchers(pid: number, inodes: ReadonlyArray<number | undefined>, fds: readonly number[][]): number[][] {
  const sets = epollSets(pid);
  return inodes.map((inode, i) => {
    const watchers: number[] = [];
    for (const [epfd, entries] of sets) {
      // Match by inode where the kernel prints it; by fd number otherwise.
      const hit = entries.some((e) => (e.inode !== undefined ? e.inode === inode : fds[i]!.includes(e.tfd)));
      if (hit) watchers.push(epfd);
    }
    return watchers;
  });
}

const pollNoEpoll: ProcedureCheck = {
  ...base(
    'poll',
    'no-epoll',
    'No client socket of the server is registered in an epoll set',
    'A poll server watches its client sockets with poll(2), not epoll: none of them is registered in an epoll set.',
  ),
  async run(target, ctx) {
    const pid = pidOf(ctx);
    const { conns, answered } = await openAnswered(target, ARCH.pollConnections, ctx);
    try {
      const notAnswered = allAnswered(conns, answered);
      if (notAnswered) return notAnswered;
      const inodes = serverInodes(pid, target, conns);
      const fds = serverFds(pid, inodes);
      const expected = `each client socket open in the server process, and in no eventpoll set (/proc/${pid}/fdinfo)`;
      if (fds.some((f) => f.length === 0)) {
        return verdict(false, expected, `client sockets found in the server process: fds ${fds.map((f) => f.join('+') || 'none').join(', ')}`);
      }
      const watchers = epollWatchers(pid, inodes, fds);
      const listed = watchers.flatMap((w, i) => (w.length ? [`fd ${fds[i]!.join('+')} in eventpoll fd ${w.join('+')}`] : []));
      return verdict(
        listed.length === 0,
        expected,
        listed.length === 0 ? `client socket fds ${fds.map((f) => f.join('+')).join(', ')}: in no epoll set` : listed.join('; '),
      );
    } finally {
      closeAll(conns);
    }
  },
};

const epollRegistered: ProcedureCheck = {
  ...base(
    'epoll',
    'clients-in-epoll-set',
    "Every client socket is registered in an epoll set of the server's",
    'An epoll server registers every client socket in an epoll set it created, and learns from that set which sockets are ready.',
  ),
  async run(target, ctx) {
    const pid = pidOf(ctx);
    const { conns, answered } = await openAnswered(target, ARCH.epollConnections, ctx);
    try {
      const notAnswered = allAnswered(conns, answered);
      if (notAnswered) return notAnswered;
      const inodes = serverInodes(pid, target, conns);
      const fds = serverFds(pid, inodes);
      const expected = `each client socket open in the server process and listed by a tfd: line of one of its eventpoll fds (/proc/${pid}/fdinfo)`;
      if (fds.some((f) => f.length === 0)) {
        return verdict(false, expected, `client sockets found in the server process: fds ${fds.map((f) => f.join('+') || 'none').join(', ')}`);
      }
      const watchers = epollWatchers(pid, inodes, fds);
      const each = watchers.map((w, i) => `fd ${fds[i]!.join('+')} → ${w.length ? `eventpoll fd ${w.join('+')}` : 'no epoll set'}`);
      return verdict(
        watchers.every((w) => w.length > 0),
        expected,
        each.join('; '),
      );
    } finally {
      closeAll(conns);
    }
  },
};

/** Samples /proc/PID/syscall of an idle server's main thread, one idle client connection open so
 * that the wait covers a client socket too: the verdict is whether it was in one of `names` in at
 * least half of the samples. */
async function idleMainThreadIn(target: CheckTarget, ctx: RunContext, names: Readonly<Record<number, string>>): Promise<Verdict> {
  const pid = pidOf(ctx);
  const { conns } = await openAnswered(target, 1, ctx);
  try {
    const seen: string[] = [];
    for (let i = 0; i < ARCH.syscallSamples; i++) {
      if (i > 0) await sleep(ARCH.syscallSampleMs, undefined, { signal: ctx.signal });
      let nr: ReturnType<typeof mainThreadSyscall>;
      try {
        nr = mainThreadSyscall(pid);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        throw new Error(`cannot read /proc/${pid}/syscall (${code}): it needs ptrace access to the server process`);
      }
      seen.push(typeof nr === 'number' ? (names[nr] ?? `syscall ${nr}`) : nr);
    }
    const waiting = seen.filter((s) => Object.values(names).includes(s)).length;
    const counts = [...new Set(seen)].map((s) => `${s} ×${seen.filter((x) => x === s).length}`).join(', ');
    return verdict(
      waiting * 2 >= seen.length,
      `the main thread in ${Object.values(names).join('/')} in at least half of ${ARCH.syscallSamples} samples of /proc/${pid}/syscall`,
      `${counts} (${process.arch})`,
    );
  } finally {
    closeAll(conns);
  }
}

const epollWaits: ProcedureCheck = {
  ...base(
    'epoll',
    'waits-in-epoll-wait',
    'While idle, the main thread waits in epoll_wait',
    "An idle epoll server's main thread blocks in epoll_wait (or epoll_pwait) until a socket in its set is ready.",
  ),
  run(target, ctx) {
    const names = EPOLL_WAIT_SYSCALLS[process.arch];
    if (names === undefined) throw new Error(`no epoll_wait syscall numbers known for ${process.arch}`);
    return idleMainThreadIn(target, ctx, names);
  },
};

const uringWaits: ProcedureCheck = {
  ...base(
    'uring',
    'waits-in-io-uring-enter',
    'While idle, the main thread waits in io_uring_enter',
    "An idle io_uring server's main thread blocks in io_uring_enter, waiting for completions of the operations it submitted.",
  ),
  run(target, ctx) {
    const names = IO_URING_ENTER_SYSCALLS[process.arch];
    if (names === undefined) throw new Error(`no io_uring_enter syscall number known for ${process.arch}`);
    return idleMainThreadIn(target, ctx, names);
  },
};

const uringCompletes: ProcedureCheck = {
  ...base(
    'uring',
    'requests-complete-in-the-ring',
    "Each request's receive and send complete in the server's io_uring",
    'An io_uring server holds an io_uring, and moves the bytes of every request through it: the receive of the request and the send of its response each post a completion to the ring.',
  ),
  async run(target, ctx) {
    const pid = pidOf(ctx);
    const { conns, answered } = await openAnswered(target, 1, ctx);
    try {
      const conn = conns[0]!;
      if (answered !== 1) return verdict(false, 'a connection answered 200', `got: ${statuses(conns)}`);
      const before = uringCompletions(pid);
      if (before.size === 0) return verdict(false, 'the server holds an anon_inode:[io_uring] descriptor', `none among the fds of /proc/${pid}/fd`);
      // One at a time: each request is received, and answered, on its own.
      for (let i = 1; i <= ARCH.ringRequests; i++) {
        conn.write(GET_INDEX);
        if (!(await conn.waitResponses(1 + i, answerWait(ctx)))) return verdict(false, `${ARCH.ringRequests} requests answered in turn`, `${i - 1} answered`);
      }
      const after = uringCompletions(pid);
      const grew = [...after].map(([fd, n]) => ({ fd, n: n - (before.get(fd) ?? n) }));
      const most = Math.max(...grew.map((g) => g.n));
      return verdict(
        most >= 2 * ARCH.ringRequests,
        `at least ${2 * ARCH.ringRequests} completions (a receive and a send each) in one io_uring for ${ARCH.ringRequests} requests on one connection`,
        grew.map((g) => `io_uring fd ${g.fd}: ${g.n} completions`).join('; '),
      );
    } finally {
      closeAll(conns);
    }
  },
};

export const architectureChecks: ProcedureCheck[] = [
  blocking,
  thread,
  processPerConnection,
  asyncSingleThread,
  pollBusy,
  pollNoEpoll,
  epollRegistered,
  epollWaits,
  uringCompletes,
  uringWaits,
];
