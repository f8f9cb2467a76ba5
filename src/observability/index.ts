import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Plugin } from 'graphql-yoga';
import type { DestinationStream } from 'pino';
import type { Registry } from 'prom-client';
import type { AppConfig } from '../config.js';
import type { GraphContext } from '../context.js';
import type { Provider } from '../domain.js';
import type { UpstreamObserver } from '../vendors/upstream-runtime.js';
import { configuredProviders } from '../config.js';
import { currentRequestScope } from '../request-scope.js';
import { createLogger, yogaLogger, type Logger } from './logger.js';
import type { YogaLogger } from 'graphql-yoga';
import { createMetrics } from './metrics.js';
import { useReadinessProbe, type ServiceState } from './probes.js';
import { failureLogObserver, useRequestLog } from './request-log.js';
import { createTracing } from './tracing.js';

export interface ObservabilityOptions {
  /** Where log lines go (tests collect them); stdout when absent. */
  logDestination?: DestinationStream;
  /** Spans go here (tests pass an InMemorySpanExporter) instead of OTLP. */
  spanExporter?: SpanExporter;
  /** Node process metrics (CPU, memory, event loop) on /metrics; default true. */
  processMetrics?: boolean;
}

/** Logs, metrics, traces and the state the probes report: one set per graph. */
export interface Observability {
  logger: Logger;
  /** For Yoga's `logging` option. */
  yogaLogger: YogaLogger;
  state: ServiceState;
  registry: Registry;
  /** Every vendor client reports here; fans out to metrics, logs, traces and the probe state. */
  observer: UpstreamObserver;
  /** `first` go before the graph's own plugins (request id, probes); `last` after them (they must see the final result). */
  plugins: { first: Plugin<GraphContext>[]; last: Plugin<GraphContext>[] };
  close(): Promise<void>;
}

export function createObservability(config: AppConfig, options: ObservabilityOptions = {}): Observability {
  const configured: Provider[] = configuredProviders(config);
  const logger = createLogger(config.operations, options.logDestination);
  const state: ServiceState = { draining: false, openCircuits: new Set(), configured };
  const metrics = createMetrics(configured, { processMetrics: options.processMetrics });
  const tracing = createTracing(config.operations, options.spanExporter);
  const stateObserver: UpstreamObserver = {
    breaker({ provider, open }) {
      if (open) state.openCircuits.add(provider);
      else state.openCircuits.delete(provider);
    },
  };
  const observer = fanOut([metrics.observer, failureLogObserver(logger), stateObserver, ...(tracing ? [tracing.observer] : [])]);
  return {
    logger,
    yogaLogger: yogaLogger(logger, () => currentRequestScope()?.requestId),
    state,
    registry: metrics.registry,
    observer,
    plugins: {
      first: [useRequestLog(logger), useReadinessProbe(state, config.vendors.map((vendor) => vendor.provider)) as Plugin<GraphContext>],
      last: [metrics.plugin() as Plugin<GraphContext>, ...(tracing ? [tracing.plugin()] : [])],
    },
    async close() {
      await tracing?.close();
      logger.flush();
    },
  };
}

function fanOut(observers: UpstreamObserver[]): UpstreamObserver {
  const attempts = observers.filter((observer) => observer.attempt);
  // One observer of attempts (metrics, when tracing is off): its own hooks, without a list of ends per attempt.
  const only = attempts.length === 1 ? attempts[0]! : null;
  return {
    attempt: only
      ? (start) => only.attempt?.(start)
      : (start) => {
          const ends = attempts.map((observer) => observer.attempt?.(start)).filter((end) => typeof end === 'function');
          return (end) => {
            for (const finish of ends) finish(end);
          };
        },
    retry(event) {
      for (const observer of observers) observer.retry?.(event);
    },
    breaker(event) {
      for (const observer of observers) observer.breaker?.(event);
    },
    failure(event) {
      for (const observer of observers) observer.failure?.(event);
    },
  };
}
