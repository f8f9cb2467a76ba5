import { randomBytes } from 'node:crypto';
import { parseInstant } from '../../domain.js';
import { ErrorCode, UpstreamError } from '../../errors.js';
import type { SharedStore } from '../../shared-state/store.js';
import type { Position, StreamChunk, StreamItem } from '../port.js';
import type { MoveworksConversationWire, MoveworksPage } from './client.js';
import { compareKeys, isScanPosition, MAX_PENDING_PAGES, type ScanKey, type ScanPosition } from './watermark.js';

/**
 * Backward paging and counting over a list the vendor only pages forward.
 *
 * One forward scan of one archived state (pages of 100, newest `updated_at`
 * first) records, per conversation, what the graph shows and the index of
 * the upstream page it came from, and per page the cursor that fetched it.
 * Sorted in the graph's order (`createdAt` desc, id desc), the index answers
 * `backward(end, n)` and `count()` with no further upstream call; the
 * conversations come from the scan itself, so a backward page is the forward
 * walk's page reversed, as of the scan.
 *
 * Positions are the watermark stream's (watermark.ts): a key `k` ("every
 * item up to k is behind") plus where a forward scan resumes. A position cut
 * from the index names the (at most MAX_PENDING_PAGES) scanned pages still
 * holding an item after `k`, the cursor of the next page after those, and
 * the watermark there, so a forward page from a backward cursor costs what a
 * forward walk's page costs. A forward position works backward through its
 * `k` alone. So cursors stay valid across direction switches.
 *
 * Storage (the shared store, so any replica continues a scan or reuses an
 * index): a head entry (state, page cursors, segment ids) and append-only
 * segments of scanned items. A scan stops when the request's deadline or
 * upstream budget is nearly spent, writes what it has, and the next request
 * continues from the stored cursor (error SCAN_IN_PROGRESS meanwhile). A scan
 * stops for good at `limit` conversations: the head then records that the
 * list is too long, and backward and counts are refused (UNSUPPORTED_PAGINATION)
 * at no upstream cost until it expires. Concurrent scanners never overwrite
 * each other's segments (ids are random per write); the last head written
 * wins and always names segments of its own scan.
 *
 * Lifetimes: a completed index is reused for `ttlMs` after completion; a
 * partial scan is continued only within `ttlMs` of its start (else it starts
 * over, so no index is older than two TTLs); segments live for twice that.
 */

/** Conversations one segment holds at most (a segment is written at least every this many items). */
const SEGMENT_ITEMS = 2_000;
const FORMAT = 1;

export type ScanState = 'partial' | 'done' | 'oversize';

interface StoredHead {
  v: typeof FORMAT;
  /** Scan generation: a new one each time a scan starts over. */
  gen: string;
  startedAt: number;
  state: ScanState;
  /** Cursor that fetched page i (null: the first page). */
  pages: (string | null)[];
  /** `updated_at` of the last item of page i ('' for an empty page). */
  pageLast: string[];
  /** Cursor of the next page to scan while partial. */
  next: string | null;
  scanned: number;
  /** Segment ids, in scan order. */
  segments: string[];
  completedAt?: number;
}

/** One scanned conversation: id, created_at, updated_at, title, page index. */
type StoredItem = [string, string, string, string | null, number];

export interface ScanSource {
  /** Scanned state: every item has this `archived` value. */
  archived: boolean;
  fetchPage(cursor: string | null): Promise<MoveworksPage<MoveworksConversationWire>>;
  /** The scan ends once `updated_at` falls below this (a `createdAt.from`): nothing older is wanted. */
  stopBelowMs: number | null;
  orderViolation(): Error;
}

/** What a request may still spend: the seam's request scope, structurally. */
export interface ScanScope {
  readonly startedAt: number;
  readonly deadlineAt: number;
  readonly upstreamCallLimit: number;
  readonly upstreamCalls: ReadonlyMap<string, number>;
  remainingMs(): number;
}

export interface ScanIndexSettings {
  store: SharedStore;
  /** Store key of this scan (provider, credential, archived state, `from`). */
  key: string;
  /** Conversations the scan may hold; beyond, backward and counts are refused. */
  limit: number;
  ttlMs: number;
  /** The scope of the request the code runs for, if any. */
  scope: () => ScanScope | undefined;
}

/** A loaded, complete index in the graph's order. */
export interface LoadedIndex {
  gen: string;
  items: MoveworksConversationWire[];
  keys: { ms: number; id: string }[];
  page: number[];
  pages: (string | null)[];
  pageLast: string[];
}

/** The share of the request's upstream budget and of its deadline a scan leaves to everything else. */
const RESERVE_SHARE = 0.2;

/** Whether a scan step may fetch one more page in this request (the first page of a step always may). */
function allowance(scope: ScanScope | undefined): (fetched: number, slowestMs: number) => boolean {
  if (!scope) return () => true;
  const reserveCalls = Math.ceil(scope.upstreamCallLimit * RESERVE_SHARE);
  const reserveMs = (scope.deadlineAt - scope.startedAt) * RESERVE_SHARE;
  return (fetched, slowestMs) => {
    if (fetched === 0) return true;
    let spent = 0;
    for (const calls of scope.upstreamCalls.values()) spent += calls;
    if (scope.upstreamCallLimit - spent <= reserveCalls) return false;
    return scope.remainingMs() > Math.max(reserveMs, 2 * slowestMs);
  };
}

function scanInProgress(scanned: number): UpstreamError {
  return new UpstreamError(
    `MOVEWORKS_CONVERSATIONS pages only forward: a backward page or a count needs one scan of its list, and this request's ` +
      `deadline or upstream budget ran out after ${scanned} conversations. The scan is kept and continues on the next request: repeat it.`,
    { provider: 'MOVEWORKS_CONVERSATIONS', code: ErrorCode.SCAN_IN_PROGRESS },
  );
}

export function scanLimitExceeded(limit: number): UpstreamError {
  return new UpstreamError(
    `MOVEWORKS_CONVERSATIONS pages only forward: a backward page or a count needs one scan of its list, and it holds more than ` +
      `${limit} conversations for this filter (MOVEWORKS_CONVERSATIONS_SCAN_LIMIT). Page forward (first/after), narrow createdAt ` +
      `(its \`from\` ends the scan early), or leave MOVEWORKS_CONVERSATIONS out of \`providers\`.`,
    { provider: 'MOVEWORKS_CONVERSATIONS', code: ErrorCode.UNSUPPORTED_PAGINATION },
  );
}

function isStoredHead(value: unknown): value is StoredHead {
  if (typeof value !== 'object' || value === null) return false;
  const head = value as Partial<StoredHead>;
  return (
    head.v === FORMAT &&
    typeof head.gen === 'string' &&
    typeof head.startedAt === 'number' &&
    (head.state === 'partial' || head.state === 'done' || head.state === 'oversize') &&
    Array.isArray(head.pages) &&
    Array.isArray(head.pageLast) &&
    head.pages.length === head.pageLast.length &&
    Array.isArray(head.segments) &&
    typeof head.scanned === 'number'
  );
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

const segmentKey = (key: string, id: string): string => `${key}:seg:${id}`;

/** What an adapter keeps in process across its scan indexes. */
export interface ScanMemory {
  /** Parsed complete indexes by head identity, so a warm index costs one store read (the head) per use. */
  parsed: Map<string, LoadedIndex>;
  /** One scan step per index key at a time in this process. */
  inFlight: Map<string, Promise<LoadedIndex>>;
}

/** Parsed indexes kept per adapter (each at most `limit` conversations). */
const MAX_PARSED = 8;

export function createScanMemory(): ScanMemory {
  return { parsed: new Map(), inFlight: new Map() };
}

/** The scan index of one archived state (and `from`), shared through the store. */
export class ScanIndex {
  constructor(
    private readonly source: ScanSource,
    private readonly settings: ScanIndexSettings,
    private readonly memory: ScanMemory,
  ) {}

  /** The complete index: from the store, or by scanning (continuing a stored partial scan). */
  load(): Promise<LoadedIndex> {
    const { key } = this.settings;
    const { inFlight } = this.memory;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = this.loadOrScan().finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  private async readHead(): Promise<StoredHead | null> {
    const head = parseJson(await this.settings.store.get(this.settings.key));
    return isStoredHead(head) ? head : null;
  }

  private async readSegments(head: StoredHead): Promise<StoredItem[] | null> {
    const texts = await Promise.all(head.segments.map((id) => this.settings.store.get(segmentKey(this.settings.key, id))));
    const items: StoredItem[] = [];
    for (const text of texts) {
      const segment = parseJson(text);
      if (!Array.isArray(segment)) return null;
      items.push(...(segment as StoredItem[]));
    }
    return items.length === head.scanned ? items : null;
  }

  private async loadOrScan(): Promise<LoadedIndex> {
    const { ttlMs, limit } = this.settings;
    const now = Date.now();
    let head = await this.readHead();
    if (head?.state === 'oversize') throw scanLimitExceeded(limit);
    if (head?.state === 'done') {
      const identity = `${this.settings.key}|${head.gen}|${head.segments.join(',')}`;
      const cached = this.memory.parsed.get(identity);
      if (cached) return cached;
      const items = await this.readSegments(head);
      if (items) return this.remember(identity, build(head, items, this.source.archived));
      head = null;
    }
    let items: StoredItem[] = [];
    if (head?.state === 'partial' && now - head.startedAt < ttlMs) {
      const stored = await this.readSegments(head);
      if (stored) items = stored;
      else head = null;
    } else {
      head = null;
    }
    const scan: StoredHead = head ?? {
      v: FORMAT,
      gen: randomBytes(6).toString('base64url'),
      startedAt: now,
      state: 'partial',
      pages: [],
      pageLast: [],
      next: null,
      scanned: 0,
      segments: [],
    };
    const done = await this.advance(scan, items);
    const identity = `${this.settings.key}|${done.gen}|${done.segments.join(',')}`;
    return this.remember(identity, build(done, items, this.source.archived));
  }

  private remember(identity: string, index: LoadedIndex): LoadedIndex {
    const { parsed } = this.memory;
    parsed.delete(identity);
    parsed.set(identity, index);
    while (parsed.size > MAX_PARSED) parsed.delete(parsed.keys().next().value as string);
    return index;
  }

  /** Scans on from `head` until done, too long, or out of this request's allowance; persists what it read. */
  private async advance(head: StoredHead, items: StoredItem[]): Promise<StoredHead> {
    const { store, key, ttlMs, limit } = this.settings;
    const mayFetch = allowance(this.settings.scope());
    let unsaved: StoredItem[] = [];
    let fetched = 0;
    let slowestMs = 0;
    const persist = async (): Promise<void> => {
      if (unsaved.length > 0) {
        const id = randomBytes(6).toString('base64url');
        await store.set(segmentKey(key, id), JSON.stringify(unsaved), 2 * ttlMs + 60_000);
        head.segments.push(id);
        unsaved = [];
      }
      await store.set(key, JSON.stringify(head), ttlMs);
    };
    let watermark = head.pageLast.length > 0 ? parseInstant(head.pageLast[head.pageLast.length - 1] as string) : Number.POSITIVE_INFINITY;
    const seen = new Set(items.map((item) => item[0]));
    while (head.state === 'partial') {
      if (!mayFetch(fetched, slowestMs)) {
        await persist();
        throw scanInProgress(head.scanned);
      }
      const cursor = head.next;
      const started = Date.now();
      let page: MoveworksPage<MoveworksConversationWire>;
      try {
        page = await this.source.fetchPage(cursor);
      } catch (error) {
        await persist();
        throw error;
      }
      fetched += 1;
      slowestMs = Math.max(slowestMs, Date.now() - started);
      const pageIndex = head.pages.length;
      for (const wire of page.items) {
        const createdMs = parseInstant(wire.created_at);
        const updatedMs = parseInstant(wire.updated_at);
        if (createdMs > updatedMs || updatedMs > watermark) {
          // The order the scan relies on is broken: nothing of this scan can be trusted.
          await store.delete(key);
          throw this.source.orderViolation();
        }
        watermark = updatedMs;
        // A conversation updated during the scan may show twice: its first sighting is the newer one.
        if (seen.has(wire.conversation_id)) continue;
        seen.add(wire.conversation_id);
        const item: StoredItem = [wire.conversation_id, wire.created_at, wire.updated_at, wire.title ?? null, pageIndex];
        items.push(item);
        unsaved.push(item);
      }
      head.pages.push(cursor);
      head.pageLast.push(page.items.length > 0 ? (page.items[page.items.length - 1] as MoveworksConversationWire).updated_at : '');
      head.scanned = items.length;
      if (head.scanned > limit) {
        head.state = 'oversize';
        head.pages = [];
        head.pageLast = [];
        head.segments = [];
        unsaved = [];
        await store.set(key, JSON.stringify(head), ttlMs);
        throw scanLimitExceeded(limit);
      }
      const stopBelow = this.source.stopBelowMs;
      if (page.nextCursor === null || (stopBelow !== null && watermark < stopBelow)) {
        head.state = 'done';
        head.next = null;
        head.completedAt = Date.now();
      } else {
        head.next = page.nextCursor;
      }
      if (head.state === 'done' || unsaved.length >= SEGMENT_ITEMS) await persist();
    }
    return head;
  }
}

function build(head: StoredHead, stored: StoredItem[], archived: boolean): LoadedIndex {
  const rows = stored.map((item) => ({ item, key: { ms: parseInstant(item[1]), id: item[0] } }));
  rows.sort((a, b) => compareKeys(a.key, b.key));
  return {
    gen: head.gen,
    items: rows.map(({ item }) => ({
      conversation_id: item[0],
      created_at: item[1],
      updated_at: item[2],
      title: item[3],
      archived,
    })),
    keys: rows.map((row) => row.key),
    page: rows.map((row) => row.item[4]),
    pages: head.pages,
    pageLast: head.pageLast,
  };
}

/**
 * The kept part of an index (a `createdAt` range refined locally) with the
 * positions around each item, cut the way the forward stream cuts them.
 */
export class IndexView {
  private readonly kept: number[];
  /** For each kept index j: up to MAX_PENDING_PAGES + 1 smallest distinct pages among kept items j.. . */
  private readonly suffixPages: number[][];

  constructor(
    private readonly index: LoadedIndex,
    keep: (wire: MoveworksConversationWire) => boolean,
  ) {
    this.kept = [];
    index.items.forEach((wire, position) => {
      if (keep(wire)) this.kept.push(position);
    });
    const suffix: number[][] = new Array<number[]>(this.kept.length + 1);
    suffix[this.kept.length] = [];
    for (let j = this.kept.length - 1; j >= 0; j -= 1) {
      const page = index.page[this.kept[j] as number] as number;
      const later = suffix[j + 1] as number[];
      suffix[j] = later.includes(page)
        ? later
        : [...later, page].sort((a, b) => a - b).slice(0, MAX_PENDING_PAGES + 1);
    }
    this.suffixPages = suffix;
  }

  get count(): number {
    return this.kept.length;
  }

  private keyOf(j: number): ScanKey {
    const key = this.index.keys[this.kept[j] as number] as { ms: number; id: string };
    return [new Date(key.ms).toISOString(), key.id];
  }

  /** The position after kept item j (j = -1: before everything). */
  positionAfter(j: number): Position {
    const k = j >= 0 ? this.keyOf(j) : null;
    const pending = this.suffixPages[j + 1] as number[];
    if (pending.length === 0) return { c: null, k, end: true };
    const { pages, pageLast } = this.index;
    if (pending.length <= MAX_PENDING_PAGES) {
      // No page is left after these: the watermark only has to be an instant (the last page may be empty).
      const u = pageLast.findLast((last) => last !== '') as string;
      return { c: null, k, p: pending.map((page) => pages[page] ?? null), u, end: true };
    }
    const frontier = pending[MAX_PENDING_PAGES] as number;
    const position: ScanPosition = {
      c: pages[frontier] ?? null,
      k,
      p: pending.slice(0, MAX_PENDING_PAGES).map((page) => pages[page] ?? null),
      u: pageLast[frontier - 1] as string,
    };
    return position as unknown as Position;
  }

  /** Kept items up to and including the position's key: where a backward walk from it starts. */
  cutOf(position: Position | null): number {
    if (position === null) return this.kept.length;
    if (!isScanPosition(position)) throw new TypeError('not a scan position');
    const k = (position as unknown as ScanPosition).k;
    if (k === null) return 0;
    const bound = { ms: parseInstant(k[0]), id: k[1] };
    let low = 0;
    let high = this.kept.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compareKeys(this.index.keys[this.kept[middle] as number] as { ms: number; id: string }, bound) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  backward(end: Position | null, count: number): StreamChunk<MoveworksConversationWire> {
    const cut = this.cutOf(end);
    const start = Math.max(0, cut - count);
    const items: StreamItem<MoveworksConversationWire>[] = [];
    for (let j = cut - 1; j >= start; j -= 1) {
      items.push({
        item: this.index.items[this.kept[j] as number] as MoveworksConversationWire,
        before: this.positionAfter(j - 1),
        after: this.positionAfter(j),
      });
    }
    return { items, next: this.positionAfter(start - 1), hasMore: start > 0 };
  }
}
