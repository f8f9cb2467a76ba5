import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import {
  MOVEWORKS_DATA_DEFAULT_PAGE_SIZE,
  MOVEWORKS_DATA_ROUTES,
  moveworksDataDemoData,
  startMoveworksDataEmulator,
  type MoveworksDataEmulator,
  type MoveworksDataWireConversation,
} from '../../../src/emulators/moveworks-data.js';

/** Each test checks one behaviour of the vendor's docs (or of the project's decisions where the docs are silent). */

const anchor = new Date('2025-03-01T00:00:00.000Z');
let mw: MoveworksDataEmulator;

beforeAll(async () => {
  mw = await startMoveworksDataEmulator({ anchor, seed: 5 });
});
afterAll(async () => {
  await mw.emulator.close();
});
beforeEach(() => {
  mw.emulator.reset();
});

type Body = Record<string, any>;

async function getUrl(url: string, headers: Record<string, string> = { authorization: `Bearer ${mw.token}` }): Promise<{ status: number; body: Body }> {
  const response = await request(url, { headers: { accept: 'application/json', ...headers } });
  return { status: response.statusCode, body: (await response.body.json()) as Body };
}

function tableUrl(table: string, query: Record<string, string>): string {
  const url = new URL(`${mw.emulator.baseUrl}/records/${table}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.toString();
}

async function get(table: string, query: Record<string, string> = {}): Promise<{ status: number; body: Body }> {
  return getUrl(tableUrl(table, query));
}

async function rows(table: string, query: Record<string, string>): Promise<Body[]> {
  const { status, body } = await get(table, query);
  expect(status).toBe(200);
  return body.value as Body[];
}

/** Every row of a query, following nextLinks. */
async function all(table: string, query: Record<string, string> = {}): Promise<{ rows: Body[]; pages: number }> {
  let { status, body } = await get(table, query);
  expect(status).toBe(200);
  const out = [...(body.value as Body[])];
  let pages = 1;
  while (typeof body['@odata.nextLink'] === 'string') {
    ({ status, body } = await getUrl(body['@odata.nextLink'] as string));
    expect(status).toBe(200);
    out.push(...(body.value as Body[]));
    pages += 1;
  }
  return { rows: out, pages };
}

const newestFirst = (a: MoveworksDataWireConversation, b: MoveworksDataWireConversation): number =>
  a.created_time === b.created_time ? (a.id < b.id ? 1 : -1) : a.created_time < b.created_time ? 1 : -1;
const ids = (list: Body[]): string[] => list.map((row) => row.id as string);

function expectErrorBody(body: Body, code: string): void {
  expect(body).toEqual({ error: { code, message: expect.any(String) } });
}

describe('Moveworks Data emulator: auth', () => {
  it('answers 401 with the OData error body when Authorization is missing', async () => {
    const { status, body } = await getUrl(tableUrl('conversations', {}), {});
    expect(status).toBe(401);
    expectErrorBody(body, 'Unauthorized');
  });

  it('answers 403 with the OData error body for a wrong credential', async () => {
    const { status, body } = await getUrl(tableUrl('conversations', {}), { authorization: 'Bearer wrong' });
    expect(status).toBe(403);
    expectErrorBody(body, 'Forbidden');
  });

  it('accepts the credential bare (API key) or as Bearer (OAuth2 token)', async () => {
    expect((await getUrl(tableUrl('users', { $top: '1' }), { authorization: mw.token })).status).toBe(200);
    expect((await getUrl(tableUrl('users', { $top: '1' }), { authorization: `Bearer ${mw.token}` })).status).toBe(200);
  });

  it('answers 404 with the error body for an unknown table', async () => {
    const { status, body } = await get('plugin_secrets');
    expect(status).toBe(404);
    expectErrorBody(body, 'NotFound');
  });
});

describe('Moveworks Data emulator: responses and server paging', () => {
  it('answers { @odata.context, value } under /export/v1/records/conversations', async () => {
    const { status, body } = await get('conversations', { $top: '2' });
    expect(status).toBe(200);
    expect(new URL(mw.emulator.baseUrl).pathname).toBe('/export/v1');
    expect(body['@odata.context']).toBe(`${mw.emulator.baseUrl}/$metadata#conversations`);
    expect(Object.keys(body.value[0]).sort()).toEqual(['created_time', 'id', 'last_updated_time', 'primary_domain', 'route', 'user_id']);
    expect(body['@odata.nextLink']).toBeUndefined();
  });

  it('pages server-side at 50 rows with an absolute @odata.nextLink that continues the same query', async () => {
    const first = await get('conversations', { $orderby: 'created_time desc,id desc' });
    expect(first.body.value).toHaveLength(MOVEWORKS_DATA_DEFAULT_PAGE_SIZE);
    const link = new URL(first.body['@odata.nextLink'] as string);
    expect(link.origin + link.pathname).toBe(`${mw.emulator.baseUrl}/records/conversations`);
    expect(link.searchParams.get('$orderby')).toBe('created_time desc,id desc');
    const { rows: everything, pages } = await all('conversations', { $orderby: 'created_time desc,id desc' });
    expect(pages).toBe(Math.ceil(mw.conversations.length / MOVEWORKS_DATA_DEFAULT_PAGE_SIZE));
    expect(ids(everything)).toEqual([...mw.conversations].sort(newestFirst).map((c) => c.id));
  });

  it('serves $top above the page size in pages, the nextLink carrying what is left of $top', async () => {
    const { rows: got, pages } = await all('conversations', { $orderby: 'id', $top: '120', $skip: '10' });
    expect(pages).toBe(3);
    expect(ids(got)).toEqual(mw.conversations.map((c) => c.id).sort().slice(10, 130));
  });

  it('uses no nextLink when $top fits one page', async () => {
    const { body } = await get('conversations', { $top: '50' });
    expect(body.value).toHaveLength(50);
    expect(body['@odata.nextLink']).toBeUndefined();
  });

  it('answers 400 for a tampered $skiptoken', async () => {
    const { status, body } = await get('conversations', { $skiptoken: 'bm9wZQ' });
    expect(status).toBe(400);
    expectErrorBody(body, 'BadRequest');
  });

  it('has a configurable page size, per table', async () => {
    const small = await startMoveworksDataEmulator({ anchor, seed: 5, size: 30, pageSize: { users: 7 } });
    try {
      const headers = { authorization: small.token };
      const users = await getUrl(`${small.emulator.baseUrl}/records/users`, headers);
      expect(users.body.value).toHaveLength(7);
      const conversations = await getUrl(`${small.emulator.baseUrl}/records/conversations`, headers);
      expect(conversations.body.value).toHaveLength(30);
    } finally {
      await small.emulator.close();
    }
  });
});

describe('Moveworks Data emulator: $top, $skip, $count', () => {
  it('$skip and $top slice the ordered set', async () => {
    const sorted = mw.conversations.map((c) => c.id).sort();
    expect(ids(await rows('conversations', { $orderby: 'id asc', $skip: '5', $top: '3' }))).toEqual(sorted.slice(5, 8));
  });

  it('$count=true gives @odata.count of the filtered set, before $top/$skip', async () => {
    const dm = mw.conversations.filter((c) => c.route === 'DM');
    const { body } = await get('conversations', { $filter: "route eq 'DM'", $count: 'true', $top: '2', $skip: '3' });
    expect(body['@odata.count']).toBe(dm.length);
    expect(body.value).toHaveLength(2);
  });

  it('$top=0&$count=true answers the count with no rows', async () => {
    const { body } = await get('conversations', { $top: '0', $count: 'true' });
    expect(body).toMatchObject({ '@odata.count': mw.conversations.length, value: [] });
    expect(body['@odata.nextLink']).toBeUndefined();
  });

  it.each([
    ['$top', '-1'],
    ['$top', 'ten'],
    ['$skip', '1.5'],
    ['$count', 'yes'],
  ])('answers 400 for %s=%s', async (name, value) => {
    const { status, body } = await get('conversations', { [name]: value });
    expect(status).toBe(400);
    expectErrorBody(body, 'BadRequest');
  });

  it('answers 400 for an unsupported system query option', async () => {
    const { status } = await get('conversations', { $expand: 'user' });
    expect(status).toBe(400);
  });
});

describe('Moveworks Data emulator: $orderby and $select', () => {
  it('orders by several keys, asc by default, desc on request', async () => {
    const got = (await all('conversations', { $orderby: 'route,created_time desc,id desc' })).rows;
    const expected = [...mw.conversations].sort((a, b) => (a.route === b.route ? newestFirst(a, b) : a.route < b.route ? -1 : 1));
    expect(ids(got)).toEqual(expected.map((c) => c.id));
  });

  it('orders datetimes as instants and nulls first ascending', async () => {
    const got = (await all('conversations', { $orderby: 'primary_domain asc,id asc' })).rows;
    const nulls = mw.conversations.filter((c) => c.primary_domain === null).length;
    expect(nulls).toBeGreaterThan(0);
    expect(got.slice(0, nulls).every((row) => row.primary_domain === null)).toBe(true);
    expect(got[nulls]?.primary_domain).not.toBeNull();
  });

  it('answers 400 for an unknown $orderby property or direction', async () => {
    expect((await get('conversations', { $orderby: 'secret desc' })).status).toBe(400);
    expect((await get('conversations', { $orderby: 'created_time down' })).status).toBe(400);
  });

  it('$select returns only the named properties and says so in @odata.context', async () => {
    const { body } = await get('conversations', { $select: 'id,created_time', $top: '3' });
    for (const row of body.value as Body[]) expect(Object.keys(row).sort()).toEqual(['created_time', 'id']);
    expect(body['@odata.context']).toBe(`${mw.emulator.baseUrl}/$metadata#conversations(id,created_time)`);
  });

  it('answers 400 for an unknown $select property', async () => {
    const { status, body } = await get('conversations', { $select: 'id,password' });
    expect(status).toBe(400);
    expectErrorBody(body, 'BadRequest');
  });
});

describe('Moveworks Data emulator: $filter', () => {
  const sortedIds = (list: MoveworksDataWireConversation[]): string[] => list.map((c) => c.id).sort();
  const matching = async (filter: string): Promise<string[]> =>
    (await all('conversations', { $filter: filter, $orderby: 'id' })).rows.map((row) => row.id as string);

  it('eq and ne on strings', async () => {
    expect(await matching("route eq 'DM'")).toEqual(sortedIds(mw.conversations.filter((c) => c.route === 'DM')));
    expect(await matching("route ne 'DM'")).toEqual(sortedIds(mw.conversations.filter((c) => c.route !== 'DM')));
  });

  it('gt ge lt le on unquoted datetimes, compared as instants (offsets and fractions too)', async () => {
    const sorted = [...mw.conversations].sort(newestFirst);
    const pivot = sorted[40] as MoveworksDataWireConversation;
    const at = Date.parse(pivot.created_time);
    const plusTwo = new Date(at + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    expect(await matching(`created_time ge ${pivot.created_time}`)).toEqual(sortedIds(mw.conversations.filter((c) => Date.parse(c.created_time) >= at)));
    expect(await matching(`created_time gt ${plusTwo}`)).toEqual(sortedIds(mw.conversations.filter((c) => Date.parse(c.created_time) > at)));
    expect(await matching(`created_time lt ${pivot.created_time}`)).toEqual(sortedIds(mw.conversations.filter((c) => Date.parse(c.created_time) < at)));
    expect(await matching(`created_time le ${pivot.created_time}`)).toEqual(sortedIds(mw.conversations.filter((c) => Date.parse(c.created_time) <= at)));
  });

  it('and binds tighter than or; parentheses and not group', async () => {
    const a = (c: MoveworksDataWireConversation): boolean => c.route === 'DM';
    const b = (c: MoveworksDataWireConversation): boolean => c.primary_domain === 'IT';
    const d = (c: MoveworksDataWireConversation): boolean => c.primary_domain === 'HR';
    expect(await matching("route eq 'DM' or primary_domain eq 'IT' and primary_domain eq 'HR'")).toEqual(
      sortedIds(mw.conversations.filter((c) => a(c) || (b(c) && d(c)))),
    );
    expect(await matching("(route eq 'DM' or primary_domain eq 'IT') and not (primary_domain eq 'HR')")).toEqual(
      sortedIds(mw.conversations.filter((c) => (a(c) || b(c)) && !d(c))),
    );
  });

  it('in (…) with quoted literals, a quote doubled inside', async () => {
    const wanted = ["Payroll 'Q&A'", 'Sécurité — Ünïcödé', 'Legal\\Compliance'];
    const got = await matching(`primary_domain in ('Payroll ''Q&A''','Sécurité — Ünïcödé','Legal\\Compliance')`);
    const expected = sortedIds(mw.conversations.filter((c) => c.primary_domain !== null && wanted.includes(c.primary_domain)));
    expect(expected.length).toBeGreaterThan(0);
    expect(got).toEqual(expected);
  });

  it('eq null and ne null', async () => {
    expect(await matching('primary_domain eq null')).toEqual(sortedIds(mw.conversations.filter((c) => c.primary_domain === null)));
    expect(await matching('primary_domain ne null')).toEqual(sortedIds(mw.conversations.filter((c) => c.primary_domain !== null)));
  });

  it.each([
    ["route eq 'DM", 'unterminated string'],
    ["(route eq 'DM'", 'unbalanced parenthesis'],
    ["route eq 'DM')", 'trailing token'],
    ["route equals 'DM'", 'unknown operator'],
    ["password eq 'x'", 'unknown property'],
    ['route eq 5', 'number against a string property'],
    ["created_time ge '2024-01-01T00:00:00Z'", 'quoted string against a datetime property'],
    ['created_time ge 2024-13-45T00:00:00Z', 'impossible datetime'],
    ["route in ()", 'empty in list'],
    ["route AND route eq 'DM'", 'upper-case keyword'],
    ['', 'empty filter'],
  ])('answers 400 for a malformed filter: %s (%s)', async (filter) => {
    const { status, body } = await get('conversations', { $filter: filter });
    expect(status).toBe(400);
    expectErrorBody(body, 'BadRequest');
  });
});

describe('Moveworks Data emulator: users and interactions tables', () => {
  it('every conversation user_id is a user; users come back many at once with id in (…)', async () => {
    const wanted = [...new Set(mw.conversations.slice(0, 20).map((c) => c.user_id))];
    const filter = `id in (${wanted.map((id) => `'${id}'`).join(',')})`;
    const got = await rows('users', { $filter: filter, $top: '100' });
    expect(ids(got).sort()).toEqual([...wanted].sort());
    const userIds = new Set(mw.users.map((u) => u.id));
    expect(mw.conversations.every((c) => userIds.has(c.user_id))).toBe(true);
    expect(Object.keys(got[0] as Body).sort()).toEqual(['department', 'email_addr', 'first_name', 'full_name', 'id', 'last_name', 'role']);
  });

  it('interactions of many conversations at once with conversation_id in (…), consistent with conversations and users', async () => {
    const some = mw.conversations.slice(0, 15).map((c) => c.id);
    const filter = `conversation_id in (${some.map((id) => `'${id}'`).join(',')})`;
    const got = (await all('interactions', { $filter: filter, $orderby: 'created_time asc,id asc' })).rows;
    expect(got.length).toBe(mw.interactions.filter((i) => some.includes(i.conversation_id)).length);
    const byId = new Map(mw.conversations.map((c) => [c.id, c]));
    for (const row of got) {
      const conversation = byId.get(row.conversation_id as string);
      expect(conversation).toBeDefined();
      expect(row.user_id).toBe(conversation?.user_id);
      expect(['user', 'bot']).toContain(row.actor);
      expect(row.type).toMatch(/^INTERACTION_TYPE_/);
      expect(typeof row.details.content).toBe('string');
      expect(Date.parse(row.created_time as string)).toBeGreaterThanOrEqual(Date.parse(conversation?.created_time as string));
    }
  });

  it('details is selectable but cannot be filtered on', async () => {
    expect((await get('interactions', { $select: 'id,details', $top: '1' })).status).toBe(200);
    expect((await get('interactions', { $filter: "details eq 'x'" })).status).toBe(400);
  });
});

describe('Moveworks Data emulator: demo data', () => {
  const counts = (): Map<string, number> => {
    const map = new Map<string, number>();
    for (const interaction of mw.interactions) map.set(interaction.conversation_id, (map.get(interaction.conversation_id) ?? 0) + 1);
    return map;
  };

  it('has at least 250 conversations over about 8 months, older than 7 days too, before the anchor', () => {
    expect(mw.conversations.length).toBeGreaterThanOrEqual(250);
    const times = mw.conversations.map((c) => Date.parse(c.created_time));
    expect(Math.max(...times)).toBeLessThan(anchor.getTime());
    expect(anchor.getTime() - Math.min(...times)).toBeGreaterThan(200 * 24 * 3600_000);
    expect(times.filter((t) => t < anchor.getTime() - 7 * 24 * 3600_000).length).toBeGreaterThan(200);
  });

  it('has equal timestamps, every route, and ~60 users', () => {
    const times = mw.conversations.map((c) => c.created_time);
    expect(new Set(times).size).toBeLessThan(times.length);
    expect(new Set(mw.conversations.map((c) => c.route))).toEqual(new Set(MOVEWORKS_DATA_ROUTES));
    expect(mw.users.length).toBe(60);
  });

  it('has non-ASCII text, quotes and backslashes in strings', () => {
    const strings = [
      ...mw.users.flatMap((u) => [u.full_name, u.department ?? '']),
      ...mw.conversations.map((c) => c.primary_domain ?? ''),
      ...mw.interactions.map((i) => i.details.content),
    ];
    expect(strings.some((s) => /[^\x00-\x7f]/.test(s))).toBe(true);
    expect(strings.some((s) => s.includes("'"))).toBe(true);
    expect(strings.some((s) => s.includes('"'))).toBe(true);
    expect(strings.some((s) => s.includes('\\'))).toBe(true);
  });

  it('has conversations without interactions and one with more than 100', () => {
    const perConversation = counts();
    expect(mw.conversations.filter((c) => !perConversation.has(c.id)).length).toBeGreaterThan(0);
    expect(Math.max(...perConversation.values())).toBeGreaterThan(100);
  });

  it('has interactions sharing a timestamp within a conversation', () => {
    const keys = mw.interactions.map((i) => `${i.conversation_id}@${i.created_time}`);
    expect(new Set(keys).size).toBeLessThan(keys.length);
  });

  it('is deterministic for a seed and anchor; size and seed are configurable', () => {
    expect(moveworksDataDemoData({ anchor, seed: 5 })).toEqual({ users: mw.users, conversations: mw.conversations, interactions: mw.interactions });
    expect(moveworksDataDemoData({ anchor, seed: 6 }).conversations).not.toEqual(mw.conversations);
    expect(moveworksDataDemoData({ anchor, seed: 5, size: 300 }).conversations).toHaveLength(300);
  });
});

describe('Moveworks Data emulator: knobs', () => {
  it('injects faults with the vendor error body, Retry-After included', async () => {
    mw.emulator.injectFault({ kind: 'status429RetryAfter', retryAfterSeconds: 3 });
    const response = await request(tableUrl('conversations', {}), { headers: { authorization: mw.token } });
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('3');
    expectErrorBody((await response.body.json()) as Body, 'TooManyRequests');
    mw.emulator.injectFault({ kind: 'status500', pathPrefix: '/records/users' });
    expect((await get('conversations', { $top: '1' })).status).toBe(200);
    const failed = await get('users', { $top: '1' });
    expect(failed.status).toBe(500);
    expectErrorBody(failed.body, 'InternalServerError');
  });

  it('counts requests per endpoint and logs them, over the control route too', async () => {
    await get('conversations', { $top: '1' });
    await get('users', { $top: '1' });
    await get('interactions', { $top: '1' });
    await get('interactions', { $top: '2' });
    expect(mw.emulator.counters()).toEqual({ listConversations: 1, listUsers: 1, listInteractions: 2 });
    const control = await request(`${mw.emulator.origin}/__control/counters`);
    expect(await control.body.json()).toEqual({ listConversations: 1, listUsers: 1, listInteractions: 2 });
    expect(mw.emulator.requestLog[3]?.search).toContain('%24top=2');
  });

  it('exposes the DESIGN.md variables pointing at itself', () => {
    expect(mw.env).toEqual({ MOVEWORKS_DATA_BASE_URL: mw.emulator.baseUrl, MOVEWORKS_DATA_TOKEN: mw.token });
    expect(mw.env.MOVEWORKS_DATA_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/export\/v1$/);
  });
});
