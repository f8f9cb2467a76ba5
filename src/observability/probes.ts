import type { Plugin } from 'graphql-yoga';
import type { Provider } from '../domain.js';

/** What /ready reports; `draining` is set by the server at the start of a stop. */
export interface ServiceState {
  draining: boolean;
  /** Providers whose circuit breaker is open right now (fed by the upstream observer). */
  openCircuits: Set<Provider>;
  /** Vendors with an adapter: set by the graph once its adapters exist, so /ready says what really serves. */
  configured: readonly Provider[];
}

export interface ReadyBody {
  status: 'ready' | 'draining';
  providers: Record<Provider, { configured: boolean; breaker?: 'closed' | 'open' }>;
}

/**
 * GET /ready: 200 while serving, 503 once a drain starts. A vendor with an open breaker does not make the
 * graph unready (the other vendors still answer); it is reported so a person can see it. /health (alive)
 * is Yoga's own.
 */
export function useReadinessProbe(state: ServiceState, served: readonly Provider[]): Plugin {
  return {
    onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== '/ready' || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      const providers = {} as ReadyBody['providers'];
      for (const provider of served) {
        providers[provider] = state.configured.includes(provider)
          ? { configured: true, breaker: state.openCircuits.has(provider) ? 'open' : 'closed' }
          : { configured: false };
      }
      const body: ReadyBody = { status: state.draining ? 'draining' : 'ready', providers };
      endResponse(
        new fetchAPI.Response(JSON.stringify(body), {
          status: state.draining ? 503 : 200,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
        }),
      );
    },
  };
}
