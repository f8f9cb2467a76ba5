import type { Conversation, ConversationFilter, JsonValue, Message, Person, Provider } from '../domain.js';
import type { HttpClientOptions } from './http.js';

/**
 * The port every vendor adapter implements. The graph sees vendors only
 * through this file: ordered streams with opaque positions, batch look-ups,
 * and people and messages of a conversation.
 */

/** Where a stream stands. Opaque to the graph; JSON so it can live in a cursor. */
export type Position = JsonValue;

export interface StreamItem<T> {
  item: T;
  /** Position just before this item, in the stream's forward order. */
  before: Position;
  /** Position just after this item, in the stream's forward order. */
  after: Position;
}

export interface StreamChunk<T> {
  /** In walk order: forward = the stream's order; backward = reversed. */
  items: StreamItem<T>[];
  /** Where the next call in the same direction continues. */
  next: Position;
  /** True when items exist beyond `next` in the walk direction. */
  hasMore: boolean;
}

/**
 * An item's place in its stream's order, as the walk contract (docs/live-inbox.md)
 * needs it: conversations are ordered by creation instant, then vendor id, both
 * descending. Ids compare as JS strings.
 */
export interface SortKey {
  ms: number;
  id: string;
}

/** An id above every vendor id: a bound `{ ms, id: ID_ABOVE_ALL }` puts every item created at `ms` after it. */
export const ID_ABOVE_ALL = '\uffff';
/** An id below every vendor id: a bound `{ ms, id: ID_BELOW_ALL }` puts every item created at `ms` before it. */
export const ID_BELOW_ALL = '';

/** Whether `key` comes strictly after `bound` in stream order (older, or as old with a smaller id). */
export function isAfterKey(key: SortKey, bound: SortKey): boolean {
  return key.ms < bound.ms || (key.ms === bound.ms && key.id < bound.id);
}

/** Whether `key` comes strictly before `bound` in stream order. */
export function isBeforeKey(key: SortKey, bound: SortKey): boolean {
  return key.ms > bound.ms || (key.ms === bound.ms && key.id > bound.id);
}

/**
 * What a call knows of the walk it serves. Positions are hints; `bound` is
 * the truth: the walk's last item as this stream orders it. A stream given a
 * bound returns only items strictly after it (forward) or strictly before it
 * (backward), and must not skip one of those because the vendor's list
 * shifted under a position hint: it verifies the hint and re-anchors.
 */
export interface WalkContext {
  /** Null at the walk's start (or from a cursor issued before keys were carried). */
  bound: SortKey | null;
}

/**
 * An ordered stream of items (conversations: newest `createdAt` first).
 * A chunk may hold fewer items than asked for (even none, e.g. after local
 * refinement) as long as `next` advanced or `hasMore` is false; the merge
 * calls again from `next` while it needs more.
 */
export interface OrderedStream<T> {
  /** Items in stream order starting at `start` (null: the beginning). */
  forward(start: Position | null, count: number, walk?: WalkContext): Promise<StreamChunk<T>>;
  /**
   * Items in reverse stream order ending just before `end` (null: the end of
   * the stream). Absent when the vendor cannot page backward.
   */
  backward?: (end: Position | null, count: number, walk?: WalkContext) => Promise<StreamChunk<T>>;
  /** Exact number of items, or null when the vendor cannot say. */
  count(): Promise<number | null>;
  /** Whether a value decoded from a cursor is a position this stream issued (shape check). */
  isPosition(value: unknown): value is Position;
}

/** A conversation's messages, oldest first. */
export interface MessageStream extends OrderedStream<Message> {
  /**
   * True when the vendor keeps only the newest messages and older ones exist that it cannot return
   * (a vendor that returns only its newest few hundred). Absent: the vendor returns every message.
   */
  truncated?(): Promise<boolean>;
}

/** What a global id carries besides provider and vendor id, to narrow look-ups. */
export interface ConversationKey {
  providerId: string;
  /** Creation instant in ms, when known. */
  createdAtMs: number | null;
  /** Vendor-specific narrowing hint (e.g. which of the vendor's lists holds it). */
  hint: string | null;
}

/** What a Message global id carries: its conversation's key and the vendor's message id. */
export interface MessageKey {
  conversation: ConversationKey;
  /** `Message.providerId`: the vendor's id, or the synthetic one where the vendor has none. */
  providerId: string;
}

export interface ProviderSession {
  readonly provider: Provider;
  /** Conversations matching the filter, newest `createdAt` first. */
  conversations(filter: ConversationFilter): OrderedStream<Conversation>;
  /** Batched per request; null when the conversation does not exist. */
  loadConversation(key: ConversationKey): Promise<Conversation | null>;
  /** The key that `loadConversation` accepts for this conversation (goes into its global id). */
  keyOf(conversation: Conversation): ConversationKey;
  creator(conversation: Conversation): Promise<Person | null>;
  members(conversation: Conversation): Promise<Person[]>;
  /** Messages oldest first, or null when the vendor has no messages (say why in `capabilities`). */
  messages(conversation: Conversation): MessageStream | null;
  /**
   * One message found again by its key, batched per request with the
   * conversation's other look-ups; null when it does not exist (or the vendor
   * has no messages). Ids that cannot be the vendor's answer null without a call.
   */
  loadMessage(key: MessageKey): Promise<Message | null>;
}

export interface ProviderCapabilities {
  backward: boolean;
  totalCount: boolean;
  messages: boolean;
}

export interface ProviderAdapter {
  readonly provider: Provider;
  readonly capabilities: ProviderCapabilities;
  /** Built once per GraphQL request: its loaders live and die with the request. */
  openSession(): ProviderSession;
  close(): Promise<void>;
}

export type { HttpClientOptions };
