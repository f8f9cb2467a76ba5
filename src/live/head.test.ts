import { describe, expect, it } from 'vitest';
import type { Conversation } from '../domain.js';
import { PROVIDERS } from '../vendors/vendors.js';

const PROVIDER = PROVIDERS[0];
import { advanceHead, EMPTY_HEAD, needsMore, type HeadState } from './head.js';

const at = (id: string, ms: number): Conversation =>
  ({ provider: PROVIDER, providerId: id, createdAt: new Date(ms), updatedAt: null, title: null, creator: null, members: null, messages: null, details: { provider: PROVIDER } }) as unknown as Conversation;

/** A vendor head: ids with their instants, newest first. */
const head = (...entries: Array<[string, number]>): Conversation[] => entries.map(([id, ms]) => at(id, ms)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
const options = { pageSize: 4, keep: 10 };
const ids = (list: Conversation[]) => list.map((conversation) => conversation.providerId);

function baseline(items: Conversation[], hasMore = true): HeadState {
  const update = advanceHead(EMPTY_HEAD, { items, hasMore }, { ...options, baseline: true });
  expect(update.added).toEqual([]);
  return update.state;
}

describe('advanceHead', () => {
  const first = head(['d', 40], ['c', 30], ['b', 20], ['a', 10]);

  it('the first read only learns the head; the horizon is the conversation halfway down the page', () => {
    const state = baseline(first);
    expect(state.horizonMs).toBe(20);
    expect(ids(state.recent)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('announces what is new above the horizon, oldest first, once', () => {
    let state = baseline(first);
    const read = { items: head(['f', 60], ['e', 50], ['d', 40], ['c', 30]), hasMore: true };
    expect(needsMore(state, read)).toBe(true);
    const more = { items: [...read.items, ...head(['b', 20])], hasMore: true };
    expect(needsMore(state, more)).toBe(false);
    const update = advanceHead(state, more, { ...options, baseline: false });
    expect(ids(update.added)).toEqual(['e', 'f']);
    expect(update.gap).toBe(false);
    state = update.state;
    const again = advanceHead(state, { items: head(['f', 60], ['e', 50], ['d', 40], ['c', 30]), hasMore: true }, { ...options, baseline: false });
    expect(again.added).toEqual([]);
  });

  it('a deletion at the head does not make an older conversation look new', () => {
    const state = baseline(first);
    // `d` deleted: `a` (below the horizon) moves up into the page.
    const update = advanceHead(state, { items: head(['c', 30], ['b', 20], ['a', 10], ['z', 5]), hasMore: true }, { ...options, baseline: false });
    expect(update.added).toEqual([]);
    expect(ids(update.state.recent)).not.toContain('d');
  });

  it('an update that changes nothing of the order announces nothing; an old conversation reported late is not announced', () => {
    const state = baseline(first);
    const update = advanceHead(state, { items: head(['d', 40], ['c', 30], ['late', 15], ['b', 20]), hasMore: true }, { ...options, baseline: false });
    expect(update.added).toEqual([]);
  });

  it('says when a poll stopped before the horizon (more arrived than it reads), and never announces below it later', () => {
    const state = baseline(first);
    const read = { items: head(['j', 100], ['i', 90], ['h', 80], ['g', 70]), hasMore: true };
    const update = advanceHead(state, read, { ...options, baseline: false });
    expect(update.gap).toBe(true);
    expect(ids(update.added)).toEqual(['g', 'h', 'i', 'j']);
    expect(update.state.horizonMs).toBeGreaterThanOrEqual(70);
  });

  it('a short stream read to its end: everything is known, nothing lost', () => {
    const state = baseline(head(['a', 10]), false);
    const update = advanceHead(state, { items: head(['b', 20], ['a', 10]), hasMore: false }, { ...options, baseline: false });
    expect(ids(update.added)).toEqual(['b']);
  });
});
