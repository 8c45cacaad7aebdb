// Readers of Linux /proc, for the architecture checks: what a server process is made of (threads,
// children, CPU time, open sockets, epoll sets, the syscall its main thread waits in). Each reader
// takes a pid and reads only; none of them signals or traces the process.
//
// Rules:
// - A process or fd that goes away while it is read is skipped (ENOENT, ESRCH), never an error: the
//   kernel's lists change under us.
// - Any other read failure (no /proc, EACCES) throws with the path and the code: a check turns it
//   into an `error` (the harness could not judge), never a pass.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

function gone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ESRCH';
}

export interface ProcStat {
  pid: number;
  comm: string;
  /** R running, S sleeping, D disk sleep, Z zombie, ... */
  state: string;
  ppid: number;
  /** user and system CPU time, in clock ticks */
  utime: number;
  stime: number;
  threads: number;
}

/** Parses /proc/PID/stat. The command name sits in parentheses and may itself hold spaces and
 * parentheses, so fields are counted from the last ')'. Throws when the process does not exist. */
export function readStat(pid: number): ProcStat {
  return parseStat(pid, readFileSync(`/proc/${pid}/stat`, 'latin1'));
}

export function parseStat(pid: number, text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  // after ') ': field 3 (state) is rest[0], so field N is rest[N - 3]
  const rest = text.slice(close + 2).trim().split(/\s+/);
  const field = (n: number): number => Number(rest[n - 3]);
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    threads: field(20),
  };
}

/** The process exists and is neither a zombie nor dead. */
export function isAlive(pid: number): boolean {
  try {
    const { state } = readStat(pid);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** OS threads (tasks) of the process: the entries of /proc/PID/task. */
export function taskCount(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).length;
}

/** Live (not zombie) child processes of `pid`, found by scanning every /proc/N/stat for its ppid.
 * (/proc/PID/task/TID/children needs CONFIG_PROC_CHILDREN, which not every kernel has.) */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readStat(Number(name));
      if (stat.ppid === pid && stat.state !== 'Z' && stat.state !== 'X') children.push(stat.pid);
    } catch (err) {
      if (!gone(err)) throw err;
    }
  }
  return children.sort((a, b) => a - b);
}

let ticksPerSecond: number | undefined;

/** Clock ticks per second (USER_HZ), the unit of utime and stime: `getconf CLK_TCK`, which is 100
 * on every Linux architecture Node runs on; 100 when getconf is missing. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 2000 }).trim());
      ticksPerSecond = Number.isInteger(n) && n > 0 ? n : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export interface CpuSample {
  /** CPU time (all threads) over wall time: 1 is one core kept busy the whole interval */
  share: number;
  cpuMs: number;
  wallMs: number;
  /** the main thread's time on a CPU or waiting in a run queue for one, over wall time, from
   * /proc/PID/schedstat (absent where the kernel has no schedstats): near 1 for a thread that never
   * sleeps, however many other processes compete for the cores */
  runnableShare?: number;
}

/** The main thread's time on a CPU and waiting for one, in ns (/proc/PID/schedstat), or undefined
 * where the kernel does not provide the file. */
export function readSchedstat(pid: number): { runNs: number; waitNs: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/schedstat`, 'latin1');
  } catch (err) {
    if (gone(err)) {
      readStat(pid); // throws when the process itself is gone
      return undefined;
    }
    throw err;
  }
  const [run, wait] = text.trim().split(/\s+/).map(Number);
  return run === undefined || wait === undefined || Number.isNaN(run) || Number.isNaN(wait) ? undefined : { runNs: run, waitNs: wait };
}

/** CPU time (user + system, all threads) that `pid` uses over `ms` of wall time, and how much of
 * that time its main thread was runnable. */
export async function cpuShare(pid: number, ms: number, signal?: AbortSignal): Promise<CpuSample> {
  const ticks = (): number => {
    const s = readStat(pid);
    return s.utime + s.stime;
  };
  const hz = clockTicksPerSecond();
  const t0 = performance.now();
  const c0 = ticks();
  const s0 = readSchedstat(pid);
  await sleep(ms, undefined, signal ? { signal } : {});
  const c1 = ticks();
  const s1 = readSchedstat(pid);
  const wallMs = performance.now() - t0;
  const cpuMs = ((c1 - c0) * 1000) / hz;
  const runnable = s0 && s1 ? (s1.runNs - s0.runNs + s1.waitNs - s0.waitNs) / 1e6 : undefined;
  return { share: cpuMs / wallMs, cpuMs, wallMs, ...(runnable !== undefined ? { runnableShare: runnable / wallMs } : {}) };
}

/** fd number → link target ('socket:[123]', 'anon_inode:[eventpoll]', a path, ...). */
export function fdLinks(pid: number): Map<number, string> {
  const links = new Map<number, string>();
  for (const name of readdirSync(`/proc/${pid}/fd`)) {
    try {
      links.set(Number(name), readlinkSync(`/proc/${pid}/fd/${name}`));
    } catch (err) {
      if (!gone(err)) throw err;
    }
  }
  return links;
}

/** socket inode → the fds of `pid` that refer to it. */
export function socketFds(pid: number): Map<number, number[]> {
  const byInode = new Map<number, number[]>();
  for (const [fd, link] of fdLinks(pid)) {
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (!m) continue;
    const inode = Number(m[1]);
    byInode.set(inode, [...(byInode.get(inode) ?? []), fd]);
  }
  return byInode;
}

export interface EpollEntry {
  /** the fd number the file had when it was added (epoll_ctl) */
  tfd: number;
  /** the watched file's inode, printed since Linux 3.8 */
  inode?: number;
  events: number;
}

/** For each anon_inode:[eventpoll] fd of `pid`, the files its set watches, from the `tfd:` lines of
 * /proc/PID/fdinfo/FD. */
export function epollSets(pid: number): Map<number, EpollEntry[]> {
  const sets = new Map<number, EpollEntry[]>();
  for (const [fd, link] of fdLinks(pid)) {
    if (link !== 'anon_inode:[eventpoll]') continue;
    let info: string;
    try {
      info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'latin1');
    } catch (err) {
      if (gone(err)) continue;
      throw err;
    }
    sets.set(fd, parseEpollFdinfo(info));
  }
  return sets;
}

/** The `tfd:` lines of an eventpoll fdinfo, e.g.
 * `tfd:       15 events:       19 data:                f  pos:0 ino:39a1f3 sdev:f` (ino in hex). */
export function parseEpollFdinfo(info: string): EpollEntry[] {
  const entries: EpollEntry[] = [];
  for (const line of info.split('\n')) {
    const m = /^tfd:\s*(\d+)\s+events:\s*([0-9a-f]+)/i.exec(line);
    if (!m) continue;
    const ino = /\bino:\s*([0-9a-f]+)/i.exec(line);
    entries.push({ tfd: Number(m[1]), events: parseInt(m[2]!, 16), ...(ino ? { inode: parseInt(ino[1]!, 16) } : {}) });
  }
  return entries;
}

export interface TcpSocket {
  localPort: number;
  remotePort: number;
  /** the kernel's TCP state number (1 ESTABLISHED, 10 LISTEN, ...) */
  state: number;
  /** 0 while a connection waits in the accept queue: no file refers to it yet */
  inode: number;
}

/** The TCP sockets of the network namespace `pid` lives in (/proc/PID/net/tcp and tcp6). */
export function tcpSockets(pid: number): TcpSocket[] {
  const sockets: TcpSocket[] = [];
  for (const file of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'latin1');
    } catch (err) {
      if (gone(err)) continue; // no IPv6
      throw err;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const port = (addr: string): number => parseInt(addr.slice(addr.lastIndexOf(':') + 1), 16);
      sockets.push({ localPort: port(f[1]!), remotePort: port(f[2]!), state: parseInt(f[3]!, 16), inode: Number(f[9]) });
    }
  }
  return sockets;
}

/** The inode of the server's end of the connection from `clientPort` to `serverPort`: the socket
 * whose local port is the server's and whose remote port is ours. Undefined while not accepted. */
export function serverSideInode(pid: number, serverPort: number, clientPort: number): number | undefined {
  const found = tcpSockets(pid).find((s) => s.localPort === serverPort && s.remotePort === clientPort && s.inode !== 0);
  return found?.inode;
}

/** The processes among `pids` that hold a socket with `inode` open. */
export function holdersOf(inode: number, pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    try {
      return socketFds(pid).has(inode);
    } catch (err) {
      if (gone(err)) return false;
      throw err;
    }
  });
}

/** The syscalls that wait on an epoll set, by process.arch. */
export const EPOLL_WAIT_SYSCALLS: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  x64: { 232: 'epoll_wait', 281: 'epoll_pwait', 441: 'epoll_pwait2' },
  // arm64 uses the generic table, which has no epoll_wait
  arm64: { 22: 'epoll_pwait', 441: 'epoll_pwait2' },
};

/** What the main thread of `pid` is doing: the number of the syscall it is blocked in, 'running',
 * or 'blocked' (blocked, but not in a syscall). Reading /proc/PID/syscall needs ptrace access to
 * the process; without it this throws (EACCES or EPERM). */
export function mainThreadSyscall(pid: number): number | 'running' | 'blocked' {
  const text = readFileSync(`/proc/${pid}/syscall`, 'latin1').trim();
  if (text === 'running') return 'running';
  const nr = Number(text.split(' ')[0]);
  if (!Number.isInteger(nr)) throw new Error(`unexpected /proc/${pid}/syscall: "${text.slice(0, 60)}"`);
  return nr < 0 ? 'blocked' : nr;
}
