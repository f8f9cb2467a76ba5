import { END_PROBE_BLOCK } from '../../../src/streams/offsets.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { HttpSettings } from '../../../src/vendors/http-settings.js';
import { SYMBL_FILTER } from '../../../src/vendors/symbl/filter.js';
import { EMPTY_FILTER, type Conversation, type ConversationFilter, type Message } from '../../../src/domain.js';
import { ErrorCode, UpstreamError } from '../../../src/errors.js';
import { startSymblEmulator, type SymblEmulator, type SymblWireConversation } from '../../../src/emulators/symbl.js';
import { DEFAULT_HTTP_SETTINGS } from '../../../src/vendors/http.js';
import type { OrderedStream, VendorAdapter, VendorSession } from '../../../src/vendors/port.js';
import { checkNewestFirst, createSymblAdapter } from '../../../src/vendors/symbl/adapter.js';
import { SYMBL_EPOCH } from '../../../src/vendors/symbl/filter.js';
import { toConversation } from '../../../src/vendors/symbl/mapper.js';
import { walkBackward, walkForward } from '../../support/streams.js';

/** The Symbl adapter against the Symbl emulator over HTTP. */

const ANCHOR = new Date('2025-06-01T00:00:00.000Z');
const NOW = new Date(ANCHOR.getTime() + 2 * 3600_000);
const DAY = 24 * 3600_000;
const HTTP: HttpSettings = { ...DEFAULT_HTTP_SETTINGS, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 2000, breakerThreshold: 0 };

let symbl: SymblEmulator;
let adapter: VendorAdapter;

beforeAll(async () => {
  symbl = await startSymblEmulator({ anchor: ANCHOR, now: () => NOW });
  adapter = createSymblAdapter({ baseUrl: symbl.env.SYMBL_BASE_URL as string, token: symbl.token }, HTTP, { now: () => NOW.getTime() });
});
afterAll(async () => {
  await adapter.close();
  await symbl.emulator.close();
});
beforeEach(() => {
  symbl.emulator.reset();
  symbl.gauge.reset();
  symbl.setNow(null);
});

const filterWith = (patch: Partial<ConversationFilter>): ConversationFilter => ({ ...EMPTY_FILTER, ...patch });
const idsOf = (items: Conversation[]): string[] => items.map((conversation) => conversation.providerId);
const listRequests = (): URLSearchParams[] =>
  symbl.emulator.requestLog.filter((entry) => entry.endpoint === 'listConversations').map((entry) => new URLSearchParams(entry.search));
const countOf = (endpoint: string): number => symbl.emulator.counters()[endpoint] ?? 0;

/** The emulator's list for a filter, computed independently of the adapter: newest startTime first, ties by id desc. */
function expectedIds(filter: ConversationFilter): string[] {
  const from = filter.createdAt?.from?.getTime() ?? Number.NEGATIVE_INFINITY;
  const to = filter.createdAt?.to?.getTime() ?? Number.POSITIVE_INFINITY;
  const types = SYMBL_FILTER.of(filter)?.types ?? null;
  const needle = SYMBL_FILTER.of(filter)?.nameContains?.toLowerCase() ?? null;
  const metadata = Object.entries(SYMBL_FILTER.of(filter)?.metadata ?? {});
  return symbl.data
    .filter((c) => {
      const start = Date.parse(c.startTime);
      if (Date.parse(c.endTime) > NOW.getTime() || start < from || start >= to) return false;
      if (types && !types.includes(c.type)) return false;
      if (needle !== null && !c.name.toLowerCase().includes(needle)) return false;
      return metadata.every(([key, value]) => c.metadata[key] === value);
    })
    .sort((a, b) => (a.startTime !== b.startTime ? (a.startTime < b.startTime ? 1 : -1) : a.id < b.id ? 1 : -1))
    .map((c) => c.id);
}

function wireById(id: string): SymblWireConversation {
  const found = symbl.data.find((conversation) => conversation.id === id);
  if (!found) throw new Error(`no conversation ${id}`);
  return found;
}

describe('Symbl adapter: conversations', () => {
  it('lists every conversation newest first, never truncated to the vendor\'s 7-day default', async () => {
    const session = adapter.openSession();
    const { items } = await walkForward(session.conversations(EMPTY_FILTER), [100]);
    expect(idsOf(items)).toEqual(expectedIds(EMPTY_FILTER));
    expect(items.length).toBe(symbl.data.length);
    const recent = symbl.data.filter((c) => Date.parse(c.startTime) >= NOW.getTime() - 7 * DAY).length;
    expect(items.length).toBeGreaterThan(recent);
    for (const query of listRequests()) {
      expect(query.get('startTime')).toBe(SYMBL_EPOCH);
      expect(query.get('order')).toBe('desc');
      expect(query.get('sort')).toBe('conversation.startTime');
      expect(query.has('endTime')).toBe(false);
    }
  });

  it('counts although Symbl reports no total: block probes of the filtered list, then the cache', async () => {
    expect(adapter.capabilities).toEqual({ backward: true, totalCount: true, messages: true });
    const fresh = createSymblAdapter({ baseUrl: symbl.env.SYMBL_BASE_URL as string, token: symbl.token }, HTTP, { now: () => NOW.getTime() });
    try {
      symbl.emulator.clearLog();
      expect(await fresh.openSession().conversations(EMPTY_FILTER).count()).toBe(expectedIds(EMPTY_FILTER).length);
      // 260 conversations: blocks 0 and 1 are full, block 2 is short.
      expect(listRequests().map((query) => [query.get('offset'), query.get('limit')])).toEqual([['0', '100'], ['100', '100'], ['200', '100']]);
      symbl.emulator.clearLog();
      expect(await fresh.openSession().conversations(EMPTY_FILTER).count()).toBe(expectedIds(EMPTY_FILTER).length);
      expect(listRequests()).toHaveLength(0);
    } finally {
      await fresh.close();
    }
  });

  const march = filterWith({ createdAt: { from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-04-01T00:00:00Z') } });
  const base = { order: 'desc', sort: 'conversation.startTime', startTime: SYMBL_EPOCH };
  const translation: {
    name: string;
    filter: ConversationFilter;
    run: (stream: OrderedStream<Conversation>) => Promise<unknown>;
    requests: Record<string, string>[];
  }[] = [
    { name: 'first 10: limit 11 (look-ahead), offset 0', filter: EMPTY_FILTER, run: (s) => s.forward(null, 10), requests: [{ ...base, limit: '11', offset: '0' }] },
    { name: 'after position 30, 5 items', filter: EMPTY_FILTER, run: (s) => s.forward(30, 5), requests: [{ ...base, limit: '6', offset: '30' }] },
    { name: 'before position 30, last 10', filter: EMPTY_FILTER, run: (s) => s.backward?.(30, 10) ?? Promise.resolve(), requests: [{ ...base, limit: '10', offset: '20' }] },
    { name: 'before position 4, last 10: clipped at 0', filter: EMPTY_FILTER, run: (s) => s.backward?.(4, 10) ?? Promise.resolve(), requests: [{ ...base, limit: '4', offset: '0' }] },
    {
      name: 'createdAt: from as startTime, to as RSQL startTime=lt=',
      filter: march,
      run: (s) => s.forward(null, 3),
      requests: [{ ...base, startTime: '2025-03-01T00:00:00.000Z', filter: 'conversation.startTime=lt="2025-04-01T00:00:00.000Z"', limit: '4', offset: '0' }],
    },
    {
      name: 'types and metadata: two selectors',
      filter: filterWith({ symbl: { types: ['call', 'chat'], nameContains: null, metadata: { customerId: 'Café; Ltd, (EU)' } } }),
      run: (s) => s.forward(null, 2),
      requests: [{ ...base, filter: 'conversation.type=in=("call","chat");metadata.customerId=="Café; Ltd, (EU)"', limit: '3', offset: '0' }],
    },
    { name: 'an impossible filter: no request', filter: filterWith({ symbl: { types: [], nameContains: null, metadata: null } }), run: (s) => s.forward(null, 5), requests: [] },
    {
      name: 'a lower bound after now: no request',
      filter: filterWith({ createdAt: { from: new Date(NOW.getTime() + 1000), to: null } }),
      run: (s) => s.forward(null, 5),
      requests: [],
    },
  ];
  it.each(translation)('translation: $name', async ({ filter, run, requests }) => {
    await run(adapter.openSession().conversations(filter));
    expect(listRequests().map((query) => Object.fromEntries(query))).toEqual(requests);
  });

  it('translation: last 5 without a cursor: block probes to find the end, then one window', async () => {
    const total = expectedIds(EMPTY_FILTER).length;
    const chunk = await adapter.openSession().conversations(EMPTY_FILTER).backward?.(null, 5);
    const requests = listRequests();
    const last = requests[requests.length - 1] as URLSearchParams;
    expect(Object.fromEntries(last)).toEqual({ ...base, limit: '5', offset: String(total - 5) });
    expect(requests.slice(0, -1).every((query) => query.get('limit') === String(END_PROBE_BLOCK))).toBe(true);
    expect(requests.length - 1).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(total / END_PROBE_BLOCK)) + 3);
    expect(chunk?.items.map((entry) => entry.item.providerId)).toEqual(expectedIds(EMPTY_FILTER).slice(-5).reverse());
  });

  it('property: any page sizes and filters walk to exactly the emulator\'s list, both directions, within a request bound', async () => {
    const instants = symbl.data.map((c) => Date.parse(c.startTime));
    const oldest = Math.min(...instants);
    const instant = fc.oneof(fc.constantFrom(...instants), fc.integer({ min: oldest - DAY, max: NOW.getTime() - 1 }));
    /** Mostly absent, so that runs mix narrow and wide filters. */
    const sometimes = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
      fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
    const createdAt = fc
      .tuple(fc.option(instant, { nil: null }), fc.option(instant, { nil: null }))
      .map(([a, b]): [number | null, number | null] => (a !== null && b !== null && a > b ? [b, a] : [a, b]))
      .map(([from, to]) => ({ from: from === null ? null : new Date(from), to: to === null ? null : new Date(to) }));
    const withMetadata = symbl.data.filter((c) => Object.keys(c.metadata).length > 0);
    const metadata: fc.Arbitrary<Record<string, string>> = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...withMetadata).chain((c) => fc.subarray(Object.entries(c.metadata), { minLength: 1 })).map((pairs) => Object.fromEntries(pairs)) },
      { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ agentId: 'johndoe' }, { customerId: 'ACME "Corp"' }, { note: 'Path C:\\temp\\notes.txt' }, { region: 'nowhere' }) },
    );
    const nameContains = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...symbl.data).chain((c) => fc.integer({ min: 0, max: Math.max(0, c.name.length - 3) }).map((at) => c.name.slice(at, at + 3))) },
      { weight: 1, arbitrary: fc.constantFrom('SYNC', '"', '\\', 'é', "O'", 'zzz-none') },
    );
    const filter: fc.Arbitrary<ConversationFilter> = fc
      .record({
        createdAt: sometimes(createdAt),
        symbl: sometimes(
          fc.record({
            types: sometimes(fc.subarray(['meeting', 'call', 'chat', 'webinar'], { minLength: 1 })),
            nameContains: sometimes(nameContains),
            metadata: sometimes(metadata),
          }),
        ),
      })
      .map((parts) => ({ ...EMPTY_FILTER, ...parts }));
    const pageSizes = fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 });

    await fc.assert(
      fc.asyncProperty(filter, pageSizes, async (input, sizes) => {
        const expected = expectedIds(input);
        const stream = adapter.openSession().conversations(input);

        symbl.emulator.clearLog();
        const forward = await walkForward(stream, sizes);
        expect(idsOf(forward.items)).toEqual(expected);
        // Forward: one upstream request per chunk, never more.
        expect(listRequests().length).toBeLessThanOrEqual(forward.calls);

        symbl.emulator.clearLog();
        const backward = await walkBackward(stream, sizes);
        expect(idsOf(backward.items)).toEqual(expected);
        // Backward from the end: end finding (<= 2*ceil(log2(n / 100)) + 3 block probes, n <= 260), then one per chunk.
        expect(listRequests().length).toBeLessThanOrEqual(backward.calls + 2 * Math.ceil(Math.log2(symbl.data.length / END_PROBE_BLOCK)) + 3);
        for (const query of listRequests()) expect(query.get('startTime')).not.toBeNull();

        symbl.emulator.clearLog();
        expect(await adapter.openSession().conversations(input).count()).toBe(expected.length);
        // A count: the end probes when the whole filter is pushed down, one read of 1,000 when part is local only.
        expect(listRequests().length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(symbl.data.length / END_PROBE_BLOCK)) + 3);
      }),
      { seed: 42, numRuns: 25 },
    );
  });

  it('refines locally what does not fit two selectors; positions stay upstream offsets', async () => {
    const rich = symbl.data.find((c) => Object.keys(c.metadata).length >= 2) as SymblWireConversation;
    const input = filterWith({
      createdAt: { from: null, to: new Date(NOW.getTime()) },
      symbl: { types: [rich.type], nameContains: rich.name.slice(0, 3), metadata: rich.metadata },
    });
    const stream = adapter.openSession().conversations(input);
    const { items } = await walkForward(stream, [2]);
    expect(idsOf(items)).toEqual(expectedIds(input));
    expect(idsOf(items)).toContain(rich.id);
    const pushed = listRequests()[0]?.get('filter') ?? '';
    expect(pushed).toMatch(/^conversation\.startTime=lt="[^"]+";conversation\.type=="[^"]+"$/);
  });

  it('detects a vendor breaking the newest-first order', () => {
    const a = toConversation(symbl.data[10] as SymblWireConversation);
    const b = toConversation(symbl.data[20] as SymblWireConversation);
    expect(() => checkNewestFirst([b, a])).not.toThrow();
    expect(() => checkNewestFirst([a, b])).toThrow(expect.objectContaining({ facts: expect.objectContaining({ code: ErrorCode.UPSTREAM_ORDER_VIOLATION }) }));
  });
});

describe('Symbl adapter: people and messages', () => {
  const big = (): SymblWireConversation => wireById([...symbl.messages].find(([, list]) => list.length > 100)?.[0] as string);
  const silent = (): SymblWireConversation => wireById([...symbl.messages].find(([, list]) => list.length === 0)?.[0] as string);

  it('members arrive inline (no request); creator is null', async () => {
    const session = adapter.openSession();
    const wire = symbl.data.find((c) => c.members.length > 1) as SymblWireConversation;
    const conversation = toConversation(wire);
    const members = await session.members(conversation);
    expect(members.map((m) => [m.providerId, m.displayName, m.email])).toEqual(wire.members.map((m) => [m.id, m.name, m.email ?? null]));
    expect(await session.creator(conversation)).toBeNull();
    expect(symbl.emulator.requestLog).toEqual([]);
  });

  it('members without an inline list come from /members, once per conversation', async () => {
    const session = adapter.openSession();
    const wire = symbl.data.find((c) => c.members.length > 0) as SymblWireConversation;
    const conversation = { ...toConversation(wire), members: null };
    const [first, second] = await Promise.all([session.members(conversation), session.members(conversation)]);
    expect(first?.map((m) => m.providerId)).toEqual(wire.members.map((m) => m.id));
    expect(second).toEqual(first);
    expect(symbl.emulator.counters()).toEqual({ getMembers: 1 });
  });

  it('messages of a conversation with more than 100: forward and backward, one request per session', async () => {
    const session = adapter.openSession();
    const wire = big();
    const stream = session.messages(toConversation(wire)) as OrderedStream<Message>;
    const expected = (symbl.messages.get(wire.id) ?? []).map((m) => m.id);
    expect(expected.length).toBeGreaterThan(100);
    expect((await walkForward(stream, [7, 30])).items.map((m) => m.providerId)).toEqual(expected);
    expect((await walkBackward(stream, [9, 50])).items.map((m) => m.providerId)).toEqual(expected);
    expect(await stream.count()).toBe(expected.length);
    const again = session.messages(toConversation(wire));
    expect((await again?.forward(null, 5))?.items.map((entry) => entry.item.providerId)).toEqual(expected.slice(0, 5));
    expect(symbl.emulator.counters()).toEqual({ getMessages: 1 });
    const first = (await stream.forward(null, 1)).items[0]?.item;
    expect(first).toMatchObject({ provider: 'SYMBL', conversationProviderId: wire.id });
  });

  it('a conversation without messages gives an empty stream', async () => {
    const stream = adapter.openSession().messages(toConversation(silent()));
    expect(stream).not.toBeNull();
    const chunk = await stream?.forward(null, 10);
    expect(chunk).toEqual({ items: [], next: 0, hasMore: false });
    expect(await stream?.backward?.(null, 10)).toMatchObject({ items: [], hasMore: false });
  });

  it('a page of 50 conversations with members and the first 5 messages: no identical request twice, at most 8 in flight', async () => {
    symbl.gauge.processingMs = 10;
    const session = adapter.openSession();
    const page = await session.conversations(EMPTY_FILTER).forward(null, 50);
    const conversations = page.items.map((entry) => entry.item);
    await Promise.all(
      [...conversations, ...conversations.slice(0, 10)].map(async (conversation) => {
        await session.members(conversation);
        await session.creator(conversation);
        await session.messages(conversation)?.forward(null, 5);
      }),
    );
    const requests = symbl.emulator.requestLog.map((entry) => `${entry.path}?${entry.search}`);
    expect(new Set(requests).size).toBe(requests.length);
    expect(symbl.emulator.counters()).toEqual({ listConversations: 1, getMessages: 50 });
    expect(symbl.gauge.peak).toBeGreaterThan(1);
    expect(symbl.gauge.peak).toBeLessThanOrEqual(8);
  });
});

describe('Symbl adapter: look-ups by id', () => {
  it('existing ids load by GET /conversations/{id}, deduplicated; a missing id answers null', async () => {
    const session: VendorSession = adapter.openSession();
    const [a, b] = [wireById((symbl.data[3] as SymblWireConversation).id), wireById((symbl.data[200] as SymblWireConversation).id)];
    const key = (providerId: string) => ({ providerId, createdAtMs: null, hint: null });
    const results = await Promise.all([session.loadConversation(key(a.id)), session.loadConversation(key(b.id)), session.loadConversation(key(a.id)), session.loadConversation(key('1234567890123456'))]);
    expect(results.map((c) => c?.providerId ?? null)).toEqual([a.id, b.id, a.id, null]);
    expect(results[0]).toEqual(toConversation(a));
    expect(symbl.emulator.counters()).toEqual({ getConversation: 3 });
  });

  it('conversations seen in a list page need no request; keyOf round-trips', async () => {
    const session = adapter.openSession();
    const chunk = await session.conversations(EMPTY_FILTER).forward(null, 10);
    symbl.emulator.clearLog();
    const conversation = chunk.items[4]?.item as Conversation;
    const key = session.keyOf(conversation);
    expect(key).toEqual({ providerId: conversation.providerId, createdAtMs: conversation.createdAt.getTime(), hint: null });
    expect(await session.loadConversation(key)).toBe(conversation);
    expect(symbl.emulator.requestLog).toEqual([]);
  });

  it('an id with reserved characters is path-encoded and simply not found', async () => {
    const session = adapter.openSession();
    expect(await session.loadConversation({ providerId: '..conversations?x=1#', createdAtMs: null, hint: null })).toBeNull();
    expect(symbl.emulator.requestLog[0]?.path).toBe('/v1/conversations/..conversations%3Fx%3D1%23');
  });

  it('an id that cannot be one path segment (a slash, a dot-segment) is not found without a request', async () => {
    const session = adapter.openSession();
    for (const providerId of ['../conversations', '..', '.', 'a/b']) {
      expect(await session.loadConversation({ providerId, createdAtMs: null, hint: null })).toBeNull();
    }
    expect(symbl.emulator.requestLog).toEqual([]);
  });

  it('one failing id fails alone; the rest of the batch resolves', async () => {
    const session = adapter.openSession();
    const good = symbl.data[1] as SymblWireConversation;
    const bad = symbl.data[2] as SymblWireConversation;
    symbl.emulator.injectFault({ kind: 'status500', count: 2, pathPrefix: `/conversations/${bad.id}` });
    const [ok, failed] = await Promise.allSettled([
      session.loadConversation({ providerId: good.id, createdAtMs: null, hint: null }),
      session.loadConversation({ providerId: bad.id, createdAtMs: null, hint: null }),
    ]);
    expect(ok).toMatchObject({ status: 'fulfilled', value: { providerId: good.id } });
    expect(failed).toMatchObject({ status: 'rejected', reason: { facts: { code: ErrorCode.UPSTREAM_UNAVAILABLE, status: 500 } } });
  });

  it('a 404 that is not the vendor\'s "conversation not found" (wrong base URL) is an error, not null', async () => {
    const misconfigured = createSymblAdapter({ baseUrl: `${symbl.emulator.origin}/v9`, token: symbl.token }, HTTP);
    try {
      await expect(misconfigured.openSession().loadConversation({ providerId: symbl.data[0]?.id as string, createdAtMs: null, hint: null })).rejects.toMatchObject({
        facts: { code: ErrorCode.UPSTREAM_NOT_FOUND, status: 404 },
      });
    } finally {
      await misconfigured.close();
    }
  });
});

describe('Symbl adapter: upstream errors', () => {
  const firstPage = (target: VendorAdapter = adapter): Promise<unknown> => target.openSession().conversations(EMPTY_FILTER).forward(null, 5);
  const rejection = async (pending: Promise<unknown>): Promise<UpstreamError> => {
    try {
      await pending;
    } catch (error) {
      if (error instanceof UpstreamError) return error;
      throw error;
    }
    throw new Error('expected a rejection');
  };

  it('500 after retries: UPSTREAM_UNAVAILABLE with status, vendor code and a sanitized URL; the message is ours', async () => {
    symbl.emulator.injectFault({ kind: 'status500', count: 2 });
    const error = await rejection(firstPage());
    expect(error.facts).toEqual({
      provider: 'SYMBL',
      code: ErrorCode.UPSTREAM_UNAVAILABLE,
      status: 500,
      method: 'GET',
      url: `${symbl.emulator.origin}/v1/conversations`,
      vendorCode: 'INTERNAL_ERROR',
    });
    expect(error.message).not.toContain('support@symbl.ai');
    expect(countOf('listConversations')).toBe(2);
  });

  it('a 503 or a 429 with Retry-After once is retried and succeeds', async () => {
    symbl.emulator.injectFault({ kind: 'status503', count: 1 });
    await expect(firstPage()).resolves.toBeDefined();
    symbl.emulator.injectFault({ kind: 'status429RetryAfter', count: 1, retryAfterSeconds: 1 });
    await expect(firstPage()).resolves.toBeDefined();
    expect(countOf('listConversations')).toBe(4);
  });

  it('429 twice: UPSTREAM_RATE_LIMITED', async () => {
    symbl.emulator.injectFault({ kind: 'status429', count: 2 });
    expect((await rejection(firstPage())).facts.code).toBe(ErrorCode.UPSTREAM_RATE_LIMITED);
  });

  it('401 (bad token): UPSTREAM_AUTH_FAILED, not retried', async () => {
    const intruder = createSymblAdapter({ baseUrl: symbl.env.SYMBL_BASE_URL as string, token: 'stolen' }, HTTP);
    try {
      const error = await rejection(firstPage(intruder));
      expect(error.facts).toMatchObject({ code: ErrorCode.UPSTREAM_AUTH_FAILED, status: 401, vendorCode: 'UNAUTHORIZED' });
      expect(countOf('listConversations')).toBe(1);
    } finally {
      await intruder.close();
    }
  });

  it('400 (vendor refuses a startTime): UPSTREAM_BAD_REQUEST, not retried', async () => {
    symbl.setNow(() => new Date(NOW.getTime() - 30 * DAY));
    const filter = filterWith({ createdAt: { from: new Date(NOW.getTime() - 10 * DAY), to: null } });
    const error = await rejection(adapter.openSession().conversations(filter).forward(null, 5));
    expect(error.facts).toMatchObject({ code: ErrorCode.UPSTREAM_BAD_REQUEST, status: 400 });
    expect(countOf('listConversations')).toBe(1);
  });

  it('a truncated body: UPSTREAM_BAD_RESPONSE', async () => {
    symbl.emulator.injectFault({ kind: 'truncatedJson', count: 2 });
    expect((await rejection(firstPage())).facts.code).toBe(ErrorCode.UPSTREAM_BAD_RESPONSE);
  });

  it('a reset connection: UPSTREAM_CONNECTION_FAILED', async () => {
    symbl.emulator.injectFault({ kind: 'resetConnection', count: 2 });
    expect((await rejection(firstPage())).facts.code).toBe(ErrorCode.UPSTREAM_CONNECTION_FAILED);
  });

  it('a hang: UPSTREAM_TIMEOUT', async () => {
    const impatient = createSymblAdapter({ baseUrl: symbl.env.SYMBL_BASE_URL as string, token: symbl.token }, { ...HTTP, timeoutMs: 150, retry: { ...HTTP.retry, maxAttempts: 1 } });
    symbl.emulator.injectFault({ kind: 'hang', count: 1 });
    try {
      expect((await rejection(firstPage(impatient))).facts.code).toBe(ErrorCode.UPSTREAM_TIMEOUT);
    } finally {
      symbl.emulator.clearFaults();
      await impatient.close();
    }
  });

  it('messages failing: the stream rejects with the upstream error', async () => {
    symbl.emulator.injectFault({ kind: 'status500', count: 2, pathPrefix: '/conversations/' });
    const stream = adapter.openSession().messages(toConversation(symbl.data[0] as SymblWireConversation));
    expect((await rejection(stream?.forward(null, 5) ?? Promise.resolve())).facts.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
  });
});

afterEach(() => {
  symbl.emulator.clearFaults();
});
