import { createHash } from 'node:crypto';
import { createRedisCache } from '@envelop/response-cache-redis';
import { createInMemoryCache, useResponseCache, type Cache } from '@graphql-yoga/plugin-response-cache';
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isUncacheable } from '../schema/cacheability.js';
import type { RedisLink } from '../shared-state/redis-link.js';
import type { ResponseCacheConfig } from './response-cache-settings.js';

/**
 * Whole results of queries served again for RESPONSE_CACHE_TTL_MS (@graphql-yoga/plugin-response-cache), in this
 * process or, with REDIS_URL, in Redis so every replica serves what one computed. A result is keyed by its document,
 * variables and the caller's credential (the `authorization` and `cookie` headers it sent, hashed: two callers never
 * share an entry). Never cached: a result with any error (a failing vendor among them), a look-up that found
 * nothing, a subscription (only executed results are stored). A cacheable answer carries `ETag` and
 * `Cache-Control: private, max-age=…`; `If-None-Match` with its ETag answers 304 while the entry lives.
 *
 * Must come after the plugins that add errors to a result (partial vendor failures), so it sees them.
 */
export function responseCachePlugins(config: ResponseCacheConfig, link: RedisLink | null): Plugin[] {
  const ttl = config.ttlMs;
  if (ttl === null) return [];
  const cache = link ? sharedCache(link) : createInMemoryCache();
  const uncacheableResults = new WeakSet<object>();
  const maxAge = Math.floor(ttl / 1_000);
  return [
    {
      // Before the cache's own hook: a look-up that found nothing marks its result so the cache leaves it out.
      onExecute({ args }) {
        return {
          onExecuteDone({ result, setResult }) {
            if (Symbol.asyncIterator in (result as object) || !isUncacheable(args.contextValue as object)) return;
            const marked = { ...(result as ExecutionResult) };
            uncacheableResults.add(marked);
            setResult(marked);
          },
        };
      },
    },
    useResponseCache({
      ttl,
      cache,
      session: (request) => credentialOf(request),
      shouldCacheResult: ({ result }) => !result.errors?.length && !uncacheableResults.has(result),
    }) as Plugin,
    {
      onResponse({ response }) {
        if (response.headers.has('etag')) response.headers.set('cache-control', `private, max-age=${maxAge}`);
      },
    },
  ];
}

/** Whatever identifies the caller to a gateway or a browser: its credentials, hashed (never kept as they are). */
function credentialOf(request: Request): string | null {
  const authorization = request.headers.get('authorization');
  const cookie = request.headers.get('cookie');
  if (authorization === null && cookie === null) return null;
  return createHash('sha256').update(JSON.stringify([authorization, cookie])).digest('base64url');
}

/**
 * The Redis cache (@envelop/response-cache-redis) on the replica's own connection, with this process's memory
 * cache while Redis is away: a cache that cannot be reached only costs the vendor calls it would have saved.
 */
function sharedCache(link: RedisLink): Cache {
  // The package types its own ioredis 5; the connection is ioredis 6, with the same commands.
  const redis = createRedisCache({ redis: link.client as unknown as Parameters<typeof createRedisCache>[0]['redis'] });
  const local = createInMemoryCache();
  return {
    get: (id) => link.attempt(async () => (await redis.get(id)) ?? undefined, () => local.get(id)),
    set: (id, data, entities, ttl) => link.attempt(async () => void (await redis.set(id, data, entities, ttl)), () => local.set(id, data, entities, ttl)),
    invalidate: (entities) => link.attempt(async () => void (await redis.invalidate(entities)), () => local.invalidate(entities)),
  };
}
