import DataLoader from 'dataloader';
import type { HttpSettings } from '../http-settings.js';
import type { UpstreamRuntime } from '../upstream-runtime.js';
import { conversationKey } from '../../streams/merge.js';
import { createdAtInRange, type Conversation, type ConversationFilter } from '../../domain.js';
import { createOffsetStream, splitWindow, type OffsetWindow } from '../../streams/offsets.js';
import { overAskedCut, type CutFetch } from '../../streams/ranged.js';
import { ID_ABOVE_ALL, ID_BELOW_ALL, type ConversationKey, type VendorAdapter, type VendorSession } from '../port.js';
import { FLASHBACK_MAX_TAKE, FlashbackClient, type FlashbackConfig, type FlashbackConversationWire } from './client.js';
import { toFlashbackQuery, type FlashbackFilterQuery } from './filter.js';
import { toConversation } from './mapper.js';

/** Upstream items [offset, offset+limit) in calls of at most 100 (Flashback's cap), sent in parallel. */
async function fetchWindow(
  client: FlashbackClient,
  query: FlashbackFilterQuery,
  window: OffsetWindow,
): Promise<{ items: FlashbackConversationWire[]; total: number }> {
  const parts = splitWindow(window, FLASHBACK_MAX_TAKE);
  if (parts.length === 0) parts.push({ offset: window.offset, limit: 1 });
  const pages = await Promise.all(
    parts.map((part) => client.listConversations({ ...query, take: part.limit, skip: part.offset })),
  );
  return {
    items: pages.flatMap((page) => page.conversations).slice(0, window.limit),
    total: pages[pages.length - 1]?.total ?? 0,
  };
}

/** The list of one query as conversations, window by window: the uncut list and its forward cut read alike. */
function conversationWindows(client: FlashbackClient, query: FlashbackFilterQuery): CutFetch<Conversation> {
  return async (window) => {
    const { items, total } = await fetchWindow(client, query, window);
    return { items: items.map(toConversation), total };
  };
}

/**
 * Flashback's `from`/`to` take ISO 8601 instants; its docs show milliseconds and do not say whether the
 * ends are inclusive: the keyset over-asks by one millisecond (ranged.ts) and drops what it has shown.
 */
export const FLASHBACK_RANGE_PRECISION_MS = 1;

/** Answers of one window before a tail cut trusts the total it was placed by (the list moving meanwhile). */
export const TAIL_CUT_ATTEMPTS = 4;
/**
 * Items a tail cut's window is widened by on each side, so a total off by up to that many needs no second
 * answer; less where the window would then need one more call (a window of 99 or 100 is not widened).
 */
export const TAIL_CUT_SLACK = 8;

/**
 * A backward cut without an ascending order. The list cut by `from` (one granule behind the bound) is newest
 * first, so the bound and the items just before it in a walk backward are its *tail*: offset `a` of the cut
 * read oldest first is the newest-first offset `total − 1 − a`, and every answer reports `total`. A window is
 * placed by the total it expects (at first `guess`: the cursor's offset, plus one for the bound itself —
 * right on a still list), widened by TAIL_CUT_SLACK each side; the answer's own total then says which of its
 * items are the window. Only when the list moved by more than the slack (arrivals at the head, deletions) is
 * it asked again, placed by the total it reported: one request on a still or lightly moving list, two when it
 * moved further. Growth at the head never moves offsets counted from the tail, so the total learnt serves
 * the page's further windows.
 */
function tailCut(client: FlashbackClient, ranged: FlashbackFilterQuery, guess: number): CutFetch<Conversation> {
  let total = Math.max(0, guess);
  return async ({ offset, limit }) => {
    // Never so wide that the window needs another call of at most FLASHBACK_MAX_TAKE.
    const room = Math.ceil(Math.max(1, limit) / FLASHBACK_MAX_TAKE) * FLASHBACK_MAX_TAKE - limit;
    const slack = Math.min(TAIL_CUT_SLACK, Math.floor(room / 2));
    for (let attempt = 1; ; attempt += 1) {
      const start = Math.max(0, total - offset - limit - slack);
      const end = Math.max(0, total - offset + slack);
      const answer = await fetchWindow(client, ranged, { offset: start, limit: end - start });
      total = answer.total;
      // The window by the answer's own total, newest-first offsets [from, to).
      const to = Math.max(0, total - offset);
      const from = Math.max(0, to - limit);
      if (to === 0 || (from >= start && to <= end) || attempt === TAIL_CUT_ATTEMPTS) {
        const last = Math.min(Math.max(to, start), start + answer.items.length);
        const items = answer.items.slice(Math.max(0, from - start), last - start);
        // The cut's newer part is the uncut list's head: the first item oldest first is at offset last − 1.
        return { items: items.map(toConversation).reverse(), total, at: last };
      }
    }
  };
}

export function createFlashbackAdapter(config: FlashbackConfig, http: HttpSettings, runtime?: UpstreamRuntime): VendorAdapter {
  const client = new FlashbackClient(config, http, runtime);

  const openSession = (): VendorSession => {
    /**
     * Flashback has no look-up by id. The global id carries the creation
     * instant, so one `from = to = createdAt` request per distinct instant
     * finds every key created then (equal timestamps share the request).
     */
    const byKey = new DataLoader<ConversationKey, Conversation | null, string>(
      async (keys) => {
        const instants = [...new Set(keys.map((key) => key.createdAtMs))];
        const found = new Map<string, Conversation>();
        await Promise.all(
          instants.map(async (instant) => {
            if (instant === null) return;
            const at = new Date(instant).toISOString();
            for (let skip = 0; ; skip += FLASHBACK_MAX_TAKE) {
              const page = await client.listConversations({ from: at, to: at, take: FLASHBACK_MAX_TAKE, skip });
              for (const wire of page.conversations) found.set(wire.id, toConversation(wire));
              if (skip + FLASHBACK_MAX_TAKE >= page.total) break;
            }
          }),
        );
        // The id must be found at its key's own instant: another key of the batch may have fetched it at its.
        return keys.map((key) => {
          const conversation = found.get(key.providerId);
          return conversation && conversation.createdAt.getTime() === key.createdAtMs ? conversation : null;
        });
      },
      { cacheKeyFn: (key) => `${key.providerId}@${key.createdAtMs ?? ''}` },
    );

    return {
      provider: 'FLASHBACK',
      conversations(filter: ConversationFilter) {
        const query = toFlashbackQuery(filter);
        return createOffsetStream<Conversation>({
          reportsTotal: true,
          fetch: conversationWindows(client, query),
          keep: (conversation) => createdAtInRange(conversation.createdAt, filter.createdAt),
          keyOf: conversationKey,
          // `to` is the keyset forward (FLASHBACK_RANGE_PRECISION_MS); backward, `from` cuts the list just
          // behind the bound and its total places the bound (the list has no ascending order: see tailCut).
          range: {
            backward: (bound, hint) => {
              const cut = overAskedCut(bound, 'backward', FLASHBACK_RANGE_PRECISION_MS).ms;
              const from = query.from === undefined ? cut : Math.max(Date.parse(query.from), cut);
              // The cut ends at the bound: with it when the bound is one of ours (the item at the cursor's
              // offset), before the item at that offset when the bound is another vendor's (an id above or below
              // every id), which is then older than the bound.
              const ours = bound.id !== ID_ABOVE_ALL && bound.id !== ID_BELOW_ALL;
              return tailCut(client, { ...query, from: new Date(from).toISOString() }, ours ? hint + 1 : hint);
            },
            forward: (bound) => {
              const cut = overAskedCut(bound, 'forward', FLASHBACK_RANGE_PRECISION_MS).ms;
              const to = query.to === undefined ? cut : Math.min(Date.parse(query.to), cut);
              return conversationWindows(client, { ...query, to: new Date(to).toISOString() });
            },
          },
        });
      },
      loadConversation: (key) => byKey.load(key),
      keyOf: (conversation) => ({
        providerId: conversation.providerId,
        createdAtMs: conversation.createdAt.getTime(),
        hint: null,
      }),
      creator: async (conversation) => conversation.creator,
      members: async (conversation) => conversation.members ?? [],
      // Flashback's API has no messages endpoint.
      messages: () => null,
      loadMessage: async () => null,
    };
  };

  return {
    provider: 'FLASHBACK',
    capabilities: { backward: true, totalCount: true, messages: false },
    openSession,
    close: () => client.close(),
  };
}
