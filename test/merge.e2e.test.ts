import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Provider } from '../src/domain.js';
import { PROVIDERS } from '../src/vendors/vendors.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from './support/graph.js';

interface Node {
  id: string;
  provider: Provider;
  providerId: string;
  createdAt: string;
}
interface Page {
  conversations: {
    totalCount?: number | null;
    incompleteProviders: Provider[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
    edges: Array<{ node: Node }>;
  };
}

const PAGE = /* GraphQL */ `
  query ($first: Int, $after: String, $last: Int, $before: String, $providers: [Provider!], $filter: ConversationFilter) {
    conversations(first: $first, after: $after, last: $last, before: $before, providers: $providers, filter: $filter) {
      incompleteProviders
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id provider providerId createdAt } }
    }
  }
`;

/** Every vendor pages backward (Moveworks Conversations from its scan index). */
const BACKWARD_PROVIDERS: Provider[] = [...PROVIDERS];

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph.close();
});
beforeEach(() => graph.resetEmulators());

const key = (node: Node): string => `${node.provider}/${node.providerId}`;

interface WalkResult {
  keys: string[];
  pages: number;
  errors: NonNullable<GraphQLResponse['errors']>;
}

async function walk(
  direction: 'forward' | 'backward',
  sizes: number[],
  variables: Record<string, unknown> = {},
  beforePage?: (page: number) => void,
): Promise<WalkResult> {
  const keys: string[] = [];
  const errors: WalkResult['errors'] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 5000; page += 1) {
    beforePage?.(page);
    const size = sizes[page % sizes.length] as number;
    const window = direction === 'forward' ? { first: size, after: cursor } : { last: size, before: cursor };
    const response: GraphQLResponse<Page> = await graph.query<Page>(PAGE, { ...variables, ...window });
    errors.push(...(response.errors ?? []));
    if (!response.data) {
      // The whole field failed (every provider down): repeat the same request.
      continue;
    }
    const connection: Page['conversations'] = response.data.conversations;
    const pageKeys = connection.edges.map((edge) => key(edge.node));
    if (direction === 'forward') keys.push(...pageKeys);
    else keys.unshift(...pageKeys);
    const more = direction === 'forward' ? connection.pageInfo.hasNextPage : connection.pageInfo.hasPreviousPage;
    if (!more) return { keys, pages: page + 1, errors };
    const next = direction === 'forward' ? connection.pageInfo.endCursor : connection.pageInfo.startCursor;
    cursor = next ?? cursor;
  }
  throw new Error('walk did not end');
}

/** Each provider's own list through the graph (its adapter is tested against its emulator elsewhere). */
async function perProvider(filter?: unknown): Promise<Map<Provider, Node[]>> {
  const lists = new Map<Provider, Node[]>();
  for (const provider of PROVIDERS) {
    const nodes: Node[] = [];
    let cursor: string | null = null;
    for (;;) {
      const response: GraphQLResponse<Page> = await graph.query<Page>(PAGE, { first: 100, after: cursor, providers: [provider], filter });
      expect(response.errors).toBeUndefined();
      const connection: Page['conversations'] = response.data!.conversations;
      nodes.push(...connection.edges.map((edge) => edge.node));
      if (!connection.pageInfo.hasNextPage) break;
      cursor = connection.pageInfo.endCursor;
    }
    lists.set(provider, nodes);
  }
  return lists;
}

/** The union, newest createdAt first; ties by provider order, then each provider's own order. */
function union(lists: Map<Provider, Node[]>, providers: readonly Provider[] = PROVIDERS): string[] {
  return providers
    .flatMap((provider, rank) => (lists.get(provider) ?? []).map((node, index) => ({ node, rank, index })))
    .sort((a, b) => Date.parse(b.node.createdAt) - Date.parse(a.node.createdAt) || a.rank - b.rank || a.index - b.index)
    .map((entry) => key(entry.node));
}

/** The largest page the random walks draw. */
const LARGEST_PAGE = 100;

let all: Map<Provider, Node[]>;
beforeAll(async () => {
  all = await perProvider();
  // Every vendor's list spans more than two of the largest pages, so each walk crosses pages of every vendor.
  for (const provider of PROVIDERS) expect(all.get(provider)!.length, provider).toBeGreaterThan(2 * LARGEST_PAGE);
});

describe('one connection across all vendors', () => {
  it('walks forward with random page sizes to exactly the union, newest first', async () => {
    const expected = union(all);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: LARGEST_PAGE }), { minLength: 1, maxLength: 5 }), async (sizes) => {
        const { keys, errors } = await walk('forward', sizes);
        expect(errors).toEqual([]);
        expect(keys).toEqual(expected);
      }),
      { seed: 11, numRuns: 4 },
    );
  });

  it('walks backward over every vendor to exactly their union', async () => {
    const expected = union(all, BACKWARD_PROVIDERS);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: LARGEST_PAGE }), { minLength: 1, maxLength: 5 }), async (sizes) => {
        const { keys, errors } = await walk('backward', sizes, { providers: BACKWARD_PROVIDERS });
        expect(errors).toEqual([]);
        expect(keys).toEqual(expected);
      }),
      { seed: 12, numRuns: 3 },
    );
  });

  it('walks a createdAt window in both directions, refined exactly where a vendor is coarser', async () => {
    const newest = union(all).map((entry) => entry);
    const times = [...all.values()].flat().map((node) => Date.parse(node.createdAt)).sort((a, b) => b - a);
    const to = new Date(times[200]!).toISOString();
    const from = new Date(times[700]!).toISOString();
    const filter = { createdAt: { from, to } };
    const inWindow = (node: Node): boolean => node.createdAt >= from && node.createdAt < to;
    const filtered = new Map([...all].map(([provider, nodes]) => [provider, nodes.filter(inWindow)]));
    expect(newest.length).toBeGreaterThan(0);
    expect((await walk('forward', [37, 3, 64], { filter })).keys).toEqual(union(filtered));
    expect((await walk('backward', [29, 71], { filter, providers: BACKWARD_PROVIDERS })).keys).toEqual(union(filtered, BACKWARD_PROVIDERS));
  });

  it('applies vendor-specific filters to their vendor only', async () => {
    const repoId = (await graph.query<{ conversations: { edges: Array<{ node: { details: { repoId: string } } }> } }>(
      '{ conversations(first: 1, providers: [FLASHBACK]) { edges { node { details { ... on FlashbackConversationDetails { repoId } } } } } }',
    )).data!.conversations.edges[0]!.node.details.repoId;
    const filter = { flashback: { repoId } };
    const filtered = await perProvider(filter);
    for (const provider of PROVIDERS.filter((candidate) => candidate !== 'FLASHBACK')) {
      expect(filtered.get(provider)!.map(key)).toEqual(all.get(provider)!.map(key));
    }
    expect(filtered.get('FLASHBACK')!.length).toBeLessThan(all.get('FLASHBACK')!.length);
    expect((await walk('forward', [50], { filter })).keys).toEqual(union(filtered));
  });

  it('answers totalCount as the sum of the chosen vendors', async () => {
    const count = async (providers?: Provider[]) =>
      (await graph.query<{ conversations: { totalCount: number | null } }>(
        'query ($p: [Provider!]) { conversations(first: 1, providers: $p) { totalCount } }',
        { p: providers },
      )).data!.conversations.totalCount;
    expect(await count(['FLASHBACK', 'MOVEWORKS_DATA'])).toBe(all.get('FLASHBACK')!.length + all.get('MOVEWORKS_DATA')!.length);
    expect(await count()).toBe([...all.values()].reduce((sum, nodes) => sum + nodes.length, 0));
  });

  it('answers a null totalCount and names the vendor when one fails to count', async () => {
    graph.emulators.emulators.MOVEWORKS_DATA!.injectFault({ kind: 'status500', count: 10, pathPrefix: '/records/conversations' });
    const response = await graph.query<{ conversations: { totalCount: number | null; edges: unknown[] } }>(
      '{ conversations(first: 3, providers: [FLASHBACK, MOVEWORKS_DATA]) { totalCount edges { cursor } } }',
    );
    expect(response.data!.conversations.totalCount).toBeNull();
    expect(response.errors?.some((error) => error.extensions?.provider === 'MOVEWORKS_DATA' && error.path?.join('.') === 'conversations.totalCount')).toBe(true);
  });

  // Per page from a cursor: Flashback ⌈(n+1)/100⌉, Chatbase 1 per chatbot (3; 2 each when n + 2 passes its
  // size cap of 100), Moveworks Data ⌈(n+1)/50⌉ (its server pages at 50), Symbl 1, Moveworks Conversations 1–3
  // (the watermark scan resumes at the page holding its oldest unemitted item), Intercom 1 (a search of n + 6 ≤ 150;
  // its sixth-vendor share raised each bound by 1: 9, 10, 15 before). The `+1`: a page resumed from a
  // cursor also reads the item under its offset hint, to check the list did not shift (docs/live-inbox.md).
  it.each([
    [20, 10],
    [50, 11],
    [100, 16],
  ])('a page of %i costs at most %i upstream requests (vendors in parallel, look-ahead sized from first)', async (first, bound) => {
    const start = await graph.query<Page>(PAGE, { first: 100 });
    graph.resetEmulators();
    const middle = await graph.query<Page>(PAGE, { first, after: start.data!.conversations.pageInfo.endCursor });
    expect(middle.data!.conversations.edges).toHaveLength(first);
    const cost = graph.upstreamRequests();
    const breakdown = Object.entries(graph.emulators.emulators).map(([provider, emulator]) => `${provider}=${emulator.requestLog.length}`);
    console.log(`page of ${first}: ${cost} upstream requests (${breakdown.join(' ')})`);
    expect(cost).toBeLessThanOrEqual(bound);
    graph.resetEmulators();
    await graph.query<Page>(PAGE, { first });
    expect(graph.upstreamRequests()).toBeLessThanOrEqual(bound);
  });
});

describe('partial failure', () => {
  it('serves the other vendors while one fails, names it, and defers (never skips) its conversations', async () => {
    const symbl = graph.emulators.emulators.SYMBL!;
    const expected = new Set(union(all));
    let failingPages = 0;
    const { keys, errors } = await walk('forward', [40], {}, (page) => {
      if (page === 2) symbl.injectFault({ kind: 'status503', count: 8 });
      if (page === 4) symbl.injectFault({ kind: 'truncatedJson', count: 2 });
    });
    for (const error of errors) {
      expect(error.extensions).toMatchObject({ provider: 'SYMBL' });
      expect(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_BAD_RESPONSE']).toContain(error.extensions?.code);
      expect(error.path).toEqual(['conversations']);
      failingPages += 1;
    }
    expect(failingPages).toBeGreaterThanOrEqual(3);
    expect(keys.length).toBe(expected.size);
    expect(new Set(keys)).toEqual(expected);
  });

  it('reports the failed vendor in incompleteProviders and keeps hasNextPage true', async () => {
    graph.emulators.emulators.FLASHBACK!.injectFault({ kind: 'status500', count: 2 });
    const response = await graph.query<Page>(PAGE, { first: 10, providers: ['FLASHBACK', 'SYMBL'] });
    expect(response.data!.conversations.incompleteProviders).toEqual(['FLASHBACK']);
    expect(response.data!.conversations.edges.every((edge) => edge.node.provider === 'SYMBL')).toBe(true);
    expect(response.data!.conversations.pageInfo.hasNextPage).toBe(true);
    expect(response.errors).toEqual([
      expect.objectContaining({ path: ['conversations'], extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', provider: 'FLASHBACK', status: 500 }) }),
    ]);
  });

  it('fails the field when every chosen vendor fails, with each vendor named', async () => {
    graph.emulators.emulators.FLASHBACK!.injectFault({ kind: 'status500', count: 2 });
    graph.emulators.emulators.SYMBL!.injectFault({ kind: 'resetConnection', count: 2 });
    const response = await graph.query<Page>(PAGE, { first: 10, providers: ['FLASHBACK', 'SYMBL'] });
    expect(response.data).toBeNull();
    expect(response.errors?.map((error) => error.extensions?.provider).sort()).toEqual(['FLASHBACK', 'SYMBL']);
    expect(response.errors?.map((error) => error.extensions?.code).sort()).toEqual(['UPSTREAM_CONNECTION_FAILED', 'UPSTREAM_UNAVAILABLE']);
  });
});
