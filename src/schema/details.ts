import type {
  ChatbaseDetails,
  ConversationDetails,
  FlashbackDetails,
  MoveworksConversationsDetails,
  MoveworksDataDetails,
  SymblDetails,
} from '../domain.js';
import { builder } from './builder.js';

const FlashbackDetailsRef = builder.objectRef<FlashbackDetails>('FlashbackConversationDetails').implement({
  description: 'What Flashback says of a conversation beyond the common fields.',
  isTypeOf: (details) => (details as ConversationDetails).provider === 'FLASHBACK',
  fields: (t) => ({
    orgId: t.string({ nullable: true, resolve: (d) => d.orgId }),
    workspaceId: t.string({ nullable: true, resolve: (d) => d.workspaceId }),
    repoId: t.string({ nullable: true, resolve: (d) => d.repoId }),
    createdBy: t.string({ nullable: true, resolve: (d) => d.createdBy }),
    tokensIn: t.string({
      nullable: true,
      description: 'Input tokens as a decimal string: exact even beyond 2^53.',
      resolve: (d) => d.tokensIn,
    }),
    tokensOut: t.string({
      nullable: true,
      description: 'Output tokens as a decimal string: exact even beyond 2^53.',
      resolve: (d) => d.tokensOut,
    }),
  }),
});

const ChatbaseDetailsRef = builder.objectRef<ChatbaseDetails>('ChatbaseConversationDetails').implement({
  isTypeOf: (details) => (details as ConversationDetails).provider === 'CHATBASE',
  fields: (t) => ({
    chatbotId: t.string({ resolve: (d) => d.chatbotId }),
    source: t.string({ nullable: true, description: 'API, Chatbase site, Instagram, Messenger, Slack or Unspecified.', resolve: (d) => d.source }),
    customer: t.string({ nullable: true, resolve: (d) => d.customer }),
  }),
});

const MoveworksDataDetailsRef = builder.objectRef<MoveworksDataDetails>('MoveworksDataConversationDetails').implement({
  isTypeOf: (details) => (details as ConversationDetails).provider === 'MOVEWORKS_DATA',
  fields: (t) => ({
    userId: t.string({ nullable: true, resolve: (d) => d.userId }),
    route: t.string({ nullable: true, resolve: (d) => d.route }),
    primaryDomain: t.string({ nullable: true, resolve: (d) => d.primaryDomain }),
  }),
});

const SymblDetailsRef = builder.objectRef<SymblDetails>('SymblConversationDetails').implement({
  isTypeOf: (details) => (details as ConversationDetails).provider === 'SYMBL',
  fields: (t) => ({
    type: t.string({ nullable: true, resolve: (d) => d.type }),
    name: t.string({ nullable: true, resolve: (d) => d.name }),
    endTime: t.field({ type: 'DateTime', nullable: true, resolve: (d) => d.endTime }),
    metadata: t.field({ type: 'JSONObject', resolve: (d) => d.metadata }),
  }),
});

const MoveworksConversationsDetailsRef = builder
  .objectRef<MoveworksConversationsDetails>('MoveworksConversationsConversationDetails')
  .implement({
    isTypeOf: (details) => (details as ConversationDetails).provider === 'MOVEWORKS_CONVERSATIONS',
    fields: (t) => ({
      title: t.string({ nullable: true, resolve: (d) => d.title }),
      archived: t.boolean({ resolve: (d) => d.archived }),
    }),
  });

const DETAILS_TYPE_BY_PROVIDER = {
  FLASHBACK: FlashbackDetailsRef,
  CHATBASE: ChatbaseDetailsRef,
  MOVEWORKS_DATA: MoveworksDataDetailsRef,
  SYMBL: SymblDetailsRef,
  MOVEWORKS_CONVERSATIONS: MoveworksConversationsDetailsRef,
} as const;

export const ConversationDetailsUnion = builder.unionType('ConversationDetails', {
  description: "Vendor-only fields of a conversation, one type per vendor.",
  types: [
    FlashbackDetailsRef,
    ChatbaseDetailsRef,
    MoveworksDataDetailsRef,
    SymblDetailsRef,
    MoveworksConversationsDetailsRef,
  ],
  // Named, not found by trying each isTypeOf: one look-up per conversation, and the compiled executor
  // (graphql-jit) calls resolveType without the abstract type graphql-js's default resolver needs.
  resolveType: (details) => DETAILS_TYPE_BY_PROVIDER[details.provider],
});
