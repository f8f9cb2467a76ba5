import { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import type { Provider } from '../domain.js';
import { isUpstreamError } from '../errors.js';

/** The GraphQL error for a provider's failure: its facts when it is an UpstreamError, else a masked internal error. */
export function upstreamGraphQLError(error: unknown, provider: Provider, path?: ReadonlyArray<string | number>): GraphQLError {
  if (isUpstreamError(error)) return error.toGraphQLError(path);
  if (error instanceof GraphQLError) return error;
  console.error(`[${provider}]`, error);
  return createGraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR', provider }, path });
}

/** Rethrows a provider failure as a GraphQL error that keeps its facts. */
export function rethrowUpstream(error: unknown, provider: Provider): never {
  throw upstreamGraphQLError(error, provider);
}
