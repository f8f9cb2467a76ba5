import type { Redis } from 'ioredis';
import type { RedisLink } from '../shared-state/redis-link.js';

/**
 * The Redis side of the live feeds: a lease per feed (one replica polls), a pub/sub channel per feed (the others
 * receive what it finds) and the feed's head state (so a replica that takes over continues where the last one
 * stopped). Commands go through the replica's shared link (never queued while Redis is away: they fail at
 * once); pub/sub needs a connection of its own.
 */
export interface LiveRelay {
  /** False while Redis is away: every replica then polls for its own subscribers. */
  available(): boolean;
  /** Takes the lease when free (or already ours); otherwise how long until it expires (ms). */
  acquire(lease: string, owner: string, leaseMs: number): Promise<{ held: true } | { held: false; retryInMs: number }>;
  /** Extends our lease; false when it is no longer ours (expired and taken). */
  renew(lease: string, owner: string, leaseMs: number): Promise<boolean>;
  release(lease: string, owner: string): Promise<void>;
  publish(channel: string, message: string): Promise<void>;
  /** Calls `onMessage` for every message on `channel` until the returned function is called. */
  subscribe(channel: string, onMessage: (message: string) => void): () => void;
  saveHead(key: string, value: string, ttlMs: number): Promise<void>;
  loadHead(key: string): Promise<string | null>;
  close(): Promise<void>;
}

/** KEYS: the lease. ARGV: owner, ms. Extends it only while we own it. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
/** KEYS: the lease. ARGV: owner. Deletes it only while we own it. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
/** KEYS: the lease. ARGV: owner, ms. {1} when ours (taken now or already), else {0, ms left}. */
const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if current == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1, 0}
end
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, 0}
end
return {0, redis.call('PTTL', KEYS[1])}
`;

export function createRedisRelay(link: RedisLink): LiveRelay {
  let subscriber: Redis | null = null;
  const handlers = new Map<string, Set<(message: string) => void>>();
  const subscriberConnection = (): Redis => {
    if (subscriber) return subscriber;
    // Its own connection (a subscribed connection takes no other command); it queues SUBSCRIBEs while connecting
    // and re-subscribes by itself after a reconnection.
    subscriber = link.client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, connectionName: 'conversations-graph-live' });
    subscriber.on('error', () => undefined);
    subscriber.on('message', (channel: string, message: string) => {
      for (const handler of handlers.get(channel) ?? []) handler(message);
    });
    return subscriber;
  };
  const command = async <T>(fn: (client: Redis) => Promise<T>): Promise<T> => {
    if (!link.shared) throw new Error('Redis is unavailable');
    return fn(link.client);
  };
  return {
    available: () => link.shared,
    async acquire(lease, owner, leaseMs) {
      const reply = (await command((client) => client.eval(ACQUIRE, 1, lease, owner, leaseMs))) as [number, number];
      if (reply[0] === 1) return { held: true };
      return { held: false, retryInMs: Math.max(0, Number(reply[1])) };
    },
    async renew(lease, owner, leaseMs) {
      return (await command((client) => client.eval(RENEW, 1, lease, owner, leaseMs))) === 1;
    },
    async release(lease, owner) {
      await command((client) => client.eval(RELEASE, 1, lease, owner));
    },
    async publish(channel, message) {
      await command((client) => client.publish(channel, message));
    },
    subscribe(channel, onMessage) {
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        void subscriberConnection().subscribe(channel).catch(() => undefined);
      }
      set.add(onMessage);
      return () => {
        const current = handlers.get(channel);
        if (!current) return;
        current.delete(onMessage);
        if (current.size === 0) {
          handlers.delete(channel);
          void subscriber?.unsubscribe(channel).catch(() => undefined);
        }
      };
    },
    async saveHead(key, value, ttlMs) {
      await command((client) => client.set(key, value, 'PX', ttlMs));
    },
    async loadHead(key) {
      return command((client) => client.get(key));
    },
    async close() {
      handlers.clear();
      subscriber?.disconnect();
      subscriber = null;
    },
  };
}
