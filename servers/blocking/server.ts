// The blocking server: the tutorial's first step, made right. One thread, one connection at a
// time: it blocks in accept, then in recv and send on that connection until it closes, and only
// then accepts the next. A second client waits in the listen backlog; that is the design.
import { C, native } from '../native/index.js';
import { serveBlockingConnection } from '../io/blocking-connection.js';
import { ACCEPT_BACKOFF_MS, RECV_BUFFER_BYTES, STOP_CHECK_MS } from '../io/constants.js';
import { OUT_OF_RESOURCES, acceptConnection, listenTcp, sleepInterruptibly } from '../io/sockets.js';
import { serverUrl } from '../io/url.js';
import { createSite } from '../io/site.js';
import type { ServerOptions } from '../io/options.js';

export function runBlockingServer(options: ServerOptions): void {
  native.installStopSignals();
  const listener = listenTcp(options.host, options.port, options.backlog);
  native.setTimeouts(listener.fd, STOP_CHECK_MS, 0);
  const site = createSite(options.siteConfig.docroot, options.siteConfig.handicapUs);
  const buffer = Buffer.allocUnsafe(RECV_BUFFER_BYTES);
  options.onListening(serverUrl(listener.host, listener.port));
  try {
    while (native.stopSignal() === 0) {
      const fd = acceptConnection(listener.fd, C.SOCK_CLOEXEC);
      if (fd === OUT_OF_RESOURCES) sleepInterruptibly(ACCEPT_BACKOFF_MS); // no descriptor left: the client waits in the backlog
      if (fd < 0) continue; // -EINTR or -EAGAIN (a slice ended): the loop checks for a stop
      serveBlockingConnection(fd, site, buffer, options.siteConfig);
    }
  } finally {
    native.close(listener.fd);
  }
}
