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

/** The key an event cursor carries (of one of the subscription's `providers`); BAD_USER_INPUT (naming `argument`) for any other string. */
export function readEventCursor(codec: CursorCodec, binding: string, cursor: string, argument: string, providers: readonly Provider[]): ConversationKeyOrder {
  const payload = codec.decode(binding, cursor, argument) as unknown;
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
  throw badUserInput(`The \`${argument}\` cursor is not one of this subscription's event cursors.`, { argument });
}
