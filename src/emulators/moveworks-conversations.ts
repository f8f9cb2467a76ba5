import { createHmac, timingSafeEqual } from 'node:crypto';
import { Emulator, bearerToken, insertSorted, integerParam, removeWhere, type EmulatorDefinition, type EmulatorResponse, type LiveData } from './framework.js';
import { FIRST_NAMES, LAST_NAMES, TOPICS, createRandom, startOfUtcDay, timeline, type Random } from './random.js';
import type { EmulatorOptions } from './options.js';

/**
 * Emulator of the Moveworks Conversations API (beta), base `/rest/v1beta1`:
 * `GET /conversations` (newest `updated_at` first, `archived` false by
 * default, `limit` 1–100, opaque cursors) and
 * `GET /conversations/{conversation_id}/messages` (newest message first, the
 * same cursor scheme). Every request needs `Authorization: Bearer …` (401
 * otherwise) and a known `Assistant-Name` (403 otherwise).
 *
 * Cursors are stateless and cannot be forged: an HMAC-signed record of the
 * last key of the previous page and of the query it belongs to (the
 * `archived` value, or the conversation). A tampered cursor, or one used with
 * another query or endpoint, is 400 `INVALID_CURSOR`. `limit` is not part of
 * the query a cursor is bound to: a client may change it between pages.
 */

export interface MoveworksWireConversation {
  conversation_id: string;
  title?: string;
  archived: boolean;
  created_at: string;
  updated_at: string;
}

export interface MoveworksWireMessage {
  message_id: string;
  conversation_id: string;
  response_id: string;
  actor: 'USER' | 'ASSISTANT';
  content: { type: 'COMMONMARK_TEXT'; commonmark_text: { text: string } };
  created_at: string;
}

export interface MoveworksConversationsData {
  /** The vendor's order: `updated_at` descending, equal instants by `conversation_id` descending. */
  conversations: MoveworksWireConversation[];
  /** Per conversation, the vendor's order: newest `created_at` first, equal instants by `message_id` descending. */
  messages: Map<string, MoveworksWireMessage[]>;
}

export interface MoveworksConversationsEmulatorOptions extends EmulatorOptions {
  /** The `Assistant-Name` header value the emulator accepts. */
  assistantName?: string;
  /** Signs cursors; by default derived from the seed, so cursors survive a restart with the same seed. */
  cursorSecret?: string;
}

export const MOVEWORKS_CONVERSATIONS_BASE_PATH = '/rest/v1beta1';
export const MOVEWORKS_CONVERSATIONS_DEFAULT_TOKEN = 'moveworks-conversations-demo-token';
export const MOVEWORKS_CONVERSATIONS_DEFAULT_ASSISTANT = 'acmecorp-conversations-rest-api';
export const MOVEWORKS_CONVERSATIONS_MAX_LIMIT = 100;
export const MOVEWORKS_CONVERSATIONS_DEFAULT_LIMIT = 20;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID whose time part is `ms` and whose random part comes from the generator. */
export function ulidFrom(random: Random, ms: number): string {
  let time = '';
  let rest = ms;
  for (let i = 0; i < 10; i += 1) {
    time = (CROCKFORD[rest % 32] as string) + time;
    rest = Math.floor(rest / 32);
  }
  let tail = '';
  for (let i = 0; i < 16; i += 1) tail += CROCKFORD[random.int(0, 31)] as string;
  return time + tail;
}

type Key = readonly [string, string];

/** Descending by (timestamp, id): the order of both endpoints. */
function compareDesc(a: Key, b: Key): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? 1 : -1;
  if (a[1] !== b[1]) return a[1] < b[1] ? 1 : -1;
  return 0;
}

const conversationKey = (c: MoveworksWireConversation): Key => [c.updated_at, c.conversation_id];
const messageKey = (m: MoveworksWireMessage): Key => [m.created_at, m.message_id];

const USER_LINES = [
  'Hi! Can you help me with this?',
  'It still says "access denied" — any idea?',
  'My path is C:\\Temp\\out.log, is that OK?',
  "I'm on the 3rd floor, près de la fenêtre.",
  '请帮我重置密码',
  'Danke schön, das hat geklappt!',
  'One more thing: `npm ci` fails on my laptop 💻',
] as const;

const ASSISTANT_LINES = [
  'Sure — here is what I found:\n\n- Open **Settings**\n- Choose *Security*\n- Click `Reset`',
  'I filed ticket **INC-4711** for you. You\'ll get an e-mail from "IT Service Desk".',
  'Try this:\n\n```sh\nrm -rf node_modules && npm ci\n```',
  'The policy says: > Travel in economy for flights under 6 hours.',
  'Escaped path: `C:\\\\Users\\\\ada` — backslashes doubled in JSON.',
  'Voilà ! Your résumé template is in the *HR / Vorlagen* folder.',
] as const;

/**
 * Demo data: conversations over ~8 months before `anchor`. Most were last
 * updated shortly after creation, some never after it (updated_at =
 * created_at), and some OLD ones very recently (within the last day and a
 * half), which pushes them to the head of the vendor's order; equal
 * timestamps among both created_at and updated_at; about one in five
 * archived; some conversations without messages and one with 150.
 */
export function moveworksConversationsDemoData(options: EmulatorOptions = {}): MoveworksConversationsData {
  const random = createRandom(options.seed ?? 31);
  const size = options.size ?? 260;
  const anchor = (options.anchor ?? startOfUtcDay()).getTime();
  const created = timeline(random, size, new Date(anchor), 240).map((date) => date.getTime());
  // Deterministic picks, so every seed and size has them.
  const revisited = new Set([Math.floor(size * 0.35), Math.floor(size * 0.6), Math.floor(size * 0.9), size - 1]);
  const forcedArchived = new Set([Math.floor(size * 0.6), 1]);
  const hugeIndex = Math.min(2, size - 1);

  const conversations: MoveworksWireConversation[] = [];
  const messages = new Map<string, MoveworksWireMessage[]>();
  let previousUpdated: number | null = null;
  created.forEach((createdMs, index) => {
    const roll = random.next();
    let updatedMs: number;
    if (revisited.has(index) || roll < 0.06) {
      updatedMs = Math.max(createdMs, anchor - random.int(60_000, 36 * 3600_000));
    } else if (roll < 0.16) {
      updatedMs = createdMs;
    } else {
      updatedMs = Math.min(anchor - 1_000, createdMs + random.int(1_000, 3 * 3600_000));
      updatedMs = Math.max(updatedMs, createdMs);
    }
    // Equal updated_at instants: now and then reuse the previous one when it is not before creation.
    if (index % 15 === 7 && previousUpdated !== null && previousUpdated >= createdMs && previousUpdated < anchor) {
      updatedMs = previousUpdated;
    }
    previousUpdated = updatedMs;
    const id = `conv_${ulidFrom(random, createdMs)}`;
    const conversation: MoveworksWireConversation = {
      conversation_id: id,
      archived: forcedArchived.has(index) || random.chance(0.2),
      created_at: new Date(createdMs).toISOString(),
      updated_at: new Date(updatedMs).toISOString(),
    };
    if (random.chance(0.85)) {
      const topic = random.pick(TOPICS);
      conversation.title = random.chance(0.3)
        ? `${topic} (${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)})`
        : topic;
    }
    conversations.push(conversation);

    const count = index === hugeIndex ? 150 : random.chance(0.12) ? 0 : random.int(1, 14);
    const list: MoveworksWireMessage[] = [];
    let responseId = '';
    const span = updatedMs - createdMs;
    const times = Array.from({ length: count }, (_, m) =>
      m === 0 ? createdMs : m === count - 1 ? updatedMs : createdMs + Math.floor(random.next() * span),
    ).sort((a, b) => a - b);
    for (let m = 0; m < count; m += 1) {
      const at = times[m] as number;
      const actor = m % 2 === 0 ? 'USER' : 'ASSISTANT';
      if (actor === 'USER') responseId = `resp_${ulidFrom(random, at)}`;
      list.push({
        message_id: `msg_${ulidFrom(random, at)}`,
        conversation_id: id,
        response_id: responseId,
        actor,
        content: {
          type: 'COMMONMARK_TEXT',
          commonmark_text: { text: actor === 'USER' ? random.pick(USER_LINES) : random.pick(ASSISTANT_LINES) },
        },
        created_at: new Date(at).toISOString(),
      });
    }
    messages.set(id, list.sort((a, b) => compareDesc(messageKey(a), messageKey(b))));
  });
  conversations.sort((a, b) => compareDesc(conversationKey(a), conversationKey(b)));
  return { conversations, messages };
}

/** Index of the first item strictly after `after` in a list sorted by `compareDesc`. */
function startIndex<T>(sorted: readonly T[], keyOf: (item: T) => Key, after: Key | null): number {
  if (after === null) return 0;
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (compareDesc(keyOf(sorted[middle] as T), after) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

function error(status: number, code: string, message: string): EmulatorResponse {
  return { status, body: { error: { code, message } } };
}

interface CursorPayload {
  /** The endpoint and query the cursor belongs to. */
  q: string;
  /** Last key of the previous page. */
  k: [string, string];
}

function createCursorCodec(secret: string): {
  encode(payload: CursorPayload): string;
  decode(cursor: string, query: string): Key | null;
} {
  const sign = (body: string): Buffer => createHmac('sha256', secret).update(body).digest();
  return {
    encode(payload) {
      const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
      return `${body}.${sign(body).toString('base64url')}`;
    },
    decode(cursor, query) {
      const [body, signature, extra] = cursor.split('.');
      if (!body || !signature || extra !== undefined) return null;
      const given = Buffer.from(signature, 'base64url');
      const expected = sign(body);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      try {
        const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<CursorPayload>;
        const key = payload.k;
        if (payload.q !== query || !Array.isArray(key) || key.length !== 2) return null;
        if (typeof key[0] !== 'string' || typeof key[1] !== 'string') return null;
        return [key[0], key[1]];
      } catch {
        return null;
      }
    },
  };
}

/** `limit` and `cursor`, validated the vendor's way; the error response when they are not valid. */
function pageParams(
  query: URLSearchParams,
  codec: ReturnType<typeof createCursorCodec>,
  boundTo: string,
): { limit: number; after: Key | null } | EmulatorResponse {
  const limit = integerParam(query, 'limit');
  if (limit === null || (limit !== undefined && (limit < 1 || limit > MOVEWORKS_CONVERSATIONS_MAX_LIMIT))) {
    return error(400, 'INVALID_ARGUMENT', `limit must be an integer from 1 to ${MOVEWORKS_CONVERSATIONS_MAX_LIMIT}`);
  }
  const cursor = query.get('cursor');
  let after: Key | null = null;
  if (cursor !== null) {
    after = codec.decode(cursor, boundTo);
    if (!after) return error(400, 'INVALID_CURSOR', 'The pagination cursor is invalid');
  }
  return { limit: limit ?? MOVEWORKS_CONVERSATIONS_DEFAULT_LIMIT, after };
}

function page<T>(
  sorted: readonly T[],
  keyOf: (item: T) => Key,
  params: { limit: number; after: Key | null },
  codec: ReturnType<typeof createCursorCodec>,
  boundTo: string,
): { items: T[]; nextCursor: string | null } {
  const start = startIndex(sorted, keyOf, params.after);
  const items = sorted.slice(start, start + params.limit);
  const last = items[items.length - 1];
  const more = start + params.limit < sorted.length;
  return { items, nextCursor: more && last ? codec.encode({ q: boundTo, k: [...keyOf(last)] }) : null };
}

/**
 * Live changes. Both lists (all, and per archived state) stay in the
 * vendor's order, `updated_at` descending: an update moves the conversation
 * to the head, as the vendor's does.
 */
function moveworksConversationsLive(
  data: MoveworksConversationsData,
  byArchived: Record<'true' | 'false', MoveworksWireConversation[]>,
): LiveData {
  const order = (a: MoveworksWireConversation, b: MoveworksWireConversation): number => compareDesc(conversationKey(a), conversationKey(b));
  const place = (conversation: MoveworksWireConversation): void => {
    insertSorted(data.conversations, conversation, order);
    insertSorted(byArchived[`${conversation.archived}`], conversation, order);
  };
  const unplace = (conversation: MoveworksWireConversation): void => {
    removeWhere(data.conversations, (candidate) => candidate === conversation);
    removeWhere(byArchived[`${conversation.archived}`], (candidate) => candidate === conversation);
  };
  const find = (id: string): MoveworksWireConversation | undefined => data.conversations.find((conversation) => conversation.conversation_id === id);
  let added = 0;
  return {
    add(createdAtMs, random, fields) {
      const { archived, ...rest } = fields;
      if (Object.keys(rest).length > 0) throw new Error('moveworks-conversations conversations take only `archived`');
      if (archived !== undefined && typeof archived !== 'boolean') throw new Error('archived must be true or false');
      const at = new Date(createdAtMs).toISOString();
      const id = `conv_${ulidFrom(random, createdAtMs)}`;
      const conversation: MoveworksWireConversation = {
        conversation_id: id,
        title: `${TOPICS[added % TOPICS.length] as string} (live)`,
        archived: archived === true,
        created_at: at,
        updated_at: at,
      };
      added += 1;
      place(conversation);
      data.messages.set(id, []);
      return { id, createdAt: at };
    },
    remove(id) {
      const conversation = find(id);
      if (!conversation) return false;
      unplace(conversation);
      data.messages.delete(id);
      return true;
    },
    touch(id, atMs) {
      const conversation = find(id);
      if (!conversation) return false;
      unplace(conversation);
      conversation.updated_at = new Date(Math.max(atMs, Date.parse(conversation.created_at), Date.parse(conversation.updated_at))).toISOString();
      place(conversation);
      return true;
    },
    list: () => data.conversations.map((conversation) => ({ id: conversation.conversation_id, createdAt: conversation.created_at })),
  };
}

export function moveworksConversationsDefinition(
  data: MoveworksConversationsData,
  credentials: { token: string; assistantName: string; cursorSecret: string },
): EmulatorDefinition {
  const codec = createCursorCodec(credentials.cursorSecret);
  const byArchived = {
    true: data.conversations.filter((conversation) => conversation.archived),
    false: data.conversations.filter((conversation) => !conversation.archived),
  };
  return {
    name: 'moveworks-conversations',
    basePath: MOVEWORKS_CONVERSATIONS_BASE_PATH,
    live: moveworksConversationsLive(data, byArchived),
    authenticate: ({ headers }) => {
      if (bearerToken(headers) !== credentials.token) {
        return error(401, 'UNAUTHORIZED', 'Invalid or missing authentication');
      }
      const assistant = headers['assistant-name'];
      if (assistant !== credentials.assistantName) {
        return error(403, 'FORBIDDEN', 'Missing or unknown Assistant-Name');
      }
      return null;
    },
    errorBody: (status, message) => {
      const code =
        status === 400 ? 'INVALID_ARGUMENT'
        : status === 401 ? 'UNAUTHORIZED'
        : status === 403 ? 'FORBIDDEN'
        : status === 404 ? 'NOT_FOUND'
        : status === 429 ? 'RATE_LIMIT_EXCEEDED'
        : 'INTERNAL_ERROR';
      return { error: { code, message } };
    },
    routes: [
      {
        endpoint: 'listConversations',
        method: 'GET',
        pattern: /^\/conversations\/?$/,
        handle: ({ query }) => {
          const rawArchived = query.get('archived');
          if (rawArchived !== null && rawArchived !== 'true' && rawArchived !== 'false') {
            return error(400, 'INVALID_ARGUMENT', 'archived must be true or false');
          }
          const archived = rawArchived === 'true';
          const boundTo = `conversations?archived=${archived}`;
          const params = pageParams(query, codec, boundTo);
          if ('status' in params) return params;
          const result = page(byArchived[`${archived}`], conversationKey, params, codec, boundTo);
          return { status: 200, body: { conversations: result.items, metadata: { next_cursor: result.nextCursor } } };
        },
      },
      {
        endpoint: 'listMessages',
        method: 'GET',
        pattern: /^\/conversations\/([^/]+)\/messages\/?$/,
        handle: ({ query }, [conversationId]) => {
          const list = conversationId === undefined ? undefined : data.messages.get(conversationId);
          if (!list) return error(404, 'NOT_FOUND', 'Conversation not found');
          const boundTo = `messages?conversation_id=${conversationId}`;
          const params = pageParams(query, codec, boundTo);
          if ('status' in params) return params;
          const result = page(list, messageKey, params, codec, boundTo);
          return { status: 200, body: { messages: result.items, metadata: { next_cursor: result.nextCursor } } };
        },
      },
    ],
  };
}

export interface MoveworksConversationsEmulator extends MoveworksConversationsData {
  emulator: Emulator;
  token: string;
  assistantName: string;
  env: Record<string, string>;
}

export async function startMoveworksConversationsEmulator(
  options: MoveworksConversationsEmulatorOptions = {},
): Promise<MoveworksConversationsEmulator> {
  const data = moveworksConversationsDemoData(options);
  const token = options.token ?? MOVEWORKS_CONVERSATIONS_DEFAULT_TOKEN;
  const assistantName = options.assistantName ?? MOVEWORKS_CONVERSATIONS_DEFAULT_ASSISTANT;
  const cursorSecret = options.cursorSecret ?? `moveworks-conversations-emulator-${options.seed ?? 31}`;
  const emulator = await Emulator.start(
    moveworksConversationsDefinition(data, { token, assistantName, cursorSecret }),
    { port: options.port, seed: options.seed },
  );
  return {
    emulator,
    ...data,
    token,
    assistantName,
    env: {
      MOVEWORKS_CONVERSATIONS_BASE_URL: emulator.baseUrl,
      MOVEWORKS_CONVERSATIONS_TOKEN: token,
      MOVEWORKS_ASSISTANT_NAME: assistantName,
    },
  };
}
