import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import { startFlashbackEmulator, type FlashbackEmulator } from '../src/emulators/flashback.js';
import { coalescedUpstreamCalls } from '../src/vendors/coalesce.js';
import { DEFAULT_HTTP_SETTINGS, HttpClient, type HttpClientOptions } from '../src/vendors/http.js';
import { wireSchema } from '../src/vendors/wire-schema.js';
import { createRequestScope, runInRequestScope, type RequestScope } from '../src/request-scope.js';
import { startTestGraph, type TestGraph } from './support/graph.js';

/** Coalescing of identical upstream GETs across concurrent requests (src/vendors/coalesce.ts). */

const listSchema = wireSchema(z.object({ conversations: z.array(z.object({ id: z.string() })), total: z.number() }).loose());
const list = { endpoint: '/conversation', path: '/conversation', query: { take: 3, skip: 0 }, schema: listSchema };

describe('HttpClient: identical GETs in flight together', () => {
  let flashback: FlashbackEmulator;
  const clients: HttpClient[] = [];
  const client = (options: Partial<HttpClientOptions> = {}): HttpClient => {
    const created = new HttpClient({
      ...DEFAULT_HTTP_SETTINGS,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      breakerThreshold: 0,
      provider: 'FLASHBACK',
      baseUrl: flashback.emulator.baseUrl,
      headers: { authorization: `Bearer ${flashback.token}` },
      ...options,
    });
    clients.push(created);
    return created;
  };
  const scope = (deadlineMs: number, upstreamCallLimit = 10): RequestScope =>
    createRequestScope({ requestId: `test-${deadlineMs}`, deadlineMs, upstreamCallLimit });
  const callIn = <T>(requestScope: RequestScope, fn: () => Promise<T>): Promise<T> => runInRequestScope(requestScope, fn);

  beforeAll(async () => {
    flashback = await startFlashbackEmulator({ seed: 5, size: 10, anchor: new Date('2026-11-01T00:00:00Z') });
  });
  afterEach(async () => {
    flashback.emulator.reset();
    await Promise.all(clients.splice(0).map((created) => created.close()));
  });
  afterAll(async () => {
    await flashback.emulator.close();
  });

  it('sends one call; every waiter gets its own copy; joiners spend none of their budget', async () => {
    flashback.emulator.setLatency({ fixedMs: 150, jitterMs: 0 });
    const http = client();
    const coalescedBefore = coalescedUpstreamCalls();
    const joined: string[] = [];
    const observed = client({ observer: { coalesced: (event) => joined.push(`${event.provider} ${event.endpoint}`) } });
    const scopes = [scope(5_000), scope(5_000), scope(5_000)];
    const [first, second, third] = await Promise.all(scopes.map((requestScope) => callIn(requestScope, () => http.get(list))));
    expect(flashback.emulator.requestLog).toHaveLength(1);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(second).not.toBe(first);
    expect(second!.conversations).not.toBe(third!.conversations);
    expect(scopes.map((requestScope) => requestScope.upstreamCalls.get('FLASHBACK') ?? 0)).toEqual([1, 0, 0]);
    expect(http.coalescedCount).toBe(2);
    expect(coalescedUpstreamCalls() - coalescedBefore).toBe(2);
    // The first caller may change its copy at once: joiners still get the vendor's answer.
    const again = await Promise.all([
      callIn(scope(5_000), async () => {
        const own = await observed.get(list);
        own.conversations.length = 0;
        return own;
      }),
      callIn(scope(5_000), () => observed.get(list)),
    ]);
    expect(again[1].conversations).toEqual(first!.conversations);
    expect(joined).toEqual(['FLASHBACK /conversation']);
  });

  it('does not join a different URL, or a call that has finished', async () => {
    const http = client();
    await Promise.all([http.get(list), http.get({ ...list, query: { take: 3, skip: 3 } })]);
    await http.get(list);
    expect(flashback.emulator.requestLog).toHaveLength(3);
    expect(http.coalescedCount).toBe(0);
  });

  it('a joiner whose deadline is shorter answers at its deadline; the call goes on for the others', async () => {
    flashback.emulator.setLatency({ fixedMs: 600, jitterMs: 0 });
    const http = client();
    const leader = callIn(scope(5_000), () => http.get(list));
    const started = performance.now();
    const hurried = callIn(scope(150), () => http.get(list)).then(
      () => 'answered',
      (error: unknown) => error,
    );
    const outcome = await hurried;
    expect(performance.now() - started).toBeLessThan(450);
    expect(outcome).toMatchObject({ facts: { code: 'UPSTREAM_TIMEOUT', deadline: true } });
    expect((await leader).conversations).toHaveLength(3);
    expect(flashback.emulator.requestLog).toHaveLength(1);
  });

  it("when the first caller's own deadline cuts the call, a joiner with time left calls on its own budget", async () => {
    flashback.emulator.setLatency({ fixedMs: 300, jitterMs: 0 });
    const http = client();
    const patientScope = scope(5_000);
    const hurried = callIn(scope(120), () => http.get(list)).catch((error: unknown) => error);
    const patient = callIn(patientScope, () => http.get(list));
    expect(await hurried).toMatchObject({ facts: { code: 'UPSTREAM_TIMEOUT', deadline: true } });
    expect((await patient).conversations).toHaveLength(3);
    expect(patientScope.upstreamCalls.get('FLASHBACK')).toBe(1);
    expect(flashback.emulator.requestLog).toHaveLength(2);
  });

  it("shares the vendor's failure without calling again", async () => {
    flashback.emulator.setLatency({ fixedMs: 100, jitterMs: 0 });
    flashback.emulator.injectFault({ kind: 'status500', count: 1 });
    const http = client();
    const outcomes = await Promise.all(
      [scope(5_000), scope(5_000)].map((requestScope) => callIn(requestScope, () => http.get(list)).catch((error: unknown) => error)),
    );
    for (const outcome of outcomes) expect(outcome).toMatchObject({ facts: { code: 'UPSTREAM_UNAVAILABLE', status: 500 } });
    expect(flashback.emulator.requestLog).toHaveLength(1);
  });

  it('is off with coalesce: false', async () => {
    flashback.emulator.setLatency({ fixedMs: 100, jitterMs: 0 });
    const http = client({ coalesce: false });
    await Promise.all([http.get(list), http.get(list), http.get(list)]);
    expect(flashback.emulator.requestLog).toHaveLength(3);
    expect(http.coalescedCount).toBe(0);
  });
});

const INBOX = /* GraphQL */ `
  query Inbox {
    conversations(first: 20) {
      pageInfo { endCursor }
      edges { cursor node { id provider createdAt } }
    }
  }
`;

describe('many clients opening the same inbox page', () => {
  const clients = 10;
  let coalescing: TestGraph;
  let separate: TestGraph;
  beforeAll(async () => {
    [coalescing, separate] = await Promise.all([startTestGraph(), startTestGraph({ env: { UPSTREAM_COALESCE: 'false' } })]);
  });
  afterAll(async () => {
    await Promise.all([coalescing.close(), separate.close()]);
  });

  const openTogether = async (graph: TestGraph): Promise<{ calls: number; pages: string[] }> => {
    graph.resetEmulators();
    for (const emulator of Object.values(graph.emulators.emulators)) emulator.setLatency({ fixedMs: 300, jitterMs: 0 });
    const answers = await Promise.all(Array.from({ length: clients }, () => graph.query(INBOX)));
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    return { calls: graph.upstreamRequests(), pages: answers.map((answer) => JSON.stringify(answer.data)) };
  };

  it('costs about one page upstream with coalescing and one page per client without; every client gets the same page', async () => {
    // What one client alone costs: a merged page of 20, one call or more per vendor (9 with six vendors).
    separate.resetEmulators();
    expect((await separate.query(INBOX)).errors).toBeUndefined();
    const onePage = separate.upstreamRequests();
    expect(onePage).toBeGreaterThanOrEqual(Object.keys(separate.emulators.emulators).length);
    const shared = await openTogether(coalescing);
    const alone = await openTogether(separate);
    console.log(`${clients} clients on the same inbox page: ${shared.calls} upstream calls coalesced, ${alone.calls} without`);
    expect(alone.calls).toBe(clients * onePage);
    // Requests that reach the vendors after the first call returned cannot join it: allow one more page.
    expect(shared.calls).toBeLessThanOrEqual(2 * onePage);
    expect(new Set(shared.pages).size).toBe(1);
    expect(shared.pages[0]).toBe(alone.pages[0]);
  });
});
