import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createListStream, createOffsetStream } from '../streams/offsets.js';
import type { OrderedStream } from '../vendors/port.js';
import { parsePageRequest, resolveConnection, type Connection, type RelayArgs } from './connection.js';
import { createCursorCodec } from './cursor.js';
import { mergeStreams, type MergeInput } from '../streams/merge.js';

const codec = createCursorCodec('test-secret');
const binding = 'letters';
const letters = ['A', 'B', 'C', 'D', 'E'];
const single = (list: string[] = letters): MergeInput<string>[] => [{ key: 'L', stream: createListStream(list) }];

async function page(args: RelayArgs, inputs = single()): Promise<Connection<string>> {
  return resolveConnection({
    inputs,
    compare: () => 0,
    request: parsePageRequest(args, 100),
    codec,
    binding,
    tolerateFailures: false,
  });
}

/** The cursor of `letter` as a forward walk from the start issues it. */
async function cursorOf(letter: string): Promise<string> {
  const all = await page({ first: 5 });
  const edge = all.edges.find((candidate) => candidate.node === letter);
  if (!edge) throw new Error(letter);
  return edge.cursor;
}

function summary(connection: Connection<string>) {
  return {
    nodes: connection.edges.map((edge) => edge.node),
    hasNextPage: connection.pageInfo.hasNextPage,
    hasPreviousPage: connection.pageInfo.hasPreviousPage,
    startIsFirstEdge: connection.pageInfo.startCursor === (connection.edges[0]?.cursor ?? null),
    endIsLastEdge: connection.pageInfo.endCursor === (connection.edges.at(-1)?.cursor ?? null),
  };
}

describe('Relay window over one stream (fixture A..E)', () => {
  const cases: Array<{ name: string; args: () => Promise<RelayArgs>; nodes: string[]; hasNextPage: boolean; hasPreviousPage: boolean }> = [
    { name: 'no arguments: default page', args: async () => ({}), nodes: letters, hasNextPage: false, hasPreviousPage: false },
    { name: 'first 2', args: async () => ({ first: 2 }), nodes: ['A', 'B'], hasNextPage: true, hasPreviousPage: false },
    { name: 'first 5 (exactly all)', args: async () => ({ first: 5 }), nodes: letters, hasNextPage: false, hasPreviousPage: false },
    { name: 'first 10 (past the end)', args: async () => ({ first: 10 }), nodes: letters, hasNextPage: false, hasPreviousPage: false },
    { name: 'first 0', args: async () => ({ first: 0 }), nodes: [], hasNextPage: false, hasPreviousPage: false },
    { name: 'first 2 after B', args: async () => ({ first: 2, after: await cursorOf('B') }), nodes: ['C', 'D'], hasNextPage: true, hasPreviousPage: true },
    { name: 'first 10 after B', args: async () => ({ first: 10, after: await cursorOf('B') }), nodes: ['C', 'D', 'E'], hasNextPage: false, hasPreviousPage: true },
    { name: 'first 2 after E (nothing left)', args: async () => ({ first: 2, after: await cursorOf('E') }), nodes: [], hasNextPage: false, hasPreviousPage: true },
    { name: 'last 2', args: async () => ({ last: 2 }), nodes: ['D', 'E'], hasNextPage: false, hasPreviousPage: true },
    { name: 'last 10', args: async () => ({ last: 10 }), nodes: letters, hasNextPage: false, hasPreviousPage: false },
    { name: 'last 2 before D', args: async () => ({ last: 2, before: await cursorOf('D') }), nodes: ['B', 'C'], hasNextPage: true, hasPreviousPage: true },
    { name: 'last 10 before D', args: async () => ({ last: 10, before: await cursorOf('D') }), nodes: ['A', 'B', 'C'], hasNextPage: true, hasPreviousPage: false },
    { name: 'last 2 before A (nothing left)', args: async () => ({ last: 2, before: await cursorOf('A') }), nodes: [], hasNextPage: true, hasPreviousPage: false },
  ];
  it.each(cases)('$name', async ({ args, nodes, hasNextPage, hasPreviousPage }) => {
    expect(summary(await page(await args()))).toEqual({ nodes, hasNextPage, hasPreviousPage, startIsFirstEdge: true, endIsLastEdge: true });
  });

  it('cursors from a backward page resume forward exactly', async () => {
    const back = await page({ last: 2, before: await cursorOf('D') });
    const next = await page({ first: 2, after: back.pageInfo.endCursor });
    expect(next.edges.map((edge) => edge.node)).toEqual(['D', 'E']);
    const previous = await page({ last: 5, before: back.pageInfo.startCursor });
    expect(previous.edges.map((edge) => edge.node)).toEqual(['A']);
  });

  it('an empty list answers an empty page in both directions', async () => {
    for (const args of [{ first: 3 }, { last: 3 }]) {
      expect(summary(await page(args, single([])))).toEqual({ nodes: [], hasNextPage: false, hasPreviousPage: false, startIsFirstEdge: true, endIsLastEdge: true });
    }
  });
});

describe('parsePageRequest refuses bad arguments', () => {
  it.each([
    { args: { first: 1, last: 1 }, argument: 'first' },
    { args: { first: -1 }, argument: 'first' },
    { args: { last: -1 }, argument: 'last' },
    { args: { first: 101 }, argument: 'first' },
    { args: { after: 'x', before: 'y' }, argument: 'before' },
    { args: { first: 1, before: 'y' }, argument: 'before' },
    { args: { last: 1, after: 'x' }, argument: 'after' },
    { args: { first: 1, after: '' }, argument: 'after' },
  ])('$args', ({ args, argument }) => {
    expect(() => parsePageRequest(args, 100)).toThrowError(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument }) }));
  });
});

describe('cursors', () => {
  it('signs as it always signed: a cursor issued before a release still reads after it', () => {
    // Issued by the codec of 67ceb41 (the secret passed as a string to createHmac each time).
    const issued = 'AoSDgUBBgYME5oqZ1wYICddNNNdu-uRARYGDBOaKmdcGCQBBgwTwrPybmTRFCQA.4RcQm3zAnwkJQjIIaZqzON';
    const payload = [[[0], 1, [[1793475942, '100012765', 0]]], 5, [[1793475942, '100012765', 1]], [1793475942000, 5, '100012765']];
    const golden = createCursorCodec('golden-secret-ünïcode');
    expect(golden.encode('abcdefghijklmnop', payload)).toBe(issued);
    expect(golden.decode('abcdefghijklmnop', issued, 'after')).toEqual(payload);
  });

  it('refuses a forged, tampered or foreign cursor with BAD_USER_INPUT', async () => {
    const good = await cursorOf('B');
    expect((await page({ first: 1, after: good })).edges.map((edge) => edge.node)).toEqual(['C']);
    const [body, signature] = good.split('.') as [string, string];
    const bytes = Buffer.from(body, 'base64url');
    const tamperedCursors = [...bytes].map((_, index) => {
      const changed = Buffer.from(bytes);
      changed[index] = (changed[index] as number) ^ 1;
      return `${changed.toString('base64url')}.${signature}`;
    });
    // [boundary before, input index, component after]: one input L, before B = [1], after B = [2].
    const payload = [[[1]], 0, [2]];
    expect(codec.decode(binding, codec.encode(binding, payload), 'after')).toEqual(payload);
    const otherSecret = createCursorCodec('another-secret').encode(binding, payload);
    const otherBinding = codec.encode('other-filter', payload);
    const forged = [
      'nonsense',
      Buffer.from('{"offset":3}').toString('base64'),
      otherSecret,
      otherBinding,
      `${body}x.${signature}`,
      `${body}.${signature.slice(1)}`,
      `.${signature}`,
      ...tamperedCursors,
    ];
    for (const cursor of forged) {
      await expect(page({ first: 1, after: cursor })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
    }
  });

  it('refuses a signed cursor whose position does not fit the stream', async () => {
    const wrongShape = codec.encode(binding, [[['x']], 0, [2]]);
    const wrongInput = codec.encode(binding, [[[1]], 1, [2]]);
    const wrongLength = codec.encode(binding, [[[1], [1]], 0, [2]]);
    const oldShape = codec.encode(binding, { b: { L: { at: 1 } }, i: 'L', a: { at: 2 } });
    for (const cursor of [wrongShape, wrongInput, wrongLength, oldShape]) {
      await expect(page({ first: 1, after: cursor })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    }
  });

  it('cursors are compact: a single offset stream needs under 40 characters', async () => {
    expect((await cursorOf('B')).length).toBeLessThan(40);
  });
});

interface Item {
  source: string;
  time: number;
  id: string;
}
const newestFirst = (a: Item, b: Item) => b.time - a.time;

/** Three sources with ties inside and across sources, each newest first. */
function sources(seed: number): Record<string, Item[]> {
  const make = (source: string, count: number, mod: number): Item[] =>
    Array.from({ length: count }, (_, index) => ({ source, time: 1000 - Math.floor((index * 7 + seed) / mod), id: `${source}${index}` }));
  return { X: make('X', 23, 2), Y: make('Y', 17, 3), Z: make('Z', 0, 1) };
}

/** The merged order: time desc, ties by input order, each source's own order kept. */
function expectedMerge(lists: Record<string, Item[]>): string[] {
  const keys = Object.keys(lists);
  return keys
    .flatMap((key, rank) => (lists[key] as Item[]).map((item, index) => ({ item, rank, index })))
    .sort((a, b) => b.item.time - a.item.time || a.rank - b.rank || a.index - b.index)
    .map((entry) => entry.item.id);
}

describe('merge of several streams', () => {
  const inputsOf = (lists: Record<string, Item[]>): MergeInput<Item>[] =>
    Object.entries(lists).map(([key, list]) => ({ key, stream: createListStream(list) as OrderedStream<Item> }));

  it('walks forward and backward with random page sizes and yields exactly the merged order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 50 }), fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 }), async (seed, sizes) => {
        const lists = sources(seed);
        const inputs = inputsOf(lists);
        const expected = expectedMerge(lists);
        const run = async (direction: 'forward' | 'backward'): Promise<string[]> => {
          const seen: string[] = [];
          let cursor: string | null = null;
          for (let step = 0; step < 200; step += 1) {
            const size = sizes[step % sizes.length] as number;
            const args: RelayArgs = direction === 'forward' ? { first: size, after: cursor } : { last: size, before: cursor };
            const result: Connection<Item> = await resolveConnection({ inputs, compare: newestFirst, request: parsePageRequest(args, 100), codec, binding, tolerateFailures: false });
            const ids = result.edges.map((edge) => edge.node.id);
            if (direction === 'forward') seen.push(...ids);
            else seen.unshift(...ids);
            const more = direction === 'forward' ? result.pageInfo.hasNextPage : result.pageInfo.hasPreviousPage;
            cursor = direction === 'forward' ? result.pageInfo.endCursor : result.pageInfo.startCursor;
            if (!more) return seen;
          }
          throw new Error('walk did not end');
        };
        expect(await run('forward')).toEqual(expected);
        expect(await run('backward')).toEqual(expected);
      }),
      { seed: 7, numRuns: 40 },
    );
  });

  it('mergeStreams is itself a stream: nested merges walk the same order', async () => {
    const lists = sources(3);
    const inner = mergeStreams(inputsOf({ X: lists.X as Item[], Y: lists.Y as Item[] }), newestFirst);
    const outer: MergeInput<Item>[] = [{ key: 'XY', stream: inner }, { key: 'Z', stream: createListStream(lists.Z as Item[]) }];
    const result = await resolveConnection({ inputs: outer, compare: newestFirst, request: parsePageRequest({ first: 100 }, 100), codec, binding, tolerateFailures: false });
    expect(result.edges.map((edge) => edge.node.id)).toEqual(expectedMerge(lists));
    expect(await inner.count()).toBe(40);
  });

  it('a failing input is reported, its items deferred rather than skipped', async () => {
    const lists = sources(1);
    let failing = true;
    const flaky: OrderedStream<Item> = {
      ...createListStream(lists.Y as Item[]),
      forward: async (start, count) => {
        if (failing) throw new Error('Y is down');
        return createListStream(lists.Y as Item[]).forward(start, count);
      },
    };
    const inputs: MergeInput<Item>[] = [{ key: 'X', stream: createListStream(lists.X as Item[]) }, { key: 'Y', stream: flaky }];
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let step = 0; step < 100; step += 1) {
      if (step === 3) failing = false;
      const result: Connection<Item> = await resolveConnection({ inputs, compare: newestFirst, request: parsePageRequest({ first: 4, after: cursor }, 100), codec, binding, tolerateFailures: true });
      if (step < 3) {
        expect(result.failures.map((failure) => failure.key)).toEqual(['Y']);
        expect(result.pageInfo.hasNextPage).toBe(true);
      }
      seen.push(...result.edges.map((edge) => edge.node.id));
      cursor = result.pageInfo.endCursor ?? cursor;
      if (!result.pageInfo.hasNextPage) break;
    }
    expect([...seen].sort()).toEqual(expectedMerge(lists).sort());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('an input failing on a refill, mid-page, keeps the place it reached: nothing repeats later', async () => {
    const lists = sources(2);
    const x = lists.X as Item[];
    let failing = true;
    // Answers one item per call, so the merge refills it several times within one page; fails from position 3 on.
    const dribbling: OrderedStream<Item> = {
      ...createListStream(x),
      forward: async (start, count) => {
        if (failing && ((start as number | null) ?? 0) >= 3) throw new Error('X is down');
        return createListStream(x).forward(start, Math.min(count, 1));
      },
    };
    const inputs: MergeInput<Item>[] = [{ key: 'X', stream: dribbling }, { key: 'Y', stream: createListStream(lists.Y as Item[]) }];
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let step = 0; step < 100; step += 1) {
      if (step === 2) failing = false;
      const result: Connection<Item> = await resolveConnection({ inputs, compare: newestFirst, request: parsePageRequest({ first: 10, after: cursor }, 100), codec, binding, tolerateFailures: true });
      if (step === 0) expect(result.failures.map((failure) => failure.key)).toEqual(['X']);
      seen.push(...result.edges.map((edge) => edge.node.id));
      cursor = result.pageInfo.endCursor ?? cursor;
      if (!result.pageInfo.hasNextPage) break;
    }
    expect(seen.filter((id, index) => seen.indexOf(id) !== index)).toEqual([]);
    expect([...seen].sort()).toEqual(expectedMerge(lists).sort());
  });
});

describe('a page always makes progress (an input whose items are all refined away)', () => {
  // X: 5,000 items, none kept; Y: 30 items interleaved with them. Newest first = larger numbers first.
  const xs = Array.from({ length: 5000 }, (_, index) => 10_000 - index * 2);
  const ys = Array.from({ length: 30 }, (_, index) => 10_001 - index * 331);
  const newestFirst = (a: number, b: number): number => b - a;
  const inputs = (calls: { count: number }): MergeInput<number>[] => [
    {
      key: 'X',
      stream: createOffsetStream<number>({
        reportsTotal: true,
        fetch: async ({ offset, limit }) => {
          calls.count += 1;
          return { items: xs.slice(offset, offset + limit), total: xs.length };
        },
        keep: () => false,
      }),
    },
    { key: 'Y', stream: createListStream(ys) },
  ];

  it.each(['forward', 'backward'] as const)('walking %s by the page cursors ends with every kept item once', async (direction) => {
    const calls = { count: 0 };
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      pages += 1;
      if (pages > 200) throw new Error('the walk stalled');
      const before = calls.count;
      const connection: Connection<number> = await resolveConnection({
        inputs: inputs(calls),
        compare: newestFirst,
        request: parsePageRequest(direction === 'forward' ? { first: 3, after: cursor } : { last: 3, before: cursor }, 100),
        codec,
        binding,
        tolerateFailures: false,
      });
      // Each input is asked at most 21 times per page (the first ask and 20 refills); `last` without `before`
      // first asks for the total to find the end.
      expect(calls.count - before).toBeLessThanOrEqual(direction === 'backward' && cursor === null ? 22 : 21);
      const nodes = connection.edges.map((edge) => edge.node);
      if (direction === 'forward') seen.push(...nodes);
      else seen.unshift(...nodes);
      const more = direction === 'forward' ? connection.pageInfo.hasNextPage : connection.pageInfo.hasPreviousPage;
      if (!more) break;
      const next = direction === 'forward' ? connection.pageInfo.endCursor : connection.pageInfo.startCursor;
      expect(next).not.toBeNull();
      expect(next).not.toBe(cursor);
      cursor = next;
    }
    expect(seen).toEqual(ys);
  });
});
