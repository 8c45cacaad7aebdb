// Request bytes shared by the checks. Everything is spelled out on the wire: the checks decide each
// byte, so a request is built from strings, never by an HTTP library.

/** A valid reg-name, so that Host is never the reason a request is rejected unless a check says so. */
export const HOST = 'http-lab.test';

/** A path that no docroot holds. */
export const MISSING = '/no-such-file.html';

/** Pipelined after a request that must close the connection: answering it proves the server went on
 * reading. */
export const CANARY = `GET /canary-must-not-be-answered HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`;
export const CANARY_HTTP10 = 'GET /canary-must-not-be-answered HTTP/1.0\r\n\r\n';

/** A request head: the request line, Host (HTTP/1.1 only), the given field lines, the empty line. */
export function request(method: string, target: string, fields: string[] = [], version = 'HTTP/1.1'): string {
  const host = version === 'HTTP/1.1' ? [`Host: ${HOST}`] : [];
  return [`${method} ${target} ${version}`, ...host, ...fields, '', ''].join('\r\n');
}

export function get(target: string, ...fields: string[]): string {
  return request('GET', target, fields);
}

export function head(target: string, ...fields: string[]): string {
  return request('HEAD', target, fields);
}
