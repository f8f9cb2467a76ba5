import { Readable } from 'node:stream';
import { getIntrospectionQuery } from 'graphql';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../support/graph.js';

/**
 * Issue 9, points 5 to 8: limits that hold before any upstream call. Each refusal is a coded error, and the
 * emulators' logs show that no vendor was called.
 */

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph.close();
});

async function refused(document: string, variables?: Record<string, unknown>): Promise<NonNullable<GraphQLResponse['errors']>> {
  graph.resetEmulators();
  const response = await graph.query(document, variables);
  expect(response.errors?.length, JSON.stringify(response)).toBeGreaterThan(0);
  expect(response.data ?? null).toBeNull();
  expect(graph.upstreamRequests()).toBe(0);
  return response.errors!;
}

const aliased = (count: number, page: string, messages: string): string =>
  `query ($n: Int) { ${Array.from({ length: count }, (_, index) => `c${index}: conversations(first: ${page}) { edges { node { id messages(first: ${messages}) { edges { node { text } } } } } }`).join(' ')} }`;

describe('cost from the coerced variable values (point 5)', () => {
  it('20 aliases of conversations(first: $n) { messages(first: $n) } with n = 100 are refused with zero upstream calls', async () => {
    const errors = await refused(aliased(20, '$n', '$n'), { n: 100 });
    expect(errors[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'upstreamCalls', maximum: 250 });
    expect(errors[0]?.extensions?.estimate as number).toBeGreaterThan(2000);
  });

  it('the same with literals is refused the same way', async () => {
    const errors = await refused(aliased(20, '100', '100'));
    expect(errors.map((error) => error.extensions?.code)).toContain('GRAPHQL_VALIDATION_FAILED');
  });

  it('one variable page of 100 with creator, members and 5 messages is allowed (estimate under the limit)', async () => {
    const response = await graph.query(
      `query ($n: Int) { conversations(first: $n) { edges { node { creator { displayName } members { displayName } messages(first: 5) { edges { node { text } } } } } } }`,
      { n: 100 },
    );
    expect(response.errors).toBeUndefined();
  });
});

describe('MAX_ESTIMATED_COST is the cost limit (issue 22)', () => {
  // Literal page sizes: graphql-armor's own cost rule multiplies by them (and by 1.5 a level), where a variable counts 1.
  const heavy = '{ conversations(first: 100, providers: [MOVEWORKS_DATA]) { edges { cursor node { id messages(first: 100) { edges { cursor node { id text } } } } } } }';
  let raised: TestGraph;
  beforeAll(async () => {
    raised = await startTestGraph({ env: { MAX_ESTIMATED_COST: '100000', MAX_ESTIMATED_UPSTREAM_CALLS: '1000' } });
  });
  afterAll(async () => {
    await raised.close();
  });

  it('a deployment that raises it is served an operation over the default', async () => {
    const response = await raised.query<{ conversations: { edges: unknown[] } }>(heavy);
    expect(response.errors).toBeUndefined();
    expect(response.data?.conversations.edges.length).toBeGreaterThan(50);
  });

  it('at the default the same operation is refused by the graph\'s estimate, coded, before any vendor call', async () => {
    const errors = await refused(heavy);
    expect(errors[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', maximum: 20_000 });
  });
});

describe('nested arguments are checked before the first vendor call (point 5)', () => {
  it.each([
    ['messages(first: -5)', 'first'],
    ['messages(first: 101)', 'first'],
    ['messages(first: 2, last: 2)', 'first'],
    ['messages(last: 2, after: "x")', 'after'],
  ])('%s', async (field, argument) => {
    const errors = await refused(`{ conversations(first: 3) { edges { node { ${field} { edges { node { text } } } } } } }`);
    expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(errors[0]?.path).toEqual(['conversations', 'edges', 'node', 'messages']);
  });

  it('through a variable, under node', async () => {
    const errors = await refused(`query ($id: ID!, $m: Int) { node(id: $id) { ... on Conversation { messages(first: $m) { edges { node { text } } } } } }`, {
      id: Buffer.from('Conversation:["SYMBL","123",null,null]').toString('base64url'),
      m: -1,
    });
    expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
  });

  it('a createdAt window that ends before it starts', async () => {
    const errors = await refused(`{ conversations(filter: { createdAt: { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" } }) { edges { node { id } } } }`);
    expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.createdAt' });
  });
});

describe('depth, introspection included (point 6)', () => {
  const deepIntrospection = (levels: number): string => `{ __schema { types { fields { type { ${'ofType { '.repeat(levels)}name${' }'.repeat(levels)} } } } } }`;

  it('a 300-level introspection is refused', async () => {
    const errors = await refused(deepIntrospection(300));
    expect(errors.map((error) => error.extensions?.code)).toContain('GRAPHQL_VALIDATION_FAILED');
  });

  it("GraphiQL's introspection query still answers", async () => {
    const response = await graph.query(getIntrospectionQuery());
    expect(response.errors).toBeUndefined();
  });

  describe('with MAX_QUERY_DEPTH=5, the documented graphql-armor bypasses do not get through', () => {
    let shallow: TestGraph;
    beforeAll(async () => {
      shallow = await startTestGraph({ env: { MAX_QUERY_DEPTH: '5' } });
    });
    afterAll(async () => {
      await shallow.close();
    });
    const DEEP = 'conversations(first: 1) { edges { node { messages(first: 1) { edges { node { sender { displayName } } } } } } }';

    it.each([
      ['a fragment named __schema', `{ ...__schema } fragment __schema on Query { ${DEEP} }`],
      ['an operation named __schema', `query __schema { ${DEEP} }`],
      ['an alias named __schema', `{ __schema: ${DEEP} }`],
      ['the deep query itself', `{ ${DEEP} }`],
    ])('%s', async (_label, document) => {
      shallow.resetEmulators();
      const response = await shallow.query(document);
      expect(response.data ?? null).toBeNull();
      expect(response.errors?.map((error) => error.extensions?.code)).toContain('GRAPHQL_VALIDATION_FAILED');
      expect(shallow.upstreamRequests()).toBe(0);
    });
  });
});

describe('input sizes (point 7)', () => {
  it('a string filter value of 257 characters', async () => {
    const errors = await refused(`query ($s: String) { conversations(filter: { symbl: { nameContains: $s } }) { edges { node { id } } } }`, { s: 'x'.repeat(257) });
    expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.symbl.nameContains', maximum: 256 });
  });

  it('a list filter of 101 entries', async () => {
    const ids = Array.from({ length: 101 }, (_, index) => `user-${index}`);
    const errors = await refused(`query ($ids: [String!]) { conversations(filter: { moveworksData: { userIds: $ids } }) { edges { node { id } } } }`, { ids });
    expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.moveworksData.userIds', maximum: 100 });
  });

  it('nodes(ids:) with 2,000 Symbl ids makes no vendor call', async () => {
    const ids = Array.from({ length: 2000 }, (_, index) => Buffer.from(`Conversation:["SYMBL","${4_000_000 + index}",null,null]`).toString('base64url'));
    const errors = await refused(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'ids', maximum: 200 });
  });

  it('a request body over 1 MB answers HTTP 413', async () => {
    graph.resetEmulators();
    const response = await request(graph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ conversations { edges { node { id } } } }', variables: { pad: 'x'.repeat(1_100_000) } }),
    });
    expect(response.statusCode).toBe(413);
    const body = (await response.body.json()) as GraphQLResponse;
    expect(body.errors?.[0]?.extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    expect(graph.upstreamRequests()).toBe(0);
  });

  /** A body sent chunked, with no Content-Length: the limit is counted as the body streams in. */
  async function chunked(padBytes: number): Promise<{ status: number; body: GraphQLResponse }> {
    const text = JSON.stringify({ query: '{ conversations(first: 1) { edges { node { id } } } }', variables: { pad: 'x'.repeat(padBytes) } });
    const chunks = Readable.from(
      (function* () {
        for (let offset = 0; offset < text.length; offset += 64 * 1024) yield Buffer.from(text.slice(offset, offset + 64 * 1024));
      })(),
    );
    const response = await request(graph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: chunks,
    });
    return { status: response.statusCode, body: (await response.body.json()) as GraphQLResponse };
  }

  it('a chunked body (no Content-Length) over 1 MB answers HTTP 413 too, and one under it is served', async () => {
    graph.resetEmulators();
    const over = await chunked(1_100_000);
    expect(over.status).toBe(413);
    expect(over.body.errors?.[0]?.extensions?.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    expect(graph.upstreamRequests()).toBe(0);
    const under = await chunked(200_000);
    expect(under.status).toBe(200);
    expect(under.body.errors).toBeUndefined();
  });

  it('a multipart body (file upload) is refused (HTTP 415), not parsed', async () => {
    const boundary = 'graph-test-boundary';
    const part = (name: string, value: string): string => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const form = part('operations', JSON.stringify({ query: '{ conversations(first: 1) { edges { node { id } } } }' })) + part('map', '{}') + `--${boundary}--\r\n`;
    const response = await request(graph.url, {
      method: 'POST',
      // The preflight header gets it past CSRF prevention (which refuses a form with 403 first): the multipart refusal itself.
      headers: { accept: 'application/json', 'content-type': `multipart/form-data; boundary=${boundary}`, 'x-graphql-yoga-csrf': '1' },
      body: form,
    });
    expect(response.statusCode).toBe(415);
    const text = await response.body.text();
    expect(text).not.toMatch(/at .*\.(js|ts):\d+/);
  });
});

describe('every error is coded (point 8)', () => {
  it.each(['mutation { x }', 'subscription { x }'])('%s', async (document) => {
    const errors = await refused(document);
    expect(errors.every((error) => typeof error.extensions?.code === 'string')).toBe(true);
  });

  it.each([
    ['variables', '{nope'],
    ['extensions', '{nope'],
    ['variables', '[1'],
  ])('GET with malformed %s=%s: a coded 400, no 500', async (name, value) => {
    const url = `${graph.url}?query=${encodeURIComponent('{ __typename }')}&${name}=${encodeURIComponent(value)}`;
    const response = await request(url, { headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' } });
    expect(response.statusCode).toBe(400);
    const body = (await response.body.json()) as GraphQLResponse;
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });
});
