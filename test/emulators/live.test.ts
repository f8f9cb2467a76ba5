import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { request } from 'undici';
import type { Provider } from '../../src/domain.js';
import { startEmulators, type EmulatorSet } from '../../src/emulators/index.js';
import { VENDORS, type KnownProvider } from '../../src/vendors/vendors.js';
import { readLiveRate } from '../../src/emulators/options.js';

/** The control endpoints that make the emulators' inboxes live, over HTTP as a test or a person uses them. */

let set: EmulatorSet;
const PROVIDERS = VENDORS.map((vendor) => vendor.provider as KnownProvider);

beforeAll(async () => {
  set = await startEmulators({ anchor: new Date('2026-11-01T00:00:00Z'), size: 30 });
});
afterAll(async () => {
  await set.close();
});

const origin = (provider: Provider): string => set.emulators[provider]!.origin;

async function control(provider: Provider, method: 'GET' | 'POST' | 'DELETE', action: string, body?: unknown) {
  const response = await request(`${origin(provider)}/__control/${action}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

async function vendorGet(provider: Provider, path: string, headers: Record<string, string>): Promise<unknown> {
  const response = await request(`${set.emulators[provider]!.baseUrl}${path}`, { headers });
  expect(response.statusCode).toBe(200);
  return response.body.json();
}

const env = () => set.env;
const bearer = (name: string) => ({ authorization: `Bearer ${env()[name]}` });

/** The newest conversation's id as the vendor lists it (its own order, newest first where it can say so). */
const headOf: Record<KnownProvider, () => Promise<string>> = {
  FLASHBACK: async () => ((await vendorGet('FLASHBACK', '/conversation?take=1', bearer('FLASHBACK_TOKEN'))) as { conversations: { id: string }[] }).conversations[0]!.id,
  CHATBASE: async () =>
    ((await vendorGet('CHATBASE', '/get-conversations?chatbotId=support-bot&size=1', bearer('CHATBASE_API_KEY'))) as { data: { id: string }[] }).data[0]!.id,
  MOVEWORKS_DATA: async () =>
    ((await vendorGet('MOVEWORKS_DATA', '/records/conversations?$orderby=created_time%20desc,id%20desc&$top=1', { authorization: env().MOVEWORKS_DATA_TOKEN! })) as {
      value: { id: string }[];
    }).value[0]!.id,
  SYMBL: async () =>
    ((await vendorGet('SYMBL', '/conversations?order=desc&sort=conversation.startTime&limit=1&startTime=2020-01-01T00:00:00Z', bearer('SYMBL_TOKEN'))) as { conversations: { id: string }[] })
      .conversations[0]!.id,
  MOVEWORKS_CONVERSATIONS: async () =>
    ((await vendorGet('MOVEWORKS_CONVERSATIONS', '/conversations?limit=1', {
      ...bearer('MOVEWORKS_CONVERSATIONS_TOKEN'),
      'assistant-name': env().MOVEWORKS_ASSISTANT_NAME!,
    })) as { conversations: { conversation_id: string }[] }).conversations[0]!.conversation_id,
  INTERCOM: async () => {
    const response = await request(`${set.emulators.INTERCOM!.baseUrl}/conversations/search`, {
      method: 'POST',
      headers: { ...bearer('INTERCOM_TOKEN'), accept: 'application/json', 'content-type': 'application/json', 'intercom-version': '2.14' },
      body: JSON.stringify({ query: { field: 'created_at', operator: '>', value: 0 }, pagination: { per_page: 1 }, sort: { field: 'created_at', order: 'descending' } }),
    });
    expect(response.statusCode).toBe(200);
    return ((await response.body.json()) as { conversations: { id: string }[] }).conversations[0]!.id;
  },
};

/** The instant a vendor keeps of one asked for: Intercom's timestamps are whole seconds. */
const kept = (provider: KnownProvider, iso: string): string => (provider === 'INTERCOM' ? new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString() : iso);

describe.each(PROVIDERS)('%s: conversations added, updated and deleted on demand', (provider) => {
  it('adds one created now at the head of the vendor list, deletes it, and answers 404 for ids it does not hold', async () => {
    const before = (await control(provider, 'GET', 'conversations')).body.ids as string[];
    const added = await control(provider, 'POST', 'conversations', provider === 'CHATBASE' ? { chatbotId: 'support-bot' } : {});
    expect(added.status).toBe(201);
    const id = added.body.id as string;
    expect(before).not.toContain(id);
    expect(Math.abs(Date.parse(added.body.createdAt as string) - Date.now())).toBeLessThan(60_000);
    expect(await headOf[provider]()).toBe(id);
    expect((await control(provider, 'GET', 'conversations')).body.ids).toHaveLength(before.length + 1);

    expect((await control(provider, 'POST', `conversations/${encodeURIComponent(id)}/touch`, {})).status).toBe(200);
    expect((await control(provider, 'DELETE', `conversations/${encodeURIComponent(id)}`)).status).toBe(200);
    expect((await control(provider, 'GET', 'conversations')).body.ids).toEqual(before);
    expect(await headOf[provider]()).not.toBe(id);
    expect((await control(provider, 'DELETE', `conversations/${encodeURIComponent(id)}`)).status).toBe(404);
    expect((await control(provider, 'POST', 'conversations/nope/touch', {})).status).toBe(404);
  });

  it('adds one at a given instant, in its place of the order; refuses a malformed instant and unknown fields', async () => {
    const added = await control(provider, 'POST', 'conversations', { createdAt: '2026-10-31T23:59:59.999Z' });
    expect(added.status).toBe(201);
    expect(added.body.createdAt).toBe(kept(provider, '2026-10-31T23:59:59.999Z'));
    expect((await control(provider, 'POST', 'conversations', { createdAt: 'yesterday' })).status).toBe(400);
    expect((await control(provider, 'POST', 'conversations', { colour: 'red' })).status).toBe(400);
    expect((await control(provider, 'DELETE', `conversations/${encodeURIComponent(added.body.id as string)}`)).status).toBe(200);
  });
});

describe('Moveworks Conversations orders by updated_at', () => {
  it('an update moves an old conversation to the head of its list', async () => {
    const ids = (await control('MOVEWORKS_CONVERSATIONS', 'GET', 'conversations')).body.ids as string[];
    const data = set.emulators.MOVEWORKS_CONVERSATIONS!;
    const oldest = ids[ids.length - 1]!;
    expect(await headOf.MOVEWORKS_CONVERSATIONS()).not.toBe(oldest);
    expect((await control('MOVEWORKS_CONVERSATIONS', 'POST', `conversations/${oldest}/touch`, {})).status).toBe(200);
    const after = data.conversationIds();
    expect(after[0]).toBe(oldest);
    // The active list (the default `archived=false`) shows it first unless it is archived.
    const head = await headOf.MOVEWORKS_CONVERSATIONS();
    const archived = (await vendorGet('MOVEWORKS_CONVERSATIONS', '/conversations?archived=true&limit=1', {
      ...bearer('MOVEWORKS_CONVERSATIONS_TOKEN'),
      'assistant-name': env().MOVEWORKS_ASSISTANT_NAME!,
    })) as { conversations: { conversation_id: string }[] };
    expect([head, archived.conversations[0]!.conversation_id]).toContain(oldest);
  });
});

describe('the live feed (EMULATOR_LIVE_RATE)', () => {
  it('adds the rate a minute, each created when added, and stops at 0', async () => {
    const emulator = set.emulators.FLASHBACK!;
    const start = emulator.conversationIds().length;
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      emulator.setLiveRate(30);
      vi.advanceTimersByTime(120_000);
      expect(emulator.conversationIds().length).toBe(start + 60);
      emulator.setLiveRate(0);
      vi.advanceTimersByTime(120_000);
      expect(emulator.conversationIds().length).toBe(start + 60);
    } finally {
      vi.useRealTimers();
    }
    expect((await control('FLASHBACK', 'POST', 'live', { ratePerMinute: -1 })).status).toBe(400);
    expect((await control('FLASHBACK', 'GET', 'live')).body).toEqual({ ratePerMinute: 0 });
  });

  it('reads EMULATOR_LIVE_RATE, refusing what is not a rate', () => {
    expect(readLiveRate({}, 2)).toBe(2);
    expect(readLiveRate({ EMULATOR_LIVE_RATE: '0' }, 2)).toBe(0);
    expect(readLiveRate({ EMULATOR_LIVE_RATE: '12.5' }, 2)).toBe(12.5);
    expect(() => readLiveRate({ EMULATOR_LIVE_RATE: 'lots' }, 2)).toThrow(/EMULATOR_LIVE_RATE/);
    expect(() => readLiveRate({ EMULATOR_LIVE_RATE: '-3' }, 2)).toThrow(/EMULATOR_LIVE_RATE/);
  });
});
