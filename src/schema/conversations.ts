import { responsePathAsArray } from 'graphql';
import { parsePageRequest } from '../connection/connection.js';
import { readConversationsPage, type ConversationsPage } from '../connection/conversations.js';
import type { VendorModule } from '../vendors/vendor-module.js';
import type { GraphBuilder } from './builder.js';
import { conversationsCost } from './costs.js';
import type { ConversationNodeRef } from './conversation.js';
import { toDomainFilter, type FilterInputRef } from './filter.js';
import type { ProviderEnumRef } from './provider.js';
import { listPhaseDeadline } from '../limits/deadline.js';
import { runWithDeadline } from '../request-scope.js';

export interface ConversationsFieldRefs {
  vendors: readonly VendorModule[];
  ProviderEnum: ProviderEnumRef;
  ConversationNode: ConversationNodeRef;
  ConversationFilterInput: FilterInputRef;
}

/** `Query.conversations`: the chosen vendors' streams merged into one Relay connection. Returns its edge type. */
export function defineConversationsField(builder: GraphBuilder, { vendors, ProviderEnum, ConversationNode, ConversationFilterInput }: ConversationsFieldRefs) {
  /** The connection's edge, also what `conversationAdded` sends (so a client can prepend it to the list). */
  const ConversationEdgeRef = builder.edgeObject({ type: ConversationNode, name: 'ConversationEdge' });
  builder.queryField('conversations', (t) =>
    t.connection(
      {
        type: ConversationNode,
        ...conversationsCost(vendors.length),
        description:
          'Conversations of the chosen providers (default: all configured), newest `createdAt` first, as one connection. ' +
          'When a provider fails, the page holds the others and `errors` names it; its conversations are deferred to later pages, never skipped.',
        args: {
          providers: t.arg({ type: [ProviderEnum], required: false }),
          filter: t.arg({ type: ConversationFilterInput, required: false }),
        },
        resolve: (_root, args, context, info): Promise<ConversationsPage> =>
          readConversationsPage(
            {
              request: parsePageRequest(args, context.config.maxPageSize),
              filter: toDomainFilter(args.filter, vendors),
              requested: args.providers ?? null,
              path: responsePathAsArray(info.path),
              run: (read) => runWithDeadline(listPhaseDeadline(context.scope, context.config.limits.listDeadlineSharePct), read),
            },
            context,
          ),
      },
      {
        name: 'ConversationConnection',
        fields: (t) => ({
          totalCount: t.int({
            nullable: true,
            description:
              'Conversations matching the filter across the chosen providers, computed only when asked (see docs/vendors.md for its upstream cost per vendor); ' +
              'null when any of them fails to count, which `errors` then names.',
            resolve: (connection) => (connection as unknown as ConversationsPage).totalCount(),
          }),
          incompleteProviders: t.field({
            type: [ProviderEnum],
            description: 'Providers that failed for this page; follow `endCursor` (or repeat the request) to get their conversations later.',
            resolve: (connection) => (connection as unknown as ConversationsPage).incompleteProviders,
          }),
        }),
      },
      ConversationEdgeRef,
    ),
  );
  return ConversationEdgeRef;
}

export type ConversationEdgeTypeRef = ReturnType<typeof defineConversationsField>;
