import { ApolloClient, HttpLink, InMemoryCache, gql, type ObservableQuery } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Provider } from '../../src/domain.js';
import { startTestGraph, type TestGraph } from '../support/graph.js';
import { BACKWARD_PROVIDERS, INBOX, plainWalk, possibleTypes, type InboxPage } from './support.js';

/**
 * Apollo Client 4 over HTTP with the cache configuration the README gives:
 * `relayStylePagination(["providers", "filter"])` on `Query.conversations`.
 * After paging with `fetchMore`, the cache's merged edges must be exactly
 * what a plain walk of the graph returns.
 */

const PAGE = 100;
const INBOX_DOCUMENT = gql(INBOX);

let graph: TestGraph;
let warnings: unknown[][];
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph.close();
});
afterEach(() => vi.restoreAllMocks());

function createClient(): ApolloClient {
  warnings = [];
  for (const level of ['warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void warnings.push([level, ...args]));
  }
  return new ApolloClient({
    link: new HttpLink({ uri: graph.url }),
    cache: new InMemoryCache({
      possibleTypes: possibleTypes(),
      typePolicies: { Query: { fields: { conversations: relayStylePagination(['providers', 'filter']) } } },
    }),
  });
}

type Variables = { first?: number; last?: number; after?: string | null; before?: string | null; providers?: Provider[] };

async function firstResult(observable: ObservableQuery<InboxPage, Variables>): Promise<InboxPage> {
  return new Promise((resolve, reject) => {
    const subscription = observable.subscribe({
      next: (result) => {
        if (result.dataState === 'complete') {
          resolve(result.data as InboxPage);
          queueMicrotask(() => subscription.unsubscribe());
        }
      },
      error: reject,
    });
  });
}

/** Pages with fetchMore until the end; answers the cache's merged edges (read back from the cache itself). */
async function pageThrough(client: ApolloClient, variables: Variables, direction: 'forward' | 'backward'): Promise<{ ids: string[]; pages: number }> {
  const observable = client.watchQuery<InboxPage, Variables>({ query: INBOX_DOCUMENT, variables });
  // Keep it watched while paging, as a mounted component would.
  const watching = observable.subscribe({});
  let merged = await firstResult(observable);
  let pages = 1;
  for (;;) {
    const { pageInfo } = merged.conversations;
    const more = direction === 'forward' ? pageInfo.hasNextPage : pageInfo.hasPreviousPage;
    if (!more) break;
    const page = await observable.fetchMore({
      variables: direction === 'forward' ? { after: pageInfo.endCursor } : { before: pageInfo.startCursor },
    });
    expect(page.error).toBeUndefined();
    pages += 1;
    merged = client.readQuery<InboxPage, Variables>({ query: INBOX_DOCUMENT, variables })!;
    if (pages > 200) throw new Error('paging did not end');
  }
  watching.unsubscribe();
  return { ids: merged.conversations.edges.map((edge) => edge.node.id), pages };
}

describe('Apollo Client 4: InMemoryCache + relayStylePagination over the graph', () => {
  it('forward over every vendor: the merged edges are the plain walk, in order, without duplicates', async () => {
    const expected = await plainWalk(graph.url, { first: PAGE });
    const client = createClient();
    const { ids, pages } = await pageThrough(client, { first: PAGE }, 'forward');
    expect(pages).toBe(Math.ceil(expected.length / PAGE));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected);
    expect(warnings).toEqual([]);
    // People are normalized records of their own: the cache holds them by id.
    const cached = client.cache.extract() as Record<string, { __typename?: string }>;
    expect(Object.values(cached).some((record) => record.__typename === 'Creator')).toBe(true);
  });

  it('backward (last/before) over every vendor: the same sequence as walking forward', async () => {
    const expected = await plainWalk(graph.url, { first: PAGE, providers: BACKWARD_PROVIDERS });
    const client = createClient();
    const { ids, pages } = await pageThrough(client, { last: PAGE, providers: BACKWARD_PROVIDERS }, 'backward');
    expect(pages).toBe(Math.ceil(expected.length / PAGE));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  it('keeps lists with other providers or filters apart (the key arguments)', async () => {
    const client = createClient();
    const variables = [{ first: 5, providers: ['SYMBL'] as Provider[] }, { first: 5, providers: ['CHATBASE'] as Provider[] }];
    for (const vars of variables) await client.query<InboxPage, Variables>({ query: INBOX_DOCUMENT, variables: vars });
    for (const vars of variables) {
      const read = client.readQuery<InboxPage, Variables>({ query: INBOX_DOCUMENT, variables: vars })!;
      expect(new Set(read.conversations.edges.map((edge) => edge.node.provider))).toEqual(new Set(vars.providers));
    }
  });
});
