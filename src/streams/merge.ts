import type { Conversation } from '../domain.js';
import {
  ID_ABOVE_ALL,
  ID_BELOW_ALL,
  isAfterKey,
  isBeforeKey,
  type OrderedStream,
  type Position,
  type SortKey,
  type StreamChunk,
  type StreamItem,
  type WalkContext,
  type WalkWarning,
} from './stream.js';

/**
 * The k-way merge of ordered streams. One piece of code serves every mix:
 * all vendors in one connection, and a vendor's several lists (one per bot,
 * or per archived state) as one stream.
 *
 * A merged position is a boundary vector: for each input, where it stands.
 * An edge's cursor records the boundary just before it plus its own input's
 * position just after it, so `after` and `before` both resume exactly.
 */

/** One input's place in a boundary: before its first item, past its last, or at a position it issued. */
export type Component = 'start' | 'end' | { at: Position };
export type Boundary = Record<string, Component>;

export interface MergeInput<T> {
  key: string;
  stream: OrderedStream<T>;
}

export type Direction = 'forward' | 'backward';

/**
 * A boundary as the merge builds it: each input's component, in input order. Consecutive edges share
 * every component but the taken input's, so an edge costs two short arrays, not two records of fresh
 * objects (the merge emits one per item of every inner and outer walk; most are never read).
 */
export type Components = readonly Component[];

export interface MergedEdge<T> {
  item: T;
  /** Key of the input the item came from. */
  input: string;
  /** Index of that input in the merge's inputs. */
  inputIndex: number;
  /** Boundary just before the item, in forward order. */
  before: Components;
  /** Boundary just after the item, in forward order. */
  after: Components;
}

export interface InputFailure {
  key: string;
  error: unknown;
}

export interface MergeWalk<T> {
  /** In walk order. */
  edges: MergedEdge<T>[];
  /** Where a further walk in the same direction continues (in input order). */
  next: Components;
  /** Items may remain in the walk direction (always true while an input has failed). */
  hasMore: boolean;
  failures: InputFailure[];
  /** Warnings of the inputs' chunks (their key and the warning), each once. */
  warnings: { key: string; warning: WalkWarning }[];
}

export interface WalkOptions<T = unknown> {
  /** Keep going without the inputs that fail, reporting them, instead of rejecting. */
  tolerateFailures: boolean;
  /** Further stream calls allowed per input after the first, within one walk. */
  maxRefillsPerInput: number;
  /** The walk contract: resume after the walk's last item by its key, positions only as hints. */
  keyed?: KeyedWalk<T>;
}

/**
 * The walk's last item as the merge orders it: its key and the index of its
 * input (null: the inputs share one key space, e.g. one vendor's chatbots,
 * so ties fall to the id alone).
 */
export interface MergeBound extends SortKey {
  input: number | null;
}

export interface KeyedWalk<T> {
  keyOf(item: T): SortKey;
  /** Null at the walk's start (or from a cursor issued before keys were carried). */
  bound: MergeBound | null;
  /**
   * Inputs that failed on the page before: their conversations newer than
   * the bound were deferred, not skipped, so they resume by their position
   * alone, once (the page after puts them back in order).
   */
  unbounded?: ReadonlySet<number>;
}

/** Whether `key` of input `index` lies strictly past `bound` in the walk direction. */
export function isPastBound(key: SortKey, index: number, bound: MergeBound, direction: Direction): boolean {
  const own = boundForInput(bound, index) as SortKey;
  return direction === 'forward' ? isAfterKey(key, own) : isBeforeKey(key, own);
}

/** The merge bound as input `index` orders it: ties at the bound's instant fall to the input order first. */
export function boundForInput(bound: MergeBound | null, index: number): SortKey | null {
  if (bound === null) return null;
  if (bound.input === null || bound.input === index) return { ms: bound.ms, id: bound.id };
  // A later input's items at the bound's instant all come after it; an earlier input's all before it.
  return { ms: bound.ms, id: index > bound.input ? ID_ABOVE_ALL : ID_BELOW_ALL };
}

/**
 * Largest count asked of one input on a refill after chunks that came back
 * empty (local refinement dropped everything): the ask doubles per empty chunk
 * up to this, so a run of non-matching items is crossed in few calls. It is
 * the page size every vendor accepts in one request.
 */
export const MAX_REFILL_ASK = 100;

interface InputState<T> {
  key: string;
  index: number;
  stream: OrderedStream<T>;
  buffer: StreamItem<T>[];
  /** Where the next fetch starts; null: never fetched. */
  fetchFrom: Component;
  more: boolean;
  failed: boolean;
  refills: number;
  /** Consecutive chunks that held no item: each doubles the next ask. */
  emptyChunks: number;
  /** Keyed walks: the walk's last item as this input orders it (the cursor's, then this input's last item). */
  bound: SortKey | null;
  /** Keyed walks: the cursor's bound as this input orders it (null: none, or the input resumes unbounded). */
  cursorBound: SortKey | null;
  /** The component of the buffer's head, kept while that item is the head: snapshots share it. */
  headComponent: Component | null;
  headFor: StreamItem<T> | null;
}

function toPosition(component: Component): Position | null {
  return typeof component === 'object' ? component.at : null;
}

/** Walks the merge of `inputs` from `boundary`, collecting up to `count` items. */
export async function walkMerge<T>(
  inputs: MergeInput<T>[],
  compare: (a: T, b: T) => number,
  direction: Direction,
  boundary: Boundary,
  count: number,
  options: WalkOptions<T>,
): Promise<MergeWalk<T>> {
  const forward = direction === 'forward';
  const failures: InputFailure[] = [];
  const warnings: { key: string; warning: WalkWarning }[] = [];
  const keyed = options.keyed;
  const states: InputState<T>[] = inputs.map((input, index) => {
    const component = boundary[input.key] ?? (forward ? 'start' : 'end');
    // Nothing lies after the end going forward, nor before the start going backward.
    const exhausted = forward ? component === 'end' : component === 'start';
    return {
      key: input.key,
      index,
      stream: input.stream,
      buffer: [],
      fetchFrom: component,
      more: !exhausted,
      failed: false,
      refills: -1,
      emptyChunks: 0,
      bound: keyed && !keyed.unbounded?.has(index) ? boundForInput(keyed.bound, index) : null,
      cursorBound: keyed && !keyed.unbounded?.has(index) ? boundForInput(keyed.bound, index) : null,
      headComponent: null,
      headFor: null,
    };
  });
  /** Keyed walks: whether an item lies past the walk's bound in the walk direction. */
  const pastBound = (state: InputState<T>, item: T): boolean => {
    if (!keyed) return true;
    const bound = state.cursorBound;
    if (bound === null) return true;
    const key = keyed.keyOf(item);
    return forward ? isAfterKey(key, bound) : isBeforeKey(key, bound);
  };

  const fetch = async (state: InputState<T>, remaining: number): Promise<void> => {
    state.refills += 1;
    const wanted =
      state.emptyChunks === 0 ? remaining : Math.max(remaining, Math.min(MAX_REFILL_ASK, remaining * 2 ** state.emptyChunks));
    const from = toPosition(state.fetchFrom);
    const walk: WalkContext | undefined = keyed ? { bound: state.bound } : undefined;
    let chunk: StreamChunk<T>;
    try {
      if (forward) {
        chunk = await state.stream.forward(from, wanted, walk);
      } else {
        if (!state.stream.backward) throw new Error(`input ${state.key} cannot walk backward`);
        chunk = await state.stream.backward(from, wanted, walk);
      }
    } catch (error) {
      if (!options.tolerateFailures) throw error;
      state.failed = true;
      state.buffer = [];
      failures.push({ key: state.key, error });
      return;
    }
    for (const warning of chunk.warnings ?? []) {
      if (!warnings.some((seen) => seen.key === state.key && seen.warning.code === warning.code)) warnings.push({ key: state.key, warning });
    }
    // The streams keep to the bound; the merge checks it again, so one that only pages by offsets cannot repeat or reorder.
    const items = keyed ? chunk.items.filter((entry) => pastBound(state, entry.item)) : chunk.items;
    const lastItem = items[items.length - 1];
    if (keyed && lastItem) state.bound = keyed.keyOf(lastItem.item);
    state.buffer.push(...items);
    state.emptyChunks = items.length === 0 ? state.emptyChunks + 1 : 0;
    state.fetchFrom = { at: chunk.next };
    state.more = chunk.hasMore;
  };

  const needsFetch = (state: InputState<T>): boolean =>
    !state.failed && state.buffer.length === 0 && state.more && state.refills < options.maxRefillsPerInput;

  /** This input's component of the current boundary. */
  const component = (state: InputState<T>): Component => {
    const head = state.buffer[0];
    if (head) {
      if (state.headFor !== head) {
        state.headFor = head;
        state.headComponent = { at: forward ? head.before : head.after };
      }
      return state.headComponent as Component;
    }
    if (!state.more && state.refills >= 0) return forward ? 'end' : 'start';
    // Also a failed input's place: its failed fetch started here, so a later page resumes it exactly.
    return state.fetchFrom;
  };
  const snapshot = (): Component[] => states.map(component);

  const edges: MergedEdge<T>[] = [];
  // Ordering in walk direction: forward uses `compare`, backward its reverse; ties by input order.
  const precedes = (a: InputState<T>, b: InputState<T>): boolean => {
    const x = (a.buffer[0] as StreamItem<T>).item;
    const y = (b.buffer[0] as StreamItem<T>).item;
    const order = forward ? compare(x, y) : compare(y, x);
    if (order !== 0) return order < 0;
    return forward ? a.index < b.index : a.index > b.index;
  };

  let stalled = false;
  while (edges.length < count) {
    const pending = states.filter(needsFetch);
    if (pending.length > 0) {
      const remaining = count - edges.length;
      await Promise.all(pending.map((state) => fetch(state, remaining)));
      continue;
    }
    // An input that may still hold items but has nothing buffered blocks the merge: its next item could come first.
    if (states.some((state) => !state.failed && state.buffer.length === 0 && state.more)) {
      stalled = true;
      break;
    }
    let best: InputState<T> | null = null;
    for (const state of states) {
      if (state.failed || state.buffer.length === 0) continue;
      if (!best || precedes(state, best)) best = state;
    }
    if (!best) break;
    const taken = best.buffer[0] as StreamItem<T>;
    let before: Component[];
    if (forward) {
      before = snapshot();
      best.buffer.shift();
    } else {
      best.buffer.shift();
      before = snapshot();
      before[best.index] = { at: taken.before };
    }
    const after = before.slice();
    after[best.index] = { at: taken.after };
    edges.push({ item: taken.item, input: best.key, inputIndex: best.index, before, after });
  }

  const hasMore =
    stalled || states.some((state) => state.failed || state.buffer.length > 0 || state.more);
  const next = snapshot();
  // Progress: after the last item taken, its input may have scanned on (refills whose items were all refined
  // away) before the walk stopped. Nothing that matches lies in that range, so the last edge's far side moves
  // to where the scan reached; a walk resumed from it never scans that range again.
  const last = edges[edges.length - 1];
  if (last) {
    const reached = next[last.inputIndex] as Component;
    const moved = (forward ? last.after : last.before).slice();
    moved[last.inputIndex] = reached;
    if (forward) last.after = moved;
    else last.before = moved;
  }
  return { edges, next, hasMore, failures, warnings };
}

export function isBoundary(value: unknown, inputs: MergeInput<unknown>[]): value is Boundary {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length !== inputs.length) return false;
  return inputs.every((input) => {
    const component = record[input.key];
    if (component === 'start' || component === 'end') return true;
    if (typeof component !== 'object' || component === null || Array.isArray(component)) return false;
    const keysOf = Object.keys(component);
    return keysOf.length === 1 && keysOf[0] === 'at' && input.stream.isPosition((component as { at: unknown }).at);
  });
}

/**
 * A component as positions and cursors carry it: `0` before the first item,
 * `1` past the last, `[P]` at position P. Boundaries are arrays of packed
 * components in input order: the input keys are known to both sides, so
 * they are never written.
 */
export type PackedComponent = 0 | 1 | [Position];

export function packComponent(component: Component): PackedComponent {
  return component === 'start' ? 0 : component === 'end' ? 1 : [component.at];
}

export function packBoundary(boundary: Components): PackedComponent[] {
  return boundary.map(packComponent);
}

/** An inner merge's item: its positions packed when first read (the outer merge reads few of them). */
class MergedItem<T> implements StreamItem<T> {
  // Declared, assigned in the constructor: class fields cost each instance a call of V8's member initializer.
  declare readonly item: T;
  declare private readonly edge: MergedEdge<T>;
  /** Absent until read. */
  declare private packedBefore: PackedComponent[] | undefined;
  declare private packedAfter: PackedComponent[] | undefined;
  constructor(item: T, edge: MergedEdge<T>) {
    this.item = item;
    this.edge = edge;
  }
  get before(): Position {
    return (this.packedBefore ??= packBoundary(this.edge.before));
  }
  get after(): Position {
    return (this.packedAfter ??= packBoundary(this.edge.after));
  }
}

/** The component of `input` that `value` packs, or null when it is not one (its position checked by the stream). */
export function unpackComponent(value: unknown, input: MergeInput<unknown>): Component | null {
  if (value === 0) return 'start';
  if (value === 1) return 'end';
  if (!Array.isArray(value) || value.length !== 1) return null;
  const at: unknown = value[0];
  return input.stream.isPosition(at) ? { at } : null;
}

/** The boundary `value` packs over `inputs`, or null when it is not one. */
export function unpackBoundary(value: unknown, inputs: MergeInput<unknown>[]): Boundary | null {
  if (!Array.isArray(value) || value.length !== inputs.length) return null;
  const boundary: Boundary = {};
  for (let index = 0; index < inputs.length; index += 1) {
    const input = inputs[index] as MergeInput<unknown>;
    const component = unpackComponent(value[index], input);
    if (component === null) return null;
    boundary[input.key] = component;
  }
  return boundary;
}

const DEFAULT_INNER_WALK: WalkOptions = { tolerateFailures: false, maxRefillsPerInput: 50 };

/**
 * Several streams as one stream (newest first by `compare`, ties by input
 * order). Its position is a packed Boundary; any input failing rejects the chunk.
 * With `keyOf` (inputs of one key space: `compare` must then order by that
 * key, ties included) a call's walk bound is kept to and handed to every input.
 */
export function mergeStreams<T>(inputs: MergeInput<T>[], compare: (a: T, b: T) => number, keyOf?: (item: T) => SortKey): OrderedStream<T> {
  const untyped = inputs as MergeInput<unknown>[];
  const toChunk = (walk: MergeWalk<T>): StreamChunk<T> => ({
    items: walk.edges.map((edge) => new MergedItem(edge.item, edge)),
    next: packBoundary(walk.next),
    hasMore: walk.hasMore,
    ...(walk.warnings.length > 0 ? { warnings: walk.warnings.map((entry) => entry.warning) } : {}),
  });
  const boundaryFrom = (position: Position | null, fallback: Component): Boundary => {
    if (position === null) return Object.fromEntries(inputs.map((input) => [input.key, fallback]));
    const boundary = unpackBoundary(position, untyped);
    if (boundary === null) throw new TypeError('not a merged position');
    return boundary;
  };
  const canWalkBackward = inputs.every((input) => input.stream.backward !== undefined);
  const innerWalk = (walk: WalkContext | undefined): WalkOptions<T> =>
    keyOf && walk
      ? {
          ...DEFAULT_INNER_WALK,
          keyed: { keyOf, bound: walk.bound ? { ...walk.bound, input: null } : null },
        }
      : DEFAULT_INNER_WALK;
  return {
    isPosition: (value): value is Position => unpackBoundary(value, untyped) !== null,
    async count() {
      const counts = await Promise.all(inputs.map((input) => input.stream.count()));
      return counts.every((value): value is number => value !== null)
        ? counts.reduce((sum, value) => sum + value, 0)
        : null;
    },
    async forward(start, count, walk) {
      return toChunk(await walkMerge(inputs, compare, 'forward', boundaryFrom(start, 'start'), count, innerWalk(walk)));
    },
    ...(canWalkBackward
      ? {
          backward: async (end: Position | null, count: number, walk?: WalkContext) =>
            toChunk(await walkMerge(inputs, compare, 'backward', boundaryFrom(end, 'end'), count, innerWalk(walk))),
        }
      : {}),
  };
}

/** Conversations newest first. Ties between inputs are broken by the merge (input order). */
export function compareNewestFirst(a: Conversation, b: Conversation): number {
  return b.createdAt.getTime() - a.createdAt.getTime();
}

/** A conversation's place in its vendor's stream. */
export function conversationKey(conversation: Conversation): SortKey {
  return { ms: conversation.createdAt.getTime(), id: conversation.providerId };
}

/**
 * One vendor's conversations in stream order: newest first, ties by vendor id
 * descending. A vendor that merges lists of its own (per bot, per archived
 * state) uses it, so its stream has one order a key resumes.
 */
export function compareConversationKeys(a: Conversation, b: Conversation): number {
  const order = b.createdAt.getTime() - a.createdAt.getTime();
  if (order !== 0) return order;
  return a.providerId === b.providerId ? 0 : a.providerId < b.providerId ? 1 : -1;
}
