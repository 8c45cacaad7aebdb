// The request heads both parsers are timed on: what a desktop Chrome sends when the user types the
// URL of the lab's index page (the fields of a real Chrome 124 on Linux, minus the sec-ch-ua
// client hints). Ten header fields and 522 bytes: a typical navigation request without cookies.

export const BROWSER_GET_METHOD = 'GET';
export const BROWSER_GET_TARGET = '/index.html';
export const PIPELINE_DEPTH = 16;

export const BROWSER_GET_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Host', 'localhost:8080'],
  ['Connection', 'keep-alive'],
  ['Upgrade-Insecure-Requests', '1'],
  ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'],
  ['Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7'],
  ['Sec-Fetch-Site', 'none'],
  ['Sec-Fetch-Mode', 'navigate'],
  ['Sec-Fetch-Dest', 'document'],
  ['Accept-Encoding', 'gzip, deflate, br, zstd'],
  ['Accept-Language', 'en-US,en;q=0.9,de;q=0.8'],
];

/** One browser GET head, CRLF line ends, no content. */
export function browserGet(): Buffer {
  const lines = [`${BROWSER_GET_METHOD} ${BROWSER_GET_TARGET} HTTP/1.1`];
  for (const [name, value] of BROWSER_GET_HEADERS) lines.push(`${name}: ${value}`);
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
}

/** `count` browser GETs back to back in one buffer, as a pipelining client sends them. */
export function pipelinedGets(count: number = PIPELINE_DEPTH): Buffer {
  const one = browserGet();
  return Buffer.concat(Array.from({ length: count }, () => one));
}
