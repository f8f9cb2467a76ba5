import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import {
  FLASHBACK_DEFAULT_TAKE,
  FLASHBACK_MAX_TAKE,
  flashbackDemoData,
  startFlashbackEmulator,
  type FlashbackEmulator,
  type FlashbackWireConversation,
} from '../../../src/emulators/flashback.js';

/**
 * The Flashback emulator against the vendor's doc (../shared/providers/flashback-list-conversations.md):
 * `GET /conversation` with `take` (default 50, max 100), `skip` (default 0), `from`/`to` (ISO 8601), `userId`,
 * `workspaceId`, `repoId`; newest first; `{ success, conversations, total }`; token counts as strings; 400 for
 * invalid parameters with `message`; Bearer authentication. Where the doc is silent the emulator's choices
 * are tested as such (the range inclusive at both ends, ties by id descending, 401 in the error body).
 */

const anchor = new Date('2026-05-01T00:00:00.000Z');
let fb: FlashbackEmulator;

beforeAll(async () => {
  fb = await startFlashbackEmulator({ anchor, seed: 11 });
});
afterAll(async () => {
  await fb.emulator.close();
});
beforeEach(() => {
  fb.emulator.reset();
});

type Body = Record<string, any>;
interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Body;
}

async function get(query: Record<string, string | number> = {}, headers: Record<string, string> = { authorization: `Bearer ${fb.token}` }, path = '/conversation'): Promise<Answer> {
  const url = new URL(`${fb.emulator.baseUrl}${path}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
  const response = await request(url, { headers: { accept: 'application/json', ...headers } });
  return { status: response.statusCode, headers: response.headers, body: (await response.body.json()) as Body };
}

async function list(query: Record<string, string | number> = {}): Promise<{ conversations: FlashbackWireConversation[]; total: number }> {
  const { status, body } = await get(query);
  expect(status).toBe(200);
  expect(body.success).toBe(true);
  return { conversations: body.conversations as FlashbackWireConversation[], total: body.total as number };
}

const ids = (conversations: readonly FlashbackWireConversation[]): string[] => conversations.map((conversation) => conversation.id);
/** The vendor's order as the emulator keeps it: newest first, equal instants by id descending. */
const newestFirst = (a: FlashbackWireConversation, b: FlashbackWireConversation): number =>
  a.createdAt === b.createdAt ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.createdAt < b.createdAt ? 1 : -1;

function expectErrorBody(body: Body): void {
  expect(body).toEqual({ success: false, conversations: [], total: 0, message: expect.any(String) });
}

describe('Flashback emulator: demo data', () => {
  it('260 conversations newest first, ties at one instant ordered by id descending, and a token count beyond 2^53', () => {
    expect(fb.data).toHaveLength(260);
    expect([...fb.data].sort(newestFirst)).toEqual(fb.data);
    const instants = fb.data.map((conversation) => conversation.createdAt);
    expect(new Set(instants).size).toBeLessThan(instants.length);
    expect(fb.data.every((conversation) => Date.parse(conversation.createdAt) < anchor.getTime())).toBe(true);
    const huge = fb.data.find((conversation) => BigInt(conversation.tokensIn) > BigInt(Number.MAX_SAFE_INTEGER));
    expect(huge?.tokensIn).toBe('9007199254740993123');
  });

  it('is deterministic for a seed and anchor, and another seed gives other data', () => {
    expect(flashbackDemoData({ anchor, seed: 11 })).toEqual(fb.data);
    expect(ids(flashbackDemoData({ anchor, seed: 12 }))).not.toEqual(ids(fb.data));
    expect(flashbackDemoData({ anchor, seed: 11, size: 30 })).toHaveLength(30);
  });
});

describe('Flashback emulator: authentication and errors', () => {
  it('401 in the error body without Authorization, with a wrong token or another scheme', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: fb.token }, { authorization: `Basic ${fb.token}` }];
    for (const headers of attempts) {
      const { status, body } = await get({}, headers);
      expect(status).toBe(401);
      expectErrorBody(body);
    }
    expect(fb.emulator.counters()).toEqual({ listConversations: 4 });
  });

  it('accepts the Bearer scheme in any case', async () => {
    expect((await get({ take: 1 }, { authorization: `bearer ${fb.token}` })).status).toBe(200);
  });

  it.each([
    ['take above the maximum', { take: FLASHBACK_MAX_TAKE + 1 }],
    ['a negative take', { take: -1 }],
    ['a fractional take', { take: '1.5' }],
    ['a take that is not a number', { take: 'ten' }],
    ['a negative skip', { skip: -5 }],
    ['a skip that is not a number', { skip: 'x' }],
    ['from not ISO 8601', { from: 'yesterday' }],
    ['to not ISO 8601', { to: '01/02/2026' }],
    ['from an impossible date', { from: '2026-13-45' }],
  ])('400 with success false and a message for %s', async (_name, query) => {
    const { status, body } = await get(query);
    expect(status).toBe(400);
    expectErrorBody(body);
  });

  it('404 in the error body for a path the API does not have', async () => {
    const { status, body } = await get({}, undefined, '/conversations/123');
    expect(status).toBe(404);
    expect(body).toMatchObject({ success: false, conversations: [], total: 0 });
  });
});

describe('Flashback emulator: GET /conversation', () => {
  it('answers JSON { success, conversations, total } with every field of the doc, token counts as strings', async () => {
    const { status, headers, body } = await get({ take: 3 });
    expect(status).toBe(200);
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(Number(headers['content-length'])).toBeGreaterThan(0);
    expect(Object.keys(body).sort()).toEqual(['conversations', 'success', 'total']);
    const [first] = body.conversations as Body[];
    expect(Object.keys(first!).sort()).toEqual(
      ['createdAt', 'createdBy', 'creator', 'id', 'lastUpdatedAt', 'orgId', 'repoId', 'tokensIn', 'tokensOut', 'workspaceId'].sort(),
    );
    expect(Object.keys(first!.creator).sort()).toEqual(['email', 'id', 'lastName', 'name']);
    expect(first!.creator.id).toBe(first!.createdBy);
    expect(first!.tokensIn).toMatch(/^\d+$/);
    expect(first!.tokensOut).toMatch(/^\d+$/);
    expect(new Date(first!.createdAt as string).toISOString()).toBe(first!.createdAt);
    expect(Date.parse(first!.lastUpdatedAt as string)).toBeGreaterThanOrEqual(Date.parse(first!.createdAt as string));
  });

  it(`take defaults to ${FLASHBACK_DEFAULT_TAKE} and skip to 0; total is the whole matching set`, async () => {
    const { conversations, total } = await list();
    expect(ids(conversations)).toEqual(ids(fb.data.slice(0, FLASHBACK_DEFAULT_TAKE)));
    expect(total).toBe(fb.data.length);
  });

  it(`take up to ${FLASHBACK_MAX_TAKE}; take 0 answers no rows and the total`, async () => {
    expect((await list({ take: FLASHBACK_MAX_TAKE })).conversations).toHaveLength(FLASHBACK_MAX_TAKE);
    expect(await list({ take: 0 })).toEqual({ conversations: [], total: fb.data.length });
  });

  it('take and skip walk the whole list exactly, newest first; past the end: no rows, the same total', async () => {
    const walked: FlashbackWireConversation[] = [];
    for (let skip = 0; skip < fb.data.length; skip += 37) {
      const page = await list({ take: 37, skip });
      expect(page.total).toBe(fb.data.length);
      walked.push(...page.conversations);
    }
    expect(ids(walked)).toEqual(ids(fb.data));
    expect(await list({ take: 10, skip: fb.data.length })).toEqual({ conversations: [], total: fb.data.length });
    expect(await list({ take: 10, skip: fb.data.length + 1_000 })).toEqual({ conversations: [], total: fb.data.length });
  });

  it('accepts a trailing slash on the path', async () => {
    const { status, body } = await get({ take: 2 }, undefined, '/conversation/');
    expect(status).toBe(200);
    expect(ids(body.conversations)).toEqual(ids(fb.data.slice(0, 2)));
  });
});

describe('Flashback emulator: filters', () => {
  const at = (index: number): string => fb.data[index]!.createdAt;

  it('from and to are inclusive at both ends (the doc is silent; the adapter sends to - 1 ms for the half-open range)', async () => {
    const to = at(20);
    const from = at(60);
    const expected = fb.data.filter((conversation) => conversation.createdAt >= from && conversation.createdAt <= to);
    const { conversations, total } = await list({ from, to, take: 100 });
    expect(ids(conversations)).toEqual(ids(expected));
    expect(total).toBe(expected.length);
    expect(conversations[0]!.createdAt).toBe(to);
    expect(conversations.at(-1)!.createdAt).toBe(from);
    // One millisecond off at each end drops the boundary items.
    const inner = await list({ from: new Date(Date.parse(from) + 1).toISOString(), to: new Date(Date.parse(to) - 1).toISOString(), take: 100 });
    expect(inner.conversations.some((conversation) => conversation.createdAt === from || conversation.createdAt === to)).toBe(false);
  });

  it('from = to lists every conversation created at that instant (ties included)', async () => {
    const tied = fb.data.find((conversation, index) => fb.data[index + 1]?.createdAt === conversation.createdAt)!;
    const expected = fb.data.filter((conversation) => conversation.createdAt === tied.createdAt);
    expect(expected.length).toBeGreaterThan(1);
    expect(ids((await list({ from: tied.createdAt, to: tied.createdAt })).conversations)).toEqual(ids(expected));
  });

  it('reads dates with an offset or without a time', async () => {
    const day = fb.data[100]!.createdAt.slice(0, 10);
    const expected = fb.data.filter((conversation) => conversation.createdAt >= `${day}T00:00:00.000Z`);
    expect((await list({ from: day })).total).toBe(expected.length);
    const shifted = new Date(Date.parse(fb.data[100]!.createdAt)).toISOString().replace('Z', '+00:00');
    expect((await list({ from: shifted })).total).toBe(fb.data.filter((conversation) => conversation.createdAt >= fb.data[100]!.createdAt).length);
  });

  it('userId, workspaceId and repoId each select exactly, and combine with each other and the range', async () => {
    const sample = fb.data[5]!;
    const byUser = fb.data.filter((conversation) => conversation.createdBy === sample.createdBy);
    expect(await list({ userId: sample.createdBy, take: 100 })).toEqual({ conversations: byUser.slice(0, 100), total: byUser.length });
    const byWorkspace = fb.data.filter((conversation) => conversation.workspaceId === sample.workspaceId);
    expect((await list({ workspaceId: sample.workspaceId, take: 100 })).total).toBe(byWorkspace.length);
    const byRepo = fb.data.filter((conversation) => conversation.repoId === sample.repoId);
    expect((await list({ repoId: sample.repoId, take: 100 })).total).toBe(byRepo.length);
    const all = fb.data.filter(
      (conversation) =>
        conversation.createdBy === sample.createdBy &&
        conversation.workspaceId === sample.workspaceId &&
        conversation.repoId === sample.repoId &&
        conversation.createdAt <= sample.createdAt,
    );
    const combined = await list({ userId: sample.createdBy, workspaceId: sample.workspaceId, repoId: sample.repoId, to: sample.createdAt, take: 100 });
    expect(combined).toEqual({ conversations: all, total: all.length });
    expect(all.length).toBeGreaterThan(0);
  });

  it('a value nobody has matches nothing; non-ASCII values are compared exactly', async () => {
    expect(await list({ userId: 'user-nobody' })).toEqual({ conversations: [], total: 0 });
    const greek = fb.data.filter((conversation) => conversation.workspaceId === 'workspace-γάμμα');
    expect(greek.length).toBeGreaterThan(0);
    expect((await list({ workspaceId: 'workspace-γάμμα', take: 100 })).total).toBe(greek.length);
  });
});

describe('Flashback emulator: live data and test knobs', () => {
  it('a conversation added now is first in the list and counted; deleting it restores the list', async () => {
    const small = await startFlashbackEmulator({ anchor, seed: 11, size: 20 });
    try {
      const headers = { authorization: `Bearer ${small.token}` };
      const added = small.emulator.addConversation({ createdAt: new Date(anchor.getTime() + 1_000) });
      const after = await request(`${small.emulator.baseUrl}/conversation?take=2`, { headers });
      const body = (await after.body.json()) as Body;
      expect(body.total).toBe(21);
      expect(body.conversations[0].id).toBe(added.id);
      expect(small.emulator.deleteConversation(added.id)).toBe(true);
      expect(small.emulator.conversationIds()).toEqual(ids(flashbackDemoData({ anchor, seed: 11, size: 20 })));
    } finally {
      await small.emulator.close();
    }
  });

  it('logs each request with its query and status, and injected faults answer in the error body', async () => {
    await list({ take: 5, skip: 10, userId: 'user-101' });
    fb.emulator.injectFault({ kind: 'status503', endpoint: 'listConversations' });
    const failed = await get({ take: 5 });
    expect(failed.status).toBe(503);
    expectErrorBody(failed.body);
    expect(fb.emulator.requestLog.map((entry) => [entry.endpoint, entry.status, entry.fault])).toEqual([
      ['listConversations', 200, null],
      ['listConversations', 503, 'status503'],
    ]);
    expect(new URLSearchParams(fb.emulator.requestLog[0]!.search).get('userId')).toBe('user-101');
  });
});
