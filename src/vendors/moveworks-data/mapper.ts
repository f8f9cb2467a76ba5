import { DeferredConversation, parseInstant, type Conversation, type ConversationBody, type ConversationDetails, type Message, type MessageRole, type Person } from '../../domain.js';
import type { WireConversation, WireInteraction, WireUser } from './client.js';

/** What the vendor says of a conversation beyond the common fields (`ConversationDetails` of this vendor). */
export interface MoveworksDataDetails extends ConversationDetails {
  provider: 'MOVEWORKS_DATA';
  userId: string | null;
  route: string | null;
  primaryDomain: string | null;
}

/** Moveworks Data JSON -> the graph's domain model. Pure. */

const blankToNull = (value: string | null | undefined): string | null => (value === undefined || value === null || value === '' ? null : value);

/** Key at once, the rest when first read (DeferredConversation). */
class MoveworksDataConversation extends DeferredConversation<WireConversation> {
  constructor(wire: WireConversation) {
    super('MOVEWORKS_DATA', wire.id, new Date(parseInstant(wire.created_time)), wire);
  }
  protected mapBody(): ConversationBody {
    const wire = this.wire;
    return {
      updatedAt: wire.last_updated_time ? new Date(parseInstant(wire.last_updated_time)) : null,
      // The vendor has no title; the detected domain and route are kept in details.
      title: null,
      creator: null,
      members: null,
      messages: null,
      details: {
        provider: 'MOVEWORKS_DATA',
        userId: blankToNull(wire.user_id),
        route: blankToNull(wire.route),
        primaryDomain: blankToNull(wire.primary_domain),
      } satisfies MoveworksDataDetails,
    };
  }
}

export function toConversation(wire: WireConversation): Conversation {
  return new MoveworksDataConversation(wire);
}

export function toPerson(wire: WireUser): Person {
  const firstName = blankToNull(wire.first_name);
  const lastName = blankToNull(wire.last_name);
  const joined = [firstName, lastName].filter((part): part is string => part !== null).join(' ');
  return {
    provider: 'MOVEWORKS_DATA',
    providerId: wire.id,
    displayName: blankToNull(wire.full_name) ?? (joined || null),
    firstName,
    lastName,
    email: blankToNull(wire.email_addr),
    department: blankToNull(wire.department),
    role: blankToNull(wire.role),
  };
}

export function roleOf(actor: string | null | undefined): MessageRole {
  if (actor === 'user') return 'USER';
  if (actor === 'bot') return 'ASSISTANT';
  return 'OTHER';
}

/** One interaction as a message; `sender` is the user for `actor: user`, else null (the assistant is not a person). */
export function toMessage(wire: WireInteraction, sender: Person | null): Message {
  const content = wire.details?.content;
  return {
    provider: 'MOVEWORKS_DATA',
    providerId: wire.id,
    conversationProviderId: wire.conversation_id,
    role: roleOf(wire.actor),
    authorLabel: blankToNull(wire.actor),
    text: typeof content === 'string' ? content : '',
    createdAt: wire.created_time ? new Date(parseInstant(wire.created_time)) : null,
    endedAt: null,
    sender,
  };
}

/** User ids of a conversation's people: the creator first, then interaction users in order of first appearance. */
export function memberIds(creatorId: string | null, interactions: readonly WireInteraction[]): string[] {
  const ids = new Set<string>();
  if (creatorId) ids.add(creatorId);
  for (const interaction of interactions) {
    if (interaction.user_id) ids.add(interaction.user_id);
  }
  return [...ids];
}
