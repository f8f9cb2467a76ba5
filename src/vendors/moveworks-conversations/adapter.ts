import DataLoader from 'dataloader';
import type { HttpSettings } from '../http-settings.js';
import type { UpstreamRuntime } from '../upstream-runtime.js';
import { DEFAULT_SCAN_SETTINGS, type ScanSettings } from '../../streams/scan-settings.js';
import { parseInstant, type Conversation } from '../../domain.js';
import { ErrorCode, UpstreamError } from '../../errors.js';
import { compareConversationKeys, conversationKey, mergeStreams } from '../../streams/merge.js';
import { currentPhaseView } from '../../request-scope.js';
import { storeKey, storeOf } from '../../streams/counting.js';
import type { ConversationKey, OrderedStream, Position, VendorAdapter, VendorSession, WalkContext, WalkWarning } from '../port.js';
import {
  MOVEWORKS_CONVERSATIONS_MAX_LIMIT,
  DEFAULT_SCAN_LIMIT,
  MoveworksConversationsClient,
  type MoveworksConversationsConfig,
  type MoveworksConversationWire,
  type MoveworksMessageWire,
  type MoveworksPage,
} from './client.js';
import { inCreatedRange, planScan, type MoveworksScanPlan } from './filter.js';
import { toConversation, toMessage } from './mapper.js';
import { createMessageStream, loadAllPages, type Placed } from './messages.js';
import { IndexView, ScanIndex, createScanMemory, type ScanScope } from './scan-index.js';
import { createEmptyScanStream, createWatermarkStream } from './watermark.js';

/**
 * Moveworks Conversations (beta): forward-only opaque cursors over a list
 * ordered by `updated_at`; the graph wants `createdAt`. See watermark.ts for
 * the merge by watermark and its cost, messages.ts for the messages.
 *
 * - conversations forward: the watermark merge, live. Upstream pages are
 *   always limit 100 and cached per request by (archived, cursor).
 * - conversations backward and totalCount: cut from a scan index per
 *   archived state (scan-index.ts), shared through the store and reused for
 *   SCAN_INDEX_TTL_MS. Cost: a cold index is one scan, ⌈N/100⌉ requests per
 *   archived state (fewer with `createdAt.from`); then 0 per page or count.
 * - loadConversation: no look-up by id in the contract. The global id
 *   carries the creation instant; one batched scan per archived state stops
 *   once `updated_at` falls below the oldest pending key's creation instant
 *   (nothing unseen can be it), or when every key is found.
 * - creator/members: the vendor's data has no people (null / []).
 */

/**
 * Vendor ids: `conv_` and a ULID in COMPANIONS.md ("a base-62 identifier
 * prefixed by a short resource type" in the vendor's newer reference), so
 * accept any alphanumeric tail. Anything else cannot exist: null without a call.
 */
const CONVERSATION_ID = /^conv_[0-9A-Za-z]{1,64}$/;

const PROVIDER = 'MOVEWORKS_CONVERSATIONS';

/** Backward pages are cut from a scan index: the walk contract holds as of its scan, not for changes since. */
const FROM_SNAPSHOT: WalkWarning = {
  code: 'WALK_FROM_SNAPSHOT',
  message:
    'Moveworks Conversations pages backward from a scan index (reused for SCAN_INDEX_TTL_MS): conversations created or updated after it was built are not in these pages. Page forward from the head for the live list.',
};

function orderViolation(what: string): () => Error {
  return () =>
    new UpstreamError(`${PROVIDER} returned ${what} out of the documented order`, {
      provider: PROVIDER,
      code: ErrorCode.UPSTREAM_ORDER_VIOLATION,
    });
}

const conversationFacts = (wire: MoveworksConversationWire) => ({
  createdAtMs: parseInstant(wire.created_at),
  updatedAtMs: parseInstant(wire.updated_at),
  id: wire.conversation_id,
});

const messageKey = (wire: MoveworksMessageWire) => ({ ms: parseInstant(wire.created_at), id: wire.message_id });

export function createMoveworksConversationsAdapter(
  config: MoveworksConversationsConfig,
  http: HttpSettings,
  scans: ScanSettings = DEFAULT_SCAN_SETTINGS,
  // The phase's view: within the list of conversations, a scan plans against the list's share of the deadline.
  scope: () => ScanScope | undefined = currentPhaseView,
  runtime?: UpstreamRuntime,
): VendorAdapter {
  const client = new MoveworksConversationsClient(config, http, runtime);
  const store = storeOf(runtime);
  const scanMemory = createScanMemory();

  const openSession = (): VendorSession => {
    /** Upstream conversation pages of this request, by archived state and cursor (limit always 100). */
    const pages = new DataLoader<{ archived: boolean; cursor: string | null }, MoveworksPage<MoveworksConversationWire>, string>(
      (keys) =>
        Promise.all(
          keys.map((key) =>
            client
              .listConversations({ ...key, limit: MOVEWORKS_CONVERSATIONS_MAX_LIMIT })
              .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
          ),
        ),
      { cacheKeyFn: (key) => JSON.stringify([key.archived, key.cursor]) },
    );

    const scan = (archived: boolean, plan: MoveworksScanPlan): OrderedStream<MoveworksConversationWire> => {
      const keep = (wire: MoveworksConversationWire): boolean => inCreatedRange(parseInstant(wire.created_at), plan.createdAt);
      const forward = createWatermarkStream<MoveworksConversationWire>({
        fetchPage: (cursor) => pages.load({ archived, cursor }),
        facts: conversationFacts,
        keep: (_wire, facts) => inCreatedRange(facts.createdAtMs, plan.createdAt),
        stopBelowMs: plan.stopBelowMs,
        orderViolation: orderViolation('conversations'),
      });
      // Built on the first backward page or count: a forward page (most of them) needs no index and no store key.
      let index: ScanIndex | null = null;
      const indexOf = (): ScanIndex => (index ??= new ScanIndex(
        {
          archived,
          fetchPage: (cursor) => pages.load({ archived, cursor }),
          stopBelowMs: plan.stopBelowMs,
          orderViolation: orderViolation('conversations'),
        },
        {
          store,
          // The scan depends on the state and on `from` only; `to` is cut locally from the same index.
          key: storeKey('scan', PROVIDER, client.credential, { archived, from: plan.stopBelowMs }),
          limit: config.scanLimit ?? DEFAULT_SCAN_LIMIT,
          ttlMs: scans.indexTtlMs,
          scope,
        },
        scanMemory,
      ));
      let view: Promise<IndexView> | null = null;
      const loadView = (): Promise<IndexView> => {
        if (!view) {
          view = indexOf().load().then((loaded) => new IndexView(loaded, keep));
          // A scan that stopped (deadline, budget, vendor failure) is tried again on the next call.
          view.catch(() => {
            view = null;
          });
        }
        return view;
      };
      return {
        ...forward,
        backward: async (end: Position | null, count: number) => ({ ...(await loadView()).backward(end, count), warnings: [FROM_SNAPSHOT] }),
        count: async () => (await loadView()).count,
      };
    };

    /**
     * Batched look-up by id. Cost: per archived state, the pages until
     * `updated_at` falls below the oldest pending key's creation instant
     * (all pages when a key has none), shared with any list scan of the
     * same request through `pages`.
     */
    const byKey = new DataLoader<ConversationKey, Conversation | null, string>(
      async (keys) => {
        const wanted = new Map<string, number>();
        for (const key of keys) {
          if (!CONVERSATION_ID.test(key.providerId)) continue;
          const floor = key.createdAtMs ?? Number.NEGATIVE_INFINITY;
          wanted.set(key.providerId, Math.min(floor, wanted.get(key.providerId) ?? Number.POSITIVE_INFINITY));
        }
        const found = new Map<string, Conversation>();
        const pendingFloor = (): number | null => {
          let floor: number | null = null;
          for (const [id, createdAtMs] of wanted) {
            if (!found.has(id)) floor = floor === null ? createdAtMs : Math.min(floor, createdAtMs);
          }
          return floor;
        };
        await Promise.all(
          [false, true].map(async (archived) => {
            let cursor: string | null = null;
            for (let floor = pendingFloor(); floor !== null; floor = pendingFloor()) {
              const page: MoveworksPage<MoveworksConversationWire> = await pages.load({ archived, cursor });
              for (const wire of page.items) {
                if (wanted.has(wire.conversation_id)) found.set(wire.conversation_id, toConversation(wire));
              }
              const last = page.items[page.items.length - 1];
              if (page.nextCursor === null || (last && parseInstant(last.updated_at) < floor)) return;
              cursor = page.nextCursor;
            }
          }),
        );
        return keys.map((key) => found.get(key.providerId) ?? null);
      },
      { cacheKeyFn: (key) => `${key.providerId}@${key.createdAtMs ?? ''}` },
    );

    /** Upstream message pages of this request, by conversation, cursor and limit. */
    const messagePages = new DataLoader<
      { conversationId: string; cursor: string | null; limit: number },
      MoveworksPage<MoveworksMessageWire>,
      string
    >(
      (keys) =>
        Promise.all(
          keys.map((key) =>
            client
              .listMessages(key.conversationId, { cursor: key.cursor, limit: key.limit })
              .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
          ),
        ),
      { cacheKeyFn: (key) => JSON.stringify([key.conversationId, key.cursor, key.limit]) },
    );
    /** Every message of a conversation, newest first, loaded once per request. */
    const allMessages = new DataLoader<string, Placed<MoveworksMessageWire>[]>((conversationIds) =>
      Promise.all(
        conversationIds.map((conversationId) =>
          loadAllPages(
            (cursor, limit) => messagePages.load({ conversationId, cursor, limit }),
            messageKey,
            orderViolation('messages'),
          ).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
        ),
      ),
    );
    const fullyLoaded = new Set<string>();

    return {
      provider: PROVIDER,
      conversations(filter) {
        const plan = planScan(filter);
        if (plan.empty) return createEmptyScanStream<Conversation>();
        const streams = plan.archived.map((archived) => ({
          key: archived ? 'archived' : 'active',
          stream: mapStream(scan(archived, plan), toConversation),
        }));
        const [only] = streams;
        return streams.length === 1 && only ? only.stream : mergeStreams(streams, compareConversationKeys, conversationKey);
      },
      loadConversation: (key) => byKey.load(key),
      keyOf: (conversation) => ({
        providerId: conversation.providerId,
        createdAtMs: conversation.createdAt.getTime(),
        hint: null,
      }),
      creator: async () => null,
      members: async () => [],
      messages(conversation) {
        const conversationId = conversation.providerId;
        const stream = createMessageStream<MoveworksMessageWire>({
          fetchPage: (cursor, limit) => messagePages.load({ conversationId, cursor, limit }),
          loadAll: () => {
            fullyLoaded.add(conversationId);
            return allMessages.load(conversationId);
          },
          loaded: () => fullyLoaded.has(conversationId),
          key: messageKey,
          orderViolation: orderViolation('messages'),
        });
        return mapStream(stream, toMessage);
      },
      // No look-up of one message: every page of its conversation (shared with `messages` in the same request).
      loadMessage: async (key) => {
        const conversationId = key.conversation.providerId;
        if (!CONVERSATION_ID.test(conversationId)) return null;
        fullyLoaded.add(conversationId);
        const placed = await allMessages.load(conversationId);
        const found = placed.find((entry) => entry.item.message_id === key.providerId);
        return found ? toMessage(found.item) : null;
      },
    };
  };

  return {
    provider: PROVIDER,
    capabilities: { backward: true, totalCount: true, messages: true },
    openSession,
    close: () => client.close(),
  };
}

/** The same stream with its items mapped; positions untouched. */
function mapStream<A, B>(stream: OrderedStream<A>, map: (item: A) => B): OrderedStream<B> {
  const mapChunk = (chunk: Awaited<ReturnType<OrderedStream<A>['forward']>>) => ({
    ...chunk,
    // Fields named, not spread: an item's positions may be getters (a merged stream packs them when read).
    items: chunk.items.map((entry) => ({ item: map(entry.item), before: entry.before, after: entry.after })),
  });
  const backward = stream.backward;
  return {
    isPosition: stream.isPosition,
    count: () => stream.count(),
    forward: async (start, count, walk) => mapChunk(await stream.forward(start, count, walk)),
    ...(backward
      ? { backward: async (end: Parameters<typeof backward>[0], count: number, walk?: WalkContext) => mapChunk(await backward(end, count, walk)) }
      : {}),
  };
}
