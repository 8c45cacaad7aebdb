// The options the API checks before anything starts, each refusal an HttpLabUsageError in the words
// the CLI prints (naming the flag): the CLI's argument checks call these too, so both say the same.
import { accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseHeader } from '../loadtest/requests.js';
import { HttpLabUsageError } from './errors.js';
import type { RequestArgs } from './request-options.js';

export function fail(message: string): never {
  throw new HttpLabUsageError(message);
}

export function checkPositive(name: string, value: number): boolean {
  if (!Number.isFinite(value) || value <= 0) fail(`--${name} must be a positive number (got ${value})`);
  return true;
}

export function checkNonNegative(name: string, value: number): boolean {
  if (!Number.isFinite(value) || value < 0) fail(`--${name} must be a number of 0 or more (got ${value})`);
  return true;
}

export function checkPositiveInteger(name: string, value: number): boolean {
  if (!Number.isInteger(value) || value <= 0) fail(`--${name} must be a positive integer (got ${value})`);
  return true;
}

/** Checked before any target starts, so a typo in --out does not cost a whole run. */
export function checkWritable(out: string): boolean {
  const folder = dirname(resolve(out));
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    fail(`--out ${out}: the folder ${folder} does not exist or is not writable`);
  }
  return true;
}

/** One request (method, header, body or bodyFile, expectStatus, expectBodyFile) or a weighted mix
 * (requests: a JSON file), as bench and gate take them: the flags --method/-X, --header/-H, --body,
 * --body-file, --expect-status, --expect-body-file and --requests. */
export interface RequestOptions {
  /** request method (default GET) */
  method?: string;
  /** request fields, each "Name: value" */
  header?: string[];
  body?: string;
  /** the request body, read from this file */
  bodyFile?: string;
  /** the statuses the check before load accepts (default: any 2xx; 200 for a docroot file) */
  expectStatus?: number[];
  /** the exact body the check before load expects */
  expectBodyFile?: string;
  /** a JSON file of weighted requests, each with its own expectation */
  requests?: string;
}

const REQUEST_FLAGS: Record<keyof RequestOptions, string> = {
  method: 'method',
  header: 'header',
  body: 'body',
  bodyFile: 'body-file',
  expectStatus: 'expect-status',
  expectBodyFile: 'expect-body-file',
  requests: 'requests',
};

export function checkRequestOptions(a: RequestOptions): void {
  if (a.requests !== undefined) {
    const single = (['method', 'header', 'body', 'bodyFile', 'expectStatus', 'expectBodyFile'] as const).filter((k) => a[k] !== undefined);
    if (single.length > 0) fail(`--requests gives every request and its expectation: drop --${single.map((k) => REQUEST_FLAGS[k]).join(', --')}`);
  }
  if (a.method !== undefined && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(a.method)) fail(`--method ${a.method} is not a method token`);
  for (const h of a.header ?? []) if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\r\n]*$/.test(String(h))) fail(`--header "${h}" is not "Name: value"`);
  for (const s of a.expectStatus ?? []) if (!Number.isInteger(s) || s < 100 || s > 599) fail(`--expect-status ${s} is not a status code (100 to 599)`);
}

/** The request options as the request builder (api/request-options.ts) takes them. */
export function requestArgsOf(a: RequestOptions): RequestArgs {
  return {
    ...(a.method !== undefined ? { method: a.method } : {}),
    ...(a.header !== undefined ? { headers: a.header.map((h) => parseHeader(String(h))) } : {}),
    ...(a.body !== undefined ? { body: a.body } : {}),
    ...(a.bodyFile !== undefined ? { bodyFile: a.bodyFile } : {}),
    ...(a.expectStatus !== undefined ? { expectStatus: a.expectStatus } : {}),
    ...(a.expectBodyFile !== undefined ? { expectBodyFile: a.expectBodyFile } : {}),
    ...(a.requests !== undefined ? { requestsFile: a.requests } : {}),
  };
}

/** The request options alone, picked from a larger options object. */
export function requestOptionsOf(a: RequestOptions): RequestOptions {
  const picked: RequestOptions = {};
  for (const k of Object.keys(REQUEST_FLAGS) as Array<keyof RequestOptions>) if (a[k] !== undefined) Object.assign(picked, { [k]: a[k] });
  return picked;
}
