import { describe, expect, it } from 'vitest';
import { plainConversation } from '../../domain.js';
import type { ChatbaseConversationWire } from './client.js';
import { customerPerson, mapConversation, messageRole } from './mapper.js';

const wire: ChatbaseConversationWire = {
  id: 'conv-1',
  created_at: '2024-07-10T12:34:56.789+00:00',
  messages: [
    { role: 'assistant', content: 'Hi! How can I help?' },
    { role: 'user', content: 'Path C:\\Users\\ada — "quoted" ✍️' },
    { role: 'system', content: null },
  ],
  chatbot_id: 'support-bot',
  customer: 'José García',
  source: 'Chatbase site',
};

describe('Chatbase mapper', () => {
  it('maps a conversation with its customer as creator and only member', () => {
    const person = customerPerson('José García');
    expect(plainConversation(mapConversation(wire, 'support-bot'))).toEqual({
      provider: 'CHATBASE',
      providerId: 'conv-1',
      createdAt: new Date('2024-07-10T12:34:56.789Z'),
      updatedAt: null,
      title: null,
      creator: person,
      members: [person],
      messages: [
        { provider: 'CHATBASE', providerId: 'conv-1:0', conversationProviderId: 'conv-1', role: 'ASSISTANT', authorLabel: 'assistant', text: 'Hi! How can I help?', createdAt: null, endedAt: null, sender: null },
        { provider: 'CHATBASE', providerId: 'conv-1:1', conversationProviderId: 'conv-1', role: 'USER', authorLabel: 'user', text: 'Path C:\\Users\\ada — "quoted" ✍️', createdAt: null, endedAt: null, sender: person },
        { provider: 'CHATBASE', providerId: 'conv-1:2', conversationProviderId: 'conv-1', role: 'OTHER', authorLabel: 'system', text: '', createdAt: null, endedAt: null, sender: null },
      ],
      details: { provider: 'CHATBASE', chatbotId: 'support-bot', source: 'Chatbase site', customer: 'José García' },
    });
  });

  it.each([[''], ['   '], [null], [undefined]])('treats customer %j as anonymous', (customer) => {
    const conversation = mapConversation({ ...wire, customer }, 'support-bot');
    expect(conversation.creator).toBeNull();
    expect(conversation.members).toEqual([]);
    expect(conversation.messages?.[1]?.sender).toBeNull();
  });

  it('keeps the chatbot it was read from and tolerates missing messages and source', () => {
    const conversation = mapConversation({ ...wire, chatbot_id: null, messages: null, source: undefined }, 'bot-émoji-🤖');
    expect(conversation.details).toMatchObject({ chatbotId: 'bot-émoji-🤖', source: null });
    expect(conversation.messages).toEqual([]);
  });

  it.each([
    ['user', 'USER'],
    ['assistant', 'ASSISTANT'],
    ['User', 'OTHER'],
    ['tool', 'OTHER'],
  ])('role %s → %s', (role, expected) => {
    expect(messageRole(role)).toBe(expected);
  });
});
