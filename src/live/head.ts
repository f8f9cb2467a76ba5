import type { Conversation } from '../domain.js';

/**
 * What a poller knows of one vendor stream's head, and the pure rule that turns the conversations read at the
 * head into the ones that are new. Kept as plain data so a replica that takes a poll over (Redis) continues from
 * where the previous one stopped, without re-announcing or missing anything.
 *
 * - `horizonMs`: conversations created at or before it are never announced (they were below the part of the
 *   head already read). It only moves forward, to the conversation halfway down the last head page, so the
 *   next poll covers it and up to half a page of arrivals in one upstream page.
 * - `recent`: the newest conversations known at the head (newest first, at most `keep`): the ones read above
 *   the horizon (so they are not announced twice) and what a resumed subscription may be sent.
 */
export interface HeadState {
  horizonMs: number;
  recent: Conversation[];
}

export const EMPTY_HEAD: HeadState = { horizonMs: Number.NEGATIVE_INFINITY, recent: [] };

/** Newest first; ties by provider then vendor id, as the connection orders them. */
export function newestFirst(a: Conversation, b: Conversation): number {
  const difference = b.createdAt.getTime() - a.createdAt.getTime();
  if (difference !== 0) return difference;
  if (a.provider !== b.provider) return a.provider < b.provider ? -1 : 1;
  return a.providerId < b.providerId ? -1 : a.providerId > b.providerId ? 1 : 0;
}

export interface HeadRead {
  /** The stream's first conversations, newest first, as read this poll. */
  items: Conversation[];
  /** False when the read reached the end of the stream (everything there is was read). */
  hasMore: boolean;
}

export interface HeadUpdate {
  state: HeadState;
  /** Conversations to announce, oldest first (the order they are sent in). */
  added: Conversation[];
  /**
   * True when the read stopped before reaching the horizon (more arrived than a poll may read): conversations
   * between the last one read and the horizon were not announced.
   */
  gap: boolean;
}

/** Whether a read must go on: it has not yet reached the horizon (and the stream goes on). */
export function needsMore(state: HeadState, read: HeadRead): boolean {
  if (!read.hasMore) return false;
  const last = read.items[read.items.length - 1];
  return last === undefined || last.createdAt.getTime() > state.horizonMs;
}

/**
 * The next state after a read of the head. `baseline`: the first read of a poller, whose conversations are known,
 * not new. `pageSize`: the poll's page (the horizon moves to half of it).
 */
export function advanceHead(state: HeadState, read: HeadRead, options: { baseline: boolean; pageSize: number; keep: number }): HeadUpdate {
  const known = new Set(state.recent.map((conversation) => conversation.providerId));
  const readIds = new Set(read.items.map((conversation) => conversation.providerId));
  const added = options.baseline
    ? []
    : read.items.filter((conversation) => conversation.createdAt.getTime() > state.horizonMs && !known.has(conversation.providerId));
  const last = read.items[read.items.length - 1];
  const coveredDownToMs = read.hasMore ? (last?.createdAt.getTime() ?? Number.POSITIVE_INFINITY) : Number.NEGATIVE_INFINITY;
  const gap = !options.baseline && coveredDownToMs > state.horizonMs;
  // Known conversations newer than the oldest one read that the read did not return are gone (deleted).
  const kept = state.recent.filter((conversation) => conversation.createdAt.getTime() <= coveredDownToMs || readIds.has(conversation.providerId));
  const byId = new Map(kept.map((conversation) => [conversation.providerId, conversation]));
  for (const conversation of read.items) byId.set(conversation.providerId, conversation);
  const recent = [...byId.values()].sort(newestFirst).slice(0, Math.max(options.keep, Math.ceil(options.pageSize / 2) + 1));
  let horizonMs = state.horizonMs;
  const halfway = read.items[Math.floor(options.pageSize / 2)];
  if (halfway) horizonMs = Math.max(horizonMs, halfway.createdAt.getTime());
  // A gap: nothing below the oldest conversation read will be announced (those are the missed ones).
  if (gap && last) horizonMs = Math.max(horizonMs, last.createdAt.getTime());
  return { state: { horizonMs, recent }, added: [...added].sort(newestFirst).reverse(), gap };
}
