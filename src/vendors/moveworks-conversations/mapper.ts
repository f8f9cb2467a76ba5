import { DeferredConversation, parseInstant, type Conversation, type ConversationBody, type ConversationDetails, type Message, type MessageRole } from '../../domain.js';
import type { MoveworksConversationWire, MoveworksMessageWire } from './client.js';

/** What the vendor says of a conversation beyond the common fields (`ConversationDetails` of this vendor). */
export interface MoveworksConversationsDetails extends ConversationDetails {
  provider: 'MOVEWORKS_CONVERSATIONS';
  title: string | null;
  archived: boolean;
}

/** Key at once, the rest when first read (DeferredConversation). The vendor's data has no people: no creator, no members. */
class MoveworksConversation extends DeferredConversation<MoveworksConversationWire> {
  constructor(wire: MoveworksConversationWire) {
    super('MOVEWORKS_CONVERSATIONS', wire.conversation_id, new Date(parseInstant(wire.created_at)), wire);
  }
  protected mapBody(): ConversationBody {
    const wire = this.wire;
    const title = wire.title ?? null;
    return {
      updatedAt: new Date(parseInstant(wire.updated_at)),
      title,
      creator: null,
      members: [],
      messages: null,
      details: { provider: 'MOVEWORKS_CONVERSATIONS', title, archived: wire.archived } satisfies MoveworksConversationsDetails,
    };
  }
}

export function toConversation(wire: MoveworksConversationWire): Conversation {
  return new MoveworksConversation(wire);
}

function roleOf(actor: string): MessageRole {
  if (actor === 'USER') return 'USER';
  if (actor === 'ASSISTANT') return 'ASSISTANT';
  return 'OTHER';
}

/** The text of a `COMMONMARK_TEXT` message (CommonMark source); other content types have none we know. */
export function toMessage(wire: MoveworksMessageWire): Message {
  return {
    provider: 'MOVEWORKS_CONVERSATIONS',
    providerId: wire.message_id,
    conversationProviderId: wire.conversation_id,
    role: roleOf(wire.actor),
    authorLabel: wire.actor,
    text: wire.content.commonmark_text?.text ?? '',
    createdAt: new Date(parseInstant(wire.created_at)),
    endedAt: null,
    sender: null,
  };
}
