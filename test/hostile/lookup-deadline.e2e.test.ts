import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../support/graph.js';

/**
 * Issue 22, point 5c: `node`/`nodes` look-ups get their own share of the deadline (LOOKUP_DEADLINE_SHARE_PCT, 60 %
 * by default), as the list of conversations does. One `nodes` list is one batch for all vendors, so before, a
 * vendor that hung on its look-up held every other vendor's objects until the deadline, and their nested fields
 * (messages) then failed for want of time.
 */

const DEADLINE_MS = 2000;
const LOOKUP_SHARE = 0.6;

const NODES = /* GraphQL */ `
  query ($ids: [ID!]!) {
    nodes(ids: $ids) {
      id
      ... on Conversation { provider messages(first: 2) { edges { node { text } } } }
    }
  }
`;
interface NodesData {
  nodes: Array<{ id: string; provider: string; messages: { edges: unknown[] } | null } | null>;
}

let graph: TestGraph;
let ids: { hanging: string; answering: string };
beforeAll(async () => {
  graph = await startTestGraph({
    only: ['FLASHBACK', 'SYMBL'],
    env: { REQUEST_DEADLINE_MS: String(DEADLINE_MS), UPSTREAM_TIMEOUT_MS: '3000', UPSTREAM_MAX_ATTEMPTS: '3' },
  });
  const first = async (provider: string) =>
    (await graph.query<{ conversations: { edges: Array<{ node: { id: string } }> } }>(
      `query ($p: [Provider!]) { conversations(first: 1, providers: $p) { edges { node { id } } } }`,
      { p: [provider] },
    )).data!.conversations.edges[0]!.node.id;
  ids = { hanging: await first('FLASHBACK'), answering: await first('SYMBL') };
});
afterAll(async () => {
  await graph.close();
});

describe('look-ups get their own share of the deadline', () => {
  it('a vendor hanging on its look-up costs its own ids only: the others come back with their messages', { retry: 2 }, async () => {
    graph.resetEmulators();
    // Flashback finds a conversation again through its list endpoint.
    graph.emulators.emulators.FLASHBACK!.injectFault({ kind: 'hang', count: 10_000, endpoint: 'listConversations' });
    // A real vendor's latency: Symbl's look-up and its messages take 300 ms each.
    graph.emulators.emulators.SYMBL!.setLatency({ fixedMs: 300 });
    const started = performance.now();
    const response: GraphQLResponse<NodesData> = await graph.query<NodesData>(NODES, { ids: [ids.hanging, ids.answering] });
    const elapsed = performance.now() - started;
    graph.resetEmulators();

    expect(elapsed).toBeLessThan(DEADLINE_MS + 100);
    // The look-up gave up on Flashback at its share of the deadline.
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS * LOOKUP_SHARE - 20);
    expect(response.data?.nodes[0]).toBeNull();
    expect(response.data?.nodes[1]).toMatchObject({ id: ids.answering, provider: 'SYMBL' });
    expect(response.data?.nodes[1]?.messages?.edges.length).toBe(2);
    expect(response.errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.provider, error.extensions?.deadline])).toEqual([
      [['nodes', 0], 'UPSTREAM_TIMEOUT', 'FLASHBACK', true],
    ]);
  });

  it('`node` alone: a hanging look-up answers at its share, coded', { retry: 2 }, async () => {
    graph.resetEmulators();
    graph.emulators.emulators.FLASHBACK!.injectFault({ kind: 'hang', count: 10_000, endpoint: 'listConversations' });
    const started = performance.now();
    const response = await graph.query(`query ($id: ID!) { node(id: $id) { id } }`, { id: ids.hanging });
    const elapsed = performance.now() - started;
    graph.resetEmulators();
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS * LOOKUP_SHARE - 20);
    expect(elapsed).toBeLessThan(DEADLINE_MS * LOOKUP_SHARE + 300);
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['UPSTREAM_TIMEOUT']);
  });
});
