import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/domain.js';
import { PROVIDERS } from '../../src/vendors/vendors.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../support/graph.js';

/**
 * Issue 9, point 1: a page always makes progress. Either it is full, or it ends, or it answers what it has with
 * an `endCursor` that resumes past the range it scanned, so a client following `endCursor` always advances.
 */

interface Node {
  provider: Provider;
  providerId: string;
  createdAt: string;
  details: { name?: string | null } | null;
}
interface Page {
  conversations: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ node: Node }>;
  };
}

const PAGE = /* GraphQL */ `
  query ($first: Int, $after: String, $providers: [Provider!], $filter: ConversationFilter) {
    conversations(first: $first, after: $after, providers: $providers, filter: $filter) {
      pageInfo { hasNextPage endCursor }
      edges { node { provider providerId createdAt details { ... on SymblConversationDetails { name } } } }
    }
  }
`;

const key = (node: Node): string => `${node.provider}/${node.providerId}`;

interface Walk {
  nodes: Node[];
  pages: number;
  /** Upstream requests of each page, from the emulators' logs. */
  costs: number[];
}

/** Follows `endCursor` the way a client does; fails on a page that neither ends nor gives a cursor. */
async function walk(graph: TestGraph, sizes: number[], variables: Record<string, unknown>, maxPages = 2000): Promise<Walk> {
  const nodes: Node[] = [];
  const costs: number[] = [];
  let after: string | null = null;
  for (let page = 0; page < maxPages; page += 1) {
    const first = sizes[page % sizes.length] as number;
    const before = graph.upstreamRequests();
    const response: GraphQLResponse<Page> = await graph.query<Page>(PAGE, { ...variables, first, after });
    costs.push(graph.upstreamRequests() - before);
    expect(response.errors).toBeUndefined();
    const connection = (response.data as Page).conversations;
    nodes.push(...connection.edges.map((edge) => edge.node));
    if (!connection.pageInfo.hasNextPage) return { nodes, pages: page + 1, costs };
    // The promise under test: a page that may continue always says where.
    expect(connection.pageInfo.endCursor).not.toBeNull();
    expect(connection.pageInfo.endCursor).not.toBe(after);
    after = connection.pageInfo.endCursor;
  }
  throw new Error(`the walk did not end within ${maxPages} pages`);
}

function expectExactlyOnce(nodes: Node[], expected: Node[]): void {
  const keys = nodes.map(key);
  expect(new Set(keys).size).toBe(keys.length);
  expect([...keys].sort()).toEqual(expected.map(key).sort());
  // Newest first across vendors.
  for (let index = 1; index < nodes.length; index += 1) {
    expect(Date.parse((nodes[index - 1] as Node).createdAt)).toBeGreaterThanOrEqual(Date.parse((nodes[index] as Node).createdAt));
  }
}

const SYMBL_SIZE = 3000;

describe('a local filter that matches nothing does not stall the merged list (Symbl: 3,000 conversations)', () => {
  let graph: TestGraph;
  let everything: Node[];
  beforeAll(async () => {
    graph = await startTestGraph({ emulators: { sizes: { SYMBL: SYMBL_SIZE } } });
    everything = (await walk(graph, [100], {})).nodes;
  });
  afterAll(async () => {
    await graph.close();
  });

  it('the first page of the issue has edges or a cursor, and a walk of pages of 5 reaches the other four vendors in bounded pages', async () => {
    const filter = { symbl: { nameContains: 'no-such-name-zzzz' } };
    const first = await graph.query<Page>(PAGE, { first: 5, filter });
    const page = (first.data as Page).conversations;
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.edges.length > 0 || page.pageInfo.endCursor !== null).toBe(true);
    const walked = await walk(graph, [5], { filter });
    expectExactlyOnce(walked.nodes, everything.filter((node) => node.provider !== 'SYMBL'));
    // Per page, each vendor's stream is asked at most 21 times (the first ask and 20 refills).
    console.log(
      `all vendors, 3,000 Symbl items matching nothing, pages of 5: ${walked.pages} pages, ` +
        `${walked.costs.reduce((a, b) => a + b, 0)} upstream requests, at most ${Math.max(...walked.costs)} per page`,
    );
  });

  it('Symbl and Flashback alone: at most 21 requests per vendor per page', async () => {
    const filter = { symbl: { nameContains: 'no-such-name-zzzz' } };
    graph.resetEmulators();
    const walked = await walk(graph, [5], { filter, providers: ['FLASHBACK', 'SYMBL'] });
    const symblRequests = graph.emulators.emulators.SYMBL?.requestLog.length ?? 0;
    expectExactlyOnce(walked.nodes, everything.filter((node) => node.provider === 'FLASHBACK'));
    expect(Math.max(...walked.costs)).toBeLessThanOrEqual(2 * 21);
    console.log(
      `Flashback + 3,000 Symbl items matching nothing, pages of 5: ${walked.pages} pages, ` +
        `${walked.costs.reduce((a, b) => a + b, 0)} upstream requests (${symblRequests} to Symbl), ` +
        `at most ${Math.max(...walked.costs)} per page; pages of the first 3: ${walked.costs.slice(0, 3).join(', ')} requests`,
    );
  });

  it('random filters, including ones that match nothing in Symbl, never stall a walk (property)', async () => {
    const names = ['no-such-name-zzzz', 'no-such-name-zzzz', 'a', 'sync', 'review', 'Ω'];
    const newest = Date.parse((everything[0] as Node).createdAt);
    const oldest = Date.parse((everything[everything.length - 1] as Node).createdAt);
    const others: Provider[] = PROVIDERS.filter((provider) => provider !== 'SYMBL');
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          nameContains: fc.option(fc.constantFrom(...names), { nil: undefined }),
          // Start and length of a createdAt window, in percent of the data's span.
          window: fc.option(fc.tuple(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 10, max: 100 })), { nil: undefined }),
          providers: fc.subarray(others, { minLength: 1, maxLength: 2 }),
          sizes: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 3 }),
        }),
        async ({ nameContains, window, providers, sizes }) => {
          const filter: Record<string, unknown> = {};
          let from = -Infinity;
          let to = Infinity;
          if (window) {
            const [start, length] = window;
            from = Math.round(oldest + ((newest - oldest) * start) / 100);
            to = Math.min(newest + 1, Math.round(from + ((newest - oldest) * length) / 100));
            filter.createdAt = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
          }
          if (nameContains !== undefined) filter.symbl = { nameContains };
          const chosen = [...providers, 'SYMBL'];
          const expected = everything.filter((node) => {
            if (!chosen.includes(node.provider)) return false;
            const at = Date.parse(node.createdAt);
            if (at < from || at >= to) return false;
            if (nameContains !== undefined && node.provider === 'SYMBL') {
              return (node.details?.name ?? '').toLowerCase().includes(nameContains.toLowerCase());
            }
            return true;
          });
          const walked = await walk(graph, sizes, { filter, providers: chosen });
          expectExactlyOnce(walked.nodes, expected);
        },
      ),
      { numRuns: 10, seed: 9 },
    );
  });
});
