import { responsePathAsArray } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import type { Conversation, JsonValue, Provider } from '../domain.js';
import { bindingOf } from '../connection/cursor.js';
import { parsePageRequest, resolveConnection, type Connection } from '../connection/connection.js';
import { compareNewestFirst, conversationKey, type MergeInput } from '../streams/merge.js';
import { ErrorCode, badUserInput, isUpstreamError, unsupportedPagination } from '../errors.js';
import type { VendorModule } from '../providers/vendor-module.js';
import type { GraphBuilder } from './builder.js';
import { conversationsCost } from './costs.js';
import type { ConversationNodeRef } from './conversation.js';
import { toDomainFilter, type FilterInputRef } from './filter.js';
import type { ProviderEnumRef } from './provider.js';
import { upstreamGraphQLError } from './upstream-errors.js';
import { listPhaseDeadline } from '../limits/deadline.js';
import { runWithDeadline } from '../request-scope.js';

type ConversationPage = Connection<Conversation> & {
  totalCount: () => Promise<number | null>;
  incompleteProviders: Provider[];
};

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
        resolve: async (_root, args, context, info): Promise<ConversationPage> => {
          const request = parsePageRequest(args, context.config.maxPageSize);
          const filter = toDomainFilter(args.filter, vendors);
          const providers = chooseProviders(args.providers ?? null, context.providers);
          const inputs: MergeInput<Conversation>[] = providers.map((provider) => ({
            key: provider,
            stream: context.session(provider).conversations(filter),
          }));
          if (request.direction === 'backward') {
            const forwardOnly = inputs
              .filter((input) => !context.vendor(input.key).capabilities.backward || !input.stream.backward)
              .map((input) => input.key as Provider);
            if (forwardOnly.length > 0) {
              throw unsupportedPagination(
                `${forwardOnly.join(', ')} can only be paged forward (first/after); leave ${forwardOnly.length > 1 ? 'them' : 'it'} out of \`providers\` to page backward.`,
                forwardOnly[0] as Provider,
              );
            }
          }
          const binding = bindingOf(['conversations', providers, filterJson(filter)]);
          const connection = await runWithDeadline(listPhaseDeadline(context.scope, context.config.limits.listDeadlineSharePct), () =>
            resolveConnection<Conversation>({
              inputs,
              compare: compareNewestFirst,
              keyOf: conversationKey,
              request,
              codec: context.codec,
              binding,
              tolerateFailures: true,
            }),
          );
          const path = responsePathAsArray(info.path);
          // A vendor that cannot serve this direction at all (a scan index over its limit) fails the field, as the check above does.
          const refusal = connection.failures.find((failure) => isUpstreamError(failure.error) && failure.error.facts.code === ErrorCode.UNSUPPORTED_PAGINATION);
          if (refusal) throw upstreamGraphQLError(refusal.error, refusal.key as Provider, path);
          const errors = connection.failures.map((failure) => upstreamGraphQLError(failure.error, failure.key as Provider, path));
          if (inputs.length > 0 && connection.failures.length === inputs.length) {
            // Nothing answered: the field fails as a whole; the client retries with the same arguments.
            const [first, ...rest] = errors;
            context.partialErrors.push(...rest);
            throw first;
          }
          context.partialErrors.push(...errors);
          for (const { key, warning } of connection.warnings ?? []) {
            const entry = { ...warning, ...(key !== null ? { provider: key } : {}) };
            if (!context.warnings.some((seen) => seen.code === entry.code && seen.provider === entry.provider)) context.warnings.push(entry);
          }
          return {
            ...connection,
            incompleteProviders: connection.failures.map((failure) => failure.key as Provider),
            totalCount: async () => {
              // A vendor that fails to count makes the total unknown (null) and is named in `errors`.
              const counts = await Promise.all(
                inputs.map((input) =>
                  // A vendor that cannot count makes the total unknown, without a call.
                  (context.vendor(input.key).capabilities.totalCount ? input.stream.count() : Promise.resolve(null)).catch((error: unknown) => {
                    context.partialErrors.push(upstreamGraphQLError(error, input.key as Provider, [...path, 'totalCount']));
                    return null;
                  }),
                ),
              );
              return counts.every((count): count is number => count !== null)
                ? counts.reduce((sum, count) => sum + count, 0)
                : null;
            },
          };
        },
      },
      {
        name: 'ConversationConnection',
        fields: (t) => ({
          totalCount: t.int({
            nullable: true,
            description:
              'Conversations matching the filter across the chosen providers, computed only when asked (see the README for its upstream cost per vendor); ' +
              'null when any of them fails to count, which `errors` then names.',
            resolve: (connection) => (connection as unknown as ConversationPage).totalCount(),
          }),
          incompleteProviders: t.field({
            type: [ProviderEnum],
            description: 'Providers that failed for this page; follow `endCursor` (or repeat the request) to get their conversations later.',
            resolve: (connection) => (connection as unknown as ConversationPage).incompleteProviders,
          }),
        }),
      },
      ConversationEdgeRef,
    ),
  );
  return ConversationEdgeRef;
}

export type ConversationEdgeTypeRef = ReturnType<typeof defineConversationsField>;

/** The vendors to merge, in the graph's vendor order (`configured` is in it). */
export function chooseProviders(requested: readonly Provider[] | null, configured: readonly Provider[]): Provider[] {
  if (requested === null) return [...configured];
  if (requested.length === 0) throw badUserInput('`providers` must not be empty; leave it out for all providers.', { argument: 'providers' });
  const missing = requested.filter((provider) => !configured.includes(provider));
  if (missing.length > 0) {
    throw createGraphQLError(`Not configured here: ${[...new Set(missing)].join(', ')}.`, {
      extensions: { code: ErrorCode.PROVIDER_NOT_CONFIGURED, providers: [...new Set(missing)] },
    });
  }
  return configured.filter((provider) => requested.includes(provider));
}

export function filterJson(filter: ReturnType<typeof toDomainFilter>): JsonValue {
  return JSON.parse(JSON.stringify(filter)) as JsonValue;
}
