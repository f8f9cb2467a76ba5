import { createClient, type Client, type ClientOptions } from 'graphql-sse';
import type { Registry } from 'prom-client';
import type { Provider } from '../../src/domain.js';

/** One `conversationAdded` event as a client receives it. */
export interface AddedEvent {
  data?: { conversationAdded: { cursor: string; node: { id: string; provider: Provider; providerId: string; createdAt: string } } } | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
}

export const ADDED = /* GraphQL */ `
  subscription Added($providers: [Provider!], $filter: ConversationFilter, $after: String) {
    conversationAdded(providers: $providers, filter: $filter, after: $after) {
      cursor
      node { id provider providerId createdAt }
    }
  }
`;

/** A subscription through graphql-sse's client, its events collected as they arrive; waits are on arrivals, never on time. */
export interface Collected {
  events: AddedEvent[];
  /** Arrival time (performance.now()) of each event. */
  arrivals: number[];
  /** Resolves once at least `count` events arrived (rejects when the stream ends or fails first). */
  until(count: number): Promise<AddedEvent[]>;
  /** Resolves when the server completes the stream. */
  completed: Promise<void>;
  close(): void;
  client: Client;
}

export function collect(url: string, variables: Record<string, unknown> = {}, options: Partial<ClientOptions<boolean>> = {}, query = ADDED): Collected {
  const client: Client = createClient<boolean>({ url, retryAttempts: 0, ...options } as ClientOptions<boolean>);
  const events: AddedEvent[] = [];
  const arrivals: number[] = [];
  const waiters = new Set<() => void>();
  let ended: Error | 'complete' | null = null;
  let completeResolve: () => void = () => undefined;
  let completeReject: (error: Error) => void = () => undefined;
  const completed = new Promise<void>((resolve, reject) => {
    completeResolve = resolve;
    completeReject = reject;
  });
  completed.catch(() => undefined);
  const wake = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  const dispose = client.subscribe<AddedEvent['data'], Record<string, unknown>>(
    { query, variables },
    {
      next: (value) => {
        events.push(value as AddedEvent);
        arrivals.push(performance.now());
        wake();
      },
      error: (error) => {
        ended = error instanceof Error ? error : new Error(JSON.stringify(error));
        completeReject(ended);
        wake();
      },
      complete: () => {
        ended ??= 'complete';
        completeResolve();
        wake();
      },
    },
  );
  return {
    events,
    arrivals,
    completed,
    client,
    until: (count) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (events.length >= count) {
            waiters.delete(check);
            resolve(events);
          } else if (ended) {
            waiters.delete(check);
            reject(new Error(`the stream ended (${ended === 'complete' ? 'complete' : ended.message}) after ${events.length} of ${count} events: ${JSON.stringify(events)}`));
          }
        };
        waiters.add(check);
        check();
      }),
    close: () => {
      dispose();
      client.dispose();
    },
  };
}

/** `live_polls_total` (ok polls) of one provider, read from the graph's registry. */
export async function okPolls(registry: Registry, provider: Provider): Promise<number> {
  const metric = await registry.getSingleMetric('live_polls_total')?.get();
  return metric?.values.find((value) => value.labels.provider === provider && value.labels.outcome === 'ok')?.value ?? 0;
}

export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const found = metric?.values.find((value) => Object.entries(labels).every(([key, expected]) => value.labels[key] === expected));
  return found?.value ?? 0;
}
