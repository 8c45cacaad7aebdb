// The request options that bench and gate share: one request (--method, --header, --body,
// --body-file, --expect-status, --expect-body-file) or a weighted mix (--requests FILE), turned into
// what the load sends and what the check before load holds each answer to.
import { readFileSync } from 'node:fs';
import { readRequestsFile, RequestFileError, type RequestEntry } from '../loadtest/requests.js';
import { fileEntry, VerificationError } from '../loadtest/verify.js';
import { HttpLabUsageError } from './errors.js';

/** The request options as given on the command line. */
export interface RequestArgs {
  method?: string;
  headers?: Array<[string, string]>;
  body?: string;
  bodyFile?: string;
  expectStatus?: number[];
  expectBodyFile?: string;
  /** a JSON file of weighted requests (loadtest/requests.ts) */
  requestsFile?: string;
}

/** Where the request goes: a --url (whose own path is the default), a --path, the docroot whose file
 * a plain GET is checked against, and the scenario's own path. */
export interface RequestWhere {
  url?: URL;
  path?: string;
  docroot: string;
  scenarioPath: string;
}

export function hasRequestOptions(r: RequestArgs): boolean {
  return Object.values(r).some((v) => v !== undefined);
}

function readOption(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new HttpLabUsageError(`${flag} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** What a scenario sends, where it is not a GET of its file checked against the docroot: a --requests
 * mix; or one request built from the options, at --path, else at the --url's own path; undefined for
 * the scenario's own GET of a docroot file. */
export function requestEntries(r: RequestArgs, where: RequestWhere): RequestEntry[] | undefined {
  const { url } = where;
  if (r.requestsFile !== undefined) {
    try {
      return readRequestsFile(r.requestsFile);
    } catch (err) {
      if (err instanceof RequestFileError) throw new HttpLabUsageError(err.message);
      throw err;
    }
  }
  const custom = r.method !== undefined || (r.headers ?? []).length > 0 || r.body !== undefined || r.bodyFile !== undefined;
  const expects = r.expectStatus !== undefined || r.expectBodyFile !== undefined;
  // bench --url measures the URL's own path; --path (or a built-in target) names a file of the docroot.
  const ownPath = where.path === undefined && url !== undefined;
  if (!custom && !expects && !ownPath) return undefined;
  const path = ownPath ? `${url.pathname}${url.search}` : (where.path ?? where.scenarioPath);
  const body = r.bodyFile !== undefined ? readOption(r.bodyFile, '--body-file') : r.body !== undefined ? Buffer.from(r.body) : undefined;
  const method = r.method ?? 'GET';
  const entry: RequestEntry = {
    request: { method, path, headers: Object.fromEntries(r.headers ?? []), ...(body !== undefined ? { body } : {}), weight: 1 },
    expect: {
      ...(r.expectStatus !== undefined ? { status: r.expectStatus } : {}),
      ...(r.expectBodyFile !== undefined ? { body: { bytes: readOption(r.expectBodyFile, '--expect-body-file'), label: r.expectBodyFile } } : {}),
    },
  };
  // A plain GET of a docroot file keeps the byte-for-byte check against it, with the status asked for.
  if (!ownPath && !custom && r.expectBodyFile === undefined) {
    let file: RequestEntry;
    try {
      file = fileEntry(where.docroot, path);
    } catch (err) {
      if (err instanceof VerificationError) throw new HttpLabUsageError(err.message);
      throw err;
    }
    return [{ ...file, expect: { ...file.expect, ...(r.expectStatus !== undefined ? { status: r.expectStatus } : {}) } }];
  }
  return [entry];
}
