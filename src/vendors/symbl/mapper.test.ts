import { describe, expect, it } from 'vitest';
import { plainConversation } from '../../domain.js';
import { toConversation, toMessage } from './mapper.js';

describe('Symbl mapper', () => {
  it('maps a documented conversation: createdAt = startTime, title = name, members inline, no creator', () => {
    const conversation = toConversation({
      id: '4866329603473408',
      type: 'meeting',
      name: 'John / Mary Brainstorming',
      startTime: '2021-02-27T15:53:05.594Z',
      endTime: '2021-02-27T16:18:05.048Z',
      members: [{ name: 'John', email: 'john@example.com' }, { id: 'm2', name: 'Mary' }],
      metadata: { key: 'value', agentId: 'johndoe' },
    });
    expect(plainConversation(conversation)).toEqual({
      provider: 'SYMBL',
      providerId: '4866329603473408',
      createdAt: new Date('2021-02-27T15:53:05.594Z'),
      updatedAt: null,
      title: 'John / Mary Brainstorming',
      creator: null,
      members: [
        { provider: 'SYMBL', providerId: null, displayName: 'John', firstName: null, lastName: null, email: 'john@example.com', department: null, role: null },
        { provider: 'SYMBL', providerId: 'm2', displayName: 'Mary', firstName: null, lastName: null, email: null, department: null, role: null },
      ],
      messages: null,
      details: {
        provider: 'SYMBL',
        type: 'meeting',
        name: 'John / Mary Brainstorming',
        endTime: new Date('2021-02-27T16:18:05.048Z'),
        metadata: { key: 'value', agentId: 'johndoe' },
      },
    });
  });

  it('tolerates missing optional fields', () => {
    const conversation = toConversation({ id: '1', startTime: '2021-02-27T15:53:05.594Z' });
    expect(conversation.members).toEqual([]);
    expect(conversation.details).toEqual({ provider: 'SYMBL', type: null, name: null, endTime: null, metadata: {} });
  });

  it('maps messages: sender from `from`, userId as email when it is one, unidentified speakers as OTHER', () => {
    const message = toMessage(
      { id: '7', text: 'Hi "all"', from: { id: 'u1', name: 'Zoë', userId: 'zoe@example.com' }, startTime: '2021-02-27T15:54:00.000Z', endTime: '2021-02-27T15:54:03.000Z', conversationId: '1' },
      '1',
    );
    expect(message).toEqual({
      provider: 'SYMBL',
      providerId: '7',
      conversationProviderId: '1',
      role: 'USER',
      authorLabel: 'Zoë',
      text: 'Hi "all"',
      createdAt: new Date('2021-02-27T15:54:00.000Z'),
      endedAt: new Date('2021-02-27T15:54:03.000Z'),
      sender: { provider: 'SYMBL', providerId: 'u1', displayName: 'Zoë', firstName: null, lastName: null, email: 'zoe@example.com', department: null, role: null },
    });
    const anonymous = toMessage({ id: '8', text: 'hm', from: {} }, '1');
    expect(anonymous).toMatchObject({ role: 'OTHER', sender: null, authorLabel: null, conversationProviderId: '1', createdAt: null });
    expect(toMessage({ id: '9', from: { id: 'u2', userId: 'not-an-email' } }, '1').sender?.email).toBeNull();
  });
});
