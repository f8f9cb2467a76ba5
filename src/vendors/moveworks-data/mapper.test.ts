import { describe, expect, it } from 'vitest';
import { plainConversation } from '../../domain.js';
import type { WireUser } from './client.js';
import { memberIds, roleOf, toConversation, toMessage, toPerson } from './mapper.js';

describe('Moveworks Data mapper', () => {
  it('maps a conversation with missing optional columns', () => {
    expect(plainConversation(toConversation({ id: 'c1', created_time: '2025-01-02T03:04:05.678Z' }))).toEqual({
      provider: 'MOVEWORKS_DATA',
      providerId: 'c1',
      createdAt: new Date('2025-01-02T03:04:05.678Z'),
      updatedAt: null,
      title: null,
      creator: null,
      members: null,
      messages: null,
      details: { provider: 'MOVEWORKS_DATA', userId: null, route: null, primaryDomain: null },
    });
  });

  it.each([
    ['full record', { id: 'u', first_name: "Zoë", last_name: "D'Angelo", full_name: "Zoë D'Angelo", email_addr: 'z@x', department: 'IT', role: 'Manager' }, "Zoë D'Angelo"],
    ['no full_name: first and last joined', { id: 'u', first_name: 'Ada', last_name: 'Lovelace' }, 'Ada Lovelace'],
    ['blank strings are absent', { id: 'u', first_name: '', last_name: 'Solo', full_name: '' }, 'Solo'],
    ['nothing at all', { id: 'u' }, null],
  ] as [string, WireUser, string | null][])('person: %s', (_name, wire, displayName) => {
    const person = toPerson(wire);
    expect(person.displayName).toBe(displayName);
    expect(person.providerId).toBe('u');
    expect(person.firstName).toBe(wire.first_name || null);
  });

  it.each([
    ['user', 'USER'],
    ['bot', 'ASSISTANT'],
    ['system', 'OTHER'],
    [null, 'OTHER'],
  ] as const)('actor %s -> %s', (actor, role) => {
    expect(roleOf(actor)).toBe(role);
  });

  it('maps an interaction; text from details.content, empty when absent', () => {
    const base = { id: 'i', conversation_id: 'c', user_id: 'u', actor: 'bot', created_time: '2025-01-01T00:00:00.000Z' };
    expect(toMessage({ ...base, details: { content: 'Hi "there" \\o/' } }, null)).toEqual({
      provider: 'MOVEWORKS_DATA',
      providerId: 'i',
      conversationProviderId: 'c',
      role: 'ASSISTANT',
      authorLabel: 'bot',
      text: 'Hi "there" \\o/',
      createdAt: new Date('2025-01-01T00:00:00.000Z'),
      endedAt: null,
      sender: null,
    });
    expect(toMessage({ ...base, details: null }, null).text).toBe('');
    expect(toMessage({ ...base, details: { content: null } }, null).text).toBe('');
  });

  it('member ids: creator first, then interaction users by first appearance, no duplicates', () => {
    const turn = (user_id: string | null) => ({ id: 'x', conversation_id: 'c', user_id });
    expect(memberIds('a', [turn('b'), turn('a'), turn(null), turn('c'), turn('b')])).toEqual(['a', 'b', 'c']);
    expect(memberIds(null, [])).toEqual([]);
  });
});
