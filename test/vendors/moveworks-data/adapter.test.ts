import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { HttpSettings } from '../../../src/vendors/http-settings.js';
import { MOVEWORKS_DATA_FILTER } from '../../../src/vendors/moveworks-data/filter.js';
import { EMPTY_FILTER, plainConversation, type Conversation, type ConversationFilter, type Message } from '../../../src/domain.js';
import { ErrorCode, UpstreamError } from '../../../src/errors.js';
import { DEFAULT_HTTP_SETTINGS } from '../../../src/vendors/http.js';
import type { OrderedStream, Position, VendorAdapter, StreamChunk } from '../../../src/vendors/port.js';
import { createMoveworksDataAdapter } from '../../../src/vendors/moveworks-data/adapter.js';
import {
  MOVEWORKS_DATA_DOMAINS,
  MOVEWORKS_DATA_ROUTES,
  moveworksDataDemoData,
  startMoveworksDataEmulator,
  type MoveworksDataEmulator,
  type MoveworksDataWireConversation,
  type MoveworksDataWireInteraction,
} from '../../../src/emulators/moveworks-data.js';
import { walkBackward, walkForward } from '../../support/streams.js';

const HTTP: HttpSettings = {
  ...DEFAULT_HTTP_SETTINGS,
  retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
  timeoutMs: 2000,
  breakerThreshold: 0,
};
const SERVER_PAGE = 50;
const anchor = new Date('2025-03-01T00:00:00.000Z');

let mw: MoveworksDataEmulator;
let adapter: VendorAdapter;

beforeAll(async () => {
  mw = await startMoveworksDataEmulator({ anchor, seed: 5, pageSize: SERVER_PAGE });
  adapter = createMoveworksDataAdapter({ baseUrl: mw.env.MOVEWORKS_DATA_BASE_URL as string, token: mw.token }, HTTP);
});
afterAll(async () => {
  await adapter.close();
  await mw.emulator.close();
});
beforeEach(() => {
  mw.emulator.reset();
});

// ------------------------------------------------------------ expectations from the emulator's data

const newestFirst = (a: MoveworksDataWireConversation, b: MoveworksDataWireConversation): number =>
  a.created_time === b.created_time ? (a.id < b.id ? 1 : -1) : a.created_time < b.created_time ? 1 : -1;
const oldestFirst = (a: MoveworksDataWireInteraction, b: MoveworksDataWireInteraction): number =>
  a.created_time === b.created_time ? (a.id < b.id ? -1 : 1) : a.created_time < b.created_time ? -1 : 1;

function expectedIds(filter: ConversationFilter): string[] {
  const section = MOVEWORKS_DATA_FILTER.of(filter);
  return mw.conversations
    .filter((c) => {
      const t = Date.parse(c.created_time);
      if (filter.createdAt?.from && t < filter.createdAt.from.getTime()) return false;
      if (filter.createdAt?.to && t >= filter.createdAt.to.getTime()) return false;
      if (section?.userIds && !section.userIds.includes(c.user_id)) return false;
      if (section?.routes && !section.routes.includes(c.route)) return false;
      if (section?.primaryDomains && (c.primary_domain === null || !section.primaryDomains.includes(c.primary_domain))) return false;
      return true;
    })
    .sort(newestFirst)
    .map((c) => c.id);
}

const interactionsOf = (conversationId: string): MoveworksDataWireInteraction[] =>
  mw.interactions.filter((i) => i.conversation_id === conversationId).sort(oldestFirst);
const requests = (): number => mw.emulator.requestLog.length;
const ids = (list: Conversation[]): string[] => list.map((c) => c.providerId);

/** Walks a stream one call at a time, recording how many upstream requests each call cost. */
async function walk<T>(
  stream: OrderedStream<T>,
  direction: 'forward' | 'backward',
  sizes: number[],
): Promise<{ items: T[]; costs: { size: number; requests: number }[] }> {
  const items: T[] = [];
  const costs: { size: number; requests: number }[] = [];
  let position: Position | null = null;
  for (let call = 0; call < 1000; call += 1) {
    const size = sizes[call % sizes.length] as number;
    const before = requests();
    const chunk: StreamChunk<T> = direction === 'forward' ? await stream.forward(position, size) : await (stream.backward as NonNullable<typeof stream.backward>)(position, size);
    costs.push({ size, requests: requests() - before });
    for (const entry of chunk.items) items.push(entry.item);
    position = chunk.next;
    if (!chunk.hasMore) return { items: direction === 'forward' ? items : items.reverse(), costs };
  }
  throw new Error('walk did not end');
}

// ------------------------------------------------------------ arbitraries

function filterArbitrary(): fc.Arbitrary<ConversationFilter> {
  const instants = [...new Set(mw.conversations.map((c) => Date.parse(c.created_time)))].sort((a, b) => a - b);
  const bound = fc.option(
    fc.tuple(fc.constantFrom(...instants), fc.constantFrom(-1, 0, 1)).map(([t, shift]) => new Date(t + shift)),
    { nil: null, freq: 2 },
  );
  const subset = <T>(values: readonly T[]): fc.Arbitrary<T[] | null> =>
    fc.option(fc.subarray([...values], { minLength: 1, maxLength: Math.min(4, values.length) }), { nil: null, freq: 2 });
  return fc
    .record({
      from: bound,
      to: bound,
      userIds: subset(mw.users.map((u) => u.id).slice(0, 25)),
      routes: subset(MOVEWORKS_DATA_ROUTES),
      primaryDomains: subset(MOVEWORKS_DATA_DOMAINS),
    })
    .map(({ from, to, userIds, routes, primaryDomains }) => ({
      ...EMPTY_FILTER,
      createdAt: from || to ? { from, to } : null,
      moveworksData: userIds || routes || primaryDomains ? { userIds, routes, primaryDomains } : null,
    }));
}

// ------------------------------------------------------------ tests

describe('Moveworks Data adapter: conversations', () => {
  it('walks forward and backward through exactly the emulator list, within the request bound (property)', async () => {
    // Bound: a call for n items costs ceil(n / 50) requests ($top=n is served in server pages of 50, nextLinks
    // followed); the first backward call also asks for the total ($top=0&$count=true).
    const lengths: number[] = [];
    await fc.assert(
      fc.asyncProperty(
        filterArbitrary(),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 3 }),
        async (filter, sizes) => {
          const expected = expectedIds(filter);
          lengths.push(expected.length);
          const session = adapter.openSession();
          const forward = await walk(session.conversations(filter), 'forward', sizes);
          expect(ids(forward.items)).toEqual(expected);
          for (const { size, requests: cost } of forward.costs) expect(cost).toBeLessThanOrEqual(Math.ceil(size / SERVER_PAGE));
          const backward = await walk(session.conversations(filter), 'backward', sizes);
          expect(ids(backward.items)).toEqual(expected);
          backward.costs.forEach(({ size, requests: cost }, call) => {
            expect(cost).toBeLessThanOrEqual(Math.ceil(size / SERVER_PAGE) + (call === 0 ? 1 : 0));
          });
          expect(await session.conversations(filter).count()).toBe(expected.length);
        },
      ),
      { seed: 42, numRuns: 25 },
    );
    // Not vacuous: the runs cover empty, small and multi-page lists.
    expect(lengths.some((n) => n === 0)).toBe(true);
    expect(lengths.filter((n) => n > SERVER_PAGE).length).toBeGreaterThanOrEqual(3);
  });

  it('maps the vendor fields into the domain model', async () => {
    const session = adapter.openSession();
    const chunk = await session.conversations(EMPTY_FILTER).forward(null, 3);
    const first = [...mw.conversations].sort(newestFirst)[0] as MoveworksDataWireConversation;
    expect(plainConversation(chunk.items[0]?.item as Conversation)).toEqual({
      provider: 'MOVEWORKS_DATA',
      providerId: first.id,
      createdAt: new Date(first.created_time),
      updatedAt: new Date(first.last_updated_time),
      title: null,
      creator: null,
      members: null,
      messages: null,
      details: { provider: 'MOVEWORKS_DATA', userId: first.user_id, route: first.route, primaryDomain: first.primary_domain },
    });
  });

  it('sends $orderby, $select, $top/$skip, $count and the $filter exactly', async () => {
    const session = adapter.openSession();
    const from = new Date('2024-10-01T00:00:00.000Z');
    await session.conversations({ ...EMPTY_FILTER, createdAt: { from, to: null }, moveworksData: { userIds: null, routes: ['DM', 'Notification engagement'], primaryDomains: null } }).forward(7, 5);
    const query = new URLSearchParams(mw.emulator.requestLog[0]?.search);
    expect(Object.fromEntries(query)).toEqual({
      $filter: "created_time ge 2024-10-01T00:00:00.000Z and route in ('DM','Notification engagement')",
      $select: 'id,user_id,primary_domain,route,created_time,last_updated_time',
      $orderby: 'created_time desc,id desc',
      $top: '5',
      $skip: '7',
      $count: 'true',
    });
  });

  it('totalCount is exact and costs one $top=0 request', async () => {
    const filter = { ...EMPTY_FILTER, moveworksData: { userIds: null, routes: ['DM'], primaryDomains: null } };
    expect(await adapter.openSession().conversations(filter).count()).toBe(expectedIds(filter).length);
    expect(mw.emulator.requestLog).toHaveLength(1);
    expect(new URLSearchParams(mw.emulator.requestLog[0]?.search).get('$top')).toBe('0');
  });

  it('keeps hostile filter values inside their literals', async () => {
    const session = adapter.openSession();
    const injection = { ...EMPTY_FILTER, moveworksData: { userIds: ["x') or (id ne '"], routes: null, primaryDomains: null } };
    const result = await walkForward(session.conversations(injection), [50]);
    expect(result.items).toEqual([]);
    const quoted = { ...EMPTY_FILTER, moveworksData: { userIds: null, routes: null, primaryDomains: ["Payroll 'Q&A'", 'Legal\\Compliance'] } };
    const found = await walkForward(session.conversations(quoted), [100]);
    expect(ids(found.items)).toEqual(expectedIds(quoted));
    expect(found.items.length).toBeGreaterThan(0);
  });

  it('an empty list in the filter matches nothing without asking upstream', async () => {
    const stream = adapter.openSession().conversations({ ...EMPTY_FILTER, moveworksData: { userIds: [], routes: null, primaryDomains: null } });
    expect((await walkForward(stream, [10])).items).toEqual([]);
    expect(await stream.count()).toBe(0);
    expect(requests()).toBe(0);
  });
});

describe('Moveworks Data adapter: people and messages for a page, batched', () => {
  async function pageWithPeopleAndMessages(adapterUnderTest: VendorAdapter) {
    const session = adapterUnderTest.openSession();
    const page = await session.conversations(EMPTY_FILTER).forward(null, 50);
    const conversations = page.items.map((entry) => entry.item);
    const details = await Promise.all(
      conversations.map(async (conversation) => ({
        conversation,
        creator: await session.creator(conversation),
        members: await session.members(conversation),
        messages: (await (session.messages(conversation) as OrderedStream<Message>).forward(null, 5)).items.map((entry) => entry.item),
      })),
    );
    return details;
  }

  function checkAgainstData(details: Awaited<ReturnType<typeof pageWithPeopleAndMessages>>): void {
    const usersById = new Map(mw.users.map((u) => [u.id, u]));
    for (const { conversation, creator, members, messages } of details) {
      const wire = mw.conversations.find((c) => c.id === conversation.providerId) as MoveworksDataWireConversation;
      const user = usersById.get(wire.user_id);
      expect(creator).toEqual({
        provider: 'MOVEWORKS_DATA',
        providerId: user?.id,
        displayName: user?.full_name,
        firstName: user?.first_name,
        lastName: user?.last_name,
        email: user?.email_addr,
        department: user?.department,
        role: user?.role,
      });
      expect(members).toEqual([creator]);
      const expected = interactionsOf(conversation.providerId).slice(0, 5);
      expect(messages.map((m) => m.providerId)).toEqual(expected.map((i) => i.id));
      messages.forEach((message, index) => {
        const interaction = expected[index] as MoveworksDataWireInteraction;
        expect(message.text).toBe(interaction.details.content);
        expect(message.role).toBe(interaction.actor === 'user' ? 'USER' : 'ASSISTANT');
        expect(message.sender).toEqual(interaction.actor === 'user' ? creator : null);
      });
    }
  }

  it('a page of 50 with creator, members and 5 messages each costs one users and one interactions request', async () => {
    // The emulator serves the interactions of 50 conversations in one response here; see the next test for paging.
    const roomy = await startMoveworksDataEmulator({ anchor, seed: 5, pageSize: { interactions: 1000 } });
    const roomyAdapter = createMoveworksDataAdapter({ baseUrl: roomy.emulator.baseUrl, token: roomy.token }, HTTP);
    try {
      const details = await pageWithPeopleAndMessages(roomyAdapter);
      expect(details).toHaveLength(50);
      checkAgainstData(details);
      expect(roomy.emulator.counters()).toEqual({ listConversations: 1, listUsers: 1, listInteractions: 1 });
    } finally {
      await roomyAdapter.close();
      await roomy.emulator.close();
    }
  });

  it('with the server paging interactions at 50, it is still one query, its nextLinks followed, no request twice', async () => {
    const details = await pageWithPeopleAndMessages(adapter);
    checkAgainstData(details);
    const log = mw.emulator.requestLog;
    const interactionRequests = log.filter((entry) => entry.endpoint === 'listInteractions');
    const pageIds = new Set(details.map((d) => d.conversation.providerId));
    const rows = mw.interactions.filter((i) => pageIds.has(i.conversation_id)).length;
    expect(interactionRequests).toHaveLength(Math.ceil(rows / SERVER_PAGE));
    expect(interactionRequests.filter((entry) => !entry.search.includes('skiptoken'))).toHaveLength(1);
    expect(log.filter((entry) => entry.endpoint === 'listUsers')).toHaveLength(1);
    expect(new Set(log.map((entry) => entry.path + '?' + entry.search)).size).toBe(log.length);
  });

  it('chunks look-ups when the URL budget is small, each chunk within it', async () => {
    const tight = createMoveworksDataAdapter({ baseUrl: mw.emulator.baseUrl, token: mw.token }, HTTP, { maxUrlLength: 900 });
    try {
      const session = tight.openSession();
      const page = (await session.conversations(EMPTY_FILTER).forward(null, 50)).items.map((entry) => entry.item);
      const distinctUsers = new Set(page.map((c) => (c.details.provider === 'MOVEWORKS_DATA' ? c.details.userId : null))).size;
      mw.emulator.clearLog();
      await Promise.all(page.map((c) => session.creator(c)));
      const userRequests = mw.emulator.requestLog.filter((entry) => entry.endpoint === 'listUsers');
      expect(userRequests.length).toBeGreaterThan(1);
      expect(userRequests.length).toBeLessThanOrEqual(Math.ceil(distinctUsers / 10));
      for (const entry of userRequests) expect(`${mw.emulator.origin}${entry.path}?${entry.search}`.length).toBeLessThanOrEqual(900);
    } finally {
      await tight.close();
    }
  });
});

describe('Moveworks Data adapter: messages', () => {
  const longest = (): string => {
    const counts = new Map<string, number>();
    for (const i of mw.interactions) counts.set(i.conversation_id, (counts.get(i.conversation_id) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] as string;
  };
  const conversationById = async (id: string): Promise<Conversation> => {
    const found = await adapter.openSession().loadConversation({ providerId: id, createdAtMs: null, hint: null });
    if (!found) throw new Error('missing');
    return found;
  };

  it('walks more than 100 messages forward and backward, oldest first, ties by id', async () => {
    const conversation = await conversationById(longest());
    const expected = interactionsOf(conversation.providerId).map((i) => i.id);
    expect(expected.length).toBeGreaterThan(100);
    for (const sizes of [[1, 7, 100], [13], [100]]) {
      const session = adapter.openSession();
      mw.emulator.clearLog();
      const stream = session.messages(conversation) as OrderedStream<Message>;
      expect((await walkForward(stream, sizes)).items.map((m) => m.providerId)).toEqual(expected);
      expect((await walkBackward(stream, sizes)).items.map((m) => m.providerId)).toEqual(expected);
      expect(await stream.count()).toBe(expected.length);
      // The whole list is loaded once per session (130 rows in server pages of 50) and paged locally.
      expect(mw.emulator.counters()).toEqual({ listInteractions: Math.ceil(expected.length / SERVER_PAGE), listUsers: 1 });
    }
  });

  it('a conversation without interactions has an empty message stream', async () => {
    const silent = mw.conversations.find((c) => !mw.interactions.some((i) => i.conversation_id === c.id)) as MoveworksDataWireConversation;
    const conversation = await conversationById(silent.id);
    const session = adapter.openSession();
    const stream = session.messages(conversation) as OrderedStream<Message>;
    expect(await stream.forward(null, 10)).toEqual({ items: [], next: 0, hasMore: false });
    expect((await walkBackward(stream, [10])).items).toEqual([]);
    expect(await stream.count()).toBe(0);
    expect(await session.members(conversation)).toEqual([await session.creator(conversation)]);
  });
});

describe('Moveworks Data adapter: node look-ups', () => {
  it('finds existing conversations and answers null for missing ones, in one request per batch', async () => {
    const session = adapter.openSession();
    const existing = mw.conversations.slice(0, 20).map((c) => c.id);
    const keys = [...existing, 'does-not-exist', "quote'd-missing"].map((providerId) => ({ providerId, createdAtMs: null, hint: null }));
    const found = await Promise.all(keys.map((key) => session.loadConversation(key)));
    expect(found.slice(0, 20).map((c) => c?.providerId)).toEqual(existing);
    expect(found.slice(20)).toEqual([null, null]);
    expect(mw.emulator.counters()).toEqual({ listConversations: 1 });
    expect(session.keyOf(found[0] as Conversation)).toEqual({
      providerId: existing[0],
      createdAtMs: Date.parse(mw.conversations[0]?.created_time as string),
      hint: null,
    });
  });

  it('reuses conversations listed earlier in the same session', async () => {
    const session = adapter.openSession();
    const page = await session.conversations(EMPTY_FILTER).forward(null, 5);
    mw.emulator.clearLog();
    const first = page.items[0]?.item as Conversation;
    expect(await session.loadConversation(session.keyOf(first))).toEqual(first);
    expect(requests()).toBe(0);
  });
});

describe('Moveworks Data adapter: people beyond the demo shape', () => {
  it('members are the creator, then other interaction users; a missing user is no creator and no member', async () => {
    const data = moveworksDataDemoData({ anchor, seed: 5, size: 20, users: 10 });
    const [withGuest, orphan] = [...data.conversations].sort(newestFirst).filter((c) => data.interactions.some((i) => i.conversation_id === c.id));
    if (!withGuest || !orphan) throw new Error('demo data too small');
    const guest = data.users.find((u) => u.id !== withGuest.user_id) as (typeof data.users)[number];
    const turn = data.interactions.find((i) => i.conversation_id === withGuest.id) as MoveworksDataWireInteraction;
    turn.user_id = guest.id;
    const ghost = '00000000-0000-4000-a000-00000000dead';
    orphan.user_id = ghost;
    for (const i of data.interactions) if (i.conversation_id === orphan.id) i.user_id = ghost;
    const custom = await startMoveworksDataEmulator({ anchor }, data);
    const customAdapter = createMoveworksDataAdapter({ baseUrl: custom.emulator.baseUrl, token: custom.token }, HTTP);
    try {
      const session = customAdapter.openSession();
      const [a, b] = await Promise.all([withGuest.id, orphan.id].map((providerId) => session.loadConversation({ providerId, createdAtMs: null, hint: null })));
      const members = await session.members(a as Conversation);
      expect(members.map((p) => p.providerId)).toEqual([withGuest.user_id, guest.id]);
      expect(await session.creator(b as Conversation)).toBeNull();
      expect(await session.members(b as Conversation)).toEqual([]);
    } finally {
      await customAdapter.close();
      await custom.emulator.close();
    }
  });
});

describe('Moveworks Data adapter: upstream errors', () => {
  async function failure(run: () => Promise<unknown>): Promise<UpstreamError> {
    try {
      await run();
    } catch (error) {
      expect(error).toBeInstanceOf(UpstreamError);
      return error as UpstreamError;
    }
    throw new Error('expected a failure');
  }

  it('maps a 500 with the OData error body to UPSTREAM_UNAVAILABLE, vendor code kept, after retrying', async () => {
    mw.emulator.injectFault({ kind: 'status500', count: 2 });
    const error = await failure(() => adapter.openSession().conversations(EMPTY_FILTER).forward(null, 10));
    expect(error.facts).toMatchObject({ provider: 'MOVEWORKS_DATA', code: ErrorCode.UPSTREAM_UNAVAILABLE, status: 500, vendorCode: 'InternalServerError' });
    expect(error.facts.url).toBe(`${mw.emulator.baseUrl}/records/conversations`);
    expect(error.message).not.toMatch(/Internal|\$filter|token/);
    expect(requests()).toBe(2);
  });

  it('recovers when a retry succeeds (503 once)', async () => {
    mw.emulator.injectFault({ kind: 'status503', count: 1 });
    const chunk = await adapter.openSession().conversations(EMPTY_FILTER).forward(null, 3);
    expect(chunk.items).toHaveLength(3);
  });

  it('maps 429 to UPSTREAM_RATE_LIMITED with Retry-After', async () => {
    mw.emulator.injectFault({ kind: 'status429RetryAfter', count: 2, retryAfterSeconds: 0 });
    const error = await failure(() => adapter.openSession().conversations(EMPTY_FILTER).count());
    expect(error.facts).toMatchObject({ code: ErrorCode.UPSTREAM_RATE_LIMITED, status: 429, vendorCode: 'TooManyRequests', retryAfter: 0 });
  });

  it('maps a rejected credential to UPSTREAM_AUTH_FAILED without retrying', async () => {
    const wrong = createMoveworksDataAdapter({ baseUrl: mw.emulator.baseUrl, token: 'Bearer wrong' }, HTTP);
    try {
      const error = await failure(() => wrong.openSession().conversations(EMPTY_FILTER).forward(null, 1));
      expect(error.facts).toMatchObject({ code: ErrorCode.UPSTREAM_AUTH_FAILED, status: 403, vendorCode: 'Forbidden' });
      expect(requests()).toBe(1);
    } finally {
      await wrong.close();
    }
  });

  it('maps a truncated body to UPSTREAM_BAD_RESPONSE', async () => {
    mw.emulator.injectFault({ kind: 'truncatedJson', count: 2 });
    const error = await failure(() => adapter.openSession().conversations(EMPTY_FILTER).forward(null, 5));
    expect(error.facts.code).toBe(ErrorCode.UPSTREAM_BAD_RESPONSE);
  });

  it('a failing users request fails the creators of that batch with the upstream error', async () => {
    const session = adapter.openSession();
    const page = (await session.conversations(EMPTY_FILTER).forward(null, 3)).items.map((entry) => entry.item);
    mw.emulator.injectFault({ kind: 'status500', count: 2, pathPrefix: '/records/users' });
    const results = await Promise.allSettled(page.map((c) => session.creator(c)));
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(UpstreamError);
    }
  });
});
