import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  moveworksConversationsDemoData,
  startMoveworksConversationsEmulator,
  type MoveworksConversationsEmulator,
  type MoveworksWireConversation,
  type MoveworksWireMessage,
} from '../../../src/emulators/moveworks-conversations.js';

/** Every documented behaviour of the Moveworks Conversations API (beta), over real HTTP. */

const ANCHOR = new Date('2025-03-01T00:00:00.000Z');
const DAY = 24 * 3600_000;

let mw: MoveworksConversationsEmulator;

beforeAll(async () => {
  mw = await startMoveworksConversationsEmulator({ anchor: ANCHOR });
});
afterAll(async () => {
  await mw.emulator.close();
});
beforeEach(() => mw.emulator.reset());

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

async function get(path: string, headers: Record<string, string> | null = null): Promise<Answer> {
  const response = await request(mw.env.MOVEWORKS_CONVERSATIONS_BASE_URL + path, {
    headers: headers ?? { authorization: `Bearer ${mw.token}`, 'assistant-name': mw.assistantName },
  });
  return {
    status: response.statusCode,
    body: (await response.body.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

type ConversationsBody = { conversations: MoveworksWireConversation[]; metadata: { next_cursor: string | null } };
type MessagesBody = { messages: MoveworksWireMessage[]; metadata: { next_cursor: string | null } };

async function walk<T extends 'conversations' | 'messages'>(
  path: string,
  field: T,
  limits: number[],
  extra = '',
): Promise<{ items: (T extends 'conversations' ? MoveworksWireConversation : MoveworksWireMessage)[]; calls: number }> {
  const items: unknown[] = [];
  let cursor: string | null = null;
  let calls = 0;
  do {
    const limit = limits[calls % limits.length] as number;
    const query = `?limit=${limit}${extra}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const answer = await get(path + query);
    expect(answer.status).toBe(200);
    const body = answer.body as unknown as ConversationsBody & MessagesBody;
    const page = body[field] as unknown[];
    expect(page.length).toBeLessThanOrEqual(limit);
    items.push(...page);
    cursor = body.metadata.next_cursor;
    calls += 1;
    if (cursor !== null) expect(page.length).toBe(limit);
  } while (cursor !== null && calls < 1000);
  return { items: items as never, calls };
}

const vendorOrder = (a: MoveworksWireConversation, b: MoveworksWireConversation): number =>
  a.updated_at === b.updated_at ? (a.conversation_id < b.conversation_id ? 1 : -1) : a.updated_at < b.updated_at ? 1 : -1;

describe('authentication', () => {
  it('answers 401 UNAUTHORIZED without a bearer token', async () => {
    const answer = await get('/conversations', { 'assistant-name': mw.assistantName });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
  });

  it('answers 401 UNAUTHORIZED with a wrong token, on both endpoints', async () => {
    const headers = { authorization: 'Bearer nope', 'assistant-name': mw.assistantName };
    const id = mw.conversations[0]?.conversation_id as string;
    for (const path of ['/conversations', `/conversations/${id}/messages`]) {
      const answer = await get(path, headers);
      expect(answer.status).toBe(401);
      expect((answer.body.error as { code: string }).code).toBe('UNAUTHORIZED');
    }
  });

  it('answers 403 FORBIDDEN without an Assistant-Name header', async () => {
    const answer = await get('/conversations', { authorization: `Bearer ${mw.token}` });
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } });
  });

  it('answers 403 FORBIDDEN for an unknown assistant', async () => {
    const answer = await get('/conversations', { authorization: `Bearer ${mw.token}`, 'assistant-name': 'someone-else' });
    expect(answer.status).toBe(403);
    expect((answer.body.error as { code: string }).code).toBe('FORBIDDEN');
  });
});

describe('GET /conversations', () => {
  it('defaults to 20 unarchived conversations, newest updated_at first, with a next cursor', async () => {
    const answer = await get('/conversations');
    expect(answer.status).toBe(200);
    const body = answer.body as unknown as ConversationsBody;
    const expected = mw.conversations.filter((c) => !c.archived).sort(vendorOrder).slice(0, 20);
    expect(body.conversations).toEqual(expected);
    expect(typeof body.metadata.next_cursor).toBe('string');
  });

  it('returns only archived conversations with archived=true, and only unarchived with archived=false', async () => {
    for (const archived of [true, false]) {
      const { items } = await walk('/conversations', 'conversations', [100], `&archived=${archived}`);
      expect(items).toEqual(mw.conversations.filter((c) => c.archived === archived).sort(vendorOrder));
    }
  });

  it('rejects an archived value that is not a boolean with 400', async () => {
    const answer = await get('/conversations?archived=maybe');
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  });

  it('accepts limit from 1 to 100 and rejects anything else with 400', async () => {
    for (const limit of [1, 100]) {
      const answer = await get(`/conversations?limit=${limit}`);
      expect(answer.status).toBe(200);
      expect((answer.body as unknown as ConversationsBody).conversations).toHaveLength(limit);
    }
    for (const limit of ['0', '101', '-1', 'abc', '2.5', '']) {
      const answer = await get(`/conversations?limit=${limit}`);
      expect(answer.status, `limit=${limit}`).toBe(400);
      expect(answer.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    }
  });

  it('walks every conversation exactly once with cursors, whatever the limit, and ends with next_cursor null', async () => {
    const expected = mw.conversations.filter((c) => !c.archived).sort(vendorOrder);
    for (const limits of [[100], [7], [1, 33, 100, 2]]) {
      const { items } = await walk('/conversations', 'conversations', limits);
      expect(items.map((c) => c.conversation_id)).toEqual(expected.map((c) => c.conversation_id));
    }
  });

  it('answers next_cursor null when the last page is exactly full', async () => {
    const total = mw.conversations.filter((c) => c.archived).length;
    const answer = await get(`/conversations?archived=true&limit=${Math.min(total, 100)}`);
    const body = answer.body as unknown as ConversationsBody;
    expect(total).toBeLessThanOrEqual(100);
    expect(body.conversations).toHaveLength(total);
    expect(body.metadata.next_cursor).toBeNull();
  });

  it('orders equal updated_at instants by conversation_id descending', async () => {
    const { items } = await walk('/conversations', 'conversations', [100]);
    const ties = items.filter((c, i) => i > 0 && items[i - 1]?.updated_at === c.updated_at);
    expect(ties.length).toBeGreaterThan(0);
    items.forEach((c, i) => {
      const previous = items[i - 1];
      if (previous) expect(vendorOrder(previous, c)).toBeLessThan(0);
    });
  });

  it('rejects a tampered cursor with 400 INVALID_CURSOR', async () => {
    const first = (await get('/conversations?limit=5')).body as unknown as ConversationsBody;
    const cursor = first.metadata.next_cursor as string;
    const [body, signature] = cursor.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { k: [string, string] };
    payload.k[0] = '2000-01-01T00:00:00.000Z';
    const forged = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
    for (const bad of [forged, cursor.slice(0, -2), 'not-a-cursor', `${cursor}.x`]) {
      const answer = await get(`/conversations?cursor=${encodeURIComponent(bad)}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: { code: 'INVALID_CURSOR', message: expect.any(String) } });
    }
  });

  it('rejects a cursor issued for another query or endpoint with 400 INVALID_CURSOR', async () => {
    const active = (await get('/conversations?limit=5')).body as unknown as ConversationsBody;
    const cursor = active.metadata.next_cursor as string;
    const otherQuery = await get(`/conversations?archived=true&cursor=${encodeURIComponent(cursor)}`);
    expect((otherQuery.body.error as { code: string }).code).toBe('INVALID_CURSOR');
    const id = mw.conversations.find((c) => (mw.messages.get(c.conversation_id)?.length ?? 0) > 1)?.conversation_id as string;
    const otherEndpoint = await get(`/conversations/${id}/messages?cursor=${encodeURIComponent(cursor)}`);
    expect(otherEndpoint.status).toBe(400);
    expect((otherEndpoint.body.error as { code: string }).code).toBe('INVALID_CURSOR');
  });

  it('keeps cursors valid across requests (stateless): the same cursor answers the same page twice', async () => {
    const first = (await get('/conversations?limit=10')).body as unknown as ConversationsBody;
    const cursor = encodeURIComponent(first.metadata.next_cursor as string);
    const a = await get(`/conversations?limit=10&cursor=${cursor}`);
    const b = await get(`/conversations?limit=10&cursor=${cursor}`);
    expect(a.body).toEqual(b.body);
  });

  it('answers conversations in the documented shape', async () => {
    const { items } = await walk('/conversations', 'conversations', [100]);
    for (const c of items) {
      expect(c.conversation_id).toMatch(/^conv_[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(typeof c.archived).toBe('boolean');
      expect(new Date(c.created_at).toISOString()).toBe(c.created_at);
      expect(new Date(c.updated_at).toISOString()).toBe(c.updated_at);
      expect(c.created_at <= c.updated_at).toBe(true);
      if ('title' in c) expect(typeof c.title).toBe('string');
    }
  });
});

describe('GET /conversations/{conversation_id}/messages', () => {
  const messageOrder = (a: MoveworksWireMessage, b: MoveworksWireMessage): number =>
    a.created_at === b.created_at ? (a.message_id < b.message_id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1;

  it('answers the newest messages first in the documented shape, 20 by default', async () => {
    const [id, list] = [...mw.messages].find(([, messages]) => messages.length > 20) as [string, MoveworksWireMessage[]];
    const answer = await get(`/conversations/${encodeURIComponent(id)}/messages`);
    expect(answer.status).toBe(200);
    const body = answer.body as unknown as MessagesBody;
    expect(body.messages).toEqual([...list].sort(messageOrder).slice(0, 20));
    expect(typeof body.metadata.next_cursor).toBe('string');
    for (const message of body.messages) {
      expect(message).toEqual({
        message_id: expect.stringMatching(/^msg_/),
        conversation_id: id,
        response_id: expect.any(String),
        actor: expect.stringMatching(/^(USER|ASSISTANT)$/),
        content: { type: 'COMMONMARK_TEXT', commonmark_text: { text: expect.any(String) } },
        created_at: expect.any(String),
      });
    }
  });

  it('pages a conversation of more than 100 messages with cursors', async () => {
    const [id, list] = [...mw.messages].find(([, messages]) => messages.length > 100) as [string, MoveworksWireMessage[]];
    for (const limits of [[100], [3, 50, 1]]) {
      const { items, calls } = await walk(`/conversations/${encodeURIComponent(id)}/messages`, 'messages', limits);
      expect(items).toEqual(list);
      if (limits[0] === 100) expect(calls).toBe(2);
    }
  });

  it('answers an empty list and next_cursor null for a conversation without messages', async () => {
    const [id] = [...mw.messages].find(([, messages]) => messages.length === 0) as [string, MoveworksWireMessage[]];
    const answer = await get(`/conversations/${encodeURIComponent(id)}/messages`);
    expect(answer.body).toEqual({ messages: [], metadata: { next_cursor: null } });
  });

  it('answers 404 for an unknown conversation', async () => {
    const answer = await get('/conversations/conv_01ARZ3NDEKTSV4RRFFQ69G5FAV/messages');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });

  it('validates limit and cursor like the list endpoint', async () => {
    const id = mw.conversations[0]?.conversation_id as string;
    expect((await get(`/conversations/${id}/messages?limit=0`)).status).toBe(400);
    expect((await get(`/conversations/${id}/messages?limit=101`)).status).toBe(400);
    const bad = await get(`/conversations/${id}/messages?cursor=abc.def`);
    expect(bad.status).toBe(400);
    expect((bad.body.error as { code: string }).code).toBe('INVALID_CURSOR');
  });

  it("rejects a cursor of another conversation's messages", async () => {
    const [a, b] = [...mw.messages].filter(([, messages]) => messages.length > 2).map(([id]) => id) as [string, string];
    const first = (await get(`/conversations/${a}/messages?limit=1`)).body as unknown as MessagesBody;
    const answer = await get(`/conversations/${b}/messages?cursor=${encodeURIComponent(first.metadata.next_cursor as string)}`);
    expect(answer.status).toBe(400);
    expect((answer.body.error as { code: string }).code).toBe('INVALID_CURSOR');
  });
});

describe('errors and knobs', () => {
  it('answers injected faults with the vendor error body', async () => {
    mw.emulator.injectFault({ kind: 'status429' });
    mw.emulator.injectFault({ kind: 'status500' });
    const limited = await get('/conversations');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: { code: 'RATE_LIMIT_EXCEEDED', message: expect.any(String) } });
    const failed = await get('/conversations');
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ error: { code: 'INTERNAL_ERROR', message: expect.any(String) } });
    expect(mw.emulator.counters()).toEqual({ listConversations: 2 });
  });

  it('answers 404 with the vendor body for an unknown path', async () => {
    const answer = await get('/nothing-here');
    expect(answer.status).toBe(404);
    expect((answer.body.error as { code: string }).code).toBe('NOT_FOUND');
  });

  it('exposes its configuration as the graph\'s environment variables', () => {
    expect(mw.env).toEqual({
      MOVEWORKS_CONVERSATIONS_BASE_URL: `${mw.emulator.origin}/rest/v1beta1`,
      MOVEWORKS_CONVERSATIONS_TOKEN: 'moveworks-conversations-demo-token',
      MOVEWORKS_ASSISTANT_NAME: 'acmecorp-conversations-rest-api',
    });
  });
});

describe('demo data', () => {
  it('has at least 250 conversations over months, deterministic per seed, size configurable', () => {
    expect(mw.conversations.length).toBeGreaterThanOrEqual(250);
    const created = mw.conversations.map((c) => Date.parse(c.created_at));
    expect(Math.max(...created)).toBeLessThan(ANCHOR.getTime());
    expect(ANCHOR.getTime() - Math.min(...created)).toBeGreaterThan(180 * DAY);
    const again = moveworksConversationsDemoData({ anchor: ANCHOR });
    expect(again.conversations).toEqual(mw.conversations);
    const other = moveworksConversationsDemoData({ anchor: ANCHOR, seed: 99, size: 40 });
    expect(other.conversations).toHaveLength(40);
    expect(other.conversations[0]).not.toEqual(mw.conversations[0]);
  });

  it('has equal created_at and updated_at instants, archived and untitled conversations', () => {
    const createdAt = mw.conversations.map((c) => c.created_at);
    expect(new Set(createdAt).size).toBeLessThan(createdAt.length);
    const updatedAt = mw.conversations.map((c) => c.updated_at);
    expect(new Set(updatedAt).size).toBeLessThan(updatedAt.length);
    expect(mw.conversations.some((c) => c.archived)).toBe(true);
    expect(mw.conversations.some((c) => c.title === undefined)).toBe(true);
    expect(mw.conversations.some((c) => c.created_at === c.updated_at)).toBe(true);
  });

  it('has old conversations updated very recently, archived ones among them', () => {
    const revisited = mw.conversations.filter(
      (c) => ANCHOR.getTime() - Date.parse(c.updated_at) < 2 * DAY && ANCHOR.getTime() - Date.parse(c.created_at) > 30 * DAY,
    );
    expect(revisited.length).toBeGreaterThanOrEqual(3);
    expect(revisited.some((c) => c.archived)).toBe(true);
  });

  it('has non-ASCII text, quotes and backslashes', () => {
    const values = [...mw.conversations.map((c) => c.title ?? ''), ...[...mw.messages.values()].flat().map((m) => m.content.commonmark_text.text)];
    expect(values.some((value) => /[^\x00-\x7f]/.test(value))).toBe(true);
    expect(values.some((value) => value.includes('"'))).toBe(true);
    expect(values.some((value) => value.includes("'"))).toBe(true);
    expect(values.some((value) => value.includes('\\'))).toBe(true);
  });

  it('has conversations without messages and one with more than 100; messages fall between creation and last update', () => {
    const counts = [...mw.messages.values()].map((list) => list.length);
    expect(counts.some((n) => n === 0)).toBe(true);
    expect(counts.some((n) => n > 100)).toBe(true);
    for (const c of mw.conversations) {
      for (const m of mw.messages.get(c.conversation_id) ?? []) {
        expect(m.created_at >= c.created_at && m.created_at <= c.updated_at).toBe(true);
      }
    }
  });
});
