import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/domain.js';
import { PROVIDERS, VENDORS, type KnownProvider } from '../../src/vendors/vendors.js';
import { vendorConversationIdProblem } from '../../src/vendors/vendor-ids.js';
import { startTestGraph, type TestGraph } from '../support/graph.js';

/**
 * Issue 9, point 4: global ids are unsigned, so the vendor id inside one is the client's to choose. A vendor id
 * that goes into a URL path (or a vendor filter) is checked against that vendor's id format, and what no vendor id
 * can be (empty, `.`, `..`, slashes, control characters) is refused with BAD_USER_INPUT before any upstream call,
 * through node, nodes and _entities alike.
 */

const globalId = (typename: string, local: unknown[]): string =>
  Buffer.from(`${typename}:${JSON.stringify(local)}`, 'utf8').toString('base64url');

const HOSTILE = ['', '.', '..', '../..', 'a/b', '/', 'a\\b', '..\\..', 'x\u0000y', 'x\ny', 'x'.repeat(300)];
/** Well-formed segments that are still not ids of that vendor. */
const FOREIGN: Record<KnownProvider, string[]> = {
  FLASHBACK: ['a b', 'a?b=1', '%2e%2e'],
  CHATBASE: ['a b', 'a#b', '%2F'],
  MOVEWORKS_DATA: ["a') or (1 eq 1", 'a,b', '.hidden'],
  SYMBL: ['abc', '12a', '%2e%2e'],
  MOVEWORKS_CONVERSATIONS: ['conv_..', 'conv_', 'msg_1', 'conv_a-b'],
  INTERCOM: ['abc', '12a', '-1', '1.5', '1'.repeat(21)],
};

describe('the per-vendor id formats', () => {
  it.each(PROVIDERS)('%s refuses what no vendor id can be, and strings that are not its ids', (provider) => {
    for (const id of [...HOSTILE, ...FOREIGN[provider]]) expect(vendorConversationIdProblem(provider, id, VENDORS), JSON.stringify(id)).not.toBeNull();
  });
});

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph.close();
});

describe('hostile vendor ids in global ids', () => {
  const NODE = /* GraphQL */ `query ($id: ID!) { node(id: $id) { id ... on Conversation { messages(first: 1) { edges { node { id } } } } } }`;
  const NODES = /* GraphQL */ `query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`;
  const ENTITIES = /* GraphQL */ `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Conversation { id } } }`;

  it.each(PROVIDERS)('%s: node, nodes and _entities answer BAD_USER_INPUT with zero upstream calls', async (provider) => {
    graph.resetEmulators();
    const ids = [...HOSTILE, ...FOREIGN[provider]].map((vendorId) => globalId('Conversation', [provider, vendorId, 1_700_000_000_000, null]));
    ids.push(globalId('Message', [provider, '..', null, null, 'm1']), globalId('Member', [provider, 'a/b', null, null, 'sender', 'm1']));
    for (const id of ids) {
      const response = await graph.query(NODE, { id });
      expect(response.errors?.map((error) => error.extensions?.code), id).toEqual(['BAD_USER_INPUT']);
    }
    const many = await graph.query<{ nodes: unknown[] }>(NODES, { ids });
    expect(many.data?.nodes).toEqual(ids.map(() => null));
    expect(new Set(many.errors?.map((error) => error.extensions?.code))).toEqual(new Set(['BAD_USER_INPUT']));
    expect(many.errors).toHaveLength(ids.length);
    const conversationIds = ids.filter((id) => Buffer.from(id, 'base64url').toString('utf8').startsWith('Conversation:'));
    const entities = await graph.query(ENTITIES, { representations: conversationIds.map((id) => ({ __typename: 'Conversation', id })) });
    expect(entities.errors?.length).toBeGreaterThan(0);
    expect(new Set(entities.errors?.map((error) => error.extensions?.code))).toEqual(new Set(['BAD_USER_INPUT']));
    expect(graph.upstreamRequests()).toBe(0);
  });

  it('the ids the graph issues, for every vendor, still find their conversations', async () => {
    const page = await graph.query<{ conversations: { edges: Array<{ node: { id: string; provider: Provider } }> } }>(
      `{ conversations(first: 100) { edges { node { id provider } } } }`,
    );
    const nodes = page.data!.conversations.edges.map((edge) => edge.node);
    expect(new Set(nodes.map((node) => node.provider))).toEqual(new Set(PROVIDERS));
    const found = await graph.query<{ nodes: Array<{ id: string } | null> }>(NODES, { ids: nodes.map((node) => node.id) });
    expect(found.errors).toBeUndefined();
    expect(found.data!.nodes.map((node) => node?.id)).toEqual(nodes.map((node) => node.id));
  });
});
