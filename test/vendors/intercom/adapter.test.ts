import { GCProfiler, getHeapStatistics } from 'node:v8';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { HttpSettings } from '../../../src/vendors/http-settings.js';
import { EMPTY_FILTER, type Conversation, type ConversationFilter, type Message } from '../../../src/domain.js';
import { compareNewest, startIntercomEmulator, type IntercomEmulator, type IntercomWireConversation } from '../../../src/emulators/intercom.js';
import { DEFAULT_HTTP_SETTINGS } from '../../../src/vendors/http.js';
import type { VendorAdapter } from '../../../src/vendors/port.js';
import { createIntercomAdapter, type MessageStreamWithTruncation } from '../../../src/vendors/intercom/adapter.js';
import type { IntercomConfig } from '../../../src/vendors/intercom/client.js';
import { parseIntercomSection, type IntercomFilterSection } from '../../../src/vendors/intercom/filter.js';
import { AI_AGENT_ROLE } from '../../../src/vendors/intercom/mapper.js';
import { walkBackward, walkForward } from '../../support/streams.js';
import { createRequestScope, runInRequestScope } from '../../../src/request-scope.js';

/** The Intercom adapter against the Intercom emulator over HTTP. */

const ANCHOR = new Date('2026-11-01T00:00:00.000Z');
const HTTP: HttpSettings = { ...DEFAULT_HTTP_SETTINGS, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 2000, breakerThreshold: 0 };

let intercom: IntercomEmulator;
const adapters: VendorAdapter[] = [];

beforeAll(async () => {
  // Walks of page size 1 send hundreds of searches: the rate windows have their own test.
  intercom = await startIntercomEmulator({ anchor: ANCHOR, switches: { rateLimitPerWindow: 1_000_000 } });
});
afterAll(async () => {
  await Promise.all(adapters.map((adapter) => adapter.close()));
  await intercom.emulator.close();
});
beforeEach(() => {
  intercom.emulator.reset();
  intercom.resetSwitches();
});

type Filter = ConversationFilter & { intercom?: IntercomFilterSection | null };
const sectionOf = (filter: ConversationFilter): IntercomFilterSection | null => (filter as Filter).intercom ?? null;

/** A fresh adapter: what it learned about the vendor (inclusivity, ignored sort) starts from nothing. */
function adapter(config: Partial<IntercomConfig> = {}): VendorAdapter {
  const created = createIntercomAdapter(
    { baseUrl: intercom.emulator.baseUrl, token: intercom.token, version: '2.14', aiOnly: true, ...config },
    HTTP,
    sectionOf,
  );
  adapters.push(created);
  return created;
}

const idsOf = (items: Conversation[]): string[] => items.map((conversation) => conversation.providerId);
const searches = (): Array<Record<string, unknown>> =>
  intercom.emulator.requestLog.filter((entry) => entry.endpoint === 'searchConversations').map((entry) => JSON.parse(entry.body) as Record<string, unknown>);
const countOf = (endpoint: string): number => intercom.emulator.counters()[endpoint] ?? 0;

function expected(filter: (c: IntercomWireConversation) => boolean = () => true, aiOnly = true): string[] {
  return intercom
    .records()
    .map((record) => record.conversation)
    .filter((c) => (!aiOnly || c.ai_agent_participated) && filter(c))
    .sort(compareNewest)
    .map((c) => c.id);
}

const withSection = (section: Partial<IntercomFilterSection>, patch: Partial<ConversationFilter> = {}): ConversationFilter =>
  ({ ...EMPTY_FILTER, ...patch, intercom: { states: null, aiResolutionStates: null, contactEmail: null, ...section } }) as ConversationFilter;

describe('Intercom adapter: walks', () => {
  it('forward and backward with any page sizes list every conversation with Fin once, newest first, ties by id', async () => {
    const session = adapter().openSession();
    const want = expected();
    for (const sizes of [[1], [3, 7], [20], [100]]) {
      expect(idsOf((await walkForward(session.conversations(EMPTY_FILTER), sizes)).items)).toEqual(want);
      expect(idsOf((await walkBackward(session.conversations(EMPTY_FILTER), sizes)).items)).toEqual(want);
    }
  });

  it('one search per page, sorted by created_at, per_page = n + 1 + 5; the next page asks up to the cursor second', async () => {
    const stream = adapter().openSession().conversations(EMPTY_FILTER);
    const first = await stream.forward(null, 10);
    expect(first.items).toHaveLength(10);
    expect(first.hasMore).toBe(true);
    expect(searches()).toEqual([
      { query: { field: 'ai_agent_participated', operator: '=', value: true }, pagination: { per_page: 16 }, sort: { field: 'created_at', order: 'descending' } },
    ]);
    intercom.emulator.clearLog();
    await stream.forward(first.next, 10);
    const second = searches();
    expect(second).toHaveLength(1);
    const lastSecond = Math.floor((first.items[9]?.item.createdAt.getTime() ?? 0) / 1000);
    expect(second[0]?.query).toEqual({
      operator: 'AND',
      value: [{ field: 'ai_agent_participated', operator: '=', value: true }, { field: 'created_at', operator: '<', value: lastSecond + 1 }],
    });
  });

  it('a walk bound (the merge\'s key of the last item shown) wins over the position: strictly after it, strictly before it', async () => {
    const stream = adapter().openSession().conversations(EMPTY_FILTER);
    const want = expected();
    const all = (await walkForward(stream, [150])).items;
    const key = (index: number) => ({ ms: all[index]!.createdAt.getTime(), id: all[index]!.providerId });
    const forward = stream.forward as (start: unknown, count: number, walk?: unknown) => ReturnType<typeof stream.forward>;
    const backward = stream.backward as (end: unknown, count: number, walk?: unknown) => ReturnType<typeof stream.forward>;
    for (const index of [0, 29, 30, 33, 100]) {
      const next = await forward(null, 4, { bound: key(index), startedAtMs: 0 });
      expect(idsOf(next.items.map((entry) => entry.item))).toEqual(want.slice(index + 1, index + 5));
      const previous = await backward(null, 4, { bound: key(index), startedAtMs: 0 });
      expect(idsOf(previous.items.map((entry) => entry.item)).reverse()).toEqual(want.slice(Math.max(0, index - 4), index));
    }
    // Whole instants: an id above every id keeps that second's conversations after the bound, one below keeps none.
    const tie = all[30]!.createdAt.getTime();
    const inSecond = all.filter((c) => c.createdAt.getTime() === tie).length;
    const firstOfSecond = all.findIndex((c) => c.createdAt.getTime() === tie);
    expect(idsOf((await forward(null, inSecond, { bound: { ms: tie, id: '\uffff' }, startedAtMs: 0 })).items.map((e) => e.item))).toEqual(want.slice(firstOfSecond, firstOfSecond + inSecond));
    expect(idsOf((await forward(null, 1, { bound: { ms: tie, id: '' }, startedAtMs: 0 })).items.map((e) => e.item))).toEqual([want[firstOfSecond + inSecond]]);
  });

  it('last without before: one ascending search (no end probe); before a cursor: one', async () => {
    const stream = adapter().openSession().conversations(EMPTY_FILTER);
    const tail = await stream.backward!(null, 5);
    expect(idsOf(tail.items.map((entry) => entry.item))).toEqual(expected().slice(-5).reverse());
    expect(searches()).toHaveLength(1);
    expect(searches()[0]?.sort).toEqual({ field: 'created_at', order: 'ascending' });
  });

  it('counts from total_count: one search; with a window, after learning once how > and < treat equality', async () => {
    const fresh = adapter();
    expect(await fresh.openSession().conversations(EMPTY_FILTER).count()).toBe(expected().length);
    expect(countOf('searchConversations')).toBe(1);
    const from = new Date(ANCHOR.getTime() - 20 * 86_400_000);
    const to = new Date(ANCHOR.getTime() - 5 * 86_400_000);
    const window = { ...EMPTY_FILTER, createdAt: { from, to } };
    const inWindow = (c: IntercomWireConversation) => c.created_at * 1000 >= from.getTime() && c.created_at * 1000 < to.getTime();
    for (const rangeInclusive of [false, true]) {
      intercom.setSwitches({ rangeInclusive });
      const fresher = adapter();
      intercom.emulator.clearLog();
      expect(await fresher.openSession().conversations(window).count()).toBe(expected(inWindow).length);
      // A conversation to probe with, then three probes, then the count.
      expect(countOf('searchConversations')).toBe(5);
      intercom.emulator.clearLog();
      expect(await fresher.openSession().conversations(window).count()).toBe(expected(inWindow).length);
      expect(countOf('searchConversations')).toBe(1);
    }
  });

  it('a count refuses, coded, when search compares dates by day (an unconfirmed reading)', async () => {
    intercom.setSwitches({ datesByDay: true });
    const error = await adapter()
      .openSession()
      .conversations({ ...EMPTY_FILTER, createdAt: { from: new Date(ANCHOR.getTime() - 86_400_000), to: null } })
      .count()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ facts: { code: 'UPSTREAM_BAD_RESPONSE', provider: 'INTERCOM' } });
  });

  it('exact when > and < include equality (the other reading): forward, backward, windows', async () => {
    intercom.setSwitches({ rangeInclusive: true });
    const session = adapter().openSession();
    const from = new Date((intercom.records()[60]?.conversation.created_at ?? 0) * 1000);
    const to = new Date((intercom.records()[5]?.conversation.created_at ?? 0) * 1000);
    const filter = { ...EMPTY_FILTER, createdAt: { from, to } };
    const want = expected((c) => c.created_at * 1000 >= from.getTime() && c.created_at * 1000 < to.getTime());
    expect(want.length).toBeGreaterThan(30);
    expect(idsOf((await walkForward(session.conversations(filter), [4])).items)).toEqual(want);
    expect(idsOf((await walkBackward(session.conversations(filter), [6])).items)).toEqual(want);
    expect(idsOf((await walkForward(session.conversations(EMPTY_FILTER), [5])).items)).toEqual(expected());
  });

  it.each([
    { listOrder: 'recently-updated' as const, rangeInclusive: false },
    { listOrder: 'oldest' as const, rangeInclusive: true },
    { listOrder: 'newest' as const, rangeInclusive: false },
  ])('when the sort is ignored (answers in the $listOrder order; > and < inclusive: $rangeInclusive), pages are read as windows sorted here: exact both ways', async ({ listOrder, rangeInclusive }) => {
    intercom.setSwitches({ honourSort: false, listOrder, rangeInclusive });
    const session = adapter().openSession();
    expect(idsOf((await walkForward(session.conversations(EMPTY_FILTER), [20])).items)).toEqual(expected());
    expect(idsOf((await walkBackward(session.conversations(EMPTY_FILTER), [7])).items)).toEqual(expected());
    const from = new Date((intercom.records()[200]?.conversation.created_at ?? 0) * 1000);
    const window = { ...EMPTY_FILTER, createdAt: { from, to: null } };
    expect(idsOf((await walkForward(session.conversations(window), [9])).items)).toEqual(expected((c) => c.created_at * 1000 >= from.getTime()));
  });

  it('a second holding more conversations than a page is read whole and ordered by id', async () => {
    intercom.setSwitches({ rangeInclusive: false });
    const cluster = intercom.records()[30]?.conversation.created_at as number;
    const inCluster = intercom.records().filter((record) => record.conversation.created_at === cluster).length;
    expect(inCluster).toBeGreaterThanOrEqual(7);
    const filter = { ...EMPTY_FILTER, createdAt: { from: new Date(cluster * 1000), to: new Date((cluster + 1) * 1000) } };
    const session = adapter({ aiOnly: false }).openSession();
    const walk = await walkForward(session.conversations(filter), [2]);
    expect(idsOf(walk.items)).toEqual(expected((c) => c.created_at === cluster, false));
    expect(idsOf((await walkBackward(session.conversations(filter), [3])).items)).toEqual(expected((c) => c.created_at === cluster, false));
  });

  it('INTERCOM_AI_ONLY=false lists every conversation', async () => {
    const all = await walkForward(adapter({ aiOnly: false }).openSession().conversations(EMPTY_FILTER), [150]);
    expect(idsOf(all.items)).toEqual(expected(() => true, false));
    expect(searches().every((body) => !JSON.stringify(body.query).includes('ai_agent_participated'))).toBe(true);
  });
});

describe('Intercom adapter: the walk while the inbox changes between pages', () => {
  let shared: IntercomEmulator;
  beforeAll(() => {
    shared = intercom;
  });
  afterAll(async () => {
    await intercom.emulator.close();
    intercom = shared;
  });

  it('no repeats, order kept, every conversation present throughout listed once, none created after the first page', async () => {
    // Its own emulator: the deletions below must not reach the other tests.
    intercom = await startIntercomEmulator({ anchor: ANCHOR, switches: { rateLimitPerWindow: 1_000_000 } });
    for (const sizes of [[5], [9, 2], [20]]) {
      const stream = adapter().openSession().conversations(EMPTY_FILTER);
      const throughout = new Set(expected());
      const seen: Conversation[] = [];
      const addedLater = new Set<string>();
      let position = null;
      let page = 0;
      for (;;) {
        const chunk = await stream.forward(position, sizes[page % sizes.length] as number);
        seen.push(...chunk.items.map((entry) => entry.item));
        position = chunk.next;
        if (!chunk.hasMore) break;
        page += 1;
        // Between pages: two new at the head, one inside the second of the last shown, two deleted ahead.
        const head = Math.floor(ANCHOR.getTime() / 1000) + page;
        addedLater.add(intercom.addConversation(head).conversation.id);
        addedLater.add(intercom.addConversation(head).conversation.id);
        const last = chunk.items[chunk.items.length - 1]?.item;
        if (last) addedLater.add(intercom.addConversation(Math.floor(last.createdAt.getTime() / 1000)).conversation.id);
        const ahead = expected().filter((id) => throughout.has(id) && !seen.some((c) => c.providerId === id)).slice(3, 5);
        for (const id of ahead) {
          intercom.deleteConversation(id);
          throughout.delete(id);
        }
      }
      const ids = idsOf(seen);
      expect(new Set(ids).size).toBe(ids.length);
      for (let i = 1; i < seen.length; i += 1) {
        const a = seen[i - 1] as Conversation;
        const b = seen[i] as Conversation;
        expect(a.createdAt.getTime() > b.createdAt.getTime() || (a.createdAt.getTime() === b.createdAt.getTime() && BigInt(a.providerId) > BigInt(b.providerId))).toBe(true);
      }
      for (const id of throughout) expect(ids).toContain(id);
      for (const id of ids) expect(addedLater.has(id) ? 'added after the first page' : 'ok').toBe('ok');
      for (const id of addedLater) intercom.deleteConversation(id);
    }
  });
});

describe('Intercom adapter: rate windows', () => {
  it('a 429 carries the wait until X-RateLimit-Reset as retryAfter (Intercom sends no Retry-After): a wait past the deadline answers at once, coded, with one call', async () => {
    intercom.setSwitches({ rateLimitPerWindow: 2 });
    // A window of its own (20 s ahead): the other tests' requests counted in the current one.
    intercom.setNow(() => Date.now() + 20_000);
    onTestFinished(() => intercom.setNow(null));
    const session = adapter().openSession();
    const stream = session.conversations(EMPTY_FILTER);
    await stream.forward(null, 5);
    await stream.forward(null, 5);
    intercom.emulator.clearLog();
    // Within a request of 2 s: a wait to the window's end (about 20 s away) is not worth it, the answer comes at once.
    const scope = createRequestScope({ requestId: 'rate-window', deadlineMs: 2_000, upstreamCallLimit: 10 });
    const started = performance.now();
    const error = await runInRequestScope(scope, () => stream.forward(null, 5)).catch((caught: unknown) => caught);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error).toMatchObject({ facts: { code: 'UPSTREAM_RATE_LIMITED', provider: 'INTERCOM', status: 429 } });
    const retryAfter = (error as { facts: { retryAfter?: number } }).facts.retryAfter;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(31);
    expect(intercom.emulator.requestLog.map((entry) => entry.status)).toEqual([429]);
  });
});

describe('Intercom adapter: filters', () => {
  it('states and aiResolutionStates become IN filters; contactEmail a contact search then contact_ids IN', async () => {
    const session = adapter().openSession();
    const open = withSection({ states: ['open', 'snoozed'] });
    expect(idsOf((await walkForward(session.conversations(open), [50])).items)).toEqual(expected((c) => c.state !== 'closed'));
    const routed = withSection({ aiResolutionStates: ['routed_to_team'] });
    expect(idsOf((await walkForward(session.conversations(routed), [50])).items)).toEqual(expected((c) => c.ai_agent?.resolution_state === 'routed_to_team'));
    const someone = intercom.records().find((record) => record.conversation.ai_agent_participated && record.conversation.contacts.contacts.length > 0 && !intercom.data.mergedContactIds.has(record.conversation.contacts.contacts[0]?.id ?? ''));
    const contactId = someone?.conversation.contacts.contacts[0]?.id as string;
    const email = intercom.data.contacts.find((contact) => contact.id === contactId)?.email as string;
    intercom.emulator.clearLog();
    const mine = withSection({ contactEmail: email });
    const stream = session.conversations(mine);
    expect(idsOf((await walkForward(stream, [50])).items)).toEqual(expected((c) => c.contacts.contacts.some((contact) => contact.id === contactId)));
    expect(await stream.count()).toBe(expected((c) => c.contacts.contacts.some((contact) => contact.id === contactId)).length);
    expect(countOf('searchContacts')).toBe(1);
    const nobody = session.conversations(withSection({ contactEmail: 'nobody@nowhere.example' }));
    intercom.emulator.clearLog();
    expect((await nobody.forward(null, 10)).items).toEqual([]);
    expect(countOf('searchConversations')).toBe(0);
  });

  it('resolution states follow the configured version; values of the other version are refused before any call', () => {
    const session = adapter({ version: '2.15' }).openSession();
    expect(() => session.conversations(withSection({ aiResolutionStates: ['routed_to_team'] }))).toThrow(/Intercom-Version 2.15/);
    expect(() => session.conversations(withSection({ aiResolutionStates: ['escalated'] }))).not.toThrow();
    expect(() => adapter().openSession().conversations(withSection({ aiResolutionStates: ['escalated'] }))).toThrow(/2.14/);
    expect(intercom.emulator.requestLog).toHaveLength(0);
  });

  it('hostile section values are refused as BAD_USER_INPUT or sent as plain JSON values, never as query structure', async () => {
    const refuse = (value: Parameters<typeof parseIntercomSection>[0]) => () => parseIntercomSection(value, 'filter.intercom');
    expect(refuse({ states: [] })).toThrow(/empty/);
    expect(refuse({ states: ['open', 'pending"},{"field":"id'] })).toThrow(/accepts open, closed, snoozed/);
    expect(refuse({ aiResolutionStates: ['x'.repeat(10_000)] })).toThrow(/accepts/);
    expect(refuse({ contactEmail: 'no-at-sign' })).toThrow(/email/);
    expect(refuse({ contactEmail: `a@${'b'.repeat(400)}` })).toThrow(/email/);
    expect(refuse({ contactEmail: 'a@b\u0000' })).toThrow(/email/);
    const quoted = parseIntercomSection({ contactEmail: '"x"},{"field":"open","operator":"=","value":true}@e.com' }, 'filter.intercom');
    const stream = adapter().openSession().conversations(withSection(quoted));
    expect((await stream.forward(null, 5)).items).toEqual([]);
    const sent = intercom.emulator.requestLog.find((entry) => entry.endpoint === 'searchContacts');
    expect(JSON.parse(sent?.body ?? '{}').query).toEqual({ field: 'email', operator: '=', value: quoted.contactEmail });
  });
});

describe('Intercom adapter: messages, people, look-ups', () => {
  it('messages: source first, then comments and quick replies oldest first, plain text; Fin says it is the AI agent', async () => {
    const session = adapter().openSession();
    const record = intercom.records().find((r) => r.conversation.ai_agent_participated && r.parts.some((p) => p.part_type === 'assignment') && r.parts.length < 50);
    const conversation = (await session.loadConversation({ providerId: record?.conversation.id as string, createdAtMs: null, hint: null })) as Conversation;
    const stream = session.messages(conversation) as MessageStreamWithTruncation;
    const { items } = await walkForward(stream, [100]);
    const wanted = record!.parts.filter((p) => (p.part_type === 'comment' || p.part_type === 'quick_reply') && p.body !== null);
    expect(items.map((m: Message) => m.providerId)).toEqual([record!.conversation.source.id, ...wanted.map((p) => p.id)]);
    expect(items[0]?.text).not.toMatch(/<p>/);
    expect(items.every((m: Message) => !/<\/?p>|&amp;/.test(m.text))).toBe(true);
    const fin = items.find((m: Message) => m.sender?.displayName === 'Fin');
    expect(fin).toMatchObject({ role: 'ASSISTANT', authorLabel: 'ai_answer', sender: { role: AI_AGENT_ROLE } });
    expect(await stream.truncated()).toBe(false);
    expect(countOf('getConversation')).toBe(1);
    expect(intercom.emulator.requestLog.find((entry) => entry.endpoint === 'getConversation')?.search).toBe('display_as=plaintext');
  });

  it('a conversation with an empty source and only events has no messages (one with Fin: the default serves it)', async () => {
    const session = adapter().openSession();
    const record = intercom.records().find((r) => r.conversation.source.body === '')!;
    expect(record).toBeDefined();
    const conversation = (await session.loadConversation({ providerId: record.conversation.id, createdAtMs: null, hint: null })) as Conversation;
    expect(await session.messages(conversation)!.count()).toBe(0);
  });

  it('a conversation over the 500-part cap says its messages are truncated', async () => {
    const session = adapter({ aiOnly: false }).openSession();
    const record = intercom.records().find((r) => r.parts.length > 500)!;
    const conversation = (await session.loadConversation({ providerId: record.conversation.id, createdAtMs: null, hint: null })) as Conversation;
    const stream = session.messages(conversation) as MessageStreamWithTruncation;
    expect(await stream.truncated()).toBe(true);
    const kept = record.parts.slice(-500).filter((p) => p.part_type === 'comment' || p.part_type === 'quick_reply');
    expect(await stream.count()).toBe(kept.length + 1);
  });

  it('members: one contact search for the whole page (merged contacts kept by id), teammates from /admins; creator is the source author', async () => {
    const session = adapter({ aiOnly: false }).openSession();
    const page = await session.conversations(EMPTY_FILTER).forward(null, 40);
    intercom.emulator.clearLog();
    const members = await Promise.all(page.items.map((entry) => session.members(entry.item)));
    expect(countOf('searchContacts')).toBe(1);
    expect(countOf('listAdmins')).toBe(1);
    const contactIds = [...new Set(page.items.flatMap((entry) => intercom.records().find((r) => r.conversation.id === entry.item.providerId)!.conversation.contacts.contacts.map((c) => c.id)))];
    expect(JSON.parse(intercom.emulator.requestLog.find((e) => e.endpoint === 'searchContacts')!.body).query).toEqual({ field: 'id', operator: 'IN', value: contactIds });
    page.items.forEach((entry, index) => {
      const wire = intercom.records().find((r) => r.conversation.id === entry.item.providerId)!.conversation;
      const people = members[index]!;
      expect(people.map((p) => p.providerId)).toEqual([...wire.contacts.contacts.map((c) => c.id), ...(wire.teammates?.admins ?? []).map((a) => a.id)]);
      for (const person of people) {
        if (intercom.data.mergedContactIds.has(person.providerId ?? '')) expect(person.email).toBeNull();
        else expect(person.email).toMatch(/@/);
      }
      expect(entry.item.creator?.providerId).toBe(wire.source.author.id);
    });
  });

  it("members: a page's conversations share one read of the page's contacts, not one each", async () => {
    const session = adapter({ aiOnly: false }).openSession();
    const page = await session.conversations(EMPTY_FILTER).forward(null, 40);
    const first = await Promise.all(page.items.map((entry) => session.members(entry.item)));
    const batch = new Set(page.items.flatMap((entry) => intercom.records().find((r) => r.conversation.id === entry.item.providerId)!.conversation.contacts.contacts.map((c) => c.id)));
    expect(batch.size).toBeGreaterThan(30);
    // Asked again (a second selection of members on the same page): what each conversation costs beyond its own people.
    const profiler = new GCProfiler();
    profiler.start();
    const usedAtStart = getHeapStatistics().used_heap_size;
    const again = await Promise.all(page.items.map((entry) => session.members(entry.item)));
    const usedAtStop = getHeapStatistics().used_heap_size;
    const freed = profiler.stop().statistics.reduce((sum, gc) => sum + gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize, 0);
    expect(again).toEqual(first);
    // Reading the whole batch again for each conversation cost ~38 KB a conversation here (33 contacts), ~2.6 KB without.
    expect((usedAtStop - usedAtStart + freed) / page.items.length).toBeLessThan(10_000);
  });

  it('a failing /admins fails the members of conversations with teammates, coded, and is asked again next time', async () => {
    const fresh = adapter({ aiOnly: false });
    const session = fresh.openSession();
    const page = await session.conversations(EMPTY_FILTER).forward(null, 40);
    const withTeammates = page.items.map((entry) => entry.item).find((c) => (c.details as unknown as { teammateIds: string[] }).teammateIds.length > 0)!;
    intercom.emulator.injectFault({ kind: 'status500', count: 10, endpoint: 'listAdmins' });
    await expect(session.members(withTeammates)).rejects.toMatchObject({ facts: { code: 'UPSTREAM_UNAVAILABLE', provider: 'INTERCOM' } });
    intercom.emulator.clearFaults();
    expect((await fresh.openSession().members(withTeammates)).some((person) => person.role === 'admin' && person.displayName !== null)).toBe(true);
  });

  it('look-ups: by id (one GET), null for unknown or malformed ids without a call, null for a conversation without Fin when AI only', async () => {
    const session = adapter().openSession();
    const human = intercom.records().find((r) => !r.conversation.ai_agent_participated)!.conversation.id;
    expect(await session.loadConversation({ providerId: human, createdAtMs: null, hint: null })).toBeNull();
    expect(await session.loadConversation({ providerId: '1', createdAtMs: null, hint: null })).toBeNull();
    intercom.emulator.clearLog();
    expect(await session.loadConversation({ providerId: '../admins', createdAtMs: null, hint: null })).toBeNull();
    expect(intercom.emulator.requestLog).toHaveLength(0);
    const withFin = intercom.records().find((r) => r.conversation.ai_agent_participated)!.conversation;
    const found = await session.loadConversation({ providerId: withFin.id, createdAtMs: null, hint: null });
    expect(found).toMatchObject({ providerId: withFin.id, createdAt: new Date(withFin.created_at * 1000) });
  });
});
