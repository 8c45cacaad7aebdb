// What every server is started with.
export interface ServerOptions {
  host: string;
  /** 0 picks an ephemeral port */
  port: number;
  docroot: string;
  backlog: number;
  /** a silent keep-alive connection is closed after this long */
  idleTimeoutMs: number;
  /** thread and process servers: live workers at most; further connections wait in the backlog */
  maxWorkers: number;
  /** µs of busy-waiting added to every request: a server made slower on purpose (0: none) */
  handicapUs: number;
  /** called once the socket listens, with the URL to print */
  onListening: (url: string) => void;
}
