import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOffsetStream } from '../streams/offsets.js';
import type { OrderedStream, SortKey } from '../vendors/port.js';
import { parsePageRequest, resolveConnection, type Connection, type RelayArgs } from './connection.js';
import { createCursorCodec } from './cursor.js';
import { mergeStreams, type MergeInput } from '../streams/merge.js';

/**
 * The walk contract (docs/live-inbox.md) as a property of the merge over
 * in-memory offset streams (flat, and merged inside one input as a vendor of
 * several lists is) that change between the calls of two pages: no item
 * twice, the order holds, every item present for the whole walk appears
 * once, and (forward) nothing created after the walk's first page appears. (Changes while
 * one page is being read are outside the contract: see docs/live-inbox.md.)
 */

interface Item {
  ms: number;
  id: string;
  /** Index of the top-level input. */
  input: number;
}

const keyOf = (item: Item): SortKey => ({ ms: item.ms, id: item.id });
const byKey = (a: Item, b: Item): number => b.ms - a.ms || (a.id === b.id ? 0 : a.id < b.id ? 1 : -1);
const newestFirst = (a: Item, b: Item): number => b.ms - a.ms;

type Change = { kind: 'add'; list: number; at: number; fresh: boolean } | { kind: 'delete'; list: number; at: number };

const changeArb = (lists: number): fc.Arbitrary<Change> =>
  fc.oneof(
    fc.record({ kind: fc.constant('add' as const), list: fc.nat(lists - 1), at: fc.nat(1000), fresh: fc.boolean() }),
    fc.record({ kind: fc.constant('delete' as const), list: fc.nat(lists - 1), at: fc.nat(1000) }),
  );

const scenario = fc.record({
  /** Items per list at the start (list 2 and 3 form one input, merged inside: a vendor of several lists). */
  sizes: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 4, maxLength: 4 }),
  reportsTotal: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  pageSizes: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }),
  /** Changes between two pages (more than a page holds, often). */
  betweenPages: fc.array(fc.array(changeArb(4), { maxLength: 25 }), { minLength: 1, maxLength: 8 }),
  direction: fc.constantFrom('forward' as const, 'backward' as const),
  seed: fc.nat(),
});

describe('the merge over streams that change between calls', () => {
  it('keeps the walk contract', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        let clock = 10_000;
        let serial = 0;
        const inputOfList = [0, 1, 2, 2];
        // Instants on a coarse grid, so equal instants (within and across lists) are common.
        const lists: Item[][] = s.sizes.map((size, list) =>
          Array.from({ length: size }, (_, index) => ({
            ms: 1000 + ((index * 7919 + list * 31 + s.seed) % 97) * 10,
            id: `i${list}-${String(index).padStart(3, '0')}`,
            input: inputOfList[list] as number,
          })).sort(byKey),
        );
        const apply = (change: Change): void => {
          const list = lists[change.list] as Item[];
          // A backward walk goes toward the head, where additions land: more of them than it reads would keep it going
          // forever. So backward, one addition between two pages, and pages of at least 2.
          if (change.kind === 'add' && s.direction === 'backward' && addsThisPage >= 1) return;
          if (change.kind === 'add') addsThisPage += 1;
          if (change.kind === 'delete') {
            if (list.length > 0) list.splice(change.at % list.length, 1);
            return;
          }
          serial += 1;
          const ms = change.fresh ? (clock += 1) : 1000 + (change.at % 97) * 10;
          const item: Item = { ms, id: `n${change.list}-${String(serial).padStart(4, '0')}`, input: inputOfList[change.list] as number };
          added.add(item.id);
          if (change.fresh && firstPageServed) fresh.add(item.id);
          list.push(item);
          list.sort(byKey);
        };
        const added = new Set<string>();
        let addsThisPage = 0;
        let firstPageServed = false;
        const fresh = new Set<string>();
        const streamOf = (list: number): OrderedStream<Item> =>
          createOffsetStream<Item>({
            reportsTotal: s.reportsTotal[list] as boolean,
            fetch: async ({ offset, limit }) => {
              const items = lists[list] as Item[];
              return { items: items.slice(offset, offset + limit), total: (s.reportsTotal[list] as boolean) ? items.length : null };
            },
            keyOf,
          });
        const inputs: MergeInput<Item>[] = [
          { key: 'a', stream: streamOf(0) },
          { key: 'b', stream: streamOf(1) },
          { key: 'c', stream: mergeStreams([{ key: 'c0', stream: streamOf(2) }, { key: 'c1', stream: streamOf(3) }], byKey, keyOf) },
        ];
        const present = new Map(lists.flat().map((item) => [item.id, item]));
        const deleted = new Set<string>();
        const codec = createCursorCodec('live-merge');
        const listed: Item[] = [];
        let cursor: string | null = null;
        let ended = false;
        for (let page = 0; page < 500; page += 1) {
          const size = Math.max(s.direction === 'backward' ? 2 : 1, s.pageSizes[page % s.pageSizes.length] as number);
          const args: RelayArgs = s.direction === 'forward' ? { first: size, after: cursor } : { last: size, before: cursor };
          const connection: Connection<Item> = await resolveConnection<Item>({
            inputs,
            compare: newestFirst,
            keyOf,
            request: parsePageRequest(args, 100),
            codec,
            binding: 'live',
            tolerateFailures: false,
          });
          firstPageServed = true;
          const nodes = connection.edges.map((edge) => edge.node);
          if (s.direction === 'forward') listed.push(...nodes);
          else listed.unshift(...nodes);
          const more = s.direction === 'forward' ? connection.pageInfo.hasNextPage : connection.pageInfo.hasPreviousPage;
          if (!more) {
            ended = true;
            break;
          }
          cursor = s.direction === 'forward' ? connection.pageInfo.endCursor : connection.pageInfo.startCursor;
          const before = new Set(lists.flat().map((item) => item.id));
          addsThisPage = 0;
          for (const change of s.betweenPages[page % s.betweenPages.length] ?? []) apply(change);
          const after = new Set(lists.flat().map((item) => item.id));
          for (const id of before) if (!after.has(id)) deleted.add(id);
        }

        expect(ended, 'the walk ends').toBe(true);
        const ids = listed.map((item) => item.id);
        expect(new Set(ids).size, 'no item twice').toBe(ids.length);
        for (let index = 1; index < listed.length; index += 1) {
          const a = listed[index - 1] as Item;
          const b = listed[index] as Item;
          const order = b.ms - a.ms || a.input - b.input || (a.id === b.id ? 0 : a.id < b.id ? 1 : -1);
          expect(order, `order: ${a.id}@${a.ms} then ${b.id}@${b.ms}`).toBeLessThanOrEqual(0);
        }
        const seen = new Set(ids);
        const skipped = [...present.keys()].filter((id) => !deleted.has(id) && !seen.has(id));
        expect(skipped, 'every item present for the whole walk appears').toEqual([]);
        // Forward from the head, nothing created after the first page; backward, the contract lets new ones appear.
        const late = s.direction === 'forward' ? [...fresh].filter((id) => seen.has(id)) : [];
        expect(late, 'nothing created after the walk began').toEqual([]);
      }),
      { seed: 23, numRuns: 300 },
    );
  });
});

describe('cursors issued before keys were carried', () => {
  it('still read, and the page says it resumed by positions alone', async () => {
    const items: Item[] = Array.from({ length: 6 }, (_, index) => ({ ms: 1000 - index, id: `x${index}`, input: 0 }));
    const inputs: MergeInput<Item>[] = [{ key: 'a', stream: createOffsetStream<Item>({ reportsTotal: true, fetch: async ({ offset, limit }) => ({ items: items.slice(offset, offset + limit), total: items.length }), keyOf }) }];
    const codec = createCursorCodec('old');
    // The payload of an edge cursor as the graph wrote it before: [boundary, input, component after].
    const old = codec.encode('b', [[[2]], 0, [3]]);
    const page = await resolveConnection<Item>({ inputs, compare: newestFirst, keyOf, request: parsePageRequest({ first: 2, after: old }, 100), codec, binding: 'b', tolerateFailures: false });
    expect(page.edges.map((edge) => edge.node.id)).toEqual(['x3', 'x4']);
    expect(page.warnings).toEqual([{ key: null, warning: expect.objectContaining({ code: 'CURSOR_WITHOUT_KEY' }) }]);
    const next = await resolveConnection<Item>({ inputs, compare: newestFirst, keyOf, request: parsePageRequest({ first: 2, after: page.pageInfo.endCursor }, 100), codec, binding: 'b', tolerateFailures: false });
    expect(next.edges.map((edge) => edge.node.id)).toEqual(['x5']);
    expect(next.warnings).toEqual([]);
  });
});
