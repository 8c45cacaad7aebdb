import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync } from 'node:fs';
import { isSyscallError } from './errors.js';

/** A real syscall error from Node: close(2) on an fd that is not open. */
function ebadf(): unknown {
  try {
    closeSync(2 ** 30);
  } catch (err) {
    return err;
  }
  assert.fail('closing an fd that is not open should fail');
}

test('isSyscallError: any syscall error without codes, only the listed codes with them', () => {
  const err = ebadf();
  assert.equal(isSyscallError(err), true);
  assert.equal(isSyscallError(err, 'EPIPE', 'EBADF'), true);
  assert.equal(isSyscallError(err, 'EPIPE', 'ECONNRESET'), false);
});

test('isSyscallError: an error without an errno is not one, whatever its code', () => {
  const premature = Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
  assert.equal(isSyscallError(premature), false);
  assert.equal(isSyscallError(premature, 'ERR_STREAM_PREMATURE_CLOSE'), false);
  assert.equal(isSyscallError({ code: 'EPIPE', errno: 32 }, 'EPIPE'), false); // not an Error
});
