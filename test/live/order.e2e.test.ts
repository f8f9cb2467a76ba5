import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Registry } from 'prom-client';
import type { Provider } from '../../src/domain.js';
import { startEmulators, type EmulatorSet } from '../../src/emulators/index.js';
import type { Emulator } from '../../src/emulators/framework.js';
import { VENDORS } from '../../src/vendors/vendors.js';
import { startTestGraph, TEST_HTTP_ENV, type TestGraph } from '../support/graph.js';
import { collect, metricValue, okPolls, type AddedEvent, type Collected } from '../support/live.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis.js';
import { metricOf, startReplica, type Replica } from '../support/replica.js';

/**
 * The order of events across vendors: events waiting for a client (it is still resolving an earlier one) go out
 * oldest first whatever vendor found them, not in the order the vendors' polls found them; and an added event is
 * held until every other vendor of the subscription has polled past it (its watermark), so conversations found by
 * separate polls at separate times still come in createdAt order.
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

/**
 * Three vendors (one request per poll, createdAt in ms) polled on their own clocks: intervals of their own and
 * answers slowed at their emulators, so a conversation added at all three at once is found first at FIRST, then at
 * SECOND, then at THIRD, every time (FIRST's poll answers within ~60 ms, SECOND's between 250 and 650 ms, THIRD's
 * after 800 ms).
 */
const FIRST: Provider = 'FLASHBACK';
const SECOND: Provider = 'MOVEWORKS_DATA';
const THIRD: Provider = 'SYMBL';
const PHASED = [FIRST, SECOND, THIRD];
const INTERVALS: Record<string, number> = { [FIRST]: 50, [SECOND]: 150, [THIRD]: 250 };
const LATENCY: Record<string, number> = { [FIRST]: 0, [SECOND]: 250, [THIRD]: 800 };
const CAP_MS = 4_000;
const phasedEnv = {
  LIVE_ORDER_MAX_WAIT_MS: String(CAP_MS),
  // A slow poll answers (no timeout, no deadline): the vendor hangs rather than fails.
  UPSTREAM_TIMEOUT_MS: '20000',
  REQUEST_DEADLINE_MS: '20000',
  ...Object.fromEntries(PHASED.map((provider) => [`${provider}_LIVE_POLL_INTERVAL_MS`, String(INTERVALS[provider])])),
};

const key = (event: AddedEvent | undefined): string => `${event?.data?.conversationAdded.node.provider}:${event?.data?.conversationAdded.node.providerId}`;

/** The count of `live_event_held_seconds` observations with this reason. */
async function heldCount(registry: Registry, reason: string): Promise<number> {
  const metric = await registry.getSingleMetric('live_event_held_seconds')?.get();
  return metric?.values.find((value) => (value as { metricName?: string }).metricName === 'live_event_held_seconds_count' && value.labels.reason === reason)?.value ?? 0;
}

/** Adds one conversation at each of `providers` at once, createdAt newest at the first (a few ms ahead, so no poll begun before saw them). */
function addNewestFirst(emulators: Record<string, Emulator>, providers: readonly Provider[]): string[] {
  const now = Date.now();
  return providers.map((provider, index) => `${provider}:${emulators[provider]!.addConversation({ createdAt: new Date(now + 10 - index) }).id}`);
}

describe('event order across vendors polled at different times (watermarks)', () => {
  let phased: TestGraph;
  const registryOf = () => phased.graph.observability.registry;
  const emulators = () => phased.emulators.emulators as Record<string, Emulator>;
  const pollsOf = async (providers: readonly Provider[], count: number): Promise<void> => {
    const start = await Promise.all(providers.map((provider) => okPolls(registryOf(), provider)));
    await vi.waitFor(
      async () => {
        for (const [index, provider] of providers.entries()) expect(await okPolls(registryOf(), provider)).toBeGreaterThanOrEqual((start[index] as number) + count);
      },
      { timeout: 15_000, interval: 10 },
    );
  };
  beforeAll(async () => {
    phased = await startTestGraph({ only: PHASED, env: phasedEnv });
  });
  afterAll(async () => {
    for (const provider of PHASED) emulators()[provider]?.setLatency({ fixedMs: 0 });
    await phased.close();
  });

  it('sends conversations found by separate polls, at separate times, in createdAt order, each once', async () => {
    const subscription = collect(phased.url, { providers: PHASED });
    await vi.waitFor(() => expect(phased.graph.live?.active()).toBe(1), { interval: 10 });
    await pollsOf(PHASED, 1);
    for (const provider of PHASED) emulators()[provider]!.setLatency({ fixedMs: LATENCY[provider] as number });
    const expected: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      // createdAt newest at FIRST, oldest at THIRD: the opposite of the order the polls find them in.
      const added = addNewestFirst(emulators(), PHASED);
      expected.push(...[...added].reverse());
      const events = await subscription.until(expected.length);
      for (const event of events) expect(event.errors, JSON.stringify(event)).toBeUndefined();
    }
    expect(subscription.events.map(key)).toEqual(expected);
    // Released by the watermarks, not the cap.
    expect(await heldCount(registryOf(), 'cap')).toBe(0);
    expect(await heldCount(registryOf(), 'watermark')).toBeGreaterThanOrEqual(expected.length);
    // Each once: more polls of every vendor send nothing more.
    await pollsOf(PHASED, 2);
    expect(subscription.events).toHaveLength(expected.length);
    subscription.close();
    for (const provider of PHASED) emulators()[provider]!.setLatency({ fixedMs: 0 });
  });

  it("a single vendor's subscription is not held: its event comes with that vendor's poll", async () => {
    const alone = collect(phased.url, { providers: [FIRST] });
    const all = collect(phased.url, { providers: PHASED });
    await vi.waitFor(() => expect(phased.graph.live?.active()).toBe(2), { interval: 10 });
    await pollsOf(PHASED, 1);
    emulators()[THIRD]!.setLatency({ fixedMs: LATENCY[THIRD] as number });
    const heldBefore = (await heldCount(registryOf(), 'watermark')) + (await heldCount(registryOf(), 'cap'));
    const addedAt = performance.now();
    const created = emulators()[FIRST]!.addConversation({ createdAt: new Date(Date.now() + 5) });
    await Promise.all([alone.until(1), all.until(1)]);
    const aloneMs = (alone.arrivals[0] as number) - addedAt;
    const allMs = (all.arrivals[0] as number) - addedAt;
    console.info(`one conversation at ${FIRST}: single-vendor subscription ${Math.round(aloneMs)} ms, three-vendor ${Math.round(allMs)} ms`);
    expect(key(alone.events[0])).toBe(`${FIRST}:${created.id}`);
    expect(key(all.events[0])).toBe(`${FIRST}:${created.id}`);
    // Within two of its vendor's intervals (and its own poll) from the add, and before the three-vendor one (held for THIRD).
    expect(aloneMs).toBeLessThan(2 * (INTERVALS[FIRST] as number) + 400);
    expect(aloneMs).toBeLessThan(allMs);
    // One hold observed (the three-vendor subscription's), none for the single one.
    expect((await heldCount(registryOf(), 'watermark')) + (await heldCount(registryOf(), 'cap')) - heldBefore).toBe(1);
    alone.close();
    all.close();
    emulators()[THIRD]!.setLatency({ fixedMs: 0 });
  });

  it("a failing vendor does not hold the others' events back; a hanging one holds them at most LIVE_ORDER_MAX_WAIT_MS", async () => {
    const subscription = collect(phased.url, { providers: PHASED });
    await vi.waitFor(() => expect(phased.graph.live?.active()).toBe(1), { interval: 10 });
    await pollsOf(PHASED, 1);
    // THIRD fails: its error event is sent, and it no longer counts for the order.
    emulators()[THIRD]!.injectFault({ kind: 'status503', count: 100_000 });
    const [failure] = await subscription.until(1);
    expect(failure?.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: THIRD });
    const [first] = addNewestFirst(emulators(), [FIRST]);
    const addedAt = performance.now();
    await subscription.until(2);
    const failingMs = (subscription.arrivals[1] as number) - addedAt;
    expect(key(subscription.events[1])).toBe(first);
    expect(failingMs).toBeLessThan(CAP_MS / 2);
    emulators()[THIRD]!.clearFaults();
    // THIRD back, then hanging: a poll in flight longer than the cap does not move its watermark.
    const back = emulators()[THIRD]!.addConversation({ createdAt: new Date(Date.now() + 5) });
    await subscription.until(3);
    expect(key(subscription.events[2])).toBe(`${THIRD}:${back.id}`);
    await pollsOf([THIRD], 1);
    const capBefore = await heldCount(registryOf(), 'cap');
    emulators()[THIRD]!.setLatency({ fixedMs: CAP_MS + 2_000 });
    await pollsOf([FIRST], 3);
    const [second] = addNewestFirst(emulators(), [FIRST]);
    const hungAt = performance.now();
    await subscription.until(4);
    const hangingMs = (subscription.arrivals[3] as number) - hungAt;
    console.info(`one conversation at ${FIRST}: ${Math.round(failingMs)} ms with ${THIRD} failing, ${Math.round(hangingMs)} ms with ${THIRD} hanging (cap ${CAP_MS} ms)`);
    expect(key(subscription.events[3])).toBe(second);
    expect(hangingMs).toBeGreaterThanOrEqual(CAP_MS - 100);
    expect(hangingMs).toBeLessThan(CAP_MS + 1_500);
    expect(await heldCount(registryOf(), 'cap')).toBe(capBefore + 1);
    subscription.close();
    emulators()[THIRD]!.setLatency({ fixedMs: 0 });
  }, 30_000);

  // Last of this graph: the drain refuses new subscriptions.
  it('a drain sends what a subscription holds, oldest first, then completes the stream', async () => {
    const subscription = collect(phased.url, { providers: PHASED });
    await vi.waitFor(() => expect(phased.graph.live?.active()).toBe(1), { interval: 10 });
    await pollsOf(PHASED, 1);
    emulators()[THIRD]!.setLatency({ fixedMs: 3_000 });
    await pollsOf([FIRST], 2);
    const added = addNewestFirst(emulators(), [FIRST, SECOND]);
    // Both found (FIRST's and SECOND's next polls) and held for THIRD, whose poll is in flight.
    await pollsOf([FIRST, SECOND], 2);
    expect(subscription.events, JSON.stringify(subscription.events)).toHaveLength(0);
    const drainBefore = await heldCount(registryOf(), 'drain');
    await phased.graph.live?.completeAll();
    await subscription.completed;
    expect(subscription.events.map(key)).toEqual([...added].reverse());
    expect(await heldCount(registryOf(), 'drain')).toBe(drainBefore + 2);
  });
});

describe.runIf(redisAvailable())('event order across vendors on two replicas sharing Redis', () => {
  let redis: RedisServer;
  let emulatorSet: EmulatorSet;
  let replicas: Replica[] = [];
  let replicaEnv: Record<string, string> = {};
  const subscribers: Collected[] = [];

  beforeAll(async () => {
    [redis, emulatorSet] = await Promise.all([startRedis(), startEmulators({ anchor: new Date('2026-11-01T00:00:00Z'), only: PHASED })]);
    replicaEnv = {
      ...TEST_HTTP_ENV,
      ...emulatorSet.env,
      ...phasedEnv,
      REDIS_URL: redis.url,
      CURSOR_SECRET: 'live-order-replicas-secret',
      LIVE_LEASE_MS: '1500',
    };
    replicas = await Promise.all([startReplica(replicaEnv), startReplica(replicaEnv)]);
    await Promise.all(replicas.map((replica) => replica.waitFor(/Shared state: Redis at/)));
  }, 60_000);
  afterAll(async () => {
    for (const subscriber of subscribers) subscriber.close();
    await Promise.all(replicas.map((replica) => replica.stop()));
    await Promise.all([emulatorSet?.close(), redis?.stop()]);
  });

  it('the replica that relays orders them as the one that polls: both subscribers get createdAt order, each once', async () => {
    const emulators = emulatorSet.emulators as Record<string, Emulator>;
    for (const replica of replicas) subscribers.push(collect(replica.url, { providers: PHASED }));
    // Both subscribed, and every feed past its first poll (whichever replica polls it).
    const okPollsOf = async (provider: Provider): Promise<number> => {
      let sum = 0;
      for (const replica of replicas) sum += metricOf(await replica.metrics(), 'live_polls_total', { provider, outcome: 'ok' });
      return sum;
    };
    await vi.waitFor(
      async () => {
        for (const replica of replicas) expect(metricOf(await replica.metrics(), 'live_subscriptions_active', {})).toBe(1);
      },
      { timeout: 15_000, interval: 20 },
    );
    const polledBefore = await Promise.all(PHASED.map(okPollsOf));
    await vi.waitFor(
      async () => {
        for (const [index, provider] of PHASED.entries()) expect(await okPollsOf(provider)).toBeGreaterThanOrEqual((polledBefore[index] as number) + 2);
      },
      { timeout: 15_000, interval: 20 },
    );
    const start = subscribers.map((subscriber) => subscriber.events.length);
    for (const provider of PHASED) emulators[provider]!.setLatency({ fixedMs: LATENCY[provider] as number });
    const expected: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      const added = addNewestFirst(emulators, PHASED);
      expected.push(...[...added].reverse());
      await Promise.all(subscribers.map((subscriber, index) => subscriber.until((start[index] as number) + expected.length)));
    }
    for (const [index, subscriber] of subscribers.entries()) {
      expect(subscriber.events.slice(start[index] as number).map(key), `replica ${index}`).toEqual(expected);
    }
    for (const provider of PHASED) emulators[provider]!.setLatency({ fixedMs: 0 });
  }, 60_000);

  it("a replica that starts while a vendor fails learns it from the poller: the others' events are not held to the cap", async () => {
    const emulators = emulatorSet.emulators as Record<string, Emulator>;
    const seen = subscribers[0] as Collected;
    const before = seen.events.length;
    emulators[THIRD]!.injectFault({ kind: 'status503', count: 100_000 });
    const [failure] = (await seen.until(before + 1)).slice(before);
    expect(failure?.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: THIRD });
    // Started after the vendor's one `failed` message went out: it can only learn of the failure from later polls.
    const late = await startReplica(replicaEnv);
    replicas.push(late);
    await late.waitFor(/Shared state: Redis at/);
    const subscriber = collect(late.url, { providers: PHASED });
    subscribers.push(subscriber);
    const [told] = await subscriber.until(1);
    expect(told?.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: THIRD });
    const [added] = addNewestFirst(emulators, [FIRST]);
    const addedAt = performance.now();
    await subscriber.until(2);
    const waitedMs = (subscriber.arrivals[1] as number) - addedAt;
    console.info(`a replica started during ${THIRD}'s failure: ${FIRST}'s conversation after ${Math.round(waitedMs)} ms (cap ${CAP_MS} ms)`);
    expect(key(subscriber.events[1])).toBe(added);
    expect(waitedMs).toBeLessThan(CAP_MS / 2);
    expect(subscriber.events.filter((event) => event.errors !== undefined)).toHaveLength(1);
    emulators[THIRD]!.clearFaults();
  }, 60_000);
});
