import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import {
  INTERCOM_PARTS_CAP,
  RESOLUTION_STATES_2_14,
  RESOLUTION_STATES_2_15,
  compareNewest,
  intercomDemoData,
  startIntercomEmulator,
  type IntercomEmulator,
  type IntercomWireConversation,
  type IntercomWirePart,
} from '../../../src/emulators/intercom.js';
import { readRateLimits } from '../../../src/emulators/options.js';

/** Conformance of the Intercom emulator with shared/providers/intercom-conversations.md, over real HTTP. */

const ANCHOR = new Date('2026-11-01T00:00:00.000Z');
let clock = ANCHOR.getTime();
let intercom: IntercomEmulator;

beforeAll(async () => {
  intercom = await startIntercomEmulator({ anchor: ANCHOR, now: () => clock });
});
afterAll(async () => {
  await intercom.emulator.close();
});
beforeEach(() => {
  intercom.emulator.reset();
  intercom.resetSwitches();
  clock += 10_000;
});

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

const HEADERS = (): Record<string, string> => ({
  authorization: `Bearer ${intercom.token}`,
  accept: 'application/json',
  'intercom-version': '2.14',
});

async function call<T = Record<string, unknown>>(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = HEADERS()): Promise<Answer<T>> {
  const response = await request(intercom.emulator.baseUrl + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.statusCode, body: (await response.body.json()) as T, headers: response.headers };
}

interface ListBody {
  type: string;
  conversations: IntercomWireConversation[];
  total_count: number;
  pages: { type: 'pages'; page: number; per_page: number; total_pages: number; next?: { page: number; starting_after: string } };
}
interface ErrorBody {
  type: 'error.list';
  request_id: string;
  errors: Array<{ code: string; message: string; field?: string }>;
}

const search = (body: unknown, headers?: Record<string, string>): Promise<Answer<ListBody & ErrorBody>> =>
  call<ListBody & ErrorBody>('POST', '/conversations/search', body, headers);
const ai = { field: 'ai_agent_participated', operator: '=', value: true };
const DESC = { field: 'created_at', order: 'descending' };
const ids = (answer: Answer<ListBody>): string[] => answer.body.conversations.map((conversation) => conversation.id);

/** Every page of a search, following `pages.next`. */
async function searchAll(body: Record<string, unknown>, perPage: number): Promise<{ ids: string[]; pages: number }> {
  const found: string[] = [];
  let startingAfter: string | undefined;
  let pages = 0;
  for (;;) {
    const answer = await search({ ...body, pagination: { per_page: perPage, ...(startingAfter ? { starting_after: startingAfter } : {}) } });
    expect(answer.status).toBe(200);
    pages += 1;
    found.push(...ids(answer));
    startingAfter = answer.body.pages.next?.starting_after;
    if (!startingAfter) return { ids: found, pages };
  }
}

const newest = (filter: (c: IntercomWireConversation) => boolean = () => true): string[] =>
  intercom.records().map((record) => record.conversation).filter(filter).sort(compareNewest).map((c) => c.id);

describe('Intercom emulator: demo data', () => {
  it('many conversations with Fin, some handed to a teammate, some without Fin; whole seconds with ties', () => {
    const conversations = intercom.records().map((record) => record.conversation);
    expect(conversations.length).toBe(320);
    const withFin = conversations.filter((c) => c.ai_agent_participated);
    expect(withFin.length).toBeGreaterThan(200);
    expect(withFin.filter((c) => c.ai_agent?.resolution_state === 'routed_to_team' && c.admin_assignee_id !== null).length).toBeGreaterThan(30);
    expect(conversations.length - withFin.length).toBeGreaterThan(30);
    expect(conversations.every((c) => Number.isInteger(c.created_at) && c.created_at < ANCHOR.getTime() / 1000)).toBe(true);
    const perSecond = new Map<number, number>();
    for (const c of conversations) perSecond.set(c.created_at, (perSecond.get(c.created_at) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeGreaterThanOrEqual(7);
    expect(conversations.every((c) => /^\d+$/.test(c.id) && typeof c.admin_assignee_id !== 'string')).toBe(true);
    expect(intercom.records().some((record) => record.parts.length > INTERCOM_PARTS_CAP)).toBe(true);
    expect(intercom.data.mergedContactIds.size).toBeGreaterThan(0);
  });

  it('is deterministic for a seed and anchor', () => {
    expect(intercomDemoData({ anchor: ANCHOR }).records.map((r) => r.conversation.id)).toEqual(intercomDemoData({ anchor: ANCHOR }).records.map((r) => r.conversation.id));
    expect(intercomDemoData({ anchor: ANCHOR, size: 30 }).records).toHaveLength(30);
  });
});

describe('Intercom emulator: authentication, headers, errors', () => {
  it('401 unauthorized without or with a wrong bearer, with no rate-limit headers', async () => {
    for (const authorization of [undefined, 'Bearer wrong']) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (authorization) headers.authorization = authorization;
      const answer = await call<ErrorBody>('GET', '/conversations', undefined, headers);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ type: 'error.list', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });
      expect(answer.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });

  it('406 without a JSON Accept; 400 for an unknown Intercom-Version; 404 not_found; 403 api_plan_restricted as a switch', async () => {
    const { accept: _accept, ...noAccept } = HEADERS();
    expect((await call('GET', '/conversations', undefined, noAccept)).status).toBe(406);
    expect((await call('GET', '/conversations', undefined, { ...HEADERS(), accept: 'text/html' })).status).toBe(406);
    const badVersion = await call<ErrorBody>('GET', '/conversations', undefined, { ...HEADERS(), 'intercom-version': '9.9' });
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.errors[0]?.code).toBe('intercom_version_invalid');
    const missing = await call<ErrorBody>('GET', '/conversations/1');
    expect(missing.status).toBe(404);
    expect(missing.body.errors).toEqual([{ code: 'not_found', message: 'Resource Not Found' }]);
    expect((await call('GET', '/contacts/nope')).status).toBe(404);
    intercom.setSwitches({ planRestricted: true });
    const restricted = await call<ErrorBody>('GET', '/conversations');
    expect(restricted.status).toBe(403);
    expect(restricted.body.errors[0]).toEqual({ code: 'api_plan_restricted', message: 'Active subscription needed.' });
  });

  it('fixed 10-second windows: X-RateLimit-* on every authenticated answer, 429 rate_limit_exceeded past the allowance, reset at X-RateLimit-Reset', async () => {
    intercom.setSwitches({ rateLimitPerWindow: 3 });
    clock = Math.ceil(clock / 10_000) * 10_000 + 1_000;
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await call<ErrorBody>('GET', '/conversations'));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((answer) => answer.headers['x-ratelimit-remaining'])).toEqual(['2', '1', '0', '0']);
    expect(answers[0]?.headers['x-ratelimit-limit']).toBe('3');
    const reset = Number(answers[0]?.headers['x-ratelimit-reset']);
    expect(reset * 1000).toBe(Math.ceil(clock / 10_000) * 10_000);
    expect(answers[3]?.body.errors[0]).toEqual({ code: 'rate_limit_exceeded', message: 'Exceeded rate limit of 3 in 10_seconds' });
    expect(answers[3]?.headers['retry-after']).toBeUndefined();
    intercom.setSwitches({ retryAfterOn429: true });
    expect((await call('GET', '/conversations')).headers['retry-after']).toBe('9');
    clock = reset * 1000;
    expect((await call('GET', '/conversations')).status).toBe(200);
  });
});

describe('Intercom emulator without rate limits (EMULATOR_RATE_LIMITS=off, as the bench starts it)', () => {
  it('answers past the window\'s 1,667 calls; a rateLimitPerWindow switch given still wins; EMULATOR_RATE_LIMITS read as on/off', async () => {
    const fixed = ANCHOR.getTime() + 1_000;
    const unlimited = await startIntercomEmulator({ anchor: ANCHOR, now: () => fixed, rateLimits: false });
    const limited = await startIntercomEmulator({ anchor: ANCHOR, now: () => fixed, rateLimits: false, switches: { rateLimitPerWindow: 2 } });
    try {
      const statusOf = async (emulator: IntercomEmulator): Promise<number> => {
        const response = await request(`${emulator.emulator.baseUrl}/conversations?per_page=1`, { headers: { authorization: `Bearer ${emulator.token}`, accept: 'application/json' } });
        await response.body.dump();
        return response.statusCode;
      };
      const statuses: number[] = [];
      for (let batch = 0; batch < 34; batch += 1) statuses.push(...(await Promise.all(Array.from({ length: 50 }, () => statusOf(unlimited)))));
      expect(statuses).toHaveLength(1_700);
      expect(statuses.every((status) => status === 200)).toBe(true);
      unlimited.resetSwitches();
      expect(unlimited.switches.rateLimitPerWindow).toBeGreaterThan(1_000_000);
      expect([await statusOf(limited), await statusOf(limited), await statusOf(limited)]).toEqual([200, 200, 429]);
    } finally {
      await unlimited.emulator.close();
      await limited.emulator.close();
    }
    expect(readRateLimits({})).toBe(true);
    expect(readRateLimits({ EMULATOR_RATE_LIMITS: 'on' })).toBe(true);
    expect(readRateLimits({ EMULATOR_RATE_LIMITS: 'OFF' })).toBe(false);
    expect(() => readRateLimits({ EMULATOR_RATE_LIMITS: 'none' })).toThrow(/EMULATOR_RATE_LIMITS/);
  });
});

describe('Intercom emulator: GET /conversations', () => {
  it('per_page (default 20, max 150, strings accepted), stateless cursors, no next on the last page, total_count at the top', async () => {
    const first = await call<ListBody>('GET', '/conversations');
    expect(first.body.conversations).toHaveLength(20);
    expect(first.body.total_count).toBe(320);
    expect(first.body.pages).toMatchObject({ type: 'pages', page: 1, per_page: 20, total_pages: 16 });
    expect(ids(first)).toEqual(newest().slice(0, 20));
    expect(first.body.conversations.every((c) => !('conversation_parts' in c))).toBe(true);
    const collected: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const answer = await call<ListBody>('GET', `/conversations?per_page=150${after ? `&starting_after=${encodeURIComponent(after)}` : ''}`);
      collected.push(...ids(answer));
      after = answer.body.pages.next?.starting_after;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(collected).toEqual(newest());
    expect((await call('GET', '/conversations?per_page=151')).status).toBe(400);
    expect((await call('GET', '/conversations?per_page=0')).status).toBe(400);
    intercom.setSwitches({ perPageOutOfRange: 'clamp' });
    expect((await call<ListBody>('GET', '/conversations?per_page=151')).body.conversations).toHaveLength(150);
    expect((await call<ErrorBody>('GET', '/conversations?starting_after=junk!')).status).toBe(400);
  });

  it('the list order is a switch (unconfirmed): newest, recently-updated or oldest', async () => {
    intercom.setSwitches({ listOrder: 'recently-updated' });
    const answer = await call<ListBody>('GET', '/conversations?per_page=150');
    const updated = answer.body.conversations.map((c) => c.updated_at);
    expect(updated).toEqual([...updated].sort((a, b) => b - a));
    intercom.setSwitches({ listOrder: 'oldest' });
    expect(ids(await call<ListBody>('GET', '/conversations?per_page=5'))).toEqual(newest().reverse().slice(0, 5));
  });

  it('a cursor is a key, not an offset: a conversation added at the head between pages does not shift the next page', async () => {
    const page1 = await call<ListBody>('GET', '/conversations?per_page=10');
    const record = intercom.addConversation(Math.floor(ANCHOR.getTime() / 1000) - 1);
    try {
      const page2 = await call<ListBody>('GET', `/conversations?per_page=10&starting_after=${encodeURIComponent(page1.body.pages.next?.starting_after ?? '')}`);
      expect(ids(page2)).toEqual(newest((c) => c.id !== record.conversation.id).slice(10, 20));
      expect(page2.body.total_count).toBe(321);
    } finally {
      intercom.deleteConversation(record.conversation.id);
    }
  });
});

describe('Intercom emulator: POST /conversations/search', () => {
  it('AI only, a created_at window and the sort, both directions, every page; ties broken by id in the sort direction', async () => {
    const from = Math.floor(ANCHOR.getTime() / 1000) - 30 * 86_400;
    const query = { operator: 'AND', value: [ai, { field: 'created_at', operator: '>', value: from }] };
    const expected = newest((c) => c.ai_agent_participated && c.created_at > from);
    const down = await searchAll({ query, sort: DESC }, 7);
    expect(down.ids).toEqual(expected);
    const up = await searchAll({ query, sort: { field: 'created_at', order: 'ascending' } }, 150);
    expect(up.ids).toEqual([...expected].reverse());
    const answer = await search({ query, sort: DESC, pagination: { per_page: 5 } });
    expect(answer.body.total_count).toBe(expected.length);
    expect(answer.body.type).toBe('conversation.list');
  });

  it('dates as numeric strings; `>` and `<` strict by default, inclusive as a switch; whole-day matching as a switch', async () => {
    const tie = intercom.records()[30]?.conversation as IntercomWireConversation;
    const at = tie.created_at;
    const window = (operatorValue: number | string) => ({ query: { operator: 'AND', value: [{ field: 'created_at', operator: '>', value: operatorValue }, { field: 'created_at', operator: '<', value: Number(operatorValue) + 2 }] }, sort: DESC, pagination: { per_page: 150 } });
    const exact = newest((c) => c.created_at === at + 1);
    expect(ids(await search(window(at)))).toEqual(exact);
    expect(ids(await search(window(String(at))))).toEqual(exact);
    intercom.setSwitches({ rangeInclusive: true });
    expect(ids(await search(window(at)))).toEqual(newest((c) => c.created_at >= at && c.created_at <= at + 2));
    intercom.setSwitches({ rangeInclusive: false, datesByDay: true });
    const day = Math.floor(at / 86_400);
    expect(ids(await search({ query: { field: 'created_at', operator: '=', value: at }, sort: DESC, pagination: { per_page: 150 } }))).toEqual(
      newest((c) => Math.floor(c.created_at / 86_400) === day),
    );
  });

  it('400s: a composite operator not AND/OR, nesting beyond 2 levels, more than 15 filters, wrong types, invalid operators, IN without an array, unknown fields, bad JSON', async () => {
    const filter = (field: string, operator: string, value: unknown) => ({ field, operator, value });
    const cases: Array<[string, unknown, string]> = [
      ['XOR', { query: { operator: 'XOR', value: [ai] } }, 'invalid_operator'],
      ['3 levels', { query: { operator: 'AND', value: [{ operator: 'OR', value: [{ operator: 'AND', value: [ai] }] }] } }, 'parameter_invalid'],
      ['16 filters', { query: { operator: 'OR', value: Array.from({ length: 16 }, (_, i) => filter('id', '=', String(i))) } }, 'parameter_invalid'],
      ['boolean as string', { query: filter('ai_agent_participated', '=', 'true') }, 'parameter_invalid'],
      ['int as string', { query: filter('admin_assignee_id', '=', '5017690') }, 'parameter_invalid'],
      ['date as text', { query: filter('created_at', '>', 'yesterday') }, 'parameter_invalid'],
      ['~ on a boolean', { query: filter('open', '~', true) }, 'invalid_operator'],
      ['> on a string', { query: filter('state', '>', 'open') }, 'invalid_operator'],
      ['unknown operator', { query: filter('state', 'LIKE', 'open') }, 'invalid_operator'],
      ['IN without an array', { query: filter('state', 'IN', 'open') }, 'parameter_invalid'],
      ['= with an array', { query: filter('state', '=', ['open']) }, 'parameter_invalid'],
      ['unknown field', { query: filter('ai_agent.mood', '=', 'happy') }, 'parameter_invalid'],
      ['no query', { pagination: { per_page: 5 } }, 'parameter_not_found'],
      ['bad sort', { query: ai, sort: { field: 'mood', order: 'descending' } }, 'parameter_invalid'],
      ['bad JSON', '{"query":', 'parameter_invalid'],
    ];
    for (const [name, body, code] of cases) {
      const answer = await search(body);
      expect({ name, status: answer.status, code: answer.body.errors?.[0]?.code }).toEqual({ name, status: 400, code });
      expect(answer.body.type).toBe('error.list');
    }
    // Two levels and 15 filters are accepted.
    const fifteen = await search({ query: { operator: 'AND', value: [ai, { operator: 'OR', value: Array.from({ length: 15 }, (_, i) => filter('id', '=', String(i))) }] } });
    expect(fifteen.status).toBe(200);
  });

  it('string operators, multi-valued fields, word-by-word source.body, integers, IN/NIN', async () => {
    const some = intercom.records().find((r) => r.conversation.contacts.contacts.length > 0 && r.conversation.admin_assignee_id !== null)?.conversation as IntercomWireConversation;
    const contactId = some.contacts.contacts[0]?.id as string;
    const byContact = await search({ query: { field: 'contact_ids', operator: '=', value: contactId }, pagination: { per_page: 150 }, sort: DESC });
    expect(ids(byContact)).toEqual(newest((c) => c.contacts.contacts.some((x) => x.id === contactId)));
    const assignee = await search({ query: { field: 'admin_assignee_id', operator: '=', value: some.admin_assignee_id }, pagination: { per_page: 150 }, sort: DESC });
    expect(ids(assignee)).toEqual(newest((c) => c.admin_assignee_id === some.admin_assignee_id));
    const states = await search({ query: { field: 'state', operator: 'NIN', value: ['closed', 'snoozed'] }, pagination: { per_page: 150 }, sort: DESC });
    expect(ids(states)).toEqual(newest((c) => c.state === 'open'));
    const email = some.source.author.email;
    const byEmail = await search({ query: { field: 'source.author.email', operator: '=', value: email }, pagination: { per_page: 150 }, sort: DESC });
    expect(ids(byEmail)).toContain(some.id);
    const word = await search({ query: { field: 'source.body', operator: '=', value: 'vpn' }, pagination: { per_page: 150 }, sort: DESC });
    expect(word.body.total_count).toBeGreaterThan(0);
    const phrase = await search({ query: { field: 'source.body', operator: '=', value: 'reset my' } });
    expect(phrase.body.total_count).toBe(0);
  });

  it('resolution_state follows Intercom-Version: 2.11–2.14 routed_to_team/abandoned, 2.15+ escalated/negative_feedback/procedure_handoff', async () => {
    const states = async (version: string): Promise<Set<string>> => {
      const all = new Set<string>();
      let after: string | undefined;
      do {
        const answer = await search({ query: ai, sort: DESC, pagination: { per_page: 150, ...(after ? { starting_after: after } : {}) } }, { ...HEADERS(), 'intercom-version': version });
        for (const c of answer.body.conversations) if (c.ai_agent?.resolution_state) all.add(c.ai_agent.resolution_state);
        after = answer.body.pages.next?.starting_after;
      } while (after);
      return all;
    };
    const old = await states('2.14');
    expect([...old].every((state) => (RESOLUTION_STATES_2_14 as readonly string[]).includes(state))).toBe(true);
    expect(old.has('routed_to_team')).toBe(true);
    const current = await states('2.15');
    expect([...current].every((state) => (RESOLUTION_STATES_2_15 as readonly string[]).includes(state))).toBe(true);
    expect(current.has('escalated')).toBe(true);
    const escalated = await search({ query: { field: 'ai_agent.resolution_state', operator: '=', value: 'escalated' } }, { ...HEADERS(), 'intercom-version': 'Preview' });
    expect(escalated.body.total_count).toBeGreaterThan(0);
    const routedIn215 = await search({ query: { field: 'ai_agent.resolution_state', operator: '=', value: 'routed_to_team' } }, { ...HEADERS(), 'intercom-version': '2.15' });
    expect(routedIn215.body.total_count).toBe(0);
    // Before 2.14 parts and sources carry no from_ai_agent / is_ai_answer; 2.12 and 2.13 no custom_attributes.
    const v213 = await search({ query: ai, pagination: { per_page: 1 } }, { ...HEADERS(), 'intercom-version': '2.13' });
    expect(v213.body.conversations[0]?.source.author).not.toHaveProperty('from_ai_agent');
    expect(v213.body.conversations[0]).not.toHaveProperty('custom_attributes');
  });

  it('the sort can be ignored (a switch): the answer then comes in the list order', async () => {
    intercom.setSwitches({ honourSort: false, listOrder: 'recently-updated' });
    const answer = await search({ query: ai, sort: DESC, pagination: { per_page: 150 } });
    const created = answer.body.conversations.map((c) => c.created_at);
    expect(created).not.toEqual([...created].sort((a, b) => b - a));
  });
});

describe('Intercom emulator: GET /conversations/{id}', () => {
  const big = (): IntercomWireConversation => (intercom.records().find((r) => r.parts.length > INTERCOM_PARTS_CAP) as { conversation: IntercomWireConversation }).conversation;
  type Full = IntercomWireConversation & { conversation_parts: { type: string; conversation_parts: IntercomWirePart[]; total_count: number } };

  it('only the 500 newest parts, oldest first, no cursor; statistics.count_conversation_parts holds the total; total_count is a switch', async () => {
    const conversation = big();
    const record = intercom.records().find((r) => r.conversation.id === conversation.id);
    const answer = await call<Full>('GET', `/conversations/${conversation.id}`);
    const parts = answer.body.conversation_parts.conversation_parts;
    expect(parts).toHaveLength(INTERCOM_PARTS_CAP);
    expect(parts.map((part) => part.id)).toEqual(record?.parts.slice(-INTERCOM_PARTS_CAP).map((part) => part.id));
    expect(parts.map((p) => p.created_at)).toEqual([...parts.map((p) => p.created_at)].sort((a, b) => a - b));
    expect(answer.body.statistics.count_conversation_parts).toBe(record?.parts.length);
    expect(answer.body.conversation_parts.total_count).toBe(INTERCOM_PARTS_CAP);
    intercom.setSwitches({ partsTotalCountAll: true });
    expect((await call<Full>('GET', `/conversations/${conversation.id}`)).body.conversation_parts.total_count).toBe(record?.parts.length);
  });

  it('display_as=plaintext turns part bodies into text; source.body too only as a switch; Fin parts say from_ai_agent', async () => {
    const conversation = intercom.records().find((r) => r.conversation.ai_agent_participated && r.parts.some((p) => p.author.type === 'bot'))?.conversation as IntercomWireConversation;
    const htmlAnswer = await call<Full>('GET', `/conversations/${conversation.id}`);
    expect(htmlAnswer.body.source.body).toMatch(/^<p>/);
    const text = await call<Full>('GET', `/conversations/${conversation.id}?display_as=plaintext`);
    expect(text.body.conversation_parts.conversation_parts.every((p) => p.body === null || !p.body.startsWith('<p>'))).toBe(true);
    expect(text.body.source.body).toMatch(/^<p>/);
    const fin = text.body.conversation_parts.conversation_parts.find((p) => p.author.type === 'bot');
    expect(fin?.author).toMatchObject({ name: 'Fin', from_ai_agent: true });
    intercom.setSwitches({ plaintextSource: true });
    expect((await call<Full>('GET', `/conversations/${conversation.id}?display_as=plaintext`)).body.source.body).not.toMatch(/<p>/);
  });
});

describe('Intercom emulator: contacts and teammates', () => {
  it('POST /contacts/search with id IN [...]: the data key, merged contacts left out, default per_page 50; IN length a switch', async () => {
    const referenced = [...new Set(intercom.records().flatMap((r) => r.conversation.contacts.contacts.map((c) => c.id)))];
    const answer = await call<{ type: string; data: Array<{ id: string }>; total_count: number; pages: unknown }>('POST', '/contacts/search', {
      query: { field: 'id', operator: 'IN', value: referenced },
      pagination: { per_page: 150 },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.type).toBe('list');
    const expected = referenced.filter((id) => !intercom.data.mergedContactIds.has(id));
    expect(answer.body.data.map((c) => c.id).sort()).toEqual(expected.sort());
    const defaults = await call<{ data: unknown[] }>('POST', '/contacts/search', { query: { field: 'role', operator: '=', value: 'user' } });
    expect(defaults.body.data.length).toBe(50);
    intercom.setSwitches({ contactsMaxIn: 10 });
    expect((await call('POST', '/contacts/search', { query: { field: 'id', operator: 'IN', value: referenced } })).status).toBe(400);
    // Contact search refuses != on dates.
    expect((await call('POST', '/contacts/search', { query: { field: 'created_at', operator: '!=', value: 1 } })).status).toBe(400);
    intercom.setSwitches({ contactsMaxIn: null, avatarAsString: true });
    const withAvatar = await call<{ data: Array<{ avatar: unknown }> }>('POST', '/contacts/search', { query: { field: 'id', operator: 'IN', value: expected.slice(0, 5) } });
    expect(withAvatar.body.data.every((c) => c.avatar === null || typeof c.avatar === 'string')).toBe(true);
  });

  it('GET /admins lists the teammates that conversations name in teammates.admins', async () => {
    const answer = await call<{ type: string; admins: Array<{ id: string; name: string }> }>('GET', '/admins');
    expect(answer.body.type).toBe('admin.list');
    const known = new Set(answer.body.admins.map((admin) => admin.id));
    const named = intercom.records().flatMap((r) => r.conversation.teammates?.admins ?? []);
    expect(named.length).toBeGreaterThan(0);
    expect(named.every((admin) => known.has(admin.id))).toBe(true);
  });
});

describe('Intercom emulator: live data through the framework control endpoints', () => {
  it('adds (whole seconds, newest first), touches and deletes conversations over /__control/conversations', async () => {
    const origin = intercom.emulator.origin;
    const at = new Date(ANCHOR.getTime() + 1_500);
    const added = await request(`${origin}/__control/conversations`, { method: 'POST', body: JSON.stringify({ createdAt: at.toISOString() }) });
    expect(added.statusCode).toBe(201);
    const { id, createdAt } = (await added.body.json()) as { id: string; createdAt: string };
    expect(createdAt).toBe(new Date(ANCHOR.getTime() + 1_000).toISOString());
    const head = await search({ query: ai, sort: DESC, pagination: { per_page: 1 } });
    expect(ids(head)).toEqual([id]);
    expect(intercom.emulator.touchConversation(id, new Date(ANCHOR.getTime() + 60_000))).toBe(true);
    expect(intercom.records()[0]?.conversation.updated_at).toBe(ANCHOR.getTime() / 1000 + 60);
    const removed = await request(`${origin}/__control/conversations/${id}`, { method: 'DELETE' });
    expect(removed.statusCode).toBe(200);
    await removed.body.dump();
    expect((await call('GET', `/conversations/${id}`)).status).toBe(404);
    expect(intercom.records()).toHaveLength(320);
  });
});
