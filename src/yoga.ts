import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useGraphQlJit } from '@envelop/graphql-jit';
import type { GraphQLError, ValidationContext } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { AppConfig } from './config.js';
import { createCursorCodec } from './connection/cursor.js';
import { createContext, type GraphContext } from './context.js';
import type { Provider } from './domain.js';
import { createObservability, type Observability } from './observability/index.js';
import { profileOptions } from './observability/profile.js';
import { persistedOperationPlugins } from './persisted-operations.js';
import { createAdapters } from './vendors/registry.js';
import { useOperationLimits } from './limits/plugin.js';
import { useRequestBodyLimit } from './limits/request-body.js';
import { createLive, isNotSubscription, useLiveSubscriptions, useSingleConnectionSse, type LiveService } from './live/index.js';
import { useStableErrorCodes } from './http/error-codes.js';
import { usePartialErrors } from './http/partial-errors.js';
import { useRequestScope } from './http/request-scope.js';
import { useStrictRequestParams } from './http/request-params.js';
import { responseCachePlugins } from './http/response-cache.js';
import type { VendorAdapter } from './vendors/port.js';
import { schemaFor } from './schema/index.js';
import { registerSharedStateMetrics } from './shared-state/metrics.js';
import { createSharedState, type SharedState } from './shared-state/shared-state.js';

export interface Graph {
  yoga: YogaServerInstance<Record<string, unknown>, GraphContext>;
  adapters: ReadonlyMap<Provider, VendorAdapter>;
  observability: Observability;
  /** Rate limits, pauses and caches: per process, or shared with the other replicas through Redis. */
  sharedState: SharedState;
  /** Subscriptions (null when SUBSCRIPTIONS=false); a drain completes them first. */
  live: LiveService | null;
  close(): Promise<void>;
}

export interface GraphOptions {
  adapters?: ReadonlyMap<Provider, VendorAdapter>;
  /** Logs, metrics, traces and probe state; tests pass their own to read them. */
  observability?: Observability;
}

const DEMO_QUERY = /* GraphQL */ `# Every AI conversation, newest first, across all configured vendors.
query Inbox($first: Int = 10, $after: String) {
  conversations(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id
        provider
        providerId
        createdAt
        title
        creator { displayName email }
      }
    }
  }
}

# New conversations as the vendors report them, pushed over SSE (run it and pick NewConversations;
# npm start's demo emulators add a few a minute). Each event is an edge of the list above.
subscription NewConversations {
  conversationAdded {
    cursor
    node { id provider providerId createdAt title }
  }
}
`;

/** Query limits reported as validation errors (so they get a code), instead of thrown. */
const reportLimit = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

/** The Yoga instance over the configured providers; no process globals, so tests can run it in-process. */
export function createGraph(config: AppConfig, options: GraphOptions = {}): Graph {
  const observability = options.observability ?? createObservability(config);
  const sharedState = createSharedState(config, { logger: observability.logger });
  registerSharedStateMetrics(observability.registry, sharedState);
  const adapters =
    options.adapters ?? createAdapters(config, { gate: sharedState.gate, store: sharedState.store, observer: observability.observer });
  observability.state.configured = [...adapters.keys()];
  const profile = profileOptions(config.operations);
  const codec = createCursorCodec(config.cursorSecret);
  const live = createLive(config, adapters, sharedState, observability);
  const yoga = createYoga<Record<string, unknown>, GraphContext>({
    schema: schemaFor(config.vendors),
    context: ({ request, req }) =>
      createContext(config, codec, adapters, request, { live, clientAddress: (req as { socket?: { remoteAddress?: string } } | undefined)?.socket?.remoteAddress ?? 'unknown' }),
    maskedErrors: true,
    logging: observability.yogaLogger,
    // GraphiQL subscribes with an SSE GET: the preflight header gets it past CSRF prevention (on by default).
    graphiql: profile.graphiql && { title: 'Conversations graph', defaultQuery: DEMO_QUERY, additionalHeaders: { 'x-graphql-yoga-csrf': '1' } },
    cors: profile.cors,
    // GraphiQL's page is a large bundle, so it is read on its first render, never in production (its cost: docs/benchmarks.md).
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    landingPage: false,
    // Larger bodies answer HTTP 413 (REQUEST_ENTITY_TOO_LARGE) before they are parsed: useRequestBodyLimit.
    maxRequestBodySize: false,
    // No file uploads: multipart bodies are refused as an unsupported media type, not parsed.
    multipart: false,
    plugins: [
      ...observability.plugins.first,
      ...profile.plugins,
      ...persistedOperationPlugins(config.persistedOperations),
      useStrictRequestParams(),
      useGraphQlJit({}, { enableIf: isNotSubscription }),
      useRequestScope(),
      useStableErrorCodes(),
      useOperationLimits(config),
      EnvelopArmorPlugin({
        // Depth and cost count fields, not fragment spreads: unflattened, each spread adds levels, so
        // Relay's fragment-per-component documents (test/clients/relay) went past a depth of 12 at 8
        // levels of fields and cost 18 times the same selection written inline.
        maxDepth: { n: config.limits.maxDepth, flattenFragments: true, ...reportLimit },
        maxAliases: { n: 20, ...reportLimit },
        maxDirectives: { n: 20, ...reportLimit },
        // Cost is the graph's own estimate (MAX_ESTIMATED_COST, src/limits/): armor's rule, 1.5x a level times literal
        // page sizes, refused what MAX_ESTIMATED_COST allowed and no setting moved it.
        costLimit: { enabled: false },
        maxTokens: { n: 2_000 },
        blockFieldSuggestion: { enabled: !config.operations.introspection },
      }),
      usePartialErrors(),
      // After usePartialErrors: a result with a vendor's error must be seen with it, and not cached.
      ...responseCachePlugins(config.responseCache, sharedState.link),
      useLiveSubscriptions(config),
      ...(live ? useSingleConnectionSse(config.limits.maxRequestBodyBytes) : []),
      // After Yoga's own request parsers, so it wraps the one selected.
      useRequestBodyLimit(config.limits.maxRequestBodyBytes),
      ...observability.plugins.last,
    ],
  });
  return {
    yoga,
    adapters,
    observability,
    sharedState,
    live,
    async close() {
      await live?.close();
      await Promise.all([...adapters.values()].map((adapter) => adapter.close()));
      await sharedState.close();
      await observability.close();
    },
  };
}
