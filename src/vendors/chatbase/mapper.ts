import type { Conversation, ConversationDetails, Message, MessageRole, Person } from '../../domain.js';
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
 * `chatbotId` is the chatbot the conversation was read from: the one a look-up must ask again. The inline
 * messages are mapped when first read: a page maps every conversation of its upstream pages, most of which
 * no query asks the messages of.
 */
export function mapConversation(wire: ChatbaseConversationWire, chatbotId: string): Conversation {
  const customer = customerPerson(wire.customer);
  let messages: Message[] | undefined;
  return {
    provider: 'CHATBASE',
    providerId: wire.id,
    createdAt: new Date(wire.created_at),
    updatedAt: null,
    title: null,
    creator: customer,
    members: customer ? [customer] : [],
    get messages(): Message[] {
      return (messages ??= mapMessages(wire, customer));
    },
    details: {
      provider: 'CHATBASE',
      chatbotId,
      source: wire.source ?? null,
      customer: wire.customer ?? null,
    } satisfies ChatbaseDetails,
  };
}
