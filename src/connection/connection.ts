import type { JsonValue } from '../domain.js';
import type { SortKey, WalkWarning } from '../vendors/port.js';
import { badUserInput } from '../errors.js';
import type { CursorCodec } from './cursor.js';
import {
  packBoundary,
  packComponent,
  unpackBoundary,
  unpackComponent,
  walkMerge,
  type Boundary,
  type Component,
  type Direction,
  type InputFailure,
  type MergedEdge,
  type MergeBound,
  type MergeInput,
  isPastBound,
} from '../streams/merge.js';

export interface RelayArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface PageRequest {
  direction: Direction;
  count: number;
  cursor: { value: string; argument: 'after' | 'before' } | null;
}

export const DEFAULT_PAGE_SIZE = 20;

/** Checks Relay arguments before anything is fetched; every refusal is BAD_USER_INPUT naming the argument. */
export function parsePageRequest(args: RelayArgs, maxPageSize: number): PageRequest {
  const { first, after, last, before } = args;
  const has = (value: unknown): boolean => value !== undefined && value !== null;
  if (has(first) && has(last)) {
    throw badUserInput('Pass `first` or `last`, not both.', { argument: 'first' });
  }
  if (has(after) && has(before)) {
    throw badUserInput('Pass `after` or `before`, not both.', { argument: 'before' });
  }
  if (has(first) && has(before)) {
    throw badUserInput('`before` pages backward: pair it with `last`, not `first`.', { argument: 'before' });
  }
  if (has(last) && has(after)) {
    throw badUserInput('`after` pages forward: pair it with `first`, not `last`.', { argument: 'after' });
  }
  for (const [name, value] of [['first', first], ['last', last]] as const) {
    if (!has(value)) continue;
    if ((value as number) < 0) throw badUserInput(`\`${name}\` must not be negative.`, { argument: name });
    if ((value as number) > maxPageSize) {
      throw badUserInput(`\`${name}\` must be at most ${maxPageSize}.`, { argument: name, maximum: maxPageSize });
    }
  }
  for (const [name, value] of [['after', after], ['before', before]] as const) {
    if (has(value) && (value as string).length === 0) throw badUserInput(`\`${name}\` must not be empty.`, { argument: name });
  }
  const backward = has(last) || has(before);
  const count = (backward ? last : first) ?? DEFAULT_PAGE_SIZE;
  const cursorValue = backward ? before : after;
  return {
    direction: backward ? 'backward' : 'forward',
    count,
    cursor: has(cursorValue) ? { value: cursorValue as string, argument: backward ? 'before' : 'after' } : null,
  };
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /** Inputs that failed during this page; their items are deferred to later pages, never skipped. */
  failures: InputFailure[];
  /** Where this page could not keep the walk contract exactly: per input (its key), or the page's (null). */
  warnings?: { key: string | null; warning: WalkWarning }[];
}

/**
 * An edge's cursor holds `[b, i, a, k, f?]`: the packed boundary just before
 * the edge (input order), the index of the edge's input, that input's packed
 * component just after the edge — the position hints —, then the bound
 * `k = [ms, input, id]`: the key the next page resumes strictly after
 * (strictly before, backward): the edge's own, or the furthest key the walk
 * had passed when the edge is a conversation deferred by a failure. `f`, a
 * bit per input, names inputs still behind the bound (they failed on a page
 * of this walk; their deferred conversations resume by position). A page
 * that found no edge but scanned on gives `[b, k, f?]`: a boundary between
 * items, the same both ways (`k` null before the walk's first edge).
 * Cursors issued before keys were carried (`[b, i, a]`, `[b]`) still read:
 * their page resumes by the hints alone (see docs/live-inbox.md).
 */
interface DecodedCursor {
  boundary: Boundary;
  bound: MergeBound | null;
  /** A cursor issued before keys were carried. */
  keyless?: boolean;
  /** Inputs that failed on a page of the walk and have not caught up with the bound (a bit per input index). */
  unbounded: Set<number>;
}

/** Failed inputs as a bit mask (inputs are few: one per vendor). */
function maskOf(indices: Iterable<number>): number {
  let mask = 0;
  for (const index of indices) mask |= 1 << index;
  return mask;
}

function indicesOf(mask: unknown, inputs: number): Set<number> | null {
  if (mask === undefined) return new Set();
  if (typeof mask !== 'number' || !Number.isInteger(mask) || mask < 0 || mask >= 2 ** Math.min(inputs, 30)) return null;
  const indices = new Set<number>();
  for (let index = 0; index < inputs; index += 1) if (mask & (1 << index)) indices.add(index);
  return indices;
}

const isInstant = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/** A packed bound `[ms, input, id]`, or null when `value` is not one. */
function unpackBound(value: unknown, inputs: number): MergeBound | null {
  if (!Array.isArray(value) || value.length !== 3) return null;
  const [ms, input, id] = value as [unknown, unknown, unknown];
  if (!isInstant(ms) || typeof input !== 'number' || !Number.isInteger(input) || input < 0 || input >= inputs || typeof id !== 'string') return null;
  return { ms, input, id };
}

function decodeCursor<T>(
  codec: CursorCodec,
  binding: string,
  inputs: MergeInput<T>[],
  cursor: NonNullable<PageRequest['cursor']>,
): DecodedCursor {
  const payload = codec.decode(binding, cursor.value, cursor.argument) as unknown;
  const refuse = (): never => {
    throw badUserInput(`The \`${cursor.argument}\` cursor does not fit this query.`, { argument: cursor.argument });
  };
  const untyped = inputs as MergeInput<unknown>[];
  if (!Array.isArray(payload) || payload.length < 1 || payload.length > 5) return refuse();
  const before = unpackBoundary(payload[0], untyped) ?? refuse();
  const none = new Set<number>();
  if (payload.length === 1) return { boundary: before, bound: null, unbounded: none, keyless: true };
  if (typeof payload[1] !== 'number') {
    // `[b, k, f?]`: a boundary with the walk's bound.
    if (payload.length > 3) return refuse();
    const unbounded = indicesOf(payload[2], untyped.length) ?? refuse();
    const bound = payload[1] === null ? null : (unpackBound(payload[1], untyped.length) ?? refuse());
    return { boundary: before, bound, unbounded };
  }
  if (payload.length < 3) return refuse();
  const index = payload[1];
  const input = untyped[index];
  if (!input) return refuse();
  const after = unpackComponent(payload[2], input) ?? refuse();
  const boundary = cursor.argument === 'after' ? { ...before, [input.key]: after } : before;
  if (payload.length === 3) return { boundary, bound: null, unbounded: none, keyless: true };
  const bound = unpackBound(payload[3], untyped.length) ?? refuse();
  const unbounded = indicesOf(payload[4], untyped.length) ?? refuse();
  return { boundary, bound, unbounded };
}

export interface ConnectionOptions<T> {
  inputs: MergeInput<T>[];
  compare: (a: T, b: T) => number;
  request: PageRequest;
  codec: CursorCodec;
  /** What the cursors are bound to (see bindingOf). */
  binding: string;
  /** Serve the page from the inputs that answer and report the others. */
  tolerateFailures: boolean;
  maxRefillsPerInput?: number;
  /** The items' keys: the walk contract (cursors carry the edge's key). Absent: positions only. */
  keyOf?: (item: T) => SortKey;
}

/** One Relay page over the merge of `inputs`. The caller has already checked backward support. */
export async function resolveConnection<T>(options: ConnectionOptions<T>): Promise<Connection<T>> {
  const { inputs, compare, request, codec, binding } = options;
  const forward = request.direction === 'forward';
  const decoded: DecodedCursor = request.cursor
    ? decodeCursor(codec, binding, inputs, request.cursor)
    : {
        boundary: Object.fromEntries(inputs.map((input) => [input.key, forward ? 'start' : 'end'])),
        bound: null,
        unbounded: new Set<number>(),
      };
  const { boundary } = decoded;
  const keyOf = options.keyOf;
  if (request.count === 0) {
    return {
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      failures: [],
      warnings: [],
    };
  }
  const walk = await walkMerge(inputs, compare, request.direction, boundary, request.count, {
    tolerateFailures: options.tolerateFailures,
    maxRefillsPerInput: options.maxRefillsPerInput ?? 20,
    ...(keyOf
      ? { keyed: { keyOf, bound: decoded.bound, unbounded: decoded.unbounded } }
      : {}),
  });
  const ordered = forward ? walk.edges : [...walk.edges].reverse();
  const inputIndex = new Map(inputs.map((input, index) => [input.key, index]));
  // Cursors are signed when read, once: a query that selects no `cursor` (messages inside an inbox page, say)
  // signs none. A page of 50 conversations with 5 messages each signed 300 cursors for the 2 it used.
  // Inputs that failed on this page resume by position on the next one: their conversations were deferred.
  const failed = walk.failures.map((failure) => inputIndex.get(failure.key) as number);
  /**
   * Each edge's bound: the furthest key the walk has passed by then (the
   * edge's own, unless it is a deferred conversation of an input that failed
   * earlier, which lies behind), and the inputs still behind it.
   */
  const bounds = new Map<MergedEdge<T>, { bound: MergeBound; mask: number }>();
  if (keyOf) {
    // Bit masks, not sets: each edge's is the inputs still behind then, with those that failed on this page.
    const failedHere = maskOf(failed);
    let behind = maskOf(decoded.unbounded);
    let furthest = decoded.bound;
    for (const edge of walk.edges) {
      const index = edge.inputIndex;
      const key = keyOf(edge.item);
      if (furthest === null || isPastBound(key, index, furthest, request.direction)) {
        furthest = { ms: key.ms, id: key.id, input: index };
        behind &= ~(1 << index);
      }
      bounds.set(edge, { bound: furthest, mask: behind | failedHere });
    }
  }
  const packKey = (bound: MergeBound): JsonValue => [bound.ms, bound.input ?? 0, bound.id];
  const edges = ordered.map((edge) =>
    lazyEdge(edge.item, () => {
      const hints: JsonValue[] = [packBoundary(edge.before), edge.inputIndex, packComponent(edge.after[edge.inputIndex] as Component)];
      const keyed = bounds.get(edge);
      if (!keyed) return codec.encode(binding, hints);
      return codec.encode(binding, [...hints, packKey(keyed.bound), ...(keyed.mask ? [keyed.mask] : [])]);
    }),
  );
  const lastBound = decoded.bound;
  const failedMask = maskOf([...decoded.unbounded, ...failed]);
  const cameFromCursor = request.cursor !== null;
  // A page without edges that may continue still moves on: its cursor is where the walk stopped scanning.
  const resume = once(() => {
    if (edges.length > 0 || !walk.hasMore) return null;
    const next = packBoundary(walk.next);
    if (!keyOf) return codec.encode(binding, [next]);
    const last = lastBound ? packKey(lastBound) : null;
    return codec.encode(binding, [next, last, ...(failedMask ? [failedMask] : [])] as JsonValue);
  });
  return {
    edges,
    pageInfo: new LazyPageInfo(forward ? walk.hasMore : cameFromCursor, forward ? cameFromCursor : walk.hasMore, edges, resume),
    failures: walk.failures,
    warnings: [
      ...(keyOf && decoded.keyless ? [{ key: null, warning: KEYLESS_CURSOR }] : []),
      ...walk.warnings,
    ],
  };
}

const KEYLESS_CURSOR: WalkWarning = {
  code: 'CURSOR_WITHOUT_KEY',
  message:
    'This cursor is from an older version of the graph: this page resumed by positions alone, which a vendor list that changed since can shift (a conversation repeated or skipped). Its cursors carry keys again.',
};

function once<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

/**
 * Page info whose cursors are its first and last edges' (read when asked), or the resume cursor of a page
 * without edges. A class, not an object literal with accessors: V8 builds those slowly, and every connection
 * (each conversation's messages too) has one.
 */
class LazyPageInfo<T> implements PageInfo {
  // Declared, assigned in the constructor: class fields cost each instance V8's member initializer (see DeferredConversation).
  declare readonly hasNextPage: boolean;
  declare readonly hasPreviousPage: boolean;
  declare private readonly edges: readonly Edge<T>[];
  declare private readonly resume: () => string | null;
  constructor(hasNextPage: boolean, hasPreviousPage: boolean, edges: readonly Edge<T>[], resume: () => string | null) {
    this.hasNextPage = hasNextPage;
    this.hasPreviousPage = hasPreviousPage;
    this.edges = edges;
    this.resume = resume;
  }
  get startCursor(): string | null {
    return this.edges[0]?.cursor ?? this.resume();
  }
  get endCursor(): string | null {
    return this.edges[this.edges.length - 1]?.cursor ?? this.resume();
  }
}

/** An edge whose cursor is computed on first read (see resolveConnection); a class for the same reason as LazyPageInfo. */
class LazyEdge<T> implements Edge<T> {
  declare readonly node: T;
  declare private readonly cursorOf: () => string;
  /** Absent until the cursor is read. */
  declare private computed: string | undefined;
  constructor(node: T, cursorOf: () => string) {
    this.node = node;
    this.cursorOf = cursorOf;
  }
  get cursor(): string {
    return (this.computed ??= this.cursorOf());
  }
}

/** An edge whose cursor is computed on first read (see resolveConnection). */
export function lazyEdge<T>(node: T, cursorOf: () => string): Edge<T> {
  return new LazyEdge(node, cursorOf);
}
