import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../../support/graph.js';

/** Intercom merged with the five other vendors in one connection: its part of the merge is exactly its own walk. */

interface Edge {
  node: { provider: string; providerId: string; createdAt: string };
}
interface Page {
  conversations: { totalCount?: number | null; incompleteProviders: string[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Edge[] };
}
const PAGE = /* GraphQL */ `
  query ($first: Int, $after: String, $providers: [Provider!]) {
    conversations(first: $first, after: $after, providers: $providers) {
      incompleteProviders
      pageInfo { hasNextPage endCursor }
      edges { node { provider providerId createdAt } }
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

async function walk(size: number, providers: string[] | null): Promise<Edge[]> {
  const edges: Edge[] = [];
  let after: string | null = null;
  for (let n = 0; n < 2000; n += 1) {
    const response: GraphQLResponse<Page> = await graph.query<Page>(PAGE, { first: size, after, providers });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    const connection: Page['conversations'] = response.data!.conversations;
    expect(connection.incompleteProviders).toEqual([]);
    edges.push(...connection.edges);
    if (!connection.pageInfo.hasNextPage) return edges;
    after = connection.pageInfo.endCursor;
  }
  throw new Error('walk did not end');
}

describe('six vendors in one connection', () => {
  it('the merged walk holds every vendor, newest first; its Intercom part is Intercom\'s own walk; counts add up', async () => {
    const merged = await walk(50, null);
    const providers = [...new Set(merged.map((edge) => edge.node.provider))];
    expect(providers).toContain('INTERCOM');
    expect(providers.length).toBe(6);
    const keys = merged.map((edge) => `${edge.node.provider}/${edge.node.providerId}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (let i = 1; i < merged.length; i += 1) {
      expect(Date.parse(merged[i - 1]!.node.createdAt)).toBeGreaterThanOrEqual(Date.parse(merged[i]!.node.createdAt));
    }
    const alone = await walk(37, ['INTERCOM']);
    expect(merged.filter((edge) => edge.node.provider === 'INTERCOM').map((edge) => edge.node.providerId)).toEqual(alone.map((edge) => edge.node.providerId));
    const count = async (list: string[] | null) =>
      (await graph.query<Page>(`query ($providers: [Provider!]) { conversations(first: 0, providers: $providers) { totalCount } }`, { providers: list })).data!.conversations.totalCount;
    const each = await Promise.all(providers.map((provider) => count([provider])));
    expect(await count(null)).toBe(each.reduce((sum: number, value) => sum + (value ?? 0), 0));
    expect(await count(null)).toBe(merged.length);
  });
});
