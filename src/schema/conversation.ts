import type { GraphContext } from '../context.js';
import { bindingOf } from '../connection/cursor.js';
import { lazyEdge, parsePageRequest, resolveConnection, type Connection } from '../connection/connection.js';
import type { Conversation, Message } from '../domain.js';
import { unsupportedPagination, rethrowUpstream } from '../errors.js';
import type { VendorCapabilities, VendorModule } from '../vendors/vendor-module.js';
import type { GraphBuilder } from './builder.js';
import { MEMBERS_COST, MESSAGES_COST } from './costs.js';
import type { DetailsUnionRef } from './details.js';
import { findConversations } from './find-again.js';
import type { MessageRefs } from './message.js';
import type { NodeIds } from './node-ids.js';
import { conversationLocalId, personKeyOf, type ConversationAddress, type PlacedMessage, type PlacedPerson } from './node-keys.js';
import type { PeopleRefs } from './person.js';
import type { ProviderEnumRef } from './provider.js';

function addressOf(conversation: Conversation, context: GraphContext): ConversationAddress {
  return { provider: conversation.provider, key: context.session(conversation.provider).keyOf(conversation) };
}

/** ` (A, B)`: the vendors lacking a capability, for a description; '' when none lacks it. */
function namesWithout(vendors: readonly VendorModule[], has: (capabilities: VendorCapabilities) => boolean): string {
  const names = vendors.filter((vendor) => !has(vendor.capabilities)).map((vendor) => vendor.names.display);
  return names.length > 0 ? ` (${names.join(', ')})` : '';
}

export interface ConversationTypeRefs {
  vendors: readonly VendorModule[];
  ProviderEnum: ProviderEnumRef;
  ConversationDetailsUnion: DetailsUnionRef;
  people: PeopleRefs;
  message: MessageRefs;
  nodeIds: NodeIds;
}

export function defineConversation(builder: GraphBuilder, refs: ConversationTypeRefs) {
  const { ProviderEnum, ConversationDetailsUnion } = refs;
  const { CreatorRef, MemberRef } = refs.people;
  const { MessageRef } = refs.message;
  const ConversationNode = builder.loadableNode('Conversation', {
    description: 'One AI conversation, from any vendor.',
    id: refs.nodeIds.of<Conversation>('Conversation', (conversation, context) =>
      conversationLocalId(conversation.provider, context.session(conversation.provider).keyOf(conversation)),
    ),
    // Missing conversations resolve to null (node/nodes answer null for them).
    load: (ids: string[], context: GraphContext) => findConversations(ids, context) as Promise<(Conversation | Error)[]>,
    fields: (t) => ({
      provider: t.field({ type: ProviderEnum, resolve: (c) => c.provider }),
      providerId: t.string({ description: "The vendor's own id.", resolve: (c) => c.providerId }),
      createdAt: t.field({ type: 'DateTime', resolve: (c) => c.createdAt }),
      updatedAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => c.updatedAt }),
      title: t.string({ nullable: true, resolve: (c) => c.title }),
      creator: t.field({
        type: CreatorRef,
        nullable: true,
        description: `Null where the vendor does not say who started the conversation${namesWithout(refs.vendors, (capabilities) => capabilities.people.creator)}.`,
        resolve: async (c, _args, context): Promise<PlacedPerson | null> => {
          if (!context.vendor(c.provider).capabilities.people.creator) return null;
          try {
            const person = await context.session(c.provider).creator(c);
            return person ? { person, place: { kind: 'creator', conversation: addressOf(c, context) } } : null;
          } catch (error) {
            return rethrowUpstream(error, c.provider);
          }
        },
      }),
      members: t.field({
        type: [MemberRef],
        ...MEMBERS_COST,
        // Nullable so a vendor failing to list them nulls this conversation's members only (docs/schema.md: a failing vendor costs only its own data).
        nullable: true,
        description: 'Null, with a coded error naming the provider, when the vendor failed to list them.',
        resolve: async (c, _args, context): Promise<PlacedPerson[]> => {
          if (!context.vendor(c.provider).capabilities.people.members) return [];
          try {
            const members = await context.session(c.provider).members(c);
            const conversation = addressOf(c, context);
            return members.map((person) => ({ person, place: { kind: 'member', conversation, person: personKeyOf(person) } }));
          } catch (error) {
            return rethrowUpstream(error, c.provider);
          }
        },
      }),
      messagesAvailable: t.boolean({
        description: `False where the vendor offers no messages${namesWithout(refs.vendors, (capabilities) => capabilities.messages)}: \`messages\` is then always empty.`,
        resolve: (c, _args, context) => context.vendor(c.provider).capabilities.messages && context.session(c.provider).messages(c) !== null,
      }),
      details: t.field({ type: ConversationDetailsUnion, resolve: (c) => c.details }),
      messages: t.connection(
        {
          type: MessageRef,
          ...MESSAGES_COST,
          // Nullable so a vendor failing to list them nulls this conversation's messages only (docs/schema.md: a failing vendor costs only its own data).
          nullable: true,
          description: 'Messages oldest first. Null, with a coded error naming the provider, when the vendor failed to list them.',
          resolve: async (c, args, context): Promise<Connection<PlacedMessage> & { totalCount: () => Promise<number | null>; truncated: () => Promise<boolean> }> => {
            const request = parsePageRequest(args, context.config.maxPageSize);
            const session = context.session(c.provider);
            const stream = context.vendor(c.provider).capabilities.messages ? session.messages(c) : null;
            if (!stream) {
              return {
                edges: [],
                pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
                failures: [],
                totalCount: async () => null,
                truncated: async () => false,
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
              const conversation = addressOf(c, context).key;
              const edges = connection.edges.map((edge) =>
                lazyEdge({ message: edge.node, address: { provider: c.provider, key: { conversation, providerId: edge.node.providerId } } }, () => edge.cursor),
              );
              const totalCount = () => stream.count().catch((error: unknown) => rethrowUpstream(error, c.provider));
              const truncated = async (): Promise<boolean> =>
                stream.truncated ? stream.truncated().catch((error: unknown) => rethrowUpstream(error, c.provider)) : false;
              return { ...connection, edges, totalCount, truncated };
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
            truncated: t.boolean({
              description:
                'True when the vendor keeps only the newest messages and older ones exist that it cannot return (a vendor that returns only the newest few hundred); the list then starts after a gap.',
              resolve: (connection) => (connection as { truncated?: () => Promise<boolean> }).truncated?.() ?? false,
            }),
          }),
        },
        { name: 'MessageEdge' },
      ),
    }),
  });
  return ConversationNode;
}

export type ConversationNodeRef = ReturnType<typeof defineConversation>;
