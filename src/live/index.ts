import type { Registry } from 'prom-client';
import type { AppConfig } from '../config.js';
import type { Provider } from '../domain.js';
import type { VendorAdapter } from '../vendors/port.js';
import type { SharedState } from '../shared-state/shared-state.js';
import { createLiveMetrics } from './metrics.js';
import { createRedisRelay } from './redis-relay.js';
import { createLiveService, type LiveService } from './service.js';

export { isNotSubscription, useLiveSubscriptions, useSingleConnectionSse } from './plugin.js';
export type { LiveService } from './service.js';

/** The subscriptions' machinery of one graph: null when SUBSCRIPTIONS=false (nothing polls, nothing is registered). */
export function createLive(
  config: AppConfig,
  adapters: ReadonlyMap<Provider, VendorAdapter>,
  sharedState: SharedState,
  observability: { registry: Registry; logger: { info(details: object, message: string): void; warn(details: object, message: string): void } },
): LiveService | null {
  if (!config.live.enabled) return null;
  return createLiveService({
    config,
    adapters,
    relay: sharedState.link ? createRedisRelay(sharedState.link) : null,
    metrics: createLiveMetrics(observability.registry, [...adapters.keys()]),
    logger: observability.logger,
    keyPrefix: config.sharedState.keyPrefix,
  });
}
