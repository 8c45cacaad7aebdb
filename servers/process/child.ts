// One child of the process server. It starts before any client needs it, waits on its channel for
// exactly one connection, serves it with blocking recv and send through the shared core, and exits.
import { native } from '../native/index.js';
import { STOP_CHECK_MS, serveBlockingConnection } from '../io/blocking-connection.js';
import { createSite } from '../io/site.js';
import { CHANNEL_FD, parseChildArgv } from './child-options.js';

// First thing: a child must not outlive its parent, even one killed with SIGKILL.
native.exitWithParent();
const options = parseChildArgv(process.argv);
// The parent may have died before prctl took effect; the child then belongs to someone else.
if (process.ppid === options.parentPid) {
  native.installStopSignals();
  // Built while waiting, so that neither the site nor the buffer sits on the request path.
  const site = createSite(options.docroot, options.handicapUs);
  const buffer = Buffer.allocUnsafe(64 * 1024);
  const connection = receiveConnection();
  if (connection !== null) {
    // O_NONBLOCK belongs to the open socket, which the parent's acceptor created: whatever it chose,
    // this loop needs blocking calls.
    native.setNonBlocking(connection, false);
    serveBlockingConnection(connection, site, buffer, options.idleTimeoutMs);
  }
}

/** The connection the parent hands over, or null if it closes the channel or a stop signal comes first. */
function receiveConnection(): number | null {
  // Waiting in slices, like every blocking call here, so that a stop signal that lands just before
  // recvmsg is still seen.
  native.setTimeouts(CHANNEL_FD, STOP_CHECK_MS, 0);
  while (native.stopSignal() === 0) {
    const fd = native.recvFd(CHANNEL_FD);
    if (fd === null) return null; // the parent stopped, or died, before it had a connection for us
    if (fd >= 0) {
      native.close(CHANNEL_FD);
      return fd;
    }
  }
  return null;
}
