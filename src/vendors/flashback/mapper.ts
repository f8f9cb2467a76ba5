import { DeferredConversation, parseInstant, type Conversation, type ConversationBody, type ConversationDetails, type Person } from '../../domain.js';
import type { FlashbackConversationWire } from './client.js';

/** What the vendor says of a conversation beyond the common fields (`ConversationDetails` of this vendor). */
export interface FlashbackDetails extends ConversationDetails {
  provider: 'FLASHBACK';
  orgId: string | null;
  workspaceId: string | null;
  repoId: string | null;
  createdBy: string | null;
  /** Decimal strings: the vendor sends token counts as strings that can exceed 2^53. */
  tokensIn: string | null;
  tokensOut: string | null;
}

/** Key at once, the rest when first read (DeferredConversation). */
class FlashbackConversation extends DeferredConversation<FlashbackConversationWire> {
  constructor(wire: FlashbackConversationWire) {
    super('FLASHBACK', wire.id, new Date(parseInstant(wire.createdAt)), wire);
  }
  protected mapBody(): ConversationBody {
    const wire = this.wire;
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
      updatedAt: wire.lastUpdatedAt ? new Date(parseInstant(wire.lastUpdatedAt)) : null,
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
      } satisfies FlashbackDetails,
    };
  }
}

export function toConversation(wire: FlashbackConversationWire): Conversation {
  return new FlashbackConversation(wire);
}
