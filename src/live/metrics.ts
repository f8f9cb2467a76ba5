import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Provider } from '../domain.js';

/** The subscription series on /metrics. Labels come from closed sets (providers, roles, error codes, reasons). */
export interface LiveMetrics {
  active: Gauge<string>;
  pollers: Gauge<'provider' | 'role'>;
  polls: Counter<'provider' | 'outcome'>;
  events: Counter<'provider' | 'kind'>;
  gaps: Counter<'provider'>;
  refused: Counter<'limit'>;
  closed: Counter<'reason'>;
  held: Histogram<'reason'>;
}

export function createLiveMetrics(registry: Registry, configured: readonly Provider[]): LiveMetrics {
  const metrics: LiveMetrics = {
    active: new Gauge({ name: 'live_subscriptions_active', help: 'Subscriptions open in this process.', registers: [registry] }),
    pollers: new Gauge({
      name: 'live_pollers',
      help: "Live feeds by provider and role: `polling` (this replica polls the vendor's head) or `following` (another replica polls and relays through Redis).",
      labelNames: ['provider', 'role'] as const,
      registers: [registry],
    }),
    polls: new Counter({
      name: 'live_polls_total',
      help: "Polls of a vendor's head by this process, by provider and outcome (ok or the error code).",
      labelNames: ['provider', 'outcome'] as const,
      registers: [registry],
    }),
    events: new Counter({
      name: 'live_events_sent_total',
      help: 'Subscription events sent, by provider and kind (added: a conversation; failed: the coded error of a vendor failing while polled).',
      labelNames: ['provider', 'kind'] as const,
      registers: [registry],
    }),
    gaps: new Counter({
      name: 'live_poll_gaps_total',
      help: 'Polls that found more new conversations than LIVE_MAX_PAGES_PER_POLL pages hold (the rest were not announced).',
      labelNames: ['provider'] as const,
      registers: [registry],
    }),
    refused: new Counter({
      name: 'live_subscriptions_refused_total',
      help: 'Subscriptions refused for MAX_SUBSCRIPTIONS (limit=process) or MAX_SUBSCRIPTIONS_PER_CLIENT (limit=client).',
      labelNames: ['limit'] as const,
      registers: [registry],
    }),
    closed: new Counter({
      name: 'live_subscriptions_closed_total',
      help: 'Subscriptions the graph closed because their client stopped taking events (heartbeat: LIVE_HEARTBEAT_TIMEOUT_MS; pending: LIVE_MAX_PENDING_EVENTS).',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    held: new Histogram({
      name: 'live_event_held_seconds',
      help: "How long an added event was held for the order across vendors, by what released it: watermark (every other feed of the subscription polled past it), cap (LIVE_ORDER_MAX_WAIT_MS) or drain.",
      labelNames: ['reason'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
  };
  metrics.active.set(0);
  for (const provider of configured) {
    for (const role of ['polling', 'following']) metrics.pollers.labels(provider, role).set(0);
    metrics.polls.labels(provider, 'ok').inc(0);
    metrics.events.labels(provider, 'added').inc(0);
  }
  for (const limit of ['process', 'client']) metrics.refused.labels(limit).inc(0);
  return metrics;
}
