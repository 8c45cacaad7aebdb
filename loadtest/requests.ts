// What a load sends and what each answer must be, so that any endpoint can be measured, not only a
// file of html/: a request (method, path, fields, body), its weight in a mix, and the expectation
// that the check before load holds it to (a status, and the exact bytes where a body is expected).
// A mix comes from a JSON file (--requests), checked against REQUESTS_SCHEMA with ajv.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';

export interface LoadRequest {
  method: string;
  /** origin-form: path and query */
  path: string;
  /** extra field lines, names as given */
  headers: Record<string, string>;
  body?: Buffer;
  /** its share of a mix: each connection cycles through the requests, each repeated `weight` times */
  weight: number;
}

export interface Expectation {
  /** the statuses allowed; undefined: any 2xx */
  status?: number[];
  /** the exact body, and what it is called in messages */
  body?: { bytes: Buffer; label: string };
}

export interface RequestEntry {
  request: LoadRequest;
  expect: Expectation;
}

/** How a report records a request (the body as its length: it may be large or binary). */
export interface RequestDescription {
  method: string;
  path: string;
  headers: Record<string, string>;
  bodyBytes: number;
  weight: number;
  /** what the check before load held the answer to, e.g. "status 2xx" or "status 200, body == the file" */
  expect: string;
}

export class RequestFileError extends Error {
  override readonly name = 'RequestFileError';
}

/** RFC 9110 §9.1: method = token. */
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const REQUESTS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['requests'],
  properties: {
    requests: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path'],
        properties: {
          method: { type: 'string', pattern: METHOD.source },
          path: { type: 'string', pattern: '^/[\\x21-\\x7e]*$' },
          headers: { type: 'object', additionalProperties: { type: 'string', pattern: '^[^\\r\\n]*$' }, propertyNames: { pattern: METHOD.source } },
          body: { type: 'string' },
          bodyFile: { type: 'string', minLength: 1 },
          weight: { type: 'integer', minimum: 1, maximum: 100 },
          expectStatus: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 100, maximum: 599 } },
          expectBodyFile: { type: 'string', minLength: 1 },
        },
        not: { required: ['body', 'bodyFile'] },
      },
    },
  },
} as const;

interface RequestRecord {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  bodyFile?: string;
  weight?: number;
  expectStatus?: number[];
  expectBodyFile?: string;
}

function describeError(e: ErrorObject): string {
  const where =
    e.instancePath === ''
      ? 'the document'
      : e.instancePath
          .replace(/\/(\d+)/g, '[$1]')
          .replace(/^\//, '')
          .replace(/\//g, '.');
  if (e.keyword === 'not') return `${where} has both body and bodyFile: give one`;
  if (e.keyword === 'additionalProperties') return `${where} has an unknown field "${String(e.params.additionalProperty)}"`;
  return `${where} ${e.message ?? 'is invalid'}`;
}

function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new RequestFileError(`${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The requests of a --requests file; relative bodyFile and expectBodyFile paths are the file's. */
export function readRequestsFile(file: string): RequestEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFile(file, '--requests').toString('utf8'));
  } catch (err) {
    if (err instanceof RequestFileError) throw err;
    throw new RequestFileError(`--requests ${file}: not JSON (${(err as Error).message})`);
  }
  const validate = new Ajv({ allErrors: true }).compile<{ requests: RequestRecord[] }>(REQUESTS_SCHEMA);
  if (!validate(doc)) throw new RequestFileError(`--requests ${file}: ${(validate.errors ?? []).map(describeError).join('; ')}`);
  const base = dirname(resolve(file));
  return doc.requests.map((r, i) => {
    const body =
      r.bodyFile !== undefined
        ? readFile(resolve(base, r.bodyFile), `--requests ${file}: requests[${i}].bodyFile`)
        : r.body !== undefined
          ? Buffer.from(r.body)
          : undefined;
    return {
      request: { method: r.method ?? 'GET', path: r.path, headers: r.headers ?? {}, ...(body !== undefined ? { body } : {}), weight: r.weight ?? 1 },
      expect: {
        ...(r.expectStatus !== undefined ? { status: r.expectStatus } : {}),
        ...(r.expectBodyFile !== undefined
          ? { body: { bytes: readFile(resolve(base, r.expectBodyFile), `--requests ${file}: requests[${i}].expectBodyFile`), label: r.expectBodyFile } }
          : {}),
      },
    };
  });
}

/** "Name: value" from --header, as curl takes it. */
export function parseHeader(line: string): [string, string] {
  const colon = line.indexOf(':');
  const name = colon > 0 ? line.slice(0, colon).trim() : '';
  if (!METHOD.test(name) || /[\r\n]/.test(line)) throw new RequestFileError(`--header "${line}" is not "Name: value"`);
  return [name, line.slice(colon + 1).trim()];
}

export function describeExpectation(expect: Expectation): string {
  const status = expect.status === undefined ? 'status 2xx' : `status ${expect.status.join(' or ')}`;
  return expect.body === undefined ? status : `${status}, body == ${expect.body.label} (${expect.body.bytes.length} bytes)`;
}

export function describeRequests(entries: readonly RequestEntry[]): RequestDescription[] {
  return entries.map(({ request, expect }) => ({
    method: request.method,
    path: request.path,
    headers: request.headers,
    bodyBytes: request.body?.length ?? 0,
    weight: request.weight,
    expect: describeExpectation(expect),
  }));
}

/** The order one connection sends a mix in: each request `weight` times, interleaved (a, b, a, a
 * for weights 3 and 1), so that a short run already holds the mix's proportions. */
export function cycleOf(entries: readonly RequestEntry[]): LoadRequest[] {
  const total = entries.reduce((sum, e) => sum + e.request.weight, 0);
  const cycle: LoadRequest[] = [];
  // Smooth weighted round robin (as nginx's upstream balancer does): deterministic and even.
  const current = entries.map(() => 0);
  for (let n = 0; n < total; n++) {
    let best = 0;
    for (let i = 0; i < entries.length; i++) {
      current[i]! += entries[i]!.request.weight;
      if (current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    cycle.push(entries[best]!.request);
  }
  return cycle;
}

/** A request as a baseline stores it (JSON, bodies in base64), so that a later gate sends the very
 * same bytes and holds the answers to the same expectation. */
export interface StoredRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  bodyBase64?: string;
  weight: number;
  expectStatus?: number[];
  expectBody?: { base64: string; label: string };
}

export function storeRequests(entries: readonly RequestEntry[]): StoredRequest[] {
  return entries.map(({ request: r, expect: e }) => ({
    method: r.method,
    path: r.path,
    headers: r.headers,
    ...(r.body !== undefined ? { bodyBase64: r.body.toString('base64') } : {}),
    weight: r.weight,
    ...(e.status !== undefined ? { expectStatus: e.status } : {}),
    ...(e.body !== undefined ? { expectBody: { base64: e.body.bytes.toString('base64'), label: e.body.label } } : {}),
  }));
}

export function loadRequests(stored: readonly StoredRequest[]): RequestEntry[] {
  return stored.map((s) => ({
    request: {
      method: s.method,
      path: s.path,
      headers: s.headers,
      ...(s.bodyBase64 !== undefined ? { body: Buffer.from(s.bodyBase64, 'base64') } : {}),
      weight: s.weight,
    },
    expect: {
      ...(s.expectStatus !== undefined ? { status: s.expectStatus } : {}),
      ...(s.expectBody !== undefined ? { body: { bytes: Buffer.from(s.expectBody.base64, 'base64'), label: s.expectBody.label } } : {}),
    },
  }));
}

/** "GET /health ×3 (status 2xx)", for messages that compare two descriptions. */
export function describeStored(stored: readonly StoredRequest[] | undefined): string {
  if (stored === undefined) return "GET of the scenarios' files of the docroot";
  return loadRequests(stored)
    .map(
      ({ request: r, expect }) =>
        `${r.method} ${r.path}${r.weight > 1 ? ` ×${r.weight}` : ''}${r.body !== undefined ? ` with a ${r.body.length}-byte body` : ''}${
          Object.keys(r.headers).length > 0
            ? ` [${Object.entries(r.headers)
                .map(([n, v]) => `${n}: ${v}`)
                .join(', ')}]`
            : ''
        } (${describeExpectation(expect)})`,
    )
    .join(', ');
}
