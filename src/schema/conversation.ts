import type { GraphContext } from '../context.js';
import { bindingOf } from '../connection/cursor.js';
import { parsePageRequest, resolveConnection, type Connection } from '../connection/connection.js';
import { PROVIDERS, type Conversation, type Message, type Provider } from '../domain.js';
import { badUserInput, unsupportedPagination } from '../errors.js';
import type { ConversationKey } from '../providers/provider.js';
import { builder } from './builder.js';
import { ConversationDetailsUnion } from './details.js';
import { MessageRef } from './message.js';
import { decodeNodeId } from './global-id.js';
import { CreatorRef, MemberRef } from './person.js';
import { ProviderEnum } from './provider.js';
import { rethrowUpstream, upstreamGraphQLError } from './upstream-errors.js';

/** The part of a Conversation global id after `Conversation:`: what look-ups need, nothing more. */
export function conversationLocalId(provider: Provider, key: ConversationKey): string {
  return JSON.stringify([provider, key.providerId, key.createdAtMs, key.hint]);
}

export function parseConversationLocalId(localId: string): { provider: Provider; key: ConversationKey } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(localId) as unknown;
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) return null;
  const [provider, providerId, createdAtMs, hint] = parsed as unknown[];
  if (!PROVIDERS.includes(provider as Provider) || typeof providerId !== 'string' || providerId === '') return null;
  if (createdAtMs !== null && !Number.isSafeInteger(createdAtMs)) return null;
  if (hint !== null && typeof hint !== 'string') return null;
  return { provider: provider as Provider, key: { providerId, createdAtMs: createdAtMs as number | null, hint: hint as string | null } };
}

async function loadConversations(localIds: readonly string[], context: GraphContext): Promise<(Conversation | Error | null)[]> {
  return Promise.all(
    localIds.map(async (localId) => {
      const parsed = parseConversationLocalId(localId);
      if (!parsed) return badUserInput('This id was not issued by this graph.', { argument: 'id' });
      // A provider that is not configured here cannot hold the conversation.
      if (!context.providers.includes(parsed.provider)) return null;
      try {
        return await context.session(parsed.provider).loadConversation(parsed.key);
      } catch (error) {
        // One Error for this key only: the other ids of the batch still resolve.
        return upstreamGraphQLError(error, parsed.provider);
      }
    }),
  );
}

export const ConversationNode = builder.loadableNode('Conversation', {
  description: 'One AI conversation, from any vendor.',
  id: {
    resolve: (conversation, _args, context) =>
      conversationLocalId(conversation.provider, context.session(conversation.provider).keyOf(conversation)),
  },
  // Missing conversations resolve to null (node/nodes answer null for them).
  load: (ids: string[], context: GraphContext) => loadConversations(ids, context) as Promise<(Conversation | Error)[]>,
  fields: (t) => ({
    provider: t.field({ type: ProviderEnum, resolve: (c) => c.provider }),
    providerId: t.string({ description: "The vendor's own id.", resolve: (c) => c.providerId }),
    createdAt: t.field({ type: 'DateTime', resolve: (c) => c.createdAt }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => c.updatedAt }),
    title: t.string({ nullable: true, resolve: (c) => c.title }),
    creator: t.field({
      type: CreatorRef,
      nullable: true,
      description: 'Null where the vendor does not say who started the conversation (Moveworks Conversations).',
      resolve: async (c, _args, context) => {
        try {
          return await context.session(c.provider).creator(c);
        } catch (error) {
          return rethrowUpstream(error, c.provider);
        }
      },
    }),
    members: t.field({
      type: [MemberRef],
      resolve: async (c, _args, context) => {
        try {
          return await context.session(c.provider).members(c);
        } catch (error) {
          return rethrowUpstream(error, c.provider);
        }
      },
    }),
    messagesAvailable: t.boolean({
      description: 'False where the vendor offers no messages (Flashback): `messages` is then always empty.',
      resolve: (c, _args, context) => context.session(c.provider).messages(c) !== null,
    }),
    details: t.field({ type: ConversationDetailsUnion, resolve: (c) => c.details }),
    messages: t.connection(
      {
        type: MessageRef,
        description: 'Messages oldest first.',
        resolve: async (c, args, context): Promise<Connection<Message> & { totalCount: () => Promise<number | null> }> => {
          const request = parsePageRequest(args, context.config.maxPageSize);
          const session = context.session(c.provider);
          const stream = session.messages(c);
          if (!stream) {
            return {
              edges: [],
              pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
              failures: [],
              totalCount: async () => null,
            };
          }
          if (request.direction === 'backward' && !stream.backward) {
            throw unsupportedPagination(`${c.provider} messages can only be paged forward (first/after).`, c.provider);
          }
          const binding = bindingOf(['messages', conversationLocalId(c.provider, session.keyOf(c))]);
          try {
            const connection = await resolveConnection<Message>({
              inputs: [{ key: c.provider, stream }],
              compare: () => 0,
              request,
              codec: context.codec,
              binding,
              tolerateFailures: false,
            });
            return { ...connection, totalCount: () => stream.count() };
          } catch (error) {
            return rethrowUpstream(error, c.provider);
          }
        },
      },
      {
        name: 'MessageConnection',
        fields: (t) => ({
          totalCount: t.int({
            nullable: true,
            description: 'Null where the vendor cannot count.',
            resolve: (connection) => (connection as { totalCount?: () => Promise<number | null> }).totalCount?.() ?? null,
          }),
        }),
      },
      { name: 'MessageEdge' },
    ),
  }),
});

builder.asEntity(ConversationNode, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: async (reference, context) => {
    const { id } = decodeNodeId(reference.id);
    const [conversation] = await loadConversations([id], context);
    if (conversation instanceof Error) throw conversation;
    return conversation ?? null;
  },
});
