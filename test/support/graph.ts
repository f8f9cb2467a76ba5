import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { loadConfig, type AppConfig } from '../../src/config.js';
import type { Provider } from '../../src/domain.js';
import { startEmulators, type EmulatorSet, type EmulatorSetOptions } from '../../src/emulators/index.js';
import { createObservability, type ObservabilityOptions } from '../../src/observability/index.js';
import type { VendorModule } from '../../src/vendors/vendor-module.js';
import { VENDORS } from '../../src/vendors/vendors.js';
import { createGraph, type Graph } from '../../src/yoga.js';

export interface GraphQLResponse<TData = Record<string, unknown>> {
  data?: TData | null;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }>;
}

export interface TestGraph {
  url: string;
  config: AppConfig;
  graph: Graph;
  emulators: EmulatorSet;
  query<TData = Record<string, unknown>>(document: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<TData>>;
  /** Upstream requests logged by every emulator since the last reset. */
  upstreamRequests(): number;
  resetEmulators(): void;
  close(): Promise<void>;
}

/** One GraphQL POST over real HTTP, as a client sends it. */
export async function postGraphQL<TData = Record<string, unknown>>(
  url: string,
  document: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<TData>> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query: document, variables }),
  });
  return (await response.body.json()) as GraphQLResponse<TData>;
}

/** Fast retries and no breaker: failures in tests show at once and deterministically. */
export const TEST_HTTP_ENV = {
  UPSTREAM_TIMEOUT_MS: '2000',
  UPSTREAM_MAX_ATTEMPTS: '2',
  UPSTREAM_RETRY_BASE_DELAY_MS: '1',
  UPSTREAM_RETRY_MAX_DELAY_MS: '5',
  UPSTREAM_BREAKER_THRESHOLD: '0',
};

/** The emulators (seeded, fixed anchor) and the graph over real HTTP on loopback. */
export async function startTestGraph(
  options: {
    only?: Provider[];
    env?: Record<string, string>;
    emulators?: EmulatorSetOptions;
    observability?: ObservabilityOptions;
    /** The vendor list the graph serves (default: the graph's own, src/vendors/vendors.ts). */
    vendors?: readonly VendorModule[];
  } = {},
): Promise<TestGraph> {
  const vendors = options.vendors ?? VENDORS;
  const emulators = await startEmulators({ anchor: new Date('2026-11-01T00:00:00Z'), vendors, ...options.emulators });
  // Tests that read log lines pass their own destination; the rest keep the output quiet.
  const env: Record<string, string> = { LOG_LEVEL: 'silent', ...TEST_HTTP_ENV, ...options.env };
  for (const [key, value] of Object.entries(emulators.env)) env[key] = value;
  if (options.only) {
    for (const vendor of vendors) {
      if (!options.only.includes(vendor.provider)) delete env[`${vendor.names.envPrefix}_BASE_URL`];
    }
  }
  const config = loadConfig(env, vendors);
  const graph = createGraph(config, { observability: createObservability(config, { processMetrics: false, ...options.observability }) });
  const server: Server = createServer(graph.yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const all = () => Object.values(emulators.emulators);
  return {
    url,
    config,
    graph,
    emulators,
    query: (document, variables) => postGraphQL(url, document, variables),
    upstreamRequests: () => all().reduce((sum, emulator) => sum + emulator.requestLog.length, 0),
    resetEmulators: () => all().forEach((emulator) => emulator.reset()),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await graph.close();
      await emulators.close();
    },
  };
}
