import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import {
  CHATBASE_DEFAULT_API_KEY,
  CHATBASE_DEFAULT_CHATBOT_IDS,
  CHATBASE_SOURCES,
  chatbaseDemoData,
  startChatbaseEmulator,
  type ChatbaseEmulator,
  type ChatbaseWireConversation,
} from '../../../src/emulators/chatbase.js';

/** Each test checks one behaviour the vendor's docs describe (or the project decided where the docs are silent). */

const anchor = new Date('2025-03-01T00:00:00.000Z');
let chatbase: ChatbaseEmulator;
let bot: string;

beforeAll(async () => {
  chatbase = await startChatbaseEmulator({ anchor, seed: 5 });
  bot = chatbase.chatbotIds[0] as string;
});
afterAll(async () => {
  await chatbase.emulator.close();
});
beforeEach(() => {
  chatbase.emulator.reset();
});

async function get(
  query: Record<string, string>,
  headers: Record<string, string> = { authorization: `Bearer ${chatbase.apiKey}` },
): Promise<{ status: number; body: any }> {
  const url = new URL(chatbase.emulator.baseUrl + '/get-conversations');
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const response = await request(url, { headers: { accept: 'application/json', ...headers } });
  return { status: response.statusCode, body: await response.body.json() };
}

async function list(query: Record<string, string>): Promise<ChatbaseWireConversation[]> {
  const { status, body } = await get(query);
  expect(status).toBe(200);
  return body.data as ChatbaseWireConversation[];
}

const ids = (items: ChatbaseWireConversation[]): string[] => items.map((item) => item.id);

describe('Chatbase emulator: auth', () => {
  it('answers 401 { message } without an Authorization header', async () => {
    const { status, body } = await get({ chatbotId: bot }, {});
    expect(status).toBe(401);
    expect(body).toEqual({ message: expect.any(String) });
  });

  it('answers 401 with a wrong Bearer key', async () => {
    const { status, body } = await get({ chatbotId: bot }, { authorization: 'Bearer nope' });
    expect(status).toBe(401);
    expect(typeof body.message).toBe('string');
  });

  it('accepts the default demo key and exposes env pointing at itself', () => {
    expect(chatbase.apiKey).toBe(CHATBASE_DEFAULT_API_KEY);
    expect(chatbase.env).toEqual({
      CHATBASE_BASE_URL: `${chatbase.emulator.origin}/api/v1`,
      CHATBASE_API_KEY: CHATBASE_DEFAULT_API_KEY,
      CHATBASE_CHATBOT_IDS: CHATBASE_DEFAULT_CHATBOT_IDS.join(','),
    });
  });
});

describe('Chatbase emulator: chatbotId', () => {
  it('is required (400)', async () => {
    const { status, body } = await get({});
    expect(status).toBe(400);
    expect(body).toEqual({ message: expect.any(String) });
  });

  it('answers 404 for an unknown chatbot', async () => {
    const { status, body } = await get({ chatbotId: 'no-such-bot' });
    expect(status).toBe(404);
    expect(body).toEqual({ message: expect.any(String) });
  });

  it('serves several chatbots, one with non-ASCII characters in its id', async () => {
    expect(chatbase.chatbotIds).toEqual([...CHATBASE_DEFAULT_CHATBOT_IDS]);
    for (const chatbotId of chatbase.chatbotIds) {
      const items = await list({ chatbotId, size: '100' });
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((item) => item.chatbot_id === chatbotId)).toBe(true);
    }
  });
});

describe('Chatbase emulator: page and size', () => {
  it('defaults to page 1 and size 10, newest created_at first (ties by id descending)', async () => {
    const items = await list({ chatbotId: bot });
    expect(ids(items)).toEqual(ids((chatbase.data[bot] ?? []).slice(0, 10)));
  });

  it('returns each conversation with the documented fields', async () => {
    const [first] = await list({ chatbotId: bot, size: '1' });
    expect(Object.keys(first ?? {}).sort()).toEqual(['chatbot_id', 'created_at', 'customer', 'id', 'messages', 'source']);
    for (const message of first?.messages ?? []) expect(Object.keys(message).sort()).toEqual(['content', 'role']);
  });

  it('pages from 1: page p of size s is items [(p-1)s, ps)', async () => {
    const all = chatbase.data[bot] ?? [];
    expect(ids(await list({ chatbotId: bot, page: '3', size: '7' }))).toEqual(ids(all.slice(14, 21)));
    expect(ids(await list({ chatbotId: bot, page: '1', size: '100' }))).toEqual(ids(all.slice(0, 100)));
  });

  it('answers an empty data array past the end', async () => {
    expect(await list({ chatbotId: bot, page: '1000', size: '100' })).toEqual([]);
  });

  it.each(['0', '-1', '1.5', 'abc', ''])('rejects page=%j with 400', async (page) => {
    const { status, body } = await get({ chatbotId: bot, page });
    expect(status).toBe(400);
    expect(typeof body.message).toBe('string');
  });

  it.each(['0', '101', '-3', '2.5', 'x'])('rejects size=%j with 400 (max 100)', async (size) => {
    const { status } = await get({ chatbotId: bot, size });
    expect(status).toBe(400);
  });
});

describe('Chatbase emulator: startDate and endDate', () => {
  it.each(['2023-7-10', '2023-07-10T00:00:00Z', '2023/07/10', '2023-02-30', '2023-13-01', 'yesterday'])(
    'rejects startDate=%j with 400',
    async (startDate) => {
      const { status, body } = await get({ chatbotId: bot, startDate });
      expect(status).toBe(400);
      expect(typeof body.message).toBe('string');
    },
  );

  it('rejects an invalid endDate with 400', async () => {
    expect((await get({ chatbotId: bot, endDate: '2023-7-13' })).status).toBe(400);
  });

  it('includes whole UTC days at both ends', async () => {
    const all = chatbase.data[bot] ?? [];
    const sample = all[20] as ChatbaseWireConversation;
    const day = sample.created_at.slice(0, 10);
    const expected = all.filter((item) => item.created_at.slice(0, 10) === day);
    expect(expected.some((item) => item.created_at.endsWith('T00:00:00.000Z'))).toBe(true);
    expect(ids(await list({ chatbotId: bot, startDate: day, endDate: day, size: '100' }))).toEqual(ids(expected));
    const previous = new Date(Date.parse(day) - 1).toISOString().slice(0, 10);
    const both = all.filter((item) => item.created_at.slice(0, 10) === day || item.created_at.slice(0, 10) === previous);
    expect(both.some((item) => item.created_at.endsWith('T23:59:59.999Z'))).toBe(true);
    expect(ids(await list({ chatbotId: bot, startDate: previous, endDate: day, size: '100' }))).toEqual(ids(both));
  });

  it('applies either end alone', async () => {
    const all = chatbase.data[bot] ?? [];
    const day = (all[40] as ChatbaseWireConversation).created_at.slice(0, 10);
    const fromDay = await list({ chatbotId: bot, startDate: day, size: '100' });
    expect(ids(fromDay)).toEqual(ids(all.filter((item) => item.created_at.slice(0, 10) >= day)));
    const untilDay = await list({ chatbotId: bot, endDate: day, size: '100' });
    expect(ids(untilDay)).toEqual(ids(all.filter((item) => item.created_at.slice(0, 10) <= day)));
  });
});

describe('Chatbase emulator: filteredSources', () => {
  it('keeps the listed sources (comma-separated, one containing a space)', async () => {
    const all = chatbase.data[bot] ?? [];
    const items = await list({ chatbotId: bot, filteredSources: 'Chatbase site,Slack', size: '100' });
    expect(ids(items)).toEqual(ids(all.filter((item) => item.source === 'Chatbase site' || item.source === 'Slack')));
    expect(items.length).toBeGreaterThan(0);
  });

  it('rejects a source outside the documented list with 400', async () => {
    expect((await get({ chatbotId: bot, filteredSources: 'API,WhatsApp' })).status).toBe(400);
  });

  it('uses only the documented sources in its data', () => {
    const seen = new Set(Object.values(chatbase.data).flat().map((item) => item.source));
    expect([...seen].every((source) => (CHATBASE_SOURCES as readonly string[]).includes(source))).toBe(true);
    expect(seen.size).toBe(CHATBASE_SOURCES.length);
  });
});

describe('Chatbase emulator: demo data', () => {
  const all = (): ChatbaseWireConversation[] => Object.values(chatbase.data).flat();

  it('holds at least 250 conversations over about 8 months, older than 7 days too', () => {
    const items = all();
    expect(items.length).toBeGreaterThanOrEqual(250);
    const times = items.map((item) => Date.parse(item.created_at));
    expect(Math.max(...times)).toBeLessThan(anchor.getTime());
    expect(anchor.getTime() - Math.min(...times)).toBeGreaterThan(200 * 24 * 3600_000);
  });

  it('has equal timestamps inside a chatbot and across chatbots', () => {
    const inside = Object.values(chatbase.data).some((items) =>
      items.some((item, i) => i > 0 && items[i - 1]?.created_at === item.created_at),
    );
    expect(inside).toBe(true);
    const [a, b] = Object.values(chatbase.data);
    const times = new Set((a ?? []).map((item) => item.created_at));
    expect((b ?? []).some((item) => times.has(item.created_at))).toBe(true);
  });

  it('has conversations with no messages and one with more than 100', () => {
    expect(all().some((item) => item.messages.length === 0)).toBe(true);
    expect(all().some((item) => item.messages.length > 100)).toBe(true);
  });

  it('has non-ASCII text, quotes and backslashes in strings, and anonymous customers', () => {
    const text = JSON.stringify(all());
    expect(/[^\u0000-\u007f]/.test(text)).toBe(true);
    expect(text.includes('\\"')).toBe(true);
    expect(text.includes('\\\\')).toBe(true);
    expect(all().some((item) => item.customer === '')).toBe(true);
  });

  it('is deterministic and its size and seed are configurable', () => {
    expect(chatbaseDemoData({ anchor, seed: 5 })).toEqual(chatbase.data);
    const small = chatbaseDemoData({ anchor, seed: 6, size: 12, chatbotIds: ['a', 'b'] });
    expect(Object.keys(small)).toEqual(['a', 'b']);
    expect(small.a).toHaveLength(12);
    expect(small.a).not.toEqual(chatbaseDemoData({ anchor, seed: 7, size: 12, chatbotIds: ['a', 'b'] }).a);
  });
});

describe('Chatbase emulator: knobs', () => {
  it('can answer the next page out of order (the docs promise no order)', async () => {
    chatbase.misorderNextPages(1);
    const first = await list({ chatbotId: bot, size: '5' });
    expect(ids(first)).toEqual(ids((chatbase.data[bot] ?? []).slice(0, 5)).reverse());
    expect(ids(await list({ chatbotId: bot, size: '5' }))).toEqual(ids((chatbase.data[bot] ?? []).slice(0, 5)));
  });

  it('injects faults with the vendor error body and counts requests per endpoint', async () => {
    chatbase.emulator.injectFault({ kind: 'status500', count: 1 });
    const failed = await get({ chatbotId: bot });
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ message: expect.any(String) });
    await list({ chatbotId: bot });
    expect(chatbase.emulator.counters()).toEqual({ getConversations: 2 });
    expect(chatbase.emulator.requestLog.map((entry) => entry.status)).toEqual([500, 200]);
  });

  it('is controllable over /__control/*', async () => {
    const response = await request(`${chatbase.emulator.origin}/__control/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'status503', count: 1 }),
    });
    await response.body.dump();
    expect((await get({ chatbotId: bot })).status).toBe(503);
    const counters = await request(`${chatbase.emulator.origin}/__control/counters`);
    expect(await counters.body.json()).toEqual({ getConversations: 1 });
  });
});
