// What every server is started with.
export interface ServerOptions {
  host: string;
  /** 0 picks an ephemeral port */
  port: number;
  docroot: string;
  backlog: number;
  /** a connection silent between requests (or not reading a response) is closed after this long */
  idleTimeoutMs: number;
  /** a request begun and not complete (head and any content) this long after its first byte gets
   * a 408 and the connection is closed (servers/io/request-timeout.ts) */
  headerTimeoutMs: number;
  /** thread and process servers: live workers at most; further connections wait in the backlog */
  maxWorkers: number;
  /** µs of busy-waiting added to every request: a server made slower on purpose (0: none) */
  handicapUs: number;
  /** called once the socket listens, with the URL to print */
  onListening: (url: string) => void;
}

/** What each connection loop needs of the options: its two timeouts. */
export type ConnectionTimeouts = Pick<ServerOptions, 'idleTimeoutMs' | 'headerTimeoutMs'>;
