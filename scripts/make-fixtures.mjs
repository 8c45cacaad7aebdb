// Writes html/large.bin: 1 MiB of deterministic pseudo-random bytes (xorshift32, fixed seed), so
// every clone serves and verifies the same bytes without committing a megabyte of noise.
import { writeFileSync, existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SIZE = 1024 * 1024;
const target = fileURLToPath(new URL('../html/large.bin', import.meta.url));

export function largeFixtureBytes() {
  const out = Buffer.allocUnsafe(SIZE);
  let x = 0x2545f491;
  for (let i = 0; i < SIZE; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.writeUInt32LE(x, i);
  }
  return out;
}

if (!existsSync(target) || statSync(target).size !== SIZE) {
  writeFileSync(target, largeFixtureBytes());
  console.log(`http-lab: wrote ${target} (${SIZE} bytes)`);
}
