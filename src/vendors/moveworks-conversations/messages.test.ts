import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderedStream, Position } from '../port.js';
import {
  NEWEST_END,
  backwardRequest,
  createMessageStream,
  loadAllPages,
  placePage,
  type MessagePosition,
  type Placed,
} from './messages.js';
import type { UpstreamPage } from './watermark.js';

/** The message stream over an in-memory vendor (newest first, index cursors). Pure: no network. */

interface Row {
  id: string;
  at: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** `count` messages newest first; every third pair shares an instant. */
function rowsOf(count: number): Row[] {
  const rows = Array.from({ length: count }, (_, i) => ({ id: `m${String(i).padStart(3, '0')}`, at: 1_000 + Math.floor(i / 2) * 10 }));
  return rows.sort((a, b) => (a.at !== b.at ? b.at - a.at : a.id < b.id ? 1 : -1));
}

function vendor(rows: Row[]) {
  const requests: { cursor: string | null; limit: number }[] = [];
  const fetchPage = async (cursor: string | null, limit: number): Promise<UpstreamPage<Row>> => {
    requests.push({ cursor, limit });
    const start = cursor === null ? 0 : Number(cursor);
    return { items: rows.slice(start, start + limit), nextCursor: start + limit < rows.length ? String(start + limit) : null };
  };
  return { requests, fetchPage };
}

const key = (row: Row): { ms: number; id: string } => ({ ms: row.at, id: row.id });
const violation = (): Error => new Error('order violation');

/** A stream as one GraphQL request sees it: its own "loaded" state. */
function session(source: ReturnType<typeof vendor>): OrderedStream<Row> {
  let all: Promise<Placed<Row>[]> | null = null;
  return createMessageStream<Row>({
    fetchPage: source.fetchPage,
    loadAll: () => (all ??= loadAllPages(source.fetchPage, key, violation)),
    loaded: () => all !== null,
    key,
    orderViolation: violation,
  });
}

async function walk(source: ReturnType<typeof vendor>, direction: 'forward' | 'backward', sizes: number[]): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let position: Position | null = null;
  for (let pages = 1; pages < 10_000; pages += 1) {
    const stream = session(source);
    const size = sizes[(pages - 1) % sizes.length] as number;
    const chunk = direction === 'forward' ? await stream.forward(position, size) : await stream.backward!(position, size);
    ids.push(...chunk.items.map((entry) => entry.item.id));
    position = JSON.parse(JSON.stringify(chunk.next)) as Position;
    if (!chunk.hasMore) return { ids: direction === 'forward' ? ids : ids.reverse(), pages };
  }
  throw new Error('walk did not end');
}

describe('backwardRequest (Relay last/before -> first upstream request)', () => {
  const k: [string, string] = [iso(1), 'm'];
  it.each<[string, MessagePosition, number, { cursor: string | null; limit: number }]>([
    ['last n from the end', NEWEST_END, 5, { cursor: null, limit: 5 }],
    ['last n > 100 from the end', NEWEST_END, 150, { cursor: null, limit: 100 }],
    ['before a page-end boundary', { c: 'p2', k, s: 0 }, 20, { cursor: 'p2', limit: 20 }],
    ['before a boundary inside a page', { c: 'p2', k, s: 7 }, 20, { cursor: 'p2', limit: 27 }],
    ['capped at 100', { c: 'p2', k, s: 95 }, 20, { cursor: 'p2', limit: 100 }],
    ['last 0', NEWEST_END, 0, { cursor: null, limit: 1 }],
  ])('%s', (_, end, count, request) => {
    expect(backwardRequest(end, count)).toEqual(request);
  });
});

describe('placePage', () => {
  it('places each message with the boundary on its older side', () => {
    const rows = rowsOf(3);
    expect(placePage({ items: rows, nextCursor: '3' }, 'p0', key).map((entry) => entry.before)).toEqual([
      { c: 'p0', k: [iso(rows[0]!.at), rows[0]!.id], s: 1 },
      { c: 'p0', k: [iso(rows[1]!.at), rows[1]!.id], s: 2 },
      { c: '3', k: [iso(rows[2]!.at), rows[2]!.id], s: 0 },
    ]);
    // The last page has no next cursor: its last boundary stays inside it.
    expect(placePage({ items: rows, nextCursor: null }, null, key)[2]?.before).toEqual({ c: null, k: [iso(rows[2]!.at), rows[2]!.id], s: 3 });
  });
});

describe('message stream', () => {
  it('walks backward with one upstream request per page, mapped straight onto cursors', async () => {
    const rows = rowsOf(25);
    const source = vendor(rows);
    const first = await session(source).backward!(null, 10);
    expect(first.items.map((entry) => entry.item.id)).toEqual(rows.slice(0, 10).map((row) => row.id));
    expect(first.next).toEqual({ c: '10', k: [iso(rows[9]!.at), rows[9]!.id], s: 0 });
    expect(first.hasMore).toBe(true);
    const second = await session(source).backward!(first.next, 10);
    expect(second.items.map((entry) => entry.item.id)).toEqual(rows.slice(10, 20).map((row) => row.id));
    expect(source.requests).toEqual([
      { cursor: null, limit: 10 },
      { cursor: '10', limit: 10 },
    ]);
  });

  it('walks backward from an edge inside an upstream page with limit s + n', async () => {
    const rows = rowsOf(25);
    const source = vendor(rows);
    const page = await session(source).backward!(null, 10);
    const edge = page.items[3]!; // rows[3]; its `before` boundary is inside the page fetched from null
    expect(edge.before).toEqual({ c: null, k: [iso(rows[3]!.at), rows[3]!.id], s: 4 });
    source.requests.length = 0;
    const older = await session(source).backward!(edge.before, 5);
    expect(older.items.map((entry) => entry.item.id)).toEqual(rows.slice(4, 9).map((row) => row.id));
    expect(source.requests).toEqual([{ cursor: null, limit: 9 }]);
    // Going forward (newer) from the same edge needs the whole list.
    source.requests.length = 0;
    const newer = await session(source).forward(edge.after, 2);
    expect(newer.items.map((entry) => entry.item.id)).toEqual([rows[2]!.id, rows[1]!.id]);
    expect(source.requests).toEqual([{ cursor: null, limit: 100 }]);
  });

  it('walks forward (oldest first) by loading every page once per request', async () => {
    const rows = rowsOf(230);
    const source = vendor(rows);
    const stream = session(source);
    const first = await stream.forward(null, 5);
    expect(first.items.map((entry) => entry.item.id)).toEqual(rows.slice(-5).reverse().map((row) => row.id));
    const second = await stream.forward(first.next, 5);
    expect(second.items.map((entry) => entry.item.id)).toEqual(rows.slice(-10, -5).reverse().map((row) => row.id));
    expect(await stream.count()).toBe(230);
    // A backward page in the same request slices the loaded list.
    const last = await stream.backward!(null, 3);
    expect(last.items.map((entry) => entry.item.id)).toEqual(rows.slice(0, 3).map((row) => row.id));
    expect(source.requests).toEqual([
      { cursor: null, limit: 100 },
      { cursor: '100', limit: 100 },
      { cursor: '200', limit: 100 },
    ]);
  });

  it('answers an empty conversation in both directions', async () => {
    const source = vendor([]);
    expect(await session(source).forward(null, 5)).toEqual({ items: [], next: NEWEST_END, hasMore: false });
    expect(await session(source).backward!(null, 5)).toEqual({ items: [], next: NEWEST_END, hasMore: false });
    expect(await session(source).count()).toBe(0);
  });

  it('detects messages out of the documented order', async () => {
    const rows = rowsOf(4).reverse();
    const source = vendor(rows);
    await expect(session(source).backward!(null, 4)).rejects.toThrow('order violation');
    await expect(session(source).forward(null, 4)).rejects.toThrow('order violation');
  });

  it('refuses positions it did not issue', async () => {
    const stream = session(vendor(rowsOf(3)));
    expect(stream.isPosition(NEWEST_END)).toBe(true);
    expect(stream.isPosition({ c: null, k: null })).toBe(false);
    expect(stream.isPosition({ c: null, k: null, s: 101 })).toBe(false);
    await expect(stream.forward({ c: 1 }, 1)).rejects.toThrow(TypeError);
  });

  it('walks both ways to exactly the list, within the stated request bounds (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 260 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }),
        async (count, sizes) => {
          const rows = rowsOf(count);
          const oldestFirst = [...rows].reverse().map((row) => row.id);
          const forwardSource = vendor(rows);
          const forward = await walk(forwardSource, 'forward', sizes);
          expect(forward.ids).toEqual(oldestFirst);
          // Forward: the whole list once per page (request).
          expect(forwardSource.requests.length).toBeLessThanOrEqual(forward.pages * Math.max(1, Math.ceil(count / 100)));
          const backwardSource = vendor(rows);
          const backward = await walk(backwardSource, 'backward', sizes);
          expect(backward.ids).toEqual(oldestFirst);
          // Backward: at most two requests per page (s + n may exceed 100 only once).
          expect(backwardSource.requests.length).toBeLessThanOrEqual(backward.pages * 2);
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });
});
