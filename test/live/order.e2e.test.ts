import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Provider } from '../../src/domain.js';
import type { Emulator } from '../../src/emulators/framework.js';
import { VENDORS } from '../../src/vendors/vendors.js';
import { startTestGraph, type TestGraph } from '../support/graph.js';
import { collect, metricValue, okPolls } from '../support/live.js';

/**
 * The order of events across vendors: events waiting for a client (it is still resolving an earlier one) go out
 * oldest first whatever vendor found them, not in the order the vendors' polls found them.
 */

const POLL_MS = 150;
/** Symbl's messages cost a request per conversation (docs/vendors.md): slowed, an event's resolution takes this long. */
const SLOW = 'SYMBL' as const satisfies Provider;
const SLOW_MS = 1_500;

let graph: TestGraph;
let others: [Provider, Provider];
beforeAll(async () => {
  others = VENDORS.map((vendor) => vendor.provider).filter((provider) => provider !== SLOW).slice(0, 2) as [Provider, Provider];
  graph = await startTestGraph({ only: [SLOW, ...others], env: { LIVE_POLL_INTERVAL_MS: String(POLL_MS) } });
});
afterAll(async () => {
  await graph.close();
});

const registry = () => graph.graph.observability.registry;
const emulatorOf = (provider: Provider): Emulator => graph.emulators.emulators[provider] as Emulator;

/** Waits until `provider`'s feed finished `count` more polls: the last of them began after whatever came before. */
async function polled(provider: Provider, count: number): Promise<void> {
  const start = await okPolls(registry(), provider);
  await vi.waitFor(async () => expect(await okPolls(registry(), provider)).toBeGreaterThanOrEqual(start + count), { timeout: 10_000, interval: 10 });
}

describe('event order across vendors', () => {
  it('sends the events waiting for the client oldest first, whatever vendor found them first', async () => {
    const subscription = collect(
      graph.url,
      {},
      {},
      'subscription { conversationAdded { cursor node { id provider providerId createdAt messages(first: 1) { edges { node { id } } } } } }',
    );
    await vi.waitFor(() => expect(graph.graph.live?.active()).toBe(1), { interval: 10 });
    await Promise.all([SLOW, ...others].map((provider) => polled(provider, 1)));
    const base = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    // The first event's messages take SLOW_MS to read: the client is busy with it while the next two arrive.
    emulatorOf(SLOW).setLatency({ fixedMs: SLOW_MS });
    const first = emulatorOf(SLOW).addConversation({ createdAt: new Date(base) });
    await vi.waitFor(async () => expect(await metricValue(registry(), 'live_events_sent_total', { provider: SLOW, kind: 'added' })).toBe(1), {
      timeout: 10_000,
      interval: 5,
    });
    // The newer one is found first (its vendor polled it before the older one was even added).
    const newer = emulatorOf(others[0]).addConversation({ createdAt: new Date(base + 2_000) });
    await polled(others[0], 2);
    const older = emulatorOf(others[1]).addConversation({ createdAt: new Date(base + 1_000) });
    await polled(others[1], 2);
    // Both were found while the client still resolved the first event.
    expect(await metricValue(registry(), 'live_events_sent_total', { provider: others[0], kind: 'added' })).toBe(0);
    const events = await subscription.until(3);
    for (const event of events) expect(event.errors, JSON.stringify(event)).toBeUndefined();
    expect(events.map((event) => `${event.data?.conversationAdded.node.provider}:${event.data?.conversationAdded.node.providerId}`)).toEqual([
      `${SLOW}:${first.id}`,
      `${others[1]}:${older.id}`,
      `${others[0]}:${newer.id}`,
    ]);
    // Each once: more polls of every vendor send nothing more.
    emulatorOf(SLOW).setLatency({ fixedMs: 0 });
    await Promise.all([SLOW, ...others].map((provider) => polled(provider, 2)));
    expect(subscription.events).toHaveLength(3);
    subscription.close();
  });
});
