import { createEnvReader, type Env } from '../env-reader.js';

/** `subscription { conversationAdded }`: how the vendors' heads are polled and what a subscriber may hold (`config.live`). */
export interface LiveConfig {
  /** SUBSCRIPTIONS: false refuses every subscription (coded) and starts no poller. */
  enabled: boolean;
  /** LIVE_POLL_INTERVAL_MS; one vendor's `<PREFIX>_LIVE_POLL_INTERVAL_MS` (config.vendorSettings) overrides it. */
  pollIntervalMs: number;
  /** Conversations read from a vendor's head per upstream page while polling. */
  headPageSize: number;
  /** Most pages one poll reads when more conversations arrived than a page holds. */
  maxPagesPerPoll: number;
  /** Most conversations a resumed subscription gets before live events (`after` or `Last-Event-ID`). */
  resumeLimit: number;
  /** With REDIS_URL: how long a replica's poll lease lasts unrenewed (the longest a killed poller's vendors go unpolled). */
  leaseMs: number;
  /** Subscriptions open at once in this process. */
  maxSubscriptions: number;
  /** Subscriptions open at once from one client address. */
  maxSubscriptionsPerClient: number;
  /** An SSE comment line this often on every stream (proxies keep it open; a vanished client shows). */
  heartbeatIntervalMs: number;
  /** A client that has not read its stream (heartbeats and events) for this long is cut. */
  heartbeatTimeoutMs: number;
  /** Events waiting for one subscriber beyond which it is closed at once (a client that stopped reading). */
  maxPendingEvents: number;
  /**
   * LIVE_ORDER_MAX_WAIT_MS: the longest a subscription of several feeds holds an added event for the cross-vendor
   * order (its other feeds' polls); null: the slowest of its feeds' poll intervals plus ORDER_WAIT_MARGIN_MS; 0: no holding.
   */
  orderMaxWaitMs: number | null;
}

/** What the derived LIVE_ORDER_MAX_WAIT_MS adds to the slowest poll interval of a subscription's feeds (a poll's own time). */
export const ORDER_WAIT_MARGIN_MS = 1_000;

/** Bounds of every poll interval, the graph's LIVE_POLL_INTERVAL_MS and each vendor's own (ms). */
export const LIVE_POLL_INTERVAL_RANGE = { min: 50, max: 3_600_000 } as const;

export const DEFAULT_LIVE = {
  pollIntervalMs: 5_000,
  headPageSize: 50,
  maxPagesPerPoll: 5,
  resumeLimit: 100,
  leaseMs: 10_000,
  maxSubscriptions: 1_000,
  maxSubscriptionsPerClient: 50,
  heartbeatIntervalMs: 12_000,
  heartbeatTimeoutMs: 45_000,
  maxPendingEvents: 1_000,
} as const;

/** Reads the subscription variables; appends every problem to `problems` (loadConfig reports them together). */
export function loadLiveConfig(env: Env, problems: string[]): LiveConfig {
  const { flag, integer, read } = createEnvReader(env, problems);
  const pollIntervalMs = integer('LIVE_POLL_INTERVAL_MS', DEFAULT_LIVE.pollIntervalMs, LIVE_POLL_INTERVAL_RANGE.min, LIVE_POLL_INTERVAL_RANGE.max);
  const leaseMs = integer('LIVE_LEASE_MS', DEFAULT_LIVE.leaseMs, 200, 600_000);
  const heartbeatIntervalMs = integer('LIVE_HEARTBEAT_INTERVAL_MS', DEFAULT_LIVE.heartbeatIntervalMs, 50, 600_000);
  const heartbeatTimeoutMs = integer('LIVE_HEARTBEAT_TIMEOUT_MS', DEFAULT_LIVE.heartbeatTimeoutMs, 100, 3_600_000);
  if (heartbeatTimeoutMs <= heartbeatIntervalMs) {
    problems.push(`LIVE_HEARTBEAT_TIMEOUT_MS (${heartbeatTimeoutMs}) must be longer than LIVE_HEARTBEAT_INTERVAL_MS (${heartbeatIntervalMs})`);
  }
  return {
    enabled: flag('SUBSCRIPTIONS', true),
    pollIntervalMs,
    headPageSize: integer('LIVE_HEAD_PAGE_SIZE', DEFAULT_LIVE.headPageSize, 2, 100),
    maxPagesPerPoll: integer('LIVE_MAX_PAGES_PER_POLL', DEFAULT_LIVE.maxPagesPerPoll, 1, 100),
    resumeLimit: integer('LIVE_RESUME_LIMIT', DEFAULT_LIVE.resumeLimit, 0, 1_000),
    leaseMs,
    maxSubscriptions: integer('MAX_SUBSCRIPTIONS', DEFAULT_LIVE.maxSubscriptions, 0, 1_000_000),
    maxSubscriptionsPerClient: integer('MAX_SUBSCRIPTIONS_PER_CLIENT', DEFAULT_LIVE.maxSubscriptionsPerClient, 0, 1_000_000),
    heartbeatIntervalMs,
    heartbeatTimeoutMs,
    maxPendingEvents: integer('LIVE_MAX_PENDING_EVENTS', DEFAULT_LIVE.maxPendingEvents, 1, 1_000_000),
    orderMaxWaitMs: read('LIVE_ORDER_MAX_WAIT_MS') === undefined ? null : integer('LIVE_ORDER_MAX_WAIT_MS', 0, 0, 3_600_000),
  };
}
