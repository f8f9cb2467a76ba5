import type { RateLimitConfig, SharedStateConfig } from './settings.js';
import type { UpstreamGate } from '../vendors/upstream-runtime.js';
import { createMemoryGate } from './memory-gate.js';
import { createRedisGate } from './redis-gate.js';
import { RedisLink, type SharedStateLogger } from './redis-link.js';
import { createRedisStore } from './redis-store.js';
import { createMemoryStore, type SharedStore } from './store.js';

/** What replicas share (rate limits, pauses, caches), and whether they share it right now. */
export interface SharedState {
  /** `redis` when `REDIS_URL` is set, else `memory` (everything per process, by design). */
  readonly backend: 'memory' | 'redis';
  readonly store: SharedStore;
  readonly gate: UpstreamGate;
  /** The Redis connection when `REDIS_URL` is set (live feeds lease and relay through it), else null. */
  readonly link: RedisLink | null;
  /** True while Redis is configured but away, so this replica uses its own state (the `shared_state_fallback` gauge). */
  fallback(): boolean;
  /** Called on every switch to (`true`) and from (`false`) per-process state. */
  onFallbackChange(listener: (fallback: boolean) => void): () => void;
  close(): Promise<void>;
}

export function createSharedState(config: { sharedState: SharedStateConfig; rateLimits: RateLimitConfig }, options: { logger?: SharedStateLogger; probeIntervalMs?: number } = {}): SharedState {
  const { sharedState, rateLimits } = config;
  const localStore = createMemoryStore();
  const localGate = createMemoryGate(rateLimits);
  if (sharedState.redisUrl === null) {
    return {
      backend: 'memory',
      store: localStore,
      gate: localGate,
      link: null,
      fallback: () => false,
      onFallbackChange: () => () => undefined,
      close: async () => undefined,
    };
  }
  const link = new RedisLink({
    url: sharedState.redisUrl,
    commandTimeoutMs: sharedState.commandTimeoutMs,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.probeIntervalMs !== undefined ? { probeIntervalMs: options.probeIntervalMs } : {}),
  });
  return {
    backend: 'redis',
    store: createRedisStore(link, sharedState.keyPrefix, localStore),
    gate: createRedisGate(link, sharedState.keyPrefix, rateLimits, localGate),
    link,
    fallback: () => !link.shared,
    onFallbackChange: (listener) => link.onChange(listener),
    close: () => link.close(),
  };
}
