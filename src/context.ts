import type { GraphQLError } from 'graphql';
import type { AppConfig } from './config.js';
import type { CursorCodec } from './connection/cursor.js';
import type { Provider } from './domain.js';
import type { LiveService, LiveSubscription } from './live/service.js';
import type { VendorAdapter, VendorSession } from './vendors/port.js';
import type { VendorModule } from './vendors/vendor-module.js';
import { arrivalOf, createRequestScope, requestIdFrom, type RequestScope } from './request-scope.js';

/** Everything a resolver may use; built fresh for every GraphQL request. */
export interface GraphContext {
  config: AppConfig;
  codec: CursorCodec;
  /** The configured providers, in the graph's fixed order. */
  providers: Provider[];
  /** The module of a vendor the graph serves (config.vendors): its capabilities decide what needs no call. */
  vendor(provider: Provider): VendorModule;
  /** Per-request sessions (and so per-request DataLoaders), opened on first use. */
  session(provider: Provider): VendorSession;
  /** Errors of providers that failed while others answered; appended to the response's `errors`. */
  partialErrors: GraphQLError[];
  /** Where a page could not keep the walk contract exactly (docs/live-inbox.md): the answer's `extensions.warnings`. */
  warnings: { code: string; message: string; provider?: string }[];
  /** Request id, deadline and upstream call budget; execution runs inside it (see useRequestScope). */
  readonly scope: RequestScope;
  /** Subscriptions (null when SUBSCRIPTIONS=false or in a context built without them). */
  live: LiveService | null;
  /** The peer's address (MAX_SUBSCRIPTIONS_PER_CLIENT). */
  clientAddress: string;
  /** A reconnecting EventSource's `Last-Event-ID` header: the subscription resumes after it. */
  lastEventId: string | null;
  /** Set by `conversationAdded`: what its events are bound to and the cursor of the last one resolved. */
  liveEvents: { binding: string; subscription: LiveSubscription; lastCursor: string | null } | null;
  /**
   * A subscription's events each resolve as a request of their own: fresh sessions (loaders) and a fresh
   * deadline and call budget behind `scope`. Called as each event is taken from the subscription.
   */
  renewForEvent(): void;
}

/**
 * The one scope object of an operation, standing for its current request scope (replaced per subscription
 * event). A class, not an object literal with accessors: V8 builds those slowly, and every request has one.
 */
class CurrentScope implements RequestScope {
  declare private readonly current: () => RequestScope;
  constructor(current: () => RequestScope) {
    this.current = current;
  }
  get requestId(): string {
    return this.current().requestId;
  }
  get startedAt(): number {
    return this.current().startedAt;
  }
  get deadlineAt(): number {
    return this.current().deadlineAt;
  }
  get upstreamCallLimit(): number {
    return this.current().upstreamCallLimit;
  }
  get upstreamCalls(): Map<Provider, number> {
    return this.current().upstreamCalls;
  }
  takeUpstreamCall(provider: Provider): boolean {
    return this.current().takeUpstreamCall(provider);
  }
  remainingMs(): number {
    return this.current().remainingMs();
  }
}

export interface ContextExtras {
  live?: LiveService | null;
  clientAddress?: string;
}

export function createContext(
  config: AppConfig,
  codec: CursorCodec,
  adapters: ReadonlyMap<Provider, VendorAdapter>,
  request?: Request,
  extras: ContextExtras = {},
): GraphContext {
  let sessions = new Map<Provider, VendorSession>();
  const requestId = requestIdFrom(request?.headers.get('x-request-id'));
  let events = 0;
  let current = createRequestScope({
    requestId,
    deadlineMs: config.request.deadlineMs,
    upstreamCallLimit: config.request.upstreamCallBudget,
    startedAt: arrivalOf(request),
  });
  // One object for the whole operation (execution runs inside it, traces key on it); what it stands for is
  // replaced for each event of a subscription, when the event is taken (not when the client asked for the next).
  const scope = new CurrentScope(() => current);
  const modules = new Map(config.vendors.map((vendor) => [vendor.provider, vendor]));
  return {
    scope,
    live: extras.live ?? null,
    clientAddress: extras.clientAddress ?? 'unknown',
    lastEventId: request?.headers.get('last-event-id') || null,
    liveEvents: null,
    renewForEvent() {
      events += 1;
      sessions = new Map();
      current = createRequestScope({
        requestId: `${requestId}:${events}`,
        deadlineMs: config.request.deadlineMs,
        upstreamCallLimit: config.request.upstreamCallBudget,
      });
    },
    config,
    codec,
    providers: [...adapters.keys()],
    vendor(provider) {
      const module = modules.get(provider);
      if (!module) throw new Error(`provider ${provider} is not served by this graph`);
      return module;
    },
    session(provider) {
      let session = sessions.get(provider);
      if (!session) {
        const adapter = adapters.get(provider);
        if (!adapter) throw new Error(`provider ${provider} is not configured`);
        session = adapter.openSession();
        sessions.set(provider, session);
      }
      return session;
    },
    partialErrors: [],
    warnings: [],
  };
}
