import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { relayStylePagination } from '@apollo/client/utilities';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { ConversationDetailDocument, InboxDocument } from '../../schema/generated/graphql.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../support/graph.js';
import { possibleTypes } from './support.js';

/**
 * Trusted documents: codegen's client preset hashes schema/operations into
 * schema/generated/persisted-documents.json, and PERSISTED_OPERATIONS=only
 * makes the graph run those hashes and nothing else.
 */

const hashOf = (document: unknown): string => {
  const hash = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  if (typeof hash !== 'string') throw new Error('the typed document carries no hash');
  return hash;
};

async function post(graph: TestGraph, body: Record<string, unknown>): Promise<GraphQLResponse<{ conversations?: { edges: unknown[] } }>> {
  const response = await fetch(graph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as GraphQLResponse<{ conversations?: { edges: unknown[] } }>;
}

const INBOX_VARIABLES = { first: 3 };

describe('PERSISTED_OPERATIONS=only', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph({ env: { PERSISTED_OPERATIONS: 'only' } });
  });
  afterAll(() => graph.close());

  it('runs a manifest operation sent by documentId, or by Apollo persisted-query hash', async () => {
    const byDocumentId = await post(graph, { documentId: hashOf(InboxDocument), variables: INBOX_VARIABLES });
    expect(byDocumentId.errors).toBeUndefined();
    expect(byDocumentId.data?.conversations?.edges).toHaveLength(3);
    const byExtension = await post(graph, {
      extensions: { persistedQuery: { version: 1, sha256Hash: hashOf(InboxDocument) } },
      variables: INBOX_VARIABLES,
    });
    expect(byExtension).toEqual(byDocumentId);
    // Every operation of schema/operations is in the manifest.
    const detail = await post(graph, { documentId: hashOf(ConversationDetailDocument), variables: { id: 'bm90LW91cnM' } });
    expect(detail.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('Apollo Client (PersistedQueryLink, InMemoryCache) pages through it sending hashes only', async () => {
    const sent: Array<Record<string, unknown>> = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      sent.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
      return fetch(input, init);
    };
    const client = new ApolloClient({
      link: new PersistedQueryLink({ generateHash: (document) => hashOf(document) }).concat(new HttpLink({ uri: graph.url, fetch: recordingFetch })),
      cache: new InMemoryCache({
        possibleTypes: possibleTypes(),
        typePolicies: { Query: { fields: { conversations: relayStylePagination(['providers', 'filter']) } } },
      }),
    });
    const first = await client.query({ query: InboxDocument, variables: { first: 5 } });
    expect(first.error).toBeUndefined();
    // Same cache field (the key arguments leave `after` out): the next page has to come from the network.
    const after = first.data!.conversations.pageInfo.endCursor;
    const second = await client.query({ query: InboxDocument, variables: { first: 5, after }, fetchPolicy: 'network-only' });
    expect(second.error).toBeUndefined();
    const merged = client.readQuery({ query: InboxDocument, variables: { first: 5 } })!;
    const plain = await post(graph, { documentId: hashOf(InboxDocument), variables: { first: 10 } });
    expect(merged.conversations.edges.map((edge) => edge.node.id)).toEqual(
      (plain.data!.conversations!.edges as Array<{ node: { id: string } }>).map((edge) => edge.node.id),
    );
    expect(sent).toHaveLength(2);
    for (const body of sent) {
      expect(body.query).toBeUndefined();
      expect(body.extensions).toMatchObject({ persistedQuery: { version: 1, sha256Hash: hashOf(InboxDocument) } });
    }
  });

  it('refuses any document, an unknown hash or no operation with a coded error, before any upstream call', async () => {
    graph.resetEmulators();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ query: print(InboxDocument), variables: INBOX_VARIABLES }, 'PERSISTED_OPERATION_REQUIRED'],
      [{ query: '{ conversations(first: 1) { edges { cursor } } }' }, 'PERSISTED_OPERATION_REQUIRED'],
      [{ query: print(InboxDocument), documentId: hashOf(InboxDocument), variables: INBOX_VARIABLES }, 'PERSISTED_OPERATION_REQUIRED'],
      [{ documentId: '0'.repeat(64) }, 'PERSISTED_OPERATION_NOT_FOUND'],
      [{ documentId: '__proto__' }, 'PERSISTED_OPERATION_NOT_FOUND'],
      [{ variables: INBOX_VARIABLES }, 'PERSISTED_OPERATION_REQUIRED'],
    ];
    for (const [body, code] of cases) {
      const response = await post(graph, body);
      expect(response.data ?? null, JSON.stringify(body).slice(0, 80)).toBeNull();
      expect(response.errors?.map((error) => error.extensions?.code), JSON.stringify(body).slice(0, 80)).toEqual([code]);
    }
    expect(graph.upstreamRequests()).toBe(0);
  });
});

describe('PERSISTED_OPERATIONS=accept and the default (off)', () => {
  let accepting: TestGraph;
  let open: TestGraph;
  beforeAll(async () => {
    [accepting, open] = await Promise.all([startTestGraph({ env: { PERSISTED_OPERATIONS: 'accept' } }), startTestGraph()]);
  });
  afterAll(() => Promise.all([accepting.close(), open.close()]));

  it('accept runs both manifest hashes and documents', async () => {
    const byHash = await post(accepting, { documentId: hashOf(InboxDocument), variables: INBOX_VARIABLES });
    const byDocument = await post(accepting, { query: print(InboxDocument), variables: INBOX_VARIABLES });
    expect(byHash.errors).toBeUndefined();
    expect(byDocument).toEqual(byHash);
    const unknown = await post(accepting, { documentId: 'f'.repeat(64) });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('PERSISTED_OPERATION_NOT_FOUND');
  });

  it('off (the default) runs documents and knows nothing of hashes', async () => {
    expect(open.config.persistedOperations.mode).toBe('off');
    const byDocument = await post(open, { query: print(InboxDocument), variables: INBOX_VARIABLES });
    expect(byDocument.errors).toBeUndefined();
    const byHash = await post(open, { documentId: hashOf(InboxDocument), variables: INBOX_VARIABLES });
    expect(byHash.data ?? null).toBeNull();
    expect(byHash.errors).toHaveLength(1);
  });
});

describe('PERSISTED_OPERATIONS configuration', () => {
  const directory = mkdtempSync(join(tmpdir(), 'persisted-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  };

  it('lists a bad mode, a missing manifest and a tampered entry before serving', () => {
    expect(problemsOf({ PERSISTED_OPERATIONS: 'sometimes' })).toEqual([expect.stringContaining('PERSISTED_OPERATIONS must be one of off, accept, only')]);
    expect(problemsOf({ PERSISTED_OPERATIONS: 'only', PERSISTED_OPERATIONS_MANIFEST: join(directory, 'missing.json') })).toEqual([
      expect.stringContaining('cannot be read as JSON'),
    ]);
    const tampered = join(directory, 'tampered.json');
    writeFileSync(tampered, JSON.stringify({ [hashOf(InboxDocument)]: '{ conversations(first: 100) { totalCount } }' }));
    expect(problemsOf({ PERSISTED_OPERATIONS: 'only', PERSISTED_OPERATIONS_MANIFEST: tampered })).toEqual([
      expect.stringContaining('is not the sha256 of its operation'),
    ]);
    expect(problemsOf({})).toEqual([]);
  });
});
