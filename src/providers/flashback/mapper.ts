import type { Conversation, Person } from '../../domain.js';
import type { FlashbackConversationWire } from './client.js';

export function toConversation(wire: FlashbackConversationWire): Conversation {
  const creator: Person | null = wire.creator
    ? {
        provider: 'FLASHBACK',
        providerId: wire.creator.id,
        displayName: [wire.creator.name, wire.creator.lastName].filter(Boolean).join(' ') || null,
        firstName: wire.creator.name ?? null,
        lastName: wire.creator.lastName ?? null,
        email: wire.creator.email ?? null,
        department: null,
        role: null,
      }
    : null;
  return {
    provider: 'FLASHBACK',
    providerId: wire.id,
    createdAt: new Date(wire.createdAt),
    updatedAt: wire.lastUpdatedAt ? new Date(wire.lastUpdatedAt) : null,
    title: null,
    creator,
    members: creator ? [creator] : [],
    messages: null,
    details: {
      provider: 'FLASHBACK',
      orgId: wire.orgId ?? null,
      workspaceId: wire.workspaceId ?? null,
      repoId: wire.repoId ?? null,
      createdBy: wire.createdBy ?? null,
      tokensIn: wire.tokensIn ?? null,
      tokensOut: wire.tokensOut ?? null,
    },
  };
}
