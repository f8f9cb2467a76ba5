import { Emulator, bearerToken, insertSorted, removeWhere, type EmulatorDefinition, type EmulatorResponse, type LiveData } from './framework.js';
import { FIRST_NAMES, LAST_NAMES, TOPICS, createRandom, startOfUtcDay, timeline, uuidFrom, type Random } from './random.js';
import { RsqlSyntaxError, comparisonsOf, parseRsql, usesOr, type RsqlComparison } from './rsql.js';
import type { EmulatorOptions } from './options.js';

/**
 * Emulator of the Symbl.ai Conversation API (`…/v1`): `GET /conversations`
 * with `limit/offset/order/sort/startTime/endTime/filter` exactly as the
 * vendor's docs describe them, plus the companion endpoints: one
 * conversation, its messages and its members by id.
 *
 * Readings of the docs where they leave room (documented here, tested in
 * the conformance test):
 * - `startTime` filters the conversation's `startTime` (>=) and `endTime`
 *   its `endTime` (<=), "associated with the … field" as the docs say.
 *   Defaults: `endTime` = now, `startTime` = endTime − 7 days. Both must be
 *   before now and `startTime < endTime`, else 400.
 * - The window applies whether or not a `filter` is given: the filter
 *   narrows the window, it does not replace it.
 * - `order` applies to every `sort` key; ties are broken by `id` in the same
 *   direction, so `desc` is the exact reverse of `asc`.
 * - `sort` takes one or more comma-separated fields among
 *   conversation.{startTime,endTime,name,type,id}.
 * - RSQL: AND only (`;` or ` and `); OR (`,` or ` or `) is a 400; at most two
 *   distinct selectors; operators `== != =in= =out= =gt= =ge= =lt= =le=`;
 *   selectors `conversation.{id,type,name,startTime,endTime}` and
 *   `metadata.<key>`. Times compare as instants, everything else as
 *   strings. A missing metadata key matches only `!=` and `=out=`.
 */

export interface SymblWireMember {
  id: string;
  name: string;
  /** Absent when not detected. */
  email?: string;
}

export interface SymblWireConversation {
  id: string;
  type: string;
  name: string;
  startTime: string;
  endTime: string;
  members: SymblWireMember[];
  metadata: Record<string, string>;
}

export interface SymblWireMessage {
  id: string;
  text: string;
  /** Empty when the speaker was not identified. */
  from: { id?: string; name?: string; userId?: string };
  startTime: string;
  endTime: string;
  conversationId: string;
}

export interface SymblEmulatorOptions extends EmulatorOptions {
  /** The emulator's clock ("now" for the default window and validation). Default: real time. */
  now?: () => Date;
}

export const SYMBL_DEFAULT_TOKEN = 'symbl-demo-token';
export const SYMBL_DEFAULT_LIMIT = 20;
export const SYMBL_MAX_LIMIT = 65536;
export const SYMBL_DEFAULT_WINDOW_MS = 7 * 24 * 3600 * 1000;
export const SYMBL_MAX_FILTER_SELECTORS = 2;
export const SYMBL_SORT_FIELDS = [
  'conversation.startTime',
  'conversation.endTime',
  'conversation.name',
  'conversation.type',
  'conversation.id',
] as const;

export const SYMBL_MESSAGES = {
  401: 'Unauthorized. Please generate a new access token.',
  404: "The conversation and/or it's metadata you asked could not be found, please check the input provided",
  500: 'Something went wrong! Please contact support@symbl.ai',
} as const;

export interface SymblDemoData {
  /** In the vendor's default order: startTime ascending, ties by id ascending. */
  conversations: SymblWireConversation[];
  /** Messages per conversation id, oldest first. Every conversation has an entry. */
  messages: Map<string, SymblWireMessage[]>;
}

const TYPES = ['meeting', 'meeting', 'meeting', 'call', 'call', 'chat'] as const;
const AGENTS = ['johndoe', 'ada.lovelace', 'zoë', "o'brien", 'agent-007'] as const;
const CUSTOMERS = ['889988999', '123456789', '555000111', 'ACME "Corp"', 'Café; Ltd, (EU)'] as const;
const NOTES = [
  'Path C:\\temp\\notes.txt',
  'He said "hi"',
  "It's done",
  'a;b,c=(d)',
  'Ünïcödé ✓',
  '出張 report',
] as const;
const SENTENCES = [
  'Thanks everyone for joining.',
  'Can you share the "final" numbers?',
  "Let's move the deadline to Friday.",
  'The file is under C:\\shared\\q3.',
  'Très bien, on continue.',
  '次の会議は来週です。',
  'I will follow up by email 📧.',
  'Any blockers on your side?',
  'Das klingt gut.',
  'We agreed on option B.',
] as const;

function digits(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += String(random.int(0, 9));
  return out;
}

function uniqueNumericId(random: Random, seen: Set<string>, leading: string): string {
  for (;;) {
    const id = leading + digits(random, 15);
    if (!seen.has(id)) {
      seen.add(id);
      return id;
    }
  }
}

function compareAscending(a: SymblWireConversation, b: SymblWireConversation): number {
  if (a.startTime !== b.startTime) return a.startTime < b.startTime ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Demo data: `size` conversations (default 260) over ~8 months before
 * `anchor`, a few of them inside the last 7 days (so the vendor's default
 * window is visibly partial), with equal start times, non-ASCII text,
 * quotes, backslashes and RSQL-reserved characters, members lists that are
 * sometimes empty, conversations without messages and one with 137.
 */
export function symblDemoData(options: EmulatorOptions = {}): SymblDemoData {
  const random = createRandom(options.seed ?? 11);
  const size = options.size ?? 260;
  const anchor = options.anchor ?? startOfUtcDay();
  const recentCount = size >= 2 ? Math.max(1, Math.min(size - 1, Math.round(size * 0.06))) : 0;
  const starts = [...timeline(random, recentCount, anchor, 6, 4), ...timeline(random, size - recentCount, anchor, 240)].sort(
    (a, b) => b.getTime() - a.getTime(),
  );
  const people = Array.from({ length: 14 }, (_, i) => {
    const first = FIRST_NAMES[i % FIRST_NAMES.length] as string;
    const last = LAST_NAMES[(i * 5) % LAST_NAMES.length] as string;
    const local = first.toLowerCase().replace(/[^a-z]/g, '') || 'member';
    return { id: uuidFrom(random), name: `${first} ${last}`, email: `${local}.${i}@example.com` };
  });
  const conversationIds = new Set<string>();
  const messageIds = new Set<string>();
  const bigIndex = Math.min(size - 1, 5);
  const conversations: SymblWireConversation[] = [];
  const messages = new Map<string, SymblWireMessage[]>();

  starts.forEach((start, index) => {
    const id = uniqueNumericId(random, conversationIds, random.pick(['4', '5', '6']));
    const durationMs = random.int(2, 120) * 60_000 + random.int(0, 59_999);
    // Every conversation has ended before the anchor, so all are listable.
    const end = new Date(Math.min(start.getTime() + durationMs, anchor.getTime() - 1000));
    const memberCount = random.chance(0.2) ? 0 : random.int(1, 4);
    const members: SymblWireMember[] = [];
    for (let m = 0; m < memberCount; m += 1) {
      const person = random.pick(people);
      if (members.some((member) => member.id === person.id)) continue;
      members.push(random.chance(0.15) ? { id: person.id, name: person.name } : { ...person });
    }
    const metadata: Record<string, string> = {};
    if (!random.chance(0.1)) metadata.agentId = random.pick(AGENTS);
    if (random.chance(0.45)) metadata.customerId = random.pick(CUSTOMERS);
    if (random.chance(0.25)) metadata.note = random.pick(NOTES);
    if (random.chance(0.3)) metadata.region = random.pick(['eu-west', 'us-east', 'ap-south']);
    const type = random.pick(TYPES);
    const name =
      random.chance(0.5) || members.length < 2
        ? random.pick(TOPICS)
        : `${(members[0] as SymblWireMember).name} / ${(members[1] as SymblWireMember).name} ${random.pick(['Brainstorming', 'Catch up', 'Sync — Q3', '1:1'])}`;
    const conversation: SymblWireConversation = {
      id,
      type,
      name,
      startTime: start.toISOString(),
      endTime: end.toISOString(),
      members,
      metadata,
    };
    conversations.push(conversation);

    const messageCount = index === bigIndex ? 137 : random.chance(0.15) ? 0 : random.int(1, 12);
    const list: SymblWireMessage[] = [];
    const step = Math.max(1, Math.floor((end.getTime() - start.getTime()) / (messageCount + 1)));
    for (let k = 0; k < messageCount; k += 1) {
      const at = start.getTime() + step * (k + 1);
      const speaker = members.length > 0 && !random.chance(0.1) ? random.pick(members) : null;
      list.push({
        id: uniqueNumericId(random, messageIds, '7'),
        text: `${random.pick(SENTENCES)}${random.chance(0.3) ? ` ${random.pick(SENTENCES)}` : ''}`,
        from: speaker ? { id: speaker.id, name: speaker.name, ...(speaker.email ? { userId: speaker.email } : {}) } : {},
        startTime: new Date(at).toISOString(),
        endTime: new Date(at + Math.min(step, 15_000) - 1).toISOString(),
        conversationId: id,
      });
    }
    messages.set(id, list);
  });
  return { conversations: conversations.sort(compareAscending), messages };
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseIso(raw: string): Date | null {
  if (!ISO_8601.test(raw)) return null;
  const date = new Date(raw);
  return Number.isNaN(date.getTime()) ? null : date;
}

function message(status: number, text: string): EmulatorResponse {
  return { status, body: { message: text } };
}

function badRequest(text: string): EmulatorResponse {
  return message(400, text);
}

const notFound = (): EmulatorResponse => message(404, SYMBL_MESSAGES[404]);

const COMPARISON_OPERATORS = new Set(['==', '!=', '=in=', '=out=', '=gt=', '=ge=', '=lt=', '=le=']);
const CONVERSATION_SELECTORS = new Set(['conversation.id', 'conversation.type', 'conversation.name', 'conversation.startTime', 'conversation.endTime']);
const METADATA_SELECTOR = /^metadata\.[^.\s]+$/;

type Predicate = (conversation: SymblWireConversation) => boolean;

/** Compiles a comparison to a predicate, or returns the 400 message explaining why it cannot. */
function compileComparison(comparison: RsqlComparison): Predicate | string {
  const { selector, operator, values } = comparison;
  if (!COMPARISON_OPERATORS.has(operator)) return `Unsupported operator ${operator} in filter`;
  if (!CONVERSATION_SELECTORS.has(selector) && !METADATA_SELECTOR.test(selector)) return `Unsupported filter parameter ${selector}`;
  const multi = operator === '=in=' || operator === '=out=';
  if (!multi && values.length !== 1) return `Operator ${operator} takes exactly one value`;
  const isTime = selector === 'conversation.startTime' || selector === 'conversation.endTime';
  const read = (conversation: SymblWireConversation): string | undefined => {
    if (selector.startsWith('metadata.')) return conversation.metadata[selector.slice('metadata.'.length)];
    return conversation[selector.slice('conversation.'.length) as 'id' | 'type' | 'name' | 'startTime' | 'endTime'];
  };
  let compare: (a: string, b: string) => number;
  let targets: string[] = values;
  if (isTime) {
    const times = values.map(parseIso);
    if (times.some((time) => time === null)) return `Invalid date in filter for ${selector}`;
    targets = (times as Date[]).map((time) => time.toISOString());
    compare = (a, b) => Date.parse(a) - Date.parse(b);
  } else {
    compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  }
  const target = targets[0] as string;
  return (conversation) => {
    const actual = read(conversation);
    if (actual === undefined) return operator === '!=' || operator === '=out=';
    switch (operator) {
      case '==':
        return compare(actual, target) === 0;
      case '!=':
        return compare(actual, target) !== 0;
      case '=in=':
        return targets.some((value) => compare(actual, value) === 0);
      case '=out=':
        return targets.every((value) => compare(actual, value) !== 0);
      case '=gt=':
        return compare(actual, target) > 0;
      case '=ge=':
        return compare(actual, target) >= 0;
      case '=lt=':
        return compare(actual, target) < 0;
      default:
        return compare(actual, target) <= 0;
    }
  };
}

/** Parses and compiles the `filter` parameter under the vendor's rules. */
export function compileSymblFilter(raw: string): Predicate | string {
  let tree;
  try {
    tree = parseRsql(raw);
  } catch (error) {
    if (error instanceof RsqlSyntaxError) return `Invalid filter: ${error.message}`;
    throw error;
  }
  if (usesOr(tree)) return 'Filter can not have OR logical operator';
  const comparisons = comparisonsOf(tree);
  const selectors = new Set(comparisons.map((comparison) => comparison.selector));
  if (selectors.size > SYMBL_MAX_FILTER_SELECTORS) return `Filter can not have more than ${SYMBL_MAX_FILTER_SELECTORS} parameters`;
  const predicates: Predicate[] = [];
  for (const comparison of comparisons) {
    const compiled = compileComparison(comparison);
    if (typeof compiled === 'string') return compiled;
    predicates.push(compiled);
  }
  return (conversation) => predicates.every((predicate) => predicate(conversation));
}

type SortField = (typeof SYMBL_SORT_FIELDS)[number];

function sortComparator(fields: SortField[], descending: boolean): (a: SymblWireConversation, b: SymblWireConversation) => number {
  const keys = [...fields.map((field) => field.slice('conversation.'.length) as keyof SymblWireConversation), 'id' as const];
  const sign = descending ? -1 : 1;
  return (a, b) => {
    for (const key of keys) {
      const x = a[key] as string;
      const y = b[key] as string;
      if (x !== y) return (x < y ? -1 : 1) * sign;
    }
    return 0;
  };
}

/**
 * Live changes (the list stays in the vendor's default order). An added
 * conversation has already ended (`endTime` = `startTime`), so the default
 * window (`endTime` = now) lists it at once; an update sets
 * `metadata.updatedAt` (the vendor's data has no update instant).
 */
function symblLive(data: SymblDemoData, byId: Map<string, SymblWireConversation>): LiveData {
  const seen = new Set(byId.keys());
  let added = 0;
  return {
    add(createdAtMs, random, fields) {
      if (Object.keys(fields).length > 0) throw new Error('symbl conversations take no placement fields');
      const at = new Date(createdAtMs).toISOString();
      const conversation: SymblWireConversation = {
        id: uniqueNumericId(random, seen, '8'),
        type: 'chat',
        name: `${TOPICS[added % TOPICS.length] as string} (live)`,
        startTime: at,
        endTime: at,
        members: [],
        metadata: {},
      };
      added += 1;
      insertSorted(data.conversations, conversation, compareAscending);
      byId.set(conversation.id, conversation);
      data.messages.set(conversation.id, []);
      return { id: conversation.id, createdAt: at };
    },
    remove(id) {
      if (!removeWhere(data.conversations, (conversation) => conversation.id === id)) return false;
      byId.delete(id);
      data.messages.delete(id);
      return true;
    },
    touch(id, atMs) {
      const conversation = byId.get(id);
      if (!conversation) return false;
      conversation.metadata.updatedAt = new Date(Math.max(atMs, Date.parse(conversation.startTime))).toISOString();
      return true;
    },
    list: () => data.conversations.map((conversation) => ({ id: conversation.id, createdAt: conversation.startTime })),
  };
}

export function symblDefinition(data: SymblDemoData, token: string, now: () => Date): EmulatorDefinition {
  const byId = new Map(data.conversations.map((conversation) => [conversation.id, conversation]));
  const integer = (query: URLSearchParams, name: string): number | undefined | null => {
    const raw = query.get(name);
    if (raw === null) return undefined;
    return /^\d+$/.test(raw) ? Number(raw) : null;
  };
  return {
    name: 'symbl',
    basePath: '/v1',
    live: symblLive(data, byId),
    authenticate: (request) => (bearerToken(request.headers) === token ? null : message(401, SYMBL_MESSAGES[401])),
    // The framework asks for 404 bodies only for unknown routes: those get a plain message, unlike a
    // missing conversation (its routes answer the documented 404 body themselves).
    errorBody: (status, text) => {
      if (status === 401) return { message: SYMBL_MESSAGES[401] };
      if (status >= 500) return { message: SYMBL_MESSAGES[500] };
      return { message: text };
    },
    routes: [
      {
        endpoint: 'listConversations',
        method: 'GET',
        pattern: /^\/conversations\/?$/,
        handle: ({ query }) => {
          const limit = integer(query, 'limit');
          const offset = integer(query, 'offset');
          if (limit === null || (limit !== undefined && limit > SYMBL_MAX_LIMIT)) {
            return badRequest(`limit must be an integer between 0 and ${SYMBL_MAX_LIMIT}`);
          }
          if (offset === null) return badRequest('offset must be a non-negative integer');
          const order = query.get('order') ?? 'asc';
          if (order !== 'asc' && order !== 'desc') return badRequest('order must be one of asc, desc');
          const sortFields = (query.get('sort') ?? 'conversation.startTime').split(',').map((field) => field.trim());
          if (!sortFields.every((field): field is SortField => (SYMBL_SORT_FIELDS as readonly string[]).includes(field))) {
            return badRequest(`sort must be one or more of ${SYMBL_SORT_FIELDS.join(', ')}`);
          }
          const current = now();
          const rawStart = query.get('startTime');
          const rawEnd = query.get('endTime');
          const endTime = rawEnd === null ? current : parseIso(rawEnd);
          if (endTime === null) return badRequest('endTime must be an ISO 8601 date');
          const startTime = rawStart === null ? new Date(endTime.getTime() - SYMBL_DEFAULT_WINDOW_MS) : parseIso(rawStart);
          if (startTime === null) return badRequest('startTime must be an ISO 8601 date');
          if (startTime.getTime() >= current.getTime()) return badRequest('startTime must be less than the current timestamp');
          if (rawEnd !== null && endTime.getTime() >= current.getTime()) return badRequest('endTime must be less than the current timestamp');
          if (startTime.getTime() >= endTime.getTime()) return badRequest('startTime must be less than endTime');
          const rawFilter = query.get('filter');
          let predicate: Predicate = () => true;
          if (rawFilter !== null) {
            const compiled = compileSymblFilter(rawFilter);
            if (typeof compiled === 'string') return badRequest(compiled);
            predicate = compiled;
          }
          const from = startTime.getTime();
          const to = endTime.getTime();
          const matching = data.conversations
            .filter((conversation) => Date.parse(conversation.startTime) >= from && Date.parse(conversation.endTime) <= to)
            .filter(predicate)
            .sort(sortComparator(sortFields, order === 'desc'));
          const start = offset ?? 0;
          return { status: 200, body: { conversations: matching.slice(start, start + (limit ?? SYMBL_DEFAULT_LIMIT)) } };
        },
      },
      {
        endpoint: 'getConversation',
        method: 'GET',
        pattern: /^\/conversations\/([^/]+)\/?$/,
        handle: (_request, [id]) => {
          const conversation = byId.get(id ?? '');
          return conversation ? { status: 200, body: conversation } : notFound();
        },
      },
      {
        endpoint: 'getMessages',
        method: 'GET',
        pattern: /^\/conversations\/([^/]+)\/messages\/?$/,
        handle: (_request, [id]) => {
          const list = data.messages.get(id ?? '');
          return list ? { status: 200, body: { messages: list } } : notFound();
        },
      },
      {
        endpoint: 'getMembers',
        method: 'GET',
        pattern: /^\/conversations\/([^/]+)\/members\/?$/,
        handle: (_request, [id]) => {
          const conversation = byId.get(id ?? '');
          return conversation ? { status: 200, body: { members: conversation.members } } : notFound();
        },
      },
    ],
  };
}

/** Requests being processed at once, measured inside the handlers (tests of client-side concurrency bounds). */
export interface SymblConcurrencyGauge {
  /** Time each request spends in its handler (default 0), so concurrent requests overlap measurably. */
  processingMs: number;
  current: number;
  peak: number;
  reset(): void;
}

export interface SymblEmulator {
  emulator: Emulator;
  /** startTime ascending, ties by id ascending (the vendor's default order). */
  data: SymblWireConversation[];
  messages: Map<string, SymblWireMessage[]>;
  token: string;
  env: Record<string, string>;
  /** Moves the emulator's clock (tests); `null` goes back to the clock given at start. */
  setNow(now: (() => Date) | null): void;
  gauge: SymblConcurrencyGauge;
}

function withGauge(definition: EmulatorDefinition, gauge: SymblConcurrencyGauge): EmulatorDefinition {
  return {
    ...definition,
    routes: definition.routes.map((route) => ({
      ...route,
      handle: async (request, params) => {
        gauge.current += 1;
        gauge.peak = Math.max(gauge.peak, gauge.current);
        try {
          if (gauge.processingMs > 0) await new Promise((resolve) => setTimeout(resolve, gauge.processingMs));
          return await route.handle(request, params);
        } finally {
          gauge.current -= 1;
        }
      },
    })),
  };
}

export async function startSymblEmulator(options: SymblEmulatorOptions = {}): Promise<SymblEmulator> {
  const demo = symblDemoData(options);
  const token = options.token ?? SYMBL_DEFAULT_TOKEN;
  const initialClock = options.now ?? (() => new Date());
  let clock = initialClock;
  const gauge: SymblConcurrencyGauge = {
    processingMs: 0,
    current: 0,
    peak: 0,
    reset() {
      this.processingMs = 0;
      this.peak = this.current;
    },
  };
  const definition = withGauge(symblDefinition(demo, token, () => clock()), gauge);
  const emulator = await Emulator.start(definition, { port: options.port, seed: options.seed });
  return {
    emulator,
    data: demo.conversations,
    messages: demo.messages,
    token,
    env: { SYMBL_BASE_URL: emulator.baseUrl, SYMBL_TOKEN: token },
    setNow: (now) => {
      clock = now ?? initialClock;
    },
    gauge,
  };
}
