import type { JsonValue, Message } from '../domain.js';

/**
 * What every vendor's list becomes: an ordered stream with opaque positions and sort keys. The merge (merge.ts)
 * and the connection layer see vendors only through these types; adapters build them (offsets.ts for
 * positional lists).
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

/** Where a stream leaves the walk contract no exact way (docs/live-inbox.md): said in the answer, never silent. */
export interface WalkWarning {
  /** Stable, e.g. `WALK_FROM_SNAPSHOT`. */
  code: string;
  message: string;
}

export interface StreamChunk<T> {
  /** Where this chunk could not keep the walk contract exactly. */
  warnings?: WalkWarning[];
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
