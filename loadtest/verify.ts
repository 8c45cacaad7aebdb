// The check before any load, as TechEmpower does it: each request of the load is sent once and must
// meet its expectation: by default for a file of the docroot, 200 with exactly its bytes; for any
// other endpoint, the statuses given (any 2xx by default) and the body given, if one is. A target
// that fails it is not measured: a fast wrong answer (a 404 page, a truncated body) is not a
// throughput figure.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve, sep } from 'node:path';
import type { RequestEntry } from './requests.js';

export class VerificationError extends Error {
  override readonly name = 'VerificationError';
}

/** The target could not be reached at all (exit 2), as opposed to answering wrongly. */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
}

/** The bytes a correct server sends for `path`: the file under `docroot`, index.html for a folder.
 * Throws VerificationError when the docroot has no such file (nothing to compare with). */
export function expectedBody(docroot: string, path: string): Buffer {
  const root = resolve(docroot);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.split('?')[0]!);
  } catch {
    throw new VerificationError(`path ${path} is not valid percent-encoding`);
  }
  let file = resolve(join(root, decoded));
  if (file !== root && !file.startsWith(root + sep)) throw new VerificationError(`path ${path} leaves the docroot ${root}`);
  if (decoded.endsWith('/')) file = join(file, 'index.html');
  try {
    return readFileSync(file);
  } catch (err) {
    throw new VerificationError(
      `cannot verify ${path}: no file ${file} in the docroot (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); pass --docroot with the folder the server serves`,
    );
  }
}

export interface Verified {
  /** the server keeps the connection open after this response (RFC 9112 §9.3), so keep-alive and
   * pipelined scenarios can be measured as such */
  persistent: boolean;
}

/** Sends `entry`'s request once to `base` and holds the answer to its expectation. Resolves when
 * it holds; rejects with VerificationError (wrong answer) or UnreachableError (no answer). */
export function verifyRequest(base: URL, entry: RequestEntry, timeoutMs = 5000): Promise<Verified> {
  const { request: r, expect } = entry;
  const url = new URL(r.path, base);
  const what = `${r.method} ${r.path}`;
  return new Promise((resolvePromise, reject) => {
    // An HTTP/1.1 request asking for keep-alive, as the load will: the answer says whether the
    // server would keep the connection (the socket is closed here either way).
    const headers: Record<string, string | number> = { connection: 'keep-alive', ...r.headers };
    if (r.body !== undefined) headers['content-length'] = r.body.length;
    const req = request(url, { agent: false, method: r.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => reject(new UnreachableError(`${url.href}: ${err.message}`)));
      res.on('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks);
        const status = res.statusCode ?? 0;
        const statusOk = expect.status === undefined ? status >= 200 && status <= 299 : expect.status.includes(status);
        if (!statusOk) {
          const wanted = expect.status === undefined ? '2xx' : expect.status.join(' or ');
          reject(new VerificationError(`${what} answered ${status} ${res.statusMessage ?? ''}, not ${wanted}`.replace(/ +,/, ',')));
        } else if (expect.body !== undefined && !body.equals(expect.body.bytes)) {
          reject(new VerificationError(`${what} answered ${status} with ${describeMismatch(body, expect.body.bytes, expect.body.label)}`));
        } else resolvePromise({ persistent: persistent(res.httpVersion, res.headers.connection) });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new UnreachableError(`${url.href}: no complete response within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new UnreachableError(`cannot reach ${url.host}: ${err.code ?? err.message}`));
    });
    req.end(r.body);
  });
}

/** The check for a file of the docroot: GET `path`, 200 with exactly the file's bytes. */
export function fileEntry(docroot: string, path: string): RequestEntry {
  return {
    request: { method: 'GET', path, headers: {}, weight: 1 },
    expect: { status: [200], body: { bytes: expectedBody(docroot, path), label: 'the file' } },
  };
}

function describeMismatch(body: Buffer, expected: Buffer, label: string): string {
  if (body.length !== expected.length) return `${body.length} bytes of body where ${label} has ${expected.length}`;
  let i = 0;
  while (body[i] === expected[i]) i++;
  return `a body that differs from ${label} at byte ${i}`;
}

/** RFC 9112 §9.3: "If the "close" connection option is present ..., the connection will not
 * persist after the current response; else, If the received protocol is HTTP/1.1 (or later), the
 * connection will persist after the current response; else, If the received protocol is HTTP/1.0,
 * the "keep-alive" connection option is present, ... the connection will persist after the
 * current response; otherwise, The connection will close after the current response." */
export function persistent(httpVersion: string, connection: string | undefined): boolean {
  const options = (connection ?? '')
    .toLowerCase()
    .split(',')
    .map((o) => o.trim());
  if (options.includes('close')) return false;
  if (httpVersion !== '1.0' && httpVersion !== '0.9') return true;
  return options.includes('keep-alive');
}
