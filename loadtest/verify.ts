// The check before any load, as TechEmpower does it: one GET of the scenario's path must answer
// 200 with exactly the bytes of that file in the docroot. A target that fails it is not measured:
// a fast wrong answer (a 404 page, a truncated body) is not a throughput figure.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve, sep } from 'node:path';

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

/** GETs `url` once and compares the answer with `expected`. Resolves when it matches; rejects with
 * VerificationError (wrong answer) or UnreachableError (no answer) otherwise. */
export function verifyTarget(url: URL, expected: Buffer, timeoutMs = 5000): Promise<Verified> {
  return new Promise((resolvePromise, reject) => {
    // An HTTP/1.1 request asking for keep-alive, as the load will: the answer says whether the
    // server would keep the connection (the socket is closed here either way).
    const req = request(url, { agent: false, headers: { connection: 'keep-alive' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => reject(new UnreachableError(`${url.href}: ${err.message}`)));
      res.on('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks);
        if (res.statusCode !== 200)
          reject(new VerificationError(`GET ${url.pathname} answered ${res.statusCode} ${res.statusMessage ?? ''}, not 200`.trimEnd()));
        else if (!body.equals(expected)) reject(new VerificationError(`GET ${url.pathname} answered 200 with ${describeMismatch(body, expected)}`));
        else resolvePromise({ persistent: persistent(res.httpVersion, res.headers.connection) });
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
    req.end();
  });
}

function describeMismatch(body: Buffer, expected: Buffer): string {
  if (body.length !== expected.length) return `${body.length} bytes of body where the file has ${expected.length}`;
  let i = 0;
  while (body[i] === expected[i]) i++;
  return `a body that differs from the file at byte ${i}`;
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
