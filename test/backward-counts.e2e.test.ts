import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Provider } from '../src/domain.js';
import { PROVIDERS } from '../src/vendors/vendors.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from './support/graph.js';
import { emulatorTruth, matches, type TruthFilter } from './support/truth.js';

/**
 * Backward paging and totalCount over every vendor, over HTTP against the
 * emulators: `last`/`before` walks equal forward walks reversed, cursors
 * jump both ways from any edge, counts equal the emulators' data, and what
 * each costs upstream.
 */

const ANCHOR = new Date('2026-11-01T00:00:00Z');

interface Edge {
  cursor: string;
  node: { provider: Provider; providerId: string; createdAt: string };
}
interface Page {
  conversations: {
    totalCount?: number | null;
    incompleteProviders: Provider[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
    edges: Edge[];
  };
}

const PAGE = /* GraphQL */ `
  query ($first: Int, $after: String, $last: Int, $before: String, $providers: [Provider!], $filter: ConversationFilter) {
    conversations(first: $first, after: $after, last: $last, before: $before, providers: $providers, filter: $filter) {
      incompleteProviders
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { provider providerId createdAt } }
    }
  }
`;
const COUNT = /* GraphQL */ `
  query ($providers: [Provider!], $filter: ConversationFilter) {
    conversations(first: 0, providers: $providers, filter: $filter) { totalCount }
  }
`;

const keyOf = (edge: Edge): string => `${edge.node.provider}/${edge.node.providerId}`;

interface Walk {
  edges: Edge[];
  pages: number;
}

/** Walks a whole connection; edges in forward order whichever the direction. Fails on any error. */
async function walk(graph: TestGraph, direction: 'forward' | 'backward', sizes: number[], variables: Record<string, unknown> = {}): Promise<Walk> {
  const edges: Edge[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 10_000; page += 1) {
    const size = sizes[page % sizes.length] as number;
    const window = direction === 'forward' ? { first: size, after: cursor } : { last: size, before: cursor };
    const response: GraphQLResponse<Page> = await graph.query<Page>(PAGE, { ...variables, ...window });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    const connection: Page['conversations'] = response.data!.conversations;
    if (direction === 'forward') edges.push(...connection.edges);
    else edges.unshift(...connection.edges);
    const more = direction === 'forward' ? connection.pageInfo.hasNextPage : connection.pageInfo.hasPreviousPage;
    if (!more) return { edges, pages: page + 1 };
    cursor = direction === 'forward' ? connection.pageInfo.endCursor : connection.pageInfo.startCursor;
  }
  throw new Error('walk did not end');
}

function requestsBy(graph: TestGraph): Record<Provider, number> {
  return Object.fromEntries(PROVIDERS.map((provider) => [provider, graph.emulators.emulators[provider]?.requestLog.length ?? 0])) as Record<
    Provider,
    number
  >;
}

/** The mixes the cursor tests run over: each vendor alone, pairs with Moveworks Conversations (backward from its scan index), and all of them. */
const MIXES: Provider[][] = [
  ...PROVIDERS.map((provider) => [provider]),
  ['CHATBASE', 'MOVEWORKS_CONVERSATIONS'],
  ['FLASHBACK', 'SYMBL', 'MOVEWORKS_CONVERSATIONS'],
  [...PROVIDERS],
];

describe('on the demo data (every vendor, about 1,560 conversations)', () => {
  let graph: TestGraph;
  const truth = emulatorTruth({ anchor: ANCHOR });
  beforeAll(async () => {
    graph = await startTestGraph();
  });
  afterAll(async () => {
    await graph.close();
  });
  beforeEach(() => graph.resetEmulators());

  let forwardAll: string[];
  beforeAll(async () => {
    forwardAll = (await walk(graph, 'forward', [100])).edges.map(keyOf);
    expect(forwardAll).toHaveLength(truth.length);
  });

  it('walks last/before over every vendor, random page sizes, to exactly the forward walk', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 5 }), async (sizes) => {
        expect((await walk(graph, 'backward', sizes)).edges.map(keyOf)).toEqual(forwardAll);
      }),
      { seed: 13, numRuns: 4 },
    );
  });

  it('walks a createdAt window with per-vendor filters both ways to the same list, equal to the emulators', async () => {
    const times = truth.map((row) => row.createdAtMs).sort((a, b) => b - a);
    const filter = {
      createdAt: { from: new Date(times[900]!).toISOString(), to: new Date(times[150]! + 1).toISOString() },
      chatbase: { sources: ['API', 'Slack', 'Messenger'] },
      moveworksConversations: { archived: false },
    };
    const expected = truth.filter((row) => matches(row, filter)).length;
    const forward = (await walk(graph, 'forward', [37, 64], { filter })).edges.map(keyOf);
    expect(forward).toHaveLength(expected);
    expect((await walk(graph, 'backward', [29, 71, 5], { filter })).edges.map(keyOf)).toEqual(forward);
  });

  it('jumps from any edge cursor in both directions over every vendor mix', async () => {
    for (const providers of MIXES) {
      const forward = await walk(graph, 'forward', [90], { providers });
      const backward = await walk(graph, 'backward', [70], { providers });
      const keys = forward.edges.map(keyOf);
      expect(backward.edges.map(keyOf)).toEqual(keys);
      const picks = [0, 1, Math.floor(keys.length / 3), Math.floor(keys.length / 2) + 7, keys.length - 2, keys.length - 1];
      for (const [name, edges] of [['forward', forward.edges], ['backward', backward.edges]] as const) {
        for (const index of picks) {
          const cursor = edges[index]!.cursor;
          const before = await graph.query<Page>(PAGE, { providers, last: 25, before: cursor });
          expect(before.errors, `${providers.join('+')} ${name} #${index} before`).toBeUndefined();
          expect(before.data!.conversations.edges.map(keyOf), `${providers.join('+')} ${name} #${index} before`).toEqual(
            keys.slice(Math.max(0, index - 25), index),
          );
          expect(before.data!.conversations.pageInfo.hasPreviousPage).toBe(index > 25);
          const after = await graph.query<Page>(PAGE, { providers, first: 25, after: cursor });
          expect(after.errors).toBeUndefined();
          expect(after.data!.conversations.edges.map(keyOf), `${providers.join('+')} ${name} #${index} after`).toEqual(
            keys.slice(index + 1, index + 26),
          );
          expect(after.data!.conversations.pageInfo.hasNextPage).toBe(index + 26 < keys.length);
        }
      }
    }
  });

  const FILTERS: Array<[string, TruthFilter]> = [
    ['no filter', {}],
    ['a createdAt window', { createdAt: { from: '2026-05-03T10:00:00.000Z', to: '2026-09-17T13:30:00.000Z' } }],
    ['only from', { createdAt: { from: '2026-10-20T00:00:00.000Z' } }],
    [
      'per-vendor sections (Symbl nameContains is refined locally)',
      { chatbase: { sources: ['API', 'Instagram'] }, symbl: { nameContains: 'review' }, moveworksConversations: { archived: true } },
    ],
  ];

  it.each(FILTERS)('answers totalCount equal to the emulators for every vendor and the merge: %s', async (_name, filter) => {
    const count = async (providers?: Provider[]): Promise<number | null> => {
      const response = await graph.query<Page>(COUNT, { providers, filter });
      expect(response.errors).toBeUndefined();
      return response.data!.conversations.totalCount ?? null;
    };
    for (const provider of PROVIDERS) {
      const expected = truth.filter((row) => row.provider === provider && matches(row, filter)).length;
      expect(await count([provider]), provider).toBe(expected);
    }
    expect(await count()).toBe(truth.filter((row) => matches(row, filter)).length);
  });

  it('computes totalCount only when asked, and states its cost: one scan or a few probes, then the cache', async () => {
    // The scan index and the counts of this filter are cold: a filter no other test uses.
    const filter = { createdAt: { from: '2025-12-01T00:00:00.000Z' } };
    graph.resetEmulators();
    await graph.query<Page>(PAGE, { first: 10, filter });
    const pageOnly = requestsBy(graph);
    // Without totalCount, a first page costs what a forward page costs: no probe, no scan.
    expect(pageOnly).toEqual({ FLASHBACK: 1, CHATBASE: 3, MOVEWORKS_DATA: 1, SYMBL: 1, MOVEWORKS_CONVERSATIONS: 2, INTERCOM: 1 });
    graph.resetEmulators();
    const cold = await graph.query<Page>(COUNT, { filter });
    expect(cold.data!.conversations.totalCount).toBe(truth.filter((row) => matches(row, filter)).length);
    const coldCost = requestsBy(graph);
    console.log(`totalCount, cold: ${JSON.stringify(coldCost)}; a page of 10 without it: ${JSON.stringify(pageOnly)}`);
    // Flashback, Moveworks Data and Intercom report totals (1 each; Intercom's first count with a createdAt
    // window in a process also learns how its search compares dates: 4 more, once); Chatbase probes each of its
    // 3 chatbots (≤ 3 blocks each for ≤ 270 conversations); Symbl ≤ 3 blocks; Moveworks Conversations scans
    // both archived states until updated_at falls below `from`.
    expect(coldCost.FLASHBACK).toBe(1);
    expect(coldCost.INTERCOM).toBeGreaterThanOrEqual(1);
    expect(coldCost.INTERCOM).toBeLessThanOrEqual(5);
    expect(coldCost.MOVEWORKS_DATA).toBe(1);
    expect(coldCost.CHATBASE).toBeLessThanOrEqual(9);
    expect(coldCost.SYMBL).toBeLessThanOrEqual(3);
    expect(coldCost.MOVEWORKS_CONVERSATIONS).toBeLessThanOrEqual(4);
    graph.resetEmulators();
    const warm = await graph.query<Page>(COUNT, { filter });
    expect(warm.data!.conversations.totalCount).toBe(cold.data!.conversations.totalCount);
    expect(requestsBy(graph)).toEqual({ FLASHBACK: 1, CHATBASE: 0, MOVEWORKS_DATA: 1, SYMBL: 0, MOVEWORKS_CONVERSATIONS: 0, INTERCOM: 1 });
  });

  it('costs one scan for the first backward page over Moveworks Conversations, then nothing upstream for it', async () => {
    // A `from` before every conversation: the whole list, in an index no other test built.
    const filter = { createdAt: { from: '2020-01-01T00:00:00.000Z' } };
    graph.resetEmulators();
    const first = await graph.query<Page>(PAGE, { last: 20, filter });
    expect(first.errors).toBeUndefined();
    const firstCost = requestsBy(graph);
    graph.resetEmulators();
    const second = await graph.query<Page>(PAGE, { last: 20, before: first.data!.conversations.pageInfo.startCursor, filter });
    expect(second.errors).toBeUndefined();
    const secondCost = requestsBy(graph);
    console.log(`last: 20 over every vendor: first page ${JSON.stringify(firstCost)}, next page ${JSON.stringify(secondCost)}`);
    // 212 active conversations (3 pages of 100) and 48 archived (1 page).
    expect(firstCost.MOVEWORKS_CONVERSATIONS).toBe(4);
    expect(secondCost.MOVEWORKS_CONVERSATIONS).toBe(0);
  });
});

describe('with EMULATOR_SIZE 2,000 (about 15,500 conversations over every vendor)', () => {
  const SIZE = 2_000;
  let graph: TestGraph;
  const truth = emulatorTruth({ anchor: ANCHOR, size: SIZE });
  beforeAll(async () => {
    graph = await startTestGraph({ emulators: { size: SIZE }, env: { MAX_PAGE_SIZE: '250' } });
  }, 120_000);
  afterAll(async () => {
    await graph.close();
  });

  it('walks last/before with random page sizes to exactly the forward walk, and counts every vendor exactly', async () => {
    const started = Date.now();
    const forward = (await walk(graph, 'forward', [250])).edges.map(keyOf);
    expect(forward).toHaveLength(truth.length);
    console.log(`forward walk of ${forward.length} in pages of 250: ${Date.now() - started} ms`);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 60, max: 250 }), { minLength: 1, maxLength: 3 }), async (sizes) => {
        expect((await walk(graph, 'backward', sizes)).edges.map(keyOf)).toEqual(forward);
      }),
      { seed: 14, numRuns: 1 },
    );
    for (const provider of PROVIDERS) {
      const response = await graph.query<Page>(COUNT, { providers: [provider] });
      expect(response.data!.conversations.totalCount, provider).toBe(truth.filter((row) => row.provider === provider).length);
    }
    expect((await graph.query<Page>(COUNT, {})).data!.conversations.totalCount).toBe(truth.length);
  }, 600_000);

  it('jumps from edge cursors both ways in the middle of a long merged list', async () => {
    const providers: Provider[] = ['CHATBASE', 'SYMBL', 'MOVEWORKS_CONVERSATIONS'];
    const forward = await walk(graph, 'forward', [250], { providers });
    const keys = forward.edges.map(keyOf);
    for (const index of [3, 1_234, 4_321, keys.length - 3]) {
      const cursor = forward.edges[index]!.cursor;
      const before = await graph.query<Page>(PAGE, { providers, last: 100, before: cursor });
      expect(before.data!.conversations.edges.map(keyOf)).toEqual(keys.slice(Math.max(0, index - 100), index));
      const backCursor = before.data!.conversations.edges[0]?.cursor;
      if (backCursor) {
        const again = await graph.query<Page>(PAGE, { providers, first: 100, after: backCursor });
        const from = Math.max(0, index - 100) + 1;
        expect(again.data!.conversations.edges.map(keyOf)).toEqual(keys.slice(from, from + 100));
      }
    }
  }, 600_000);
});

describe('Moveworks Conversations scan bounds (2,500 conversations)', () => {
  const SIZE = 2_500;
  const truth = emulatorTruth({ anchor: ANCHOR, size: SIZE }).filter((row) => row.provider === 'MOVEWORKS_CONVERSATIONS');
  const active = truth.filter((row) => !row.archived).length;
  const archived = truth.length - active;
  const wholeScan = Math.ceil(active / 100) + Math.ceil(archived / 100);
  const scanRequests = (graph: TestGraph, state: boolean): number =>
    graph.emulators.emulators.MOVEWORKS_CONVERSATIONS!.requestLog.filter(
      (entry) => entry.path.endsWith('/conversations') && new URLSearchParams(entry.search).get('archived') === String(state),
    ).length;

  it('answers UNSUPPORTED_PAGINATION beyond MOVEWORKS_CONVERSATIONS_SCAN_LIMIT without running the whole scan, then at no cost', async () => {
    expect(active).toBeGreaterThan(1_000);
    expect(archived).toBeLessThan(1_000);
    const graph = await startTestGraph({ emulators: { size: SIZE }, env: { MOVEWORKS_CONVERSATIONS_SCAN_LIMIT: '1000' } });
    try {
      const response = await graph.query<Page>(PAGE, { last: 10, providers: ['MOVEWORKS_CONVERSATIONS'] });
      expect(response.data).toBeNull();
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'UNSUPPORTED_PAGINATION', provider: 'MOVEWORKS_CONVERSATIONS' });
      expect(response.errors?.[0]?.message).toContain('more than 1000 conversations');
      expect(response.errors?.[0]?.message).toContain('MOVEWORKS_CONVERSATIONS_SCAN_LIMIT');
      // The active scan stops at the page that passes the limit: ⌈1001 / 100⌉ pages, not ⌈active / 100⌉.
      expect(scanRequests(graph, false)).toBe(11);
      expect(Math.ceil(active / 100)).toBeGreaterThan(11);

      graph.resetEmulators();
      const mixed = await graph.query<Page>(PAGE, { last: 10 });
      expect(mixed.data).toBeNull();
      expect(mixed.errors?.[0]?.extensions).toMatchObject({ code: 'UNSUPPORTED_PAGINATION', provider: 'MOVEWORKS_CONVERSATIONS' });
      expect(scanRequests(graph, false)).toBe(0);

      const counted = await graph.query<Page>('{ conversations(first: 3) { totalCount edges { cursor } } }');
      expect(counted.data!.conversations.totalCount).toBeNull();
      expect(counted.data!.conversations.edges).toHaveLength(3);
      expect(counted.errors).toEqual([
        expect.objectContaining({
          path: ['conversations', 'totalCount'],
          extensions: expect.objectContaining({ code: 'UNSUPPORTED_PAGINATION', provider: 'MOVEWORKS_CONVERSATIONS' }),
        }),
      ]);

      // Narrowed by createdAt.from, the scan ends early, under the limit: backward works.
      const recent = truth.map((row) => row.createdAtMs).sort((a, b) => b - a)[300]!;
      const filter = { createdAt: { from: new Date(recent).toISOString() } };
      const narrow = await graph.query<Page>(PAGE, { last: 5, providers: ['MOVEWORKS_CONVERSATIONS'], filter });
      expect(narrow.errors).toBeUndefined();
      expect(narrow.data!.conversations.edges.map((edge) => Date.parse(edge.node.createdAt))).toEqual(
        truth.filter((row) => row.createdAtMs >= recent).map((row) => row.createdAtMs).sort((a, b) => b - a).slice(-5),
      );
    } finally {
      await graph.close();
    }
  });

  it('continues a cold scan across requests when one request cannot afford it, reading each upstream page once', async () => {
    const graph = await startTestGraph({ only: ['MOVEWORKS_CONVERSATIONS'], emulators: { size: SIZE }, env: { UPSTREAM_CALL_BUDGET: '10' } });
    try {
      let attempts = 0;
      let response: GraphQLResponse<Page>;
      for (;;) {
        attempts += 1;
        response = await graph.query<Page>(PAGE, { last: 30 });
        if (response.data) break;
        expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'SCAN_IN_PROGRESS', provider: 'MOVEWORKS_CONVERSATIONS' });
        expect(response.errors?.[0]?.message).toContain('repeat it');
        expect(attempts).toBeLessThan(20);
      }
      expect(response.errors).toBeUndefined();
      console.log(`cold scan of ${truth.length} conversations (${wholeScan} pages) under a budget of 10 calls: ${attempts} requests`);
      expect(attempts).toBeGreaterThanOrEqual(Math.ceil(wholeScan / 10));
      expect(scanRequests(graph, false) + scanRequests(graph, true)).toBe(wholeScan);
      const newest = truth.map((row) => row.createdAtMs).sort((a, b) => b - a);
      expect(response.data!.conversations.edges.map((edge) => Date.parse(edge.node.createdAt))).toEqual(newest.slice(-30));
    } finally {
      await graph.close();
    }
  });

  it('stops a scan at the request deadline: the other vendors answer, Moveworks Conversations is named, the next request continues', async () => {
    const graph = await startTestGraph({ emulators: { size: SIZE }, env: { REQUEST_DEADLINE_MS: '3000' } });
    try {
      // 21 active pages one after another at 150 ms each cannot fit in 3 s.
      graph.emulators.emulators.MOVEWORKS_CONVERSATIONS!.setLatency({ fixedMs: 150 });
      const partial = await graph.query<Page>(PAGE, { last: 10 });
      expect(partial.data!.conversations.incompleteProviders).toEqual(['MOVEWORKS_CONVERSATIONS']);
      expect(partial.data!.conversations.edges).toHaveLength(10);
      expect(partial.data!.conversations.edges.every((edge) => edge.node.provider !== 'MOVEWORKS_CONVERSATIONS')).toBe(true);
      expect(partial.errors).toEqual([
        expect.objectContaining({ path: ['conversations'], extensions: expect.objectContaining({ code: 'SCAN_IN_PROGRESS', provider: 'MOVEWORKS_CONVERSATIONS' }) }),
      ]);
      let response = partial;
      for (let attempt = 0; attempt < 10 && response.errors; attempt += 1) response = await graph.query<Page>(PAGE, { last: 10 });
      expect(response.errors).toBeUndefined();
      expect(response.data!.conversations.incompleteProviders).toEqual([]);
      const everyone = emulatorTruth({ anchor: ANCHOR, size: SIZE }).map((row) => row.createdAtMs).sort((a, b) => b - a);
      expect(response.data!.conversations.edges.map((edge) => Date.parse(edge.node.createdAt))).toEqual(everyone.slice(-10));
      expect(scanRequests(graph, false) + scanRequests(graph, true)).toBe(wholeScan);
    } finally {
      await graph.close();
    }
  }, 120_000);
});
