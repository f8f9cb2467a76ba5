import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import {
  SYMBL_DEFAULT_TOKEN,
  SYMBL_MESSAGES,
  startSymblEmulator,
  symblDemoData,
  type SymblEmulator,
  type SymblWireConversation,
  type SymblWireMessage,
} from '../../../src/emulators/symbl.js';
import { parseRsql, RsqlSyntaxError } from '../../../src/emulators/rsql.js';

/** Conformance of the Symbl emulator with the vendor's docs, over real HTTP. */

const ANCHOR = new Date('2025-06-01T00:00:00.000Z');
const NOW = new Date(ANCHOR.getTime() + 2 * 3600_000);
const DAY = 24 * 3600_000;
const EPOCH = '1970-01-01T00:00:00.000Z';

let symbl: SymblEmulator;

beforeAll(async () => {
  symbl = await startSymblEmulator({ anchor: ANCHOR, now: () => NOW });
});
afterAll(async () => {
  await symbl.emulator.close();
});
beforeEach(() => {
  symbl.emulator.reset();
  symbl.setNow(null);
});

interface Answer<T> {
  status: number;
  body: T;
}

async function get<T = unknown>(path: string, query: Record<string, string> = {}, token: string | null = SYMBL_DEFAULT_TOKEN): Promise<Answer<T>> {
  const url = new URL(symbl.emulator.baseUrl + path);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const response = await request(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.statusCode, body: (await response.body.json()) as T };
}

type List = { conversations: SymblWireConversation[] };
const list = (query: Record<string, string> = {}): Promise<Answer<List>> => get<List>('/conversations', query);
const ids = (answer: Answer<List>): string[] => answer.body.conversations.map((conversation) => conversation.id);

/** Everything listable: ended before now, ascending by (startTime, id). */
const all = (): SymblWireConversation[] => symbl.data.filter((conversation) => Date.parse(conversation.endTime) <= NOW.getTime());

describe('Symbl emulator: demo data', () => {
  it('has at least 250 conversations over ~8 months, some within the last 7 days and many older', () => {
    expect(symbl.data.length).toBeGreaterThanOrEqual(250);
    const recent = symbl.data.filter((conversation) => Date.parse(conversation.startTime) >= NOW.getTime() - 7 * DAY);
    expect(recent.length).toBeGreaterThan(0);
    expect(symbl.data.length - recent.length).toBeGreaterThan(200);
    const oldest = Date.parse((symbl.data[0] as SymblWireConversation).startTime);
    expect(ANCHOR.getTime() - oldest).toBeGreaterThan(180 * DAY);
    expect(symbl.data.every((conversation) => Date.parse(conversation.endTime) < ANCHOR.getTime())).toBe(true);
  });

  it('has equal start times, numeric-looking ids, non-ASCII, quotes and backslashes', () => {
    const starts = symbl.data.map((conversation) => conversation.startTime);
    expect(new Set(starts).size).toBeLessThan(starts.length);
    expect(symbl.data.every((conversation) => /^\d{16}$/.test(conversation.id))).toBe(true);
    const text = JSON.stringify(symbl.data);
    expect(text).toMatch(/[^\u0000-\u007f]/);
    expect(symbl.data.some((conversation) => conversation.name.includes('"') || Object.values(conversation.metadata).some((value) => value.includes('"')))).toBe(true);
    expect(symbl.data.some((conversation) => conversation.name.includes('\\') || Object.values(conversation.metadata).some((value) => value.includes('\\')))).toBe(true);
  });

  it('has empty members lists, members without email, conversations without messages and one with more than 100', () => {
    expect(symbl.data.some((conversation) => conversation.members.length === 0)).toBe(true);
    expect(symbl.data.some((conversation) => conversation.members.some((member) => member.email === undefined))).toBe(true);
    const counts = [...symbl.messages.values()].map((messages) => messages.length);
    expect(counts).toContain(0);
    expect(Math.max(...counts)).toBeGreaterThan(100);
  });

  it('is deterministic for a seed and anchor, and size and seed are configurable', () => {
    expect(symblDemoData({ anchor: ANCHOR }).conversations).toEqual(symbl.data);
    expect(symblDemoData({ anchor: ANCHOR, size: 40 }).conversations).toHaveLength(40);
    expect(symblDemoData({ anchor: ANCHOR, seed: 99 }).conversations).not.toEqual(symbl.data);
  });
});

describe('Symbl emulator: authentication', () => {
  it('answers 401 with the vendor body without a token', async () => {
    const answer = await get('/conversations', {}, null);
    expect(answer).toEqual({ status: 401, body: { message: SYMBL_MESSAGES[401] } });
  });

  it('answers 401 with a wrong token, on every endpoint', async () => {
    const id = (symbl.data[0] as SymblWireConversation).id;
    for (const path of ['/conversations', `/conversations/${id}`, `/conversations/${id}/messages`, `/conversations/${id}/members`]) {
      expect(await get(path, {}, 'wrong')).toEqual({ status: 401, body: { message: SYMBL_MESSAGES[401] } });
    }
  });
});

describe('Symbl emulator: GET /conversations', () => {
  it('defaults: limit 20, offset 0, order asc on startTime, window [now - 7 days, now]', async () => {
    const answer = await list();
    expect(answer.status).toBe(200);
    const expected = all().filter((conversation) => Date.parse(conversation.startTime) >= NOW.getTime() - 7 * DAY);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids(answer)).toEqual(expected.slice(0, 20).map((conversation) => conversation.id));
  });

  it('silently drops conversations older than 7 days unless startTime is given', async () => {
    const withDefault = await list({ limit: '65536' });
    const explicit = await list({ limit: '65536', startTime: EPOCH });
    expect(explicit.body.conversations.length).toBe(all().length);
    expect(withDefault.body.conversations.length).toBeLessThan(explicit.body.conversations.length);
  });

  it('limit 0 returns no items; limit 65536 is accepted; outside 0..65536 or malformed is a 400', async () => {
    expect((await list({ limit: '0', startTime: EPOCH })).body.conversations).toEqual([]);
    expect((await list({ limit: '65536', startTime: EPOCH })).status).toBe(200);
    for (const limit of ['65537', '-1', 'ten', '1.5']) {
      const answer = await list({ limit, startTime: EPOCH });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ message: expect.any(String) });
    }
  });

  it('offset skips items before the limit applies; a bad offset is a 400', async () => {
    const whole = ids(await list({ limit: '65536', startTime: EPOCH }));
    expect(ids(await list({ offset: '7', limit: '5', startTime: EPOCH }))).toEqual(whole.slice(7, 12));
    expect(ids(await list({ offset: String(whole.length), startTime: EPOCH }))).toEqual([]);
    expect((await list({ offset: '-3' })).status).toBe(400);
  });

  it('order=desc is the exact reverse of asc, equal start times included (ties by id)', async () => {
    const asc = ids(await list({ limit: '65536', startTime: EPOCH }));
    const desc = ids(await list({ limit: '65536', startTime: EPOCH, order: 'desc' }));
    expect(desc).toEqual([...asc].reverse());
    expect(asc).toEqual(all().map((conversation) => conversation.id));
    expect((await list({ order: 'newest' })).status).toBe(400);
  });

  it('sort by conversation.name (and several fields); an unknown field is a 400', async () => {
    const byName = (await list({ limit: '65536', startTime: EPOCH, sort: 'conversation.name', order: 'desc' })).body.conversations;
    for (let i = 1; i < byName.length; i += 1) {
      expect((byName[i - 1] as SymblWireConversation).name >= (byName[i] as SymblWireConversation).name).toBe(true);
    }
    const two = (await list({ limit: '65536', startTime: EPOCH, sort: 'conversation.type,conversation.startTime' })).body.conversations;
    const keys = two.map((conversation) => `${conversation.type}|${conversation.startTime}|${conversation.id}`);
    expect(keys).toEqual([...keys].sort());
    expect((await list({ sort: 'conversation.secret' })).status).toBe(400);
  });

  it('startTime filters on the conversation startTime (>=), endTime on its endTime (<=)', async () => {
    const pivot = all()[100] as SymblWireConversation;
    const from = await list({ limit: '65536', startTime: pivot.startTime });
    expect(ids(from)).toEqual(all().filter((c) => c.startTime >= pivot.startTime).map((c) => c.id));
    const until = await list({ limit: '65536', startTime: EPOCH, endTime: pivot.endTime });
    expect(ids(until)).toEqual(all().filter((c) => Date.parse(c.endTime) <= Date.parse(pivot.endTime)).map((c) => c.id));
  });

  it('without startTime, the window is endTime - 7 days', async () => {
    const end = new Date(NOW.getTime() - 30 * DAY);
    const answer = await list({ limit: '65536', endTime: end.toISOString() });
    const expected = all().filter(
      (c) => Date.parse(c.startTime) >= end.getTime() - 7 * DAY && Date.parse(c.endTime) <= end.getTime(),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(ids(answer)).toEqual(expected.map((c) => c.id));
  });

  it('startTime/endTime must be ISO 8601, before now, and startTime < endTime (else 400)', async () => {
    const future = new Date(NOW.getTime() + 60_000).toISOString();
    const cases: Record<string, string>[] = [
      { startTime: 'yesterday' },
      { endTime: '2025-13-45' },
      { startTime: future },
      { startTime: EPOCH, endTime: future },
      { startTime: '2025-05-01T00:00:00Z', endTime: '2025-04-01T00:00:00Z' },
      { startTime: '2025-05-01T00:00:00Z', endTime: '2025-05-01T00:00:00Z' },
    ];
    for (const query of cases) {
      const answer = await list(query);
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(answer.body).toEqual({ message: expect.any(String) });
    }
  });

  it('the clock is injectable: the default window follows it', async () => {
    const earlier = new Date(NOW.getTime() - 60 * DAY);
    symbl.setNow(() => earlier);
    const answer = await list({ limit: '65536' });
    const expected = symbl.data.filter(
      (c) => Date.parse(c.startTime) >= earlier.getTime() - 7 * DAY && Date.parse(c.endTime) <= earlier.getTime(),
    );
    expect(ids(answer)).toEqual(expected.map((c) => c.id));
  });
});

describe('Symbl emulator: RSQL filter', () => {
  const filtered = async (filter: string, extra: Record<string, string> = {}): Promise<Answer<List>> =>
    list({ limit: '65536', startTime: EPOCH, filter, ...extra });

  it('== and != on conversation.type', async () => {
    expect(ids(await filtered('conversation.type==call'))).toEqual(all().filter((c) => c.type === 'call').map((c) => c.id));
    expect(ids(await filtered('conversation.type!=meeting'))).toEqual(all().filter((c) => c.type !== 'meeting').map((c) => c.id));
  });

  it('=in= and =out= with argument lists', async () => {
    expect(ids(await filtered('conversation.type=in=(call,chat)'))).toEqual(all().filter((c) => c.type !== 'meeting').map((c) => c.id));
    expect(ids(await filtered("conversation.type=out=('call', \"chat\")"))).toEqual(all().filter((c) => c.type === 'meeting').map((c) => c.id));
    const some = all().slice(3, 6).map((c) => c.id);
    expect(ids(await filtered(`conversation.id=in=(${some.join(',')})`))).toEqual(some);
  });

  it('=gt= =ge= =lt= =le= on times compare instants', async () => {
    const pivot = all()[50] as SymblWireConversation;
    const t = Date.parse(pivot.startTime);
    const check = async (op: string, keep: (ms: number) => boolean): Promise<void> => {
      expect(ids(await filtered(`conversation.startTime${op}'${pivot.startTime}'`)), op).toEqual(
        all().filter((c) => keep(Date.parse(c.startTime))).map((c) => c.id),
      );
    };
    await check('=gt=', (ms) => ms > t);
    await check('=ge=', (ms) => ms >= t);
    await check('=lt=', (ms) => ms < t);
    await check('=le=', (ms) => ms <= t);
    const offsetForm = new Date(t).toISOString().replace('Z', '+00:00');
    expect(ids(await filtered(`conversation.startTime=lt="${offsetForm}"`))).toEqual(all().filter((c) => Date.parse(c.startTime) < t).map((c) => c.id));
  });

  it('metadata.<key> selectors; quoted values hold reserved characters, quotes and backslashes', async () => {
    expect(ids(await filtered('metadata.agentId==johndoe'))).toEqual(all().filter((c) => c.metadata.agentId === 'johndoe').map((c) => c.id));
    const tricky = all().find((c) => c.metadata.customerId === 'Café; Ltd, (EU)');
    expect(tricky).toBeDefined();
    expect(ids(await filtered('metadata.customerId=="Café; Ltd, (EU)"'))).toEqual(
      all().filter((c) => c.metadata.customerId === 'Café; Ltd, (EU)').map((c) => c.id),
    );
    expect(ids(await filtered('metadata.customerId=="ACME \\"Corp\\""'))).toEqual(
      all().filter((c) => c.metadata.customerId === 'ACME "Corp"').map((c) => c.id),
    );
    expect(ids(await filtered("metadata.note=='Path C:\\\\temp\\\\notes.txt'"))).toEqual(
      all().filter((c) => c.metadata.note === 'Path C:\\temp\\notes.txt').map((c) => c.id),
    );
    // A missing key matches != only.
    expect(ids(await filtered('metadata.note!=x'))).toEqual(all().filter((c) => c.metadata.note !== 'x').map((c) => c.id));
  });

  it('AND with ";" or " and "; the same selector may repeat', async () => {
    const pivot = all()[120] as SymblWireConversation;
    const expected = all().filter((c) => c.type === 'meeting' && c.startTime < pivot.startTime).map((c) => c.id);
    expect(ids(await filtered(`conversation.type==meeting;conversation.startTime=lt='${pivot.startTime}'`))).toEqual(expected);
    expect(ids(await filtered(`conversation.type==meeting and conversation.startTime=lt='${pivot.startTime}'`))).toEqual(expected);
    const low = (all()[10] as SymblWireConversation).startTime;
    expect(ids(await filtered(`conversation.startTime=ge='${low}';conversation.startTime=lt='${pivot.startTime}';conversation.type==meeting`))).toEqual(
      all().filter((c) => c.type === 'meeting' && c.startTime >= low && c.startTime < pivot.startTime).map((c) => c.id),
    );
  });

  it('rejects OR ("," and " or ") with a 400', async () => {
    for (const filter of ['conversation.type==call,conversation.type==chat', 'conversation.type==call or conversation.type==chat']) {
      const answer = await filtered(filter);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ message: expect.stringContaining('OR') });
    }
  });

  it('rejects more than two distinct selectors with a 400', async () => {
    const answer = await filtered('conversation.type==call;metadata.agentId==johndoe;conversation.name==x');
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ message: expect.stringContaining('2') });
  });

  it('rejects malformed filters, unknown selectors and operators with a 400', async () => {
    for (const filter of ['conversation.type==', 'conversation.type', "conversation.name=='open", 'secret.field==1', 'conversation.type=like=call', 'conversation.startTime=gt=notadate', 'conversation.type==call;', 'conversation.type=gt=(a,b)']) {
      const answer = await filtered(filter);
      expect(answer.status, filter).toBe(400);
      expect(answer.body).toEqual({ message: expect.any(String) });
    }
  });

  it('the filter applies inside the startTime/endTime window (which keeps its 7-day default)', async () => {
    const answer = await list({ limit: '65536', filter: 'conversation.type==meeting' });
    expect(ids(answer)).toEqual(
      all().filter((c) => c.type === 'meeting' && Date.parse(c.startTime) >= NOW.getTime() - 7 * DAY).map((c) => c.id),
    );
  });
});

describe('Symbl emulator: companion endpoints', () => {
  const big = (): SymblWireConversation =>
    symbl.data.find((c) => (symbl.messages.get(c.id) ?? []).length > 100) as SymblWireConversation;

  it('GET /conversations/{id} answers the same object as the list', async () => {
    const conversation = symbl.data[42] as SymblWireConversation;
    expect(await get(`/conversations/${conversation.id}`)).toEqual({ status: 200, body: conversation });
  });

  it('an unknown id is a 404 with the vendor body, on every companion endpoint', async () => {
    for (const path of ['/conversations/1234', '/conversations/1234/messages', '/conversations/1234/members']) {
      expect(await get(path)).toEqual({ status: 404, body: { message: SYMBL_MESSAGES[404] } });
    }
  });

  it('an unknown route is a plain 404, distinct from the "conversation not found" body', async () => {
    expect(await get('/transcripts')).toEqual({ status: 404, body: { message: 'Not found' } });
  });

  it('GET /conversations/{id}/messages: oldest first, not paginated (137 at once), empty when none', async () => {
    const conversation = big();
    const answer = await get<{ messages: SymblWireMessage[] }>(`/conversations/${conversation.id}/messages`);
    expect(answer.status).toBe(200);
    expect(answer.body.messages).toHaveLength(137);
    const starts = answer.body.messages.map((m) => m.startTime);
    expect(starts).toEqual([...starts].sort());
    expect(answer.body.messages.every((m) => m.conversationId === conversation.id)).toBe(true);
    const silent = symbl.data.find((c) => (symbl.messages.get(c.id) ?? []).length === 0) as SymblWireConversation;
    expect(await get(`/conversations/${silent.id}/messages`)).toEqual({ status: 200, body: { messages: [] } });
  });

  it('GET /conversations/{id}/members answers { members: [{ id, name, email }] }', async () => {
    const conversation = symbl.data.find((c) => c.members.length > 1) as SymblWireConversation;
    expect(await get(`/conversations/${conversation.id}/members`)).toEqual({ status: 200, body: { members: conversation.members } });
  });
});

describe('Symbl emulator: knobs', () => {
  it('injected faults answer with the vendor error bodies and are logged and counted', async () => {
    symbl.emulator.injectFault({ kind: 'status500', count: 1 });
    expect(await list()).toEqual({ status: 500, body: { message: SYMBL_MESSAGES[500] } });
    expect((await list()).status).toBe(200);
    expect(symbl.emulator.counters()).toEqual({ listConversations: 2 });
    expect(symbl.emulator.requestLog[0]).toMatchObject({ endpoint: 'listConversations', status: 500, fault: 'status500' });
  });

  it('the control route resets and reports counters over HTTP', async () => {
    await list();
    const counters = await request(`${symbl.emulator.origin}/__control/counters`);
    expect(await counters.body.json()).toEqual({ listConversations: 1 });
    const reset = await request(`${symbl.emulator.origin}/__control/reset`, { method: 'POST' });
    await reset.body.dump();
    expect(symbl.emulator.requestLog).toEqual([]);
  });

  it('env points the graph at the emulator', () => {
    expect(symbl.env).toEqual({ SYMBL_BASE_URL: `${symbl.emulator.origin}/v1`, SYMBL_TOKEN: SYMBL_DEFAULT_TOKEN });
  });
});

describe('RSQL parser (emulator side)', () => {
  it('parses AND, OR, groups, lists, quotes and alternate operators', () => {
    expect(parseRsql('a==1;b=in=("x,y",\'z\')')).toEqual({
      kind: 'and',
      children: [
        { kind: 'comparison', selector: 'a', operator: '==', values: ['1'], list: false },
        { kind: 'comparison', selector: 'b', operator: '=in=', values: ['x,y', 'z'], list: true },
      ],
    });
    expect(parseRsql('a==1,b==2;c<3').kind).toBe('or');
    expect(parseRsql('(a==1 and b>=2)')).toMatchObject({ kind: 'and', children: [{ operator: '==' }, { operator: '=ge=' }] });
    expect(parseRsql('a=="q\\"\\\\"')).toMatchObject({ values: ['q"\\'] });
    expect(() => parseRsql('a==1;;b==2')).toThrow(RsqlSyntaxError);
    expect(() => parseRsql('')).toThrow(RsqlSyntaxError);
  });
});
