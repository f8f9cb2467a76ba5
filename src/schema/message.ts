import type { GraphContext } from '../context.js';
import type { GraphBuilder } from './builder.js';
import { findMessages } from './find-again.js';
import { messageLocalId, type PlacedMessage, type PlacedPerson } from './node-keys.js';
import type { NodeIds } from './node-ids.js';
import type { PeopleRefs } from './person.js';
import type { ProviderEnumRef } from './provider.js';

export function defineMessage(builder: GraphBuilder, ProviderEnum: ProviderEnumRef, { MemberRef }: PeopleRefs, nodeIds: NodeIds) {
  const MessageRoleEnum = builder.enumType('MessageRole', {
    values: ['USER', 'ASSISTANT', 'OTHER'] as const,
  });

  const MessageRef = builder.loadableNode('Message', {
    description: 'One turn of a conversation. `node` finds it again through its conversation (docs/vendors.md gives the cost per vendor).',
    id: nodeIds.of<PlacedMessage>('Message', ({ address }) => messageLocalId(address)),
    load: (ids: string[], context: GraphContext) => findMessages(ids, context) as Promise<(PlacedMessage | Error)[]>,
    fields: (t) => ({
      provider: t.field({ type: ProviderEnum, resolve: ({ message }) => message.provider }),
      providerId: t.string({
        description: "The vendor's message id; where the vendor has none, `<conversation id>:<index>`.",
        resolve: ({ message }) => message.providerId,
      }),
      role: t.field({ type: MessageRoleEnum, resolve: ({ message }) => message.role }),
      authorLabel: t.string({
        nullable: true,
        description: "The vendor's own label for the author (role, actor, type or speaker name).",
        resolve: ({ message }) => message.authorLabel,
      }),
      text: t.string({ resolve: ({ message }) => message.text }),
      createdAt: t.field({ type: 'DateTime', nullable: true, resolve: ({ message }) => message.createdAt }),
      endedAt: t.field({ type: 'DateTime', nullable: true, resolve: ({ message }) => message.endedAt }),
      sender: t.field({
        type: MemberRef,
        nullable: true,
        resolve: ({ message, address }): PlacedPerson | null =>
          message.sender ? { person: message.sender, place: { kind: 'sender', message: address } } : null,
      }),
    }),
  });
  return { MessageRoleEnum, MessageRef };
}

export type MessageRefs = ReturnType<typeof defineMessage>;
