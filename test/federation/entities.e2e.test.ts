import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/domain.js';
import { PROVIDERS, type KnownProvider } from '../../src/vendors/vendors.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../support/graph.js';

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on Conversation { id provider providerId } }
  }
`;
const NODES_AND_ENTITIES = /* GraphQL */ `
  query ($ids: [ID!]!, $representations: [_Any!]!) {
    nodes(ids: $ids) { ... on Conversation { providerId } }
    _entities(representations: $representations) { ... on Conversation { providerId } }
  }
`;

interface Entity {
  id: string;
  provider: Provider;
  providerId: string;
}

let graph: TestGraph;
/** Ten conversations of every vendor, spread over its first hundred (so over many days and instants). */
const sample: Entity[] = [];

beforeAll(async () => {
  graph = await startTestGraph();
  for (const provider of PROVIDERS) {
    const response = await graph.query<{ conversations: { edges: Array<{ node: Entity }> } }>(
      'query ($p: [Provider!]) { conversations(first: 100, providers: $p) { edges { node { id provider providerId } } } }',
      { p: [provider] },
    );
    const edges = response.data!.conversations.edges;
    for (let index = 0; index < 100; index += 10) sample.push(edges[index]!.node);
  }
});
afterAll(async () => {
  await graph.close();
});
beforeEach(() => graph.resetEmulators());

const representationsOf = (entities: readonly Entity[]) => entities.map((entity) => ({ __typename: 'Conversation', id: entity.id }));

function requestsByVendor(): Record<KnownProvider, string[]> {
  return Object.fromEntries(
    PROVIDERS.map((provider) => [
      provider,
      (graph.emulators.emulators[provider]?.requestLog ?? []).map((entry) => `${entry.method} ${entry.path}?${decodeURIComponent(entry.search.replace(/\+/g, " "))}`),
    ]),
  ) as Record<KnownProvider, string[]>;
}

/** What a conversation's global id says about it (provider, vendor id, creation instant, chatbot). */
function keyOf(entity: Entity): { createdAtMs: number; hint: string | null } {
  const [, , createdAtMs, hint] = JSON.parse(Buffer.from(entity.id, 'base64url').toString('utf8').slice('Conversation:'.length)) as [
    Provider,
    string,
    number,
    string | null,
  ];
  return { createdAtMs, hint };
}

describe('_entities for ten conversations per vendor', () => {
  it('resolves every representation, in order, with the bounded upstream calls of `nodes`', async () => {
    expect(sample).toHaveLength(10 * PROVIDERS.length);
    const response = await graph.query<{ _entities: Entity[] }>(ENTITIES, { representations: representationsOf(sample) });
    expect(response.errors).toBeUndefined();
    expect(response.data!._entities).toEqual(sample);
    const calls = requestsByVendor();
    const of = (provider: Provider) => sample.filter((entity) => entity.provider === provider);

    // Moveworks Data: one `id in (…)` query for all ten.
    expect(calls.MOVEWORKS_DATA).toHaveLength(1);
    expect(calls.MOVEWORKS_DATA[0]).toMatch(/\/records\/conversations\?.*\$filter=id in \(/);
    // Symbl: one GET /conversations/{id} per distinct id.
    expect(calls.SYMBL.length).toBeLessThanOrEqual(new Set(of('SYMBL').map((entity) => entity.providerId)).size);
    // Flashback: one `from = to = createdAt` query per distinct creation instant.
    expect(calls.FLASHBACK.length).toBeLessThanOrEqual(new Set(of('FLASHBACK').map((entity) => keyOf(entity).createdAtMs)).size);
    // Chatbase: one scan per (chatbot, UTC day); the demo data has fewer than 100 conversations a day, so one page each.
    const chatbaseDays = new Set(of('CHATBASE').map((entity) => `${keyOf(entity).hint}@${new Date(keyOf(entity).createdAtMs).toISOString().slice(0, 10)}`));
    expect(calls.CHATBASE.length).toBeLessThanOrEqual(chatbaseDays.size);
    // Intercom: one GET /conversations/{id} per distinct id.
    expect(calls.INTERCOM.length).toBeLessThanOrEqual(new Set(of('INTERCOM').map((entity) => entity.providerId)).size);
    expect(calls.INTERCOM.every((call) => call.startsWith('GET /conversations/'))).toBe(true);
    // Moveworks Conversations: one scan per archived state, never more than a full listing of both states.
    const moveworksConversations = calls.MOVEWORKS_CONVERSATIONS.length;
    const total = Object.values(calls).reduce((sum, list) => sum + list.length, 0);

    graph.resetEmulators();
    const fullScan = await graph.query(ENTITIES, {
      representations: [{ __typename: 'Conversation', id: Buffer.from(`Conversation:${JSON.stringify(['MOVEWORKS_CONVERSATIONS', 'conv_missing', 0, null])}`).toString('base64url') }],
    });
    expect(fullScan.data).toEqual({ _entities: [null] });
    expect(moveworksConversations).toBeLessThanOrEqual(requestsByVendor().MOVEWORKS_CONVERSATIONS.length);
    console.log(`_entities of ${sample.length} conversations: ${total} upstream requests`, Object.fromEntries(Object.entries(calls).map(([provider, list]) => [provider, list.length])),
      `(a full Moveworks Conversations scan: ${requestsByVendor().MOVEWORKS_CONVERSATIONS.length})`);
  });

  it('shares the loaders of `nodes`: both in one request cost what one of them costs', async () => {
    const ids = sample.map((entity) => entity.id);
    const alone = await graph.query<{ nodes: Array<{ providerId: string }> }>('query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Conversation { providerId } } }', { ids });
    expect(alone.errors).toBeUndefined();
    const nodesAlone = requestsByVendor();
    graph.resetEmulators();
    const both = await graph.query<{ nodes: Array<{ providerId: string }>; _entities: Array<{ providerId: string }> }>(NODES_AND_ENTITIES, {
      ids,
      representations: representationsOf(sample),
    });
    expect(both.errors).toBeUndefined();
    expect(both.data!._entities).toEqual(both.data!.nodes);
    expect(both.data!.nodes).toEqual(alone.data!.nodes);
    const together = requestsByVendor();
    for (const provider of PROVIDERS) {
      // Same requests, none twice (Moveworks Conversations' two scans race each other, so only its count can differ, never upward).
      expect(new Set(together[provider]).size, provider).toBe(together[provider].length);
      if (provider === 'MOVEWORKS_CONVERSATIONS') expect(together[provider].length).toBeLessThanOrEqual(nodesAlone[provider].length + 1);
      else expect(together[provider].sort(), provider).toEqual(nodesAlone[provider].sort());
    }
  });

  it('answers a failing vendor as an error for its own entities only, code and provider intact', async () => {
    graph.emulators.emulators.SYMBL!.injectFault({ kind: 'status500', count: 100 });
    const response = await graph.query<{ _entities: Array<Entity | null> }>(ENTITIES, { representations: representationsOf(sample) });
    const entities = response.data!._entities;
    sample.forEach((entity, index) => {
      expect(entities[index], entity.provider).toEqual(entity.provider === 'SYMBL' ? null : entity);
    });
    const symblIndexes = sample.flatMap((entity, index) => (entity.provider === 'SYMBL' ? [index] : []));
    expect(response.errors).toHaveLength(symblIndexes.length);
    for (const [position, error] of (response.errors ?? []).entries()) {
      expect(error.path).toEqual(['_entities', symblIndexes[position]]);
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'SYMBL', status: 500 });
    }
  });
});

const PEOPLE_AND_MESSAGES = /* GraphQL */ `
  query {
    conversations(first: 12) {
      edges { node { creator { id } members { id } messages(first: 5) { edges { node { id sender { id } } } } } }
    }
  }
`;
const REFETCH_FIELDS = /* GraphQL */ `
  fragment Found on Node {
    __typename id
    ... on Person { provider providerId displayName email }
    ... on Message { messageId: providerId text sender { id } }
  }
`;

describe('messages, creators and members are entities too', () => {
  it('resolves them through the loaders of `nodes`: the same objects for the same upstream requests', async () => {
    const page = await graph.query<{
      conversations: { edges: Array<{ node: { creator: { id: string } | null; members: Array<{ id: string }>; messages: { edges: Array<{ node: { id: string; sender: { id: string } | null } }> } } }> };
    }>(PEOPLE_AND_MESSAGES);
    expect(page.errors).toBeUndefined();
    const ids = [
      ...new Set(
        page.data!.conversations.edges.flatMap(({ node }) => [
          ...(node.creator ? [node.creator.id] : []),
          ...node.members.map((member) => member.id),
          ...node.messages.edges.flatMap(({ node: message }) => [message.id, ...(message.sender ? [message.sender.id] : [])]),
        ]),
      ),
    ].slice(0, 100);
    const typenameOf = (id: string) => Buffer.from(id, 'base64url').toString('utf8').split(':')[0]!;
    expect(new Set(ids.map(typenameOf))).toEqual(new Set(['Message', 'Creator', 'Member']));
    const representations = ids.map((id) => ({ __typename: typenameOf(id), id }));

    graph.resetEmulators();
    const nodes = await graph.query<{ nodes: unknown[] }>(`query ($ids: [ID!]!) { nodes(ids: $ids) { ...Found } } ${REFETCH_FIELDS}`, { ids });
    expect(nodes.errors).toBeUndefined();
    const nodesCost = requestsByVendor();
    graph.resetEmulators();
    const entities = await graph.query<{ _entities: unknown[] }>(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ...Found } } ${REFETCH_FIELDS}`,
      { representations },
    );
    expect(entities.errors).toBeUndefined();
    expect(entities.data!._entities).toEqual(nodes.data!.nodes);
    expect(entities.data!._entities.every((entity) => entity !== null)).toBe(true);
    const entitiesCost = requestsByVendor();
    for (const provider of PROVIDERS) {
      expect(new Set(entitiesCost[provider]).size, provider).toBe(entitiesCost[provider].length);
      if (provider === 'MOVEWORKS_CONVERSATIONS') expect(entitiesCost[provider].length).toBeLessThanOrEqual(nodesCost[provider].length + 1);
      else expect([...entitiesCost[provider]].sort(), provider).toEqual([...nodesCost[provider]].sort());
    }
    const total = Object.values(entitiesCost).reduce((sum, list) => sum + list.length, 0);
    console.log(`_entities of ${ids.length} messages and people: ${total} upstream requests`, Object.fromEntries(Object.entries(entitiesCost).map(([provider, list]) => [provider, list.length])));
  });
});

describe('_entities input is checked before any vendor call', () => {
  it('accepts 100 representations and refuses 101 with BAD_USER_INPUT and no upstream call', async () => {
    const entities = Array.from({ length: 100 }, (_, index) => sample[index % sample.length]!);
    const hundred = representationsOf(entities);
    const accepted = await graph.query<{ _entities: Entity[] }>(ENTITIES, { representations: hundred });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data!._entities).toEqual(entities);

    graph.resetEmulators();
    const refused: GraphQLResponse = await graph.query(ENTITIES, { representations: [...hundred, hundred[0]] });
    expect(refused.data).toBeNull();
    expect(refused.errors).toEqual([
      expect.objectContaining({ path: ['_entities'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'representations', limit: 100 }) }),
    ]);
    expect(graph.upstreamRequests()).toBe(0);
  });

  it('refuses a representation of a type this subgraph does not own, with no upstream call', async () => {
    const response: GraphQLResponse = await graph.query(ENTITIES, {
      representations: [...representationsOf(sample.slice(0, 5)), { __typename: 'Ticket', id: 'ticket-1' }],
    });
    expect(response.data).toBeNull();
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'representations' });
    expect(graph.upstreamRequests()).toBe(0);
  });

  it('answers a forged or missing id as BAD_USER_INPUT for that entity only', async () => {
    const forged = [{ __typename: 'Conversation', id: 'not-an-id' }, { __typename: 'Conversation' }, { __typename: 'Conversation', id: Buffer.from('Message:1').toString('base64url') }];
    const response = await graph.query<{ _entities: Array<Entity | null> }>(ENTITIES, {
      representations: [...forged, ...representationsOf(sample.slice(0, 2))],
    });
    expect(response.data!._entities).toEqual([null, null, null, ...sample.slice(0, 2)]);
    expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [['_entities', 0], 'BAD_USER_INPUT'],
      [['_entities', 1], 'BAD_USER_INPUT'],
      [['_entities', 2], 'BAD_USER_INPUT'],
    ]);
  });
});
