import DataLoader from 'dataloader';
import type { HttpSettings } from '../http-settings.js';
import type { UpstreamRuntime } from '../upstream-runtime.js';
import type { Conversation, ConversationFilter, Message, Person } from '../../domain.js';
import { ErrorCode, UpstreamError } from '../../errors.js';
import { createOffsetStream } from '../../streams/offsets.js';
import type { MessageStream, OrderedStream, Position, VendorAdapter, VendorSession, StreamChunk, StreamItem } from '../port.js';
import { createLimiter } from '../concurrency.js';
import {
  INTERCOM_CONTACTS_PER_SEARCH,
  INTERCOM_MAX_PER_PAGE,
  IntercomClient,
  type IntercomAdminWire,
  type IntercomConfig,
  type IntercomFullConversationWire,
} from './client.js';
import { planIntercomQuery, searchQuery, type Inclusivity, type IntercomFilterSection, type IntercomQueryPlan, type SecondBounds } from './filter.js';
import { INTERCOM_CONVERSATION_ID, INTERCOM_PROVIDER } from './ids.js';
import { after, before, boundaryOfWalk, compareForward, isAfter, isBoundary, secondsOf, type Boundary, type WalkBound } from './keyset.js';
import { detailsOf, personOfAdmin, personOfContact, personOfContactId, toConversation, toMessages, type IntercomMessages } from './mapper.js';

/**
 * Intercom adapter: newest first through `POST /conversations/search` (the list endpoint has no filter,
 * no sort and an undocumented order), with `created_at` bounds as a keyset.
 *
 * Calls per page (a page of `first: n`, sorted answers, no second holding conversations on both sides
 * of the page's edge): ONE search of `per_page = min(150, n + 1 + 5)`, forward or backward, from the start,
 * from a cursor or from the end (`last` without `before` sorts ascending: no end probe). Then, when asked:
 * members: one contact search per page (`id IN [...]` of every contact of the page) + `/admins` once per
 * request; messages: one `GET /conversations/{id}` per conversation (≤ 8 at once); totalCount: one search.
 *
 * Exactness while the inbox changes, with whole seconds and unconfirmed details:
 * - A cursor holds the key of its edge ([second, id, side]), never an offset or Intercom's cursor: the next
 *   page asks `created_at` up to that second and drops what is not after the key, so additions and
 *   deletions between pages shift nothing.
 * - `>` and `<` may or may not include equality: each bound is asked one second wider and the answer
 *   refined locally; an answer holding the bound itself shows `>`/`<` inclusive, and later queries are
 *   exact (`Inclusivity`). Counts, which cannot be refined locally, first learn both once (`calibrate`).
 * - Ties within a second: the conversations of the oldest second in a full answer may continue on the
 *   vendor's next page, so they are held back; when a whole answer is one second, that second is read
 *   completely (following Intercom's cursors) and ordered by id here.
 * - Every answer's order is checked. When Intercom ignores `sort` (the field is missing from its OpenAPI),
 *   the adapter switches to windows: it finds a `created_at` window holding what the page needs but at most
 *   150 conversations (galloping and bisecting its width, one search each), reads it whole and sorts it here.
 *   That costs 3–7 searches a page instead of one (see README.md for the measured figures).
 */

export interface IntercomAdapterOptions {
  /** Conversations read at once for messages and look-ups, per GraphQL request (default 8). */
  concurrency?: number;
  /** Clock (window mode's upper end when the filter has none). */
  now?: () => number;
  /** Teammates (`GET /admins`) are reused for this long (default 5 min). */
  adminsTtlMs?: number;
}

/** Extra conversations asked for beyond the page's look-ahead, so ties at the answer's edge rarely shorten a page. */
export const TIE_SLACK = 5;
/** Most pages followed to read one second whole (150 each). */
export const MAX_PAGES_PER_SECOND = 20;
/** Window mode: the largest window read whole (one answer). */
export const WINDOW_LIMIT = INTERCOM_MAX_PER_PAGE;
const MAX_WINDOW_PROBES = 40;
const NO_MESSAGES: IntercomMessages = { count: 0, slice: () => [], find: () => null, truncated: false };

/** The messages of one conversation and whether Intercom's 500-part cap cut older ones off. */
export type MessageStreamWithTruncation = MessageStream & { truncated(): Promise<boolean> };

interface Answer {
  items: Conversation[];
  total: number;
  nextCursor: string | null;
  /** The answer was in the order asked for. */
  ordered: boolean;
}

function outOfBounds(): UpstreamError {
  return new UpstreamError('INTERCOM answered conversations outside the created_at bounds asked for', { provider: INTERCOM_PROVIDER, code: ErrorCode.UPSTREAM_BAD_RESPONSE });
}

function chunkOf(items: Conversation[], next: Boundary, hasMore: boolean): StreamChunk<Conversation> {
  const entries: StreamItem<Conversation>[] = items.map((item) => ({ item, before: before(item), after: after(item) }));
  return { items: entries, next, hasMore };
}

export function createIntercomAdapter(
  config: IntercomConfig,
  http: HttpSettings,
  section: (filter: ConversationFilter) => IntercomFilterSection | null,
  options: IntercomAdapterOptions = {},
  runtime?: UpstreamRuntime,
): VendorAdapter {
  const client = new IntercomClient(config, http, runtime);
  const now = options.now ?? Date.now;
  const concurrency = options.concurrency ?? 8;
  const adminsTtlMs = options.adminsTtlMs ?? 300_000;
  /** What answers have shown about `>`/`<` (per process: a property of the vendor, not of a request). */
  const inclusivity: Inclusivity = { greaterIncludes: false, lessIncludes: false };
  /** Set once an answer ignored `sort`: from then on pages are read as windows. */
  let sortIgnored = false;
  let calibration: Promise<void> | null = null;
  let admins: { at: number; byId: Promise<Map<string, IntercomAdminWire>> } | null = null;

  const adminsById = (): Promise<Map<string, IntercomAdminWire>> => {
    if (!admins || now() - admins.at > adminsTtlMs) {
      const pending = client.listAdmins().then((list) => new Map(list.map((admin) => [String(admin.id), admin])));
      pending.catch(() => {
        if (admins?.byId === pending) admins = null;
      });
      admins = { at: now(), byId: pending };
    }
    return admins.byId;
  };

  const search = async (
    plan: IntercomQueryPlan,
    contactIds: readonly string[] | null,
    bounds: SecondBounds,
    order: 'ascending' | 'descending',
    perPage: number,
    startingAfter: string | null = null,
    onItem?: (conversation: Conversation) => void,
  ): Promise<Answer> => {
    const page = await client.searchConversations({
      query: searchQuery(plan.filters, contactIds, bounds, inclusivity),
      pagination: { per_page: perPage, ...(startingAfter ? { starting_after: startingAfter } : {}) },
      sort: { field: 'created_at', order },
    });
    const items = page.conversations.map(toConversation);
    let ordered = true;
    for (let i = 1; i < items.length; i += 1) {
      const step = secondsOf(items[i] as Conversation) - secondsOf(items[i - 1] as Conversation);
      if (order === 'descending' ? step > 0 : step < 0) ordered = false;
    }
    for (const item of items) {
      const seconds = secondsOf(item);
      // The bound itself came back: that operator includes equality (asked one second wider, it went two).
      if (bounds.atMost !== null && !inclusivity.lessIncludes && seconds === bounds.atMost + 1) inclusivity.lessIncludes = true;
      if (bounds.atLeast !== null && !inclusivity.greaterIncludes && seconds === bounds.atLeast - 1) inclusivity.greaterIncludes = true;
      onItem?.(item);
    }
    return { items, total: page.totalCount, nextCursor: page.nextCursor, ordered };
  };

  /**
   * Learns once whether `>` and `<` include equality, and checks that search compares dates to the second
   * (contact search matches them by day; for conversations that is unconfirmed): three searches for one
   * known conversation, plus one to find it.
   */
  const calibrate = (): Promise<void> => {
    calibration ??= (async () => {
      const one = await client.searchConversations({ query: { field: 'created_at', operator: '>', value: 0 }, pagination: { per_page: 1 } });
      const known = one.conversations[0];
      if (!known) return;
      const probe = async (extra: Array<{ field: string; operator: string; value: number }>): Promise<boolean> =>
        (await client.searchConversations({ query: { operator: 'AND', value: [{ field: 'id', operator: '=', value: known.id }, ...extra] }, pagination: { per_page: 1 } }))
          .totalCount > 0;
      const c = known.created_at;
      if (!(await probe([{ field: 'created_at', operator: '>', value: c - 1 }, { field: 'created_at', operator: '<', value: c + 1 }]))) {
        throw new UpstreamError('INTERCOM search does not compare created_at to the second: windows and counts cannot be exact', {
          provider: INTERCOM_PROVIDER,
          code: ErrorCode.UPSTREAM_BAD_RESPONSE,
        });
      }
      inclusivity.greaterIncludes = await probe([{ field: 'created_at', operator: '>', value: c }]);
      inclusivity.lessIncludes = await probe([{ field: 'created_at', operator: '<', value: c }]);
    })();
    calibration.catch(() => {
      calibration = null;
    });
    return calibration;
  };

  const openSession = (): VendorSession => {
    const limit = createLimiter(concurrency);
    /** Conversations as lists and searches returned them (no parts). */
    const listed = new Map<string, Conversation>();
    /** Every contact id of the stream chunk a conversation came in: its members are looked up with the chunk's. */
    const chunkContacts = new Map<string, string[]>();
    const full = new DataLoader<string, IntercomFullConversationWire | null>((ids) =>
      Promise.all(ids.map((id) => limit(() => client.getConversation(id)).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))))),
    );
    const contacts = new DataLoader<string, Person | null>(
      async (ids) => {
        const found = await client.contactsById(ids);
        const byId = new Map(found.map((contact) => [contact.id, personOfContact(contact)]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      { maxBatchSize: INTERCOM_CONTACTS_PER_SEARCH },
    );
    /** Per conversation read, so a message mapped for a page is not mapped again for its count or a look-up. */
    const mapped = new WeakMap<IntercomFullConversationWire, IntercomMessages>();
    const messagesOf = async (id: string): Promise<IntercomMessages> => {
      const wire = await full.load(id);
      if (!wire) return NO_MESSAGES;
      let messages = mapped.get(wire);
      if (!messages) mapped.set(wire, (messages = toMessages(wire)));
      return messages;
    };

    const remember = (items: readonly Conversation[]): void => {
      const ids = [...new Set(items.flatMap((item) => detailsOf(item).contactIds))];
      for (const item of items) {
        listed.set(item.providerId, item);
        chunkContacts.set(item.providerId, ids);
      }
    };

    const conversations = (filter: ConversationFilter): OrderedStream<Conversation> => {
      const plan = planIntercomQuery(filter, section(filter), { aiOnly: config.aiOnly, version: config.version });
      let contactIds: Promise<string[] | null> | null = null;
      const resolveContacts = (): Promise<string[] | null> => {
        contactIds ??= plan.contactEmail === null ? Promise.resolve(null) : client.contactsByEmail(plan.contactEmail).then((found) => found.map((contact) => contact.id));
        return contactIds;
      };
      const keep = async (): Promise<(conversation: Conversation) => boolean> => {
        const ids = await resolveContacts();
        const set = ids ? new Set(ids) : null;
        return (conversation) => plan.keep(conversation, set);
      };
      const nothing = async (): Promise<boolean> => plan.empty || (await resolveContacts())?.length === 0;

      /** Every conversation of one second, read whole and ordered here. */
      const wholeSecond = async (second: number, ids: string[] | null): Promise<Conversation[]> => {
        const found = new Map<string, Conversation>();
        let cursor: string | null = null;
        for (let page = 0; page < MAX_PAGES_PER_SECOND; page += 1) {
          const answer = await search(plan, ids, { atLeast: second, atMost: second }, 'descending', INTERCOM_MAX_PER_PAGE, cursor);
          for (const item of answer.items) if (secondsOf(item) === second) found.set(item.providerId, item);
          cursor = answer.nextCursor;
          if (!cursor) return [...found.values()].sort(compareForward);
        }
        throw new UpstreamError(`INTERCOM holds more than ${MAX_PAGES_PER_SECOND * INTERCOM_MAX_PER_PAGE} conversations in one second`, {
          provider: INTERCOM_PROVIDER,
          code: ErrorCode.UPSTREAM_BAD_RESPONSE,
        });
      };

      /**
       * Window mode (the vendor ignores `sort`): a window of `created_at` next to the boundary holding at most
       * WINDOW_LIMIT conversations and, when the list has them, more than `count`; read whole, sorted here.
       */
      const window = async (
        direction: 'forward' | 'backward',
        edge: number,
        far: number | null,
        count: number,
        accept: (conversation: Conversation) => boolean,
        ids: string[] | null,
      ): Promise<{ items: Conversation[]; exhausted: boolean }> => {
        const bounds = (width: number): SecondBounds =>
          direction === 'forward'
            ? { atMost: edge, atLeast: far === null ? edge - width + 1 : Math.max(far, edge - width + 1) }
            : { atLeast: edge, atMost: far === null ? edge + width - 1 : Math.min(far, edge + width - 1) };
        const whole = await search(plan, ids, direction === 'forward' ? { atMost: edge, atLeast: far } : { atLeast: edge, atMost: far }, 'descending', INTERCOM_MAX_PER_PAGE);
        if (whole.total <= WINDOW_LIMIT) return { items: whole.items.filter(accept).sort(compareForward), exhausted: true };
        let width = 3600;
        let tooSmall = 0;
        let tooLarge = Number.POSITIVE_INFINITY;
        for (let probe = 0; probe < MAX_WINDOW_PROBES; probe += 1) {
          const span = bounds(width);
          const answer = await search(plan, ids, span, 'descending', INTERCOM_MAX_PER_PAGE);
          const covers = direction === 'forward' ? span.atLeast === far : span.atMost === far;
          if (answer.total > WINDOW_LIMIT) {
            if (width === 1) {
              const second = await wholeSecond(edge, ids);
              return { items: second.filter(accept), exhausted: false };
            }
            tooLarge = width;
          } else {
            const items = answer.items.filter(accept).sort(compareForward);
            if (items.length === 0 && !covers && tooLarge - width <= 1) {
              // One second just past this window holds more than a window: read that second whole.
              const second = await wholeSecond(direction === 'forward' ? edge - width : edge + width, ids);
              return { items: second.filter(accept), exhausted: false };
            }
            if (items.length > count || covers || answer.total >= whole.total || tooLarge - width <= 1) {
              return { items, exhausted: covers || answer.total >= whole.total };
            }
            tooSmall = width;
          }
          width = Number.isFinite(tooLarge) ? Math.max(1, Math.floor((tooSmall + tooLarge) / 2)) : width * 4;
        }
        throw new UpstreamError('INTERCOM ignores sort and no window of created_at could be read whole', { provider: INTERCOM_PROVIDER, code: ErrorCode.UPSTREAM_BAD_RESPONSE });
      };

      const forward = async (start: Position | null, count: number, retried = false): Promise<StreamChunk<Conversation>> => {
        const boundary = start as Boundary | null;
        const atMost = boundary ? (plan.highest === null ? boundary[0] : Math.min(boundary[0], plan.highest)) : plan.highest;
        const atLeast = plan.lowest;
        const end: Boundary = boundary ?? [atMost ?? Math.floor(now() / 1000) + 86_400, null, 0];
        if ((atMost !== null && atLeast !== null && atMost < atLeast) || (await nothing())) return chunkOf([], end, false);
        const ids = await resolveContacts();
        const accept = ((keeper) => (c: Conversation) => keeper(c) && (!boundary || isAfter(c, boundary)))(await keep());
        if (sortIgnored) {
          const edge = atMost ?? Math.floor(now() / 1000) + 86_400;
          const { items, exhausted } = await window('forward', edge, atLeast, count, accept, ids);
          const emitted = items.slice(0, count);
          remember(emitted);
          const last = emitted[emitted.length - 1];
          return chunkOf(emitted, last ? after(last) : end, items.length > count || !exhausted);
        }
        const perPage = Math.min(INTERCOM_MAX_PER_PAGE, count + 1 + TIE_SLACK);
        const answer = await search(plan, ids, { atLeast, atMost }, 'descending', perPage);
        if (!answer.ordered) {
          sortIgnored = true;
          return forward(start, count);
        }
        let candidates = answer.items.filter(accept).sort(compareForward);
        let hasMore = candidates.length > count;
        if (answer.nextCursor) {
          hasMore = true;
          const cut = secondsOf(answer.items[answer.items.length - 1] as Conversation);
          // A full answer of the second just above the bound: `<` proved inclusive (learned in search); ask again, exactly.
          if (atMost !== null && cut > atMost) {
            if (retried) throw outOfBounds();
            return forward(start, count, true);
          }
          const complete = candidates.filter((c) => secondsOf(c) > cut);
          if (complete.length === 0) {
            // The whole answer is one second (or all the rest was refined away): read that second whole.
            candidates = (await wholeSecond(cut, ids)).filter(accept);
            const emitted = candidates.slice(0, count);
            remember(emitted);
            const last = emitted[emitted.length - 1];
            const next: Boundary = last && candidates.length > count ? after(last) : [cut - 1, null, 0];
            const more = candidates.length > count || atLeast === null || cut - 1 >= atLeast;
            return chunkOf(emitted, next, more);
          }
          candidates = complete;
        }
        const emitted = candidates.slice(0, count);
        remember(emitted);
        const last = emitted[emitted.length - 1];
        return chunkOf(emitted, last ? after(last) : end, hasMore);
      };

      const backward = async (endPosition: Position | null, count: number, retried = false): Promise<StreamChunk<Conversation>> => {
        const boundary = endPosition as Boundary | null;
        // `[s, null, 0]` going backward: nothing of second s is left, the search starts at s + 1.
        const from = boundary ? (boundary[1] === null ? boundary[0] + 1 : boundary[0]) : null;
        const atLeast = from === null ? plan.lowest : plan.lowest === null ? from : Math.max(from, plan.lowest);
        const atMost = plan.highest;
        const start: Boundary = boundary ?? [atLeast === null ? 0 : atLeast - 1, null, 0];
        if ((atMost !== null && atLeast !== null && atMost < atLeast) || (await nothing())) return chunkOf([], start, false);
        const ids = await resolveContacts();
        const accept = ((keeper) => (c: Conversation) => keeper(c) && (!boundary || !isAfter(c, boundary)))(await keep());
        /** Nearest the boundary first: the reverse of the stream's order. */
        const walkOrder = (a: Conversation, b: Conversation): number => compareForward(b, a);
        if (sortIgnored) {
          const { items, exhausted } = await window('backward', atLeast ?? 0, atMost, count, accept, ids);
          items.sort(walkOrder);
          const emitted = items.slice(0, count);
          remember(emitted);
          const last = emitted[emitted.length - 1];
          return chunkOf(emitted, last ? before(last) : start, items.length > count || !exhausted);
        }
        const perPage = Math.min(INTERCOM_MAX_PER_PAGE, count + 1 + TIE_SLACK);
        const answer = await search(plan, ids, { atLeast, atMost }, 'ascending', perPage);
        if (!answer.ordered) {
          sortIgnored = true;
          return backward(endPosition, count);
        }
        let candidates = answer.items.filter(accept).sort(walkOrder);
        let hasMore = candidates.length > count;
        if (answer.nextCursor) {
          hasMore = true;
          const cut = secondsOf(answer.items[answer.items.length - 1] as Conversation);
          if (atLeast !== null && cut < atLeast) {
            if (retried) throw outOfBounds();
            return backward(endPosition, count, true);
          }
          const complete = candidates.filter((c) => secondsOf(c) < cut);
          if (complete.length === 0) {
            candidates = (await wholeSecond(cut, ids)).filter(accept).sort(walkOrder);
            const emitted = candidates.slice(0, count);
            remember(emitted);
            const last = emitted[emitted.length - 1];
            // Past the whole second: before every item of it is "after every newer one", i.e. [cut + 1, null, 0] going back.
            const next: Boundary = last && candidates.length > count ? before(last) : [cut, null, 0];
            const more = candidates.length > count || atMost === null || cut + 1 <= atMost;
            return chunkOf(emitted, next, more);
          }
          candidates = complete;
        }
        const emitted = candidates.slice(0, count);
        remember(emitted);
        const last = emitted[emitted.length - 1];
        return chunkOf(emitted, last ? before(last) : start, hasMore);
      };

      const count = async (): Promise<number> => {
        if (await nothing()) return 0;
        const ids = await resolveContacts();
        if (plan.lowest !== null || plan.highest !== null) await calibrate();
        const answer = await client.searchConversations({
          query: searchQuery(plan.filters, ids, { atLeast: plan.lowest, atMost: plan.highest }, inclusivity),
          pagination: { per_page: 1 },
        });
        return answer.totalCount;
      };

      // The walk's bound (the merge's truth of where the walk stands) wins over the position it came with:
      // both are keys here, so a position issued before the bound was known still resumes exactly.
      const fromWalk = (walk: { bound?: WalkBound | null } | undefined, direction: 'forward' | 'backward'): Boundary | null =>
        walk?.bound ? boundaryOfWalk(walk.bound, direction) : null;
      return {
        isPosition: isBoundary,
        forward: (start: Position | null, wanted: number, walk?: { bound?: WalkBound | null }) => forward(fromWalk(walk, 'forward') ?? start, wanted),
        backward: (end: Position | null, wanted: number, walk?: { bound?: WalkBound | null }) => backward(fromWalk(walk, 'backward') ?? end, wanted),
        count,
      };
    };

    /**
     * A batch's contacts by id, read once per batch: every conversation of a chunk shares its batch (the same
     * array), and reading the whole batch again for each of them grew with the square of the page (measured in
     * docs/benchmarks.md, "Second round").
     */
    const batches = new WeakMap<readonly string[], Promise<{ byId: Map<string, Person | null>; failure: Error | null }>>();
    const contactsOf = (batch: readonly string[]) => {
      let read = batches.get(batch);
      if (!read) {
        read = contacts.loadMany(batch).then((people) => {
          const byId = new Map<string, Person | null>();
          let failure: Error | null = null;
          batch.forEach((id, index) => {
            const person = people[index];
            if (person instanceof Error) failure ??= person;
            else byId.set(id, person ?? null);
          });
          return { byId, failure };
        });
        batches.set(batch, read);
      }
      return read;
    };

    const members = async (conversation: Conversation): Promise<Person[]> => {
      const details = detailsOf(conversation);
      // The whole chunk's contacts in one batch: one contact search per page of conversations.
      const batch = chunkContacts.get(conversation.providerId) ?? details.contactIds;
      const [{ byId, failure }, teammates] = await Promise.all([
        contactsOf(batch.length > 0 ? batch : details.contactIds),
        details.teammateIds.length > 0 ? adminsById() : Promise.resolve(new Map<string, IntercomAdminWire>()),
      ]);
      if (failure) throw failure;
      return [
        ...details.contactIds.map((id) => byId.get(id) ?? personOfContactId(id)),
        ...details.teammateIds.map((id) => personOfAdmin(id, teammates.get(id))),
      ];
    };

    const session: VendorSession = {
      provider: INTERCOM_PROVIDER,
      conversations,
      loadConversation: async (key) => {
        if (!INTERCOM_CONVERSATION_ID.pattern.test(key.providerId)) return null;
        const known = listed.get(key.providerId);
        if (known) return known;
        const wire = await full.load(key.providerId);
        if (!wire) return null;
        const conversation = toConversation(wire);
        return config.aiOnly && !detailsOf(conversation).aiAgent.participated ? null : conversation;
      },
      keyOf: (conversation) => ({ providerId: conversation.providerId, createdAtMs: conversation.createdAt.getTime(), hint: null }),
      creator: async (conversation) => conversation.creator,
      members,
      messages: (conversation): MessageStreamWithTruncation => {
        const load = () => messagesOf(conversation.providerId);
        const stream = createOffsetStream<Message>({
          reportsTotal: true,
          fetch: async ({ offset, limit: size }) => {
            const messages = await load();
            return { items: messages.slice(offset, size), total: messages.count };
          },
          count: async () => (await load()).count,
        });
        return { ...stream, truncated: async () => (await load()).truncated };
      },
      loadMessage: async (key) => {
        const id = key.conversation.providerId;
        if (!INTERCOM_CONVERSATION_ID.pattern.test(id)) return null;
        return (await messagesOf(id)).find(key.providerId);
      },
    };
    return session;
  };

  return {
    provider: INTERCOM_PROVIDER,
    capabilities: { backward: true, totalCount: true, messages: true },
    openSession,
    close: () => client.close(),
  };
}
