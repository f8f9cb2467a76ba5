import type { Conversation, JsonValue } from '../../domain.js';

/**
 * Positions in Intercom's stream: keys, never offsets or vendor cursors, so a walk resumes exactly after
 * the last conversation it showed however the inbox changed in between (issue 23's contract).
 *
 * The stream's order: newest `created_at` (whole seconds) first; within one second, id descending
 * (as strings). A position is a boundary between two items, written `[second, id, side]`:
 * - `[s, id, 1]`: just after the item (s, id); `[s, id, 0]`: just before it;
 * - `[s, null, 0]`: before every item of second s (after every newer one).
 */
export type Boundary = [seconds: number, id: string | null, side: 0 | 1];

/** Ids compare as JS strings: the graph's tie-break within one instant (the merge's walk bound compares them so). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const secondsOf = (conversation: Conversation): number => Math.floor(conversation.createdAt.getTime() / 1000);

/** Forward order of the stream: negative when `a` comes first. */
export function compareForward(a: Conversation, b: Conversation): number {
  const difference = secondsOf(b) - secondsOf(a);
  return difference !== 0 ? difference : compareIds(b.providerId, a.providerId);
}

/** Whether `conversation` lies after `boundary` in forward order. */
export function isAfter(conversation: Conversation, boundary: Boundary): boolean {
  const [seconds, id, side] = boundary;
  const own = secondsOf(conversation);
  if (own !== seconds) return own < seconds;
  if (id === null) return true;
  const comparison = compareIds(conversation.providerId, id);
  return side === 1 ? comparison < 0 : comparison <= 0;
}

export const before = (conversation: Conversation): Boundary => [secondsOf(conversation), conversation.providerId, 0];
export const after = (conversation: Conversation): Boundary => [secondsOf(conversation), conversation.providerId, 1];

export function isBoundary(value: unknown): value is Boundary & JsonValue {
  if (!Array.isArray(value) || value.length !== 3) return false;
  const [seconds, id, side] = value as unknown[];
  return (
    typeof seconds === 'number' &&
    Number.isSafeInteger(seconds) &&
    (id === null || (typeof id === 'string' && id.length <= 64)) &&
    (side === 0 || side === 1) &&
    !(id === null && side === 1)
  );
}

/** The walk's last item as the merge knows it (`{ ms, id }`); ids above/below every id stand for a whole instant. */
export interface WalkBound {
  ms: number;
  id: string;
}

/**
 * A walk bound as a boundary: forward, just after the bound; backward, just before it. Ids compare as strings,
 * so the merge's ids above and below every id (`\uffff`, `''`) need no special case.
 */
export function boundaryOfWalk(bound: WalkBound, direction: 'forward' | 'backward'): Boundary {
  const seconds = Math.floor(bound.ms / 1000);
  // An instant inside a second: that second's conversations (created at its start) are all older than it.
  if (bound.ms % 1000 !== 0) return [seconds, null, 0];
  return direction === 'forward' ? [seconds, bound.id, 1] : [seconds, bound.id, 0];
}
