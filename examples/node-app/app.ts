// A small HTTP service, written as its owner would write it with node:http alone: JSON routes, a
// POST that echoes, 404s. It knows nothing of http-lab; http-lab's tests point conform, bench and
// gate at it, as a user points them at their own service.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** The most bytes a POST /echo body may carry. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface AppOptions {
  /** busy-wait this many µs per request: a slower build of the same service, for the gate's tests */
  handicapUs?: number;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = `${JSON.stringify(value)}\n`;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function spin(us: number): void {
  const until = process.hrtime.bigint() + BigInt(us) * 1000n;
  while (process.hrtime.bigint() < until);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function handle(req: IncomingMessage, res: ServerResponse, options: AppOptions): Promise<void> {
  if (options.handicapUs) spin(options.handicapUs);
  const path = new URL(req.url ?? '/', 'http://app.invalid').pathname;
  if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) return sendJson(res, 200, { status: 'ok' });
  if (path === '/items' && (req.method === 'GET' || req.method === 'HEAD'))
    return sendJson(res, 200, [
      { id: 1, name: 'first' },
      { id: 2, name: 'second' },
    ]);
  if (path === '/echo' && req.method === 'POST') {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return sendJson(res, 415, { error: 'send application/json' });
    const body = await readBody(req);
    if (body === undefined) return sendJson(res, 413, { error: `at most ${MAX_BODY_BYTES} bytes` });
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      return sendJson(res, 400, { error: 'not JSON' });
    }
    return sendJson(res, 200, { echo: value });
  }
  if (path === '/health' || path === '/items' || path === '/echo') {
    res.setHeader('allow', path === '/echo' ? 'POST' : 'GET, HEAD');
    return sendJson(res, 405, { error: 'method not allowed' });
  }
  return sendJson(res, 404, { error: 'not found' });
}

export function createApp(options: AppOptions = {}): Server {
  return createServer((req, res) => {
    handle(req, res, options).catch((err: unknown) => {
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });
}
