import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_FILTER, detailsOf, type Conversation, type ConversationFilter } from '../../../src/domain.js';
import { ErrorCode, UpstreamError } from '../../../src/errors.js';
import { startFlashbackEmulator, type FlashbackEmulator, type FlashbackWireConversation } from '../../../src/emulators/flashback.js';
import { createFlashbackAdapter } from '../../../src/vendors/flashback/adapter.js';
import { FLASHBACK_MAX_TAKE } from '../../../src/vendors/flashback/client.js';
import { FLASHBACK_FILTER, type FlashbackFilterSection } from '../../../src/vendors/flashback/filter.js';
import type { FlashbackDetails } from '../../../src/vendors/flashback/mapper.js';
import type { HttpSettings } from '../../../src/vendors/http-settings.js';
import { DEFAULT_HTTP_SETTINGS } from '../../../src/vendors/http.js';
import type { VendorAdapter, VendorSession } from '../../../src/vendors/port.js';
import { walkBackward, walkForward } from '../../support/streams.js';

/**
 * The Flashback adapter over HTTP to its emulator: ordered streams over `take`/`skip` (at most 100 a call),
 * totals from `total`, the filter pushed down (the half-open range as `from`/`to - 1 ms`, refined locally),
 * look-ups by the creation instant the global id carries, and upstream failures coded.
 */

const HTTP: HttpSettings = {
  ...DEFAULT_HTTP_SETTINGS,
  retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
  timeoutMs: 2_000,
  breakerThreshold: 0,
};
const anchor = new Date('2026-05-01T00:00:00.000Z');

let fb: FlashbackEmulator;
let adapter: VendorAdapter;
let session: VendorSession;

beforeAll(async () => {
  fb = await startFlashbackEmulator({ anchor, seed: 11 });
  adapter = createFlashbackAdapter({ baseUrl: fb.env.FLASHBACK_BASE_URL as string, token: fb.token }, HTTP);
});
afterAll(async () => {
  await adapter.close();
  await fb.emulator.close();
});
beforeEach(() => {
  fb.emulator.reset();
  session = adapter.openSession();
});
afterEach(() => {
  fb.emulator.clearFaults();
});

const ids = (list: readonly { providerId: string }[]): string[] => list.map((conversation) => conversation.providerId);
const wireIds = (list: readonly FlashbackWireConversation[]): string[] => list.map((conversation) => conversation.id);
const calls = (): URLSearchParams[] => fb.emulator.requestLog.filter((entry) => entry.endpoint === 'listConversations').map((entry) => new URLSearchParams(entry.search));
const filterWith = (part: Partial<ConversationFilter>): ConversationFilter => ({ ...EMPTY_FILTER, ...part });
const flashback = (section: Partial<FlashbackFilterSection>): FlashbackFilterSection => ({
  userId: null,
  workspaceId: null,
  repoId: null,
  ...section,
});

/** What the graph must list for a filter, from the emulator's data: half-open range, sections AND-ed, its order. */
function expected(filter: ConversationFilter): string[] {
  const section = FLASHBACK_FILTER.of(filter);
  return wireIds(
    fb.data.filter((conversation) => {
      const t = Date.parse(conversation.createdAt);
      if (filter.createdAt?.from && t < filter.createdAt.from.getTime()) return false;
      if (filter.createdAt?.to && t >= filter.createdAt.to.getTime()) return false;
      if (section?.userId && conversation.createdBy !== section.userId) return false;
      if (section?.workspaceId && conversation.workspaceId !== section.workspaceId) return false;
      if (section?.repoId && conversation.repoId !== section.repoId) return false;
      return true;
    }),
  );
}

describe('Flashback adapter: walks', () => {
  it.each([[[1]], [[7]], [[50]], [[100]], [[150]], [[3, 40, 101]]])('forward with pages of %j: exactly the vendor list, newest first, ties by id descending', async (sizes) => {
    const { items } = await walkForward(session.conversations(EMPTY_FILTER), sizes);
    expect(ids(items)).toEqual(wireIds(fb.data));
  });

  it.each([[[1]], [[9]], [[100]], [[130, 2]]])('backward with pages of %j: the same list', async (sizes) => {
    const { items } = await walkBackward(session.conversations(EMPTY_FILTER), sizes);
    expect(ids(items)).toEqual(wireIds(fb.data));
  });

  it('a first page costs one request of at most 100; a page of 150 two, in parallel, each within take 100', async () => {
    const page = await session.conversations(EMPTY_FILTER).forward(null, 20);
    expect(ids(page.items.map((entry) => entry.item))).toEqual(wireIds(fb.data.slice(0, 20)));
    expect(page.hasMore).toBe(true);
    expect(calls()).toHaveLength(1);
    expect(calls()[0]!.get('skip')).toBe('0');
    fb.emulator.clearLog();
    const large = await adapter.openSession().conversations(EMPTY_FILTER).forward(null, 150);
    expect(ids(large.items.map((entry) => entry.item))).toEqual(wireIds(fb.data.slice(0, 150)));
    expect(calls()).toHaveLength(2);
    for (const call of calls()) expect(Number(call.get('take'))).toBeLessThanOrEqual(FLASHBACK_MAX_TAKE);
  });

  it('every request carries the Bearer credential and no take above the vendor cap over a whole walk', async () => {
    await walkForward(session.conversations(EMPTY_FILTER), [120]);
    expect(calls().length).toBeGreaterThan(0);
    for (const call of calls()) expect(Number(call.get('take'))).toBeLessThanOrEqual(FLASHBACK_MAX_TAKE);
    expect(fb.emulator.requestLog.every((entry) => entry.status === 200)).toBe(true);
  });

  it('counts from the vendor total: one request with no filter, the filtered total with one', async () => {
    expect(await session.conversations(EMPTY_FILTER).count()).toBe(fb.data.length);
    expect(calls()).toHaveLength(1);
    const workspace = filterWith({ flashback: flashback({ workspaceId: 'workspace-beta' }) });
    expect(await adapter.openSession().conversations(workspace).count()).toBe(expected(workspace).length);
  });
});

describe('Flashback adapter: filters', () => {
  const at = (index: number): Date => new Date(fb.data[index]!.createdAt);

  it('the half-open createdAt range goes up as from and to - 1 ms, and is exact at both boundaries', async () => {
    const filter = filterWith({ createdAt: { from: at(80), to: at(10) } });
    const { items } = await walkForward(session.conversations(filter), [25]);
    expect(ids(items)).toEqual(expected(filter));
    expect(ids(items)).not.toContain(fb.data[10]!.id);
    expect(ids(items)).toContain(fb.data[80]!.id);
    const first = calls()[0]!;
    expect(first.get('from')).toBe(at(80).toISOString());
    expect(first.get('to')).toBe(new Date(at(10).getTime() - 1).toISOString());
  });

  it('a range of one instant with ties: from = to lists exactly the ties at from', async () => {
    const tie = fb.data.findIndex((conversation, index) => fb.data[index + 1]?.createdAt === conversation.createdAt);
    const instant = at(tie);
    const filter = filterWith({ createdAt: { from: instant, to: new Date(instant.getTime() + 1) } });
    const { items } = await walkForward(session.conversations(filter), [1]);
    expect(ids(items)).toEqual(expected(filter));
    expect(items.length).toBeGreaterThan(1);
  });

  it('userId, workspaceId and repoId are pushed down as the vendor parameters and combine', async () => {
    const sample = fb.data[5]!;
    const filter = filterWith({
      createdAt: { from: null, to: new Date(Date.parse(sample.createdAt) + 1) },
      flashback: flashback({ userId: sample.createdBy, workspaceId: sample.workspaceId, repoId: sample.repoId }),
    });
    const { items } = await walkForward(session.conversations(filter), [2]);
    expect(ids(items)).toEqual(expected(filter));
    expect(ids(items)).toContain(sample.id);
    const first = calls()[0]!;
    expect([first.get('userId'), first.get('workspaceId'), first.get('repoId')]).toEqual([sample.createdBy, sample.workspaceId, sample.repoId]);
    expect(await adapter.openSession().conversations(filter).count()).toBe(expected(filter).length);
  });

  it('a filter nobody matches: an empty page, hasMore false, count 0', async () => {
    const filter = filterWith({ flashback: flashback({ userId: 'user-nobody' }) });
    const page = await session.conversations(filter).forward(null, 10);
    expect(page.items).toEqual([]);
    expect(page.hasMore).toBe(false);
    expect(await session.conversations(filter).count()).toBe(0);
  });
});

describe('Flashback adapter: conversations, people, look-ups', () => {
  it('maps every field; token counts stay exact decimal strings beyond 2^53', async () => {
    const { items } = await walkForward(session.conversations(EMPTY_FILTER), [100]);
    const huge = items.find((conversation) => detailsOf<FlashbackDetails>(conversation, 'FLASHBACK')?.tokensIn === '9007199254740993123');
    expect(huge).toBeDefined();
    const wire = fb.data[0]!;
    const first = items[0] as Conversation;
    expect(first).toMatchObject({
      provider: 'FLASHBACK',
      providerId: wire.id,
      createdAt: new Date(wire.createdAt),
      updatedAt: new Date(wire.lastUpdatedAt),
      title: null,
      messages: null,
    });
    expect(detailsOf<FlashbackDetails>(first, 'FLASHBACK')).toEqual({
      provider: 'FLASHBACK',
      orgId: wire.orgId,
      workspaceId: wire.workspaceId,
      repoId: wire.repoId,
      createdBy: wire.createdBy,
      tokensIn: wire.tokensIn,
      tokensOut: wire.tokensOut,
    });
  });

  it('creator and members from the conversation, without a call; no messages', async () => {
    const wire = fb.data[2]!;
    const [conversation] = (await session.conversations(EMPTY_FILTER).forward(null, 3)).items.map((entry) => entry.item).slice(2);
    fb.emulator.clearLog();
    const creator = await session.creator(conversation!);
    expect(creator).toMatchObject({ provider: 'FLASHBACK', providerId: wire.creator.id, displayName: `${wire.creator.name} ${wire.creator.lastName}`, email: wire.creator.email });
    expect(await session.members(conversation!)).toEqual([creator]);
    expect(session.messages(conversation!)).toBeNull();
    expect(calls()).toHaveLength(0);
    expect(adapter.capabilities).toEqual({ backward: true, totalCount: true, messages: false });
  });

  it('look-ups by the creation instant: one request per distinct instant (ties share it), null for an unknown id or instant', async () => {
    const tie = fb.data.findIndex((conversation, index) => fb.data[index + 1]?.createdAt === conversation.createdAt);
    const a = fb.data[tie]!;
    const b = fb.data[tie + 1]!;
    const other = fb.data[200]!;
    const key = (wire: FlashbackWireConversation, ms = Date.parse(wire.createdAt)) => ({ providerId: wire.id, createdAtMs: ms, hint: null });
    const found = await Promise.all([
      session.loadConversation(key(a)),
      session.loadConversation(key(b)),
      session.loadConversation(key(other)),
      session.loadConversation({ providerId: 'no-such-id', createdAtMs: Date.parse(other.createdAt), hint: null }),
    ]);
    expect(found.map((conversation) => conversation?.providerId ?? null)).toEqual([a.id, b.id, other.id, null]);
    expect(calls()).toHaveLength(2);
    for (const call of calls()) expect(call.get('from')).toBe(call.get('to'));
    expect(session.keyOf(found[0]!)).toEqual(key(a));
    // The right id at another instant is not found there (in a request of its own).
    expect(await adapter.openSession().loadConversation(key(other, Date.parse(other.createdAt) + 1))).toBeNull();
    expect(calls()).toHaveLength(3);
    // Nor when the same batch also asks for it at its own instant: that request's answer is not this key's.
    const batch = adapter.openSession();
    const [right, wrong] = await Promise.all([batch.loadConversation(key(other)), batch.loadConversation(key(other, Date.parse(other.createdAt) + 1))]);
    expect(right?.providerId).toBe(other.id);
    expect(wrong).toBeNull();
  });
});

describe('Flashback adapter: upstream errors', () => {
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

  it('500 after retries: UPSTREAM_UNAVAILABLE with the status and the URL without its query', async () => {
    fb.emulator.injectFault({ kind: 'status500', count: 2 });
    const error = await rejection(firstPage());
    expect(error.facts).toMatchObject({ provider: 'FLASHBACK', code: ErrorCode.UPSTREAM_UNAVAILABLE, status: 500, method: 'GET', url: `${fb.emulator.origin}/conversation` });
    expect(calls()).toHaveLength(2);
  });

  it('a 503 once is retried and the page answers', async () => {
    fb.emulator.injectFault({ kind: 'status503', count: 1 });
    await expect(firstPage()).resolves.toBeDefined();
    expect(calls()).toHaveLength(2);
  });

  it('429 twice: UPSTREAM_RATE_LIMITED', async () => {
    fb.emulator.injectFault({ kind: 'status429', count: 2 });
    expect((await rejection(firstPage())).facts.code).toBe(ErrorCode.UPSTREAM_RATE_LIMITED);
  });

  it('401 (a wrong token): UPSTREAM_AUTH_FAILED, not retried', async () => {
    const intruder = createFlashbackAdapter({ baseUrl: fb.env.FLASHBACK_BASE_URL as string, token: 'stolen' }, HTTP);
    try {
      expect((await rejection(firstPage(intruder))).facts).toMatchObject({ code: ErrorCode.UPSTREAM_AUTH_FAILED, status: 401 });
      expect(calls()).toHaveLength(1);
    } finally {
      await intruder.close();
    }
  });

  it('a truncated body: UPSTREAM_BAD_RESPONSE; a reset connection: UPSTREAM_CONNECTION_FAILED', async () => {
    fb.emulator.injectFault({ kind: 'truncatedJson', count: 2 });
    expect((await rejection(firstPage())).facts.code).toBe(ErrorCode.UPSTREAM_BAD_RESPONSE);
    fb.emulator.injectFault({ kind: 'resetConnection', count: 2 });
    expect((await rejection(firstPage())).facts.code).toBe(ErrorCode.UPSTREAM_CONNECTION_FAILED);
  });

  it('a hang: UPSTREAM_TIMEOUT', async () => {
    const impatient = createFlashbackAdapter({ baseUrl: fb.env.FLASHBACK_BASE_URL as string, token: fb.token }, { ...HTTP, timeoutMs: 150, retry: { ...HTTP.retry, maxAttempts: 1 } });
    fb.emulator.injectFault({ kind: 'hang', count: 1 });
    try {
      expect((await rejection(firstPage(impatient))).facts.code).toBe(ErrorCode.UPSTREAM_TIMEOUT);
    } finally {
      fb.emulator.clearFaults();
      await impatient.close();
    }
  });

  it('a look-up failing rejects with the upstream error', async () => {
    fb.emulator.injectFault({ kind: 'status500', count: 2 });
    const wire = fb.data[0]!;
    const error = await rejection(session.loadConversation({ providerId: wire.id, createdAtMs: Date.parse(wire.createdAt), hint: null }));
    expect(error.facts.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
  });
});
