import type { GraphQLError } from 'graphql';
import type { AppConfig } from './config.js';
import type { CursorCodec } from './connection/cursor.js';
import type { Provider } from './domain.js';
import type { ProviderAdapter, ProviderSession } from './providers/provider.js';
import { arrivalOf, createRequestScope, requestIdFrom, type RequestScope } from './request-scope.js';

/** Everything a resolver may use; built fresh for every GraphQL request. */
export interface GraphContext {
  config: AppConfig;
  codec: CursorCodec;
  /** The configured providers, in the graph's fixed order. */
  providers: Provider[];
  /** Per-request sessions (and so per-request DataLoaders), opened on first use. */
  session(provider: Provider): ProviderSession;
  /** Errors of providers that failed while others answered; appended to the response's `errors`. */
  partialErrors: GraphQLError[];
  /** Request id, deadline and upstream call budget; execution runs inside it (see useRequestScope). */
  scope: RequestScope;
}

export function createContext(
  config: AppConfig,
  codec: CursorCodec,
  adapters: ReadonlyMap<Provider, ProviderAdapter>,
  request?: Request,
): GraphContext {
  const sessions = new Map<Provider, ProviderSession>();
  return {
    scope: createRequestScope({
      requestId: requestIdFrom(request?.headers.get('x-request-id')),
      deadlineMs: config.request.deadlineMs,
      upstreamCallLimit: config.request.upstreamCallBudget,
      startedAt: arrivalOf(request),
    }),
    config,
    codec,
    providers: [...adapters.keys()],
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
  };
}
