import type { Provider } from './domain.js';
import { DEFAULT_HTTP_SETTINGS, type RetrySettings, type UpstreamObserver, type UpstreamGate } from './providers/http.js';
import type { SharedStore } from './shared-state/store.js';
import { loadOperationsConfig, type OperationsConfig } from './observability/settings.js';
import { loadPersistedOperationsConfig, type PersistedOperationsConfig } from './persisted-operations.js';
import { loadLimitsConfig, type LimitsConfig } from './limits/settings.js';
import { createEnvReader, type Env } from './env-reader.js';

export interface FlashbackConfig {
  baseUrl: string;
  token: string;
}
export interface ChatbaseConfig {
  baseUrl: string;
  apiKey: string;
  chatbotIds: string[];
}
export interface MoveworksDataConfig {
  baseUrl: string;
  token: string;
}
export interface SymblConfig {
  baseUrl: string;
  token: string;
}
export interface MoveworksConversationsConfig {
  baseUrl: string;
  token: string;
  assistantName: string;
}

export interface ProviderConfigs {
  FLASHBACK?: FlashbackConfig;
  CHATBASE?: ChatbaseConfig;
  MOVEWORKS_DATA?: MoveworksDataConfig;
  SYMBL?: SymblConfig;
  MOVEWORKS_CONVERSATIONS?: MoveworksConversationsConfig;
}

/** How every vendor client talks HTTP. */
export interface HttpSettings {
  timeoutMs: number;
  retry: RetrySettings;
  breakerThreshold: number;
  breakerHalfOpenAfterMs: number;
  connections: number;
  maxResponseBytes: number;
  /** Wired by the graph at start, never read from the environment (see UpstreamRuntime). */
  observer?: UpstreamObserver;
  gate?: UpstreamGate;
  store?: SharedStore;
  /** From `performance.coalesceUpstream`; see HttpClientOptions. */
  coalesce?: boolean;
}

/** What one GraphQL request may spend upstream. */
export interface RequestLimits {
  /** Every answer arrives within this (plus the graph's own work): retries only spend what is left. */
  deadlineMs: number;
  /** Upstream calls (retries included) one GraphQL request may send. */
  upstreamCallBudget: number;
}

/** Scan indexes (backward over Moveworks Conversations) and probed counts, shared through the store. */
export interface ScanSettings {
  /** Conversations one Moveworks Conversations scan may index (per archived state); beyond, backward and totalCount are refused. */
  moveworksConversationsLimit: number;
  /** How long a completed scan index is reused (and how long a partial one waits to be continued). */
  indexTtlMs: number;
  /** How long a probed count is reused; 0: never cached. */
  countTtlMs: number;
}

/** State that replicas share: in Redis when `REDIS_URL` is set, else per process. */
export interface SharedStateConfig {
  /** `redis://` or `rediss://` URL; null keeps every piece of state in this process. */
  redisUrl: string | null;
  /** Prefix of every key, so several deployments can share one Redis. */
  keyPrefix: string;
  /** Bound on every Redis call; past it the call falls back to per-process state. */
  commandTimeoutMs: number;
}

/** Our own limit on calls to each vendor, per credential (shared by replicas when Redis is on). */
export interface RateLimitConfig {
  /** Requests per second by vendor; a vendor without an entry is not limited by the graph. */
  perSecond: Partial<Record<Provider, number>>;
  /** How long a call may wait for its turn before it fails with `UPSTREAM_RATE_LIMITED`. */
  queueMs: number;
}

export interface AppConfig {
  port: number;
  providers: ProviderConfigs;
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

export const DEFAULT_SCAN_SETTINGS: ScanSettings = {
  moveworksConversationsLimit: 20_000,
  indexTtlMs: 120_000,
  countTtlMs: 60_000,
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const DEV_CURSOR_SECRET = 'conversations-graph-development-cursor-secret';

/** Validates the environment once; throws a ConfigError listing every problem. */
export function loadConfig(env: Env): AppConfig {
  const problems: string[] = [];
  const { read, flag, integer } = createEnvReader(env, problems);
  const url = (name: string): string | undefined => {
    const value = read(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
      return value.replace(/\/+$/, '');
    } catch {
      problems.push(`${name} must be an http(s) URL, got "${value}"`);
      return undefined;
    }
  };
  const required = (name: string, because: string): string => {
    const value = read(name);
    if (value === undefined) problems.push(`${name} is required because ${because} is set`);
    return value ?? '';
  };
  const providers: ProviderConfigs = {};
  const flashbackUrl = url('FLASHBACK_BASE_URL');
  if (flashbackUrl) {
    providers.FLASHBACK = { baseUrl: flashbackUrl, token: required('FLASHBACK_TOKEN', 'FLASHBACK_BASE_URL') };
  }
  const chatbaseUrl = url('CHATBASE_BASE_URL');
  if (chatbaseUrl) {
    const ids = (read('CHATBASE_CHATBOT_IDS') ?? '').split(',').map((id) => id.trim()).filter(Boolean);
    if (ids.length === 0) problems.push('CHATBASE_CHATBOT_IDS must list at least one chatbot id because CHATBASE_BASE_URL is set');
    providers.CHATBASE = {
      baseUrl: chatbaseUrl,
      apiKey: required('CHATBASE_API_KEY', 'CHATBASE_BASE_URL'),
      chatbotIds: [...new Set(ids)],
    };
  }
  const moveworksDataUrl = url('MOVEWORKS_DATA_BASE_URL');
  if (moveworksDataUrl) {
    providers.MOVEWORKS_DATA = { baseUrl: moveworksDataUrl, token: required('MOVEWORKS_DATA_TOKEN', 'MOVEWORKS_DATA_BASE_URL') };
  }
  const symblUrl = url('SYMBL_BASE_URL');
  if (symblUrl) {
    providers.SYMBL = { baseUrl: symblUrl, token: required('SYMBL_TOKEN', 'SYMBL_BASE_URL') };
  }
  const moveworksConversationsUrl = url('MOVEWORKS_CONVERSATIONS_BASE_URL');
  if (moveworksConversationsUrl) {
    providers.MOVEWORKS_CONVERSATIONS = {
      baseUrl: moveworksConversationsUrl,
      token: required('MOVEWORKS_CONVERSATIONS_TOKEN', 'MOVEWORKS_CONVERSATIONS_BASE_URL'),
      assistantName: required('MOVEWORKS_ASSISTANT_NAME', 'MOVEWORKS_CONVERSATIONS_BASE_URL'),
    };
  }

  const config: AppConfig = {
    port: integer('PORT', 4000, 0, 65535),
    providers,
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
      moveworksConversationsLimit: integer('MOVEWORKS_CONVERSATIONS_SCAN_LIMIT', DEFAULT_SCAN_SETTINGS.moveworksConversationsLimit, 100, 1_000_000),
      indexTtlMs: integer('SCAN_INDEX_TTL_MS', DEFAULT_SCAN_SETTINGS.indexTtlMs, 1_000, 3_600_000),
      countTtlMs: integer('COUNT_TTL_MS', DEFAULT_SCAN_SETTINGS.countTtlMs, 0, 3_600_000),
    },
    sharedState: {
      redisUrl: redisUrl(read('REDIS_URL'), problems),
      keyPrefix: read('REDIS_KEY_PREFIX') ?? 'conversations-graph:',
      commandTimeoutMs: integer('REDIS_TIMEOUT_MS', 250, 10, 10_000),
    },
    rateLimits: {
      perSecond: rateLimits(read, problems),
      queueMs: integer('UPSTREAM_RATE_LIMIT_QUEUE_MS', 1_000, 0, 60_000),
    },
    limits: loadLimitsConfig(env, problems),
  };
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

const RATE_LIMITED_PROVIDERS: Provider[] = ['FLASHBACK', 'CHATBASE', 'MOVEWORKS_DATA', 'SYMBL', 'MOVEWORKS_CONVERSATIONS'];

/** `<VENDOR>_RATE_LIMIT`: requests per second, fractions allowed (0.5 is one request every 2 s). */
function rateLimits(read: (name: string) => string | undefined, problems: string[]): Partial<Record<Provider, number>> {
  const limits: Partial<Record<Provider, number>> = {};
  for (const provider of RATE_LIMITED_PROVIDERS) {
    const name = `${provider}_RATE_LIMIT`;
    const value = read(name);
    if (value === undefined) continue;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0 || parsed > 100_000) {
      problems.push(`${name} must be a number of requests per second above 0 and at most 100000, got "${value}"`);
      continue;
    }
    limits[provider] = parsed;
  }
  return limits;
}

export function configuredProviders(config: AppConfig): Provider[] {
  return (Object.keys(config.providers) as Provider[]).filter((provider) => config.providers[provider] !== undefined);
}
