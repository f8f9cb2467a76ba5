import { DeferredConversation, parseInstant, type Conversation, type ConversationBody, type ConversationDetails, type JsonObject, type Message, type Person } from '../../domain.js';
import type { SymblConversationWire, SymblMemberWire, SymblMessageWire } from './client.js';

/** What the vendor says of a conversation beyond the common fields (`ConversationDetails` of this vendor). */
export interface SymblDetails extends ConversationDetails {
  provider: 'SYMBL';
  type: string | null;
  name: string | null;
  endTime: Date | null;
  metadata: JsonObject;
}

/**
 * Symbl JSON -> domain, pure.
 * - createdAt = startTime (the field the vendor orders and filters on); the
 *   vendor's name, type, endTime and metadata are kept in `details`.
 * - updatedAt = null: Symbl has no "last updated"; endTime is kept as such.
 * - creator: Symbl has no creator. `metadata.agentId` is a user-defined
 *   label, not a person record, so it stays in `metadata` and creator is null.
 * - Members arrive inline; a speaker's `userId` becomes the email when it is one.
 */

function person(id: string | null | undefined, name: string | null | undefined, email: string | null | undefined): Person {
  return {
    provider: 'SYMBL',
    providerId: id ?? null,
    displayName: name ?? null,
    firstName: null,
    lastName: null,
    email: email ?? null,
    department: null,
    role: null,
  };
}

export function toPerson(member: SymblMemberWire): Person {
  return person(member.id, member.name, member.email);
}

/** Key at once, the rest when first read (DeferredConversation). */
class SymblConversation extends DeferredConversation<SymblConversationWire> {
  constructor(wire: SymblConversationWire) {
    super('SYMBL', wire.id, new Date(parseInstant(wire.startTime)), wire);
  }
  protected mapBody(): ConversationBody {
    const wire = this.wire;
    return {
      updatedAt: null,
      title: wire.name ?? null,
      creator: null,
      members: (wire.members ?? []).map(toPerson),
      messages: null,
      details: {
        provider: 'SYMBL',
        type: wire.type ?? null,
        name: wire.name ?? null,
        endTime: wire.endTime ? new Date(parseInstant(wire.endTime)) : null,
        metadata: (wire.metadata ?? {}) as JsonObject,
      } satisfies SymblDetails,
    };
  }
}

export function toConversation(wire: SymblConversationWire): Conversation {
  return new SymblConversation(wire);
}

export function toMessage(wire: SymblMessageWire, conversationId: string): Message {
  const from = wire.from ?? null;
  const known = from !== null && Boolean(from.id || from.name || from.userId);
  const userId = from?.userId ?? null;
  return {
    provider: 'SYMBL',
    providerId: wire.id,
    conversationProviderId: wire.conversationId ?? conversationId,
    // Symbl transcribes people talking: an identified speaker is a user; an unidentified one is "other".
    role: known ? 'USER' : 'OTHER',
    authorLabel: from?.name ?? null,
    text: wire.text ?? '',
    createdAt: wire.startTime ? new Date(parseInstant(wire.startTime)) : null,
    endedAt: wire.endTime ? new Date(parseInstant(wire.endTime)) : null,
    sender: known && from ? person(from.id, from.name, userId !== null && userId.includes('@') ? userId : null) : null,
  };
}
