import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Provider } from '../../src/domain.js';
import type { Emulator } from '../../src/emulators/framework.js';
import { startTestGraph, type TestGraph } from '../support/graph.js';
import { collect, metricValue, okPolls, type AddedEvent } from '../support/live.js';

/**
 * `subscription { conversationAdded }` end to end: graphql-sse's client over SSE, the graph polling the
 * emulators' heads over real HTTP, conversations added through the emulators' own live data.
 */

const POLL_MS = 300;

let graph: TestGraph;
let providers: Provider[];
beforeAll(async () => {
  graph = await startTestGraph({ env: { LIVE_POLL_INTERVAL_MS: String(POLL_MS) } });
  providers = [...graph.graph.adapters.keys()];
});
afterAll(async () => {
  await graph.close();
});
beforeEach(() => graph.resetEmulators());

const emulatorOf = (provider: Provider): Emulator => graph.emulators.emulators[provider] as Emulator;
const registry = () => graph.graph.observability.registry;

/** Waits until every provider's feed finished `count` more polls than `before` (its head is known). */
async function pollsDone(before: Record<string, number>, count: number, only: readonly Provider[] = providers): Promise<void> {
  await vi.waitFor(
    async () => {
      for (const provider of only) expect(await okPolls(registry(), provider)).toBeGreaterThanOrEqual((before[provider] ?? 0) + count);
    },
    { timeout: 20 * POLL_MS + 5_000, interval: 20 },
  );
}

async function pollCounts(): Promise<Record<string, number>> {
  return Object.fromEntries(await Promise.all(providers.map(async (provider) => [provider, await okPolls(registry(), provider)] as const)));
}

/** A GET event stream as an EventSource opens it, its `event: next` messages parsed (id and data). */
function openEventStream(url: string, headers: Record<string, string> = {}): { until(count: number): Promise<Array<{ id?: string; data: string }>>; close(): void } {
  const messages: Array<{ id?: string; data: string }> = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  // The preflight header CSRF prevention (on by default) asks of a GET: an EventSource library can send it (the
  // browser's own EventSource cannot: docs/subscriptions.md).
  const request = httpRequest(url, { headers: { accept: 'text/event-stream', 'x-graphql-yoga-csrf': '1', ...headers } }, (response) => {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(block.split('\n').filter((line) => !line.startsWith(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()]));
        if (fields.event === 'next') messages.push({ ...(fields.id ? { id: fields.id } : {}), data: fields.data ?? '' });
      }
      for (const waiter of [...waiters]) waiter();
    });
  });
  request.on('error', () => undefined);
  request.end();
  return {
    until: (count) =>
      new Promise((resolve) => {
        const check = (): void => {
          if (messages.length >= count) {
            waiters.delete(check);
            resolve(messages);
          }
        };
        waiters.add(check);
        check();
      }),
    close: () => request.destroy(),
  };
}

const nodes = (events: AddedEvent[]) => events.map((event) => event.data?.conversationAdded.node);

describe('conversationAdded over SSE (graphql-sse client, distinct connections)', () => {
  it('announces conversations added at every vendor within two poll intervals, each once, oldest first per vendor', async () => {
    const before = await pollCounts();
    const subscription = collect(graph.url);
    await pollsDone(before, 1);
    const added = new Map<string, { provider: Provider; at: number; createdAt: string }>();
    const now = Date.now();
    for (const provider of providers) {
      // Two per vendor, the later one added first: the events still come oldest first.
      for (const offset of [-1_000, -2_000]) {
        const at = performance.now();
        const conversation = emulatorOf(provider).addConversation({ createdAt: new Date(now + offset) });
        added.set(`${provider}:${conversation.id}`, { provider, at, createdAt: conversation.createdAt });
      }
    }
    const events = await subscription.until(added.size);
    const seen = nodes(events).map((node) => `${node?.provider}:${node?.providerId}`);
    expect(new Set(seen)).toEqual(new Set(added.keys()));
    // Within two poll intervals of being added (one to be polled, one for the poll itself at most).
    events.forEach((event, index) => {
      const node = event.data?.conversationAdded.node;
      const origin = added.get(`${node?.provider}:${node?.providerId}`);
      expect((subscription.arrivals[index] as number) - (origin?.at as number)).toBeLessThan(2 * POLL_MS);
    });
    for (const provider of providers) {
      const times = nodes(events)
        .filter((node) => node?.provider === provider)
        .map((node) => Date.parse(node?.createdAt as string));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    // Each once: three more polls of every vendor announce nothing more.
    await pollsDone(await pollCounts(), 3);
    expect(subscription.events).toHaveLength(added.size);
    subscription.close();
  });

  it('sends edges whose node is the conversation `node(id:)` finds', async () => {
    const provider = providers[0] as Provider;
    const before = await pollCounts();
    const subscription = collect(graph.url, { providers: [provider] });
    await pollsDone(before, 1, [provider]);
    const created = emulatorOf(provider).addConversation();
    const [event] = await subscription.until(1);
    const edge = event?.data?.conversationAdded;
    expect(edge?.node.providerId).toBe(created.id);
    const found = await graph.query<{ node: { id: string; providerId: string } | null }>(`query ($id: ID!) { node(id: $id) { id ... on Conversation { providerId } } }`, {
      id: edge?.node.id,
    });
    expect(found.data?.node).toEqual({ id: edge?.node.id, providerId: created.id });
    subscription.close();
  });

  it('filters locally what the vendor does not: createdAt ranges and providers share one poller per vendor', async () => {
    const provider = providers[0] as Provider;
    const before = await pollCounts();
    const future = new Date(Date.now() + 3_600_000);
    const all = collect(graph.url, { providers: [provider] });
    const onlyFuture = collect(graph.url, { providers: [provider], filter: { createdAt: { from: future.toISOString() } } });
    await pollsDone(before, 1, [provider]);
    const pollers = await metricValue(registry(), 'live_pollers', { provider, role: 'polling' });
    expect(pollers).toBe(1);
    const now = emulatorOf(provider).addConversation();
    const later = emulatorOf(provider).addConversation({ createdAt: new Date(future.getTime() + 1_000) });
    await all.until(2);
    const [futureEvent] = await onlyFuture.until(1);
    expect(futureEvent?.data?.conversationAdded.node.providerId).toBe(later.id);
    expect(nodes(all.events).map((node) => node?.providerId)).toEqual([now.id, later.id]);
    await pollsDone(await pollCounts(), 2, [provider]);
    expect(onlyFuture.events).toHaveLength(1);
    all.close();
    onlyFuture.close();
  });

  it('a vendor failing while polled sends one coded error event naming it; the others keep flowing', async () => {
    const [failing, healthy] = providers as [Provider, Provider];
    const before = await pollCounts();
    const subscription = collect(graph.url, { providers: [failing, healthy] });
    await pollsDone(before, 1, [failing, healthy]);
    emulatorOf(failing).injectFault({ kind: 'status503', count: 1_000 });
    const [failure] = await subscription.until(1);
    expect(failure?.data).toBeNull();
    expect(failure?.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: failing });
    const created = emulatorOf(healthy).addConversation();
    const events = await subscription.until(2);
    expect(events[1]?.data?.conversationAdded.node.providerId).toBe(created.id);
    // One error event per failure episode, not one per poll.
    await pollsDone(await pollCounts(), 2, [healthy]);
    expect(subscription.events.filter((event) => event.errors)).toHaveLength(1);
    // Recovered: its new conversations flow again.
    emulatorOf(failing).clearFaults();
    const back = emulatorOf(failing).addConversation();
    const after = await subscription.until(3);
    expect(after[2]?.data?.conversationAdded.node.providerId).toBe(back.id);
    subscription.close();
  });
});

describe('resuming', () => {
  it('`after` an event cursor sends what arrived since, oldest first, then live events', async () => {
    // A vendor no other test added to: everything newer than the cursor is what this test added.
    const provider = providers[2] as Provider;
    const before = await pollCounts();
    const first = collect(graph.url, { providers: [provider] });
    await pollsDone(before, 1, [provider]);
    emulatorOf(provider).addConversation();
    const [seen] = await first.until(1);
    first.close();
    const cursor = seen?.data?.conversationAdded.cursor as string;
    const base = Date.now();
    const missed = [1, 2, 3].map((index) => emulatorOf(provider).addConversation({ createdAt: new Date(base + index) }));
    // Let the feed see them while nobody listens (it lingers one interval after its last subscriber).
    await pollsDone(await pollCounts(), 1, [provider]);
    const resumed = collect(graph.url, { providers: [provider], after: cursor });
    const replay = await resumed.until(3);
    expect(nodes(replay).map((node) => node?.providerId)).toEqual(missed.map((conversation) => conversation.id));
    const live = emulatorOf(provider).addConversation();
    const events = await resumed.until(4);
    expect(events[3]?.data?.conversationAdded.node.providerId).toBe(live.id);
    resumed.close();
  });

  it("an EventSource's reconnection resumes by itself: events carry `id:` and `Last-Event-ID` sends what it missed", async () => {
    const provider = providers[3] as Provider;
    const url = `${graph.url}?query=${encodeURIComponent(`subscription { conversationAdded(providers: [${provider}]) { node { providerId } } }`)}`;
    const before = await pollCounts();
    const first = openEventStream(url);
    await pollsDone(before, 1, [provider]);
    const seen = emulatorOf(provider).addConversation();
    const [event] = await first.until(1);
    first.close();
    expect(event?.id).toEqual(expect.any(String));
    expect(JSON.parse(event?.data as string)).toEqual({ data: { conversationAdded: { node: { providerId: seen.id } } } });
    const base = Date.now();
    const missed = [1, 2].map((index) => emulatorOf(provider).addConversation({ createdAt: new Date(base + index) }));
    await pollsDone(await pollCounts(), 1, [provider]);
    const again = openEventStream(url, { 'last-event-id': event?.id as string });
    const replay = await again.until(2);
    expect(replay.map((entry) => (JSON.parse(entry.data) as { data: { conversationAdded: { node: { providerId: string } } } }).data.conversationAdded.node.providerId)).toEqual(
      missed.map((conversation) => conversation.id),
    );
    again.close();
  });

  it("`after:` the connection's startCursor sends what arrived after the list a client shows, then live events", async () => {
    const provider = providers[4] as Provider;
    const before = await pollCounts();
    const warm = collect(graph.url, { providers: [provider] });
    await pollsDone(before, 1, [provider]);
    const list = await graph.query<{ conversations: { pageInfo: { startCursor: string }; edges: Array<{ node: { providerId: string } }> } }>(
      `query ($providers: [Provider!]) { conversations(first: 5, providers: $providers) { pageInfo { startCursor } edges { node { providerId } } } }`,
      { providers: [provider] },
    );
    expect(list.errors).toBeUndefined();
    const base = Date.now();
    const missed = [1, 2].map((index) => emulatorOf(provider).addConversation({ createdAt: new Date(base + index) }));
    await pollsDone(await pollCounts(), 1, [provider]);
    const resumed = collect(graph.url, { providers: [provider], after: list.data?.conversations.pageInfo.startCursor });
    const replay = await resumed.until(2);
    expect(nodes(replay).map((node) => node?.providerId)).toEqual(missed.map((conversation) => conversation.id));
    warm.close();
    resumed.close();
  });

  it('refuses a cursor it did not issue, or one of another filter, with BAD_USER_INPUT', async () => {
    const provider = providers[0] as Provider;
    const before = await pollCounts();
    const first = collect(graph.url, { providers: [provider] });
    await pollsDone(before, 1, [provider]);
    emulatorOf(provider).addConversation();
    const [seen] = await first.until(1);
    first.close();
    graph.resetEmulators();
    for (const variables of [
      { providers: [provider], after: 'not-a-cursor' },
      { providers: [provider], after: seen?.data?.conversationAdded.cursor, filter: { createdAt: { from: '2020-01-01T00:00:00Z' } } },
    ]) {
      const refused = collect(graph.url, variables);
      const [event] = await refused.until(1);
      expect(event?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      refused.close();
    }
  });
});

describe('each event resolves as a request of its own', () => {
  it('nested fields that call the vendor resolve long after the subscription began (a fresh deadline and budget per event)', async () => {
    const nested = await startTestGraph({ env: { LIVE_POLL_INTERVAL_MS: String(POLL_MS), REQUEST_DEADLINE_MS: '1000', UPSTREAM_CALL_BUDGET: '20' } });
    try {
      const all = [...nested.graph.adapters.keys()];
      const registry = nested.graph.observability.registry;
      const start = Object.fromEntries(await Promise.all(all.map(async (provider) => [provider, await okPolls(registry, provider)] as const)));
      const subscription = collect(
        nested.url,
        {},
        {},
        'subscription { conversationAdded { node { provider providerId creator { displayName } members { displayName } messages(first: 3) { edges { node { text } } } } } }',
      );
      // Enough polls to be well past the subscription's own 1,000 ms deadline.
      await vi.waitFor(async () => {
        for (const provider of all) expect(await okPolls(registry, provider)).toBeGreaterThanOrEqual((start[provider] as number) + 6);
      }, { interval: 20, timeout: 20_000 });
      for (const provider of all) nested.emulators.emulators[provider]?.addConversation();
      const events = await subscription.until(all.length);
      for (const event of events) expect(event.errors, JSON.stringify(event)).toBeUndefined();
      expect(new Set(events.map((event) => event.data?.conversationAdded.node.provider))).toEqual(new Set(all));
      subscription.close();
    } finally {
      await nested.close();
    }
  });
});
