import DataLoader from 'dataloader';
import type { HttpSettings } from '../http-settings.js';
import type { UpstreamRuntime } from '../upstream-runtime.js';
import { conversationKey } from '../../streams/merge.js';
import { createdAtInRange, type Conversation, type ConversationFilter } from '../../domain.js';
import { createOffsetStream, splitWindow, type OffsetWindow } from '../../streams/offsets.js';
import { overAskedCut } from '../../streams/ranged.js';
import type { ConversationKey, VendorAdapter, VendorSession } from '../port.js';
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

/**
 * Flashback's `from`/`to` take ISO 8601 instants; its docs show milliseconds and do not say whether the
 * ends are inclusive: the keyset over-asks by one millisecond (ranged.ts) and drops what it has shown.
 */
export const FLASHBACK_RANGE_PRECISION_MS = 1;

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
          fetch: async (window) => {
            const { items, total } = await fetchWindow(client, query, window);
            return { items: items.map(toConversation), total };
          },
          keep: (conversation) => createdAtInRange(conversation.createdAt, filter.createdAt),
          keyOf: conversationKey,
          // `to` is the keyset forward (FLASHBACK_RANGE_PRECISION_MS); the list has no ascending order, so a
          // backward page verifies its offset instead.
          range: {
            forward: (bound) => {
              const cut = overAskedCut(bound, 'forward', FLASHBACK_RANGE_PRECISION_MS).ms;
              const to = query.to === undefined ? cut : Math.min(Date.parse(query.to), cut);
              const ranged = { ...query, to: new Date(to).toISOString() };
              return async (window) => {
                const { items, total } = await fetchWindow(client, ranged, window);
                return { items: items.map(toConversation), total };
              };
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
