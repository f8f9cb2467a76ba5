import type { JsonValue } from '../domain.js';
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
  type MergeInput,
} from './merge.js';

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
}

/**
 * An edge's cursor holds `[b, i, a]`: the packed boundary just before the
 * edge (input order), the index of the edge's input, and that input's packed
 * component just after the edge. A page that found no edge but scanned on
 * gives a cursor of `[b]` alone: a boundary between items, the same both ways.
 */
function decodeBoundary<T>(
  codec: CursorCodec,
  binding: string,
  inputs: MergeInput<T>[],
  cursor: NonNullable<PageRequest['cursor']>,
): Boundary {
  const payload = codec.decode(binding, cursor.value, cursor.argument) as unknown;
  const refuse = (): never => {
    throw badUserInput(`The \`${cursor.argument}\` cursor does not fit this query.`, { argument: cursor.argument });
  };
  const untyped = inputs as MergeInput<unknown>[];
  if (!Array.isArray(payload) || (payload.length !== 1 && payload.length !== 3)) return refuse();
  const before = unpackBoundary(payload[0], untyped) ?? refuse();
  if (payload.length === 1) return before;
  const index: unknown = payload[1];
  const input = typeof index === 'number' ? untyped[index] : undefined;
  if (!input) return refuse();
  const after = unpackComponent(payload[2], input) ?? refuse();
  return cursor.argument === 'after' ? { ...before, [input.key]: after } : before;
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
}

/** One Relay page over the merge of `inputs`. The caller has already checked backward support. */
export async function resolveConnection<T>(options: ConnectionOptions<T>): Promise<Connection<T>> {
  const { inputs, compare, request, codec, binding } = options;
  const forward = request.direction === 'forward';
  const boundary: Boundary = request.cursor
    ? decodeBoundary(codec, binding, inputs, request.cursor)
    : Object.fromEntries(inputs.map((input) => [input.key, forward ? 'start' : 'end']));
  if (request.count === 0) {
    return {
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      failures: [],
    };
  }
  const walk = await walkMerge(inputs, compare, request.direction, boundary, request.count, {
    tolerateFailures: options.tolerateFailures,
    maxRefillsPerInput: options.maxRefillsPerInput ?? 20,
  });
  const ordered = forward ? walk.edges : [...walk.edges].reverse();
  const untyped = inputs as MergeInput<unknown>[];
  const inputIndex = new Map(inputs.map((input, index) => [input.key, index]));
  // Cursors are signed when read, once: a query that selects no `cursor` (messages inside an inbox page, say)
  // signs none. A page of 50 conversations with 5 messages each signed 300 cursors for the 2 it used.
  const edges = ordered.map((edge) =>
    lazyEdge(edge.item, () =>
      codec.encode(binding, [
        packBoundary(edge.before, untyped),
        inputIndex.get(edge.input) as number,
        packComponent(edge.after[edge.input] as Component),
      ] as JsonValue),
    ),
  );
  const cameFromCursor = request.cursor !== null;
  // A page without edges that may continue still moves on: its cursor is where the walk stopped scanning.
  const resume = once(() => (edges.length === 0 && walk.hasMore ? codec.encode(binding, [packBoundary(walk.next, untyped)] as JsonValue) : null));
  return {
    edges,
    pageInfo: {
      hasNextPage: forward ? walk.hasMore : cameFromCursor,
      hasPreviousPage: forward ? cameFromCursor : walk.hasMore,
      get startCursor() {
        return edges[0]?.cursor ?? resume();
      },
      get endCursor() {
        return edges[edges.length - 1]?.cursor ?? resume();
      },
    },
    failures: walk.failures,
  };
}

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

/** An edge whose cursor is computed on first read (see resolveConnection). */
export function lazyEdge<T>(node: T, cursorOf: () => string): Edge<T> {
  const cursor = once(cursorOf);
  return {
    node,
    get cursor() {
      return cursor();
    },
  };
}
