import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../src/domain.js';
import { startEmulators, type EmulatorSet } from '../src/emulators/index.js';
import { TEST_HTTP_ENV, type GraphQLResponse } from './support/graph.js';
import { redisAvailable, startRedis, type RedisServer } from './support/redis.js';
import { startReplica, type Replica } from './support/replica.js';

/**
 * Two replicas of the graph (two processes of `src/main.ts`) behind no
 * particular gateway, sharing one Redis and one set of vendor quotas, over
 * the emulators of all five vendors.
 */

const FLASHBACK_LIMIT = 10;

interface Node {
  provider: Provider;
  providerId: string;
}
interface Page {
  conversations: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ node: Node }>;
  };
}

const PAGE = /* GraphQL */ `
  query ($first: Int, $after: String, $providers: [Provider!]) {
    conversations(first: $first, after: $after, providers: $providers) {
      pageInfo { hasNextPage endCursor }
      edges { node { provider providerId } }
    }
  }
`;

const key = (node: Node): string => `${node.provider}/${node.providerId}`;

describe.runIf(redisAvailable())('two replicas sharing Redis', () => {
  let redis: RedisServer;
  let emulators: EmulatorSet;
  let replicas: Replica[] = [];
  /** Every conversation of every vendor, in order, as one replica walks them alone. */
  let reference: string[];

  beforeAll(async () => {
    [redis, emulators] = await Promise.all([startRedis(), startEmulators({ anchor: new Date('2026-11-01T00:00:00Z') })]);
    const env = {
      ...TEST_HTTP_ENV,
      ...emulators.env,
      REDIS_URL: redis.url,
      CURSOR_SECRET: 'replicas-test-secret',
      FLASHBACK_RATE_LIMIT: String(FLASHBACK_LIMIT),
      UPSTREAM_RATE_LIMIT_QUEUE_MS: '1000',
    };
    replicas = await Promise.all([startReplica(env), startReplica(env)]);
    await Promise.all(replicas.map((replica) => replica.waitFor(/Shared state: Redis at/)));
    reference = (await walk(() => replicas[0]!, 100)).keys;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await Promise.all([emulators?.close(), redis?.stop()]);
  });

  interface Walk {
    keys: string[];
    errors: NonNullable<GraphQLResponse['errors']>;
  }

  /** Follows `endCursor` to the end, asking `replicaFor(page)` for each page. */
  async function walk(replicaFor: (page: number) => Replica, first: number, beforePage?: (page: number) => Promise<void>): Promise<Walk> {
    const keys: string[] = [];
    const errors: Walk['errors'] = [];
    let after: string | null = null;
    for (let page = 0; page < 1_000; page += 1) {
      await beforePage?.(page);
      const response: GraphQLResponse<Page> = await replicaFor(page).query<Page>(PAGE, { first, after });
      errors.push(...(response.errors ?? []));
      if (!response.data) throw new Error(`page ${page} failed: ${JSON.stringify(response.errors)}`);
      keys.push(...response.data.conversations.edges.map((edge) => key(edge.node)));
      if (!response.data.conversations.pageInfo.hasNextPage) return { keys, errors };
      after = response.data.conversations.pageInfo.endCursor;
    }
    throw new Error('walk did not end');
  }

  it('walks every conversation exactly once when pages alternate between the replicas', async () => {
    expect(reference.length).toBeGreaterThan(1_000);
    expect(new Set(reference).size).toBe(reference.length);
    const alternating = await walk((page) => replicas[page % 2]!, 100);
    expect(alternating.errors).toEqual([]);
    expect(alternating.keys).toEqual(reference);
  });

  it('keeps every answer correct when Redis is killed mid-walk, and both replicas reconnect by themselves', async () => {
    const away = replicas.map((replica) => replica.waitFor(/Shared state: Redis at .* is unavailable/));
    const killedAt = 3;
    const result = await walk(
      (page) => replicas[page % 2]!,
      100,
      async (page) => {
        if (page === killedAt) await redis.kill();
      },
    );
    expect(result.errors).toEqual([]);
    expect(result.keys).toEqual(reference);
    await Promise.all(away);

    const back = replicas.map((replica) => replica.waitFor(/reachable again/));
    await redis.restart();
    await Promise.all(back);
    const page = await replicas[1]!.query<Page>(PAGE, { first: 5 });
    expect(page.errors).toBeUndefined();
    expect(page.data?.conversations.edges.map((edge) => key(edge.node))).toEqual(reference.slice(0, 5));
  });

  it(`never sends Flashback more than its shared ${FLASHBACK_LIMIT} requests per second, however hard both replicas are pushed`, async () => {
    const flashback = emulators.emulators.FLASHBACK!;
    flashback.clearLog();
    const seconds = 3;
    const loopsPerReplica = 8;
    const started = Date.now();
    const end = started + seconds * 1_000;
    const outcomes: Array<{ replica: number; outcome: string }> = [];
    await Promise.all(
      replicas.flatMap((replica, index) =>
        Array.from({ length: loopsPerReplica }, async () => {
          while (Date.now() < end) {
            const response = await replica.query<Page>(PAGE, { first: 5, providers: ['FLASHBACK'] });
            const code = response.errors?.[0]?.extensions?.code;
            outcomes.push({ replica: index, outcome: typeof code === 'string' ? code : 'ok' });
          }
        }),
      ),
    );
    const arrivals = flashback.requestLog.map((entry) => entry.at).sort((a, b) => a - b);
    let busiestSecond = 0;
    for (let first = 0; first < arrivals.length; first += 1) {
      let last = first;
      while (last < arrivals.length && arrivals[last]! < arrivals[first]! + 1_000) last += 1;
      busiestSecond = Math.max(busiestSecond, last - first);
    }
    const elapsedSeconds = (Date.now() - started) / 1_000;
    console.log(
      `replicas: ${arrivals.length} Flashback requests in ${elapsedSeconds.toFixed(1)} s (limit ${FLASHBACK_LIMIT}/s); busiest 1 s window ${busiestSecond}; ` +
        `answers ${JSON.stringify(countBy(outcomes.map((entry) => `${entry.replica}:${entry.outcome}`)))}`,
    );
    // Tolerance: the gate spaces the calls' starts on Redis's clock; a call may reach the vendor a few ms late, so a
    // window drawn between two bursts can catch one late call of the earlier burst.
    expect(busiestSecond).toBeLessThanOrEqual(FLASHBACK_LIMIT + 1);
    expect(arrivals.length).toBeLessThanOrEqual(FLASHBACK_LIMIT * Math.ceil(elapsedSeconds));
    // The budget is used, not starved, and both replicas got their share of it.
    expect(arrivals.length).toBeGreaterThanOrEqual(FLASHBACK_LIMIT * seconds);
    expect(new Set(outcomes.map((entry) => entry.outcome))).toEqual(new Set(['ok', 'UPSTREAM_RATE_LIMITED']));
    for (const replica of [0, 1]) expect(outcomes.some((entry) => entry.replica === replica && entry.outcome === 'ok')).toBe(true);
  });
});

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
