import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flashbackDemoData } from '../../../src/emulators/flashback.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../../support/graph.js';

const ANCHOR = new Date('2026-11-01T00:00:00Z');
const emulatorData = flashbackDemoData({ anchor: ANCHOR });

interface Page {
  conversations: {
    totalCount: number | null;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
    edges: Array<{ cursor: string; node: { id: string; providerId: string; createdAt: string } }>;
  };
}

const PAGE = /* GraphQL */ `
  query Page($first: Int, $after: String, $last: Int, $before: String, $filter: ConversationFilter) {
    conversations(first: $first, after: $after, last: $last, before: $before, providers: [FLASHBACK], filter: $filter) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id providerId createdAt } }
    }
  }
`;

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ only: ['FLASHBACK'] });
});
afterAll(async () => {
  await graph.close();
});
beforeEach(() => graph.resetEmulators());

async function walk(direction: 'forward' | 'backward', size: number, filter?: unknown): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 1; pages < 1000; pages += 1) {
    const variables: Record<string, unknown> = direction === 'forward' ? { first: size, after: cursor, filter } : { last: size, before: cursor, filter };
    const response: GraphQLResponse<Page> = await graph.query<Page>(PAGE, variables);
    expect(response.errors).toBeUndefined();
    const connection: Page['conversations'] = response.data!.conversations;
    const pageIds = connection.edges.map((edge) => edge.node.providerId);
    expect(pageIds.length).toBeLessThanOrEqual(size);
    if (direction === 'forward') ids.push(...pageIds);
    else ids.unshift(...pageIds);
    const more = direction === 'forward' ? connection.pageInfo.hasNextPage : connection.pageInfo.hasPreviousPage;
    const other = direction === 'forward' ? connection.pageInfo.hasPreviousPage : connection.pageInfo.hasNextPage;
    expect(other).toBe(cursor !== null);
    if (!more) return { ids, pages };
    cursor = direction === 'forward' ? connection.pageInfo.endCursor : connection.pageInfo.startCursor;
  }
  throw new Error('walk did not end');
}

describe('Flashback connection over HTTP', () => {
  it.each([1, 7, 50, 100])('walks forward with pages of %i: exactly the emulator list, newest first', async (size) => {
    const { ids, pages } = await walk('forward', size);
    expect(ids).toEqual(emulatorData.map((conversation) => conversation.id));
    expect(pages).toBe(Math.ceil(emulatorData.length / size));
  });

  it.each([1, 7, 50, 100])('walks backward with pages of %i from the end', async (size) => {
    const { ids } = await walk('backward', size);
    expect(ids).toEqual(emulatorData.map((conversation) => conversation.id));
  });

  it('has equal timestamps and a token count above 2^53 in the data, and keeps it exact', async () => {
    const times = emulatorData.map((conversation) => conversation.createdAt);
    expect(new Set(times).size).toBeLessThan(times.length);
    const huge = emulatorData.find((conversation) => BigInt(conversation.tokensIn) > 2n ** 53n)!;
    const response = await graph.query<{ conversations: { edges: Array<{ node: { providerId: string; details: { tokensIn: string } } }> } }>(
      `{ conversations(first: 10, providers: [FLASHBACK]) { edges { node { providerId details { ... on FlashbackConversationDetails { tokensIn } } } } } }`,
    );
    const node = response.data!.conversations.edges.find((edge) => edge.node.providerId === huge.id)!.node;
    expect(node.details.tokensIn).toBe(huge.tokensIn);
  });

  it('answers totalCount from the vendor total, and one upstream request per page of up to 100', async () => {
    const response = await graph.query<Page>(PAGE, { first: 100 });
    expect(response.data!.conversations.totalCount).toBe(emulatorData.length);
    // One request for the page, one for totalCount.
    expect(graph.upstreamRequests()).toBe(2);
  });

  it('filters by createdAt half-open, pushed down and exact at the boundaries', async () => {
    const from = emulatorData[60]!.createdAt;
    const to = emulatorData[20]!.createdAt;
    const expected = emulatorData
      .filter((conversation) => conversation.createdAt >= from && conversation.createdAt < to)
      .map((conversation) => conversation.id);
    const filter = { createdAt: { from, to } };
    expect((await walk('forward', 7, filter)).ids).toEqual(expected);
    expect((await walk('backward', 9, filter)).ids).toEqual(expected);
    const response = await graph.query<Page>(PAGE, { first: 1, filter });
    expect(response.data!.conversations.totalCount).toBe(expected.length);
  });

  it.each([
    ['userId', (c: (typeof emulatorData)[number]) => c.createdBy],
    ['workspaceId', (c: (typeof emulatorData)[number]) => c.workspaceId],
    ['repoId', (c: (typeof emulatorData)[number]) => c.repoId],
  ] as const)('filters by Flashback %s', async (field, value) => {
    const wanted = value(emulatorData[5]!);
    const expected = emulatorData.filter((conversation) => value(conversation) === wanted).map((conversation) => conversation.id);
    expect(expected.length).toBeGreaterThan(1);
    expect((await walk('forward', 13, { flashback: { [field]: wanted } })).ids).toEqual(expected);
  });

  it('refuses a cursor issued for another filter', async () => {
    const first = await graph.query<Page>(PAGE, { first: 2 });
    const response = await graph.query<Page>(PAGE, { first: 2, after: first.data!.conversations.pageInfo.endCursor, filter: { flashback: { repoId: 'repo-101' } } });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('bad input answers a coded error and makes no upstream call', () => {
  it.each([
    ['a cursor the graph did not issue', PAGE, { first: 2, after: 'b2Zmc2V0OjEw' }, 'BAD_USER_INPUT'],
    ['first: -1', PAGE, { first: -1 }, 'BAD_USER_INPUT'],
    ['first and last together', PAGE, { first: 2, last: 2 }, 'BAD_USER_INPUT'],
    ['first above the maximum', PAGE, { first: 101 }, 'BAD_USER_INPUT'],
    ['a malformed date', PAGE, { first: 2, filter: { createdAt: { from: '2024-13-45' } } }, 'BAD_USER_INPUT'],
    ['from after to', PAGE, { first: 2, filter: { createdAt: { from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' } } }, 'BAD_USER_INPUT'],
    ['an unknown provider', `{ conversations(first: 1, providers: [NOPE]) { totalCount } }`, {}, 'GRAPHQL_VALIDATION_FAILED'],
    ['an unknown provider as a variable', `query ($p: [Provider!]) { conversations(first: 1, providers: $p) { totalCount } }`, { p: ['NOPE'] }, 'BAD_USER_INPUT'],
    ['a provider that is not configured', `{ conversations(first: 1, providers: [SYMBL]) { totalCount } }`, {}, 'PROVIDER_NOT_CONFIGURED'],
    ['a node id the graph did not issue', `{ node(id: "not-an-id") { id } }`, {}, 'BAD_USER_INPUT'],
    ['a node id of a type that is not a node', `{ node(id: "${Buffer.from('Message:1').toString('base64url')}") { id } }`, {}, 'BAD_USER_INPUT'],
    ['a conversation id with a malformed key', `{ nodes(ids: ["${Buffer.from('Conversation:[1,2]').toString('base64url')}"]) { id } }`, {}, 'BAD_USER_INPUT'],
    ['more aliases than the query limits allow', `{ ${Array.from({ length: 21 }, (_, i) => `a${i}: conversations(first: 1) { totalCount }`).join(' ')} }`, {}, 'GRAPHQL_VALIDATION_FAILED'],
    ['a document that does not parse', `{ conversations(first: 1) {`, {}, 'GRAPHQL_PARSE_FAILED'],
  ])('%s', async (_name, document, variables, code) => {
    const response = await graph.query(document, variables);
    expect(response.errors?.[0]?.extensions?.code).toBe(code);
    expect(response.errors?.[0]?.message).not.toBe('Unexpected error.');
    expect(graph.upstreamRequests()).toBe(0);
  });
});

describe('node look-ups', () => {
  it('finds conversations by global id, batched, and answers null for one that does not exist', async () => {
    const page = await graph.query<Page>(PAGE, { first: 30 });
    const ids = page.data!.conversations.edges.map((edge) => edge.node.id);
    graph.resetEmulators();
    const missing = Buffer.from(`Conversation:${JSON.stringify(['FLASHBACK', 'no-such-id', Date.parse(emulatorData[3]!.createdAt), null])}`).toString('base64url');
    const response = await graph.query<{ nodes: Array<{ id: string; providerId: string } | null>; node: { providerId: string } | null }>(
      `query ($ids: [ID!]!, $one: ID!) { nodes(ids: $ids) { ... on Conversation { id providerId } } node(id: $one) { ... on Conversation { providerId } } }`,
      { ids: [...ids.slice(0, 3), missing, ids[29]], one: ids[7] },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.nodes.map((node) => node?.providerId ?? null)).toEqual([
      emulatorData[0]!.id,
      emulatorData[1]!.id,
      emulatorData[2]!.id,
      null,
      emulatorData[29]!.id,
    ]);
    expect(response.data!.node?.providerId).toBe(emulatorData[7]!.id);
    // One request per distinct creation instant, never more.
    expect(graph.upstreamRequests()).toBeLessThanOrEqual(6);
  });
});
