import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Provider } from '../src/domain.js';
import { PROVIDERS, type KnownProvider } from '../src/vendors/vendors.js';
import { startTestGraph, type TestGraph } from './support/graph.js';

/**
 * Every object a normalized cache stores has an id, the same id always comes
 * with the same data, and `nodes` finds each one again with exactly that data,
 * batched per vendor.
 */

// Message and Person both have \`providerId\` and \`role\`, of different types: one selection on Node needs aliases.
const PERSON = /* GraphQL */ `
  fragment P on Person { provider providerId displayName firstName lastName email department role }
  fragment M on Message {
    provider messageId: providerId messageRole: role authorLabel text createdAt endedAt
    sender { __typename id ...P }
  }
`;

const PAGE = /* GraphQL */ `
  query Page($first: Int!, $providers: [Provider!]) {
    conversations(first: $first, providers: $providers) {
      edges {
        node {
          __typename id provider
          creator { __typename id ...P }
          members { __typename id ...P }
          messages(first: 5) {
            edges { node { __typename id ...M } }
          }
        }
      }
    }
  }
  ${PERSON}
`;

const REFETCH = /* GraphQL */ `
  query Refetch($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename id
      ... on Creator { ...P }
      ... on Member { ...P }
      ...M
    }
  }
  ${PERSON}
`;

type Entity = { __typename: string; id: string } & Record<string, unknown>;
interface PageData {
  conversations: {
    edges: Array<{
      node: Entity & {
        provider: Provider;
        creator: Entity | null;
        members: Entity[];
        messages: { edges: Array<{ node: Entity & { sender: Entity | null } }> };
      };
    }>;
  };
}

/** Every id-bearing object below the conversations, by id; fails if one id comes with two different objects. */
function entitiesOf(page: PageData): Map<string, Entity> {
  const byId = new Map<string, Entity>();
  const add = (entity: Entity | null) => {
    if (!entity) return;
    expect(typeof entity.id).toBe('string');
    const seen = byId.get(entity.id);
    if (seen) expect(entity).toEqual(seen);
    byId.set(entity.id, entity);
  };
  for (const { node } of page.conversations.edges) {
    add(node.creator);
    node.members.forEach(add);
    for (const { node: message } of node.messages.edges) {
      add(message);
      add(message.sender);
    }
  }
  return byId;
}

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph.close();
});
beforeEach(() => graph.resetEmulators());

function requestsByProvider(): Record<KnownProvider, number> {
  return Object.fromEntries(PROVIDERS.map((provider) => [provider, graph.emulators.emulators[provider]?.requestLog.length ?? 0])) as Record<KnownProvider, number>;
}

function upstreamRequestKeys(): string[] {
  return PROVIDERS.flatMap((provider) =>
    (graph.emulators.emulators[provider]?.requestLog ?? []).map((entry) => `${provider} ${entry.method} ${entry.path}?${entry.search}`),
  );
}

describe('stable identity of creators, members and messages', () => {
  it('gives every cached object a global id, unique across types, one id = one value', async () => {
    const response = await graph.query<PageData>(PAGE, { first: 50 });
    expect(response.errors).toBeUndefined();
    const byId = entitiesOf(response.data!);
    const typenames = new Set([...byId.values()].map((entity) => entity.__typename));
    expect(typenames).toEqual(new Set(['Creator', 'Member', 'Message']));
    // Relay keys its store by id alone: an id never names two types.
    const conversationIds = new Set(response.data!.conversations.edges.map((edge) => edge.node.id));
    for (const id of byId.keys()) expect(conversationIds.has(id)).toBe(false);
  });

  for (const provider of PROVIDERS) {
    it(`${provider}: nodes(ids) finds every creator, member and message again with the same data, batched`, async () => {
      const page = await graph.query<PageData>(PAGE, { first: 20, providers: [provider] });
      expect(page.errors).toBeUndefined();
      const byId = entitiesOf(page.data!);
      const ids = [...byId.keys()];
      graph.resetEmulators();
      const refetch = await graph.query<{ nodes: Array<Entity | null> }>(REFETCH, { ids });
      expect(refetch.errors).toBeUndefined();
      expect(refetch.data!.nodes).toEqual(ids.map((id) => byId.get(id)));
      const requests = requestsByProvider()[provider];
      const keys = upstreamRequestKeys();
      expect(new Set(keys).size).toBe(keys.length);
      console.log(provider, `${ids.length} ids (${[...new Set([...byId.values()].map((e) => e.__typename))].join(', ')}) refetched with ${requests} upstream requests`);
      expect(REFETCH_BOUNDS[provider](page.data!)).toBeGreaterThanOrEqual(requests);
    });
  }
});

/** Most upstream requests a refetch of a page's people and messages may cost, per vendor (README, "node/nodes"). */
const REFETCH_BOUNDS: Record<KnownProvider, (page: PageData) => number> = {
  // One `from = to = createdAt` query per distinct instant.
  FLASHBACK: (page) => new Set(page.conversations.edges.map((edge) => edge.node.id)).size,
  // One scan of each chatbot's UTC day (one page of 100 on the demo data).
  CHATBASE: (page) => page.conversations.edges.length,
  // Conversations `id in (…)`, interactions `conversation_id in (…)` (following nextLinks of 50 rows), users `id in (…)`.
  MOVEWORKS_DATA: () => 1 + 6 + 1,
  // The conversation (members) and its messages: two requests per conversation.
  SYMBL: (page) => 2 * page.conversations.edges.length,
  // Every message page of each conversation (pages of 100).
  MOVEWORKS_CONVERSATIONS: (page) => page.conversations.edges.length * 2,
  // One conversation read per conversation (messages and people share it), one contact search for the page, /admins at most once.
  INTERCOM: (page) => page.conversations.edges.length + 2,
};

const globalId = (typename: string, local: unknown[]) => Buffer.from(`${typename}:${JSON.stringify(local)}`, 'utf8').toString('base64url');

describe('finding messages and people again: bad ids and failures', () => {
  const NODE = /* GraphQL */ `query ($id: ID!) { node(id: $id) { __typename id } }`;

  it('refuses a Message or Member id this graph cannot have issued, before any upstream call', async () => {
    for (const id of [
      globalId('Message', ['SYMBL', 'abc', null, null]),
      globalId('Message', ['SYMBL', '', null, null, 'm1']),
      globalId('Message', ['NOPE', 'abc', null, null, 'm1']),
      globalId('Member', ['CHATBASE', 'c', 1, 'bot', 'member', ['who', 'x']]),
      globalId('Member', ['CHATBASE', 'c', 1, 'bot', 'sender', '']),
      globalId('Creator', ['CHATBASE', 'c', 1.5, 'bot']),
    ]) {
      const response = await graph.query(NODE, { id });
      expect(response.errors?.[0]?.extensions?.code, id).toBe('BAD_USER_INPUT');
    }
    expect(graph.upstreamRequests()).toBe(0);
  });

  it('refuses (BAD_USER_INPUT, issue 9) without a call vendor ids that cannot be one URL path segment', async () => {
    const ids = [
      globalId('Message', ['SYMBL', '..', null, null, 'm1']),
      globalId('Message', ['SYMBL', 'a/b', null, null, 'm1']),
      globalId('Member', ['SYMBL', '..', null, null, 'sender', 'm1']),
      globalId('Member', ['SYMBL', '..', null, null, 'member', ['id', 'p1']]),
      globalId('Creator', ['SYMBL', '..', null, null]),
      globalId('Conversation', ['SYMBL', '..', null, null]),
      globalId('Conversation', ['SYMBL', '.', 1, null]),
      globalId('Message', ['MOVEWORKS_CONVERSATIONS', 'conv_..', null, null, 'msg_1']),
      globalId('Message', ['MOVEWORKS_CONVERSATIONS', '..', null, null, 'msg_1']),
    ];
    const response = await graph.query<{ nodes: unknown[] }>(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(response.data!.nodes).toEqual(ids.map(() => null));
    expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual(
      ids.map((_id, index) => [['nodes', index], 'BAD_USER_INPUT']),
    );
    expect(graph.upstreamRequests()).toBe(0);
  });

  it('answers null for a message or person that does not exist in a conversation that does', async () => {
    const page = await graph.query<PageData>(PAGE, { first: 3 });
    const conversations = page.data!.conversations.edges.map((edge) => edge.node);
    const [, local] = Buffer.from(conversations[0]!.id, 'base64url').toString('utf8').split(/:(.*)/s) as [string, string];
    const tuple = JSON.parse(local) as unknown[];
    const ids = [
      globalId('Message', [...tuple, 'no-such-message']),
      globalId('Member', [...tuple, 'member', ['id', 'no-such-person']]),
      globalId('Member', [...tuple, 'sender', 'no-such-message']),
    ];
    const response = await graph.query<{ nodes: unknown[] }>(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(response.errors).toBeUndefined();
    expect(response.data!.nodes).toEqual([null, null, null]);
  });

  it('a failing vendor costs only its own ids', async () => {
    const page = await graph.query<PageData>(PAGE, { first: 40, providers: ['SYMBL', 'MOVEWORKS_DATA'] });
    const byId = entitiesOf(page.data!);
    const messages = [...byId.values()].filter((entity) => entity.__typename === 'Message');
    const symbl = messages.filter((message) => message.provider === 'SYMBL').slice(0, 3);
    const moveworks = messages.filter((message) => message.provider === 'MOVEWORKS_DATA').slice(0, 3);
    expect(symbl).toHaveLength(3);
    expect(moveworks).toHaveLength(3);
    graph.emulators.emulators.SYMBL!.injectFault({ kind: 'status500', count: 100 });
    const ids = [...symbl, ...moveworks].map((message) => message.id);
    const response = await graph.query<{ nodes: Array<{ id: string } | null> }>(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(response.data!.nodes).toEqual([null, null, null, ...moveworks.map((message) => ({ id: message.id }))]);
    expect(response.errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.provider])).toEqual(
      [0, 1, 2].map((index) => [['nodes', index], 'UPSTREAM_UNAVAILABLE', 'SYMBL']),
    );
  });
});
