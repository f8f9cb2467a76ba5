import type { Message } from '../domain.js';
import { builder } from './builder.js';
import { MemberRef } from './person.js';
import { ProviderEnum } from './provider.js';

export const MessageRoleEnum = builder.enumType('MessageRole', {
  values: ['USER', 'ASSISTANT', 'OTHER'] as const,
});

export const MessageRef = builder.objectRef<Message>('Message').implement({
  description: 'One turn of a conversation.',
  fields: (t) => ({
    provider: t.field({ type: ProviderEnum, resolve: (message) => message.provider }),
    providerId: t.string({
      description: "The vendor's message id; where the vendor has none, `<conversation id>:<index>`.",
      resolve: (message) => message.providerId,
    }),
    role: t.field({ type: MessageRoleEnum, resolve: (message) => message.role }),
    authorLabel: t.string({
      nullable: true,
      description: "The vendor's own label for the author (role, actor, type or speaker name).",
      resolve: (message) => message.authorLabel,
    }),
    text: t.string({ resolve: (message) => message.text }),
    createdAt: t.field({ type: 'DateTime', nullable: true, resolve: (message) => message.createdAt }),
    endedAt: t.field({ type: 'DateTime', nullable: true, resolve: (message) => message.endedAt }),
    sender: t.field({ type: MemberRef, nullable: true, resolve: (message) => message.sender }),
  }),
});
