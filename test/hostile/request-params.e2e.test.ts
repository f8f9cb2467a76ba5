import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../support/graph.js';

/**
 * Issue 22, point 5a: every malformed GraphQL-over-HTTP request is a coded 4xx, never HTTP 500, whatever the client
 * accepts, and no vendor is called. Before, an `operationName` that was a number or an object answered
 * HTTP 500 `INTERNAL_SERVER_ERROR` "Unexpected error.", and a request without a document HTTP 200.
 */

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph.close();
});

const DOCUMENT = '{ conversations(first: 1) { edges { node { id } } } }';

const POST_BODIES: Array<[string, string]> = [
  ['operationName a number', JSON.stringify({ query: DOCUMENT, operationName: 5 })],
  ['operationName an object', JSON.stringify({ query: DOCUMENT, operationName: { name: 'x' } })],
  ['operationName an array', JSON.stringify({ query: DOCUMENT, operationName: ['x'] })],
  ['operationName true', JSON.stringify({ query: DOCUMENT, operationName: true })],
  ['operationName naming no operation', JSON.stringify({ query: DOCUMENT, operationName: 'Missing' })],
  ['query a number', JSON.stringify({ query: 5 })],
  ['query an array', JSON.stringify({ query: [DOCUMENT] })],
  ['query an object', JSON.stringify({ query: { kind: 'Document' } })],
  ['query missing', JSON.stringify({ variables: {} })],
  ['query null', JSON.stringify({ query: null })],
  ['variables an array', JSON.stringify({ query: DOCUMENT, variables: [1] })],
  ['variables a string', JSON.stringify({ query: DOCUMENT, variables: '{}' })],
  ['variables a number', JSON.stringify({ query: DOCUMENT, variables: 1 })],
  ['extensions a string', JSON.stringify({ query: DOCUMENT, extensions: 'x' })],
  ['extensions an array', JSON.stringify({ query: DOCUMENT, extensions: [] })],
  ['an unknown parameter', JSON.stringify({ query: DOCUMENT, document: DOCUMENT })],
  ['a batch (array body)', JSON.stringify([{ query: DOCUMENT }])],
  ['a JSON string body', JSON.stringify(DOCUMENT)],
  ['a JSON null body', 'null'],
  ['a body that is not JSON', '{"query": '],
];

const GET_QUERIES: Array<[string, Record<string, string>]> = [
  ['operationName naming no operation', { query: DOCUMENT, operationName: '5' }],
  ['variables an array', { query: DOCUMENT, variables: '[1]' }],
  ['variables not JSON', { query: DOCUMENT, variables: '{' }],
  ['extensions a string', { query: DOCUMENT, extensions: '"x"' }],
  ['extensions not JSON', { query: DOCUMENT, extensions: 'x' }],
  ['no query', {}],
];

const ACCEPTS = ['application/json', 'application/graphql-response+json'];

async function expectCoded4xx(response: Awaited<ReturnType<typeof request>>): Promise<void> {
  const text = await response.body.text();
  expect(response.statusCode, text).toBeGreaterThanOrEqual(400);
  expect(response.statusCode, text).toBeLessThan(500);
  const body = JSON.parse(text) as GraphQLResponse;
  expect(body.errors?.length, text).toBeGreaterThan(0);
  for (const error of body.errors ?? []) {
    expect(error.extensions?.code, text).toEqual(expect.any(String));
    expect(error.extensions?.code, text).not.toBe('INTERNAL_SERVER_ERROR');
  }
  expect(graph.upstreamRequests()).toBe(0);
}

describe('malformed GraphQL-over-HTTP parameters are a coded 4xx before any vendor call', () => {
  describe.each(ACCEPTS)('accept: %s', (accept) => {
    it.each(POST_BODIES)('POST with %s', async (_label, body) => {
      graph.resetEmulators();
      await expectCoded4xx(await request(graph.url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body }));
    });

    it.each(GET_QUERIES)('GET with %s', async (_label, params) => {
      graph.resetEmulators();
      const url = `${graph.url}?${new URLSearchParams(params).toString()}`;
      await expectCoded4xx(await request(url, { method: 'GET', headers: { accept, 'x-graphql-yoga-csrf': '1' } }));
    });
  });

  it('a well-formed request with a string operationName still answers', async () => {
    const response = await request(graph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `query A { __typename } query B ${DOCUMENT}`, operationName: 'B' }),
    });
    expect(response.statusCode).toBe(200);
    const body = (await response.body.json()) as GraphQLResponse<{ conversations: { edges: unknown[] } }>;
    expect(body.errors).toBeUndefined();
    expect(body.data?.conversations.edges).toHaveLength(1);
  });
});
