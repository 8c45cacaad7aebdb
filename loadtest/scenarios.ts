// Load scenarios as data: what each one asks of a server, with defaults a user can override from
// flags (--connections, --duration, --pipelining, --path). All defaults live here.

import type { RequestEntry } from './requests.js';

export interface Scenario {
  name: string;
  description: string;
  /** the path requested; its bytes in the docroot are what the pre-load check expects */
  path: string;
  /** what is sent instead of a GET of `path`, and what each answer must be: a user's endpoint, or
   * a weighted mix; the scenario then sets only the connections and the pipelining */
  requests?: RequestEntry[];
  connections: number;
  /** requests in flight on each connection (1: none pipelined) */
  pipelining: number;
  /** close the connection after every response and open a new one for the next request */
  newConnectionPerRequest: boolean;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'keepalive',
    description: 'small file, 50 keep-alive connections, one request in flight on each',
    path: '/index.html',
    connections: 50,
    pipelining: 1,
    newConnectionPerRequest: false,
  },
  {
    name: 'close',
    description: 'small file, a new connection per request (Connection: close), 50 at a time',
    path: '/index.html',
    connections: 50,
    pipelining: 1,
    newConnectionPerRequest: true,
  },
  {
    name: 'pipeline',
    description: 'small file, 50 keep-alive connections, 10 pipelined requests in flight on each',
    path: '/index.html',
    connections: 50,
    pipelining: 10,
    newConnectionPerRequest: false,
  },
  {
    name: 'large',
    description: 'the 1 MiB file, 10 keep-alive connections',
    path: '/large.bin',
    connections: 10,
    pipelining: 1,
    newConnectionPerRequest: false,
  },
  {
    name: 'many',
    description: 'small file, 1,000 keep-alive connections',
    path: '/index.html',
    connections: 1000,
    pipelining: 1,
    newConnectionPerRequest: false,
  },
];

export const SCENARIO_NAMES: readonly string[] = SCENARIOS.map((s) => s.name);

export const DEFAULT_SCENARIO = 'keepalive';
/** seconds of load per measured run */
export const DEFAULT_DURATION_S = 5;
/** measured runs per target and scenario */
export const DEFAULT_RUNS = 3;
/** seconds of load before the first run of each target and scenario, not counted */
export const DEFAULT_WARMUP_S = 2;
/** a response slower than this counts as a timeout */
export const RESPONSE_TIMEOUT_S = 10;

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

export interface ScenarioOverrides {
  connections?: number;
  pipelining?: number;
  path?: string;
}

/** The scenario with the user's overrides applied. */
export function withOverrides(scenario: Scenario, overrides: ScenarioOverrides): Scenario {
  return {
    ...scenario,
    ...(overrides.connections !== undefined ? { connections: overrides.connections } : {}),
    ...(overrides.pipelining !== undefined ? { pipelining: overrides.pipelining } : {}),
    ...(overrides.path !== undefined ? { path: overrides.path } : {}),
  };
}
