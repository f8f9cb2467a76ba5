import { DeferredConversation, parseInstant, type Conversation, type ConversationBody, type ConversationDetails, type Message, type MessageRole, type Person } from '../../domain.js';
import type { ChatbaseConversationWire } from './client.js';

/** What the vendor says of a conversation beyond the common fields (`ConversationDetails` of this vendor). */
export interface ChatbaseDetails extends ConversationDetails {
  provider: 'CHATBASE';
  chatbotId: string;
  source: string | null;
  customer: string | null;
}

/** Chatbase JSON → the graph's model. Pure. */

/** The `customer` string as a person; null for an anonymous conversation (no or empty customer). */
export function customerPerson(customer: string | null | undefined): Person | null {
  if (customer === null || customer === undefined || customer.trim() === '') return null;
  return {
    provider: 'CHATBASE',
    providerId: customer,
    displayName: customer,
    firstName: null,
    lastName: null,
    email: null,
    department: null,
    role: null,
  };
}

export function messageRole(role: string): MessageRole {
  if (role === 'user') return 'USER';
  if (role === 'assistant') return 'ASSISTANT';
  return 'OTHER';
}

/** Messages in the vendor's order (oldest first), with synthetic ids `${conversationId}:${index}`. */
export function mapMessages(wire: ChatbaseConversationWire, customer: Person | null): Message[] {
  return (wire.messages ?? []).map((message, index) => {
    const role = messageRole(message.role);
    return {
      provider: 'CHATBASE',
      providerId: `${wire.id}:${index}`,
      conversationProviderId: wire.id,
      role,
      authorLabel: message.role,
      text: message.content ?? '',
      createdAt: null,
      endedAt: null,
      sender: role === 'USER' ? customer : null,
    };
  });
}

/**
 * Key at once, the rest when first read (DeferredConversation); the inline messages only when they are read,
 * apart from the rest: a page maps every conversation of its upstream pages, few of which any query asks the
 * messages of.
 */
class ChatbaseConversation extends DeferredConversation<ChatbaseConversationWire> {
  declare private readonly chatbotId: string;
  /** Absent until the messages are read. */
  declare private mappedMessages: Message[] | undefined;
  constructor(wire: ChatbaseConversationWire, chatbotId: string) {
    super('CHATBASE', wire.id, new Date(parseInstant(wire.created_at)), wire);
    this.chatbotId = chatbotId;
  }
  protected mapBody(): ConversationBody {
    const wire = this.wire;
    const customer = customerPerson(wire.customer);
    return {
      updatedAt: null,
      title: null,
      creator: customer,
      members: customer ? [customer] : [],
      messages: null,
      details: {
        provider: 'CHATBASE',
        chatbotId: this.chatbotId,
        source: wire.source ?? null,
        customer: wire.customer ?? null,
      } satisfies ChatbaseDetails,
    };
  }
  override get messages(): Message[] {
    return (this.mappedMessages ??= mapMessages(this.wire, this.creator));
  }
}

/** `chatbotId` is the chatbot the conversation was read from: the one a look-up must ask again. */
export function mapConversation(wire: ChatbaseConversationWire, chatbotId: string): Conversation {
  return new ChatbaseConversation(wire, chatbotId);
}
