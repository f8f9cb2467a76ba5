import type { Conversation } from '../domain.js';
import type { OrderedStream, Position, StreamChunk, StreamItem } from '../providers/provider.js';

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

export interface MergedEdge<T> {
  item: T;
  /** Key of the input the item came from. */
  input: string;
  /** Boundary just before the item, in forward order. */
  before: Boundary;
  /** Boundary just after the item, in forward order. */
  after: Boundary;
}

export interface InputFailure {
  key: string;
  error: unknown;
}

export interface MergeWalk<T> {
  /** In walk order. */
  edges: MergedEdge<T>[];
  /** Where a further walk in the same direction continues. */
  next: Boundary;
  /** Items may remain in the walk direction (always true while an input has failed). */
  hasMore: boolean;
  failures: InputFailure[];
}

export interface WalkOptions {
  /** Keep going without the inputs that fail, reporting them, instead of rejecting. */
  tolerateFailures: boolean;
  /** Further stream calls allowed per input after the first, within one walk. */
  maxRefillsPerInput: number;
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
  options: WalkOptions,
): Promise<MergeWalk<T>> {
  const forward = direction === 'forward';
  const failures: InputFailure[] = [];
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
    };
  });

  const fetch = async (state: InputState<T>, remaining: number): Promise<void> => {
    state.refills += 1;
    const wanted =
      state.emptyChunks === 0 ? remaining : Math.max(remaining, Math.min(MAX_REFILL_ASK, remaining * 2 ** state.emptyChunks));
    const from = toPosition(state.fetchFrom);
    let chunk: StreamChunk<T>;
    try {
      if (forward) {
        chunk = await state.stream.forward(from, wanted);
      } else {
        if (!state.stream.backward) throw new Error(`input ${state.key} cannot walk backward`);
        chunk = await state.stream.backward(from, wanted);
      }
    } catch (error) {
      if (!options.tolerateFailures) throw error;
      state.failed = true;
      state.buffer = [];
      failures.push({ key: state.key, error });
      return;
    }
    state.buffer.push(...chunk.items);
    state.emptyChunks = chunk.items.length === 0 ? state.emptyChunks + 1 : 0;
    state.fetchFrom = { at: chunk.next };
    state.more = chunk.hasMore;
  };

  const needsFetch = (state: InputState<T>): boolean =>
    !state.failed && state.buffer.length === 0 && state.more && state.refills < options.maxRefillsPerInput;

  /** This input's component of the current boundary. */
  const component = (state: InputState<T>): Component => {
    const head = state.buffer[0];
    if (head) return { at: forward ? head.before : head.after };
    if (!state.more && state.refills >= 0) return forward ? 'end' : 'start';
    // Also a failed input's place: its failed fetch started here, so a later page resumes it exactly.
    return state.fetchFrom;
  };
  const snapshot = (): Boundary => Object.fromEntries(states.map((state) => [state.key, component(state)]));

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
    if (forward) {
      const before = snapshot();
      best.buffer.shift();
      edges.push({ item: taken.item, input: best.key, before, after: { ...before, [best.key]: { at: taken.after } } });
    } else {
      best.buffer.shift();
      const before = { ...snapshot(), [best.key]: { at: taken.before } };
      edges.push({ item: taken.item, input: best.key, before, after: { ...before, [best.key]: { at: taken.after } } });
    }
  }

  const hasMore =
    stalled || states.some((state) => state.failed || state.buffer.length > 0 || state.more);
  const next = snapshot();
  // Progress: after the last item taken, its input may have scanned on (refills whose items were all refined
  // away) before the walk stopped. Nothing that matches lies in that range, so the last edge's far side moves
  // to where the scan reached; a walk resumed from it never scans that range again.
  const last = edges[edges.length - 1];
  if (last) {
    const reached = next[last.input] as Component;
    if (forward) last.after = { ...last.after, [last.input]: reached };
    else last.before = { ...last.before, [last.input]: reached };
  }
  return { edges, next, hasMore, failures };
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

export function packBoundary(boundary: Boundary, inputs: MergeInput<unknown>[]): PackedComponent[] {
  return inputs.map((input) => packComponent(boundary[input.key] as Component));
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
 */
export function mergeStreams<T>(inputs: MergeInput<T>[], compare: (a: T, b: T) => number): OrderedStream<T> {
  const untyped = inputs as MergeInput<unknown>[];
  const toChunk = (walk: MergeWalk<T>): StreamChunk<T> => ({
    items: walk.edges.map((edge) => ({ item: edge.item, before: packBoundary(edge.before, untyped), after: packBoundary(edge.after, untyped) })),
    next: packBoundary(walk.next, untyped),
    hasMore: walk.hasMore,
  });
  const boundaryFrom = (position: Position | null, fallback: Component): Boundary => {
    if (position === null) return Object.fromEntries(inputs.map((input) => [input.key, fallback]));
    const boundary = unpackBoundary(position, untyped);
    if (boundary === null) throw new TypeError('not a merged position');
    return boundary;
  };
  const canWalkBackward = inputs.every((input) => input.stream.backward !== undefined);
  return {
    isPosition: (value): value is Position => unpackBoundary(value, untyped) !== null,
    async count() {
      const counts = await Promise.all(inputs.map((input) => input.stream.count()));
      return counts.every((value): value is number => value !== null)
        ? counts.reduce((sum, value) => sum + value, 0)
        : null;
    },
    async forward(start, count) {
      return toChunk(await walkMerge(inputs, compare, 'forward', boundaryFrom(start, 'start'), count, DEFAULT_INNER_WALK));
    },
    ...(canWalkBackward
      ? {
          backward: async (end: Position | null, count: number) =>
            toChunk(await walkMerge(inputs, compare, 'backward', boundaryFrom(end, 'end'), count, DEFAULT_INNER_WALK)),
        }
      : {}),
  };
}

/** Conversations newest first. Ties between inputs are broken by the merge (input order). */
export function compareNewestFirst(a: Conversation, b: Conversation): number {
  return b.createdAt.getTime() - a.createdAt.getTime();
}
