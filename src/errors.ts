import { createGraphQLError } from 'graphql-yoga';
import { GraphQLError } from 'graphql';
import type { Provider } from './domain.js';

/** Stable `extensions.code` values the graph answers with. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNSUPPORTED_PAGINATION: 'UNSUPPORTED_PAGINATION',
  /** A scan a backward page or count needs did not finish within this request; it continues on the next one. */
  SCAN_IN_PROGRESS: 'SCAN_IN_PROGRESS',
  PROVIDER_NOT_CONFIGURED: 'PROVIDER_NOT_CONFIGURED',
  UPSTREAM_BAD_REQUEST: 'UPSTREAM_BAD_REQUEST',
  UPSTREAM_AUTH_FAILED: 'UPSTREAM_AUTH_FAILED',
  UPSTREAM_NOT_FOUND: 'UPSTREAM_NOT_FOUND',
  UPSTREAM_RATE_LIMITED: 'UPSTREAM_RATE_LIMITED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UPSTREAM_CONNECTION_FAILED: 'UPSTREAM_CONNECTION_FAILED',
  UPSTREAM_BAD_RESPONSE: 'UPSTREAM_BAD_RESPONSE',
  UPSTREAM_ORDER_VIOLATION: 'UPSTREAM_ORDER_VIOLATION',
  UPSTREAM_CIRCUIT_OPEN: 'UPSTREAM_CIRCUIT_OPEN',
  /** The GraphQL request spent its budget of upstream calls; this call was not sent. */
  UPSTREAM_BUDGET_EXCEEDED: 'UPSTREAM_BUDGET_EXCEEDED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Bad arguments from the client: always answered before any upstream call. */
export function badUserInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return createGraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...extensions } });
}

export function unsupportedPagination(message: string, provider: Provider): GraphQLError {
  return createGraphQLError(message, { extensions: { code: ErrorCode.UNSUPPORTED_PAGINATION, provider } });
}

export interface UpstreamFacts {
  provider: Provider;
  code: ErrorCode;
  /** HTTP status, when a response arrived. */
  status?: number;
  method?: string;
  /** Origin and path only: never the query string or credentials. */
  url?: string;
  /** The vendor's own error code from its body (e.g. `INVALID_CURSOR`), when it sent one. */
  vendorCode?: string;
  /** Seconds, from a `Retry-After` header. */
  retryAfter?: number;
  /** The request's deadline (not the vendor's own timeout) cut the call short. */
  deadline?: boolean;
}

/**
 * A vendor failed. The message is ours (never the vendor's body or URL, which
 * may hold secrets); the facts go into `extensions`.
 */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly facts: UpstreamFacts,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpstreamError';
  }

  toGraphQLError(path?: ReadonlyArray<string | number>): GraphQLError {
    const { provider, code, status, method, url, vendorCode, retryAfter, deadline } = this.facts;
    const extensions: Record<string, unknown> = { code, provider };
    if (status !== undefined) extensions.status = status;
    if (method !== undefined) extensions.method = method;
    if (url !== undefined) extensions.url = url;
    if (vendorCode !== undefined) extensions.vendorCode = vendorCode;
    if (retryAfter !== undefined) extensions.retryAfter = retryAfter;
    if (deadline) extensions.deadline = true;
    return createGraphQLError(this.message, { extensions, path });
  }
}

export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}

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

/** A `providers` argument naming vendors this deployment has not configured. */
export function providerNotConfigured(providers: readonly Provider[]): GraphQLError {
  return createGraphQLError(`Not configured here: ${providers.join(', ')}.`, {
    extensions: { code: ErrorCode.PROVIDER_NOT_CONFIGURED, providers: [...providers] },
  });
}
