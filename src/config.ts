import type { Provider } from './domain.js';
import { DEFAULT_HTTP_SETTINGS } from './vendors/http.js';
import type { HttpSettings } from './vendors/http-settings.js';
import type { VendorModule, VendorSettings } from './vendors/vendor-module.js';
import { readSharedVendorSettings, readVendorSettings, type SharedVendorSettings } from './vendors/vendor-settings.js';
import { VENDORS } from './vendors/vendors.js';
import { DEFAULT_SCAN_SETTINGS, type ScanSettings } from './streams/scan-settings.js';
import type { RateLimitConfig, SharedStateConfig } from './shared-state/settings.js';
import { loadOperationsConfig, type OperationsConfig } from './observability/settings.js';
import { loadPersistedOperationsConfig, type PersistedOperationsConfig } from './persisted-operations-settings.js';
import { loadLimitsConfig, type LimitsConfig } from './limits/settings.js';
import { loadResponseCacheConfig, type ResponseCacheConfig } from './http/response-cache-settings.js';
import { loadLiveConfig, type LiveConfig } from './live/settings.js';
import { createEnvReader, type Env } from './env-reader.js';

export type { HttpSettings, RateLimitConfig, ScanSettings, SharedStateConfig };
export { DEFAULT_SCAN_SETTINGS };

/** Settings of each configured vendor (its module's `configuration.read`), in the vendor list's order. */
export type VendorConfigs = Partial<Record<Provider, VendorSettings>>;

/** What one GraphQL request may spend upstream. */
export interface RequestLimits {
  /** Every answer arrives within this (plus the graph's own work): retries only spend what is left. */
  deadlineMs: number;
  /** Upstream calls (retries included) one GraphQL request may send. */
  upstreamCallBudget: number;
}



export interface AppConfig {
  port: number;
  /** The vendors this graph serves (src/vendors/vendors.ts; tests pass their own list). */
  vendors: readonly VendorModule[];
  /** Settings of each configured vendor, read by its module. */
  vendorConfigs: VendorConfigs;
  /** Per-vendor settings every vendor has (`<PREFIX>_RATE_LIMIT`, …), for every vendor in the list. */
  vendorSettings: Record<Provider, SharedVendorSettings>;
  http: HttpSettings;
  /** Signs cursors so the graph can refuse ones it did not issue. */
  cursorSecret: string;
  /** Largest `first`/`last` accepted. */
  maxPageSize: number;
  request: RequestLimits;
  /** Production profile, listener, shutdown, logs and traces (src/observability/settings.ts). */
  operations: OperationsConfig;
  /** Trusted documents: which operations run (src/persisted-operations.ts). */
  persistedOperations: PersistedOperationsConfig;
  federation: FederationConfig;
  performance: PerformanceConfig;
  scans: ScanSettings;
  sharedState: SharedStateConfig;
  rateLimits: RateLimitConfig;
  /** Query and input limits, the list's share of the deadline (src/limits/settings.ts). */
  limits: LimitsConfig;
  /** Subscriptions: polling the vendors' heads, their limits (src/live/settings.ts). */
  live: LiveConfig;
  /** Whole-result caching of queries, off unless RESPONSE_CACHE_TTL_MS is set (src/http/response-cache-settings.ts). */
  responseCache: ResponseCacheConfig;
}

/** Throughput settings (issue #12). */
export interface PerformanceConfig {
  /** Identical upstream GETs in flight together share one call (UPSTREAM_COALESCE, default true). */
  coalesceUpstream: boolean;
}

/** The subgraph side of the graph: what a gateway may ask of `_entities`. */
export interface FederationConfig {
  /** Most representations one `_entities` call may carry; more is BAD_USER_INPUT before any vendor call. */
  maxEntityRepresentations: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const DEV_CURSOR_SECRET = 'conversations-graph-development-cursor-secret';

/** Validates the environment once; throws a ConfigError listing every problem. */
export function loadConfig(env: Env, vendors: readonly VendorModule[] = VENDORS): AppConfig {
  const problems: string[] = [];
  const { read, flag, integer } = createEnvReader(env, problems);
  const vendorConfigs = readVendorSettings(vendors, env, problems);

  const config: AppConfig = {
    port: integer('PORT', 4000, 0, 65535),
    vendors,
    vendorConfigs,
    http: {
      timeoutMs: integer('UPSTREAM_TIMEOUT_MS', DEFAULT_HTTP_SETTINGS.timeoutMs, 100, 120_000),
      retry: {
        maxAttempts: integer('UPSTREAM_MAX_ATTEMPTS', DEFAULT_HTTP_SETTINGS.retry.maxAttempts, 1, 10),
        baseDelayMs: integer('UPSTREAM_RETRY_BASE_DELAY_MS', DEFAULT_HTTP_SETTINGS.retry.baseDelayMs, 0, 60_000),
        maxDelayMs: integer('UPSTREAM_RETRY_MAX_DELAY_MS', DEFAULT_HTTP_SETTINGS.retry.maxDelayMs, 0, 120_000),
      },
      breakerThreshold: integer('UPSTREAM_BREAKER_THRESHOLD', DEFAULT_HTTP_SETTINGS.breakerThreshold, 0, 1000),
      breakerHalfOpenAfterMs: integer('UPSTREAM_BREAKER_HALF_OPEN_MS', DEFAULT_HTTP_SETTINGS.breakerHalfOpenAfterMs, 0, 600_000),
      connections: integer('UPSTREAM_CONNECTIONS', DEFAULT_HTTP_SETTINGS.connections, 1, 1024),
      maxResponseBytes: integer('UPSTREAM_MAX_RESPONSE_BYTES', DEFAULT_HTTP_SETTINGS.maxResponseBytes, 1024, 1024 * 1_048_576),
    },
    cursorSecret: read('CURSOR_SECRET') ?? DEV_CURSOR_SECRET,
    maxPageSize: integer('MAX_PAGE_SIZE', 100, 1, 1000),
    request: {
      deadlineMs: integer('REQUEST_DEADLINE_MS', 5_000, 100, 120_000),
      upstreamCallBudget: integer('UPSTREAM_CALL_BUDGET', 250, 1, 100_000),
    },
    operations: loadOperationsConfig(env, problems),
    persistedOperations: loadPersistedOperationsConfig(env, problems),
    federation: {
      maxEntityRepresentations: integer('MAX_ENTITY_REPRESENTATIONS', 100, 1, 1000),
    },
    performance: {
      coalesceUpstream: flag('UPSTREAM_COALESCE', true),
    },
    scans: {
      indexTtlMs: integer('SCAN_INDEX_TTL_MS', DEFAULT_SCAN_SETTINGS.indexTtlMs, 1_000, 3_600_000),
      countTtlMs: integer('COUNT_TTL_MS', DEFAULT_SCAN_SETTINGS.countTtlMs, 0, 3_600_000),
    },
    sharedState: {
      redisUrl: redisUrl(read('REDIS_URL'), problems),
      keyPrefix: read('REDIS_KEY_PREFIX') ?? 'conversations-graph:',
      commandTimeoutMs: integer('REDIS_TIMEOUT_MS', 250, 10, 10_000),
    },
    vendorSettings: readSharedVendorSettings(vendors, env, problems),
    rateLimits: {
      perSecond: {},
      queueMs: integer('UPSTREAM_RATE_LIMIT_QUEUE_MS', 1_000, 0, 60_000),
    },
    limits: loadLimitsConfig(env, problems),
    live: loadLiveConfig(env, problems),
    responseCache: loadResponseCacheConfig(env, problems),
  };
  for (const [provider, shared] of Object.entries(config.vendorSettings)) {
    if (shared.rateLimitPerSecond !== null) config.rateLimits.perSecond[provider as Provider] = shared.rateLimitPerSecond;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function redisUrl(value: string | undefined, problems: string[]): string | null {
  if (value === undefined) return null;
  try {
    const parsed = new URL(value);
    if (parsed.protocol === 'redis:' || parsed.protocol === 'rediss:') return value;
  } catch {
    // reported below
  }
  problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  return null;
}

/** The configured vendors, in the vendor list's order. */
export function configuredProviders(config: AppConfig): Provider[] {
  return config.vendors.map((vendor) => vendor.provider).filter((provider) => config.vendorConfigs[provider] !== undefined);
}
