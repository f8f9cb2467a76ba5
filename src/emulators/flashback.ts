import { Emulator, bearerToken, insertSorted, integerParam, removeWhere, type EmulatorDefinition, type EmulatorResponse, type LiveData } from './framework.js';
import { FIRST_NAMES, LAST_NAMES, createRandom, startOfUtcDay, timeline, uuidFrom, type Random } from './random.js';
import type { EmulatorOptions } from './options.js';

/** Wire format of `GET /conversation`, as in the vendor's docs. */
export interface FlashbackWireConversation {
  id: string;
  orgId: string;
  createdBy: string;
  createdAt: string;
  lastUpdatedAt: string;
  workspaceId: string;
  repoId: string;
  tokensIn: string;
  tokensOut: string;
  creator: { id: string; name: string; lastName: string; email: string };
}

export const FLASHBACK_DEFAULT_TOKEN = 'flashback-demo-token';
export const FLASHBACK_MAX_TAKE = 100;
export const FLASHBACK_DEFAULT_TAKE = 50;

/** Demo data, newest first (the vendor's own order; equal timestamps ordered by id descending). */
export function flashbackDemoData(options: EmulatorOptions = {}): FlashbackWireConversation[] {
  const random = createRandom(options.seed ?? 7);
  const size = options.size ?? 260;
  const anchor = options.anchor ?? startOfUtcDay();
  const users = Array.from({ length: 16 }, (_, i) => {
    const name = FIRST_NAMES[i % FIRST_NAMES.length] as string;
    const lastName = LAST_NAMES[i % LAST_NAMES.length] as string;
    return { id: `user-${100 + i}`, name, lastName, email: `${name.toLowerCase().replace(/[^a-z]/g, '') || 'user'}${i}@example.com` };
  });
  const workspaces = ['workspace-alpha', 'workspace-beta', 'workspace-γάμμα', 'workspace-delta'];
  const repos = ['repo-101', 'repo-202', 'repo-303', 'repo-404', 'repo-505'];
  const created = timeline(random, size, anchor, 240);
  const conversations = created.map((createdAt, index): FlashbackWireConversation => {
    const creator = random.pick(users);
    const updated = new Date(createdAt.getTime() + random.int(0, 3 * 3600_000));
    return {
      id: uuidFrom(random),
      orgId: index % 5 === 0 ? 'org-456' : 'org-123',
      createdBy: creator.id,
      createdAt: createdAt.toISOString(),
      lastUpdatedAt: updated.toISOString(),
      workspaceId: random.pick(workspaces),
      repoId: random.pick(repos),
      tokensIn: String(random.int(0, 50_000)),
      tokensOut: String(random.int(0, 90_000)),
      creator,
    };
  });
  // One conversation whose token count does not fit a double: it must survive the graph exactly.
  const huge = conversations[3];
  if (huge) huge.tokensIn = '9007199254740993123';
  return sortNewestFirst(conversations);
}

function newestFirst(a: FlashbackWireConversation, b: FlashbackWireConversation): number {
  return a.createdAt === b.createdAt ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.createdAt < b.createdAt ? 1 : -1;
}

function sortNewestFirst(list: FlashbackWireConversation[]): FlashbackWireConversation[] {
  return [...list].sort(newestFirst);
}

function liveConversation(random: Random, createdAtMs: number, index: number): FlashbackWireConversation {
  const name = FIRST_NAMES[index % FIRST_NAMES.length] as string;
  const lastName = LAST_NAMES[index % LAST_NAMES.length] as string;
  const createdAt = new Date(createdAtMs).toISOString();
  return {
    id: uuidFrom(random),
    orgId: 'org-123',
    createdBy: `user-${100 + (index % 16)}`,
    createdAt,
    lastUpdatedAt: createdAt,
    workspaceId: 'workspace-alpha',
    repoId: 'repo-101',
    tokensIn: String(random.int(0, 50_000)),
    tokensOut: String(random.int(0, 90_000)),
    creator: { id: `user-${100 + (index % 16)}`, name, lastName, email: `live${index % 16}@example.com` },
  };
}

/** Live changes of the list (kept newest first, as the vendor orders it). */
function flashbackLive(data: FlashbackWireConversation[]): LiveData {
  let added = 0;
  return {
    add(createdAtMs, random, fields) {
      if (Object.keys(fields).length > 0) throw new Error('flashback conversations take no placement fields');
      const conversation = liveConversation(random, createdAtMs, added);
      added += 1;
      insertSorted(data, conversation, newestFirst);
      return { id: conversation.id, createdAt: conversation.createdAt };
    },
    remove: (id) => removeWhere(data, (conversation) => conversation.id === id),
    touch(id, atMs) {
      const conversation = data.find((candidate) => candidate.id === id);
      if (!conversation) return false;
      conversation.lastUpdatedAt = new Date(Math.max(atMs, Date.parse(conversation.createdAt))).toISOString();
      return true;
    },
    list: () => data.map((conversation) => ({ id: conversation.id, createdAt: conversation.createdAt })),
  };
}

function badRequest(message: string): EmulatorResponse {
  return { status: 400, body: { success: false, conversations: [], total: 0, message } };
}

function parseIsoDate(raw: string | null): Date | undefined | null {
  if (raw === null) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw)) return null;
  const date = new Date(raw);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function flashbackDefinition(data: FlashbackWireConversation[], token: string): EmulatorDefinition {
  return {
    name: 'flashback',
    basePath: '',
    live: flashbackLive(data),
    authenticate: (request) =>
      bearerToken(request.headers) === token
        ? null
        : { status: 401, body: { success: false, conversations: [], total: 0, message: 'Unauthorized' } },
    errorBody: (status, message) => ({ success: false, conversations: [], total: 0, message: `${status}: ${message}` }),
    routes: [
      {
        endpoint: 'listConversations',
        method: 'GET',
        pattern: /^\/conversation\/?$/,
        handle: ({ query }) => {
          const take = integerParam(query, 'take');
          const skip = integerParam(query, 'skip');
          if (take === null) return badRequest('take must be a non-negative integer');
          if (skip === null) return badRequest('skip must be a non-negative integer');
          if (take !== undefined && take > FLASHBACK_MAX_TAKE) return badRequest(`take must not exceed ${FLASHBACK_MAX_TAKE}`);
          const from = parseIsoDate(query.get('from'));
          const to = parseIsoDate(query.get('to'));
          if (from === null) return badRequest('from must be an ISO 8601 date');
          if (to === null) return badRequest('to must be an ISO 8601 date');
          const userId = query.get('userId');
          const workspaceId = query.get('workspaceId');
          const repoId = query.get('repoId');
          // The vendor's date range is inclusive at both ends.
          const matching = data.filter((conversation) => {
            const createdAt = Date.parse(conversation.createdAt);
            if (from && createdAt < from.getTime()) return false;
            if (to && createdAt > to.getTime()) return false;
            if (userId && conversation.createdBy !== userId) return false;
            if (workspaceId && conversation.workspaceId !== workspaceId) return false;
            if (repoId && conversation.repoId !== repoId) return false;
            return true;
          });
          const start = skip ?? 0;
          const page = matching.slice(start, start + (take ?? FLASHBACK_DEFAULT_TAKE));
          return { status: 200, body: { success: true, conversations: page, total: matching.length } };
        },
      },
    ],
  };
}

export interface FlashbackEmulator {
  emulator: Emulator;
  data: FlashbackWireConversation[];
  token: string;
  env: Record<string, string>;
}

export async function startFlashbackEmulator(options: EmulatorOptions = {}): Promise<FlashbackEmulator> {
  const data = flashbackDemoData(options);
  const token = options.token ?? FLASHBACK_DEFAULT_TOKEN;
  const emulator = await Emulator.start(flashbackDefinition(data, token), { port: options.port, seed: options.seed });
  return {
    emulator,
    data,
    token,
    env: { FLASHBACK_BASE_URL: emulator.baseUrl, FLASHBACK_TOKEN: token },
  };
}
