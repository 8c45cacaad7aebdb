// Benchmark yardsticks (`bench --target`, `npm run bench:compare`), never conformance targets: they
// serve the bytes and nothing of HTTP's rules.
// - node: Node's own http module, serving the docroot from Buffers read at start-up;
// - yardstick: a minimal C epoll loop that answers every request head with one prebuilt response
//   (index.html), the practical ceiling on this machine; built by `npm run bench:compare`;
// - nginx-tuned: the system's nginx as its users tune it for small static files: open_file_cache
//   (no open, fstat and close per request), sendfile off (one write of a small file from memory
//   beats sendfile's extra call), access_log off. Beating a stock nginx that opens every file for
//   every request is not the comparison a reader trusts.
import { join } from 'node:path';
import { packageRoot } from '../system/package.js';
import { nginxCommand } from './peers.js';
import { spawnProgram, type ServerProgram } from './programs.js';
import type { RunningServer } from './running.js';

/** A program that only answers: its figures are a ceiling to compare with, never a verdict. */
export type Yardstick = ServerProgram;

export const YARDSTICKS: readonly Yardstick[] = [
  {
    name: 'node',
    summary: "Node's http module serving the docroot from cached Buffers",
    program: 'node',
    envVar: 'HTTP_LAB_NODE',
    installHint: 'Node.js is this very program: set HTTP_LAB_NODE to its path',
    command(_program, port, docroot) {
      return { args: [join(packageRoot(), 'dist', 'bench', 'peers', 'node-http.js'), String(port), docroot], ready: { stdout: /listening/ } };
    },
  },
  {
    name: 'yardstick',
    summary: 'a minimal C epoll loop sending one prebuilt response (index.html) per request',
    program: 'epoll-loop',
    envVar: 'HTTP_LAB_YARDSTICK',
    installHint: 'build it with: npm run bench:compare (cc -O2 bench/yardstick/epoll-loop.c)',
    searchDirs: [join(packageRoot(), 'build', 'yardstick')],
    command(_program, port, docroot) {
      return { args: [String(port), join(docroot, 'index.html')], ready: { stdout: /listening/ } };
    },
  },
  {
    name: 'nginx-tuned',
    summary: "the system's nginx, one worker, tuned for small files: open_file_cache, sendfile off, access_log off",
    program: 'nginx',
    envVar: 'HTTP_LAB_NGINX',
    installHint: 'apt-get install nginx',
    command(program, port, docroot, dir) {
      return nginxCommand(program, port, docroot, dir, { tuned: true });
    },
  },
];

export const YARDSTICK_NAMES: readonly string[] = YARDSTICKS.map((y) => y.name);

export function findYardstick(name: string): Yardstick | undefined {
  return YARDSTICKS.find((y) => y.name === name);
}

/** Starts a yardstick on a free port of 127.0.0.1 and waits until it accepts connections. */
export function spawnYardstick(name: string, docroot: string): Promise<RunningServer> {
  const yardstick = findYardstick(name);
  if (yardstick === undefined) return Promise.reject(new Error(`unknown yardstick "${name}"`));
  return spawnProgram(yardstick, 'yardstick', docroot);
}
