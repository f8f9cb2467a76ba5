import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Provider } from '../../src/domain.js';
import { startEmulators, type EmulatorSet } from '../../src/emulators/index.js';
import type { Emulator } from '../../src/emulators/framework.js';
import { TEST_HTTP_ENV } from '../support/graph.js';
import { collect, type Collected } from '../support/live.js';
import { redisAvailable, startRedis, type RedisServer } from '../support/redis.js';
import { metricOf, startReplica, type Replica } from '../support/replica.js';

/**
 * Two replicas (two processes of src/main.ts) on a real Redis, each with a subscriber: one polls the vendor
 * (a lease in Redis), the other relays its events over pub/sub; killing the poller hands the poll to the other
 * within a lease.
 */

const POLL_MS = 200;
const LEASE_MS = 1_500;
const PROVIDER: Provider = 'FLASHBACK';

describe.runIf(redisAvailable())('subscriptions on two replicas sharing Redis', () => {
  let redis: RedisServer;
  let emulators: EmulatorSet;
  let replicas: Replica[] = [];
  let env: Record<string, string>;
  const subscribers: Collected[] = [];
  const emulator = (): Emulator => emulators.emulators[PROVIDER] as Emulator;
  const polls = async (replica: Replica): Promise<number> => metricOf(await replica.metrics(), 'live_polls_total', { provider: PROVIDER, outcome: 'ok' });
  const polling = async (replica: Replica): Promise<number> => metricOf(await replica.metrics(), 'live_pollers', { provider: PROVIDER, role: 'polling' });

  beforeAll(async () => {
    [redis, emulators] = await Promise.all([startRedis(), startEmulators({ anchor: new Date('2026-11-01T00:00:00Z'), only: [PROVIDER] })]);
    env = {
      ...TEST_HTTP_ENV,
      ...emulators.env,
      REDIS_URL: redis.url,
      CURSOR_SECRET: 'live-replicas-secret',
      LIVE_POLL_INTERVAL_MS: String(POLL_MS),
      LIVE_LEASE_MS: String(LEASE_MS),
    };
    replicas = await Promise.all([startReplica(env), startReplica(env)]);
    await Promise.all(replicas.map((replica) => replica.waitFor(/Shared state: Redis at/)));
  }, 60_000);

  afterAll(async () => {
    for (const subscriber of subscribers) subscriber.close();
    await Promise.all(replicas.map((replica) => replica.stop()));
    await Promise.all([emulators?.close(), redis?.stop()]);
  });

  it('one replica polls, the other relays: two replicas with subscribers cost the vendor the polls of one', async () => {
    for (const replica of replicas) subscribers.push(collect(replica.url, { providers: [PROVIDER] }));
    await vi.waitFor(async () => expect((await polling(replicas[0]!)) + (await polling(replicas[1]!))).toBe(1), { interval: 20, timeout: 10_000 });
    const leader = (await polling(replicas[0]!)) === 1 ? 0 : 1;
    const follower = 1 - leader;
    expect(metricOf(await replicas[follower]!.metrics(), 'live_pollers', { provider: PROVIDER, role: 'following' })).toBe(1);
    // A window of ten polls: the vendor sees ten requests (one page each), all from the leader.
    await vi.waitFor(async () => expect(await polls(replicas[leader]!)).toBeGreaterThanOrEqual(1), { interval: 20 });
    const startPolls = await polls(replicas[leader]!);
    const startRequests = emulator().requestLog.length;
    await vi.waitFor(async () => expect(await polls(replicas[leader]!)).toBeGreaterThanOrEqual(startPolls + 10), { interval: 20, timeout: 20_000 });
    const windowPolls = (await polls(replicas[leader]!)) - startPolls;
    const requests = emulator().requestLog.length - startRequests;
    console.info(`two replicas, one subscriber each: ${requests} vendor requests in ${windowPolls} polls of the leader; follower polls: ${await polls(replicas[follower]!)}`);
    expect(Math.abs(requests - windowPolls)).toBeLessThanOrEqual(1);
    expect(await polls(replicas[follower]!)).toBe(0);
    // Both subscribers get the new conversation, once.
    const created = emulator().addConversation();
    const [[onLeader], [onFollower]] = await Promise.all([subscribers[leader]!.until(1), subscribers[follower]!.until(1)]);
    expect(onLeader?.data?.conversationAdded.node.providerId).toBe(created.id);
    expect(onFollower?.data?.conversationAdded.node.providerId).toBe(created.id);
  });

  it('a subscription resumed on the replica that does not poll gets what it missed (the head is kept in Redis)', async () => {
    const leader = (await polling(replicas[0]!)) === 1 ? 0 : 1;
    const onLeader = collect(replicas[leader]!.url, { providers: [PROVIDER] });
    await vi.waitFor(async () => expect(metricOf(await replicas[leader]!.metrics(), 'live_subscriptions_active', {})).toBeGreaterThanOrEqual(2), { interval: 20 });
    const created = emulator().addConversation();
    const [seen] = await onLeader.until(1);
    expect(seen?.data?.conversationAdded.node.providerId).toBe(created.id);
    onLeader.close();
    const base = Date.now();
    const missed = [1, 2].map((index) => emulator().addConversation({ createdAt: new Date(base + index) }));
    const start = await polls(replicas[leader]!);
    await vi.waitFor(async () => expect(await polls(replicas[leader]!)).toBeGreaterThan(start + 1), { interval: 20 });
    const resumed = collect(replicas[1 - leader]!.url, { providers: [PROVIDER], after: seen?.data?.conversationAdded.cursor });
    const events = await resumed.until(2);
    expect(events.map((event) => event.data?.conversationAdded.node.providerId)).toEqual(missed.map((conversation) => conversation.id));
    resumed.close();
  });

  it('while Redis is away each replica polls for its own subscribers (nothing lost, nothing twice); back, one polls again', async () => {
    const counts = subscribers.map((subscriber) => subscriber.events.length);
    await redis.kill();
    await vi.waitFor(async () => expect((await polling(replicas[0]!)) + (await polling(replicas[1]!))).toBe(2), { interval: 20, timeout: 10_000 });
    const created = emulator().addConversation();
    const received = await Promise.all(subscribers.map((subscriber, index) => subscriber.until((counts[index] as number) + 1)));
    for (const [index, events] of received.entries()) expect(events[counts[index] as number]?.data?.conversationAdded.node.providerId).toBe(created.id);
    await redis.restart();
    await vi.waitFor(async () => expect((await polling(replicas[0]!)) + (await polling(replicas[1]!))).toBe(1), { interval: 20, timeout: 10_000 });
    const after = emulator().addConversation();
    const again = await Promise.all(subscribers.map((subscriber, index) => subscriber.until((counts[index] as number) + 2)));
    for (const [index, events] of again.entries()) {
      expect(events[(counts[index] as number) + 1]?.data?.conversationAdded.node.providerId).toBe(after.id);
      const ids = events.map((event) => event.data?.conversationAdded.node.providerId);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('SIGTERM on the polling replica: its streams complete, its lease is released and another replica polls at once', async () => {
    const leader = (await polling(replicas[0]!)) === 1 ? 0 : 1;
    const third = await startReplica(env);
    const onThird = collect(third.url, { providers: [PROVIDER] });
    await vi.waitFor(async () => expect(metricOf(await third.metrics(), 'live_pollers', { provider: PROVIDER, role: 'following' })).toBe(1), { interval: 20, timeout: 10_000 });
    const stopping = replicas[leader]!;
    const stoppedAt = Date.now();
    await stopping.stop();
    // Its process has exited: every request from here on is another replica's.
    const exitedAt = Date.now();
    await subscribers[leader]!.completed;
    const others = [replicas[1 - leader]!, third];
    await vi.waitFor(async () => expect((await polling(others[0]!)) + (await polling(others[1]!))).toBe(1), { interval: 10, timeout: 10_000 });
    await vi.waitFor(() => expect(emulator().requestLog.some((entry) => entry.at >= exitedAt)).toBe(true), { interval: 10, timeout: 10_000 });
    const handedOverMs = (emulator().requestLog.find((entry) => entry.at >= exitedAt)?.at as number) - stoppedAt;
    console.info(`SIGTERM: another replica's first poll ${handedOverMs} ms after the SIGTERM (the stop itself took ${exitedAt - stoppedAt} ms; lease ${LEASE_MS} ms)`);
    expect(handedOverMs).toBeLessThan(LEASE_MS);
    const created = emulator().addConversation();
    const [event] = await onThird.until(1);
    expect(event?.data?.conversationAdded.node.providerId).toBe(created.id);
    // The third replica takes the stopped one's place for the next test.
    replicas = [replicas[1 - leader]!, third];
    subscribers.splice(0, subscribers.length, subscribers[1 - leader]!, onThird);
  });

  it('kill -9 the polling replica: the other takes the poll over within a lease and misses nothing', async () => {
    const leader = (await polling(replicas[0]!)) === 1 ? 0 : 1;
    const survivor = replicas[1 - leader]!;
    const subscriber = subscribers[1 - leader]!;
    const seen = subscriber.events.length;
    await replicas[leader]!.kill();
    const killedAt = Date.now();
    // Added while nobody polls: the new poller announces it (its state is in Redis), and nothing twice.
    const created = emulator().addConversation();
    await vi.waitFor(async () => expect(await polling(survivor)).toBe(1), { interval: 10, timeout: 3 * LEASE_MS + 5_000 });
    await subscriber.until(seen + 1);
    const takeoverMs = (emulator().requestLog.find((entry) => entry.at >= killedAt)?.at ?? Number.NaN) - killedAt;
    console.info(`takeover: the survivor's first poll ${takeoverMs} ms after the kill (lease ${LEASE_MS} ms, poll interval ${POLL_MS} ms)`);
    // The lease runs out (at most LEASE_MS) and the survivor, waiting for exactly that, polls at once; a loaded
    // machine delays timers, so the bound allows one more lease.
    expect(takeoverMs).toBeLessThanOrEqual(2 * LEASE_MS);
    expect(subscriber.events[seen]?.data?.conversationAdded.node.providerId).toBe(created.id);
    const more = emulator().addConversation();
    const events = await subscriber.until(seen + 2);
    expect(events[seen + 1]?.data?.conversationAdded.node.providerId).toBe(more.id);
    const ids = events.map((event) => event.data?.conversationAdded.node.providerId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
