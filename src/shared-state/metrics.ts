import { Counter, Gauge, type Registry } from 'prom-client';
import type { SharedState } from './shared-state.js';

/**
 * `shared_state_fallback` (1 while Redis is configured but this replica uses per-process state) and
 * `shared_state_fallbacks_total` (switches to it), so an alert can fire while replicas stop sharing quotas.
 */
export function registerSharedStateMetrics(registry: Registry, sharedState: SharedState): void {
  new Gauge({
    name: 'shared_state_fallback',
    help: '1 while REDIS_URL is set but this replica uses per-process state (Redis away or slower than REDIS_TIMEOUT_MS); 0 otherwise',
    registers: [registry],
    collect() {
      this.set(sharedState.fallback() ? 1 : 0);
    },
  });
  const switches = new Counter({
    name: 'shared_state_fallbacks_total',
    help: 'Switches from Redis to per-process state since start',
    registers: [registry],
  });
  sharedState.onFallbackChange((fallback) => {
    if (fallback) switches.inc();
  });
}
