// Builds the C yardstick (bench/yardstick/epoll-loop.c) into build/yardstick/, where the `yardstick`
// target (targets/yardsticks.ts) looks for it. A C compiler is already needed for the addon.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function buildYardstick() {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  mkdirSync(join(root, 'build', 'yardstick'), { recursive: true });
  execFileSync('cc', ['-O2', '-o', join(root, 'build', 'yardstick', 'epoll-loop'), join(root, 'bench', 'yardstick', 'epoll-loop.c')], { stdio: 'inherit' });
}
