import { usePersistedOperations, type UsePersistedOperationsOptions } from '@graphql-yoga/plugin-persisted-operations';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { PersistedOperationErrorCode, type PersistedOperationsConfig } from './persisted-operations-settings.js';

/**
 * Trusted documents: the operations in schema/operations, hashed by the
 * codegen client preset into schema/generated/persisted-documents.json
 * (sha256 of the text -> the text). `config.persistedOperations`:
 *
 * - `off` (default): any document, as before;
 * - `accept`: a manifest hash or any document (for a migration);
 * - `only`: manifest hashes only; a document or an unknown hash is refused
 *   with a coded error before anything runs.
 *
 * A client sends `{ "documentId": "<hash>", "variables": … }` (the trusted
 * documents convention the codegen docs use) or Apollo's
 * `extensions.persistedQuery.sha256Hash`.
 */

/** `documentId`, else Apollo's `extensions.persistedQuery.sha256Hash`. */
function persistedOperationId(params: GraphQLParams): string | null {
  const documentId = (params as GraphQLParams & { documentId?: unknown }).documentId;
  if (typeof documentId === 'string') return documentId;
  const persistedQuery = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)?.persistedQuery;
  return persistedQuery?.version === 1 && typeof persistedQuery.sha256Hash === 'string' ? persistedQuery.sha256Hash : null;
}

/** The Yoga plugins for the configured mode: none when `off`. */
export function persistedOperationPlugins(config: PersistedOperationsConfig): Plugin[] {
  if (config.mode === 'off') return [];
  const options: UsePersistedOperationsOptions = {
    getPersistedOperation: (hash) => config.manifest.get(hash) ?? null,
    allowArbitraryOperations: config.mode === 'accept',
    extractPersistedOperationId: (params) => persistedOperationId(params),
    customErrors: {
      notFound: {
        message: 'This persisted operation is not in the manifest.',
        extensions: { code: PersistedOperationErrorCode.PERSISTED_OPERATION_NOT_FOUND },
      },
      persistedQueryOnly: {
        message: 'Only persisted operations run here: send a `documentId` from the manifest instead of a document.',
        extensions: { code: PersistedOperationErrorCode.PERSISTED_OPERATION_REQUIRED },
      },
      keyNotFound: {
        message: 'Send a `documentId` from the persisted operations manifest.',
        extensions: { code: PersistedOperationErrorCode.PERSISTED_OPERATION_REQUIRED },
      },
    },
  };
  return [usePersistedOperations(options) as Plugin];
}
