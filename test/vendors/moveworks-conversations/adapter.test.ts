import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HttpSettings } from '../../../src/vendors/http-settings.js';
import { MOVEWORKS_CONVERSATIONS_FILTER } from '../../../src/vendors/moveworks-conversations/filter.js';
import { EMPTY_FILTER, plainConversation, type Conversation, type ConversationFilter, type Message } from '../../../src/domain.js';
import { ErrorCode, UpstreamError } from '../../../src/errors.js';
import {
  startMoveworksConversationsEmulator,
  type MoveworksConversationsEmulator,
  type MoveworksWireConversation,
  type MoveworksWireMessage,
} from '../../../src/emulators/moveworks-conversations.js';
import { DEFAULT_HTTP_SETTINGS } from '../../../src/vendors/http.js';
import { createMoveworksConversationsAdapter } from '../../../src/vendors/moveworks-conversations/adapter.js';
import type { OrderedStream, Position, VendorAdapter, VendorSession } from '../../../src/vendors/port.js';
import { walkBackward, walkForward } from '../../support/streams.js';

const ANCHOR = new Date('2025-03-01T00:00:00.000Z');
const HTTP: HttpSettings = {
  ...DEFAULT_HTTP_SETTINGS,
  retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
  timeoutMs: 2000,
  breakerThreshold: 0,
};

let mw: MoveworksConversationsEmulator;
let adapter: VendorAdapter;

beforeAll(async () => {
  mw = await startMoveworksConversationsEmulator({ anchor: ANCHOR });
  adapter = adapterWith({});
});
afterAll(async () => {
  await adapter.close();
  await mw.emulator.close();
});
beforeEach(() => mw.emulator.reset());

function adapterWith(overrides: { token?: string; assistantName?: string }): VendorAdapter {
  return createMoveworksConversationsAdapter(
    {
      baseUrl: mw.env.MOVEWORKS_CONVERSATIONS_BASE_URL as string,
      token: overrides.token ?? mw.token,
      assistantName: overrides.assistantName ?? mw.assistantName,
    },
    HTTP,
  );
}

const requests = (): number => mw.emulator.requestLog.length;

/** The graph's order: createdAt desc; all-states merge puts unarchived first on ties; then id desc. */
function expected(filter: ConversationFilter): MoveworksWireConversation[] {
  const archived = MOVEWORKS_CONVERSATIONS_FILTER.of(filter)?.archived ?? null;
  const from = filter.createdAt?.from?.getTime() ?? null;
  const to = filter.createdAt?.to?.getTime() ?? null;
  return mw.conversations
    .filter((c) => archived === null || c.archived === archived)
    .filter((c) => (from === null || Date.parse(c.created_at) >= from) && (to === null || Date.parse(c.created_at) < to))
    .sort((a, b) => {
      if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
      // One order for the vendor's stream, archived states merged: ties by id descending (the walk contract's key).
      return a.conversation_id < b.conversation_id ? 1 : -1;
    });
}

/** Upstream pages of one full scan per archived state the filter asks for (limit 100). */
function scanPages(filter: ConversationFilter): number {
  const archived = MOVEWORKS_CONVERSATIONS_FILTER.of(filter)?.archived ?? null;
  const states = archived === null ? [false, true] : [archived];
  return states.reduce((sum, state) => sum + Math.max(1, Math.ceil(mw.conversations.filter((c) => c.archived === state).length / 100)), 0);
}

/** Walks like a client: every page is a new GraphQL request (new session), its cursor round-tripped through JSON. */
async function walkPages(filter: ConversationFilter, sizes: number[]): Promise<{ ids: string[]; perPage: number[] }> {
  const ids: string[] = [];
  const perPage: number[] = [];
  let position: Position | null = null;
  for (let page = 0; page < 1000; page += 1) {
    const before = requests();
    const stream = adapter.openSession().conversations(filter);
    const chunk = await stream.forward(position, sizes[page % sizes.length] as number);
    perPage.push(requests() - before);
    ids.push(...chunk.items.map((entry) => entry.item.providerId));
    position = JSON.parse(JSON.stringify(chunk.next)) as Position;
    if (!chunk.hasMore) return { ids, perPage };
  }
  throw new Error('walk did not end');
}

/** Random filters over the demo data: an archived state (or none) and a created-at range between real instants. */
const instant = fc.integer({ min: 0, max: 259 }).map((index) => new Date(mw.conversations[index]?.created_at ?? ANCHOR));
const filterArbitrary: fc.Arbitrary<ConversationFilter> = fc
  .record({
    archived: fc.constantFrom<boolean | null | undefined>(undefined, null, true, false),
    from: fc.option(instant),
    to: fc.option(instant),
  })
  .map(({ archived, from, to }) => ({
    ...EMPTY_FILTER,
    createdAt: from || to ? { from, to } : null,
    moveworksConversations: archived === undefined ? null : { archived },
  }));

describe('conversations, forward', () => {

  it('yields exactly the emulator list for random page sizes and filters, within the request bound', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }),
        filterArbitrary,
        async (sizes, filter) => {
          const { ids, perPage } = await walkPages(filter, sizes);
          expect(ids).toEqual(expected(filter).map((c) => c.conversation_id));
          // Bound: a page (one request/session) reads each upstream page of each scan at most once.
          const bound = scanPages(filter);
          for (const cost of perPage) expect(cost).toBeLessThanOrEqual(bound);
        },
      ),
      { seed: 42, numRuns: 25 },
    );
  });

  it('costs a bounded number of upstream requests over a full walk (page sizes 20, 50, 100)', async () => {
    const costs: Record<string, { pages: number; requests: number; maxPerPage: number }> = {};
    for (const [name, filter] of [
      ['all', EMPTY_FILTER],
      ['unarchived', { ...EMPTY_FILTER, moveworksConversations: { archived: false } }],
    ] as const) {
      for (const size of [20, 50, 100]) {
        const { ids, perPage } = await walkPages(filter, [size]);
        expect(ids).toHaveLength(expected(filter).length);
        costs[`${name}/${size}`] = { pages: perPage.length, requests: perPage.reduce((a, b) => a + b, 0), maxPerPage: Math.max(...perPage) };
      }
    }
    // 212 unarchived (3 upstream pages of 100) + 48 archived (1 page); a single scan of both is 4 requests.
    // Old conversations updated in the last day sit on upstream page 1 until the walk reaches their
    // creation instant; every graph page re-reads that page, then scans on from its frontier.
    expect(costs).toEqual({
      'all/20': { pages: 13, requests: 35, maxPerPage: 4 },
      'all/50': { pages: 6, requests: 17, maxPerPage: 4 },
      'all/100': { pages: 3, requests: 10, maxPerPage: 4 },
      'unarchived/20': { pages: 11, requests: 19, maxPerPage: 3 },
      'unarchived/50': { pages: 5, requests: 10, maxPerPage: 3 },
      'unarchived/100': { pages: 3, requests: 7, maxPerPage: 3 },
    });
  });

  it('keeps the cost per page flat with the depth of the walk (2000 conversations)', async () => {
    const big = await startMoveworksConversationsEmulator({ anchor: ANCHOR, size: 2000 });
    const bigAdapter = createMoveworksConversationsAdapter(
      { baseUrl: big.env.MOVEWORKS_CONVERSATIONS_BASE_URL as string, token: big.token, assistantName: big.assistantName },
      HTTP,
    );
    try {
      const filter = { ...EMPTY_FILTER, moveworksConversations: { archived: false } };
      const perPage: number[] = [];
      let position: Position | null = null;
      let count = 0;
      for (;;) {
        const before = big.emulator.requestLog.length;
        const chunk = await bigAdapter.openSession().conversations(filter).forward(position, 50);
        perPage.push(big.emulator.requestLog.length - before);
        count += chunk.items.length;
        position = JSON.parse(JSON.stringify(chunk.next)) as Position;
        if (!chunk.hasMore) break;
      }
      expect(count).toBe(big.conversations.filter((c) => !c.archived).length);
      // 16 upstream pages in one scan. Rescanning contiguously from the oldest pending page would cost
      // up to 16 per graph page (298 in all); the sparse positions refetch only the pages still holding
      // pending conversations (at most 3) and then the frontier.
      expect(Math.max(...perPage)).toBeLessThanOrEqual(4);
      expect(perPage.reduce((a, b) => a + b, 0)).toBe(107);
    } finally {
      await bigAdapter.close();
      await big.emulator.close();
    }
  });

  it('reads each upstream page once per request however often the merge calls', async () => {
    const stream = adapter.openSession().conversations(EMPTY_FILTER);
    const { items, calls } = await walkForward(stream, [7]);
    expect(items.map((c) => c.providerId)).toEqual(expected(EMPTY_FILTER).map((c) => c.conversation_id));
    expect(calls).toBeGreaterThan(30);
    expect(requests()).toBe(scanPages(EMPTY_FILTER));
  });

  it('stops scanning once updated_at falls below createdAt.from, and calls nothing for an empty range', async () => {
    const from = new Date(ANCHOR.getTime() - 20 * 24 * 3600_000);
    const filter = { ...EMPTY_FILTER, createdAt: { from, to: null }, moveworksConversations: { archived: false } };
    const { ids } = await walkPages(filter, [100]);
    expect(ids).toEqual(expected(filter).map((c) => c.conversation_id));
    expect(requests()).toBe(1);
    mw.emulator.clearLog();
    const empty = adapter.openSession().conversations({ ...EMPTY_FILTER, createdAt: { from, to: from } });
    expect(await empty.forward(null, 10)).toMatchObject({ items: [], hasMore: false });
    expect(requests()).toBe(0);
  });

  it('resumes from an edge cursor in the middle of an upstream page', async () => {
    const all = expected(EMPTY_FILTER).map((c) => c.conversation_id);
    const first = await adapter.openSession().conversations(EMPTY_FILTER).forward(null, 30);
    const edge = first.items[12];
    const rest = await adapter.openSession().conversations(EMPTY_FILTER).forward(JSON.parse(JSON.stringify(edge?.after)) as Position, 10);
    expect(rest.items.map((entry) => entry.item.providerId)).toEqual(all.slice(13, 23));
  });

  it('sends one upstream scan with archived=true or archived=false, and both when archived is null', async () => {
    await adapter.openSession().conversations({ ...EMPTY_FILTER, moveworksConversations: { archived: true } }).forward(null, 5);
    expect(mw.emulator.requestLog.map((entry) => new URLSearchParams(entry.search).get('archived'))).toEqual(['true']);
    mw.emulator.clearLog();
    await adapter.openSession().conversations(EMPTY_FILTER).forward(null, 5);
    expect(mw.emulator.requestLog.map((entry) => new URLSearchParams(entry.search).get('archived')).sort()).toContain('true');
    expect(mw.emulator.requestLog.every((entry) => new URLSearchParams(entry.search).get('limit') === '100')).toBe(true);
  });

  it('maps the vendor fields, title and archived kept; no people', async () => {
    const session = adapter.openSession();
    const { items } = await walkForward(session.conversations(EMPTY_FILTER), [100]);
    const byId = new Map(items.map((c) => [c.providerId, c]));
    const untitled = mw.conversations.find((c) => c.title === undefined && c.archived) as MoveworksWireConversation;
    const titled = mw.conversations.find((c) => c.title?.includes('\\')) as MoveworksWireConversation;
    expect(plainConversation(byId.get(untitled.conversation_id) as Conversation)).toEqual({
      provider: 'MOVEWORKS_CONVERSATIONS',
      providerId: untitled.conversation_id,
      createdAt: new Date(untitled.created_at),
      updatedAt: new Date(untitled.updated_at),
      title: null,
      creator: null,
      members: [],
      messages: null,
      details: { provider: 'MOVEWORKS_CONVERSATIONS', title: null, archived: true },
    } satisfies Conversation);
    const conversation = byId.get(titled.conversation_id) as Conversation;
    expect(conversation.title).toBe(titled.title);
    expect(conversation.details).toEqual({ provider: 'MOVEWORKS_CONVERSATIONS', title: titled.title, archived: titled.archived });
    expect(await session.creator(conversation)).toBeNull();
    expect(await session.members(conversation)).toEqual([]);
    expect(session.keyOf(conversation)).toEqual({ providerId: titled.conversation_id, createdAtMs: Date.parse(titled.created_at), hint: null });
  });
});

describe('conversations, backward and counts (scan index)', () => {

  /** Upstream pages of the scans an index needs: per state, until updated_at falls below `from`. */
  function indexScanPages(filter: ConversationFilter): number {
    const archived = MOVEWORKS_CONVERSATIONS_FILTER.of(filter)?.archived ?? null;
    const from = filter.createdAt?.from?.getTime() ?? null;
    const states = archived === null ? [false, true] : [archived];
    let pages = 0;
    for (const state of states) {
      const list = mw.conversations
        .filter((c) => c.archived === state)
        .sort((a, b) => (a.updated_at !== b.updated_at ? (a.updated_at < b.updated_at ? 1 : -1) : a.conversation_id < b.conversation_id ? 1 : -1));
      const total = Math.max(1, Math.ceil(list.length / 100));
      let read = total;
      if (from !== null) {
        for (let page = 0; page < total; page += 1) {
          const last = list[Math.min(list.length, (page + 1) * 100) - 1];
          if (last && Date.parse(last.updated_at) < from) {
            read = page + 1;
            break;
          }
        }
      }
      pages += read;
    }
    return pages;
  }

  /** Walks backward like a client: every page a new request (session), its cursor round-tripped through JSON. */
  async function walkBack(target: VendorAdapter, filter: ConversationFilter, sizes: number[]): Promise<{ ids: string[]; perPage: number[] }> {
    const reversed: string[] = [];
    const perPage: number[] = [];
    let position: Position | null = null;
    for (let page = 0; page < 1000; page += 1) {
      const before = requests();
      const stream = target.openSession().conversations(filter);
      const chunk = await stream.backward!(position, sizes[page % sizes.length] as number);
      perPage.push(requests() - before);
      reversed.push(...chunk.items.map((entry) => entry.item.providerId));
      position = JSON.parse(JSON.stringify(chunk.next)) as Position;
      if (!chunk.hasMore) return { ids: reversed.reverse(), perPage };
    }
    throw new Error('walk did not end');
  }

  it('pages backward to exactly the forward list, reversed: one scan for the first page, nothing after', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }), filterArbitrary, async (sizes, filter) => {
        const fresh = adapterWith({});
        try {
          const { ids, perPage } = await walkBack(fresh, filter, sizes);
          expect(ids).toEqual(expected(filter).map((c) => c.conversation_id));
          const empty = filter.createdAt?.from && filter.createdAt.to && filter.createdAt.from >= filter.createdAt.to;
          expect(perPage[0]).toBe(empty ? 0 : indexScanPages(filter));
          expect(perPage.slice(1).every((cost) => cost === 0)).toBe(true);
        } finally {
          await fresh.close();
        }
      }),
      { seed: 43, numRuns: 25 },
    );
  });

  it('counts exactly, from the same index (no call once it is built)', async () => {
    await fc.assert(
      fc.asyncProperty(filterArbitrary, async (filter) => {
        mw.emulator.clearLog();
        expect(await adapter.openSession().conversations(filter).count()).toBe(expected(filter).length);
        const built = requests();
        expect(await adapter.openSession().conversations(filter).count()).toBe(expected(filter).length);
        expect(requests()).toBe(built);
      }),
      { seed: 44, numRuns: 20 },
    );
  });

  it('keeps cursors valid across directions: forward positions page backward, backward positions page forward', async () => {
    const all = expected(EMPTY_FILTER).map((c) => c.conversation_id);
    const forwardPage = await adapter.openSession().conversations(EMPTY_FILTER).forward(null, 120);
    for (const index of [0, 17, 99, 119]) {
      const edge = forwardPage.items[index]!;
      const back = await adapter.openSession().conversations(EMPTY_FILTER).backward!(JSON.parse(JSON.stringify(edge.before)) as Position, 30);
      expect(back.items.map((entry) => entry.item.providerId)).toEqual(all.slice(Math.max(0, index - 30), index).reverse());
      const backAfter = await adapter.openSession().conversations(EMPTY_FILTER).backward!(JSON.parse(JSON.stringify(edge.after)) as Position, 5);
      expect(backAfter.items.map((entry) => entry.item.providerId)).toEqual(all.slice(Math.max(0, index + 1 - 5), index + 1).reverse());
    }
    const backwardPage = await adapter.openSession().conversations(EMPTY_FILTER).backward!(null, 200);
    // Walk order is reversed: items[i] is all[all.length - 1 - i].
    for (const index of [0, 1, 58, 150, 199]) {
      const edge = backwardPage.items[index]!;
      const at = all.length - 1 - index;
      expect(edge.item.providerId).toBe(all[at]);
      const before = requests();
      const onward = await walkForwardFrom(JSON.parse(JSON.stringify(edge.after)) as Position, 40);
      expect(onward).toEqual(all.slice(at + 1));
      const fromBefore = await adapter.openSession().conversations(EMPTY_FILTER).forward(JSON.parse(JSON.stringify(edge.before)) as Position, 3);
      expect(fromBefore.items.map((entry) => entry.item.providerId)).toEqual(all.slice(at, at + 3));
      expect(requests() - before).toBeGreaterThan(0);
    }
  });

  async function walkForwardFrom(start: Position, size: number): Promise<string[]> {
    const ids: string[] = [];
    let position: Position = start;
    for (;;) {
      const chunk = await adapter.openSession().conversations(EMPTY_FILTER).forward(position, size);
      ids.push(...chunk.items.map((entry) => entry.item.providerId));
      position = JSON.parse(JSON.stringify(chunk.next)) as Position;
      if (!chunk.hasMore) return ids;
    }
  }

  it('says so in its capabilities', () => {
    expect(adapter.capabilities).toEqual({ backward: true, totalCount: true, messages: true });
  });
});

describe('node look-ups', () => {
  const keyOf = (c: MoveworksWireConversation) => ({ providerId: c.conversation_id, createdAtMs: Date.parse(c.created_at), hint: null });

  it('finds existing conversations (unarchived, archived, old but recently updated) in one batched scan', async () => {
    const session = adapter.openSession();
    const archived = mw.conversations.find((c) => c.archived) as MoveworksWireConversation;
    const revisited = mw.conversations[0] as MoveworksWireConversation; // head of the vendor order
    const oldest = expected(EMPTY_FILTER).at(-1) as MoveworksWireConversation;
    const keys = [archived, revisited, oldest].map(keyOf);
    const found = await Promise.all(keys.map((key) => session.loadConversation(key)));
    expect(found.map((c) => c?.providerId)).toEqual(keys.map((key) => key.providerId));
    expect(found[0]?.details).toEqual({ provider: 'MOVEWORKS_CONVERSATIONS', title: archived.title ?? null, archived: true });
    // The oldest key may need every page of both scans, once each (a scan stops when every key is found).
    expect(requests()).toBeLessThanOrEqual(scanPages(EMPTY_FILTER));
  });

  it('stops after the first page when every key is recent', async () => {
    const session = adapter.openSession();
    const recent = expected(EMPTY_FILTER).slice(0, 5);
    const found = await Promise.all(recent.map((c) => session.loadConversation(keyOf(c))));
    expect(found.map((c) => c?.providerId)).toEqual(recent.map((c) => c.conversation_id));
    expect(requests()).toBe(2);
  });

  it('answers null for a missing conversation, without a call for an id that cannot exist', async () => {
    const session = adapter.openSession();
    const missing = await session.loadConversation({
      providerId: 'conv_01ARZ3NDEKTSV4RRFFQ69G5FAV',
      createdAtMs: ANCHOR.getTime() - 3600_000,
      hint: null,
    });
    expect(missing).toBeNull();
    expect(requests()).toBeLessThanOrEqual(2);
    mw.emulator.clearLog();
    expect(await adapter.openSession().loadConversation({ providerId: "conv_'; DROP", createdAtMs: null, hint: null })).toBeNull();
    expect(requests()).toBe(0);
  });

  it('scans everything for a key without a creation instant, and still finds it', async () => {
    const target = expected(EMPTY_FILTER)[3] as MoveworksWireConversation;
    const found = await adapter.openSession().loadConversation({ providerId: target.conversation_id, createdAtMs: null, hint: null });
    expect(found?.providerId).toBe(target.conversation_id);
  });

  it('shares upstream pages with a list read in the same request', async () => {
    const session = adapter.openSession();
    const page = await session.conversations(EMPTY_FILTER).forward(null, 50);
    const before = requests();
    const found = await Promise.all(page.items.map((entry) => session.loadConversation(session.keyOf(entry.item))));
    expect(found.map((c) => c?.providerId)).toEqual(page.items.map((entry) => entry.item.providerId));
    expect(requests() - before).toBe(0);
  });
});

describe('messages', () => {
  const conversationWith = (predicate: (messages: MoveworksWireMessage[]) => boolean): Conversation => {
    const [id] = [...mw.messages].find(([, list]) => predicate(list)) as [string, MoveworksWireMessage[]];
    const wire = mw.conversations.find((c) => c.conversation_id === id) as MoveworksWireConversation;
    return {
      provider: 'MOVEWORKS_CONVERSATIONS',
      providerId: id,
      createdAt: new Date(wire.created_at),
      updatedAt: new Date(wire.updated_at),
      title: null,
      creator: null,
      members: [],
      messages: null,
      details: { provider: 'MOVEWORKS_CONVERSATIONS', title: null, archived: wire.archived },
    };
  };
  const oldestFirst = (conversation: Conversation): string[] =>
    [...(mw.messages.get(conversation.providerId) ?? [])].reverse().map((m) => m.message_id);
  const streamOf = (session: VendorSession, conversation: Conversation): OrderedStream<Message> =>
    session.messages(conversation) as OrderedStream<Message>;

  it('walks a conversation of more than 100 messages forward and backward', async () => {
    const huge = conversationWith((list) => list.length > 100);
    const ids = oldestFirst(huge);
    expect(ids.length).toBeGreaterThan(100);
    for (const sizes of [[1, 7, 100], [20], [100]]) {
      const forward = await walkForward(streamOf(adapter.openSession(), huge), sizes);
      expect(forward.items.map((m) => m.providerId)).toEqual(ids);
      const backward = await walkBackward(streamOf(adapter.openSession(), huge), sizes);
      expect(backward.items.map((m) => m.providerId)).toEqual(ids);
    }
  });

  it('costs one request per backward page, and ceil(N/100) per forward request', async () => {
    const huge = conversationWith((list) => list.length > 100);
    const count = mw.messages.get(huge.providerId)?.length ?? 0;
    // Backward, each page a new request: one upstream request with limit n.
    let position: Position | null = null;
    let pages = 0;
    for (;;) {
      const chunk = await streamOf(adapter.openSession(), huge).backward!(position, 30);
      pages += 1;
      position = JSON.parse(JSON.stringify(chunk.next)) as Position;
      if (!chunk.hasMore) break;
    }
    expect(pages).toBe(Math.ceil(count / 30));
    expect(requests()).toBe(pages);
    expect(mw.emulator.requestLog.every((entry) => new URLSearchParams(entry.search).get('limit') === '30')).toBe(true);
    mw.emulator.clearLog();
    // Forward: the whole list once per request, whatever the page size.
    const first = await streamOf(adapter.openSession(), huge).forward(null, 5);
    expect(first.items).toHaveLength(5);
    expect(requests()).toBe(Math.ceil(count / 100));
  });

  it('answers no messages for a conversation without any', async () => {
    const empty = conversationWith((list) => list.length === 0);
    const stream = streamOf(adapter.openSession(), empty);
    expect((await walkForward(stream, [5])).items).toEqual([]);
    expect((await walkBackward(streamOf(adapter.openSession(), empty), [5])).items).toEqual([]);
    expect(await stream.count()).toBe(0);
  });

  it('maps messages: role from actor, CommonMark text, no sender', async () => {
    const some = conversationWith((list) => list.length >= 2);
    const wire = mw.messages.get(some.providerId) as MoveworksWireMessage[];
    const { items } = await walkForward(streamOf(adapter.openSession(), some), [50]);
    const newest = wire[0] as MoveworksWireMessage;
    expect(items.at(-1)).toEqual({
      provider: 'MOVEWORKS_CONVERSATIONS',
      providerId: newest.message_id,
      conversationProviderId: some.providerId,
      role: newest.actor,
      authorLabel: newest.actor,
      text: newest.content.commonmark_text.text,
      createdAt: new Date(newest.created_at),
      endedAt: null,
      sender: null,
    } satisfies Message);
  });

  it('mixes directions from any edge', async () => {
    const huge = conversationWith((list) => list.length > 100);
    const ids = oldestFirst(huge);
    const last = await streamOf(adapter.openSession(), huge).backward!(null, 40);
    const edge = last.items[25]; // ids[ids.length - 26]
    const older = await streamOf(adapter.openSession(), huge).backward!(JSON.parse(JSON.stringify(edge?.before)) as Position, 10);
    expect(older.items.map((m) => m.item.providerId).reverse()).toEqual(ids.slice(ids.length - 36, ids.length - 26));
    const newer = await streamOf(adapter.openSession(), huge).forward(JSON.parse(JSON.stringify(edge?.after)) as Position, 10);
    expect(newer.items.map((m) => m.item.providerId)).toEqual(ids.slice(ids.length - 25, ids.length - 15));
  });
});

describe('upstream errors', () => {
  const failure = async (run: () => Promise<unknown>): Promise<UpstreamError> => {
    try {
      await run();
    } catch (error) {
      expect(error).toBeInstanceOf(UpstreamError);
      return error as UpstreamError;
    }
    throw new Error('expected a failure');
  };
  const list = (target: VendorAdapter = adapter) => () => target.openSession().conversations(EMPTY_FILTER).forward(null, 5);

  it('maps 500 INTERNAL_ERROR to UPSTREAM_UNAVAILABLE after retrying', async () => {
    mw.emulator.injectFault({ kind: 'status500', count: 2, pathPrefix: '/conversations' });
    const error = await failure(() => adapter.openSession().conversations({ ...EMPTY_FILTER, moveworksConversations: { archived: true } }).forward(null, 5));
    expect(error.facts).toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE, status: 500, vendorCode: 'INTERNAL_ERROR', provider: 'MOVEWORKS_CONVERSATIONS' });
    expect(requests()).toBe(2);
  });

  it('recovers from one 503 by retrying', async () => {
    mw.emulator.injectFault({ kind: 'status503' });
    const chunk = await list()();
    expect(chunk.items).toHaveLength(5);
  });

  it('maps 429 RATE_LIMIT_EXCEEDED to UPSTREAM_RATE_LIMITED', async () => {
    mw.emulator.injectFault({ kind: 'status429', count: 2 });
    const error = await failure(() => adapter.openSession().conversations({ ...EMPTY_FILTER, moveworksConversations: { archived: false } }).forward(null, 5));
    expect(error.facts).toMatchObject({ code: ErrorCode.UPSTREAM_RATE_LIMITED, status: 429, vendorCode: 'RATE_LIMIT_EXCEEDED' });
  });

  it('maps 401 and 403 to UPSTREAM_AUTH_FAILED without leaking the credential', async () => {
    const badToken = adapterWith({ token: 'secret-wrong-token' });
    const badAssistant = adapterWith({ assistantName: 'nobody' });
    try {
      const unauthorized = await failure(list(badToken));
      expect(unauthorized.facts).toMatchObject({ code: ErrorCode.UPSTREAM_AUTH_FAILED, status: 401, vendorCode: 'UNAUTHORIZED' });
      expect(JSON.stringify({ message: unauthorized.message, facts: unauthorized.facts })).not.toContain('secret-wrong-token');
      const forbidden = await failure(list(badAssistant));
      expect(forbidden.facts).toMatchObject({ code: ErrorCode.UPSTREAM_AUTH_FAILED, status: 403, vendorCode: 'FORBIDDEN' });
    } finally {
      await badToken.close();
      await badAssistant.close();
    }
  });

  it('maps INVALID_CURSOR (an upstream cursor the vendor refuses) to UPSTREAM_BAD_REQUEST', async () => {
    const stream = adapter.openSession().conversations({ ...EMPTY_FILTER, moveworksConversations: { archived: false } });
    const error = await failure(() => stream.forward({ c: 'forged.cursor', k: null }, 5));
    expect(error.facts).toMatchObject({ code: ErrorCode.UPSTREAM_BAD_REQUEST, status: 400, vendorCode: 'INVALID_CURSOR' });
    expect(error.facts.url).not.toContain('forged');
  });

  it('maps a truncated body to UPSTREAM_BAD_RESPONSE and a 404 on messages to UPSTREAM_NOT_FOUND', async () => {
    mw.emulator.injectFault({ kind: 'truncatedJson', count: 2 });
    const truncated = await failure(() => adapter.openSession().conversations({ ...EMPTY_FILTER, moveworksConversations: { archived: true } }).forward(null, 5));
    expect(truncated.facts.code).toBe(ErrorCode.UPSTREAM_BAD_RESPONSE);
    mw.emulator.clearFaults();
    const ghost: Conversation = {
      provider: 'MOVEWORKS_CONVERSATIONS',
      providerId: 'conv_01ARZ3NDEKTSV4RRFFQ69G5FAV',
      createdAt: ANCHOR,
      updatedAt: ANCHOR,
      title: null,
      creator: null,
      members: [],
      messages: null,
      details: { provider: 'MOVEWORKS_CONVERSATIONS', title: null, archived: false },
    };
    const notFound = await failure(() => (adapter.openSession().messages(ghost) as OrderedStream<Message>).backward!(null, 5));
    expect(notFound.facts).toMatchObject({ code: ErrorCode.UPSTREAM_NOT_FOUND, status: 404, vendorCode: 'NOT_FOUND' });
  });

  it('fails the page when either archived scan fails (the merge rejects the chunk)', async () => {
    mw.emulator.injectFault({ kind: 'status500', count: 10 });
    const error = await failure(list());
    expect(error.facts.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
  });
});
