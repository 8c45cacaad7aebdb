// The /proc parsers on synthetic text, and the readers on this process and children it spawns.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { describe, it } from 'node:test';
import {
  listenerPid,
  listeningInodes,
  pageSize,
  parseProcStat,
  parseStat,
  parseStatm,
  parseTcpTable,
  parseUptime,
  processTree,
  readMachineCpu,
  readRssBytes,
  readStat,
  threadStats,
  treeOf,
  uptimeTicks,
  type ProcStat,
} from './proc.js';

// fields 3..52 after the comm; utime 14 = 101, stime 15 = 102, cutime 16 = 103, cstime 17 = 104,
// num_threads 20 = 7, starttime 22 = 870857, rss 24 = 355
const STAT_TAIL =
  'S 381 381 31778 0 -1 4194304 99 0 0 0 101 102 103 104 20 0 7 0 870857 3133440 355 18446744073709551615 1 2 3 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 4 5 6 7 8 9 10 0\n';

describe('parseStat', () => {
  it('reads the fields after the last parenthesis, whatever the comm holds', () => {
    const s = parseStat(385, `385 (my (odd) ) name) ${STAT_TAIL}`);
    assert.equal(s.comm, 'my (odd) ) name');
    assert.deepEqual(
      {
        state: s.state,
        ppid: s.ppid,
        utime: s.utime,
        stime: s.stime,
        cutime: s.cutime,
        cstime: s.cstime,
        threads: s.threads,
        starttime: s.starttime,
        rssPages: s.rssPages,
      },
      { state: 'S', ppid: 381, utime: 101, stime: 102, cutime: 103, cstime: 104, threads: 7, starttime: 870857, rssPages: 355 },
    );
  });

  it('reads a zombie', () => {
    const s = parseStat(9, `9 (sh) ${STAT_TAIL.replace(/^S/, 'Z')}`);
    assert.equal(s.state, 'Z');
    assert.equal(s.comm, 'sh');
  });
});

describe('parseStatm', () => {
  it('reads size, resident and shared pages', () => {
    assert.deepEqual(parseStatm('765 438 410 5 0 123 0\n'), { sizePages: 765, residentPages: 438, sharedPages: 410 });
  });
  it('rejects text that is not statm', () => {
    assert.throws(() => parseStatm('nope'), /unexpected statm/);
  });
});

describe('parseTcpTable and listeningInodes', () => {
  const TCP =
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
    '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0\n' +
    '   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 4243 1 0000000000000000 20 4 30 10 -1\n' +
    '   2: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 621 1 0000000000000000 100 0 0 10 0\n' +
    '   3: 0100007F:D432 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 0 1 0000000000000000 20 4 30 10 -1\n';
  const TCP6 =
    '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
    '   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5151 1 0000000000000000 100 0 0 10 0\n';

  it('parses ports (hex), state (hex) and inode (decimal)', () => {
    const rows = parseTcpTable(TCP);
    assert.equal(rows.length, 4);
    assert.deepEqual(rows[1], { localPort: 8080, remotePort: 54321, state: 1, inode: 4243 });
    assert.deepEqual(parseTcpTable(TCP6), [{ localPort: 8080, remotePort: 0, state: 10, inode: 5151 }]);
  });

  it('keeps only LISTEN sockets on the port', () => {
    assert.deepEqual(listeningInodes(parseTcpTable(TCP), 8080), [4242]);
    assert.deepEqual(listeningInodes(parseTcpTable(TCP), 2024), [621]);
    assert.deepEqual(listeningInodes(parseTcpTable(TCP6), 8080), [5151]);
    assert.deepEqual(listeningInodes(parseTcpTable(TCP), 54322), []);
  });
});

describe('parseProcStat', () => {
  it('counts busy and total ticks, leaving guest time out, and the CPUs', () => {
    const text =
      'cpu  100 5 40 800 20 3 2 10 7 1\n' +
      'cpu0 50 2 20 400 10 1 1 5 3 0\n' +
      'cpu1 50 3 20 400 10 2 1 5 4 1\n' +
      'intr 12345 0 0\nctxt 999\nbtime 1700000000\n';
    // total = 100+5+40+800+20+3+2+10 = 980; busy = total - idle - iowait = 160
    assert.deepEqual(parseProcStat(text), { busyTicks: 160, totalTicks: 980, cpus: 2 });
  });
  it('rejects text without the aggregate line', () => {
    assert.throws(() => parseProcStat('intr 1\n'), /no aggregate cpu line/);
  });
});

describe('parseUptime', () => {
  it('reads the seconds since boot', () => {
    assert.equal(parseUptime('8708.57 16880.91\n'), 8708.57);
    assert.throws(() => parseUptime(''), /unexpected/);
  });
});

describe('treeOf', () => {
  const st = (pid: number, ppid: number, state = 'S'): ProcStat => ({
    pid,
    comm: `p${pid}`,
    state,
    ppid,
    utime: 0,
    stime: 0,
    cutime: 0,
    cstime: 0,
    threads: 1,
    starttime: pid,
    rssPages: 1,
  });
  const table = new Map([st(1, 0), st(10, 1), st(11, 10), st(12, 10), st(13, 12, 'Z'), st(14, 13), st(20, 1), st(21, 11)].map((s) => [s.pid, s]));

  it('finds every descendant, however deep, zombies included, root first', () => {
    assert.deepEqual(
      treeOf(10, table).map((s) => s.pid),
      [10, 11, 12, 21, 13, 14],
    );
    assert.deepEqual(
      treeOf(12, table).map((s) => s.pid),
      [12, 13, 14],
    );
  });
  it('is empty for a root that is not in the table', () => {
    assert.deepEqual(treeOf(99, table), []);
  });
});

describe('readers, on this process', () => {
  it('readStat, threadStats and readRssBytes', () => {
    const self = readStat(process.pid);
    assert.equal(self.ppid, process.ppid);
    assert.ok(self.rssPages > 0 && self.threads >= 1 && self.starttime > 0);
    const threads = threadStats(process.pid);
    assert.ok(
      threads.some((t) => t.pid === process.pid),
      'the main thread has the process id',
    );
    assert.ok(readRssBytes(process.pid) > 0);
    assert.equal(readRssBytes(process.pid) % pageSize(), 0);
  });

  it('uptimeTicks is on the clock of starttime: this process started before now', () => {
    assert.ok(readStat(process.pid).starttime <= uptimeTicks());
  });

  it('readMachineCpu', () => {
    const m = readMachineCpu();
    assert.ok(m.cpus >= 1 && m.totalTicks > 0 && m.busyTicks >= 0 && m.busyTicks <= m.totalTicks);
  });

  it('processTree finds a grandchild, and throws ESRCH for a pid that cannot exist', async () => {
    // sh forks sleep and waits for it: this process → sh → sleep. detached: its own process group,
    // so that one kill stops both
    const sh: ChildProcess = spawn('sh', ['-c', 'sleep 30 & echo $!; wait'], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(sh.stdout!, 'data')) as [Buffer];
      const sleepPid = Number(line.toString().trim());
      const tree = processTree(process.pid);
      assert.equal(tree[0]!.pid, process.pid);
      const shStat = tree.find((s) => s.pid === sh.pid);
      assert.ok(shStat, 'sh is in the tree');
      assert.equal(tree.find((s) => s.pid === sleepPid)?.ppid, sh.pid, 'sleep is in the tree, under sh');
    } finally {
      try {
        process.kill(-sh.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    assert.throws(
      () => processTree(2 ** 31 - 1),
      (err: NodeJS.ErrnoException) => err.code === 'ESRCH',
    );
  });
});

describe('listenerPid', () => {
  async function listen(host?: string): Promise<Server> {
    const server = createServer();
    server.listen(0, ...(host ? [host] : []));
    await once(server, 'listening');
    return server;
  }
  const portOf = (server: Server): number => (server.address() as { port: number }).port;

  it('finds this process listening on 127.0.0.1 (tcp)', async () => {
    const server = await listen('127.0.0.1');
    try {
      assert.equal(listenerPid(portOf(server)), process.pid);
    } finally {
      server.close();
    }
  });

  it('finds this process listening on any address (tcp6 where IPv6 is on)', async () => {
    const server = await listen();
    try {
      assert.equal(listenerPid(portOf(server)), process.pid);
    } finally {
      server.close();
    }
  });

  it('is undefined once nothing listens on the port', async () => {
    const server = await listen('127.0.0.1');
    const port = portOf(server);
    server.close();
    await once(server, 'close');
    assert.equal(listenerPid(port), undefined);
  });
});
