import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../config.js';
import type { Provider } from '../domain.js';
import { ErrorCode, UpstreamError } from '../errors.js';
import { redisAvailable, startRedis, type RedisServer } from '../../test/support/redis.js';
import { createSharedState, type SharedState } from './shared-state.js';
import { registerSharedStateMetrics } from './metrics.js';
import type { SharedStateLogger } from './redis-link.js';

const NO_DEADLINE = Number.POSITIVE_INFINITY;

interface Replica {
  state: SharedState;
  lines: string[];
}

function configWith(env: Record<string, string>): AppConfig {
  return loadConfig(env);
}

function collectingLogger(lines: string[]): SharedStateLogger {
  return { info: (line) => lines.push(line), warn: (line) => lines.push(line) };
}

/** Resolves when the state switches to (`true`) or from (`false`) its fall-back. */
function nextSwitch(state: SharedState, fallback: boolean): Promise<void> {
  return new Promise((resolve) => {
    if (state.fallback() === fallback) return resolve();
    const stop = state.onFallbackChange((now) => {
      if (now === fallback) {
        stop();
        resolve();
      }
    });
  });
}

async function outcome(promise: Promise<void>): Promise<'sent' | string> {
  try {
    await promise;
    return 'sent';
  } catch (error) {
    if (error instanceof UpstreamError) return error.facts.code;
    throw error;
  }
}

describe('configuration', () => {
  it('keeps everything in the process by default, with no vendor limited', () => {
    const config = loadConfig({});
    expect(config.sharedState).toEqual({ redisUrl: null, keyPrefix: 'conversations-graph:', commandTimeoutMs: 250 });
    expect(config.rateLimits).toEqual({ perSecond: {}, queueMs: 1_000 });
  });

  it('reads REDIS_URL and <VENDOR>_RATE_LIMIT (fractions allowed)', () => {
    const config = loadConfig({ REDIS_URL: 'rediss://user:secret@redis.internal:6380/2', SYMBL_RATE_LIMIT: '0.5', MOVEWORKS_CONVERSATIONS_RATE_LIMIT: '20' });
    expect(config.sharedState.redisUrl).toBe('rediss://user:secret@redis.internal:6380/2');
    expect(config.rateLimits.perSecond).toEqual({ SYMBL: 0.5, MOVEWORKS_CONVERSATIONS: 20 });
  });

  it('lists every bad value, and never echoes a Redis URL (it may hold a password)', () => {
    let problems: string[] = [];
    try {
      loadConfig({ REDIS_URL: 'http://user:secret@redis', FLASHBACK_RATE_LIMIT: '0', CHATBASE_RATE_LIMIT: 'fast', REDIS_TIMEOUT_MS: '1' });
    } catch (error) {
      problems = (error as { problems: string[] }).problems;
    }
    expect(problems).toEqual([
      'REDIS_URL must be a redis:// or rediss:// URL',
      'REDIS_TIMEOUT_MS must be an integer from 10 to 10000, got "1"',
      'FLASHBACK_RATE_LIMIT must be a number of requests per second above 0 and at most 100000, got "0"',
      'CHATBASE_RATE_LIMIT must be a number of requests per second above 0 and at most 100000, got "fast"',
    ]);
    expect(problems.join('\n')).not.toContain('secret');
  });
});

describe('the per-process gate (no REDIS_URL)', () => {
  it('keeps <VENDOR>_RATE_LIMIT in this process and answers UPSTREAM_RATE_LIMITED after a short queue', async () => {
    const state = createSharedState(configWith({ FLASHBACK_RATE_LIMIT: '5', UPSTREAM_RATE_LIMIT_QUEUE_MS: '0' }));
    expect(state.backend).toBe('memory');
    const call = { provider: 'FLASHBACK' as Provider, credential: 'c1', deadlineAt: NO_DEADLINE };
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => outcome(state.gate.acquire(call))));
    expect(outcomes.filter((result) => result === 'sent')).toHaveLength(5);
    expect(outcomes.filter((result) => result === ErrorCode.UPSTREAM_RATE_LIMITED)).toHaveLength(7);
    // Another credential and an unlimited vendor are not held back.
    expect(await outcome(state.gate.acquire({ ...call, credential: 'c2' }))).toBe('sent');
    expect(await outcome(state.gate.acquire({ ...call, provider: 'SYMBL' }))).toBe('sent');
    await state.close();
  });

  it('never lets a call wait past its request deadline', async () => {
    const state = createSharedState(configWith({ SYMBL_RATE_LIMIT: '1', UPSTREAM_RATE_LIMIT_QUEUE_MS: '5000' }));
    const call = { provider: 'SYMBL' as Provider, credential: 'c', deadlineAt: Date.now() + 300 };
    await state.gate.acquire(call);
    const started = Date.now();
    let refused: unknown;
    await state.gate.acquire(call).catch((error: unknown) => (refused = error));
    expect(Date.now() - started).toBeLessThan(100);
    expect(refused).toBeInstanceOf(UpstreamError);
    expect((refused as UpstreamError).facts).toMatchObject({ code: ErrorCode.UPSTREAM_RATE_LIMITED, provider: 'SYMBL', retryAfter: 1 });
    await state.close();
  });
});

describe.runIf(redisAvailable())('shared state in a real redis-server', () => {
  let redis: RedisServer;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((replica) => replica.state.close()));
  });

  /** One replica's shared state; `prefix` keeps the tests' keys apart. */
  async function replica(prefix: string, env: Record<string, string> = {}): Promise<Replica> {
    const lines: string[] = [];
    const state = createSharedState(configWith({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, REDIS_TIMEOUT_MS: '250', ...env }), {
      logger: collectingLogger(lines),
      probeIntervalMs: 100,
    });
    const created = { state, lines };
    replicas.push(created);
    await nextSwitch(state, false);
    return created;
  }

  it('holds two replicas to one budget: of 30 simultaneous calls at 10/s, 10 are sent', async () => {
    const env = { MOVEWORKS_CONVERSATIONS_RATE_LIMIT: '10', UPSTREAM_RATE_LIMIT_QUEUE_MS: '0' };
    const [a, b] = [await replica('budget:', env), await replica('budget:', env)];
    const call = { provider: 'MOVEWORKS_CONVERSATIONS' as Provider, credential: 'shared', deadlineAt: NO_DEADLINE };
    const outcomes = await Promise.all(Array.from({ length: 30 }, (_, index) => outcome((index % 2 ? a! : b!).state.gate.acquire(call))));
    expect(outcomes.filter((result) => result === 'sent')).toHaveLength(10);
    expect(outcomes.filter((result) => result === ErrorCode.UPSTREAM_RATE_LIMITED)).toHaveLength(20);
  });

  it('queues calls for their turn across replicas: no 1 s window holds more than the limit', async () => {
    const env = { CHATBASE_RATE_LIMIT: '8', UPSTREAM_RATE_LIMIT_QUEUE_MS: '1000' };
    const [a, b] = [await replica('queue:', env), await replica('queue:', env)];
    const call = { provider: 'CHATBASE' as Provider, credential: 'shared', deadlineAt: NO_DEADLINE };
    const started: number[] = [];
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        outcome((index % 2 ? a! : b!).state.gate.acquire(call).then(() => void started.push(Date.now()))),
      ),
    );
    // 8 at once, 8 more a second later (within the 1 s queue), the last 4 refused at once.
    expect(outcomes.filter((result) => result === 'sent')).toHaveLength(16);
    started.sort((x, y) => x - y);
    const first = started[0]!;
    expect(started.filter((at) => at - first < 500)).toHaveLength(8);
    for (let index = 8; index < started.length; index += 1) expect(started[index]! - started[index - 8]!).toBeGreaterThanOrEqual(990);
  });

  it("pauses a vendor for every replica when one replica hears Retry-After", async () => {
    const env = { UPSTREAM_RATE_LIMIT_QUEUE_MS: '300' };
    const [a, b] = [await replica('pause:', env), await replica('pause:', env)];
    const call = { provider: 'FLASHBACK' as Provider, credential: 'shared', deadlineAt: NO_DEADLINE };
    await a!.state.gate.pause({ provider: 'FLASHBACK', credential: 'shared', seconds: 2 });
    let refused: unknown;
    await b!.state.gate.acquire(call).catch((error: unknown) => (refused = error));
    expect((refused as UpstreamError).facts).toMatchObject({ code: ErrorCode.UPSTREAM_RATE_LIMITED, provider: 'FLASHBACK', retryAfter: 2 });
    // Only that vendor and credential.
    expect(await outcome(b!.state.gate.acquire({ ...call, credential: 'other' }))).toBe('sent');
    expect(await outcome(b!.state.gate.acquire({ ...call, provider: 'SYMBL' }))).toBe('sent');
  });

  it('shares cached strings between replicas, with their time to live', async () => {
    const [a, b] = [await replica('store:'), await replica('store:')];
    await a!.state.store.set('scan:1', 'index built by a', 60_000);
    expect(await b!.state.store.get('scan:1')).toBe('index built by a');
    const raw = new Redis(redis.url);
    const ttl = await raw.pttl('store:store:scan:1');
    raw.disconnect();
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await b!.state.store.delete('scan:1');
    expect(await a!.state.store.get('scan:1')).toBeNull();
  });

  it('falls back to per-process state when Redis dies, says so once, and comes back by itself', async () => {
    const env = { FLASHBACK_RATE_LIMIT: '3', UPSTREAM_RATE_LIMIT_QUEUE_MS: '0' };
    const a = await replica('crash:', env);
    await a.state.store.set('mine', 'kept by a', 60_000);
    const call = { provider: 'FLASHBACK' as Provider, credential: 'c', deadlineAt: NO_DEADLINE };
    await a.state.gate.acquire(call);

    const registry = new Registry();
    registerSharedStateMetrics(registry, a.state);
    const gauge = async (): Promise<string> => (await registry.metrics()).split('\n').filter((line) => line.startsWith('shared_state_')).join(', ');
    expect(await gauge()).toBe('shared_state_fallback 0, shared_state_fallbacks_total 0');

    await redis.kill();
    await nextSwitch(a.state, true);
    expect(a.lines.filter((line) => line.includes('unavailable'))).toHaveLength(1);
    expect(await gauge()).toBe('shared_state_fallback 1, shared_state_fallbacks_total 1');
    // Answers keep coming, from this process: its own cache, its own count (1 of 3 already spent).
    const started = Date.now();
    expect(await a.state.store.get('mine')).toBe('kept by a');
    await a.state.store.set('later', 'while away', 60_000);
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => outcome(a.state.gate.acquire(call))));
    expect(outcomes).toEqual(['sent', 'sent', ErrorCode.UPSTREAM_RATE_LIMITED, ErrorCode.UPSTREAM_RATE_LIMITED]);
    expect(Date.now() - started).toBeLessThan(200);

    await redis.restart();
    await nextSwitch(a.state, false);
    expect(a.lines.at(-1)).toContain('reachable again');
    expect(await gauge()).toBe('shared_state_fallback 0, shared_state_fallbacks_total 1');
    await a.state.store.set('after', 'shared again', 60_000);
    const b = await replica('crash:');
    expect(await b.state.store.get('after')).toBe('shared again');
  });

  it('treats a slow Redis as away: calls answer within the timeout, and shared state returns once it is fast again', async () => {
    const a = await replica('slow:', { REDIS_TIMEOUT_MS: '100' });
    await a.state.store.set('k', 'v', 60_000);
    const admin = new Redis(redis.url);
    await admin.call('CLIENT', 'PAUSE', '700', 'ALL');
    const started = Date.now();
    expect(await a.state.store.get('k')).toBe('v');
    expect(Date.now() - started).toBeLessThan(400);
    expect(a.state.fallback()).toBe(true);
    await nextSwitch(a.state, false);
    admin.disconnect();
    expect(a.lines.some((line) => line.includes('timed out'))).toBe(true);
  });

  it('starts in per-process state when Redis is not there, and serves', async () => {
    const lines: string[] = [];
    const state = createSharedState(configWith({ REDIS_URL: 'redis://127.0.0.1:1', FLASHBACK_RATE_LIMIT: '1' }), { logger: collectingLogger(lines) });
    replicas.push({ state, lines });
    // Before its first answer from Redis a replica already uses its own state; the refused connection makes it say so.
    expect(state.fallback()).toBe(true);
    await new Promise<void>((resolve) => state.onFallbackChange(() => resolve()));
    await state.gate.acquire({ provider: 'FLASHBACK', credential: 'c', deadlineAt: NO_DEADLINE });
    await state.store.set('k', 'v', 1_000);
    expect(await state.store.get('k')).toBe('v');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Redis at 127\.0\.0\.1:1 is unavailable \(.*ECONNREFUSED.*\); using per-process state/);
  });
});
