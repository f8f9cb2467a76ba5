import { Emulator, bearerToken, insertSorted, removeWhere, type EmulatorDefinition, type EmulatorResponse, type LiveData } from './framework.js';
import { FIRST_NAMES, LAST_NAMES, TOPICS, createRandom, startOfUtcDay, timeline, uuidFrom, type Random } from './random.js';
import type { EmulatorOptions } from './options.js';

/** Wire format of one message inside a conversation of `GET /get-conversations`, as in the vendor's docs. */
export interface ChatbaseWireMessage {
  role: string;
  content: string;
}

/** Wire format of one conversation of `GET /get-conversations`, as in the vendor's docs. */
export interface ChatbaseWireConversation {
  id: string;
  created_at: string;
  messages: ChatbaseWireMessage[];
  chatbot_id: string;
  customer: string;
  source: string;
}

export const CHATBASE_DEFAULT_API_KEY = 'chatbase-demo-key';
export const CHATBASE_DEFAULT_CHATBOT_IDS = ['support-bot', 'sales-bot', 'bot-émoji-🤖'] as const;
/** The sources the docs list for `filteredSources`. */
export const CHATBASE_SOURCES = ['API', 'Chatbase site', 'Instagram', 'Messenger', 'Slack', 'Unspecified'] as const;
export const CHATBASE_MAX_SIZE = 100;
export const CHATBASE_DEFAULT_SIZE = 10;
/** Conversations per chatbot by default: three chatbots give 270 in all. */
export const CHATBASE_DEFAULT_SIZE_PER_CHATBOT = 90;

export interface ChatbaseEmulatorOptions extends EmulatorOptions {
  /** Chatbots that exist upstream (default: three, one with non-ASCII characters in its id). */
  chatbotIds?: string[];
}

const DAY_MS = 24 * 3600 * 1000;

const REPLIES = [
  'Sure — here is how: open Settings → Network and press "Reset".',
  'Le mot de passe a été réinitialisé ✅',
  'Try the path C:\\Program Files\\VPN\\client.exe again.',
  "I couldn't find that; could you rephrase?",
  'これで解決するはずです。',
  'Run `npm ci` and then "npm test" — the \\n in the log is literal.',
  'Отчёт готов к проверке.',
  'Done! 🎉',
] as const;

function newestFirst(a: ChatbaseWireConversation, b: ChatbaseWireConversation): number {
  return a.created_at === b.created_at ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.created_at < b.created_at ? 1 : -1;
}

function sortNewestFirst(list: ChatbaseWireConversation[]): ChatbaseWireConversation[] {
  return [...list].sort(newestFirst);
}

/**
 * Live changes, per chatbot list (kept newest first). An added conversation
 * goes to `fields.chatbotId`, else to the chatbots in turn; an update appends
 * a reply (the vendor's data has no update instant).
 */
function chatbaseLive(data: Record<string, ChatbaseWireConversation[]>): LiveData {
  const chatbotIds = Object.keys(data);
  let added = 0;
  const find = (id: string): ChatbaseWireConversation | undefined => {
    for (const list of Object.values(data)) {
      const found = list.find((conversation) => conversation.id === id);
      if (found) return found;
    }
    return undefined;
  };
  return {
    add(createdAtMs, random, fields) {
      const { chatbotId: asked, ...rest } = fields;
      if (Object.keys(rest).length > 0) throw new Error('chatbase conversations take only a chatbotId');
      if (asked !== undefined && (typeof asked !== 'string' || !Object.hasOwn(data, asked))) throw new Error('chatbotId names no chatbot');
      const chatbotId = (asked as string | undefined) ?? (chatbotIds[added % chatbotIds.length] as string);
      const conversation: ChatbaseWireConversation = {
        id: uuidFrom(random),
        created_at: new Date(createdAtMs).toISOString(),
        messages: messagesFor(random, random.int(1, 4)),
        chatbot_id: chatbotId,
        customer: customerFor(random, added),
        source: random.pick(CHATBASE_SOURCES),
      };
      added += 1;
      insertSorted(data[chatbotId] as ChatbaseWireConversation[], conversation, newestFirst);
      return { id: conversation.id, createdAt: conversation.created_at };
    },
    remove: (id) => Object.values(data).some((list) => removeWhere(list, (conversation) => conversation.id === id)),
    touch(id) {
      const conversation = find(id);
      if (!conversation) return false;
      conversation.messages.push({ role: 'assistant', content: 'Anything else I can help with?' });
      return true;
    },
    list: () => Object.values(data).flatMap((list) => list.map((conversation) => ({ id: conversation.id, createdAt: conversation.created_at }))),
  };
}

function customerFor(random: Random, index: number): string {
  if (random.chance(0.1)) return ''; // an anonymous visitor of the chat widget
  const first = FIRST_NAMES[index % FIRST_NAMES.length] as string;
  const last = LAST_NAMES[(index * 7) % LAST_NAMES.length] as string;
  if (random.chance(0.5)) {
    const local = first.toLowerCase().replace(/[^a-z]/g, '') || 'visitor';
    return `${local}.${index % 23}@example.com`;
  }
  return `${first} ${last}`;
}

function messagesFor(random: Random, count: number): ChatbaseWireMessage[] {
  const messages: ChatbaseWireMessage[] = [];
  const assistantFirst = random.chance(0.2); // the bot's greeting opens some conversations
  for (let i = 0; i < count; i += 1) {
    const role = (i % 2 === 0) !== assistantFirst ? 'user' : 'assistant';
    const content = role === 'user' ? `${random.pick(TOPICS)} (#${i + 1})` : random.pick(REPLIES);
    messages.push({ role, content });
  }
  return messages;
}

/**
 * Demo data per chatbot, each list newest first (the emulator's order; equal
 * timestamps ordered by id descending). Spread over ~8 months before the
 * anchor, with equal timestamps inside a chatbot and across chatbots, a
 * conversation exactly at a UTC midnight and one at 23:59:59.999, empty
 * conversations and one with more than 100 messages.
 */
export function chatbaseDemoData(options: ChatbaseEmulatorOptions = {}): Record<string, ChatbaseWireConversation[]> {
  const random = createRandom(options.seed ?? 11);
  const size = options.size ?? CHATBASE_DEFAULT_SIZE_PER_CHATBOT;
  const anchor = options.anchor ?? startOfUtcDay();
  const chatbotIds = options.chatbotIds ?? [...CHATBASE_DEFAULT_CHATBOT_IDS];
  const result: Record<string, ChatbaseWireConversation[]> = {};
  const firstTimeline: Date[] = [];
  chatbotIds.forEach((chatbotId, botIndex) => {
    const created = timeline(random, size, anchor, 240);
    if (botIndex === 0) firstTimeline.push(...created);
    else {
      // Equal timestamps across chatbots: the merge must order them stably.
      for (let i = 5; i < created.length && i < firstTimeline.length; i += 17) created[i] = firstTimeline[i] as Date;
    }
    if (botIndex === 0 && created.length > 22) {
      // Day edges: the adapter widens dates to whole UTC days and must refine exactly.
      const day = Math.floor((created[20] as Date).getTime() / DAY_MS) * DAY_MS;
      created[20] = new Date(day);
      created[21] = new Date(day - 1);
    }
    const list = created.map((createdAt, index): ChatbaseWireConversation => {
      let messageCount = random.chance(0.1) ? 0 : random.int(1, 9);
      if (botIndex === 0 && index === 7) messageCount = 130;
      if (botIndex === 0 && index === 2) messageCount = 0;
      return {
        id: uuidFrom(random),
        created_at: createdAt.toISOString(),
        messages: messagesFor(random, messageCount),
        chatbot_id: chatbotId,
        customer: customerFor(random, index + botIndex * 31),
        source: random.pick(CHATBASE_SOURCES),
      };
    });
    result[chatbotId] = sortNewestFirst(list);
  });
  return result;
}

function error(status: number, message: string): EmulatorResponse {
  return { status, body: { message } };
}

/** A strict `YYYY-MM-DD` that names a real day; its UTC start in ms, `undefined` when absent, `null` when invalid. */
function parseDay(raw: string | null): number | undefined | null {
  if (raw === null) return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return ms;
}

/** A positive integer string (`page`, `size`); `undefined` when absent, `null` when malformed. */
function positiveParam(query: URLSearchParams, name: string): number | undefined | null {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) return null;
  const value = Number(raw);
  return value >= 1 && Number.isSafeInteger(value) ? value : null;
}

export interface ChatbaseControls {
  /** Pages still to be answered out of order (see `misorderNextPages`). */
  misorderedPagesLeft: number;
}

export function chatbaseDefinition(
  data: Record<string, ChatbaseWireConversation[]>,
  apiKey: string,
  controls: ChatbaseControls,
): EmulatorDefinition {
  const known = new Set<string>(CHATBASE_SOURCES);
  return {
    name: 'chatbase',
    basePath: '/api/v1',
    live: chatbaseLive(data),
    authenticate: (request) => (bearerToken(request.headers) === apiKey ? null : error(401, 'Unauthorized')),
    errorBody: (_status, message) => ({ message }),
    routes: [
      {
        endpoint: 'getConversations',
        method: 'GET',
        pattern: /^\/get-conversations\/?$/,
        handle: ({ query }) => {
          const chatbotId = query.get('chatbotId');
          if (!chatbotId) return error(400, 'chatbotId is required');
          const page = positiveParam(query, 'page');
          if (page === null) return error(400, 'page must be an integer of at least 1');
          const size = positiveParam(query, 'size');
          if (size === null || (size !== undefined && size > CHATBASE_MAX_SIZE)) {
            return error(400, `size must be an integer from 1 to ${CHATBASE_MAX_SIZE}`);
          }
          const startDay = parseDay(query.get('startDate'));
          if (startDay === null) return error(400, 'Invalid startDate: expected YYYY-MM-DD');
          const endDay = parseDay(query.get('endDate'));
          if (endDay === null) return error(400, 'Invalid endDate: expected YYYY-MM-DD');
          const rawSources = query.get('filteredSources');
          const sources = rawSources === null ? [] : rawSources.split(',').map((s) => s.trim()).filter(Boolean);
          const unknownSource = sources.find((source) => !known.has(source));
          if (unknownSource !== undefined) return error(400, 'Invalid filteredSources');
          const list = Object.hasOwn(data, chatbotId) ? data[chatbotId] : undefined;
          if (!list) return error(404, 'Chatbot not found');
          // Both dates are whole UTC days, inclusive.
          const matching = list.filter((conversation) => {
            const createdAt = Date.parse(conversation.created_at);
            if (startDay !== undefined && createdAt < startDay) return false;
            if (endDay !== undefined && createdAt >= endDay + DAY_MS) return false;
            if (sources.length > 0 && !sources.includes(conversation.source)) return false;
            return true;
          });
          const pageSize = size ?? CHATBASE_DEFAULT_SIZE;
          const start = ((page ?? 1) - 1) * pageSize;
          let items = matching.slice(start, start + pageSize);
          if (controls.misorderedPagesLeft > 0 && items.length > 1) {
            controls.misorderedPagesLeft -= 1;
            items = [...items].reverse();
          }
          return { status: 200, body: { data: items } };
        },
      },
    ],
  };
}

export interface ChatbaseEmulator {
  emulator: Emulator;
  /** Each chatbot's conversations in the emulator's order (newest first, ties by id descending). */
  data: Record<string, ChatbaseWireConversation[]>;
  chatbotIds: string[];
  apiKey: string;
  env: Record<string, string>;
  /**
   * The docs promise no order: make the next `count` list pages of two or
   * more items come back reversed, so order-violation detection can be tested.
   */
  misorderNextPages(count?: number): void;
}

export async function startChatbaseEmulator(options: ChatbaseEmulatorOptions = {}): Promise<ChatbaseEmulator> {
  const data = chatbaseDemoData(options);
  const chatbotIds = Object.keys(data);
  const apiKey = options.token ?? CHATBASE_DEFAULT_API_KEY;
  const controls: ChatbaseControls = { misorderedPagesLeft: 0 };
  const emulator = await Emulator.start(chatbaseDefinition(data, apiKey, controls), {
    port: options.port,
    seed: options.seed,
  });
  const reset = emulator.reset.bind(emulator);
  emulator.reset = () => {
    controls.misorderedPagesLeft = 0;
    reset();
  };
  return {
    emulator,
    data,
    chatbotIds,
    apiKey,
    env: {
      CHATBASE_BASE_URL: emulator.baseUrl,
      CHATBASE_API_KEY: apiKey,
      CHATBASE_CHATBOT_IDS: chatbotIds.join(','),
    },
    misorderNextPages(count = 1) {
      controls.misorderedPagesLeft = count;
    },
  };
}
