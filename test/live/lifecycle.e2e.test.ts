import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Provider } from '../../src/domain.js';
import { startEmulators, type EmulatorSet } from '../../src/emulators/index.js';
import { startServer } from '../../src/server.js';
import { createGraph } from '../../src/yoga.js';
import { startTestGraph, TEST_HTTP_ENV, type TestGraph } from '../support/graph.js';
import { collect, metricValue, okPolls } from '../support/live.js';

/** Limits and lifecycle of subscriptions: counts, operation limits, a switch, a vanished client, the drain, single connection mode. */

const POLL_MS = 200;

/** A fetch for graphql-sse's client that sends from another loopback address (the whole of 127/8 is this machine). */
function fromAddress(address: string): typeof fetch {
  return ((input: RequestInfo | URL, init?: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const request = httpRequest(
        new URL(String(input)),
        { method: init?.method ?? 'GET', headers: Object.fromEntries(new Headers(init?.headers).entries()), localAddress: address },
        (response) => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') headers.set(name, value);
          resolve(new Response(Readable.toWeb(response) as ReadableStream<Uint8Array>, { status: response.statusCode ?? 500, headers }));
        },
      );
      init?.signal?.addEventListener('abort', () => request.destroy());
      request.on('error', reject);
      request.end(typeof init?.body === 'string' ? init.body : undefined);
    })) as typeof fetch;
}

describe('limits', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph({
      only: ['FLASHBACK', 'SYMBL'],
      env: { LIVE_POLL_INTERVAL_MS: String(POLL_MS), MAX_SUBSCRIPTIONS: '3', MAX_SUBSCRIPTIONS_PER_CLIENT: '2', MAX_QUERY_DEPTH: '4', MAX_ESTIMATED_UPSTREAM_CALLS: '3' },
    });
  });
  afterAll(async () => {
    await graph.close();
  });

  it('MAX_SUBSCRIPTIONS_PER_CLIENT and MAX_SUBSCRIPTIONS refuse with TOO_MANY_SUBSCRIPTIONS; a closed one frees its place', async () => {
    const open = [collect(graph.url), collect(graph.url)];
    await vi.waitFor(() => expect(graph.graph.live?.active()).toBe(2), { interval: 10 });
    const third = collect(graph.url);
    const [refused] = await third.until(1);
    expect(refused?.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', limit: 'client', maximum: 2 });
    third.close();
    // Another client address still has room, up to the process's limit.
    const other = collect(graph.url, {}, { fetchFn: fromAddress('127.0.0.2') });
    await vi.waitFor(() => expect(graph.graph.live?.active()).toBe(3), { interval: 10 });
    const overProcess = collect(graph.url, {}, { fetchFn: fromAddress('127.0.0.3') });
    const [full] = await overProcess.until(1);
    expect(full?.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', limit: 'process', maximum: 3 });
    overProcess.close();
    open[0]?.close();
    await vi.waitFor(() => expect(graph.graph.live?.active()).toBe(2), { interval: 10 });
    const again = collect(graph.url);
    await vi.waitFor(() => expect(graph.graph.live?.active()).toBe(3), { interval: 10 });
    expect(await metricValue(graph.graph.observability.registry, 'live_subscriptions_refused_total', { limit: 'client' })).toBe(1);
    for (const subscription of [open[1], other, again]) subscription?.close();
    await vi.waitFor(() => expect(graph.graph.live?.active()).toBe(0), { interval: 10 });
  });

  it('counts against the operation limits like a query: depth and estimated upstream calls per event', async () => {
    const deep = collect(graph.url, {}, {}, 'subscription { conversationAdded { node { creator { displayName } messages(first: 1) { edges { node { sender { displayName } } } } } } }');
    const [tooDeep] = await deep.until(1);
    expect(tooDeep?.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(tooDeep?.errors?.[0]?.message).toMatch(/depth|deep/i);
    deep.close();
    const costly = collect(graph.url, {}, {}, 'subscription { conversationAdded { node { a: messages(first: 1) { totalCount } b: messages(first: 1) { totalCount } c: members { displayName } d: creator { displayName } } } }');
    const [tooCostly] = await costly.until(1);
    expect(tooCostly?.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'upstreamCalls' });
    costly.close();
    // Refused before anything was opened: no subscription, no poller.
    expect(graph.graph.live?.active()).toBe(0);
  });

  it('refuses bad arguments with BAD_USER_INPUT and unknown providers with PROVIDER_NOT_CONFIGURED', async () => {
    for (const [variables, code] of [
      [{ providers: [] }, 'BAD_USER_INPUT'],
      [{ filter: { createdAt: { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' } } }, 'BAD_USER_INPUT'],
      [{ providers: ['CHATBASE'] }, 'PROVIDER_NOT_CONFIGURED'],
      [{ after: 'x'.repeat(5_000) }, 'BAD_USER_INPUT'],
    ] as const) {
      const refused = collect(graph.url, variables);
      const [event] = await refused.until(1);
      expect(event?.errors?.[0]?.extensions?.code).toBe(code);
      refused.close();
    }
    expect(graph.graph.live?.active()).toBe(0);
  });

  it('mutations are still refused with a code', async () => {
    const answer = await graph.query('mutation { anything }');
    expect(answer.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('closes a subscription whose client vanished, and its pollers stop polling', async () => {
    const before = await okPolls(graph.graph.observability.registry, 'FLASHBACK');
    const started = new Promise<import('node:http').ClientRequest>((resolve, reject) => {
      const request = httpRequest(graph.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' } }, (response) => {
        response.once('data', () => resolve(request));
      });
      request.on('error', reject);
      request.end(JSON.stringify({ query: 'subscription { conversationAdded(providers: [FLASHBACK]) { cursor } }' }));
    });
    const request = await started;
    await vi.waitFor(async () => expect(await okPolls(graph.graph.observability.registry, 'FLASHBACK')).toBeGreaterThan(before), { interval: 10 });
    expect(graph.graph.live?.active()).toBe(1);
    request.destroy();
    await vi.waitFor(() => expect(graph.graph.live?.active()).toBe(0), { interval: 10 });
    // The feed lingers one interval for a reconnection, then stops: the vendor is no longer polled.
    await vi.waitFor(async () => expect(await metricValue(graph.graph.observability.registry, 'live_pollers', { provider: 'FLASHBACK', role: 'polling' })).toBe(0), {
      interval: 10,
      timeout: 5_000,
    });
    graph.resetEmulators();
    const stopped = await okPolls(graph.graph.observability.registry, 'FLASHBACK');
    // Polls of another vendor prove time passed: FLASHBACK's count stays where it stopped.
    const symbl = collect(graph.url, { providers: ['SYMBL'] });
    const symblBefore = await okPolls(graph.graph.observability.registry, 'SYMBL');
    await vi.waitFor(async () => expect(await okPolls(graph.graph.observability.registry, 'SYMBL')).toBeGreaterThanOrEqual(symblBefore + 3), { interval: 10 });
    expect(await okPolls(graph.graph.observability.registry, 'FLASHBACK')).toBe(stopped);
    expect(graph.emulators.emulators.FLASHBACK?.requestLog).toHaveLength(0);
    symbl.close();
  });
});

describe('single connection mode (graphql-sse at /graphql/stream)', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph({ only: ['FLASHBACK'], env: { LIVE_POLL_INTERVAL_MS: String(POLL_MS) } });
  });
  afterAll(async () => {
    await graph.close();
  });

  it('two subscriptions on one event stream both receive the new conversation', async () => {
    const url = graph.url.replace(/\/graphql$/, '/graphql/stream');
    const first = collect(url, {}, { singleConnection: true });
    const second = collect(url, {}, { singleConnection: true });
    const before = await okPolls(graph.graph.observability.registry, 'FLASHBACK');
    await vi.waitFor(() => expect(graph.graph.live?.active()).toBe(2), { interval: 10 });
    await vi.waitFor(async () => expect(await okPolls(graph.graph.observability.registry, 'FLASHBACK')).toBeGreaterThan(before), { interval: 10 });
    const created = graph.emulators.emulators.FLASHBACK?.addConversation();
    const [[a], [b]] = await Promise.all([first.until(1), second.until(1)]);
    expect(a?.data?.conversationAdded.node.providerId).toBe(created?.id);
    expect(b?.data?.conversationAdded.node.providerId).toBe(created?.id);
    first.close();
    second.close();
  });

  it('refuses a body without Content-Length or over MAX_REQUEST_BODY_BYTES before reading it', async () => {
    const url = graph.url.replace(/\/graphql$/, '/graphql/stream');
    const big = await undiciFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'x'.repeat(1_100_000) }) });
    expect(big.status).toBe(413);
    await big.body?.cancel();
  });
});

describe('the resume bound', () => {
  it('sends at most LIVE_RESUME_LIMIT (the newest, oldest first) and says so in a coded warning', async () => {
    const graph = await startTestGraph({ only: ['FLASHBACK'], env: { LIVE_POLL_INTERVAL_MS: String(POLL_MS), LIVE_RESUME_LIMIT: '2' } });
    try {
      const registry = graph.graph.observability.registry;
      const before = await okPolls(registry, 'FLASHBACK');
      const first = collect(graph.url);
      await vi.waitFor(async () => expect(await okPolls(registry, 'FLASHBACK')).toBeGreaterThan(before), { interval: 10 });
      graph.emulators.emulators.FLASHBACK?.addConversation();
      const [seen] = await first.until(1);
      first.close();
      const base = Date.now();
      const missed = [1, 2, 3, 4].map((index) => graph.emulators.emulators.FLASHBACK!.addConversation({ createdAt: new Date(base + index) }));
      const polled = await okPolls(registry, 'FLASHBACK');
      await vi.waitFor(async () => expect(await okPolls(registry, 'FLASHBACK')).toBeGreaterThan(polled), { interval: 10 });
      const resumed = collect(graph.url, { after: seen?.data?.conversationAdded.cursor });
      const events = await resumed.until(2);
      expect(events.map((event) => event.data?.conversationAdded.node.providerId)).toEqual([missed[2]?.id, missed[3]?.id]);
      expect(events[0]?.extensions?.warnings).toEqual([expect.objectContaining({ code: 'LIVE_RESUME_TRUNCATED' })]);
      expect(events[1]?.extensions).toBeUndefined();
      resumed.close();
    } finally {
      await graph.close();
    }
  });
});

describe('per-vendor poll interval', () => {
  it('<VENDOR>_LIVE_POLL_INTERVAL_MS overrides LIVE_POLL_INTERVAL_MS for that vendor only', async () => {
    const graph = await startTestGraph({ only: ['FLASHBACK', 'SYMBL'], env: { LIVE_POLL_INTERVAL_MS: '600000', FLASHBACK_LIVE_POLL_INTERVAL_MS: '50' } });
    try {
      const subscription = collect(graph.url);
      await vi.waitFor(async () => expect(await okPolls(graph.graph.observability.registry, 'FLASHBACK')).toBeGreaterThanOrEqual(5), { interval: 10 });
      // SYMBL polled its first time at the start and waits ten minutes for the next.
      expect(await okPolls(graph.graph.observability.registry, 'SYMBL')).toBe(1);
      subscription.close();
    } finally {
      await graph.close();
    }
  });
});

describe('SUBSCRIPTIONS=false', () => {
  it('refuses every subscription with SUBSCRIPTIONS_DISABLED and polls nothing', async () => {
    const graph = await startTestGraph({ only: ['FLASHBACK'], env: { SUBSCRIPTIONS: 'false', LIVE_POLL_INTERVAL_MS: String(POLL_MS) } });
    try {
      expect(graph.graph.live).toBeNull();
      const refused = collect(graph.url);
      const [event] = await refused.until(1);
      expect(event?.errors?.[0]?.extensions?.code).toBe('SUBSCRIPTIONS_DISABLED');
      refused.close();
      expect(graph.emulators.emulators.FLASHBACK?.requestLog).toHaveLength(0);
    } finally {
      await graph.close();
    }
  });

  it('the production profile keeps subscriptions on', () => {
    const config = loadConfig({ NODE_ENV: 'production', CURSOR_SECRET: 's'.repeat(32), FLASHBACK_BASE_URL: 'http://127.0.0.1:1', FLASHBACK_TOKEN: 't' });
    expect(config.live.enabled).toBe(true);
  });
});

describe('a drain (SIGTERM)', () => {
  let emulators: EmulatorSet;
  beforeAll(async () => {
    emulators = await startEmulators({ anchor: new Date('2026-11-01T00:00:00Z'), only: ['FLASHBACK'] });
  });
  afterAll(async () => {
    await emulators.close();
  });

  it('completes every stream (the client sees `complete`) and ends without cutting a connection', async () => {
    const env: Record<string, string> = { ...TEST_HTTP_ENV, ...emulators.env, PORT: '0', HOST: '127.0.0.1', SHUTDOWN_DELAY_MS: '0', SHUTDOWN_GRACE_MS: '10000', LOG_LEVEL: 'silent', LIVE_POLL_INTERVAL_MS: String(POLL_MS) };
    const config = loadConfig(env);
    const running = await startServer(createGraph(config), config);
    const graphLive = (): number => running.inFlight();
    const streams = [collect(running.url, { providers: ['FLASHBACK' satisfies Provider] }), collect(running.url)];
    await vi.waitFor(() => expect(graphLive()).toBe(2), { interval: 10 });
    const outcome = await running.drain();
    await Promise.all(streams.map((stream) => stream.completed));
    expect(outcome.cutRequests).toBe(0);
    // Well before the grace period: the streams ended, they were not waited out.
    expect(outcome.durationMs).toBeLessThan(5_000);
    for (const stream of streams) stream.close();
  });
});
