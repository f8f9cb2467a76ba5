import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redisAvailable, startRedis, type RedisServer } from './support/redis.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from './support/graph.js';

/**
 * Issue 22, point 2: RESPONSE_CACHE_TTL_MS caches whole query results (off when unset). The emulators count every
 * upstream request, so "served from the cache" is "no vendor was called".
 */

const PAGE = /* GraphQL */ `
  query Page($first: Int) {
    conversations(first: $first) { pageInfo { endCursor } edges { node { id provider title } } }
  }
`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: GraphQLResponse;
  text: string;
}

async function post(graph: TestGraph, document: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await request(graph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query: document, variables }),
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body: text ? (JSON.parse(text) as GraphQLResponse) : {}, text };
}

/** Upstream requests a request made (the emulators' logs, reset before it). */
async function callsOf(graph: TestGraph, send: () => Promise<Answer>): Promise<{ answer: Answer; calls: number }> {
  graph.resetEmulators();
  const answer = await send();
  return { answer, calls: graph.upstreamRequests() };
}

describe('off by default', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph({ only: ['FLASHBACK', 'SYMBL'] });
  });
  afterAll(() => graph.close());

  it('every repeated page calls the vendors again, with no ETag', async () => {
    const first = await callsOf(graph, () => post(graph, PAGE, { first: 5 }));
    const again = await callsOf(graph, () => post(graph, PAGE, { first: 5 }));
    expect(first.calls).toBeGreaterThan(0);
    expect(again.calls).toBe(first.calls);
    expect(again.answer.headers.etag).toBeUndefined();
    expect(again.answer.headers['cache-control']).toBeUndefined();
  });
});

describe('RESPONSE_CACHE_TTL_MS=60000, in memory', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph({ only: ['FLASHBACK', 'SYMBL'], env: { RESPONSE_CACHE_TTL_MS: '60000' } });
  });
  afterAll(() => graph.close());

  it('a repeated page makes no upstream call and answers the same, with ETag and Cache-Control: private', async () => {
    const first = await callsOf(graph, () => post(graph, PAGE, { first: 6 }));
    expect(first.answer.body.errors).toBeUndefined();
    expect(first.calls).toBeGreaterThan(0);
    expect(first.answer.headers['cache-control']).toBe('private, max-age=60');
    expect(first.answer.headers.etag).toEqual(expect.any(String));
    const again = await callsOf(graph, () => post(graph, PAGE, { first: 6 }));
    expect(again.calls).toBe(0);
    expect(again.answer.body.data).toEqual(first.answer.body.data);
    expect(again.answer.headers.etag).toBe(first.answer.headers.etag);
    expect(again.answer.headers['cache-control']).toBe('private, max-age=60');
  });

  it('answers If-None-Match with its ETag by 304, without calling a vendor', async () => {
    const first = await post(graph, PAGE, { first: 7 });
    const etag = String(first.headers.etag);
    const revalidated = await callsOf(graph, () => post(graph, PAGE, { first: 7 }, { 'if-none-match': etag }));
    expect(revalidated.answer.status).toBe(304);
    expect(revalidated.answer.text).toBe('');
    expect(revalidated.calls).toBe(0);
  });

  it('keys by variables and by credential: another page or another caller calls the vendors', async () => {
    await post(graph, PAGE, { first: 8 }, { authorization: 'Bearer alice' });
    expect((await callsOf(graph, () => post(graph, PAGE, { first: 8 }, { authorization: 'Bearer alice' }))).calls).toBe(0);
    expect((await callsOf(graph, () => post(graph, PAGE, { first: 8 }, { authorization: 'Bearer bob' }))).calls).toBeGreaterThan(0);
    expect((await callsOf(graph, () => post(graph, PAGE, { first: 8 }))).calls).toBeGreaterThan(0);
    expect((await callsOf(graph, () => post(graph, PAGE, { first: 9 }, { authorization: 'Bearer alice' }))).calls).toBeGreaterThan(0);
  });

  it('never serves a vendor error from the cache', async () => {
    graph.resetEmulators();
    graph.emulators.emulators.SYMBL!.injectFault({ kind: 'status500', count: 10 });
    const failed = await post(graph, PAGE, { first: 10 });
    expect(failed.body.errors?.map((error) => error.extensions?.provider)).toContain('SYMBL');
    expect(failed.headers.etag).toBeUndefined();
    const again = await callsOf(graph, () => post(graph, PAGE, { first: 10 }));
    expect(again.calls).toBeGreaterThan(0);
    expect(again.answer.body.errors).toBeUndefined();
  });

  it('never caches a look-up that found nothing (nodes of an unknown id)', async () => {
    const page = await post(graph, PAGE, { first: 1 });
    const known = (page.body.data as { conversations: { edges: Array<{ node: { id: string } }> } }).conversations.edges[0]!.node.id;
    const unknown = Buffer.from(`Conversation:${JSON.stringify(['FLASHBACK', 'missing', 0, null])}`).toString('base64url');
    const NODES = 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }';
    const first = await post(graph, NODES, { ids: [known, unknown] });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data).toEqual({ nodes: [{ id: known }, null] });
    expect(first.headers.etag).toBeUndefined();
    expect((await callsOf(graph, () => post(graph, NODES, { ids: [known, unknown] }))).calls).toBeGreaterThan(0);
    // Found ids alone are cached like any result.
    await post(graph, NODES, { ids: [known] });
    expect((await callsOf(graph, () => post(graph, NODES, { ids: [known] }))).calls).toBe(0);
  });
});

describe('after the TTL', () => {
  let graph: TestGraph;
  const TTL_MS = 300;
  beforeAll(async () => {
    graph = await startTestGraph({ only: ['FLASHBACK'], env: { RESPONSE_CACHE_TTL_MS: String(TTL_MS) } });
  });
  afterAll(() => graph.close());

  it('the vendors are called again', async () => {
    const first = await callsOf(graph, () => post(graph, PAGE, { first: 3 }));
    expect((await callsOf(graph, () => post(graph, PAGE, { first: 3 }))).calls).toBe(0);
    // Waiting out the cache's own clock is the point here (no server is waited for).
    await sleep(TTL_MS + 100);
    expect((await callsOf(graph, () => post(graph, PAGE, { first: 3 }))).calls).toBe(first.calls);
  });
});

describe.runIf(redisAvailable())('two replicas on one Redis (REDIS_URL)', () => {
  let redis: RedisServer;
  let replicas: TestGraph[];
  beforeAll(async () => {
    redis = await startRedis();
    const env = { RESPONSE_CACHE_TTL_MS: '60000', REDIS_URL: redis.url, CURSOR_SECRET: 'response-cache-test' };
    replicas = await Promise.all([startTestGraph({ only: ['FLASHBACK', 'SYMBL'], env }), startTestGraph({ only: ['FLASHBACK', 'SYMBL'], env })]);
    for (const replica of replicas) await vi.waitFor(() => expect(replica.graph.sharedState.fallback()).toBe(false), { timeout: 10_000 });
  }, 30_000);
  afterAll(async () => {
    await Promise.all((replicas ?? []).map((replica) => replica.close()));
    await redis?.stop();
  });

  it("share an entry: the second replica answers from the first one's result without calling a vendor", async () => {
    const [a, b] = replicas as [TestGraph, TestGraph];
    const first = await callsOf(a, () => post(a, PAGE, { first: 4 }));
    expect(first.calls).toBeGreaterThan(0);
    const other = await callsOf(b, () => post(b, PAGE, { first: 4 }));
    expect(other.calls).toBe(0);
    expect(other.answer.body.data).toEqual(first.answer.body.data);
    expect(other.answer.headers.etag).toBe(first.answer.headers.etag);
  });
});
