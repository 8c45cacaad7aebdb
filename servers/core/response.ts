// Serialises responses. The core always answers HTTP/1.1 (RFC 9110 §6.2: "A server SHOULD send a
// response version equal to the highest version to which the server is conformant that has a major
// version less than or equal to the one received in the request").

export interface Response {
  status: number;
  /** fields other than Date, Content-Length and Connection, which the writer owns */
  headers: Array<[string, string]>;
  /** the content; for HEAD it may be empty while `length` gives the GET length */
  body: Uint8Array;
  /** Content-Length to announce; defaults to body.length */
  length?: number;
  /** the response must not carry Content-Length or content (304) */
  noContentLength?: boolean;
  /** the handler's promise that every response it gives with this key is the same, whatever the
   * request, so that the bytes of one may be sent for all (see ResponseWriter); a static site uses
   * the file entry of a whole cached file */
  cacheKey?: object;
}

const REASONS: Record<number, string> = {
  100: 'Continue',
  200: 'OK',
  204: 'No Content',
  206: 'Partial Content',
  301: 'Moved Permanently',
  304: 'Not Modified',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  505: 'HTTP Version Not Supported',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? '';
}

export const CONTINUE_BYTES: Buffer = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');

/** How the connection header should read: omitted, "close", or "keep-alive" (HTTP/1.0). */
export type ConnectionToken = 'none' | 'close' | 'keep-alive';

/** The head of a response, as bytes. */
export function serializeHead(response: Response, date: string, connection: ConnectionToken): Buffer {
  let head = `HTTP/1.1 ${response.status} ${reasonPhrase(response.status)}\r\nDate: ${date}\r\nServer: http-lab\r\n`;
  for (const [name, value] of response.headers) head += `${name}: ${value}\r\n`;
  if (!response.noContentLength) head += `Content-Length: ${response.length ?? response.body.length}\r\n`;
  if (connection === 'close') head += 'Connection: close\r\n';
  else if (connection === 'keep-alive') head += 'Connection: keep-alive\r\n';
  return Buffer.from(head + '\r\n', 'latin1');
}

/** A small self-delimited text response, for errors and 404: RFC 9110 §15.5 ("the server SHOULD
 * send a representation containing an explanation of the error situation"). */
export function textResponse(status: number, detail: string, extra: Array<[string, string]> = []): Response {
  return {
    status,
    headers: [['Content-Type', 'text/plain; charset=utf-8'], ...extra],
    body: Buffer.from(`${status} ${reasonPhrase(status)}: ${detail}\n`, 'utf8'),
  };
}
