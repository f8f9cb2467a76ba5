import type { Conversation } from '../domain.js';
import { ErrorCode, UpstreamError, type UpstreamFacts } from '../errors.js';
import type { HeadState } from './head.js';

/**
 * What replicas send each other through Redis: conversations (Dates kept as Dates, whatever field holds them),
 * a vendor's failure (its facts, never a stack), and a poller's head state. JSON with dates tagged.
 */

const DATE_TAG = '$date';

function replacer(this: unknown, key: string, value: unknown): unknown {
  const holder = this as Record<string, unknown>;
  const original = holder[key];
  if (original instanceof Date) return { [DATE_TAG]: original.getTime() };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const tagged = value as Record<string, unknown>;
    const keys = Object.keys(tagged);
    if (keys.length === 1 && keys[0] === DATE_TAG && typeof tagged[DATE_TAG] === 'number') return new Date(tagged[DATE_TAG]);
  }
  return value;
}

export type LiveMessage =
  | { kind: 'added'; conversations: Conversation[] }
  | { kind: 'failed'; message: string; facts: UpstreamFacts }
  /**
   * Every failed poll after the first (`failed` is sent once per failure): a replica that subscribed during the
   * failure, and never saw its `failed`, learns of it and leaves the vendor out of the order's watermark.
   */
  | { kind: 'failing'; message: string; facts: UpstreamFacts }
  | { kind: 'recovered' }
  /**
   * A poll started at `startedAtMs` completed: every conversation created before it that the vendor showed has
   * been announced (the feed's watermark, for the order across vendors).
   */
  | { kind: 'polled'; startedAtMs: number }
  /** The poller stopped and released its lease: a follower may take it at once. */
  | { kind: 'released' };

export function encodeMessage(message: LiveMessage, origin: string): string {
  return JSON.stringify({ origin, message }, replacer);
}

/** Null for anything that is not a message of this format (another version, a stray publish). */
export function decodeMessage(text: string): { origin: string; message: LiveMessage } | null {
  try {
    const parsed = JSON.parse(text, reviver) as { origin?: unknown; message?: { kind?: unknown } };
    if (typeof parsed.origin !== 'string' || !parsed.message) return null;
    const kind = parsed.message.kind;
    if (kind !== 'added' && kind !== 'failed' && kind !== 'failing' && kind !== 'recovered' && kind !== 'released' && kind !== 'polled') return null;
    if (kind === 'polled' && typeof (parsed.message as { startedAtMs?: unknown }).startedAtMs !== 'number') return null;
    return parsed as { origin: string; message: LiveMessage };
  } catch {
    return null;
  }
}

export function encodeHead(state: HeadState): string {
  return JSON.stringify({ horizonMs: Number.isFinite(state.horizonMs) ? state.horizonMs : null, recent: state.recent }, replacer);
}

export function decodeHead(text: string | null): HeadState | null {
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text, reviver) as { horizonMs?: unknown; recent?: unknown };
    if (!Array.isArray(parsed.recent)) return null;
    const recent = parsed.recent as Conversation[];
    if (!recent.every((conversation) => conversation && conversation.createdAt instanceof Date && typeof conversation.providerId === 'string')) return null;
    return { horizonMs: typeof parsed.horizonMs === 'number' ? parsed.horizonMs : Number.NEGATIVE_INFINITY, recent };
  } catch {
    return null;
  }
}

/** The failure as sent to other replicas: an UpstreamError keeps its facts; anything else is an internal error. */
export function failureOf(error: unknown, provider: Conversation['provider']): { message: string; facts: UpstreamFacts } {
  if (error instanceof UpstreamError) return { message: error.message, facts: error.facts };
  return { message: `${provider} failed while its new conversations were polled`, facts: { provider, code: ErrorCode.UPSTREAM_BAD_RESPONSE } };
}
