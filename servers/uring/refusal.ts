// Whether this machine lets the io_uring server run, and if not, why: what `serve --target uring`
// exits 2 with, what the lab says when it leaves uring out, and what the tests skip with.
import { readFileSync } from 'node:fs';
import { isSyscallError } from '../native/errors.js';

/** /proc/sys/kernel/io_uring_disabled (Linux 6.6): 0 allowed, 1 only for the io_uring_group, 2 never. */
function disabledSetting(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/io_uring_disabled', 'utf8').trim();
  } catch {
    return undefined; // an older kernel without the setting, or no /proc: the ring setup decides
  }
}

/** Sets up a small ring with a provided-buffer pool, as the server does, and closes it: the reason
 * it failed, or undefined. */
export async function uringRefusal(): Promise<string | undefined> {
  const { native } = await import('../native/index.js');
  let ring: number;
  try {
    ring = native.uringSetup(2);
  } catch (err) {
    if (!isSyscallError(err)) throw err;
    const disabled = disabledSetting();
    const why =
      err.code === 'EPERM' && disabled !== undefined && disabled !== '0'
        ? ` (/proc/sys/kernel/io_uring_disabled is ${disabled})`
        : err.code === 'EPERM'
          ? ' (a seccomp profile, as container runtimes apply, may forbid it)'
          : err.code === 'ENOSYS'
            ? ' (the kernel is older than 5.11 or built without io_uring)'
            : '';
    return `io_uring is refused here: ${err.message}${why}`;
  }
  try {
    native.uringRegisterBuffers(ring, Buffer.alloc(64), 2, 32, 0);
  } catch (err) {
    if (!isSyscallError(err)) throw err;
    return `io_uring lacks provided-buffer rings here (Linux 5.19 or later): ${err.message}`;
  } finally {
    native.uringClose(ring);
  }
  return undefined;
}
