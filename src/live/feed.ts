import { randomUUID } from 'node:crypto';
import type { Conversation, ConversationFilter, Provider } from '../domain.js';
import { UpstreamError, type UpstreamFacts } from '../errors.js';
import type { VendorAdapter, Position } from '../vendors/port.js';
import { createRequestScope, runInRequestScope } from '../request-scope.js';
import { advanceHead, EMPTY_HEAD, needsMore, type HeadState } from './head.js';
import type { LiveRelay } from './redis-relay.js';
import { decodeHead, decodeMessage, encodeHead, encodeMessage, failureOf, type LiveMessage } from './wire.js';

/** What a feed tells its subscribers. */
export type FeedEvent =
  | { kind: 'added'; conversation: Conversation }
  | { kind: 'failed'; error: UpstreamError }
  | { kind: 'recovered' }
  /** The feed's watermark moved: every conversation created at or before `watermarkMs` that the vendor showed was announced. */
  | { kind: 'polled'; watermarkMs: number };

export interface FeedSettings {
  pollIntervalMs: number;
  headPageSize: number;
  maxPagesPerPoll: number;
  resumeLimit: number;
  leaseMs: number;
  /** Deadline and call budget of one poll (the request limits). */
  pollDeadlineMs: number;
  pollCallBudget: number;
}

export interface FeedObserver {
  poll(provider: Provider, outcome: 'ok' | string): void;
  role(provider: Provider, from: FeedRole, to: FeedRole): void;
  gap(provider: Provider): void;
  logger: { info(details: object, message: string): void; warn(details: object, message: string): void };
}

/** `polling`: this replica polls the vendor; `following`: another replica does and relays what it finds. */
export type FeedRole = 'idle' | 'polling' | 'following';

const ANNOUNCED_MEMORY = 5_000;

/**
 * One vendor's head under one pushed-down filter, polled for every subscriber of the process: the poller, its
 * state, and (with Redis) the lease that decides which replica polls and the channel the others listen on.
 */
export class LiveFeed {
  private readonly listeners = new Set<(event: FeedEvent) => void>();
  private readonly owner = randomUUID();
  private state: HeadState | null = null;
  private roleNow: FeedRole = 'idle';
  private timer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private polling: Promise<void> | null = null;
  private failing = false;
  private stopped = false;
  private pollCount = 0;
  /** Conversations already passed to subscribers: a change of poller (takeover, Redis away and back) never repeats one. */
  private readonly announced = new Map<string, true>();
  private readyResolve: (() => void) | null = null;
  private watermark = Number.NEGATIVE_INFINITY;
  private shownFailing = false;
  /** Resolves once this feed knows the head (first poll done, or the state loaded from Redis). */
  readonly ready: Promise<void>;

  constructor(
    readonly key: string,
    readonly provider: Provider,
    private readonly filter: ConversationFilter,
    private readonly adapter: VendorAdapter,
    private readonly settings: FeedSettings,
    private readonly relay: LiveRelay | null,
    private readonly keys: { lease: string; channel: string; head: string },
    private readonly observer: FeedObserver,
  ) {
    this.ready = new Promise((resolve) => {
      this.readyResolve = resolve;
    });
  }

  get role(): FeedRole {
    return this.roleNow;
  }

  /**
   * For the order across vendors: the start of the last completed poll (whoever polled; it never moves back and
   * not while the vendor fails), and whether the vendor is failing now (as its subscribers were told).
   */
  get order(): { watermarkMs: number; failing: boolean } {
    return { watermarkMs: this.watermark, failing: this.shownFailing };
  }

  get pollIntervalMs(): number {
    return this.settings.pollIntervalMs;
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /** Adds a subscriber; the first one starts the feed. The returned function removes it. */
  listen(listener: (event: FeedEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1 && this.roleNow === 'idle' && !this.stopped) this.start();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The newest conversations known at the head (newest first), for a resumed subscription. */
  async recent(): Promise<Conversation[]> {
    if (this.roleNow === 'following' && this.relay) {
      const loaded = decodeHead(await this.relay.loadHead(this.keys.head).catch(() => null));
      if (loaded) return loaded.recent;
    }
    return this.state?.recent ?? [];
  }

  private start(): void {
    if (this.relay) {
      this.unsubscribe = this.relay.subscribe(this.keys.channel, (text) => this.onRelayed(text));
      this.setRole('following');
      void this.contend();
    } else {
      this.setRole('polling');
      this.schedulePoll(0);
    }
  }

  /** Stops polling and releases the lease (so another replica takes over at once). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.polling?.catch(() => undefined);
    const wasPolling = this.roleNow === 'polling';
    this.setRole('idle');
    this.readyResolve?.();
    if (wasPolling && this.relay?.available()) {
      await this.relay.release(this.keys.lease, this.owner).catch(() => undefined);
      await this.relay.publish(this.keys.channel, encodeMessage({ kind: 'released' }, this.owner)).catch(() => undefined);
    }
  }

  private setRole(role: FeedRole): void {
    if (role === this.roleNow) return;
    const from = this.roleNow;
    this.roleNow = role;
    this.observer.role(this.provider, from, role);
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.timer = null;
    this.renewTimer = null;
  }

  /** Following: try for the lease now, and again when it expires. With Redis away, poll alone. */
  private async contend(): Promise<void> {
    if (this.stopped || !this.relay) return;
    if (!this.relay.available()) {
      this.lead(false);
      return;
    }
    let result: Awaited<ReturnType<LiveRelay['acquire']>>;
    try {
      result = await this.relay.acquire(this.keys.lease, this.owner, this.settings.leaseMs);
    } catch {
      this.lead(false);
      return;
    }
    if (this.stopped) {
      if (result.held) await this.relay.release(this.keys.lease, this.owner).catch(() => undefined);
      return;
    }
    if (result.held) {
      await this.loadState();
      this.lead(true);
      return;
    }
    // Following: keep the head the poller saved, so polling alone (Redis away) or taking over starts from it.
    await this.loadState();
    if (this.stopped) return;
    // Try again as the lease runs out: a poller that died is replaced within one lease.
    const retryInMs = Math.min(Math.max(result.retryInMs + 5, 5), this.settings.leaseMs);
    this.timer = setTimeout(() => void this.contend(), retryInMs);
    this.timer.unref();
  }

  private async loadState(): Promise<void> {
    if (!this.relay) return;
    const loaded = decodeHead(await this.relay.loadHead(this.keys.head).catch(() => null));
    // What was announced stays in `announced` (from the messages relayed); the state only says what is known.
    if (loaded) {
      this.state = loaded;
      this.readyResolve?.();
    }
  }

  /** Becomes the poller; `leased`: under a Redis lease (renewed), else alone while Redis is away. */
  private lead(leased: boolean): void {
    this.clearTimers();
    this.setRole('polling');
    if (leased && this.relay) {
      const relay = this.relay;
      this.renewTimer = setInterval(() => {
        relay.renew(this.keys.lease, this.owner, this.settings.leaseMs).then(
          (held) => {
            if (!held) this.follow();
          },
          () => undefined,
        );
      }, Math.max(50, Math.floor(this.settings.leaseMs / 3)));
      this.renewTimer.unref();
    }
    this.schedulePoll(0);
  }

  private follow(): void {
    if (this.stopped) return;
    this.clearTimers();
    this.setRole('following');
    void this.contend();
  }

  private schedulePoll(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.pollAndPublish()
        .catch((error: unknown) => this.observer.logger.warn({ err: error, provider: this.provider }, 'live poll failed unexpectedly'))
        .finally(() => {
        this.polling = null;
        if (this.roleNow !== 'polling' || this.stopped) return;
        // Redis came back while this replica polled alone: contend for the lease again.
        if (this.relay && !this.renewTimer && this.relay.available()) {
          this.follow();
          return;
        }
        this.schedulePoll(this.settings.pollIntervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async pollAndPublish(): Promise<void> {
    const baseline = this.state === null;
    const startedAtMs = Date.now();
    let update: ReturnType<typeof advanceHead>;
    try {
      update = await this.readHead(this.state ?? EMPTY_HEAD, baseline);
    } catch (error) {
      this.observer.poll(this.provider, error instanceof UpstreamError ? error.facts.code : 'INTERNAL_SERVER_ERROR');
      if (!(error instanceof UpstreamError)) this.observer.logger.warn({ err: error, provider: this.provider }, 'live poll failed unexpectedly');
      const failure = failureOf(error, this.provider);
      if (!this.failing) {
        this.failing = true;
        await this.send({ kind: 'failed', ...failure });
      } else {
        await this.send({ kind: 'failing', ...failure });
      }
      return;
    }
    this.observer.poll(this.provider, 'ok');
    if (update.gap) {
      this.observer.gap(this.provider);
      this.observer.logger.warn({ provider: this.provider }, 'more conversations arrived between two polls than a poll reads; some were not announced');
    }
    if (this.roleNow !== 'polling' || this.stopped) return;
    this.state = update.state;
    this.readyResolve?.();
    if (this.relay?.available()) {
      await this.relay.saveHead(this.keys.head, encodeHead(update.state), Math.max(60_000, this.settings.leaseMs * 10)).catch(() => undefined);
    }
    if (this.failing) {
      this.failing = false;
      await this.send({ kind: 'recovered' });
    }
    if (update.added.length > 0) await this.send({ kind: 'added', conversations: update.added });
    await this.send({ kind: 'polled', startedAtMs });
  }

  /** Reads the head down to the horizon (at most maxPagesPerPoll pages), inside a scope of its own. */
  private async readHead(state: HeadState, baseline: boolean): Promise<ReturnType<typeof advanceHead>> {
    this.pollCount += 1;
    const scope = createRequestScope({
      requestId: `live-${this.provider.toLowerCase()}-${this.pollCount}`,
      deadlineMs: this.settings.pollDeadlineMs,
      upstreamCallLimit: this.settings.pollCallBudget,
    });
    const { headPageSize, maxPagesPerPoll, resumeLimit } = this.settings;
    return runInRequestScope(scope, async () => {
      const stream = this.adapter.openSession().conversations(this.filter);
      const items: Conversation[] = [];
      // The first read fills what a resumed subscription may be sent; later ones go down to the horizon.
      const wanted = baseline ? Math.max(resumeLimit, headPageSize) : headPageSize;
      const maxPages = baseline ? Math.max(1, Math.ceil(wanted / headPageSize)) + maxPagesPerPoll : maxPagesPerPoll;
      let position: Position | null = null;
      let hasMore = true;
      for (let page = 0; page < maxPages && hasMore; page += 1) {
        const chunk = await stream.forward(position, baseline ? Math.min(100, wanted - items.length) : headPageSize);
        items.push(...chunk.items.map((entry) => entry.item));
        position = chunk.next;
        hasMore = chunk.hasMore;
        if (baseline ? items.length >= wanted : !needsMore(state, { items, hasMore })) break;
      }
      return advanceHead(state, { items, hasMore }, { baseline, pageSize: headPageSize, keep: resumeLimit });
    });
  }

  /** To this replica's subscribers, and (with Redis) to the other replicas'. */
  private async send(message: LiveMessage): Promise<void> {
    this.dispatch(message);
    if (this.relay?.available()) await this.relay.publish(this.keys.channel, encodeMessage(message, this.owner)).catch(() => undefined);
  }

  private onRelayed(text: string): void {
    const decoded = decodeMessage(text);
    if (!decoded || decoded.origin === this.owner || this.roleNow === 'polling') return;
    if (decoded.message.kind === 'released') {
      // Take the lease now rather than when our next try was due.
      if (this.roleNow === 'following' && !this.stopped) {
        this.clearTimers();
        void this.contend();
      }
      return;
    }
    this.dispatch(decoded.message);
  }

  private remember(id: string): boolean {
    if (this.announced.has(id)) return false;
    this.announced.set(id, true);
    if (this.announced.size > ANNOUNCED_MEMORY) {
      const oldest = this.announced.keys().next().value;
      if (oldest !== undefined) this.announced.delete(oldest);
    }
    return true;
  }

  private dispatch(message: LiveMessage): void {
    const events: FeedEvent[] = [];
    if (message.kind === 'added') {
      for (const conversation of message.conversations) {
        if (this.remember(conversation.providerId)) events.push({ kind: 'added', conversation });
      }
    } else if (message.kind === 'polled') {
      // A poll started at s saw what was created before s: conversations created at or before s - 1 ms are announced.
      if (message.startedAtMs - 1 <= this.watermark) return;
      this.watermark = message.startedAtMs - 1;
      events.push({ kind: 'polled', watermarkMs: this.watermark });
    } else if (message.kind === 'failed' || (message.kind === 'failing' && !this.shownFailing)) {
      this.shownFailing = true;
      events.push({ kind: 'failed', error: new UpstreamError(message.message, message.facts as UpstreamFacts) });
    } else if (message.kind === 'recovered') {
      this.shownFailing = false;
      events.push({ kind: 'recovered' });
    }
    for (const event of events) for (const listener of [...this.listeners]) listener(event);
  }
}
