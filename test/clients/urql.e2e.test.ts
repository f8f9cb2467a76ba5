import { Client, fetchExchange, gql } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { relayPagination } from '@urql/exchange-graphcache/extras';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/domain.js';
import { startTestGraph, type TestGraph } from '../support/graph.js';
import { BACKWARD_PROVIDERS, INBOX, detailsValueTypes, introspection, plainWalk, type InboxPage } from './support.js';

/**
 * urql with Graphcache and `relayPagination()` on `Query.conversations`, with
 * the `keys` the README gives. Graphcache warns about every object it cannot
 * key; the test captures its log and requires it to stay empty.
 */

const PAGE = 100;
const INBOX_DOCUMENT = gql(INBOX);

/**
 * Value types without an id: embedded in their conversation, which docs/clients.md tells urql users to
 * declare: every `ConversationDetails` member and the objects inside them (Intercom's `aiAgent`).
 * (Graphcache already embeds `PageInfo` and `…Connection`/`…Edge` types on its own.)
 */
export const EMBEDDED_TYPES = detailsValueTypes();

/** The names docs/clients.md's urql `keys` example declares, in its order. */
function documentedEmbeddedTypes(): string[] {
  const page = readFileSync(new URL('../../docs/clients.md', import.meta.url), 'utf8');
  const example = page.slice(page.indexOf('## urql Graphcache'));
  return [...example.slice(example.indexOf('keys: {'), example.indexOf('},', example.indexOf('keys: {'))).matchAll(/(\w+): \(\) => null/g)].map((match) => match[1]!);
}

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph.close();
});

function createClient(log: string[], options: { embedded?: readonly string[] } = {}): Client {
  const embedded = options.embedded ?? EMBEDDED_TYPES;
  return new Client({
    url: graph.url,
    // urql sends queries as GET: CSRF prevention (on by default) wants a non-simple header on those (docs/clients.md).
    fetchOptions: { headers: { 'graphql-require-preflight': '1' } },
    requestPolicy: 'cache-and-network',
    exchanges: [
      cacheExchange({
        schema: introspection(),
        keys: Object.fromEntries(embedded.map((typename) => [typename, () => null])),
        resolvers: { Query: { conversations: relayPagination() } },
        logger: (severity, message) => {
          if (severity !== 'debug') log.push(`${severity}: ${message}`);
        },
      }),
      fetchExchange,
    ],
  });
}

type Variables = { first?: number; last?: number; after?: string | null; before?: string | null; providers?: Provider[] };

/** Pages by re-querying with the cursor, as a urql component does; relayPagination answers the merged list. */
async function pageThrough(client: Client, variables: Variables, direction: 'forward' | 'backward'): Promise<{ ids: string[]; pages: number }> {
  let cursor: string | null = null;
  for (let pages = 1; pages <= 200; pages += 1) {
    const vars: Variables = direction === 'forward' ? { ...variables, after: cursor } : { ...variables, before: cursor };
    const result = await client.query<InboxPage, Variables>(INBOX_DOCUMENT, vars, { requestPolicy: 'network-only' }).toPromise();
    expect(result.error).toBeUndefined();
    const merged = result.data!.conversations;
    const more = direction === 'forward' ? merged.pageInfo.hasNextPage : merged.pageInfo.hasPreviousPage;
    if (!more) {
      // The first page's query, read from the cache alone, answers the whole merged list too.
      const cached = client.readQuery<InboxPage, Variables>(INBOX_DOCUMENT, variables);
      expect(cached?.data?.conversations.edges.map((edge) => edge.node.id)).toEqual(merged.edges.map((edge) => edge.node.id));
      return { ids: merged.edges.map((edge) => edge.node.id), pages };
    }
    cursor = direction === 'forward' ? merged.pageInfo.endCursor : merged.pageInfo.startCursor;
  }
  throw new Error('paging did not end');
}

describe('urql + Graphcache relayPagination() over the graph', () => {
  it('forward over every vendor: the merged edges are the plain walk, no missing-key warnings', async () => {
    const expected = await plainWalk(graph.url, { first: PAGE });
    const log: string[] = [];
    const { ids, pages } = await pageThrough(createClient(log), { first: PAGE }, 'forward');
    expect(pages).toBe(Math.ceil(expected.length / PAGE));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected);
    expect(log).toEqual([]);
  });

  it('backward over every vendor: the same sequence, no warnings', async () => {
    const expected = await plainWalk(graph.url, { first: PAGE, providers: BACKWARD_PROVIDERS });
    const log: string[] = [];
    const { ids, pages } = await pageThrough(createClient(log), { last: PAGE, providers: BACKWARD_PROVIDERS }, 'backward');
    expect(pages).toBe(Math.ceil(expected.length / PAGE));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected);
    expect(log).toEqual([]);
  });

  it("docs/clients.md's keys example declares exactly the details' value types of the schema", () => {
    expect(documentedEmbeddedTypes().sort()).toEqual([...EMBEDDED_TYPES].sort());
  });

  it('people and messages need no keys of their own: they carry ids', async () => {
    const log: string[] = [];
    const client = createClient(log);
    const document = gql`
      query ($first: Int) {
        conversations(first: $first) {
          edges { node { id creator { id displayName } members { id displayName } messages(first: 3) { edges { node { id text sender { id displayName } } } } } }
        }
      }
    `;
    const result = await client.query(document, { first: 30 }).toPromise();
    expect(result.error).toBeUndefined();
    expect(log).toEqual([]);
    // The log is really captured: without the details' keys Graphcache names the unkeyed type.
    const withoutKeys = createClient(log, { embedded: [] });
    await withoutKeys.query(INBOX_DOCUMENT, { first: 3, providers: ['SYMBL'] }).toPromise();
    expect(log.some((line) => line.startsWith('warn: Invalid key') && line.includes('SymblConversationDetails'))).toBe(true);
  });
});
