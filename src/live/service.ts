import { createHash } from 'node:crypto';
import { createGraphQLError } from 'graphql-yoga';
import type { AppConfig } from '../config.js';
import { canonicalJson } from '../connection/cursor.js';
import { createdAtInRange, EMPTY_FILTER, type Conversation, type ConversationFilter, type JsonValue, type Provider } from '../domain.js';
import type { UpstreamError } from '../errors.js';
import type { VendorAdapter } from '../vendors/port.js';
import type { VendorModule } from '../vendors/vendor-module.js';
import { vendorModule } from '../vendors/vendors.js';
import { LiveFeed, type FeedEvent, type FeedObserver } from './feed.js';
import { newestFirst } from './head.js';
import type { LiveMetrics } from './metrics.js';
import type { LiveRelay } from './redis-relay.js';
import { ORDER_WAIT_MARGIN_MS } from './settings.js';

/** On a drain, how long a subscription may take to hand its client the events it still holds before it completes. */
export const DRAIN_FLUSH_MS = 2_000;

/** Oldest first, as a stream sends them: (createdAt, provider, vendor id) ascending, the connection's order reversed. */
function oldestFirst(a: Conversation, b: Conversation): number {
  return newestFirst(b, a);
}

/** Inserts `entry` after the last element of `list` that `goesAfter` does not put behind it (stable for equals). */
function insertFromEnd<T>(list: T[], entry: T, goesAfter: (other: T) => boolean): void {
  let at = list.length;
  while (at > 0 && goesAfter(list[at - 1] as T)) at -= 1;
  list.splice(at, 0, entry);
}

/** Stable `extensions.code` values of the subscription's refusals and closes. */
export const LiveErrorCode = {
  SUBSCRIPTIONS_DISABLED: 'SUBSCRIPTIONS_DISABLED',
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  SHUTTING_DOWN: 'SHUTTING_DOWN',
} as const;

/** The ordering key of a conversation, as an event cursor carries it. */
export interface ConversationKeyOrder {
  createdAtMs: number;
  provider: Provider;
  providerId: string;
}

/** What a subscription yields: a conversation to send as an edge, or a vendor's failure to send as an error. */
export type LiveEvent =
  | { kind: 'added'; conversation: Conversation }
  | { kind: 'failed'; provider: Provider; error: UpstreamError };

export interface SubscribeRequest {
  providers: readonly Provider[];
  filter: ConversationFilter;
  /** Send what arrived after this key first (up to the resume limit), then live events. */
  resumeAfter: ConversationKeyOrder | null;
  /** The peer's address (MAX_SUBSCRIPTIONS_PER_CLIENT). */
  clientAddress: string;
}

export interface LiveSubscription extends AsyncIterableIterator<LiveEvent> {
  /** True when the resume had more to send than the limit allows: the oldest missed ones were left out. */
  readonly resumeTruncated: boolean;
  /** Called as each event is handed out, before it resolves (a fresh deadline and budget start here). */
  onTake: (() => void) | null;
}

export interface LiveService {
  /** Opens a subscription, or throws a coded GraphQL error (disabled, over a limit, shutting down). */
  subscribe(request: SubscribeRequest): Promise<LiveSubscription>;
  /** Subscriptions open now. */
  active(): number;
  /** Ends every subscription (their streams complete) and refuses new ones: the start of a drain. */
  completeAll(): Promise<void>;
  close(): Promise<void>;
}

/** The part of the filter a vendor applies (its own section); `createdAt` and the choice of providers are applied here. */
export function pushedDownFilter(vendor: VendorModule, filter: ConversationFilter): ConversationFilter {
  const section = vendor.filter.of(filter);
  return section === null ? { ...EMPTY_FILTER } : { ...EMPTY_FILTER, [vendor.filter.key]: section };
}

function digest(value: JsonValue): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url').slice(0, 22);
}

/** True when `conversation` comes after `key` in time order (it is newer in the connection's order). */
export function isAfter(conversation: Conversation, key: ConversationKeyOrder): boolean {
  const probe = { createdAt: new Date(key.createdAtMs), provider: key.provider, providerId: key.providerId } as Conversation;
  return newestFirst(conversation, probe) < 0;
}

export interface LiveServiceOptions {
  config: AppConfig;
  adapters: ReadonlyMap<Provider, VendorAdapter>;
  relay: LiveRelay | null;
  metrics: LiveMetrics;
  logger: FeedObserver['logger'];
  keyPrefix: string;
}

export function createLiveService(options: LiveServiceOptions): LiveService {
  const { config, adapters, relay, metrics, logger } = options;
  const live = config.live;
  const feeds = new Map<string, LiveFeed>();
  const lingering = new Map<string, NodeJS.Timeout>();
  /** Feeds stopping (releasing their lease): close waits for them before Redis goes. */
  const stopping = new Set<Promise<void>>();
  const open = new Set<Subscription>();
  const perClient = new Map<string, number>();
  let closing = false;
  const pollIntervalOf = (provider: Provider): number => config.vendorSettings[provider]?.livePollIntervalMs ?? live.pollIntervalMs;
  const observer: FeedObserver = {
    poll: (provider, outcome) => metrics.polls.labels(provider, outcome).inc(),
    role: (provider, from, to) => {
      if (from !== 'idle') metrics.pollers.labels(provider, from).dec();
      if (to !== 'idle') metrics.pollers.labels(provider, to).inc();
    },
    gap: (provider) => metrics.gaps.labels(provider).inc(),
    logger,
  };

  const feedFor = (provider: Provider, filter: ConversationFilter): LiveFeed => {
    const pushed = pushedDownFilter(vendorModule(provider, config.vendors), filter);
    // The vendor, its credential (a digest of its configuration: replicas of one deployment agree) and the filter it applies.
    const credential = digest(JSON.parse(JSON.stringify(config.vendorConfigs[provider] ?? null)) as JsonValue);
    const key = digest([provider, credential, JSON.parse(JSON.stringify(pushed)) as JsonValue]);
    const waiting = lingering.get(key);
    if (waiting) {
      clearTimeout(waiting);
      lingering.delete(key);
    }
    let feed = feeds.get(key);
    if (!feed) {
      const adapter = adapters.get(provider);
      if (!adapter) throw new Error(`provider ${provider} is not configured`);
      const base = `${options.keyPrefix}live:{${key}}`;
      feed = new LiveFeed(
        key,
        provider,
        pushed,
        adapter,
        {
          pollIntervalMs: pollIntervalOf(provider),
          headPageSize: live.headPageSize,
          maxPagesPerPoll: live.maxPagesPerPoll,
          resumeLimit: live.resumeLimit,
          leaseMs: live.leaseMs,
          pollDeadlineMs: config.request.deadlineMs,
          pollCallBudget: config.request.upstreamCallBudget,
        },
        relay,
        { lease: `${base}:lease`, channel: `${base}:events`, head: `${base}:head` },
        observer,
      );
      feeds.set(key, feed);
    }
    return feed;
  };

  /** A feed nobody listens to stops after one poll interval (a client reconnecting keeps it and its state). */
  const release = (feed: LiveFeed): void => {
    if (feed.subscriberCount > 0 || lingering.has(feed.key)) return;
    const stop = (): void => {
      lingering.delete(feed.key);
      if (feed.subscriberCount > 0) return;
      feeds.delete(feed.key);
      const stopped = feed.stop();
      stopping.add(stopped);
      void stopped.finally(() => stopping.delete(stopped));
    };
    if (closing) return stop();
    const timer = setTimeout(stop, pollIntervalOf(feed.provider));
    timer.unref();
    lingering.set(feed.key, timer);
  };

  const service: LiveService = {
    async subscribe(request) {
      if (!live.enabled) {
        throw createGraphQLError('Subscriptions are turned off on this graph (SUBSCRIPTIONS=false).', {
          extensions: { code: LiveErrorCode.SUBSCRIPTIONS_DISABLED },
        });
      }
      if (closing) {
        throw createGraphQLError('The graph is shutting down; subscribe again (another replica answers).', {
          extensions: { code: LiveErrorCode.SHUTTING_DOWN },
        });
      }
      if (open.size >= live.maxSubscriptions) {
        metrics.refused.labels('process').inc();
        throw createGraphQLError(`This graph holds its limit of ${live.maxSubscriptions} subscriptions; try again later.`, {
          extensions: { code: LiveErrorCode.TOO_MANY_SUBSCRIPTIONS, limit: 'process', maximum: live.maxSubscriptions },
        });
      }
      const fromClient = perClient.get(request.clientAddress) ?? 0;
      if (fromClient >= live.maxSubscriptionsPerClient) {
        metrics.refused.labels('client').inc();
        throw createGraphQLError(`This client holds its limit of ${live.maxSubscriptionsPerClient} open subscriptions; close one first.`, {
          extensions: { code: LiveErrorCode.TOO_MANY_SUBSCRIPTIONS, limit: 'client', maximum: live.maxSubscriptionsPerClient },
        });
      }
      const subscription = new Subscription(request, live, feedFor, (done) => {
        open.delete(done);
        const left = (perClient.get(request.clientAddress) ?? 1) - 1;
        if (left > 0) perClient.set(request.clientAddress, left);
        else perClient.delete(request.clientAddress);
        metrics.active.set(open.size);
        for (const feed of done.feeds) release(feed);
      }, metrics);
      open.add(subscription);
      perClient.set(request.clientAddress, fromClient + 1);
      metrics.active.set(open.size);
      await subscription.begin();
      return subscription;
    },
    active: () => open.size,
    async completeAll() {
      closing = true;
      await Promise.all([...open].map((subscription) => subscription.finish()));
    },
    async close() {
      closing = true;
      await Promise.all([...open].map((subscription) => subscription.return()));
      for (const timer of lingering.values()) clearTimeout(timer);
      lingering.clear();
      await Promise.all([...feeds.values()].map((feed) => feed.stop()));
      feeds.clear();
      await Promise.all([...stopping]);
      await relay?.close();
    },
  };
  return service;
}

/** One client's subscription: its feeds, what it filters locally, and the events waiting to be taken. */
class Subscription implements LiveSubscription {
  readonly feeds: LiveFeed[];
  private readonly queue: LiveEvent[] = [];
  private waiting: ((result: IteratorResult<LiveEvent>) => void) | null = null;
  private readonly unlisten: Array<() => void> = [];
  private done = false;
  /** Live events that arrive while the resume is read wait here, so none is lost or sent before older ones. */
  private held: LiveEvent[] | null = null;
  private readonly sentIds = new Set<string>();
  private lastTakenAt = Date.now();
  private watchdog: NodeJS.Timeout | null = null;
  private flushScheduled = false;
  /**
   * Added events held for the order across vendors, oldest first, each with when it was found; released once every
   * other feed of the subscription has polled past it (or it waited `maxWaitMs`). Empty with a single feed.
   */
  private readonly ordering: Array<{ event: Extract<LiveEvent, { kind: 'added' }>; heldAt: number }> = [];
  private readonly maxWaitMs: number;
  private orderTimer: NodeJS.Timeout | null = null;
  /** A drain: no more live events; the ones waiting are handed out, then the stream completes. */
  private ending: { resolve: () => void; timer: NodeJS.Timeout } | null = null;
  resumeTruncated = false;
  onTake: (() => void) | null = null;

  constructor(
    private readonly request: SubscribeRequest,
    private readonly live: AppConfig['live'],
    feedFor: (provider: Provider, filter: ConversationFilter) => LiveFeed,
    private readonly onDone: (subscription: Subscription) => void,
    private readonly metrics: LiveMetrics,
  ) {
    this.feeds = request.providers.map((provider) => feedFor(provider, request.filter));
    const slowest = Math.max(...this.feeds.map((feed) => feed.pollIntervalMs));
    this.maxWaitMs = new Set(this.feeds).size <= 1 ? 0 : (live.orderMaxWaitMs ?? slowest + ORDER_WAIT_MARGIN_MS);
    if (request.resumeAfter) this.held = [];
    this.feeds.forEach((feed) => this.unlisten.push(feed.listen((event) => this.onFeedEvent(feed, event))));
    this.watchdog = setInterval(() => this.checkClient(), Math.max(50, Math.floor(live.heartbeatTimeoutMs / 4)));
    this.watchdog.unref();
  }

  /** Reads what the client missed (when it resumes) before any live event is let through. */
  async begin(): Promise<void> {
    const after = this.request.resumeAfter;
    if (!after) return;
    try {
      // A feed started just now knows the head after its first poll; wait for it, boundedly.
      await Promise.race([Promise.all(this.feeds.map((feed) => feed.ready)), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      const lists = await Promise.all(this.feeds.map((feed) => feed.recent()));
      const missed = lists
        .flat()
        .filter((conversation) => this.matches(conversation) && isAfter(conversation, after))
        .sort(newestFirst);
      if (missed.length > this.live.resumeLimit) this.resumeTruncated = true;
      // Known at the heads already (below every feed's watermark): sent at once, not held.
      for (const conversation of missed.slice(0, this.live.resumeLimit).reverse()) this.push({ kind: 'added', conversation }, false);
    } finally {
      const held = this.held ?? [];
      this.held = null;
      for (const event of held) this.push(event);
    }
  }

  private matches(conversation: Conversation): boolean {
    return createdAtInRange(conversation.createdAt, this.request.filter.createdAt);
  }

  private onFeedEvent(feed: LiveFeed, event: FeedEvent): void {
    if (this.done || this.ending) return;
    if (event.kind === 'recovered' || event.kind === 'polled') {
      // A watermark moved (or a feed counts again): held events may go.
      this.releaseHeld();
      return;
    }
    const live: LiveEvent =
      event.kind === 'added' ? { kind: 'added', conversation: event.conversation } : { kind: 'failed', provider: feed.provider, error: event.error };
    if (live.kind === 'added' && !this.matches(live.conversation)) return;
    if (this.held) this.held.push(live);
    else this.push(live);
    // A failing feed no longer counts for the order: what it held back may go.
    if (live.kind === 'failed') this.releaseHeld();
  }

  /** `hold`: an added live event waits for the cross-vendor order (when the subscription has several feeds). */
  private push(event: LiveEvent, hold = true): void {
    if (this.done) return;
    if (event.kind === 'added') {
      const id = `${event.conversation.provider}:${event.conversation.providerId}`;
      if (this.sentIds.has(id)) return;
      this.sentIds.add(id);
      if (this.sentIds.size > 10_000) this.sentIds.delete(this.sentIds.values().next().value as string);
    }
    if (event.kind === 'added' && hold && this.maxWaitMs > 0) {
      insertFromEnd(this.ordering, { event, heldAt: Date.now() }, (other) => oldestFirst(other.event.conversation, event.conversation) > 0);
      if (this.overLimit()) return;
      this.releaseHeld();
      return;
    }
    this.enqueue(event);
    if (this.overLimit()) return;
    this.wake();
  }

  /** A client that stopped reading is not kept at the cost of memory (held events count; one being handed out does not). */
  private overLimit(): boolean {
    if (this.queue.length + this.ordering.length - (this.waiting ? 1 : 0) <= this.live.maxPendingEvents) return false;
    this.close('pending');
    return true;
  }

  /**
   * Handed out after the current turn of the event loop, so events that arrive together (other vendors' polls
   * answered in the same turn) are first put in order.
   */
  private wake(): void {
    if (this.waiting && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /**
   * Releases, oldest first, the held events at or below the lowest watermark of the subscription's feeds (a failing
   * feed does not count while it fails), and any that waited `maxWaitMs` together with the older ones held.
   */
  private releaseHeld(everything: 'drain' | null = null): void {
    if (this.orderTimer) clearTimeout(this.orderTimer);
    this.orderTimer = null;
    if (this.done || this.ordering.length === 0) return;
    let lowest = Number.POSITIVE_INFINITY;
    for (const feed of this.feeds) {
      const { watermarkMs, failing } = feed.order;
      if (!failing) lowest = Math.min(lowest, watermarkMs);
    }
    const now = Date.now();
    let last = -1;
    this.ordering.forEach((held, index) => {
      if (everything || held.event.conversation.createdAt.getTime() <= lowest || now - held.heldAt >= this.maxWaitMs) last = index;
    });
    if (last >= 0) {
      const released = this.ordering.splice(0, last + 1);
      for (const held of released) {
        const reason = everything ?? (held.event.conversation.createdAt.getTime() <= lowest ? 'watermark' : 'cap');
        this.metrics.held.labels(reason).observe((now - held.heldAt) / 1000);
        this.enqueue(held.event);
      }
      this.wake();
    }
    if (this.ordering.length > 0) {
      const firstDue = Math.min(...this.ordering.map((held) => held.heldAt)) + this.maxWaitMs;
      this.orderTimer = setTimeout(() => this.releaseHeld(), Math.max(1, firstDue - now));
      this.orderTimer.unref();
    }
  }

  /**
   * Events waiting for the client are kept oldest first across vendors: a conversation goes before the waiting
   * ones that are newer (never past a vendor's error event, which keeps its place). Each vendor's own events
   * arrive oldest first, so their order is kept.
   */
  private enqueue(event: LiveEvent): void {
    insertFromEnd(this.queue, event, (other) => event.kind === 'added' && other.kind === 'added' && oldestFirst(other.conversation, event.conversation) > 0);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.done || !this.waiting) return;
    const event = this.queue.shift();
    if (!event) return;
    const resolve = this.waiting;
    this.waiting = null;
    resolve({ done: false, value: this.take(event) });
  }

  /** The event handed to the client now: counted, and the fresh deadline and budget of its resolution started. */
  private take(event: LiveEvent): LiveEvent {
    this.lastTakenAt = Date.now();
    this.metrics.events.labels(event.kind === 'added' ? event.conversation.provider : event.provider, event.kind).inc();
    this.onTake?.();
    return event;
  }

  /** Closes a subscription whose client has not taken its waiting events within the heartbeat timeout. */
  private checkClient(): void {
    if (this.done || this.queue.length === 0) return;
    if (Date.now() - this.lastTakenAt >= this.live.heartbeatTimeoutMs) this.close('heartbeat');
  }

  private close(reason: 'heartbeat' | 'pending'): void {
    this.metrics.closed.labels(reason).inc();
    void this.return();
  }

  next(): Promise<IteratorResult<LiveEvent>> {
    this.lastTakenAt = Date.now();
    const event = this.queue.shift();
    if (event) return Promise.resolve({ done: false, value: this.take(event) });
    if (this.ending) void this.return();
    if (this.done) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /**
   * A drain: takes no more live events, hands the client what waits (the held ones released in order), then
   * completes the stream; at most DRAIN_FLUSH_MS, then it completes anyway.
   */
  async finish(): Promise<void> {
    if (this.done || this.ending) return;
    for (const unlisten of this.unlisten) unlisten();
    this.releaseHeld('drain');
    if (this.queue.length === 0) {
      await this.return();
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.return(), DRAIN_FLUSH_MS);
      timer.unref();
      this.ending = { resolve, timer };
      this.wake();
    });
  }

  async return(): Promise<IteratorResult<LiveEvent>> {
    if (!this.done) {
      this.done = true;
      this.queue.length = 0;
      this.ordering.length = 0;
      if (this.orderTimer) clearTimeout(this.orderTimer);
      if (this.ending) {
        clearTimeout(this.ending.timer);
        this.ending.resolve();
      }
      if (this.watchdog) clearInterval(this.watchdog);
      for (const unlisten of this.unlisten) unlisten();
      this.onDone(this);
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.({ done: true, value: undefined });
    }
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<LiveEvent>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
