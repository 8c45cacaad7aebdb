// The seven designs, by name: what `serve` runs in this process and what the shared server contract
// suite loops over. Design modules are loaded lazily, so that commands aimed at a --url never need
// the native addon. Starting one as a child process, and the programs started beside them (peers,
// yardsticks), is the job of targets/, outside servers/.
import type { ServerOptions } from './io/options.js';

export interface ServerDesign {
  name: string;
  /** one line: what moves the bytes */
  summary: string;
  /** serves one connection at a time: clients must not expect parallel answers */
  serial: boolean;
  run(options: ServerOptions): Promise<void>;
  /** Why this machine cannot run the design (a kernel feature refused), or undefined when it can.
   * Absent: it runs wherever Node does. */
  refusal?(): Promise<string | undefined>;
}

// In the tutorial's order.
export const SERVERS: readonly ServerDesign[] = [
  {
    name: 'blocking',
    summary: 'one thread blocks in accept, then in recv/send; one connection at a time',
    serial: true,
    async run(options) {
      const { runBlockingServer } = await import('./blocking/server.js');
      runBlockingServer(options);
    },
  },
  {
    name: 'process',
    summary: 'one OS process per open connection: pre-forked children, each serving one connection at a time',
    serial: false,
    async run(options) {
      const { runProcessServer } = await import('./process/server.js');
      await runProcessServer(options);
    },
  },
  {
    name: 'thread',
    summary: 'the main thread blocks in accept; one OS thread (Worker) per open connection blocks in recv/send, pre-started and reused',
    serial: false,
    async run(options) {
      const { runThreadServer } = await import('./thread/server.js');
      await runThreadServer(options);
    },
  },
  {
    name: 'async',
    summary: 'one event-loop thread, one coroutine (async function) per connection on node:net',
    serial: false,
    async run(options) {
      const { runAsyncServer } = await import('./async/server.js');
      await runAsyncServer(options);
    },
  },
  {
    name: 'poll',
    summary: 'one thread busy-polls non-blocking sockets, trying accept/recv/send on each, never sleeping',
    serial: false,
    async run(options) {
      const { runPollServer } = await import('./poll/server.js');
      runPollServer(options);
    },
  },
  {
    name: 'epoll',
    summary: 'one thread waits in epoll_wait and serves only the ready non-blocking sockets',
    serial: false,
    async run(options) {
      const { runEpollServer } = await import('./epoll/server.js');
      runEpollServer(options);
    },
  },
  {
    name: 'uring',
    summary: 'one thread submits accepts, receives and sends to an io_uring and reaps their completions, one io_uring_enter per turn',
    serial: false,
    async run(options) {
      const { runUringServer } = await import('./uring/server.js');
      runUringServer(options);
    },
    async refusal() {
      const { uringRefusal } = await import('./uring/refusal.js');
      return uringRefusal();
    },
  },
];

export const SERVER_NAMES: readonly string[] = SERVERS.map((s) => s.name);

export function findServer(name: string): ServerDesign | undefined {
  return SERVERS.find((s) => s.name === name);
}
