import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../support/graph.js';

/**
 * Issue 22, point 4: CSRF prevention is on by default, in every profile, as Apollo Router and Apollo Server have it
 * (it was on only with NODE_ENV=production). A page on another origin can make a browser send a GET (a link, an
 * image) or a form POST without any preflight; those are refused before any vendor is called, unless they carry a
 * header no simple request can. `CSRF_PREVENTION=false` turns it off.
 */

const QUERY = '{ conversations(first: 1) { totalCount } }';
const FOREIGN = 'https://attacker.example';

let protectedGraph: TestGraph;
let unprotectedGraph: TestGraph;
beforeAll(async () => {
  [protectedGraph, unprotectedGraph] = await Promise.all([
    startTestGraph({ only: ['FLASHBACK'] }),
    startTestGraph({ only: ['FLASHBACK'], env: { CSRF_PREVENTION: 'false' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([protectedGraph?.close(), unprotectedGraph?.close()]);
});

async function send(url: string, init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }) {
  const response = await request(url, init);
  const text = await response.body.text();
  return { status: response.statusCode, body: JSON.parse(text) as GraphQLResponse };
}

const getUrl = (graph: TestGraph) => `${graph.url}?query=${encodeURIComponent(QUERY)}`;
const FORM_POSTS: Array<[string, string, string]> = [
  ['an HTML form (urlencoded)', 'application/x-www-form-urlencoded', `query=${encodeURIComponent(QUERY)}`],
  ['an HTML form (text/plain)', 'text/plain', JSON.stringify({ query: QUERY })],
  ['an HTML form (multipart)', 'multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n${QUERY}\r\n--x--\r\n`],
];

describe('CSRF prevention by default (no NODE_ENV)', () => {
  it('refuses a header-less GET with 403 CSRF_PREVENTED before any vendor call', async () => {
    protectedGraph.resetEmulators();
    const answer = await send(getUrl(protectedGraph), { method: 'GET', headers: { accept: 'application/json', origin: FOREIGN } });
    expect(answer.status).toBe(403);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('CSRF_PREVENTED');
    expect(answer.body.data ?? null).toBeNull();
    expect(protectedGraph.upstreamRequests()).toBe(0);
  });

  it.each(FORM_POSTS)('refuses a POST from %s on another origin', async (_label, contentType, body) => {
    protectedGraph.resetEmulators();
    const answer = await send(protectedGraph.url, { method: 'POST', headers: { 'content-type': contentType, origin: FOREIGN }, body });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.body.data ?? null).toBeNull();
    expect(protectedGraph.upstreamRequests()).toBe(0);
    if (!contentType.startsWith('multipart/')) expect(answer.body.errors?.[0]?.extensions?.code).toBe('CSRF_PREVENTED');
  });

  it('answers a GET that carries a preflight header, and a JSON POST, which no form can send', async () => {
    for (const header of ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'graphql-require-preflight', 'x-apollo-operation-name']) {
      const answer = await send(getUrl(protectedGraph), { method: 'GET', headers: { accept: 'application/json', [header]: '1' } });
      expect(answer.status, header).toBe(200);
      expect(answer.body.data, header).toEqual({ conversations: { totalCount: 260 } });
    }
    const post = await send(protectedGraph.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
    expect(post.status).toBe(200);
    expect(post.body.data).toEqual({ conversations: { totalCount: 260 } });
  });

  it('serves GraphiQL (its page is a GET for text/html; its queries are JSON POSTs)', async () => {
    const page = await request(protectedGraph.url, { method: 'GET', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(await page.body.text()).toMatch(/graphiql/i);
  });

  it('CSRF_PREVENTION=false answers the header-less GET and the form POST', async () => {
    const answer = await send(getUrl(unprotectedGraph), { method: 'GET', headers: { accept: 'application/json' } });
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ conversations: { totalCount: 260 } });
    const form = await send(unprotectedGraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `query=${encodeURIComponent(QUERY)}`,
    });
    expect(form.status).toBe(200);
  });
});
