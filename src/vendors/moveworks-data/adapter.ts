import DataLoader from 'dataloader';
import type { HttpSettings } from '../http-settings.js';
import type { UpstreamRuntime } from '../upstream-runtime.js';
import { conversationKey } from '../../streams/merge.js';
import { detailsOf, parseInstant, type Conversation, type ConversationFilter, type Message, type Person } from '../../domain.js';
import { ErrorCode, UpstreamError } from '../../errors.js';
import { createListStream, createOffsetStream, type OffsetWindow } from '../../streams/offsets.js';
import { overAskedCut, type CutFetch } from '../../streams/ranged.js';
import type { OrderedStream, SortKey, VendorAdapter, VendorSession } from '../port.js';
import { MoveworksDataClient, type MoveworksDataConfig, type Rows, type Table, type WireInteraction } from './client.js';
import { MOVEWORKS_DATA_RANGE_PRECISION_MS, conversationScope, cutScope } from './filter.js';
import { memberIds, toConversation, toMessage, toPerson, type MoveworksDataDetails } from './mapper.js';
import { renderFilter, type Expression } from './odata.js';
import {
  CONVERSATION_FIELDS,
  chunkByQueryLength,
  conversationCountQuery,
  conversationWindowQuery,
  conversationsByIdQuery,
  interactionsByConversationQuery,
  usersByIdQuery,
  type ConversationField,
  type Query,
} from './query.js';

/**
 * Longest request URL the adapter sends. A page of 50 conversations has 50
 * distinct uuids at most (about 45 encoded characters each in an `in (…)`
 * list, ~2,400 characters of URL), so 4,000 keeps one request per page for
 * users and for interactions while staying far below common server limits
 * (8 KiB request lines and more).
 */
export const DEFAULT_MAX_URL_LENGTH = 4_000;

export interface MoveworksDataAdapterOptions {
  maxUrlLength?: number;
}

function orderViolation(): UpstreamError {
  return new UpstreamError('MOVEWORKS_DATA returned rows out of the requested order', {
    provider: 'MOVEWORKS_DATA',
    code: ErrorCode.UPSTREAM_ORDER_VIOLATION,
  });
}

/** Newest first, ties by id descending: exactly `$orderby=created_time desc,id desc`. */
function checkNewestFirst(items: Conversation[]): void {
  for (let index = 1; index < items.length; index += 1) {
    const previous = items[index - 1] as Conversation;
    const current = items[index] as Conversation;
    const earlier = previous.createdAt.getTime() - current.createdAt.getTime();
    if (earlier < 0 || (earlier === 0 && previous.providerId <= current.providerId)) throw orderViolation();
  }
}

/** Oldest first, ties by id ascending: exactly `$orderby=created_time asc,id asc`. */
function checkOldestFirst(items: readonly WireInteraction[]): void {
  for (let index = 1; index < items.length; index += 1) {
    const previous = items[index - 1] as WireInteraction;
    const current = items[index] as WireInteraction;
    const later = parseInstant(current.created_time ?? '') - parseInstant(previous.created_time ?? '');
    if (later < 0 || (later === 0 && previous.id >= current.id)) throw orderViolation();
  }
}

export function createMoveworksDataAdapter(
  config: MoveworksDataConfig,
  http: HttpSettings,
  options: MoveworksDataAdapterOptions = {},
  runtime?: UpstreamRuntime,
): VendorAdapter {
  const client = new MoveworksDataClient(config, http, runtime);
  const urlOverhead = new URL(config.baseUrl).href.replace(/\/+$/, '').length + '/records/conversations?'.length;
  const queryBudget = Math.max(256, (options.maxUrlLength ?? DEFAULT_MAX_URL_LENGTH) - urlOverhead);

  /**
   * Rows of `table` whose `field` is one of `keys`, in as few requests as the
   * URL budget allows (chunks in parallel, each following its nextLinks).
   * Answers per key: the rows, or the Error of the chunk that failed.
   */
  async function rowsByKeys<K extends Table>(
    table: K,
    keys: readonly string[],
    build: (chunk: readonly string[]) => Query,
  ): Promise<Map<string, Rows[K][] | Error>> {
    const answers = new Map<string, Rows[K][] | Error>();
    const chunks = chunkByQueryLength(keys, build, queryBudget);
    await Promise.all(
      chunks.map(async (chunk) => {
        try {
          const { rows } = await client.collect(table, build(chunk));
          for (const key of chunk) answers.set(key, []);
          for (const row of rows) {
            const key = table === 'interactions' ? (row as WireInteraction).conversation_id : (row as { id: string }).id;
            const list = answers.get(key);
            if (Array.isArray(list)) list.push(row);
          }
        } catch (error) {
          const failure = error instanceof Error ? error : new Error('lookup failed');
          for (const key of chunk) answers.set(key, failure);
        }
      }),
    );
    return answers;
  }

  const openSession = (): VendorSession => {
    /** Users by id: all the ids a page needs in one request (per URL-sized chunk). */
    const users = new DataLoader<string, Person | null>(async (ids) => {
      const found = await rowsByKeys('users', ids, usersByIdQuery);
      return ids.map((id) => {
        const rows = found.get(id);
        if (rows instanceof Error) return rows;
        const row = rows?.[0];
        return row ? toPerson(row) : null;
      });
    });

    /** Interactions by conversation id, oldest first. */
    const interactions = new DataLoader<string, WireInteraction[]>(async (ids) => {
      const found = await rowsByKeys('interactions', ids, interactionsByConversationQuery);
      return ids.map((id) => {
        const rows = found.get(id) ?? [];
        if (rows instanceof Error) return rows;
        try {
          checkOldestFirst(rows);
        } catch (error) {
          return error as Error;
        }
        return rows;
      });
    });

    /** Conversations by id (node look-ups); primed by every listed page. */
    const conversationsById = new DataLoader<string, Conversation | null>(async (ids) => {
      const found = await rowsByKeys('conversations', ids, conversationsByIdQuery);
      return ids.map((id) => {
        const rows = found.get(id);
        if (rows instanceof Error) return rows;
        const row = rows?.[0];
        return row ? toConversation(row) : null;
      });
    });

    const peopleOf = async (ids: readonly string[]): Promise<(Person | null)[]> => {
      const loaded = await users.loadMany(ids);
      return loaded.map((person) => {
        if (person instanceof Error) throw person;
        return person;
      });
    };

    const conversations = (filter: ConversationFilter): OrderedStream<Conversation> => {
      const scope = conversationScope(filter);
      if (scope.matchesNothing) return createListStream<Conversation>([]);
      const expression = scope.filter;
      if (expression) renderFilter(expression, CONVERSATION_FIELDS); // fail fast, before any request
      /** A window of the conversations matching `where`, in `order`, with the total of that set. */
      const fetchWindow = async (where: Expression<ConversationField> | null, window: OffsetWindow, order: 'desc' | 'asc' = 'desc') => {
        const { rows, count } = await client.collect('conversations', conversationWindowQuery(where, window, order), window.limit);
        if (count === null) {
          throw new UpstreamError('MOVEWORKS_DATA did not report @odata.count', {
            provider: 'MOVEWORKS_DATA',
            code: ErrorCode.UPSTREAM_BAD_RESPONSE,
          });
        }
        const items = rows.slice(0, window.limit).map(toConversation);
        for (const conversation of items) conversationsById.prime(conversation.providerId, conversation);
        return { items, total: count };
      };
      /** The list cut at a walk's bound (ranged.ts): `created_time le/ge` one millisecond past it, AND the filter. */
      const cutList = (direction: 'forward' | 'backward') => (bound: SortKey): CutFetch<Conversation> => {
        const where = cutScope(expression, direction, overAskedCut(bound, direction, MOVEWORKS_DATA_RANGE_PRECISION_MS).ms);
        return (window) => fetchWindow(where, window, direction === 'forward' ? 'desc' : 'asc');
      };
      return createOffsetStream<Conversation>({
        reportsTotal: true,
        fetch: (window) => fetchWindow(expression, window),
        count: async () => (await client.list('conversations', conversationCountQuery(expression))).count,
        checkOrder: checkNewestFirst,
        keyOf: conversationKey,
        // `$orderby` takes either direction, so both ways the list is cut at the bound (a backward cut reads
        // `created_time asc,id asc`; createOffsetStream checks it reversed).
        range: { forward: cutList('forward'), backward: cutList('backward') },
      });
    };

    const messages = (conversation: Conversation): OrderedStream<Message> => {
      const all = (): Promise<WireInteraction[]> => interactions.load(conversation.providerId);
      return createOffsetStream<Message>({
        reportsTotal: true,
        fetch: async ({ offset, limit }) => {
          const list = await all();
          const window = list.slice(offset, offset + limit);
          const senderIds = [...new Set(window.filter((row) => row.actor === 'user' && row.user_id).map((row) => row.user_id as string))];
          const senders = new Map<string, Person | null>();
          (await peopleOf(senderIds)).forEach((person, index) => senders.set(senderIds[index] as string, person));
          const items = window.map((row) =>
            toMessage(row, row.actor === 'user' && row.user_id ? (senders.get(row.user_id) ?? null) : null),
          );
          return { items, total: list.length };
        },
        count: async () => (await all()).length,
      });
    };

    /** One interaction as a message, its user sender loaded (batched with every other sender of the request). */
    const messageOf = async (row: WireInteraction): Promise<Message> => {
      const senderId = row.actor === 'user' && row.user_id ? row.user_id : null;
      const [sender] = senderId ? await peopleOf([senderId]) : [null];
      return toMessage(row, sender ?? null);
    };

    return {
      provider: 'MOVEWORKS_DATA',
      conversations,
      loadConversation: (key) => conversationsById.load(key.providerId),
      keyOf: (conversation) => ({
        providerId: conversation.providerId,
        createdAtMs: conversation.createdAt.getTime(),
        hint: null,
      }),
      creator: async (conversation) => {
        const userId = detailsOf<MoveworksDataDetails>(conversation, 'MOVEWORKS_DATA')?.userId ?? null;
        return userId ? users.load(userId) : null;
      },
      members: async (conversation) => {
        const creatorId = detailsOf<MoveworksDataDetails>(conversation, 'MOVEWORKS_DATA')?.userId ?? null;
        const turns = await interactions.load(conversation.providerId);
        const people = await peopleOf(memberIds(creatorId, turns));
        return people.filter((person): person is Person => person !== null);
      },
      messages,
      // The conversation's interactions (one `conversation_id in (…)` query for the whole batch), then its sender.
      loadMessage: async (key) => {
        const rows = await interactions.load(key.conversation.providerId);
        const row = rows.find((interaction) => interaction.id === key.providerId);
        return row ? messageOf(row) : null;
      },
    };
  };

  return {
    provider: 'MOVEWORKS_DATA',
    capabilities: { backward: true, totalCount: true, messages: true },
    openSession,
    close: () => client.close(),
  };
}
