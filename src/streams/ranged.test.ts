import { describe, expect, it } from 'vitest';
import { createOffsetStream, type OffsetWindow } from './offsets.js';
import { overAskedCut } from './ranged.js';
import type { SortKey } from './stream.js';

describe('overAskedCut', () => {
  it.each([
    { ms: 1_500, direction: 'forward' as const, precision: 1, expected: 1_501 },
    { ms: 1_500, direction: 'backward' as const, precision: 1, expected: 1_499 },
    { ms: 1_500, direction: 'forward' as const, precision: 1_000, expected: 2_000 },
    { ms: 1_500, direction: 'backward' as const, precision: 1_000, expected: 0 },
    { ms: 86_400_000 * 3 + 5, direction: 'forward' as const, precision: 86_400_000, expected: 86_400_000 * 4 },
  ])('$direction from $ms at precision $precision asks $expected', ({ ms, direction, precision, expected }) => {
    expect(overAskedCut({ ms, id: 'x' }, direction, precision).ms).toBe(expected);
  });
});

interface Item {
  ms: number;
  id: string;
  keep: boolean;
}
const keyOf = (item: Item): SortKey => ({ ms: item.ms, id: item.id });
const newestFirst = (a: Item, b: Item): number => b.ms - a.ms || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** An offset stream over `list` (newest first) whose vendor can cut it at an instant (inclusive, like Flashback's emulator). */
function rangedStream(list: Item[], log: string[]) {
  const sorted = [...list].sort(newestFirst);
  const page = (items: Item[], { offset, limit }: OffsetWindow) => ({ items: items.slice(offset, offset + limit), total: items.length });
  return createOffsetStream<Item>({
    reportsTotal: true,
    fetch: async (window) => {
      log.push(`all ${window.offset}+${window.limit}`);
      return page(sorted, window);
    },
    keep: (item) => item.keep,
    keyOf,
    range: {
      forward: (bound) => async (window) => {
        const cut = overAskedCut(bound, 'forward', 1).ms;
        log.push(`upTo ${cut} ${window.offset}+${window.limit}`);
        return page(sorted.filter((item) => item.ms <= cut), window);
      },
      backward: (bound) => async (window) => {
        const cut = overAskedCut(bound, 'backward', 1).ms;
        log.push(`from ${cut} ${window.offset}+${window.limit}`);
        return page([...sorted].reverse().filter((item) => item.ms >= cut), window);
      },
    },
  });
}

describe('a stream with a range keyset', () => {
  it('forward from a bound: reads the cut from its head and drops the bound and its ties already shown', async () => {
    const list: Item[] = [
      { ms: 11, id: 'a', keep: true },
      { ms: 9, id: 'c', keep: true },
      { ms: 9, id: 'b', keep: true },
      { ms: 9, id: 'a', keep: true },
      { ms: 8, id: 'a', keep: true },
    ];
    const log: string[] = [];
    const stream = rangedStream(list, log);
    // The walk showed 11/a and 9/c; the offset hint (7) is wrong: the cut ignores it.
    const chunk = await stream.forward(7, 2, { bound: { ms: 9, id: 'c' } });
    expect(chunk.items.map((entry) => `${entry.item.ms}/${entry.item.id}`)).toEqual(['9/b', '9/a']);
    expect(chunk.hasMore).toBe(true);
    expect(log).toEqual(['upTo 10 0+3']);
  });

  it('forward: ties crowding the bound beyond one answer are read through', async () => {
    const list: Item[] = [...'abcdefghij'].map((id) => ({ ms: 5, id, keep: true })).concat([{ ms: 4, id: 'z', keep: true }]);
    const log: string[] = [];
    const chunk = await rangedStream(list, log).forward(3, 1, { bound: { ms: 5, id: 'b' } });
    expect(chunk.items.map((entry) => entry.item.id)).toEqual(['a']);
    expect(log.length).toBeGreaterThan(1);
  });

  it('forward: a long run at or above the bound in the cut (a busy day at day precision) is read in doubling blocks up to 100', async () => {
    // 60 items newer than the bound still inside the cut (shown already, or over-asked), then the bound's successor.
    const list: Item[] = Array.from({ length: 60 }, (_, i) => ({ ms: 100 - i, id: 'a', keep: true })).concat([{ ms: 30, id: 'z', keep: true }]);
    const log: string[] = [];
    const stream = createOffsetStream<Item>({
      reportsTotal: true,
      fetch: async () => {
        throw new Error('not by offset');
      },
      keyOf,
      range: {
        // A cut that cannot exclude the run (the vendor's granule holds it all).
        forward: () => async ({ offset, limit }) => {
          log.push(`${offset}+${limit}`);
          return { items: list.slice(offset, offset + limit), total: list.length };
        },
      },
    });
    const chunk = await stream.forward(60, 1, { bound: { ms: 41, id: 'a' } });
    expect(chunk.items.map((entry) => `${entry.item.ms}/${entry.item.id}`)).toEqual(['30/z']);
    expect(log).toEqual(['0+2', '2+4', '6+8', '14+16', '30+32']);
  });

  it('forward: a run refined away ends the chunk; the next call with the same bound goes on where it stopped', async () => {
    const list: Item[] = [
      { ms: 20, id: 'a', keep: true },
      ...Array.from({ length: 8 }, (_, i) => ({ ms: 19 - i, id: 'x', keep: false })),
      { ms: 5, id: 'b', keep: true },
    ];
    const log: string[] = [];
    const stream = rangedStream(list, log);
    const bound = { ms: 20, id: 'a' };
    const first = await stream.forward(1, 2, { bound });
    expect(first.items).toEqual([]);
    expect(first.hasMore).toBe(true);
    const second = await stream.forward(first.next, 8, { bound });
    expect(second.items.map((entry) => `${entry.item.ms}/${entry.item.id}`)).toEqual(['5/b']);
    // The second read starts in the cut where the first stopped (after the bound and two refined-away items).
    expect(log).toEqual(['upTo 21 0+3', 'upTo 21 3+9']);
  });

  it('backward from a bound: the cut oldest first, nearest the bound first, ties in order', async () => {
    const list: Item[] = [
      { ms: 12, id: 'a', keep: true },
      { ms: 11, id: 'b', keep: true },
      { ms: 11, id: 'a', keep: true },
      { ms: 9, id: 'a', keep: true },
    ];
    const log: string[] = [];
    const chunk = await rangedStream(list, log).backward!(0, 2, { bound: { ms: 11, id: 'a' } });
    expect(chunk.items.map((entry) => `${entry.item.ms}/${entry.item.id}`)).toEqual(['11/b', '12/a']);
    expect(chunk.hasMore).toBe(false);
    expect(log).toEqual(['from 10 0+3']);
  });

  it('backward: an answer that says where it sits in the uncut list (`at`) places the positions, not the hint', async () => {
    // Newest first: 14/a 13/a 12/a 11/a (the bound) 9/a; the cursor's hint (30) drifted: the list shrank since.
    const sorted: Item[] = [14, 13, 12, 11, 9].map((ms) => ({ ms, id: 'a', keep: true }));
    const stream = createOffsetStream<Item>({
      reportsTotal: true,
      fetch: async () => {
        throw new Error('not by offset');
      },
      keyOf,
      range: {
        backward: (bound) => async ({ offset, limit }) => {
          const cut = [...sorted].reverse().filter((item) => item.ms >= bound.ms - 1);
          // The cut oldest first: its item at `offset` is the uncut list's offset cut.length - 1 - offset.
          return { items: cut.slice(offset, offset + limit), total: cut.length, at: cut.length - offset };
        },
      },
    });
    const chunk = await stream.backward!(30, 2, { bound: { ms: 11, id: 'a' } });
    // Nearest the bound first; 12/a is at offset 2 of the uncut list (the hint would say 29).
    expect(chunk.items.map((entry) => [entry.item.ms, entry.before, entry.after])).toEqual([
      [12, 2, 3],
      [13, 1, 2],
    ]);
    expect(chunk.next).toBe(1);
  });

  it('without a bound it reads by offsets as before', async () => {
    const log: string[] = [];
    const chunk = await rangedStream([{ ms: 3, id: 'a', keep: true }, { ms: 2, id: 'a', keep: true }], log).forward(null, 1);
    expect(chunk.items.map((entry) => entry.item.ms)).toEqual([3]);
    expect(log).toEqual(['all 0+1']);
  });
});
