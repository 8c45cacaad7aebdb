// Readers of Linux /proc, shared by the instruments that look at a server from outside: the
// architecture checks (conformance/: what a server process is made of: threads, children, open
// sockets, epoll sets, the syscall its main thread waits in) and the load tester's resource sampler
// (loadtest/: CPU time, resident memory, the process tree, the machine's CPU, which process listens
// on a port). Each reader takes a pid (or a port) and reads only; none of them signals or traces the
// process. The text formats are parsed by small pure functions (parse*), testable on synthetic text.
//
// Rules:
// - A process or fd that goes away while it is read is skipped (ENOENT, ESRCH), never an error: the
//   kernel's lists change under us.
// - Any other read failure (no /proc, EACCES) throws with the path and the code: a check turns it
//   into an `error` (the harness could not judge), never a pass; the sampler fails with a reason.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The error says that the process (or fd) went away while it was read: ENOENT or ESRCH. */
export function gone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ESRCH';
}

const smallBuffer = Buffer.allocUnsafe(4096);

/** A small /proc file (stat, statm, uptime) as latin1 text. /proc files report size 0, so
 * readFileSync allocates a 64 KiB buffer for each read; one shared buffer and three syscalls halve
 * the cost of a /proc scan, which the load tester's sampler repeats every 100 ms. Larger files fall
 * back to readFileSync. */
function readSmall(path: string): string {
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, smallBuffer, 0, smallBuffer.length, 0);
  } finally {
    closeSync(fd);
  }
  return n < smallBuffer.length ? smallBuffer.toString('latin1', 0, n) : readFileSync(path, 'latin1');
}

export interface ProcStat {
  pid: number;
  comm: string;
  /** R running, S sleeping, D disk sleep, Z zombie, ... */
  state: string;
  ppid: number;
  /** user and system CPU time, in clock ticks: of the whole process (all its threads, live and
   * exited) in /proc/PID/stat, of the one thread in /proc/PID/task/TID/stat */
  utime: number;
  stime: number;
  /** user and system CPU time of the children this process has waited for (reaped), and of their own
   * reaped children, in clock ticks; process-wide, also in a thread's stat */
  cutime: number;
  cstime: number;
  threads: number;
  /** when the process (or thread) started, in clock ticks after boot: with the pid, it tells a
   * process from a later one that reuses its pid */
  starttime: number;
  /** resident set size in pages: the same counter as field 2 of /proc/PID/statm; 0 for a zombie */
  rssPages: number;
}

/** Parses /proc/PID/stat. The command name sits in parentheses and may itself hold spaces and
 * parentheses, so fields are counted from the last ')'. Throws when the process does not exist. */
export function readStat(pid: number): ProcStat {
  return parseStat(pid, readSmall(`/proc/${pid}/stat`));
}

export function parseStat(pid: number, text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  // after ') ': field 3 (state) is rest[0], so field N is rest[N - 3]
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const field = (n: number): number => Number(rest[n - 3]);
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    threads: field(20),
    starttime: field(22),
    rssPages: field(24),
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

/** Every process this pid namespace shows, by pid: one readdir of /proc and one read of each
 * /proc/N/stat, zombies included (state 'Z'). A process that exits during the scan is skipped, and so
 * is one whose stat we may not read (EACCES, EPERM: /proc mounted with hidepid): it cannot be judged,
 * and it must not stop a scan of the whole machine. Throws when /proc itself cannot be listed. */
export function scanProcesses(): Map<number, ProcStat> {
  const table = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue; // not a pid: self, net, sys, ...
    try {
      const stat = readStat(Number(name));
      table.set(stat.pid, stat);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (!gone(err) && code !== 'EACCES' && code !== 'EPERM') throw err;
    }
  }
  return table;
}

/** `root` and all its descendants in `table` (a scanProcesses result), root first, then breadth
 * first. Zombies are included: a zombie's CPU time is not in its parent's cutime until the parent
 * reaps it. Empty when `root` is not in the table. Pure. */
export function treeOf(root: number, table: ReadonlyMap<number, ProcStat>): ProcStat[] {
  const rootStat = table.get(root);
  if (!rootStat) return [];
  const children = new Map<number, ProcStat[]>();
  for (const stat of table.values()) {
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(stat);
    else children.set(stat.ppid, [stat]);
  }
  const tree = [rootStat];
  const seen = new Set([root]);
  for (let i = 0; i < tree.length; i++) {
    for (const child of children.get(tree[i]!.pid) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      tree.push(child);
    }
  }
  return tree;
}

/** The process `root` and all its descendants (zombies included), from a single scan of /proc,
 * however deep the tree. Throws (code ESRCH) when `root` does not exist. */
export function processTree(root: number): ProcStat[] {
  const tree = treeOf(root, scanProcesses());
  if (tree.length === 0) throw Object.assign(new Error(`/proc/${root}: no such process`), { code: 'ESRCH' });
  return tree;
}

/** The stat of each thread (task) of `pid`, from /proc/PID/task/TID/stat; `pid` in each is the
 * thread's id, and utime and stime are that thread's own. A thread that exits while read is skipped;
 * throws when the process does not exist. */
export function threadStats(pid: number): ProcStat[] {
  const threads: ProcStat[] = [];
  for (const name of readdirSync(`/proc/${pid}/task`)) {
    try {
      threads.push(parseStat(Number(name), readSmall(`/proc/${pid}/task/${name}/stat`)));
    } catch (err) {
      if (!gone(err)) throw err;
    }
  }
  return threads;
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

let bytesPerPage: number | undefined;

/** The page size in bytes, the unit of statm and of ProcStat.rssPages: `getconf PAGESIZE` (4096 on
 * x64, up to 65536 on some arm64 kernels); 4096 when getconf is missing. */
export function pageSize(): number {
  if (bytesPerPage === undefined) {
    try {
      const n = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8', timeout: 2000 }).trim());
      bytesPerPage = Number.isInteger(n) && n > 0 ? n : 4096;
    } catch {
      bytesPerPage = 4096;
    }
  }
  return bytesPerPage;
}

export interface Statm {
  /** total program size, resident set size and resident shared (file-backed) pages, in pages */
  sizePages: number;
  residentPages: number;
  sharedPages: number;
}

/** /proc/PID/statm: `size resident shared text lib data dt`, in pages. */
export function parseStatm(text: string): Statm {
  const [size, resident, shared] = text.trim().split(/\s+/).map(Number);
  if (size === undefined || resident === undefined || shared === undefined || [size, resident, shared].some(Number.isNaN)) {
    throw new Error(`unexpected statm: "${text.trim().slice(0, 60)}"`);
  }
  return { sizePages: size, residentPages: resident, sharedPages: shared };
}

/** Resident memory of `pid` in bytes (statm's resident × the page size): pages it shares with other
 * processes count in full. Throws when the process does not exist. */
export function readRssBytes(pid: number): number {
  return parseStatm(readSmall(`/proc/${pid}/statm`)).residentPages * pageSize();
}

export interface MachineCpu {
  /** clock ticks spent busy (everything but idle and iowait), and in all, summed over the CPUs */
  busyTicks: number;
  totalTicks: number;
  /** the cpuN lines: CPUs online */
  cpus: number;
}

/** The Pss line of /proc/PID/smaps_rollup, in bytes: the process's resident pages, each shared page
 * divided among the processes that map it. Summed over a process tree it counts every page once,
 * where summed RSS counts a page shared by N processes N times. */
export function parsePssBytes(text: string): number {
  const m = /^Pss:\s+(\d+) kB$/m.exec(text);
  if (m === null) throw new Error('no Pss line in smaps_rollup');
  return Number(m[1]) * 1024;
}

export function readPssBytes(pid: number): number {
  return parsePssBytes(readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'));
}

/** The aggregate `cpu` line of /proc/stat: `cpu user nice system idle iowait irq softirq steal guest
 * guest_nice`, in clock ticks since boot. Busy is all but idle and iowait; steal (time a hypervisor
 * gave to someone else) counts as busy, since this machine could not use it. guest and guest_nice are
 * left out of the total because user and nice already include them. */
export function parseProcStat(text: string): MachineCpu {
  let cpuLine: number[] | undefined;
  let cpus = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu ')) cpuLine = line.slice(4).trim().split(/\s+/).map(Number);
    else if (/^cpu\d+\s/.test(line)) cpus++;
  }
  if (!cpuLine || cpuLine.length < 4 || cpuLine.some(Number.isNaN)) throw new Error('unexpected /proc/stat: no aggregate cpu line');
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpuLine;
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { busyTicks: total - idle - iowait, totalTicks: total, cpus: Math.max(cpus, 1) };
}

/** The machine's CPU time so far (/proc/stat). */
export function readMachineCpu(): MachineCpu {
  return parseProcStat(readFileSync('/proc/stat', 'latin1'));
}

/** /proc/uptime: `seconds-since-boot idle-seconds`; the first, in seconds. */
export function parseUptime(text: string): number {
  const seconds = Number(text.trim().split(/\s+/)[0]);
  if (text.trim() === '' || !Number.isFinite(seconds)) throw new Error(`unexpected /proc/uptime: "${text.trim().slice(0, 60)}"`);
  return seconds;
}

/** Time since boot in clock ticks, the clock of ProcStat.starttime (both count from boot, both
 * rounded down to a tick): a thread whose starttime is at least this was started after this call. */
export function uptimeTicks(): number {
  return Math.floor(parseUptime(readSmall('/proc/uptime')) * clockTicksPerSecond() + 1e-6);
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
  return new Map([...anonInodeFdinfo(pid, 'eventpoll')].map(([fd, info]) => [fd, parseEpollFdinfo(info)]));
}

/** /proc/PID/fdinfo/FD of each anon_inode:[kind] fd of `pid` (eventpoll, io_uring); an fd closed
 * while it is read is left out. */
function anonInodeFdinfo(pid: number, kind: string): Map<number, string> {
  const infos = new Map<number, string>();
  for (const [fd, link] of fdLinks(pid)) {
    if (link !== `anon_inode:[${kind}]`) continue;
    try {
      infos.set(fd, readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'latin1'));
    } catch (err) {
      if (!gone(err)) throw err;
    }
  }
  return infos;
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
    sockets.push(...parseTcpTable(text));
  }
  return sockets;
}

/** The rows of /proc/net/tcp or tcp6 (the header line is skipped), e.g.
 * `   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000  0 4242 1 ...`:
 * addresses are hex `ADDR:PORT`, the state is hex (0A is LISTEN), the inode is decimal. */
export function parseTcpTable(text: string): TcpSocket[] {
  const sockets: TcpSocket[] = [];
  const port = (addr: string): number => parseInt(addr.slice(addr.lastIndexOf(':') + 1), 16);
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    sockets.push({ localPort: port(f[1]!), remotePort: port(f[2]!), state: parseInt(f[3]!, 16), inode: Number(f[9]) });
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

/** io_uring_enter's number: 426 in the generic table, which x86-64 follows for new calls. */
export const IO_URING_ENTER_SYSCALLS: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  x64: { 426: 'io_uring_enter' },
  arm64: { 426: 'io_uring_enter' },
};

/** For each anon_inode:[io_uring] fd of `pid`, the completions its ring has posted so far: the
 * CqTail line of /proc/PID/fdinfo/FD (Linux 5.x on), which counts up by one per completion. */
export function uringCompletions(pid: number): Map<number, number> {
  const rings = new Map<number, number>();
  for (const [fd, info] of anonInodeFdinfo(pid, 'io_uring')) {
    const tail = /^CqTail:\s*(\d+)/m.exec(info);
    if (tail === null) throw new Error(`/proc/${pid}/fdinfo/${fd} has no CqTail line: this kernel does not show io_uring's counters`);
    rings.set(fd, Number(tail[1]));
  }
  return rings;
}

/** CPU time, in ms, of the children this process has reaped (its cutime + cstime): what a load
 * generator run as a child (wrk, Locust) used, once it has exited. */
export function reapedChildrenCpuMs(): number {
  const s = readStat(process.pid);
  return ((s.cutime + s.cstime) * 1000) / clockTicksPerSecond();
}

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

/** TCP state LISTEN in /proc/net/tcp (0A). */
export const TCP_LISTEN = 10;

/** The inodes of the sockets in `table` (parseTcpTable) that listen on local `port`, any address. */
export function listeningInodes(table: readonly TcpSocket[], port: number): number[] {
  return table.filter((s) => s.state === TCP_LISTEN && s.localPort === port && s.inode !== 0).map((s) => s.inode);
}

/** The pid of the process that listens on local TCP `port`, in this process's network namespace:
 * the LISTEN sockets of /proc/net/tcp and tcp6 for the port give inodes, and a scan of every
 * /proc/N/fd finds who holds `socket:[inode]`. When several processes hold it (a master and the
 * workers that inherited it), the topmost: one whose parent does not hold it, the earliest started
 * of those. Undefined when nothing listens on the port, no holder is visible (another user's
 * process without privilege, another pid namespace) or /proc is not readable. It reads every fd of
 * every process: call it once per run, not per sample. */
export function listenerPid(port: number): number | undefined {
  try {
    const inodes = new Set<number>();
    for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text: string;
      try {
        text = readFileSync(file, 'latin1');
      } catch {
        continue; // no IPv6, or not readable
      }
      for (const inode of listeningInodes(parseTcpTable(text), port)) inodes.add(inode);
    }
    if (inodes.size === 0) return undefined;
    const holders: ProcStat[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${name}/fd`);
      } catch {
        continue; // gone, or another user's process
      }
      const holds = fds.some((fd) => {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${name}/fd/${fd}`));
          return m !== null && inodes.has(Number(m[1]));
        } catch {
          return false;
        }
      });
      if (!holds) continue;
      try {
        holders.push(readStat(Number(name)));
      } catch {
        // exited since
      }
    }
    const pids = new Set(holders.map((h) => h.pid));
    const top = holders.filter((h) => !pids.has(h.ppid)).sort((a, b) => a.starttime - b.starttime || a.pid - b.pid);
    return top[0]?.pid;
  } catch {
    return undefined;
  }
}
