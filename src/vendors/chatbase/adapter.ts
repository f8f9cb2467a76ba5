import DataLoader from 'dataloader';
import type { HttpSettings } from '../http-settings.js';
import type { UpstreamRuntime } from '../upstream-runtime.js';
import { DEFAULT_SCAN_SETTINGS, type ScanSettings } from '../../streams/scan-settings.js';
import { compareConversationKeys, conversationKey, mergeStreams } from '../../streams/merge.js';
import { createdAtInRange, detailsOf, type Conversation, type ConversationFilter } from '../../domain.js';
import { ErrorCode, UpstreamError, isUpstreamError } from '../../errors.js';
import { countKeptRun, createCountCache, memoizeWindows, probeEnd, storeKey, storeOf, type FetchWindow } from '../../streams/counting.js';
import { createListStream, createOffsetStream, type OffsetWindow } from '../../streams/offsets.js';
import { overAskedCut } from '../../streams/ranged.js';
import type { ConversationKey, OrderedStream, SortKey, VendorAdapter, VendorSession } from '../port.js';
import { ChatbaseClient, type ChatbaseConfig } from './client.js';
import { translateFilter, utcDay, type ChatbaseQuery } from './filter.js';
import { mapConversation, type ChatbaseDetails } from './mapper.js';
import { CHATBASE_MAX_PAGE_SIZE, planPages, sliceWindow } from './pages.js';

/**
 * Chatbase: page-number pagination per chatbot, no order promised by the
 * docs, no total, messages and the customer inline.
 *
 * - Each chatbot is an offset stream (positions = upstream offsets in that
 *   chatbot's filtered list); a window costs one page request when some
 *   `size` ≤ 100 covers it, else two (see `planPages`).
 * - The configured chatbots are one provider stream: a k-way merge, newest
 *   `createdAt` first, ties broken by configuration order.
 * - The order relied on is newest `created_at` first; every fetched run of
 *   pages is checked, and a violation is an UPSTREAM_ORDER_VIOLATION error
 *   rather than a mis-ordered page.
 * - `totalCount`: the vendor does not count. Per chatbot, the end of its
 *   filtered list is found by block probes (`probeEnd`: 3 requests for
 *   90–270 conversations, ≤ 2·log2(N/100) + 3), and an exact `createdAt`
 *   range is counted from the first and last blocks (`countKeptRun`: the
 *   probes' own blocks, unless a refined day edge holds more than 100).
 *   Counts are cached in the shared store for `COUNT_TTL_MS`.
 */

type CountCache = ReturnType<typeof createCountCache>;

/** Throws when conversations are not newest first (equal timestamps are fine). */
export function assertNewestFirst(items: readonly Conversation[]): void {
  for (let i = 1; i < items.length; i += 1) {
    const previous = items[i - 1] as Conversation;
    const current = items[i] as Conversation;
    if (current.createdAt.getTime() > previous.createdAt.getTime()) {
      throw new UpstreamError('CHATBASE returned conversations out of the newest-first order the graph relies on', {
        provider: 'CHATBASE',
        code: ErrorCode.UPSTREAM_ORDER_VIOLATION,
        method: 'GET',
      });
    }
  }
}

/** Upstream items [offset, offset + limit) of one chatbot, with the fewest page requests (sent concurrently). */
async function fetchWindow(
  client: ChatbaseClient,
  chatbotId: string,
  query: ChatbaseQuery,
  window: OffsetWindow,
): Promise<Conversation[]> {
  const plan = planPages(window, CHATBASE_MAX_PAGE_SIZE);
  const pages = await Promise.all(
    plan.requests.map(async ({ page, size }) => {
      const list = await client.getConversations({ chatbotId, page, size, ...query });
      return list.data.map((wire) => mapConversation(wire, chatbotId));
    }),
  );
  // Check everything that arrived, not only the window: a page is one upstream answer.
  assertNewestFirst(sliceWindow({ ...plan, skip: 0, limit: Number.MAX_SAFE_INTEGER }, pages));
  return sliceWindow(plan, pages);
}

function chatbotStream(
  client: ChatbaseClient,
  chatbotId: string,
  query: ChatbaseQuery,
  refine: ConversationFilter['createdAt'],
  counts: CountCache,
): OrderedStream<Conversation> {
  const keep = refine ? (conversation: Conversation) => createdAtInRange(conversation.createdAt, refine) : null;
  // Digested when a count is asked: most pages ask none.
  const countKey = (): string =>
    storeKey('count', 'CHATBASE', client.credential, {
      chatbotId,
      query: { ...query },
      refine: refine ? { from: refine.from?.getTime() ?? null, to: refine.to?.getTime() ?? null } : null,
    });
  /** One query's list, window by window (Chatbase reports no total): the uncut list and its forward cut read alike. */
  const windowsOf = (listQuery: ChatbaseQuery) => async (window: OffsetWindow) => ({ items: await fetchWindow(client, chatbotId, listQuery, window), total: null });
  return createOffsetStream<Conversation>({
    reportsTotal: false,
    fetch: windowsOf(query),
    count: () =>
      counts(countKey(), async () => {
        const read: FetchWindow<Conversation> = memoizeWindows((window) => fetchWindow(client, chatbotId, query, window));
        const end = await probeEnd(read, CHATBASE_MAX_PAGE_SIZE);
        return keep ? countKeptRun(read, end, keep, CHATBASE_MAX_PAGE_SIZE) : end;
      }),
    ...(keep ? { keep } : {}),
    checkOrder: assertNewestFirst,
    keyOf: conversationKey,
    // `endDate` is the keyset forward, by whole UTC days (CHATBASE_RANGE_PRECISION_MS); the list has no
    // ascending order, so a backward page verifies its offset instead.
    range: {
      forward: (bound) => {
        const ranged = cutQuery(query, bound);
        return ranged ? windowsOf(ranged) : null;
      },
    },
  });
}

/**
 * Chatbase's `startDate`/`endDate` name whole UTC days, read inclusively (its docs: "the range within which
 * conversations are to be fetched"; `translateFilter` reads them so). A forward keyset asks up to the end of
 * the bound's own day — the granule holding it, whole — and drops by key what the day holds at or above the
 * bound (ranged.ts): the check within the day.
 */
export const CHATBASE_RANGE_PRECISION_MS = 86_400_000;

/** The query cut at a walk's bound: `endDate` the bound's UTC day (or the filter's, the earlier); null outside four-digit years. */
export function cutQuery(query: ChatbaseQuery, bound: SortKey): ChatbaseQuery | null {
  // overAskedCut's instant is the start of the next day; the inclusive `endDate` names the day before it.
  const endDate = utcDay(overAskedCut(bound, 'forward', CHATBASE_RANGE_PRECISION_MS).ms - 1);
  if (endDate === null) return null;
  return { ...query, endDate: query.endDate !== undefined && query.endDate < endDate ? query.endDate : endDate };
}

/** All of one chatbot's conversations on one UTC day, stopping once every wanted id is found. */
async function scanDay(
  client: ChatbaseClient,
  chatbotId: string,
  day: string,
  wanted: ReadonlySet<string>,
): Promise<Map<string, Conversation>> {
  const found = new Map<string, Conversation>();
  for (let page = 1; ; page += 1) {
    const list = await client.getConversations({ chatbotId, page, size: CHATBASE_MAX_PAGE_SIZE, startDate: day, endDate: day });
    for (const wire of list.data) {
      if (wanted.has(wire.id)) found.set(wire.id, mapConversation(wire, chatbotId));
    }
    if (list.data.length < CHATBASE_MAX_PAGE_SIZE || found.size === wanted.size) return found;
  }
}

interface DayGroup {
  chatbotId: string;
  day: string;
  ids: Set<string>;
}

/**
 * Batch look-up. Chatbase has no get-by-id, so a key carries its chatbot
 * (`hint`) and creation instant: keys sharing chatbot and UTC day share one
 * scan of that day (⌈(n+1)/100⌉ requests for n conversations that day, fewer
 * when every wanted id turns up early). Keys without both, or naming a
 * chatbot that is not configured, answer null without a request.
 */
async function loadBatch(
  client: ChatbaseClient,
  chatbotIds: readonly string[],
  keys: readonly ConversationKey[],
): Promise<(Conversation | null | Error)[]> {
  const groups = new Map<string, DayGroup>();
  const groupOf = keys.map((key): DayGroup | null => {
    if (key.hint === null || !chatbotIds.includes(key.hint) || key.createdAtMs === null) return null;
    const day = utcDay(key.createdAtMs);
    if (day === null) return null;
    const id = JSON.stringify([key.hint, day]);
    let group = groups.get(id);
    if (!group) {
      group = { chatbotId: key.hint, day, ids: new Set() };
      groups.set(id, group);
    }
    group.ids.add(key.providerId);
    return group;
  });
  const results = new Map<DayGroup, Map<string, Conversation> | Error>();
  await Promise.all(
    [...groups.values()].map(async (group) => {
      try {
        results.set(group, await scanDay(client, group.chatbotId, group.day, group.ids));
      } catch (error) {
        // A chatbot the vendor does not know holds no conversations.
        if (isUpstreamError(error) && error.facts.code === ErrorCode.UPSTREAM_NOT_FOUND) results.set(group, new Map());
        else results.set(group, error instanceof Error ? error : new Error('Chatbase look-up failed'));
      }
    }),
  );
  return keys.map((key, index) => {
    const group = groupOf[index];
    if (!group) return null;
    const result = results.get(group);
    if (result === undefined) return null;
    if (result instanceof Error) return result;
    return result.get(key.providerId) ?? null;
  });
}

function openSession(client: ChatbaseClient, chatbotIds: readonly string[], counts: CountCache): VendorSession {
  const conversationLoader = new DataLoader<ConversationKey, Conversation | null, string>(
    (keys) => loadBatch(client, chatbotIds, keys),
    { cacheKeyFn: (key) => JSON.stringify([key.providerId, key.createdAtMs, key.hint]) },
  );
  return {
    provider: 'CHATBASE',
    conversations(filter) {
      const plan = translateFilter(filter, chatbotIds);
      if (plan.empty) return createListStream<Conversation>([]);
      return mergeStreams(
        plan.chatbotIds.map((chatbotId) => ({ key: chatbotId, stream: chatbotStream(client, chatbotId, plan.query, plan.refine, counts) })),
        compareConversationKeys,
        conversationKey,
      );
    },
    loadConversation: (key) => conversationLoader.load(key),
    keyOf(conversation) {
      return {
        providerId: conversation.providerId,
        createdAtMs: conversation.createdAt.getTime(),
        hint: detailsOf<ChatbaseDetails>(conversation, 'CHATBASE')?.chatbotId ?? null,
      };
    },
    creator: async (conversation) => conversation.creator,
    members: async (conversation) => conversation.members ?? (conversation.creator ? [conversation.creator] : []),
    messages: (conversation) => createListStream(conversation.messages ?? []),
    // Messages are inline: a message is found again with its conversation (the same day scan, shared).
    loadMessage: async (key) => {
      const conversation = await conversationLoader.load(key.conversation);
      return conversation?.messages?.find((message) => message.providerId === key.providerId) ?? null;
    },
  };
}

export function createChatbaseAdapter(
  config: ChatbaseConfig,
  http: HttpSettings,
  scans: ScanSettings = DEFAULT_SCAN_SETTINGS,
  runtime?: UpstreamRuntime,
): VendorAdapter {
  const client = new ChatbaseClient(config, http, runtime);
  const chatbotIds = [...config.chatbotIds];
  const counts = createCountCache(storeOf(runtime), scans.countTtlMs);
  return {
    provider: 'CHATBASE',
    capabilities: { backward: true, totalCount: true, messages: true },
    openSession: () => openSession(client, chatbotIds, counts),
    close: () => client.close(),
  };
}
