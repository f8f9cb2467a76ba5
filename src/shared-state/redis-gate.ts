import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateLimitConfig } from './settings.js';
import type { Provider } from '../domain.js';
import type { UpstreamGate } from '../vendors/upstream-runtime.js';
import { honour, maxWaitFor, type MemoryGate } from './memory-gate.js';
import type { RedisLink } from './redis-link.js';
import { windowFor, type Reservation } from './sliding-window.js';

/**
 * sliding-window.ts's rule, atomically in Redis, on Redis's clock (replicas'
 * clocks may differ). KEYS: the call log (a sorted set of start instants,
 * reserved ones included) and the pause (epoch ms). ARGV: capacity (0: no
 * limit, pauses only), window ms, the longest wait allowed, a unique member.
 * Returns {granted (1/0), wait ms}.
 */
const ACQUIRE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local capacity = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local at = now
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > at then at = paused end
if capacity > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now - windowMs))
  local count = redis.call('ZCARD', KEYS[1])
  if count >= capacity then
    local oldest = redis.call('ZRANGE', KEYS[1], count - capacity, count - capacity, 'WITHSCORES')
    local free = tonumber(oldest[2]) + windowMs
    if free > at then at = free end
  end
end
local wait = at - now
if wait > tonumber(ARGV[3]) then return {0, wait} end
if capacity > 0 then
  redis.call('ZADD', KEYS[1], string.format('%.0f', at), ARGV[4])
  redis.call('PEXPIRE', KEYS[1], wait + windowMs + 1000)
end
return {1, wait}
`;

/** KEYS: the pause. ARGV: its length in ms. Keeps the later of the current and the new end. */
const PAUSE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local pauseMs = tonumber(ARGV[1])
local untilMs = now + pauseMs
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then
  redis.call('SET', KEYS[1], string.format('%.0f', untilMs), 'PX', pauseMs + 1000)
end
return 1
`;

interface Script {
  source: string;
  sha: string;
}
const script = (source: string): Script => ({ source, sha: createHash('sha1').update(source).digest('hex') });
const acquireScript = script(ACQUIRE);
const pauseScript = script(PAUSE);

async function run(client: Redis, { source, sha }: Script, keys: string[], args: Array<string | number>): Promise<unknown> {
  try {
    return await client.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.eval(source, keys.length, ...keys, ...args);
  }
}

function parseReservation(reply: unknown): Reservation {
  if (!Array.isArray(reply) || reply.length !== 2 || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
    throw new Error('unexpected reply from the rate-limit script');
  }
  return { granted: reply[0] === 1, waitMs: reply[1] };
}

/**
 * `<VENDOR>_RATE_LIMIT` per credential across every replica, and a vendor's
 * `Retry-After` pausing it for every replica. While Redis is away, `local`
 * (this replica's own gate) decides: each replica then keeps the limit on
 * its own, so N replicas may send up to N times the limit.
 */
export function createRedisGate(link: RedisLink, keyPrefix: string, limits: RateLimitConfig, local: MemoryGate): UpstreamGate {
  // The hash tag keeps both keys of a vendor and credential in one Redis Cluster slot.
  const keysOf = (provider: Provider, credential: string): { log: string; pause: string } => {
    const base = `${keyPrefix}gate:{${provider}:${credential}}`;
    return { log: `${base}:log`, pause: `${base}:pause` };
  };
  return {
    async acquire(call) {
      const limit = limits.perSecond[call.provider];
      const window = limit === undefined ? undefined : windowFor(limit);
      const { log, pause } = keysOf(call.provider, call.credential);
      const reservation = await link.attempt<Reservation | null>(
        async (client) => {
          const args = [window?.capacity ?? 0, window?.windowMs ?? 0, maxWaitFor(call, limits, Date.now()), randomUUID()];
          const granted = parseReservation(await run(client, acquireScript, [log, pause], args));
          if (granted.granted) local.record(call.provider, call.credential, Date.now() + granted.waitMs);
          return granted;
        },
        () => null,
      );
      if (reservation === null) return local.acquire(call);
      await honour(reservation, call, limits);
    },
    async pause(call) {
      await local.pause(call);
      const pauseMs = Math.max(0, Math.round(call.seconds * 1_000));
      if (pauseMs === 0) return;
      await link.attempt(
        async (client) => {
          await run(client, pauseScript, [keysOf(call.provider, call.credential).pause], [pauseMs]);
        },
        () => undefined,
      );
    },
  };
}
