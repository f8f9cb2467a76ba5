import type { RedisLink } from './redis-link.js';
import type { SharedStore } from './store.js';

/**
 * The SharedStore in Redis, so every replica sees what one replica cached.
 * Writes also go to this process's own store, which answers while Redis is
 * away: a replica then keeps what it cached itself (never another's), and a
 * miss only costs the vendor calls the cache would have saved.
 */
export function createRedisStore(link: RedisLink, keyPrefix: string, local: SharedStore): SharedStore {
  const keyOf = (key: string): string => `${keyPrefix}store:${key}`;
  return {
    get(key) {
      return link.attempt(
        (client) => client.get(keyOf(key)),
        () => local.get(key),
      );
    },
    async set(key, value, ttlMs) {
      const ttl = Math.max(1, Math.round(ttlMs));
      await local.set(key, value, ttl);
      await link.attempt(
        async (client) => {
          await client.set(keyOf(key), value, 'PX', ttl);
        },
        () => undefined,
      );
    },
    async delete(key) {
      await local.delete(key);
      await link.attempt(
        async (client) => {
          await client.del(keyOf(key));
        },
        () => undefined,
      );
    },
  };
}
