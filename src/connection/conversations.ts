import type { GraphQLError } from 'graphql';
import type { Conversation, ConversationFilter, JsonValue, Provider } from '../domain.js';
import { ErrorCode, isUpstreamError, providerNotConfigured, badUserInput, unsupportedPagination, upstreamGraphQLError } from '../errors.js';
import type { VendorSession } from '../vendors/port.js';
import type { VendorModule } from '../vendors/vendor-module.js';
import { compareNewestFirst, conversationKey, type MergeInput } from '../streams/merge.js';
import { resolveConnection, type Connection, type PageRequest } from './connection.js';
import { bindingOf, type CursorCodec } from './cursor.js';

/** A page of `Query.conversations`: the merged connection, the vendors that failed for it, its total on demand. */
export type ConversationsPage = Connection<Conversation> & {
  totalCount: () => Promise<number | null>;
  incompleteProviders: Provider[];
};

/** What a conversations page needs of the request it serves (the GraphQL context has all of it). */
export interface ConversationsPageScope {
  /** The configured vendors, in the graph's vendor order. */
  providers: readonly Provider[];
  vendor(provider: Provider): VendorModule;
  session(provider: Provider): VendorSession;
  codec: CursorCodec;
  /** Where errors of vendors that failed go, beside the data (the answer's `errors`). */
  partialErrors: GraphQLError[];
  /** Where the walk contract's warnings go (the answer's `extensions.warnings`), each once. */
  warnings: { code: string; message: string; provider?: string }[];
}

export interface ConversationsPageRequest {
  request: PageRequest;
  filter: ConversationFilter;
  /** The `providers` argument (null: every configured vendor). */
  requested: readonly Provider[] | null;
  /** The field's response path, for the errors' paths. */
  path: ReadonlyArray<string | number>;
  /** Runs the merge (the list phase's deadline is the caller's). */
  run?: <T>(read: () => Promise<T>) => Promise<T>;
}

/**
 * The chosen vendors' streams merged into one page: refuses backward paging of a vendor that cannot before any
 * call, reports the vendors that failed as partial errors (or fails the field when none answered), and counts
 * only when `totalCount` is asked.
 */
export async function readConversationsPage(
  { request, filter, requested, path, run = (read) => read() }: ConversationsPageRequest,
  scope: ConversationsPageScope,
): Promise<ConversationsPage> {
  const providers = chooseProviders(requested, scope.providers);
  const inputs: MergeInput<Conversation>[] = providers.map((provider) => ({
    key: provider,
    stream: scope.session(provider).conversations(filter),
  }));
  if (request.direction === 'backward') {
    const forwardOnly = inputs
      .filter((input) => !scope.vendor(input.key).capabilities.backward || !input.stream.backward)
      .map((input) => input.key as Provider);
    if (forwardOnly.length > 0) {
      throw unsupportedPagination(
        `${forwardOnly.join(', ')} can only be paged forward (first/after); leave ${forwardOnly.length > 1 ? 'them' : 'it'} out of \`providers\` to page backward.`,
        forwardOnly[0] as Provider,
      );
    }
  }
  const binding = bindingOf(['conversations', providers, filterJson(filter)]);
  const connection = await run(() =>
    resolveConnection<Conversation>({
      inputs,
      compare: compareNewestFirst,
      keyOf: conversationKey,
      request,
      codec: scope.codec,
      binding,
      tolerateFailures: true,
    }),
  );
  // A vendor that cannot serve this direction at all (a scan index over its limit) fails the field, as the check above does.
  const refusal = connection.failures.find((failure) => isUpstreamError(failure.error) && failure.error.facts.code === ErrorCode.UNSUPPORTED_PAGINATION);
  if (refusal) throw upstreamGraphQLError(refusal.error, refusal.key as Provider, path);
  const errors = connection.failures.map((failure) => upstreamGraphQLError(failure.error, failure.key as Provider, path));
  if (inputs.length > 0 && connection.failures.length === inputs.length) {
    // Nothing answered: the field fails as a whole; the client retries with the same arguments.
    const [first, ...rest] = errors;
    scope.partialErrors.push(...rest);
    throw first;
  }
  scope.partialErrors.push(...errors);
  for (const { key, warning } of connection.warnings ?? []) {
    const entry = { ...warning, ...(key !== null ? { provider: key } : {}) };
    if (!scope.warnings.some((seen) => seen.code === entry.code && seen.provider === entry.provider)) scope.warnings.push(entry);
  }
  return {
    ...connection,
    incompleteProviders: connection.failures.map((failure) => failure.key as Provider),
    totalCount: async () => {
      // A vendor that fails to count makes the total unknown (null) and is named in `errors`.
      const counts = await Promise.all(
        inputs.map((input) =>
          // A vendor that cannot count makes the total unknown, without a call.
          (scope.vendor(input.key).capabilities.totalCount ? input.stream.count() : Promise.resolve(null)).catch((error: unknown) => {
            scope.partialErrors.push(upstreamGraphQLError(error, input.key as Provider, [...path, 'totalCount']));
            return null;
          }),
        ),
      );
      return counts.every((count): count is number => count !== null) ? counts.reduce((sum, count) => sum + count, 0) : null;
    },
  };
}

/** The vendors to merge, in the graph's vendor order (`configured` is in it). */
export function chooseProviders(requested: readonly Provider[] | null, configured: readonly Provider[]): Provider[] {
  if (requested === null) return [...configured];
  if (requested.length === 0) throw badUserInput('`providers` must not be empty; leave it out for all providers.', { argument: 'providers' });
  const missing = [...new Set(requested.filter((provider) => !configured.includes(provider)))];
  if (missing.length > 0) throw providerNotConfigured(missing);
  return configured.filter((provider) => requested.includes(provider));
}

/** The filter as plain JSON, for a cursor's binding. */
export function filterJson(filter: ConversationFilter): JsonValue {
  return JSON.parse(JSON.stringify(filter)) as JsonValue;
}
