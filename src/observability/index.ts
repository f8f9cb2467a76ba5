import type { Plugin } from 'graphql-yoga';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config.js';
import type { Provider } from '../domain.js';
import { createLogger, type Logger } from './logger.js';
import { useReadinessProbe, type ServiceState } from './probes.js';

export interface ObservabilityOptions {
  /** Where log lines go (tests collect them); stdout when absent. */
  logDestination?: DestinationStream;
}

/** Logs, metrics, traces and the state the probes report: one per graph. */
export interface Observability {
  logger: Logger;
  state: ServiceState;
  /** Yoga plugins, first in the chain so they see every request. */
  plugins(configured: readonly Provider[]): Plugin[];
  close(): Promise<void>;
}

export function createObservability(config: AppConfig, options: ObservabilityOptions = {}): Observability {
  const logger = createLogger(config.operations, options.logDestination);
  const state: ServiceState = { draining: false, openCircuits: new Set() };
  return {
    logger,
    state,
    plugins: (configured) => [useReadinessProbe(state, configured)],
    async close() {
      logger.flush();
    },
  };
}
