import type { Provider } from '../domain.js';

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
