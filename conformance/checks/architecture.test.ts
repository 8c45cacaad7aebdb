// The architecture fingerprints, judged against stand-ins of each design written here, each in a
// spawned process with a known pid: every check must pass on its own design's stand-in and fail on
// another design's. The stand-ins serve html/index.html for every request, with Content-Length.
// - Node: async (node:net, one thread), a Worker started per connection that serves nothing (the
//   connection stays on the main thread: more threads, but not a thread per connection), process (a
//   shell child per connection, the socket handed over as its fd 3), and a bare busy loop (for CPU
//   time);
// - Python, for what Node cannot be: blocking (accept, then serve until close), thread (a thread per
//   connection, blocked in recv: socketserver's ThreadingMixIn, by hand), a busy poll loop (poll(2)
//   with a zero timeout) and an epoll loop (epoll_wait); skipped, with the reason, where python3 is
//   missing.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundledDocroot } from '../../system/package.js';
import { childPids, EPOLL_WAIT_SYSCALLS, isAlive, parseEpollFdinfo, parseStat, socketFds, taskCount } from '../../system/proc.js';
import { runChecks } from '../runner.js';
import type { CheckResult, Outcome } from '../types.js';
import { ARCH, architectureChecks } from './architecture.js';

const HTML = bundledDocroot();

/** Serves index.html for every request head; `serve(socket)`. CommonJS, for `node -e`. */
const SERVE_JS = `
const fs = require('fs');
const body = fs.readFileSync(${JSON.stringify(join(HTML, 'index.html'))});
const head = 'HTTP/1.1 200 OK\\r\\nContent-Length: ' + body.length + '\\r\\n\\r\\n';
function serve(sock) {
  let buf = '';
  sock.on('error', () => {});
  sock.on('data', (d) => {
    buf += d.toString('latin1');
    let i;
    while ((i = buf.indexOf('\\r\\n\\r\\n')) >= 0) { buf = buf.slice(i + 4); sock.write(head); sock.write(body); }
  });
}
const net = require('net');
function listen(server) {
  server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));
}
`;

/** The child of the process stand-in: serves every request head on its fd 3 (the connection) with
 * $HEAD and the file $FILE, and exits when the client closes. A shell, not Node: five Node children
 * starting at once on a loaded 2-core machine took over 2 s to answer, close to the 3 s in which the
 * checks expect an answer (ARCH.answerMs); a shell starts in a millisecond. */
const SHELL_CHILD = 'CR=$(printf "\\r"); while IFS= read -r line; do [ "$line" = "$CR" ] && { printf %s "$HEAD"; cat "$FILE"; }; done <&3 >&3';

const NODE_STAND_INS = {
  async: `${SERVE_JS} listen(net.createServer(serve));`,
  thread: `${SERVE_JS}
const { Worker } = require('worker_threads');
listen(net.createServer((sock) => {
  const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
  sock.on('close', () => worker.terminate());
  serve(sock);
}));`,
  process: `${SERVE_JS}
const { spawn } = require('child_process');
const env = { ...process.env, HEAD: head, FILE: ${JSON.stringify(join(HTML, 'index.html'))} };
listen(net.createServer({ pauseOnConnect: true }, (sock) => {
  // The child shares the socket's O_NONBLOCK: blocking, so that the shell's read waits for the request.
  sock._handle.setBlocking(true);
  spawn('/bin/sh', ['-c', ${JSON.stringify(SHELL_CHILD)}], { stdio: ['ignore', 'ignore', 'inherit', sock], env });
  sock.destroy(); // the child holds its own copy of the fd
}));`,
  busy: `console.log('http://127.0.0.1:1'); for (;;) {}`,
} as const;

const PYTHON_STAND_IN = `
import os, select, socket, sys
mode, html = sys.argv[1], sys.argv[2]
body = open(os.path.join(html, 'index.html'), 'rb').read()
resp = b'HTTP/1.1 200 OK\\r\\nContent-Length: %d\\r\\n\\r\\n' % len(body) + body
ls = socket.socket()
ls.bind(('127.0.0.1', 0))
ls.listen(64)
print('http://127.0.0.1:%d' % ls.getsockname()[1], flush=True)
pending = {}
def feed(c, data):
    pending[c] = pending.get(c, b'') + data
    while b'\\r\\n\\r\\n' in pending[c]:
        pending[c] = pending[c].partition(b'\\r\\n\\r\\n')[2]
        c.sendall(resp)
if mode == 'thread':
    import threading
    def handle(c):
        while True:
            d = c.recv(65536)
            if not d: break
            feed(c, d)
        c.close()
    while True:
        c, _ = ls.accept()
        threading.Thread(target=handle, args=(c,), daemon=True).start()
if mode == 'blocking':
    while True:
        c, _ = ls.accept()
        while True:
            d = c.recv(65536)
            if not d: break
            feed(c, d)
        c.close()
        pending.pop(c, None)
ls.setblocking(False)
p = select.poll() if mode == 'poll' else select.epoll()
IN = select.POLLIN if mode == 'poll' else select.EPOLLIN
timeout = 0 if mode == 'poll' else -1   # poll: never sleeps; epoll: blocks in epoll_wait
p.register(ls.fileno(), IN)
conns = {}
while True:
    for fd, ev in p.poll(timeout):
        if fd == ls.fileno():
            try: c, _ = ls.accept()
            except BlockingIOError: continue
            c.setblocking(True)
            conns[c.fileno()] = c
            p.register(c.fileno(), IN)
        else:
            c = conns[fd]
            d = c.recv(65536)
            if d: feed(c, d)
            else:
                p.unregister(fd); del conns[fd]; pending.pop(c, None); c.close()
`;

const hasPython = spawnSync('python3', ['-c', 'import select; select.epoll'], { stdio: 'ignore' }).status === 0;
const noPython = !hasPython && 'python3 with select.epoll is not installed: the blocking, thread, poll and epoll stand-ins are Python';

interface StandIn {
  pid: number;
  host: string;
  port: number;
  stop(): Promise<void>;
}

async function start(command: string, args: string[]): Promise<StandIn> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    // generous: a process starting on a loaded machine; it costs time only when one does not start
    const timer = setTimeout(() => reject(new Error(`${command} stand-in printed no URL`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${command} stand-in exited with ${code}`)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /http:\/\/[\d.]+:\d+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
  });
  const { hostname, port } = new URL(url);
  const pid = child.pid!;
  return {
    pid,
    host: hostname,
    port: Number(port),
    async stop() {
      for (const c of childPids(pid)) process.kill(c, 'SIGKILL');
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

const node = (kind: keyof typeof NODE_STAND_INS): Promise<StandIn> => start(process.execPath, ['-e', NODE_STAND_INS[kind]]);
const python = (mode: 'blocking' | 'thread' | 'poll' | 'epoll'): Promise<StandIn> => start('python3', ['-c', PYTHON_STAND_IN, mode, HTML]);

function byId(id: string) {
  const check = architectureChecks.find((c) => c.id === id);
  assert.ok(check, id);
  return check;
}

/** Runs one architecture check against a stand-in, as if it were the check's own design. The
 * default deadline only bounds the check's own waits (ARCH), which end it first. */
async function judge(id: string, standIn: StandIn, timeoutMs = 60_000): Promise<CheckResult> {
  const check = byId(id);
  const [result] = await runChecks([check], standIn, { pid: standIn.pid, design: check.design!, timeoutMs });
  return result!;
}

/** Polls a state under /proc, which sends no events, until `condition` holds; false after 30 s. */
async function eventually(condition: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}

function expectOutcome(result: CheckResult, outcome: Outcome): void {
  assert.equal(result.outcome, outcome, `${result.id}: ${result.outcome}: expected ${result.expected}; actual ${result.actual}; ${result.reason ?? ''}`);
}

describe('architecture checks: skips', () => {
  it('every one is skipped, with the reason, without a pid (--url)', async () => {
    const results = await runChecks(architectureChecks, { host: '127.0.0.1', port: 1 }, { design: 'thread' });
    for (const r of results) {
      assert.equal(r.outcome, 'skip', r.id);
      assert.match(r.reason ?? '', /needs a built-in target.*pid/);
    }
  });

  it('each is skipped, with the reason, for another design', async () => {
    const results = await runChecks(architectureChecks, { host: '127.0.0.1', port: 1 }, { pid: process.pid, design: 'other' });
    for (const r of results) {
      assert.equal(r.outcome, 'skip', r.id);
      assert.match(r.reason ?? '', /^applies to the \w+ design only \(the target is other\)$/);
    }
  });
});

describe('architecture checks against Node stand-ins', () => {
  const standIns: Partial<Record<keyof typeof NODE_STAND_INS, StandIn>> = {};
  before(async () => {
    standIns.async = await node('async');
    standIns.thread = await node('thread');
    standIns.process = await node('process');
  });
  after(async () => {
    for (const s of Object.values(standIns)) await s.stop();
  });

  it('thread: fails on one thread, and on a thread started per connection that does not hold it', async () => {
    const one = await judge('arch/thread/thread-per-connection', standIns.async!);
    expectOutcome(one, 'fail');
    assert.match(one.actual, new RegExp(`^0 of ${ARCH.threadConnections} connections held by a thread of their own`));
    // More threads than connections, yet every connection is served by the main thread (libuv).
    const idle = await judge('arch/thread/thread-per-connection', standIns.thread!);
    expectOutcome(idle, 'fail');
    assert.match(idle.actual, /threads: (\d+) before, (\d+) with/);
    const [, before, during] = /threads: (\d+) before, (\d+) with/.exec(idle.actual)!;
    assert.ok(Number(during) >= Number(before) + ARCH.threadConnections, idle.actual);
  });

  it('thread: fails on a child per connection (the sockets are not in the server process)', async () => {
    const r = await judge('arch/thread/thread-per-connection', standIns.process!);
    expectOutcome(r, 'fail');
    assert.match(r.actual, /not in the server process/);
  });

  it('process: passes on a child per connection; fails on one process', async () => {
    const pass = await judge('arch/process/process-per-connection', standIns.process!);
    expectOutcome(pass, 'pass');
    assert.match(pass.actual, new RegExp(`^${ARCH.processConnections} live children`));
    expectOutcome(await judge('arch/process/process-per-connection', standIns.async!), 'fail');
  });

  it('async: passes on one thread; fails on a thread or a child per connection', async () => {
    expectOutcome(await judge('arch/async/one-thread-all-connections', standIns.async!), 'pass');
    const threads = await judge('arch/async/one-thread-all-connections', standIns.thread!);
    expectOutcome(threads, 'fail');
    // a Worker per connection, counted by id, whichever of the warm-up's threads are still ending
    const started = /threads \d+ → \d+ \((\d+) started\)/.exec(threads.actual);
    assert.ok(started && Number(started[1]) >= ARCH.asyncConnections, threads.actual);
    const children = await judge('arch/async/one-thread-all-connections', standIns.process!);
    expectOutcome(children, 'fail');
    assert.match(children.actual, /0 of \d+ sockets in the server process/);
  });

  it('blocking: fails where a second connection is answered while the first is open', async () => {
    const r = await judge('arch/blocking/one-connection-at-a-time', standIns.async!);
    expectOutcome(r, 'fail');
    assert.match(r.actual, /while the first was still open/);
  });

  it('poll: fails on an idle server that sleeps, and on client sockets in an epoll set (libuv)', async () => {
    const idle = await judge('arch/poll/busy-while-idle', standIns.async!);
    expectOutcome(idle, 'fail');
    assert.match(idle.actual, /^\d+% of a core/);
    const registered = await judge('arch/poll/no-epoll', standIns.async!);
    expectOutcome(registered, 'fail');
    assert.match(registered.actual, /in eventpoll fd/);
  });

  it('the checks leave no connection open: the stand-ins drop back to their idle threads and children', async () => {
    // a child or a Worker ends once the stand-in has seen its connection close
    const idle = (): boolean =>
      childPids(standIns.process!.pid).length === 0 && taskCount(standIns.thread!.pid) < taskCount(standIns.async!.pid) + ARCH.threadConnections;
    await eventually(idle);
    assert.deepEqual(childPids(standIns.process!.pid), []);
    assert.ok(taskCount(standIns.thread!.pid) < taskCount(standIns.async!.pid) + ARCH.threadConnections);
  });
});

describe('architecture checks against a busy loop', () => {
  let busy: StandIn;
  before(async () => {
    busy = await node('busy');
  });
  after(() => busy.stop());

  it('poll: an idle process that never sleeps uses at least half a core', async () => {
    expectOutcome(await judge('arch/poll/busy-while-idle', busy), 'pass');
  });
});

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status === 0;

describe('architecture checks against a busy loop on a crowded core', { skip: !hasTaskset && 'taskset (util-linux) is not installed' }, () => {
  const loops: StandIn[] = [];
  before(async () => {
    // Three loops pinned to CPU 0: each gets a third of it.
    for (let i = 0; i < 3; i++) loops.push(await start('taskset', ['-c', '0', process.execPath, '-e', NODE_STAND_INS.busy]));
  });
  after(async () => {
    for (const l of loops) await l.stop();
  });

  it('poll: a loop that never sleeps still passes when it gets only a third of a core', async () => {
    const r = await judge('arch/poll/busy-while-idle', loops[0]!);
    expectOutcome(r, 'pass');
    assert.match(r.actual, /main thread runnable (9\d|1\d\d)% of the time/);
  });
});

describe('architecture checks against Python stand-ins', { skip: noPython }, () => {
  it('blocking: passes on accept-then-serve-until-close', async () => {
    const s = await python('blocking');
    try {
      expectOutcome(await judge('arch/blocking/one-connection-at-a-time', s), 'pass');
    } finally {
      await s.stop();
    }
  });

  it('thread: passes on a thread per connection blocked in recv; fails on a blocking server', async () => {
    const s = await python('thread');
    try {
      const r = await judge('arch/thread/thread-per-connection', s);
      expectOutcome(r, 'pass');
      assert.match(r.actual, new RegExp(`^${ARCH.threadConnections} of ${ARCH.threadConnections} connections`));
      assert.match(r.actual, /fd \d+ ← thread \d+/);
    } finally {
      await s.stop();
    }
    const blocking = await python('blocking');
    try {
      // One connection accepted and waited on; the others wait in the backlog.
      const r = await judge('arch/thread/thread-per-connection', blocking);
      expectOutcome(r, 'fail');
      assert.match(r.actual, new RegExp(`^1 of ${ARCH.threadConnections} connections`));
    } finally {
      await blocking.stop();
    }
  });

  it('poll: passes on a busy poll(2) loop; the epoll checks fail on it', async () => {
    const s = await python('poll');
    try {
      expectOutcome(await judge('arch/poll/busy-while-idle', s), 'pass');
      expectOutcome(await judge('arch/poll/no-epoll', s), 'pass');
      const registered = await judge('arch/epoll/clients-in-epoll-set', s);
      expectOutcome(registered, 'fail');
      assert.match(registered.actual, /no epoll set/);
      expectOutcome(await judge('arch/epoll/waits-in-epoll-wait', s), 'fail');
    } finally {
      await s.stop();
    }
  });

  it('epoll: passes on an epoll_wait loop; the poll checks fail on it', async () => {
    const s = await python('epoll');
    try {
      const registered = await judge('arch/epoll/clients-in-epoll-set', s);
      expectOutcome(registered, 'pass');
      assert.match(registered.actual, /→ eventpoll fd \d+/);
      const waits = await judge('arch/epoll/waits-in-epoll-wait', s);
      expectOutcome(waits, 'pass');
      const names = Object.values(EPOLL_WAIT_SYSCALLS[process.arch] ?? {});
      assert.ok(
        names.some((n) => waits.actual.includes(n)),
        waits.actual,
      );
      expectOutcome(await judge('arch/poll/busy-while-idle', s), 'fail');
      expectOutcome(await judge('arch/poll/no-epoll', s), 'fail');
      const ring = await judge('arch/uring/requests-complete-in-the-ring', s);
      expectOutcome(ring, 'fail');
      assert.match(ring.actual, /none among the fds/);
      expectOutcome(await judge('arch/uring/waits-in-io-uring-enter', s), 'fail');
    } finally {
      await s.stop();
    }
  });
});

describe('architecture checks: the harness', () => {
  it('a server that never answers is an error (the deadline), and the check closes its connections', async () => {
    const silent = await start(process.execPath, [
      '-e',
      `const net = require('net'); const s = net.createServer((c) => c.on('error', () => {}).resume());
       s.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + s.address().port));`,
    ]);
    try {
      const sockets = (): number => socketFds(silent.pid).size;
      const idle = sockets();
      const r = await judge('arch/blocking/one-connection-at-a-time', silent, 400);
      // the first connection is never answered: that says nothing about the design
      assert.equal(r.outcome, 'error', `${r.outcome}: ${r.reason ?? r.actual}`);
      assert.match(r.reason ?? '', /timed out after 400 ms/);
      await eventually(() => sockets() === idle);
      assert.equal(sockets(), idle, 'the server is back to its listening socket alone');
    } finally {
      await silent.stop();
    }
  });
});

describe('proc readers', () => {
  it('parseStat counts fields from the last parenthesis of the command name', () => {
    const fields = ['S', '42', ...Array.from({ length: 9 }, (_, i) => String(i)), '7', '3', '0', '0', '20', '0', '5'];
    const s = parseStat(99, `99 (a (b) c) ${fields.join(' ')} 0 0`);
    assert.deepEqual([s.comm, s.state, s.ppid, s.utime, s.stime, s.threads], ['a (b) c', 'S', 42, 7, 3, 5]);
  });

  it('parseEpollFdinfo reads tfd, events and the hex inode', () => {
    const info =
      'pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1038\ntfd:       15 events:       19 data:                f  pos:0 ino:39a1f3 sdev:f\ntfd:        7 events: 80000019 data: 7 pos:0\n';
    assert.deepEqual(parseEpollFdinfo(info), [
      { tfd: 15, events: 0x19, inode: 0x39a1f3 },
      { tfd: 7, events: 0x80000019 },
    ]);
  });

  it('isAlive knows this process and not a pid that exited', async () => {
    assert.equal(isAlive(process.pid), true);
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.once('exit', r));
    assert.equal(isAlive(child.pid!), false);
  });
});
