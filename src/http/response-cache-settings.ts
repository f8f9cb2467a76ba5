import { createEnvReader, type Env } from '../env-reader.js';

/** Whole-result caching of queries (`config.responseCache`, src/http/response-cache.ts). */
export interface ResponseCacheConfig {
  /** RESPONSE_CACHE_TTL_MS: how long a result is served again; null (unset) turns the cache off. */
  ttlMs: number | null;
}

export function loadResponseCacheConfig(env: Env, problems: string[]): ResponseCacheConfig {
  const { read, integer } = createEnvReader(env, problems);
  if (read('RESPONSE_CACHE_TTL_MS') === undefined) return { ttlMs: null };
  return { ttlMs: integer('RESPONSE_CACHE_TTL_MS', 0, 1, 86_400_000) };
}
