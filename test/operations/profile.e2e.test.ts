import { spawn } from 'node:child_process';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Client, fetchExchange } from '@urql/core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../support/graph.js';

const PRODUCTION = { NODE_ENV: 'production', CURSOR_SECRET: 'a-production-secret-for-tests' };
const INTROSPECTION_QUERY = '{ __schema { queryType { name } } }';

async function post(graph: TestGraph, body: unknown, headers: Record<string, string> = {}) {
  const response = await request(graph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, headers: response.headers, body: (await response.body.json()) as GraphQLResponse };
}

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await request(url, { method: 'GET', headers });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

const codes = (response: GraphQLResponse): unknown[] => (response.errors ?? []).map((error) => error.extensions?.code);

describe('the production profile (NODE_ENV=production)', () => {
  let production: TestGraph;
  let development: TestGraph;

  beforeAll(async () => {
    [production, development] = await Promise.all([
      startTestGraph({ only: ['FLASHBACK', 'SYMBL'], env: PRODUCTION }),
      startTestGraph({ only: ['FLASHBACK', 'SYMBL'] }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([production?.close(), development?.close()]);
  });

  it('refuses introspection at validation, while __typename (which clients add) still works', async () => {
    const refused = await post(production, { query: INTROSPECTION_QUERY });
    expect(refused.body.data).toBeUndefined();
    expect(new Set(codes(refused.body))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    expect(refused.body.errors?.[0]?.message).toMatch(/introspection has been disabled/i);
    const typename = await post(production, { query: '{ __typename }' });
    expect(typename.body).toEqual({ data: { __typename: 'Query' } });
    // Development keeps it, so the check above is the profile's doing.
    expect((await post(development, { query: INTROSPECTION_QUERY })).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('hides "Did you mean" field suggestions', async () => {
    const production_ = await post(production, { query: '{ conversation { id } }' });
    const development_ = await post(development, { query: '{ conversation { id } }' });
    expect(development_.body.errors?.[0]?.message).toMatch(/Did you mean/);
    expect(codes(production_.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(production_.body.errors?.[0]?.message).not.toMatch(/Did you mean|conversations/);
  });

  it('serves no GraphiQL page', async () => {
    const page = await get(production.url, { accept: 'text/html' });
    expect(page.status).toBeGreaterThanOrEqual(400);
    expect(String(page.headers['content-type'])).not.toMatch(/text\/html/);
    expect(page.text).not.toMatch(/graphiql/i);
    const devPage = await get(development.url, { accept: 'text/html' });
    expect(devPage.status).toBe(200);
    expect(devPage.text).toMatch(/graphiql/i);
  });

  it('refuses a GET without a non-simple header (CSRF), answers it with one, and a JSON POST needs none', async () => {
    const url = `${production.url}?query=${encodeURIComponent('{ conversations(first: 1) { totalCount } }')}`;
    const bare = await get(url, { accept: 'application/json' });
    expect(bare.status).toBe(403);
    expect((JSON.parse(bare.text) as GraphQLResponse).errors?.[0]?.extensions?.code).toBe('CSRF_PREVENTED');
    for (const header of ['x-graphql-yoga-csrf', 'apollo-require-preflight']) {
      const allowed = await get(url, { accept: 'application/json', [header]: '1' });
      expect(allowed.status).toBe(200);
      // Flashback and Symbl emulators: 260 conversations each (Symbl's count is probed).
      expect((JSON.parse(allowed.text) as GraphQLResponse).data).toEqual({ conversations: { totalCount: 520 } });
    }
    expect((await post(production, { query: '{ __typename }' })).status).toBe(200);
    // On by default in every profile (issue 22): test/operations/csrf-default.e2e.test.ts.
    expect((await get(`${development.url}?query=${encodeURIComponent('{ __typename }')}`, { accept: 'application/json' })).status).toBe(403);
  });

  it('refuses a form POST (a simple request a foreign page can send)', async () => {
    const response = await request(production.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: `query=${encodeURIComponent('{ __typename }')}`,
    });
    expect(response.statusCode).toBe(403);
    expect(((await response.body.json()) as GraphQLResponse).errors?.[0]?.extensions?.code).toBe('CSRF_PREVENTED');
  });

  it('sends no CORS headers to any origin when CORS_ORIGINS is unset', async () => {
    const answer = await post(production, { query: '{ __typename }' }, { origin: 'https://elsewhere.example' });
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(production.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    await preflight.body.dump();
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('Apollo Client (POST) works as it is; urql (GET for queries by default) works with one of the headers', async () => {
    const query = '{ conversations(first: 2, providers: [FLASHBACK]) { edges { node { id provider } } } }';
    const apollo = new ApolloClient({ link: new HttpLink({ uri: production.url }), cache: new InMemoryCache() });
    const viaApollo = await apollo.query<{ conversations: { edges: Array<{ node: { provider: string } }> } }>({ query: gql(query) });
    expect(viaApollo.data?.conversations.edges.map((edge) => edge.node.provider)).toEqual(['FLASHBACK', 'FLASHBACK']);
    apollo.stop();

    const urql = (headers: Record<string, string>) => new Client({ url: production.url, exchanges: [fetchExchange], fetchOptions: { headers } });
    const refused = await urql({}).query(query, {}).toPromise();
    expect(refused.error?.response?.status).toBe(403);
    const allowed = await urql({ 'graphql-require-preflight': '1' }).query(query, {}).toPromise();
    expect(allowed.error).toBeUndefined();
    expect((allowed.data as { conversations: { edges: unknown[] } }).conversations.edges).toHaveLength(2);
  });

  it('leaves vendor URLs out of error extensions (provider, code and status stay)', async () => {
    const query = '{ conversations(first: 3) { edges { node { provider } } incompleteProviders } }';
    for (const graph of [production, development]) graph.emulators.emulators.SYMBL?.injectFault({ kind: 'status503', count: 10 });
    const hidden = await post(production, { query });
    const shown = await post(development, { query });
    for (const graph of [production, development]) graph.emulators.emulators.SYMBL?.clearFaults();
    expect(hidden.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'SYMBL', status: 503 });
    expect(hidden.body.errors?.[0]?.extensions).not.toHaveProperty('url');
    expect(JSON.stringify(hidden.body)).not.toContain('127.0.0.1');
    expect(shown.body.errors?.[0]?.extensions?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });
});

describe('the production profile, opened up on purpose', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph({
      only: ['FLASHBACK'],
      env: { ...PRODUCTION, GRAPHIQL: 'true', INTROSPECTION: 'true', CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' },
    });
  });
  afterAll(async () => {
    await graph?.close();
  });

  it('GRAPHIQL=true and INTROSPECTION=true turn them back on; CSRF prevention stays', async () => {
    expect((await post(graph, { query: INTROSPECTION_QUERY })).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const page = await get(graph.url, { accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/graphiql/i);
    expect((await get(`${graph.url}?query=${encodeURIComponent('{ __typename }')}`, { accept: 'application/json' })).status).toBe(403);
  });

  it('allows exactly the CORS_ORIGINS', async () => {
    const allowed = await post(graph, { query: '{ __typename }' }, { origin: 'https://admin.example.com' });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example.com');
    expect(allowed.headers['access-control-expose-headers']).toMatch(/x-request-id/);
    const refused = await post(graph, { query: '{ __typename }' }, { origin: 'https://app.example.com.evil.example' });
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('production configuration', () => {
  it('refuses to start without CURSOR_SECRET, with a message that says what to do', () => {
    let caught: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', FLASHBACK_BASE_URL: 'https://backend.flashback.tech', FLASHBACK_TOKEN: 't' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([expect.stringMatching(/^CURSOR_SECRET is required when NODE_ENV=production/)]);
    expect(loadConfig({ FLASHBACK_BASE_URL: 'https://backend.flashback.tech', FLASHBACK_TOKEN: 't' }).operations.production).toBe(false);
  });

  it('the process stops before serving when CURSOR_SECRET is missing, or when no vendor is configured', async () => {
    const run = (env: Record<string, string>) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
          cwd: new URL('../..', import.meta.url).pathname,
          env: { PATH: process.env.PATH ?? '', PORT: '0', NODE_ENV: 'production', ...env },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.once('close', (status) => resolve({ status, stdout, stderr }));
      });
    const [noSecret, noVendor] = await Promise.all([
      run({ FLASHBACK_BASE_URL: 'https://backend.flashback.tech', FLASHBACK_TOKEN: 't' }),
      run({ CURSOR_SECRET: 's' }),
    ]);
    expect(noSecret.status).toBe(1);
    expect(noSecret.stderr).toContain('CURSOR_SECRET is required when NODE_ENV=production');
    expect(noSecret.stdout).not.toContain('serving');
    expect(noVendor.status).toBe(1);
    expect(noVendor.stderr).toContain('no vendor is configured');
  }, 120_000);

  it('lists bad operations variables with the others', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'loud', GRAPHIQL: 'yes', CORS_ORIGINS: 'app.example.com', SHUTDOWN_GRACE_MS: '-1' })).toThrow(
      expect.objectContaining({
        problems: [
          'CORS_ORIGINS must list origins such as https://app.example.com, got "app.example.com"',
          'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
          'GRAPHIQL must be true or false, got "yes"',
          'SHUTDOWN_GRACE_MS must be an integer from 0 to 600000, got "-1"',
        ],
      }),
    );
  });
});
