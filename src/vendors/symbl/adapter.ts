import DataLoader from 'dataloader';
import type { HttpSettings } from '../http-settings.js';
import type { UpstreamRuntime } from '../upstream-runtime.js';
import { DEFAULT_SCAN_SETTINGS, type ScanSettings } from '../../streams/scan-settings.js';
import { conversationKey } from '../../streams/merge.js';
import type { Conversation, ConversationFilter, JsonValue, Message, Person } from '../../domain.js';
import { ErrorCode, UpstreamError } from '../../errors.js';
import { countKeptAll, createCountCache, memoizeWindows, probeEnd, storeKey, storeOf } from '../../streams/counting.js';
import { END_PROBE_BLOCK, createListStream, createOffsetStream, type OffsetWindow } from '../../streams/offsets.js';
import { overAskedCut, type CutFetch } from '../../streams/ranged.js';
import type { OrderedStream, VendorAdapter, VendorSession } from '../port.js';
import { isPathSegmentId } from '../path-segment.js';
import { SymblClient, type SymblConfig } from './client.js';
import { createLimiter, type Limiter } from '../concurrency.js';
import { SYMBL_FILTER, planSymblQuery, symblListQueries, type SymblListParams } from './filter.js';
import { toConversation, toMessage, toPerson } from './mapper.js';

/**
 * Symbl.ai adapter: limit/offset over `GET /conversations?order=desc&
 * sort=conversation.startTime&startTime=…`, newest startTime first.
 *
 * Positions are upstream offsets in that list (with the pushed-down filter
 * applied upstream); local refinement keeps them exact. Forward: one request
 * per chunk (`limit` = count + 1 to learn whether more follow). Backward from
 * a cursor: one request per chunk. Backward from the end (`last` without
 * `before`): the vendor reports no total, so the end is found by galloping
 * and bisecting over blocks of 100 (createOffsetStream) — 3 requests for 260
 * matching conversations — then one request for the chunk.
 *
 * totalCount: the vendor does not count. When the whole filter is pushed
 * down, the count is the end of the filtered list, found by the same block
 * probes (≤ 2·log2(N/100) + 3 requests). When part of it is only applied
 * locally (`nameContains`, metadata beyond two selectors), the whole pushed-
 * down list is read in blocks of COUNT_READ_BLOCK: ⌈(N + 1) / 1000⌉ requests.
 * Counts are cached in the shared store for `COUNT_TTL_MS`.
 *
 * Look-ups by id: `GET /conversations/{id}` per distinct id (deduplicated by
 * the loader, primed by list pages), at most `concurrency` in flight per
 * request, shared with `/messages` and `/members`. The list cannot serve
 * look-ups (e.g. `conversation.id=in=(…)`) without losing conversations still
 * running, which its default `endTime = now` hides.
 */

export interface SymblAdapterOptions {
  /** Requests in flight per GraphQL request for look-ups, messages and members (default 8). */
  concurrency?: number;
  /** Clock for "a lower bound in the future matches nothing" (default Date.now). */
  now?: () => number;
}

export const SYMBL_DEFAULT_CONCURRENCY = 8;

/**
 * Symbl compares `startTime` (the parameter and the RSQL selector) as ISO 8601 instants with milliseconds;
 * its docs do not say whether `=lt=`/`startTime` ends include the instant itself, so range keysets over-ask
 * by one millisecond (ranged.ts) and drop what they have shown.
 */
export const SYMBL_RANGE_PRECISION_MS = 1;

/** Block of a full read when counting a filter refined locally (the vendor accepts up to 65,536 per request). */
export const COUNT_READ_BLOCK = 1000;

/** Throws when the vendor breaks the order the stream relies on (startTime non-increasing). */
export function checkNewestFirst(items: Conversation[]): void {
  for (let i = 1; i < items.length; i += 1) {
    if ((items[i] as Conversation).createdAt.getTime() > (items[i - 1] as Conversation).createdAt.getTime()) {
      throw new UpstreamError('SYMBL returned conversations out of order', {
        provider: 'SYMBL',
        code: ErrorCode.UPSTREAM_ORDER_VIOLATION,
      });
    }
  }
}

/** Upstream items [offset, offset + limit), newest first, in calls of at most 65536. */
async function fetchWindow(client: SymblClient, params: SymblListParams, window: OffsetWindow, order: 'asc' | 'desc' = 'desc'): Promise<Conversation[]> {
  const items: Conversation[] = [];
  for (const query of symblListQueries(params, window, order)) {
    const page = await client.listConversations(query);
    items.push(...page.map(toConversation));
    if (page.length < query.limit) break;
  }
  return items;
}

/** A list stream over a list loaded on first use (messages: one upstream call, however many pages). */
function lazyListStream<T>(load: () => Promise<readonly T[]>): OrderedStream<T> {
  return createOffsetStream<T>({
    reportsTotal: true,
    fetch: async ({ offset, limit }) => {
      const list = await load();
      return { items: list.slice(offset, offset + limit), total: list.length };
    },
    count: async () => (await load()).length,
  });
}

function settle<T>(limit: Limiter, keys: readonly string[], load: (key: string) => Promise<T>): Promise<Array<T | Error>> {
  return Promise.all(
    keys.map((key) =>
      limit(() => load(key)).catch((error: unknown) => (error instanceof Error ? error : new Error('Symbl look-up failed'))),
    ),
  );
}

export function createSymblAdapter(
  config: SymblConfig,
  http: HttpSettings,
  options: SymblAdapterOptions = {},
  scans: ScanSettings = DEFAULT_SCAN_SETTINGS,
  runtime?: UpstreamRuntime,
): VendorAdapter {
  const client = new SymblClient(config, http, runtime);
  const counts = createCountCache(storeOf(runtime), scans.countTtlMs);
  const concurrency = options.concurrency ?? SYMBL_DEFAULT_CONCURRENCY;
  const now = options.now ?? Date.now;

  const openSession = (): VendorSession => {
    const limit = createLimiter(concurrency);
    const conversationsById = new DataLoader<string, Conversation | null>((ids) =>
      settle(limit, ids, async (id) => {
        const wire = await client.getConversation(id);
        return wire ? toConversation(wire) : null;
      }),
    );
    const messagesById = new DataLoader<string, Message[]>((ids) =>
      settle(limit, ids, async (id) => {
        // A conversation that vanished since it was listed has no messages to show.
        const wire = (await client.getMessages(id)) ?? [];
        return wire.map((message) => toMessage(message, id));
      }),
    );
    const membersById = new DataLoader<string, Person[]>((ids) =>
      settle(limit, ids, async (id) => ((await client.getMembers(id)) ?? []).map(toPerson)),
    );

    return {
      provider: 'SYMBL',
      conversations(filter: ConversationFilter): OrderedStream<Conversation> {
        const plan = planSymblQuery(filter, now());
        if (plan.empty) return createListStream<Conversation>([]);
        const keep = plan.keep;
        const refinedLocally = plan.localOnly.length > 0 && keep !== null;
        // Digested when a count is asked: most pages ask none.
        const countKey = (): string =>
          storeKey('count', 'SYMBL', client.credential, {
            params: { ...plan.params },
            // The local-only parts, canonical: what the pushed-down list is refined by.
            local: refinedLocally ? JSON.parse(JSON.stringify({ filter: SYMBL_FILTER.of(filter), createdAt: filter.createdAt })) as JsonValue : null,
          });
        return createOffsetStream<Conversation>({
          reportsTotal: false,
          fetch: async (window) => {
            const items = await fetchWindow(client, plan.params, window);
            for (const conversation of items) conversationsById.prime(conversation.providerId, conversation);
            return { items, total: null };
          },
          count: () =>
            counts(countKey(), async () => {
              const read = memoizeWindows((window: OffsetWindow) => fetchWindow(client, plan.params, window));
              return refinedLocally ? countKeptAll(read, keep, COUNT_READ_BLOCK) : probeEnd(read, END_PROBE_BLOCK);
            }),
          ...(plan.keep ? { keep: plan.keep } : {}),
          checkOrder: checkNewestFirst,
          keyOf: conversationKey,
          range: {
            // Forward: `conversation.startTime=lt=` one millisecond past the bound (the selector `createdAt.to`
            // already uses); not where it would push a selector of the filter out to local refinement.
            forward: (bound) => {
              const cut = overAskedCut(bound, 'forward', SYMBL_RANGE_PRECISION_MS).ms;
              const to = filter.createdAt?.to ? Math.min(filter.createdAt.to.getTime(), cut) : cut;
              return cutList({ ...filter, createdAt: { from: filter.createdAt?.from ?? null, to: new Date(to) } }, 'desc');
            },
            // Backward: the `startTime` parameter one millisecond before the bound, oldest first (`order=asc`).
            backward: (bound) => {
              const cut = overAskedCut(bound, 'backward', SYMBL_RANGE_PRECISION_MS).ms;
              const from = filter.createdAt?.from ? Math.max(filter.createdAt.from.getTime(), cut) : cut;
              return cutList({ ...filter, createdAt: { from: new Date(from), to: filter.createdAt?.to ?? null } }, 'asc');
            },
          },
        });
        /** The list under another createdAt range (a cut at a walk's bound); null when it would refine more locally. */
        function cutList(ranged: ConversationFilter, order: 'asc' | 'desc'): CutFetch<Conversation> | null {
          const cutPlan = planSymblQuery(ranged, now());
          if (cutPlan.localOnly.length > plan.localOnly.length) return null;
          return async (window) => {
            if (cutPlan.empty) return { items: [], total: 0 };
            const items = await fetchWindow(client, cutPlan.params, window, order);
            for (const conversation of items) conversationsById.prime(conversation.providerId, conversation);
            return { items, total: null };
          };
        }
      },
      // The id goes into `GET /conversations/{id}`: one that cannot be a path segment cannot exist.
      loadConversation: async (key) => (isPathSegmentId(key.providerId) ? conversationsById.load(key.providerId) : null),
      keyOf: (conversation) => ({
        providerId: conversation.providerId,
        createdAtMs: conversation.createdAt.getTime(),
        hint: null,
      }),
      // Symbl has no creator (see mapper.ts).
      creator: async () => null,
      members: async (conversation) => conversation.members ?? membersById.load(conversation.providerId),
      messages: (conversation) => lazyListStream(() => messagesById.load(conversation.providerId)),
      // `GET /conversations/{id}/messages` once per conversation, shared with `messages`; no look-up of one message.
      loadMessage: async (key) => {
        const conversationId = key.conversation.providerId;
        if (!isPathSegmentId(conversationId)) return null;
        const messages = await messagesById.load(conversationId);
        return messages.find((message) => message.providerId === key.providerId) ?? null;
      },
    };
  };

  return {
    provider: 'SYMBL',
    capabilities: { backward: true, totalCount: true, messages: true },
    openSession,
    close: () => client.close(),
  };
}
