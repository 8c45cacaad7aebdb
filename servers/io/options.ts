// What every server is started with.

/**
 * How every connection is served, in whichever thread or process serves it. `serve` builds and
 * validates it once; a server passes it whole to its threads (workerData) and child processes
 * (argv), so it stays plain data that survives a structured clone and JSON.
 */
export interface SiteConfig {
  /** an absolute path to an existing folder */
  docroot: string;
  /** a connection silent between requests (or not reading a response) is closed after this long */
  idleTimeoutMs: number;
  /** a request begun and not complete (head and any content) this long after its first byte gets
   * a 408 and the connection is closed (servers/io/request-timeout.ts) */
  headerTimeoutMs: number;
  /** µs of busy-waiting added to every request: a server made slower on purpose (0: none) */
  handicapUs: number;
}

export interface ServerOptions {
  host: string;
  /** 0 picks an ephemeral port */
  port: number;
  backlog: number;
  /** thread and process servers: live workers at most; further connections wait in the backlog */
  maxWorkers: number;
  siteConfig: SiteConfig;
  /** called once the socket listens, with the URL to print */
  onListening: (url: string) => void;
}

/** What each connection loop needs of the site configuration: its two timeouts. */
export type ConnectionTimeouts = Pick<SiteConfig, 'idleTimeoutMs' | 'headerTimeoutMs'>;
