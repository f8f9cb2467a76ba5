import { describe, expect, it } from 'vitest';
import { plainConversation } from '../../domain.js';
import type { FlashbackConversationWire } from './client.js';
import { toConversation } from './mapper.js';

/** A wire conversation that counts reads of its fields past the key (id, createdAt). */
function countingWire(): { wire: FlashbackConversationWire; reads: string[] } {
  const reads: string[] = [];
  const fields: Record<string, unknown> = {
    orgId: 'org-1',
    createdBy: 'u-1',
    lastUpdatedAt: '2026-10-02T03:04:05.000Z',
    workspaceId: 'ws-1',
    repoId: 'repo-1',
    tokensIn: '12',
    tokensOut: '34',
    creator: { id: 'u-1', name: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  };
  const wire = { id: 'c-1', createdAt: '2026-10-01T00:00:00.000Z' } as Record<string, unknown>;
  for (const [name, value] of Object.entries(fields)) {
    Object.defineProperty(wire, name, {
      enumerable: true,
      get: () => {
        reads.push(name);
        return value;
      },
    });
  }
  return { wire: wire as unknown as FlashbackConversationWire, reads };
}

describe('Flashback mapper', () => {
  it('maps the key when the list is read and the rest once, when a field past the key is first read', () => {
    const { wire, reads } = countingWire();
    const conversation = toConversation(wire);
    // What the streams order and merge by: read at once, nothing else.
    expect([conversation.provider, conversation.providerId, conversation.createdAt.toISOString()]).toEqual(['FLASHBACK', 'c-1', '2026-10-01T00:00:00.000Z']);
    expect(reads).toEqual([]);
    expect(conversation.title).toBeNull();
    const once = reads.length;
    expect(once).toBeGreaterThan(0);
    expect(conversation.creator?.displayName).toBe('Ada Lovelace');
    expect(conversation.details).toMatchObject({ provider: 'FLASHBACK', orgId: 'org-1', tokensIn: '12', tokensOut: '34' });
    expect(conversation.updatedAt?.toISOString()).toBe('2026-10-02T03:04:05.000Z');
    expect(reads.length).toBe(once);
  });

  it('is plain data for JSON (the live inbox sends conversations between replicas)', () => {
    const conversation = toConversation(countingWire().wire);
    expect(JSON.parse(JSON.stringify(conversation))).toEqual(JSON.parse(JSON.stringify(plainConversation(conversation))));
    expect(JSON.parse(JSON.stringify(conversation))).toMatchObject({
      provider: 'FLASHBACK',
      providerId: 'c-1',
      createdAt: '2026-10-01T00:00:00.000Z',
      members: [{ providerId: 'u-1', email: 'ada@example.com' }],
      details: { workspaceId: 'ws-1' },
    });
    expect(Object.keys(JSON.parse(JSON.stringify(conversation))).sort()).toEqual(
      ['createdAt', 'creator', 'details', 'members', 'messages', 'provider', 'providerId', 'title', 'updatedAt'],
    );
  });
});
