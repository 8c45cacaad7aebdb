// One child of the process server, a pre-forked worker in the manner of Apache's prefork MPM. It
// starts before any client needs it, then, for as long as the parent keeps it: waits on its channel
// for one connection, serves it to the end with blocking recv and send through the shared core,
// tells the parent it is done, and waits for the next. One connection at a time, so the server is
// still one process per open connection. It exits when the parent closes the channel (retiring it,
// or stopping), on SIGTERM/SIGINT, or when the parent dies.
import { writeSync } from 'node:fs';
import { native } from '../native/index.js';
import { isSyscallError } from '../native/errors.js';
import { serveBlockingConnection } from '../io/blocking-connection.js';
import { RECV_BUFFER_BYTES, STOP_CHECK_MS } from '../io/constants.js';
import { createSite } from '../io/site.js';
import { CHANNEL_FD, DONE, READY, STATUS_FD, parseChildArgv } from './child-options.js';

// First thing: a child must not outlive its parent, even one killed with SIGKILL.
native.exitWithParent();
const options = parseChildArgv(process.argv);
// The parent may have died before prctl took effect; the child then belongs to someone else.
if (process.ppid === options.parentPid) {
  native.installStopSignals();
  // Built once, while waiting for the first connection, so that neither the site nor the buffer
  // sits on the request path.
  const site = createSite(options.siteConfig.docroot, options.siteConfig.handicapUs);
  const buffer = Buffer.allocUnsafe(RECV_BUFFER_BYTES);
  // Waiting in slices, like every blocking call here, so that a stop signal that lands just before
  // recvmsg is still seen.
  native.setTimeouts(CHANNEL_FD, STOP_CHECK_MS, 0);
  let status = report(READY);
  while (status) {
    const connection = receiveConnection();
    if (connection === null) break;
    // O_NONBLOCK belongs to the open socket, which the parent's acceptor created: whatever it chose,
    // this loop needs blocking calls.
    native.setNonBlocking(connection, false);
    try {
      serveBlockingConnection(connection, site, buffer, options.siteConfig);
    } finally {
      status = native.stopSignal() === 0 && report(DONE);
    }
  }
}

/** The next connection the parent hands over, or null once it closes the channel or a stop signal comes. */
function receiveConnection(): number | null {
  while (native.stopSignal() === 0) {
    const fd = native.recvFd(CHANNEL_FD);
    if (fd === null) return null; // the parent retired this child, stopped, or died
    if (fd >= 0) return fd;
  }
  return null;
}

/** One status byte to the parent; false if it is gone (EPIPE). A byte into a pipe never blocks for long. */
function report(status: number): boolean {
  try {
    writeSync(STATUS_FD, Buffer.of(status));
    return true;
  } catch (err) {
    if (!isSyscallError(err, 'EPIPE')) throw err;
    return false;
  }
}
