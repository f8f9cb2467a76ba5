import type { CursorCodec } from '../connection/cursor.js';
import type { Conversation, JsonValue, Provider } from '../domain.js';
import { badUserInput } from '../errors.js';
import type { ConversationKeyOrder } from './service.js';

/**
 * An event's cursor: the conversation's ordering key (createdAt, provider, vendor id), signed and bound to the
 * providers and filter of the subscription, as the connection's cursors are. `after:` (or `Last-Event-ID`)
 * resumes with what came after that key.
 */
export function eventCursor(codec: CursorCodec, binding: string, conversation: Conversation): string {
  return codec.encode(binding, { live: [conversation.createdAt.getTime(), conversation.provider, conversation.providerId] } as JsonValue);
}

/**
 * The key a connection cursor of the same providers and filter carries (the walk contract's `k = [ms, input,
 * id]`, in an edge's `[b, i, a, k, f?]` or a boundary's `[b, k, f?]`), or null when it carries none.
 */
function connectionKey(payload: unknown, providers: readonly Provider[]): ConversationKeyOrder | null {
  if (!Array.isArray(payload)) return null;
  const key = typeof payload[1] === 'number' ? (payload.length >= 4 ? payload[3] : null) : payload[1];
  if (!Array.isArray(key) || key.length !== 3) return null;
  const [ms, input, id] = key as [unknown, unknown, unknown];
  const provider = typeof input === 'number' ? providers[input] : undefined;
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || !provider || typeof id !== 'string') return null;
  return { createdAtMs: ms, provider, providerId: id };
}

/**
 * The key an event cursor carries (of one of the subscription's `providers`), or the key of a `conversations`
 * cursor of the same providers and filter (so `after: pageInfo.startCursor` sends what arrived after the list a
 * client shows); BAD_USER_INPUT (naming `argument`) for any other string.
 */
export function readEventCursor(codec: CursorCodec, binding: string, cursor: string, argument: string, providers: readonly Provider[]): ConversationKeyOrder {
  const payload = codec.decode(binding, cursor, argument) as unknown;
  const fromConnection = connectionKey(payload, providers);
  if (fromConnection) return fromConnection;
  const key = (payload as { live?: unknown } | null)?.live;
  if (
    Array.isArray(key) &&
    key.length === 3 &&
    typeof key[0] === 'number' &&
    Number.isFinite(key[0]) &&
    providers.includes(key[1] as Provider) &&
    typeof key[2] === 'string'
  ) {
    return { createdAtMs: key[0], provider: key[1] as Provider, providerId: key[2] };
  }
  throw badUserInput(`The \`${argument}\` cursor is neither an event cursor of this subscription nor a \`conversations\` cursor of the same providers and filter.`, { argument });
}
