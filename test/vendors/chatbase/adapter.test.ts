import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { HttpSettings } from '../../../src/vendors/http-settings.js';
import { EMPTY_FILTER, detailsOf, plainConversation, type Conversation, type ConversationFilter, type Message } from '../../../src/domain.js';
import { CHATBASE_FILTER } from '../../../src/vendors/chatbase/filter.js';
import type { ChatbaseDetails } from '../../../src/vendors/chatbase/mapper.js';
import { ErrorCode, UpstreamError } from '../../../src/errors.js';
import { startChatbaseEmulator, type ChatbaseEmulator, type ChatbaseWireConversation } from '../../../src/emulators/chatbase.js';
import { DEFAULT_HTTP_SETTINGS } from '../../../src/vendors/http.js';
import type { OrderedStream, Position, VendorAdapter, VendorSession, StreamChunk } from '../../../src/vendors/port.js';
import { createChatbaseAdapter } from '../../../src/vendors/chatbase/adapter.js';
import { CHATBASE_SOURCES } from '../../../src/vendors/chatbase/filter.js';
import { walkBackward, walkForward } from '../../support/streams.js';

const http: HttpSettings = {
  ...DEFAULT_HTTP_SETTINGS,
  retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
  timeoutMs: 2000,
  breakerThreshold: 0,
};
const anchor = new Date('2025-06-01T00:00:00.000Z');
const DAY_MS = 24 * 3600 * 1000;

let chatbase: ChatbaseEmulator;
let adapter: VendorAdapter;
let session: VendorSession;

beforeAll(async () => {
  chatbase = await startChatbaseEmulator({ anchor, seed: 3 });
  adapter = createChatbaseAdapter(
    { baseUrl: chatbase.env.CHATBASE_BASE_URL as string, apiKey: chatbase.apiKey, chatbotIds: chatbase.chatbotIds },
    http,
  );
});
afterAll(async () => {
  await adapter.close();
  await chatbase.emulator.close();
});
beforeEach(() => {
  chatbase.emulator.reset();
  session = adapter.openSession();
});

const keyOf = (chatbotId: string, id: string): string => `${chatbotId}/${id}`;
const conversationKey = (conversation: Conversation): string =>
  keyOf(detailsOf<ChatbaseDetails>(conversation, 'CHATBASE')?.chatbotId ?? '?', conversation.providerId);

/** What the graph must show for a filter, computed from the emulator's data (not from the adapter). */
function expectedKeys(filter: ConversationFilter): string[] {
  const section = CHATBASE_FILTER.of(filter);
  const rows: { key: string; t: number; id: string }[] = [];
  for (const chatbotId of chatbase.chatbotIds) {
    if (section?.chatbotIds && !section.chatbotIds.includes(chatbotId)) continue;
    for (const wire of chatbase.data[chatbotId] ?? []) {
      const t = Date.parse(wire.created_at);
      if (section?.sources && !section.sources.includes(wire.source)) continue;
      if (filter.createdAt?.from && t < filter.createdAt.from.getTime()) continue;
      if (filter.createdAt?.to && t >= filter.createdAt.to.getTime()) continue;
      rows.push({ key: keyOf(chatbotId, wire.id), t, id: wire.id });
    }
  }
  // One order for the vendor's stream, chatbots merged: ties by conversation id descending (the walk contract's key).
  return rows.sort((a, b) => b.t - a.t || (a.id === b.id ? 0 : a.id < b.id ? 1 : -1)).map((row) => row.key);
}

/** Upstream conversations of a chatbot in the widened (whole-day) range but outside the exact one: the local refinement's waste. */
function refinedAway(filter: ConversationFilter, chatbotId: string): number {
  const range = filter.createdAt;
  if (!range) return 0;
  const from = range.from ? Math.floor(range.from.getTime() / DAY_MS) * DAY_MS : -Infinity;
  const to = range.to ? Math.floor((range.to.getTime() - 1) / DAY_MS) * DAY_MS + DAY_MS : Infinity;
  return (chatbase.data[chatbotId] ?? []).filter((wire) => {
    const sources = CHATBASE_FILTER.of(filter)?.sources;
    if (sources && !sources.includes(wire.source)) return false;
    const t = Date.parse(wire.created_at);
    const widened = t >= from && t < to;
    const exact = (!range.from || t >= range.from.getTime()) && (!range.to || t < range.to.getTime());
    return widened && !exact;
  }).length;
}

function selectedChatbots(filter: ConversationFilter): string[] {
  const wanted = CHATBASE_FILTER.of(filter)?.chatbotIds;
  return chatbase.chatbotIds.filter((id) => !wanted || wanted.includes(id));
}

/** Walks page by page, recording the upstream requests each page cost. */
async function walk(
  stream: OrderedStream<Conversation>,
  direction: 'forward' | 'backward',
  sizes: number[],
): Promise<{ keys: string[]; requests: number[] }> {
  const keys: string[] = [];
  const requests: number[] = [];
  let position: Position | null = null;
  for (let call = 0; call < 5000; call += 1) {
    const size = sizes[call % sizes.length] as number;
    const before = chatbase.emulator.requestLog.length;
    const chunk: StreamChunk<Conversation> = direction === 'forward' ? await stream.forward(position, size) : await stream.backward!(position, size);
    requests.push(chatbase.emulator.requestLog.length - before);
    expect(chunk.items.length).toBeLessThanOrEqual(size);
    for (const entry of chunk.items) keys.push(conversationKey(entry.item));
    position = chunk.next;
    if (!chunk.hasMore) return { keys: direction === 'forward' ? keys : keys.reverse(), requests };
  }
  throw new Error('walk did not end');
}

describe('Chatbase adapter: conversations', () => {
  const allIds = (): string[] => chatbase.chatbotIds;
  const instant = (): fc.Arbitrary<Date> =>
    fc.oneof(
      // anywhere in the data's span
      fc.integer({ min: anchor.getTime() - 250 * DAY_MS, max: anchor.getTime() }).map((ms) => new Date(ms)),
      // a UTC midnight
      fc.integer({ min: 0, max: 250 }).map((days) => new Date(anchor.getTime() - days * DAY_MS)),
      // exactly a conversation's instant (the half-open range's edges)
      fc.integer({ min: 0, max: 269 }).map((i) => {
        const all = Object.values(chatbase.data).flat();
        return new Date((all[i % all.length] as ChatbaseWireConversation).created_at);
      }),
    );
  const filterArb = (): fc.Arbitrary<ConversationFilter> =>
    fc
      .record({
        chatbotIds: fc.option(fc.subarray([...allIds(), 'unconfigured-bot'], { minLength: 1 }), { nil: null }),
        sources: fc.option(fc.subarray([...CHATBASE_SOURCES, 'WhatsApp'], { minLength: 1 }), { nil: null }),
        bounds: fc.tuple(fc.option(instant(), { nil: null }), fc.option(instant(), { nil: null })),
        withCreatedAt: fc.boolean(),
      })
      .map(({ chatbotIds, sources, bounds: [a, b], withCreatedAt }) => {
        const [from, to] = a && b && a.getTime() > b.getTime() ? [b, a] : [a, b];
        return {
          ...EMPTY_FILTER,
          createdAt: withCreatedAt ? { from, to } : null,
          chatbase: chatbotIds === null && sources === null ? null : { chatbotIds, sources },
        };
      });

  it('walks forward and backward to exactly the emulator list, within the stated request bounds (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        filterArb(),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }),
        async (filter, sizes) => {
          const expected = expectedKeys(filter);
          const chatbots = selectedChatbots(filter);
          // Local refinement (whole days upstream) can make an input refill; each refill is one window.
          const refills = chatbots.reduce((sum, id) => sum + refinedAway(filter, id), 0);
          // Bound per page: every selected chatbot serves its window with ≤ 2 page requests, plus ≤ 2 per refill.
          const pageBound = 2 * chatbots.length + 2 * refills;

          const forward = await walk(session.conversations(filter), 'forward', sizes);
          expect(forward.keys).toEqual(expected);
          expect(Math.max(...forward.requests)).toBeLessThanOrEqual(pageBound);

          const backward = await walk(session.conversations(filter), 'backward', sizes);
          expect(backward.keys).toEqual(expected);
          // The first backward page finds each chatbot's end by galloping then bisecting blocks of 100:
          // ≤ 2·⌈log2(n / 100 + 1)⌉ + 3 requests for n upstream conversations.
          const endFinding = chatbots.reduce(
            (sum, id) => sum + 2 * Math.ceil(Math.log2((chatbase.data[id]?.length ?? 0) / 100 + 1)) + 3,
            0,
          );
          expect(backward.requests[0]).toBeLessThanOrEqual(endFinding + pageBound);
          expect(Math.max(0, ...backward.requests.slice(1))).toBeLessThanOrEqual(pageBound);

          // A count: the same end probes per chatbot; an exact createdAt range reads the blocks at its two ends.
          const before = chatbase.emulator.requestLog.length;
          expect(await adapter.openSession().conversations(filter).count()).toBe(expected.length);
          expect(chatbase.emulator.requestLog.length - before).toBeLessThanOrEqual(endFinding + 2 * chatbots.length);
        },
      ),
      { seed: 42, numRuns: 25 },
    );
  });

  it('refines whole upstream days to the exact half-open range, at the millisecond', async () => {
    // The demo data holds a conversation at a UTC midnight and one a millisecond before it.
    const bot = chatbase.chatbotIds[0] as string;
    const midnight = (chatbase.data[bot] ?? []).find((wire) => wire.created_at.endsWith('T00:00:00.000Z')) as ChatbaseWireConversation;
    const t = Date.parse(midnight.created_at);
    const cases: [Date, Date][] = [
      [new Date(t - 1), new Date(t + 1)],
      [new Date(t), new Date(t + 1)],
      [new Date(t - 1), new Date(t)],
      [new Date(t - DAY_MS + 1), new Date(t + DAY_MS - 1)],
    ];
    for (const [from, to] of cases) {
      const filter = { ...EMPTY_FILTER, createdAt: { from, to } };
      const expected = expectedKeys(filter);
      expect(expected.length).toBeGreaterThan(0);
      expect((await walk(session.conversations(filter), 'forward', [1])).keys).toEqual(expected);
      expect((await walk(session.conversations(filter), 'backward', [1])).keys).toEqual(expected);
    }
  });

  it('without a date filter a page of n costs one request per chatbot when n + 1 fits one page', async () => {
    const stream = session.conversations(EMPTY_FILTER);
    const first = await stream.forward(null, 20);
    expect(chatbase.emulator.requestLog.map((entry) => entry.search)).toEqual(
      chatbase.chatbotIds.map((id) => `chatbotId=${encodeURIComponent(id)}&page=1&size=21`),
    );
    expect(first.items).toHaveLength(20);
    expect(first.hasMore).toBe(true);
  });

  it('pushes chatbots, sources and whole days down', async () => {
    const filter: ConversationFilter = {
      ...EMPTY_FILTER,
      createdAt: { from: new Date('2025-03-10T12:00:00Z'), to: new Date('2025-04-01T00:00:00Z') },
      chatbase: { chatbotIds: ['sales-bot'], sources: ['Slack', 'Chatbase site'] },
    };
    await walkForward(session.conversations(filter), [99]);
    const [entry] = chatbase.emulator.requestLog;
    expect(Object.fromEntries(new URLSearchParams(entry?.search))).toEqual({
      chatbotId: 'sales-bot',
      page: '1',
      size: '100',
      startDate: '2025-03-10',
      endDate: '2025-03-31',
      filteredSources: 'Chatbase site,Slack',
    });
  });

  it('answers an empty stream without any request when nothing can match', async () => {
    for (const chatbase_ of [
      { chatbotIds: ['unconfigured-bot'], sources: null },
      { chatbotIds: null, sources: ['WhatsApp'] },
    ]) {
      const { items } = await walkForward(session.conversations({ ...EMPTY_FILTER, chatbase: chatbase_ }), [10]);
      expect(items).toEqual([]);
    }
    const empty = { ...EMPTY_FILTER, createdAt: { from: anchor, to: anchor } };
    expect((await walkForward(session.conversations(empty), [10])).items).toEqual([]);
    expect(chatbase.emulator.requestLog).toEqual([]);
  });

  it('counts although Chatbase reports no total, and recognises its own positions', async () => {
    const stream = session.conversations(EMPTY_FILTER);
    expect(await stream.count()).toBe(expectedKeys(EMPTY_FILTER).length);
    expect(adapter.capabilities).toEqual({ backward: true, totalCount: true, messages: true });
    const chunk = await stream.forward(null, 3);
    expect(stream.isPosition(chunk.next)).toBe(true);
    expect(stream.isPosition(5)).toBe(false);
    expect(stream.isPosition({ 'support-bot': { at: 1 } })).toBe(false);
  });

  it('maps the wire conversation', async () => {
    const chunk = await session.conversations(EMPTY_FILTER).forward(null, 1);
    const conversation = chunk.items[0]?.item as Conversation;
    const wire = chatbase.data[chatbase.chatbotIds[0] as string]?.[0] as ChatbaseWireConversation;
    expect(conversation).toMatchObject({
      provider: 'CHATBASE',
      providerId: wire.id,
      createdAt: new Date(wire.created_at),
      details: { provider: 'CHATBASE', chatbotId: wire.chatbot_id, source: wire.source, customer: wire.customer },
    });
  });
});

describe('Chatbase adapter: order violations', () => {
  it('detects a mis-ordered page instead of returning it', async () => {
    chatbase.misorderNextPages(1);
    const error = await session.conversations(EMPTY_FILTER).forward(null, 20).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).facts).toMatchObject({ provider: 'CHATBASE', code: ErrorCode.UPSTREAM_ORDER_VIOLATION });
  });

  it('keeps the violation out of the page even when only the sliced-away part is disordered', async () => {
    // Window [10, 21) is served by page 1 of size 21: the skipped first ten items travel too and are checked.
    const stream = session.conversations({ ...EMPTY_FILTER, chatbase: { chatbotIds: ['support-bot'], sources: null } });
    const first = await stream.forward(null, 10);
    chatbase.emulator.clearLog();
    chatbase.misorderNextPages(1);
    await expect(stream.forward(first.next, 10)).rejects.toMatchObject({ facts: { code: ErrorCode.UPSTREAM_ORDER_VIOLATION } });
    expect(chatbase.emulator.requestLog.map((entry) => entry.search)).toEqual(['chatbotId=support-bot&page=1&size=21']);
  });
});

/** Wire conversations of all chatbots with their chatbot id. */
function wires(): { chatbotId: string; wire: ChatbaseWireConversation }[] {
  return chatbase.chatbotIds.flatMap((chatbotId) => (chatbase.data[chatbotId] ?? []).map((wire) => ({ chatbotId, wire })));
}

async function conversationOf(chatbotId: string, wire: ChatbaseWireConversation): Promise<Conversation> {
  const conversation = await session.loadConversation({ providerId: wire.id, createdAtMs: Date.parse(wire.created_at), hint: chatbotId });
  if (!conversation) throw new Error('demo conversation not found');
  return conversation;
}

describe('Chatbase adapter: people', () => {
  it('turns the customer string into the creator and only member', async () => {
    const { chatbotId, wire } = wires().find(({ wire }) => wire.customer !== '') as { chatbotId: string; wire: ChatbaseWireConversation };
    const conversation = await conversationOf(chatbotId, wire);
    const person = { provider: 'CHATBASE', providerId: wire.customer, displayName: wire.customer, firstName: null, lastName: null, email: null, department: null, role: null };
    expect(await session.creator(conversation)).toEqual(person);
    expect(await session.members(conversation)).toEqual([person]);
  });

  it('has no creator and no members for an anonymous conversation', async () => {
    const { chatbotId, wire } = wires().find(({ wire }) => wire.customer === '') as { chatbotId: string; wire: ChatbaseWireConversation };
    const conversation = await conversationOf(chatbotId, wire);
    expect(await session.creator(conversation)).toBeNull();
    expect(await session.members(conversation)).toEqual([]);
  });

  it('costs no request beyond the conversation itself', async () => {
    const chunk = await session.conversations(EMPTY_FILTER).forward(null, 50);
    const before = chatbase.emulator.requestLog.length;
    for (const { item } of chunk.items) {
      await session.creator(item);
      await session.members(item);
      await walkForward(session.messages(item) as OrderedStream<Message>, [5]);
    }
    expect(chatbase.emulator.requestLog.length).toBe(before);
  });
});

describe('Chatbase adapter: messages', () => {
  const texts = (messages: Message[]): string[] => messages.map((message) => message.text);

  it('walks a conversation of more than 100 messages forward and backward, oldest first', async () => {
    const { chatbotId, wire } = wires().find(({ wire }) => wire.messages.length > 100) as { chatbotId: string; wire: ChatbaseWireConversation };
    const conversation = await conversationOf(chatbotId, wire);
    const stream = session.messages(conversation) as OrderedStream<Message>;
    expect(await stream.count()).toBe(wire.messages.length);
    const forward = await walkForward(stream, [7, 100, 1]);
    expect(texts(forward.items)).toEqual(wire.messages.map((message) => message.content));
    const backward = await walkBackward(stream, [3, 50]);
    expect(texts(backward.items)).toEqual(texts(forward.items));
    expect(forward.items[0]).toMatchObject({ providerId: `${wire.id}:0`, conversationProviderId: wire.id });
    expect(forward.items[120]?.providerId).toBe(`${wire.id}:120`);
  });

  it('maps roles: user → USER (sent by the customer), assistant → ASSISTANT', async () => {
    const { chatbotId, wire } = wires().find(({ wire }) => wire.customer !== '' && wire.messages.length >= 2) as {
      chatbotId: string;
      wire: ChatbaseWireConversation;
    };
    const conversation = await conversationOf(chatbotId, wire);
    const { items } = await walkForward(session.messages(conversation) as OrderedStream<Message>, [100]);
    items.forEach((message, index) => {
      const role = wire.messages[index]?.role;
      expect(message.authorLabel).toBe(role);
      expect(message.role).toBe(role === 'user' ? 'USER' : 'ASSISTANT');
      expect(message.sender?.displayName ?? null).toBe(role === 'user' ? wire.customer : null);
    });
  });

  it('walks a conversation without messages to an empty stream in both directions', async () => {
    const { chatbotId, wire } = wires().find(({ wire }) => wire.messages.length === 0) as { chatbotId: string; wire: ChatbaseWireConversation };
    const stream = session.messages(await conversationOf(chatbotId, wire)) as OrderedStream<Message>;
    expect(await stream.forward(null, 10)).toEqual({ items: [], next: 0, hasMore: false });
    expect((await walkBackward(stream, [10])).items).toEqual([]);
  });
});

describe('Chatbase adapter: node look-ups', () => {
  it('finds a conversation again from its key', async () => {
    const chunk = await session.conversations(EMPTY_FILTER).forward(null, 30);
    const original = chunk.items[29]?.item as Conversation;
    const fresh = adapter.openSession();
    expect(plainConversation((await fresh.loadConversation(fresh.keyOf(original))) as Conversation)).toEqual(plainConversation(original));
  });

  it('batches keys of one chatbot and day into one scan, one scan per chatbot and day', async () => {
    const [a, b] = chatbase.chatbotIds as [string, string];
    const tie = (chatbase.data[b] ?? []).find((wire) => (chatbase.data[a] ?? []).some((other) => other.created_at === wire.created_at));
    const twin = (chatbase.data[a] ?? []).find((wire) => wire.created_at === tie?.created_at) as ChatbaseWireConversation;
    const day = twin.created_at.slice(0, 10);
    const sameDay = (chatbase.data[a] ?? []).filter((wire) => wire.created_at.startsWith(day));
    const other = (chatbase.data[a] ?? []).find((wire) => !wire.created_at.startsWith(day)) as ChatbaseWireConversation;
    const keys = [
      ...sameDay.map((wire) => ({ providerId: wire.id, createdAtMs: Date.parse(wire.created_at), hint: a })),
      { providerId: (tie as ChatbaseWireConversation).id, createdAtMs: Date.parse(twin.created_at), hint: b },
      { providerId: other.id, createdAtMs: Date.parse(other.created_at), hint: a },
      { providerId: 'no-such-conversation', createdAtMs: Date.parse(twin.created_at), hint: a },
    ];
    const found = await Promise.all(keys.map((key) => session.loadConversation(key)));
    expect(found.map((conversation) => conversation?.providerId ?? null)).toEqual([
      ...sameDay.map((wire) => wire.id),
      (tie as ChatbaseWireConversation).id,
      other.id,
      null,
    ]);
    // Three groups (a/day, b/day, a/other day), each a one-page scan of its day.
    const searches = chatbase.emulator.requestLog.map((entry) => Object.fromEntries(new URLSearchParams(entry.search)));
    expect(searches).toHaveLength(3);
    expect(searches).toContainEqual({ chatbotId: a, page: '1', size: '100', startDate: day, endDate: day });
    expect(searches).toContainEqual({ chatbotId: b, page: '1', size: '100', startDate: day, endDate: day });
  });

  it('answers null without a request for a chatbot that is not configured or a key without its day', async () => {
    const wire = chatbase.data[chatbase.chatbotIds[0] as string]?.[0] as ChatbaseWireConversation;
    expect(await session.loadConversation({ providerId: wire.id, createdAtMs: Date.parse(wire.created_at), hint: 'other-bot' })).toBeNull();
    expect(await session.loadConversation({ providerId: wire.id, createdAtMs: null, hint: chatbase.chatbotIds[0] as string })).toBeNull();
    expect(await session.loadConversation({ providerId: wire.id, createdAtMs: Date.parse(wire.created_at), hint: null })).toBeNull();
    expect(chatbase.emulator.requestLog).toEqual([]);
  });

  it('answers null for a missing conversation or the wrong day', async () => {
    const wire = chatbase.data[chatbase.chatbotIds[0] as string]?.[40] as ChatbaseWireConversation;
    const hint = chatbase.chatbotIds[0] as string;
    expect(await session.loadConversation({ providerId: 'missing', createdAtMs: Date.parse(wire.created_at), hint })).toBeNull();
    expect(await session.loadConversation({ providerId: wire.id, createdAtMs: Date.parse(wire.created_at) - 40 * DAY_MS, hint })).toBeNull();
  });

  it('answers null when a configured chatbot does not exist upstream (404)', async () => {
    const ghost = createChatbaseAdapter(
      { baseUrl: chatbase.env.CHATBASE_BASE_URL as string, apiKey: chatbase.apiKey, chatbotIds: ['ghost-bot'] },
      http,
    );
    try {
      expect(await ghost.openSession().loadConversation({ providerId: 'x', createdAtMs: anchor.getTime() - 1, hint: 'ghost-bot' })).toBeNull();
    } finally {
      await ghost.close();
    }
  });
});

describe('Chatbase adapter: upstream errors', () => {
  async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    return error as UpstreamError;
  }
  // One chatbot, so one request per attempt and the faults below land deterministically.
  const oneBot: ConversationFilter = { ...EMPTY_FILTER, chatbase: { chatbotIds: ['support-bot'], sources: null } };
  const firstPage = (s: VendorSession = session): Promise<unknown> => s.conversations(oneBot).forward(null, 10);

  it('retries a 500 once and then maps it to UPSTREAM_UNAVAILABLE with its facts', async () => {
    chatbase.emulator.injectFault({ kind: 'status500', count: 2 });
    const error = await failure(firstPage());
    expect(error.facts).toMatchObject({ provider: 'CHATBASE', code: ErrorCode.UPSTREAM_UNAVAILABLE, status: 500, method: 'GET' });
    expect(error.facts.url).toBe(`${chatbase.env.CHATBASE_BASE_URL}/get-conversations`);
    expect(error.message).not.toContain('Internal server error');
  });

  it('recovers when a retry succeeds', async () => {
    chatbase.emulator.injectFault({ kind: 'status503', count: 1 });
    await expect(firstPage()).resolves.toBeTruthy();
  });

  it('maps 429 to UPSTREAM_RATE_LIMITED with Retry-After', async () => {
    chatbase.emulator.injectFault({ kind: 'status429RetryAfter', count: 2, retryAfterSeconds: 0 });
    const error = await failure(firstPage());
    expect(error.facts).toMatchObject({ code: ErrorCode.UPSTREAM_RATE_LIMITED, status: 429, retryAfter: 0 });
  });

  it('maps a truncated body to UPSTREAM_BAD_RESPONSE', async () => {
    chatbase.emulator.injectFault({ kind: 'truncatedJson', count: 2 });
    expect((await failure(firstPage())).facts.code).toBe(ErrorCode.UPSTREAM_BAD_RESPONSE);
  });

  it('maps a wrong API key (401 { message }) to UPSTREAM_AUTH_FAILED', async () => {
    const wrong = createChatbaseAdapter(
      { baseUrl: chatbase.env.CHATBASE_BASE_URL as string, apiKey: 'wrong-key', chatbotIds: chatbase.chatbotIds },
      http,
    );
    try {
      const error = await failure(firstPage(wrong.openSession()));
      expect(error.facts).toMatchObject({ code: ErrorCode.UPSTREAM_AUTH_FAILED, status: 401 });
      expect(error.message).not.toContain('wrong-key');
    } finally {
      await wrong.close();
    }
  });

  it('maps an unknown configured chatbot (404 { message }) to UPSTREAM_NOT_FOUND', async () => {
    const ghost = createChatbaseAdapter(
      { baseUrl: chatbase.env.CHATBASE_BASE_URL as string, apiKey: chatbase.apiKey, chatbotIds: ['support-bot', 'ghost-bot'] },
      http,
    );
    try {
      const error = await failure(ghost.openSession().conversations(EMPTY_FILTER).forward(null, 10));
      expect(error.facts).toMatchObject({ code: ErrorCode.UPSTREAM_NOT_FOUND, status: 404 });
      expect(error.message).not.toContain('Chatbot not found');
    } finally {
      await ghost.close();
    }
  });

  it('maps a look-up failure to an error for the keys of that scan only', async () => {
    const [a, b] = chatbase.chatbotIds as [string, string];
    const wa = chatbase.data[a]?.[0] as ChatbaseWireConversation;
    const wb = chatbase.data[b]?.[60] as ChatbaseWireConversation;
    // Two scans of one request each, two attempts each: three faults fail exactly one of them, whichever comes second.
    chatbase.emulator.injectFault({ kind: 'status500', count: 3 });
    const results = await Promise.allSettled([
      session.loadConversation({ providerId: wa.id, createdAtMs: Date.parse(wa.created_at), hint: a }),
      session.loadConversation({ providerId: wb.id, createdAtMs: Date.parse(wb.created_at), hint: b }),
    ]);
    const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    const fulfilled = results.filter((result): result is PromiseFulfilledResult<Conversation | null> => result.status === 'fulfilled');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toMatchObject({ facts: { code: ErrorCode.UPSTREAM_UNAVAILABLE } });
    expect([wa.id, wb.id]).toContain(fulfilled[0]?.value?.providerId);
  });
});
