import { Emulator, insertSorted, removeWhere, type EmulatorDefinition, type EmulatorRequest, type EmulatorResponse, type LiveData } from './framework.js';
import { executeQuery, type FieldType, type ODataTable } from './odata.js';
import { FIRST_NAMES, LAST_NAMES, TOPICS, createRandom, startOfUtcDay, timeline, uuidFrom, type Random } from './random.js';
import type { EmulatorOptions } from './options.js';

/**
 * Emulator of the Moveworks Data API (`…/export/v1`): three OData tables —
 * `records/conversations`, `records/users`, `records/interactions` — with
 * `$filter`, `$select`, `$orderby`, `$top`, `$skip`, `$count` and a
 * server-side page size past which the rest is behind `@odata.nextLink`.
 * The credential goes in the `Authorization` header, bare or as `Bearer …`.
 */

export interface MoveworksDataWireUser {
  id: string;
  first_name: string;
  last_name: string;
  email_addr: string | null;
  full_name: string;
  department: string | null;
  role: string | null;
}

export interface MoveworksDataWireConversation {
  id: string;
  user_id: string;
  primary_domain: string | null;
  route: string;
  created_time: string;
  last_updated_time: string;
}

export interface MoveworksDataWireInteraction {
  id: string;
  conversation_id: string;
  user_id: string;
  type: string;
  actor: 'user' | 'bot';
  created_time: string;
  details: { content: string; domain?: string };
}

export const MOVEWORKS_DATA_TABLES = ['conversations', 'users', 'interactions'] as const;
export type MoveworksDataTable = (typeof MOVEWORKS_DATA_TABLES)[number];

export const MOVEWORKS_DATA_DEFAULT_TOKEN = 'moveworks-data-demo-token';
export const MOVEWORKS_DATA_BASE_PATH = '/export/v1';
export const MOVEWORKS_DATA_DEFAULT_PAGE_SIZE = 50;

export const MOVEWORKS_DATA_ROUTES = [
  'DM',
  'Notification engagement',
  'Ticket interception engagement',
  'Channel resolver engagement',
] as const;

export const MOVEWORKS_DATA_DOMAINS = [
  'IT',
  'HR',
  'Finance',
  'Facilities',
  'Travel & Expenses',
  "Payroll 'Q&A'",
  'Sécurité — Ünïcödé',
  'Legal\\Compliance',
] as const;

const DEPARTMENTS = ['Engineering', 'Sales', 'Human Resources', 'Finance', 'IT', 'Forschung & Entwicklung', "Customer 'Success'"];
const ROLES = ['Employee', 'Manager', 'Director', 'Contractor', 'Intern'];

export const CONVERSATION_FIELDS: Readonly<Record<keyof MoveworksDataWireConversation, FieldType>> = {
  id: 'string',
  user_id: 'string',
  primary_domain: 'string',
  route: 'string',
  created_time: 'datetime',
  last_updated_time: 'datetime',
};

export const USER_FIELDS: Readonly<Record<keyof MoveworksDataWireUser, FieldType>> = {
  id: 'string',
  first_name: 'string',
  last_name: 'string',
  email_addr: 'string',
  full_name: 'string',
  department: 'string',
  role: 'string',
};

export const INTERACTION_FIELDS: Readonly<Record<keyof MoveworksDataWireInteraction, FieldType>> = {
  id: 'string',
  conversation_id: 'string',
  user_id: 'string',
  type: 'string',
  actor: 'string',
  created_time: 'datetime',
  details: 'object',
};

export interface MoveworksDataDemoData {
  users: MoveworksDataWireUser[];
  /** Stored in id order, not time order: clients must ask for the order they rely on. */
  conversations: MoveworksDataWireConversation[];
  /** Stored in id order. */
  interactions: MoveworksDataWireInteraction[];
}

export interface MoveworksDataEmulatorOptions extends EmulatorOptions {
  /** Number of users (default 60). */
  users?: number;
  /** Server-side page size: one number for every table, or per table (default 50). */
  pageSize?: number | Partial<Record<MoveworksDataTable, number>>;
}

/** Index of the conversation that has more than 100 interactions. */
export const LONG_CONVERSATION_INDEX = 9;
/** Index of a conversation that certainly has no interactions (others may have none too). */
export const SILENT_CONVERSATION_INDEX = 4;

function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function asciiLocal(name: string, index: number): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
  return `${ascii || 'user'}.${index}`;
}

function makeUsers(random: Random, count: number): MoveworksDataWireUser[] {
  return Array.from({ length: count }, (_, index): MoveworksDataWireUser => {
    const first = FIRST_NAMES[index % FIRST_NAMES.length] as string;
    const last = LAST_NAMES[(index * 7) % LAST_NAMES.length] as string;
    return {
      id: uuidFrom(random),
      first_name: first,
      last_name: last,
      // A few users lack an e-mail address, department or role, as directory data often does.
      email_addr: index % 13 === 5 ? null : `${asciiLocal(first, index)}@example.com`,
      full_name: `${first} ${last}`,
      department: index % 11 === 3 ? null : random.pick(DEPARTMENTS),
      role: index % 17 === 8 ? null : random.pick(ROLES),
    };
  });
}

const USER_LINES = [
  ...TOPICS,
  'Can you help me with this?',
  'Thanks, that worked 👍',
  'It says "access denied" again',
  'The path is \\\\fileserver\\share\\team',
  'Où est la politique de télétravail ?',
  '请帮我重置密码',
];
const BOT_LINES = [
  'Here is what I found:',
  'I created ticket INC-{n} for you.',
  'Try "Restart" → "Update and restart".',
  "I couldn't find an article on that; I've notified the IT team.",
  'Your request is pending approval by your manager.',
  'Das Formular ist hier: https://example.com/forms?id={n}&lang=de',
  'Backslashes are escaped like this: C:\\\\Temp\\\\{n}',
];
const BUTTON_LABELS = ['Yes', 'No', 'Show more', "That didn't help"];

function makeInteractions(
  random: Random,
  conversation: MoveworksDataWireConversation,
  count: number,
): MoveworksDataWireInteraction[] {
  const botFirst = conversation.route === 'Notification engagement' || conversation.route === 'Ticket interception engagement';
  const start = Date.parse(conversation.created_time);
  let at = start;
  const list: MoveworksDataWireInteraction[] = [];
  for (let turn = 0; turn < count; turn += 1) {
    // Now and then two turns share a timestamp: clients must break the tie by id.
    if (turn > 0 && !random.chance(0.15)) at += random.int(1, 90) * 1000 + random.int(0, 999);
    const actor: 'user' | 'bot' = (turn % 2 === 0) === botFirst ? 'bot' : 'user';
    const n = String(random.int(1000, 9999));
    let type: string;
    let details: MoveworksDataWireInteraction['details'];
    if (actor === 'bot') {
      type = 'INTERACTION_TYPE_BOT_MESSAGE';
      details = { content: random.pick(BOT_LINES).replaceAll('{n}', n) };
    } else if (turn > 0 && random.chance(0.2)) {
      type = 'INTERACTION_TYPE_BUTTON_CLICK';
      details = { content: random.pick(BUTTON_LABELS) };
    } else {
      type = 'INTERACTION_TYPE_FREE_TEXT';
      details = { content: random.pick(USER_LINES), domain: conversation.primary_domain ?? 'IT' };
    }
    list.push({
      id: uuidFrom(random),
      conversation_id: conversation.id,
      user_id: conversation.user_id,
      type,
      actor,
      created_time: new Date(at).toISOString(),
      details,
    });
  }
  return list;
}

/** Seeded, deterministic demo data: users, their conversations and the conversations' interactions. */
export function moveworksDataDemoData(options: MoveworksDataEmulatorOptions = {}): MoveworksDataDemoData {
  const random = createRandom(options.seed ?? 11);
  const size = options.size ?? 260;
  const anchor = options.anchor ?? startOfUtcDay();
  const users = makeUsers(random, Math.max(1, options.users ?? 60));
  const created = timeline(random, size, anchor, 240);
  const conversations: MoveworksDataWireConversation[] = [];
  const interactions: MoveworksDataWireInteraction[] = [];
  created.forEach((createdAt, index) => {
    const count =
      index === LONG_CONVERSATION_INDEX ? 130 : index === SILENT_CONVERSATION_INDEX || random.chance(0.1) ? 0 : random.int(1, 12);
    const conversation: MoveworksDataWireConversation = {
      id: uuidFrom(random),
      user_id: random.pick(users).id,
      // The domain is detected from free-text interactions: a conversation without any has none.
      primary_domain: count === 0 ? null : random.pick(MOVEWORKS_DATA_DOMAINS),
      route: random.pick(MOVEWORKS_DATA_ROUTES),
      created_time: createdAt.toISOString(),
      last_updated_time: createdAt.toISOString(),
    };
    const turns = makeInteractions(random, conversation, count);
    const last = turns[turns.length - 1];
    const updated = Math.max(Date.parse(last?.created_time ?? conversation.created_time), createdAt.getTime() + random.int(0, 600) * 1000);
    conversation.last_updated_time = new Date(updated).toISOString();
    conversations.push(conversation);
    interactions.push(...turns);
  });
  return {
    users: users.sort(byId),
    conversations: conversations.sort(byId),
    interactions: interactions.sort(byId),
  };
}

const ERROR_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

/** The vendor's OData error body. */
export function moveworksDataErrorBody(status: number, message: string): { error: { code: string; message: string } } {
  return { error: { code: ERROR_CODES[status] ?? `Http${status}`, message } };
}

function errorResponse(status: number, message: string): EmulatorResponse {
  return { status, body: moveworksDataErrorBody(status, message) };
}

/** The credential: the whole header, or what follows `Bearer `. */
function credential(request: EmulatorRequest): string | null {
  const value = request.headers.authorization;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const bearer = /^Bearer\s+(.+)$/i.exec(value.trim());
  return bearer?.[1] ?? value.trim();
}

/** Live changes: conversations (and their interactions) stay in id order, as the vendor stores them. */
function moveworksDataLive(data: MoveworksDataDemoData): LiveData {
  return {
    add(createdAtMs, random, fields) {
      if (Object.keys(fields).length > 0) throw new Error('moveworks-data conversations take no placement fields');
      const createdAt = new Date(createdAtMs).toISOString();
      const conversation: MoveworksDataWireConversation = {
        id: uuidFrom(random),
        user_id: random.pick(data.users).id,
        primary_domain: random.pick(MOVEWORKS_DATA_DOMAINS),
        route: 'DM',
        created_time: createdAt,
        last_updated_time: createdAt,
      };
      insertSorted(data.conversations, conversation, byId);
      for (const turn of makeInteractions(random, conversation, random.int(1, 4))) insertSorted(data.interactions, turn, byId);
      return { id: conversation.id, createdAt };
    },
    remove(id) {
      if (!removeWhere(data.conversations, (conversation) => conversation.id === id)) return false;
      for (let index = data.interactions.length - 1; index >= 0; index -= 1) {
        if ((data.interactions[index] as MoveworksDataWireInteraction).conversation_id === id) data.interactions.splice(index, 1);
      }
      return true;
    },
    touch(id, atMs) {
      const conversation = data.conversations.find((candidate) => candidate.id === id);
      if (!conversation) return false;
      conversation.last_updated_time = new Date(Math.max(atMs, Date.parse(conversation.created_time))).toISOString();
      return true;
    },
    list: () => data.conversations.map((conversation) => ({ id: conversation.id, createdAt: conversation.created_time })),
  };
}

export interface MoveworksDataDefinitionOptions {
  token: string;
  pageSize: Record<MoveworksDataTable, number>;
  /** The emulator's own origin, known once it listens (nextLinks and contexts are absolute). */
  origin: () => string;
}

export function moveworksDataDefinition(data: MoveworksDataDemoData, options: MoveworksDataDefinitionOptions): EmulatorDefinition {
  const tables: { [K in MoveworksDataTable]: ODataTable<object> } = {
    conversations: { name: 'conversations', fields: CONVERSATION_FIELDS, rows: data.conversations },
    users: { name: 'users', fields: USER_FIELDS, rows: data.users },
    interactions: { name: 'interactions', fields: INTERACTION_FIELDS, rows: data.interactions },
  };
  const endpoints: Record<MoveworksDataTable, string> = {
    conversations: 'listConversations',
    users: 'listUsers',
    interactions: 'listInteractions',
  };
  return {
    name: 'moveworks-data',
    basePath: MOVEWORKS_DATA_BASE_PATH,
    live: moveworksDataLive(data),
    authenticate: (request) => {
      const given = credential(request);
      if (given === null) return errorResponse(401, 'The Authorization header is missing');
      if (given !== options.token) return errorResponse(403, 'The credential is not valid for this API');
      return null;
    },
    errorBody: moveworksDataErrorBody,
    routes: MOVEWORKS_DATA_TABLES.map((table) => ({
      endpoint: endpoints[table],
      method: 'GET' as const,
      pattern: new RegExp(`^/records/${table}/?$`),
      handle: (request: EmulatorRequest): EmulatorResponse => {
        const origin = options.origin() || `http://${request.headers.host ?? 'localhost'}`;
        const result = executeQuery(tables[table], {
          query: request.query,
          collectionUrl: `${origin}${MOVEWORKS_DATA_BASE_PATH}/records/${table}`,
          metadataUrl: `${origin}${MOVEWORKS_DATA_BASE_PATH}/$metadata`,
          pageSize: options.pageSize[table],
        });
        return result.ok ? { status: 200, body: result.body } : errorResponse(400, result.message);
      },
    })),
  };
}

export interface MoveworksDataEmulator extends MoveworksDataDemoData {
  emulator: Emulator;
  token: string;
  pageSize: Record<MoveworksDataTable, number>;
  env: Record<string, string>;
}

function pageSizes(option: MoveworksDataEmulatorOptions['pageSize']): Record<MoveworksDataTable, number> {
  const fallback = typeof option === 'number' ? option : MOVEWORKS_DATA_DEFAULT_PAGE_SIZE;
  const per = typeof option === 'object' ? option : {};
  const sizes = {
    conversations: per.conversations ?? fallback,
    users: per.users ?? fallback,
    interactions: per.interactions ?? fallback,
  };
  for (const size of Object.values(sizes)) {
    if (!Number.isInteger(size) || size < 1) throw new Error('pageSize must be a positive integer');
  }
  return sizes;
}

/** Starts the emulator with demo data (or with `data`, for tests that need a particular shape). */
export async function startMoveworksDataEmulator(
  options: MoveworksDataEmulatorOptions = {},
  data: MoveworksDataDemoData = moveworksDataDemoData(options),
): Promise<MoveworksDataEmulator> {
  const token = options.token ?? MOVEWORKS_DATA_DEFAULT_TOKEN;
  const pageSize = pageSizes(options.pageSize);
  let origin = '';
  const emulator = await Emulator.start(moveworksDataDefinition(data, { token, pageSize, origin: () => origin }), {
    port: options.port,
    seed: options.seed,
  });
  origin = emulator.origin;
  return {
    emulator,
    ...data,
    token,
    pageSize,
    env: { MOVEWORKS_DATA_BASE_URL: emulator.baseUrl, MOVEWORKS_DATA_TOKEN: token },
  };
}
