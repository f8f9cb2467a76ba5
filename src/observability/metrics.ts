import { createCounter, usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Provider } from '../domain.js';
import type { UpstreamObserver } from '../vendors/upstream-runtime.js';

/** Seconds; vendor calls range from a few ms (emulators) to the 10 s timeout. */
const UPSTREAM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Route templates per provider kept as their own label value; a (buggy) flood beyond it is counted as `other`. */
const MAX_ENDPOINTS_PER_PROVIDER = 64;
const ROUTE_TEMPLATE = /^\/[A-Za-z0-9_{}./$-]{0,120}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

export interface Metrics {
  registry: Registry;
  /** Feeds the upstream_* series from every vendor client. */
  observer: UpstreamObserver;
  /** `@graphql-yoga/plugin-prometheus` on this registry; serves GET /metrics. */
  plugin(): Plugin;
}

/**
 * Every label value comes from a closed set (providers, route templates written in the adapters, error
 * codes, HTTP methods and statuses, operation types): nothing a client sends becomes a label, so the
 * number of series stays bounded whatever the input. Operation names are left out for that reason.
 */
export function createMetrics(configured: readonly Provider[], options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'upstream_request_duration_seconds',
    help: 'Vendor HTTP attempts (each retry is one), by provider, route template and outcome (ok or the error code).',
    labelNames: ['provider', 'endpoint', 'outcome'] as const,
    buckets: UPSTREAM_BUCKETS,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'upstream_retries_total',
    help: 'Vendor calls retried after a retryable failure, by provider.',
    labelNames: ['provider'] as const,
    registers: [registry],
  });
  const circuitOpen = new Gauge({
    name: 'upstream_circuit_open',
    help: "1 while a vendor's circuit breaker is open (calls are refused without being sent), else 0.",
    labelNames: ['provider'] as const,
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'upstream_in_flight',
    help: 'Vendor HTTP attempts under way, by provider.',
    labelNames: ['provider'] as const,
    registers: [registry],
  });
  for (const provider of configured) {
    retries.labels(provider).inc(0);
    circuitOpen.labels(provider).set(0);
    inFlight.labels(provider).set(0);
  }

  const endpoints = new Map<Provider, Set<string>>();
  const endpointLabel = (provider: Provider, endpoint: string): string => {
    if (!ROUTE_TEMPLATE.test(endpoint)) return 'other';
    let seen = endpoints.get(provider);
    if (!seen) endpoints.set(provider, (seen = new Set()));
    if (seen.has(endpoint)) return endpoint;
    if (seen.size >= MAX_ENDPOINTS_PER_PROVIDER) return 'other';
    seen.add(endpoint);
    return endpoint;
  };

  // Each series' child, looked up once: `labels()` builds and checks a label object (and binds its methods)
  // on every call. Bounded as the series are: providers, endpoint labels (above), outcomes (error codes).
  const inFlightOf = new Map<Provider, Gauge.Internal<'provider'>>();
  const inFlightChild = (provider: Provider): Gauge.Internal<'provider'> => {
    let child = inFlightOf.get(provider);
    if (!child) inFlightOf.set(provider, (child = inFlight.labels(provider)));
    return child;
  };
  const durationOf = new Map<string, Histogram.Internal<'provider' | 'endpoint' | 'outcome'>>();
  const durationChild = (provider: Provider, endpoint: string, outcome: string): Histogram.Internal<'provider' | 'endpoint' | 'outcome'> => {
    const key = `${provider} ${endpoint} ${outcome}`;
    let child = durationOf.get(key);
    if (!child) durationOf.set(key, (child = duration.labels(provider, endpoint, outcome)));
    return child;
  };

  const observer: UpstreamObserver = {
    attempt({ provider, endpoint }) {
      const attempts = inFlightChild(provider);
      attempts.inc();
      const label = endpointLabel(provider, endpoint);
      return ({ outcome, durationMs }) => {
        attempts.dec();
        durationChild(provider, label, ERROR_CODE.test(outcome) || outcome === 'ok' ? outcome : 'OTHER').observe(durationMs / 1000);
      };
    },
    retry({ provider }) {
      retries.labels(provider).inc();
    },
    breaker({ provider, open }) {
      circuitOpen.labels(provider).set(open ? 1 : 0);
    },
  };

  const errorCode = (error: unknown): string => {
    const code = error instanceof GraphQLError ? error.extensions?.code : undefined;
    return typeof code === 'string' && ERROR_CODE.test(code) ? code : 'OTHER';
  };

  return {
    registry,
    observer,
    plugin: () =>
      observedOnceWritten(usePrometheus({
        registry,
        endpoint: '/metrics',
        skipIntrospection: true,
        labels: { operationName: false, url: false, path: false, fieldName: false, typeName: false, method: true, statusCode: true, operationType: true, phase: true },
        metrics: {
          graphql_yoga_http_duration: true,
          graphql_envelop_request: true,
          graphql_envelop_request_duration: true,
          graphql_envelop_phase_parse: true,
          graphql_envelop_phase_validate: true,
          graphql_envelop_phase_execute: true,
          graphql_envelop_phase_context: true,
          // Off: the schema has no deprecated fields, yet this metric walked every request's document with a
          // TypeInfo (~1.6 % of the graph's CPU under the bench); and the request-time summary repeats the
          // request-duration histogram at the cost of a quantile sketch per request.
          graphql_envelop_deprecated_field: false,
          graphql_envelop_request_time_summary: false,
          graphql_envelop_phase_subscribe: false,
          graphql_envelop_error_result: createCounter({
            registry,
            counter: {
              name: 'graphql_envelop_error_result',
              help: 'Errors in GraphQL results, by phase and extensions.code (vendor failures included).',
              labelNames: ['phase', 'code'],
            },
            fillLabelsFn: (params) => ({ phase: params.errorPhase ?? 'execute', code: errorCode(params.error) }),
          }),
        },
      })),
  };
}

/**
 * The plugin's `onResponse` (which observes graphql_yoga_http_duration) run once the response is on its way:
 * Yoga calls it before the response is written, so its label hashing and bucket search sat on every page's
 * path. The duration it reads then includes writing the response, as an HTTP duration should.
 */
function observedOnceWritten(plugin: Plugin): Plugin {
  const { onResponse } = plugin;
  if (!onResponse) return plugin;
  return {
    ...plugin,
    onResponse(payload) {
      setImmediate(() => {
        // Out of the request now: a failure to observe must not become an uncaught exception.
        Promise.resolve()
          .then(() => onResponse(payload))
          .catch((error: unknown) => process.emitWarning(`graphql_yoga_http_duration not observed: ${String(error)}`));
      });
    },
  };
}
