import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Provider } from '../src/domain.js';
import { PROVIDERS } from '../src/vendors/vendors.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from './support/graph.js';

interface MessagePage {
  totalCount: number | null;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: Array<{ node: { providerId: string; text: string } }>;
}
interface ConversationNode {
  id: string;
  provider: Provider;
  providerId: string;
  messagesAvailable: boolean;
  creator: { displayName: string | null } | null;
  members: Array<{ displayName: string | null }>;
  messages: MessagePage;
}

const PAGE_WITH_PEOPLE = /* GraphQL */ `
  query ($first: Int, $after: String) {
    conversations(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id provider providerId messagesAvailable
          creator { displayName email }
          members { displayName email }
          messages(first: 5) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { providerId text role } } }
        }
      }
    }
  }
`;

const MESSAGES = /* GraphQL */ `
  query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
    node(id: $id) {
      ... on Conversation {
        messages(first: $first, after: $after, last: $last, before: $before) {
          totalCount
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          edges { node { providerId text } }
        }
      }
    }
  }
`;

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph.close();
});
beforeEach(() => graph.resetEmulators());

/** Every conversation of a provider, with its total message count, by walking its connection. */
async function conversationsOf(provider: Provider): Promise<Array<{ id: string; total: number | null }>> {
  const found: Array<{ id: string; total: number | null }> = [];
  let after: string | null = null;
  for (;;) {
    const response: GraphQLResponse<{ conversations: { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: Array<{ node: { id: string; messages: { totalCount: number | null } } }> } }> =
      await graph.query(
        `query ($after: String, $p: [Provider!]) { conversations(first: 100, after: $after, providers: $p) { pageInfo { hasNextPage endCursor } edges { node { id messages(first: 0) { totalCount } } } } }`,
        { after, p: [provider] },
      );
    expect(response.errors).toBeUndefined();
    const connection = response.data!.conversations;
    found.push(...connection.edges.map((edge) => ({ id: edge.node.id, total: edge.node.messages.totalCount })));
    if (!connection.pageInfo.hasNextPage) return found;
    after = connection.pageInfo.endCursor;
  }
}

async function walkMessages(id: string, direction: 'forward' | 'backward', size: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 500; page += 1) {
    const variables = direction === 'forward' ? { id, first: size, after: cursor } : { id, last: size, before: cursor };
    const response: GraphQLResponse<{ node: { messages: MessagePage } }> = await graph.query(MESSAGES, variables);
    expect(response.errors).toBeUndefined();
    const connection = response.data!.node.messages;
    const pageIds = connection.edges.map((edge) => edge.node.providerId);
    if (direction === 'forward') ids.push(...pageIds);
    else ids.unshift(...pageIds);
    const more = direction === 'forward' ? connection.pageInfo.hasNextPage : connection.pageInfo.hasPreviousPage;
    if (!more) return ids;
    cursor = direction === 'forward' ? connection.pageInfo.endCursor : connection.pageInfo.startCursor;
  }
  throw new Error('message walk did not end');
}

describe('creators, members and messages of a page of 50 across all vendors', () => {
  it('makes no identical upstream request twice, and one users and one interactions query for Moveworks Data', async () => {
    const first = await graph.query<{ conversations: { pageInfo: { endCursor: string } } }>(PAGE_WITH_PEOPLE, { first: 50 });
    expect(first.errors).toBeUndefined();
    for (const after of [null, first.data!.conversations.pageInfo.endCursor]) {
      graph.resetEmulators();
      const response = await graph.query<{ conversations: { edges: Array<{ node: ConversationNode }> } }>(PAGE_WITH_PEOPLE, { first: 50, after });
      expect(response.errors).toBeUndefined();
      const nodes = response.data!.conversations.edges.map((edge) => edge.node);
      expect(nodes).toHaveLength(50);
      expect(new Set(nodes.map((node) => node.provider)).size).toBeGreaterThanOrEqual(4);
      for (const node of nodes) expect(node.messages.edges.length).toBeLessThanOrEqual(5);

      const requests = Object.entries(graph.emulators.emulators).flatMap(([provider, emulator]) =>
        emulator.requestLog.map((entry) => `${provider} ${entry.method} ${entry.path}?${entry.search}`),
      );
      expect(requests.length - new Set(requests).size).toBe(0);

      // Continuations of one OData query (server paging, `$skiptoken`) are that query, not another one.
      const moveworksData = graph.emulators.emulators.MOVEWORKS_DATA!.requestLog.filter((entry) => !entry.search.includes('skiptoken'));
      const hasDataConversations = nodes.some((node) => node.provider === 'MOVEWORKS_DATA');
      expect(hasDataConversations).toBe(true);
      expect(moveworksData.filter((entry) => entry.path.endsWith('/records/users'))).toHaveLength(1);
      expect(moveworksData.filter((entry) => entry.path.endsWith('/records/interactions'))).toHaveLength(1);
      console.log(`page of 50 with people and 5 messages: ${requests.length} upstream requests`);
    }
  });

  it('answers Flashback messages as an empty connection and says they are unavailable', async () => {
    const response = await graph.query<{ conversations: { edges: Array<{ node: ConversationNode }> } }>(
      '{ conversations(first: 3, providers: [FLASHBACK]) { edges { node { messagesAvailable creator { displayName } members { displayName } messages(first: 5) { totalCount edges { cursor } } } } } }',
    );
    for (const edge of response.data!.conversations.edges) {
      expect(edge.node.messagesAvailable).toBe(false);
      expect(edge.node.creator?.displayName).toBeTruthy();
      expect(edge.node.members.length).toBe(1);
      expect(edge.node.messages).toEqual({ totalCount: null, edges: [] });
    }
  });
});

/**
 * Walking the longest conversation in pages of 1, 7, 33 and 100 both ways is one request per page: Intercom's
 * longest keeps 480 messages in its newest 500 parts (about 1,100 requests, each reading the whole conversation,
 * the only way Intercom serves parts): 54 s measured alone (`npx vitest run test/people-messages.e2e.test.ts -t INTERCOM`).
 */
const LONGEST_WALK_TIMEOUT_MS = 180_000;

describe('message connections walked both ways for every vendor', () => {
  for (const provider of PROVIDERS.filter((candidate) => candidate !== 'FLASHBACK')) {
    it(`${provider}: the longest conversation (over 100 messages) and an empty one`, { timeout: LONGEST_WALK_TIMEOUT_MS }, async () => {
      const conversations = await conversationsOf(provider);
      const counted = conversations.filter((conversation) => conversation.total !== null);
      const longest = [...counted].sort((a, b) => (b.total ?? 0) - (a.total ?? 0))[0]!;
      const empty = counted.find((conversation) => conversation.total === 0);
      expect(longest.total).toBeGreaterThan(100);
      expect(empty, 'a conversation without messages').toBeDefined();

      const all = await walkMessages(longest.id, 'forward', 100);
      expect(all).toHaveLength(longest.total!);
      expect(new Set(all).size).toBe(all.length);
      for (const size of [1, 7, 33]) {
        expect(await walkMessages(longest.id, 'forward', size)).toEqual(all);
        expect(await walkMessages(longest.id, 'backward', size)).toEqual(all);
      }
      expect(await walkMessages(empty!.id, 'forward', 5)).toEqual([]);
      expect(await walkMessages(empty!.id, 'backward', 5)).toEqual([]);
    });
  }

  it('refuses a message cursor of another conversation', async () => {
    const conversations = await conversationsOf('CHATBASE');
    const [a, b] = conversations.filter((conversation) => (conversation.total ?? 0) > 2);
    const page = await graph.query<{ node: { messages: MessagePage } }>(MESSAGES, { id: a!.id, first: 1 });
    const response = await graph.query(MESSAGES, { id: b!.id, first: 1, after: page.data!.node.messages.pageInfo.endCursor });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('node look-ups for every vendor', () => {
  it('finds conversations of every vendor by global id in one request, null for missing ones', async () => {
    const ids: string[] = [];
    const expected: string[] = [];
    for (const provider of PROVIDERS) {
      const response = await graph.query<{ conversations: { edges: Array<{ node: { id: string; providerId: string } }> } }>(
        'query ($p: [Provider!]) { conversations(first: 30, providers: $p) { edges { node { id providerId } } } }',
        { p: [provider] },
      );
      const edges = response.data!.conversations.edges;
      for (const index of [0, 13, 29]) {
        ids.push(edges[index]!.node.id);
        expected.push(edges[index]!.node.providerId);
      }
      const known = JSON.parse(Buffer.from(edges[13]!.node.id, 'base64url').toString('utf8').slice('Conversation:'.length)) as unknown[];
      ids.push(Buffer.from(`Conversation:${JSON.stringify([provider, `${String(known[1])}0`, known[2], known[3]])}`).toString('base64url'));
      expected.push('null');
    }
    graph.resetEmulators();
    const response = await graph.query<{ nodes: Array<{ providerId: string } | null> }>(
      'query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Conversation { providerId } } }',
      { ids },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.nodes.map((node) => node?.providerId ?? 'null')).toEqual(expected);
    const perVendor = Object.fromEntries(Object.entries(graph.emulators.emulators).map(([provider, emulator]) => [provider, emulator.requestLog.length]));
    console.log('nodes() of 4 ids per vendor costs', perVendor);
  });

  it('answers the ids of healthy vendors when another vendor fails, with a coded error for the failed ones', async () => {
    const idsOf = async (provider: Provider) =>
      (await graph.query<{ conversations: { edges: Array<{ node: { id: string; providerId: string } }> } }>(
        'query ($p: [Provider!]) { conversations(first: 1, providers: $p) { edges { node { id providerId } } } }',
        { p: [provider] },
      )).data!.conversations.edges[0]!.node;
    const symbl = await idsOf('SYMBL');
    const flashback = await idsOf('FLASHBACK');
    graph.emulators.emulators.SYMBL!.injectFault({ kind: 'status500', count: 10 });
    const response = await graph.query<{ nodes: Array<{ providerId: string } | null> }>(
      'query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Conversation { providerId } } }',
      { ids: [symbl.id, flashback.id] },
    );
    expect(response.data!.nodes).toEqual([null, { providerId: flashback.providerId }]);
    expect(response.errors).toEqual([
      expect.objectContaining({ path: ['nodes', 0], extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', provider: 'SYMBL' }) }),
    ]);
  });
});
