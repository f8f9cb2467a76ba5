import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { usePersistedOperations, type UsePersistedOperationsOptions } from '@graphql-yoga/plugin-persisted-operations';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import type { Env } from './env-reader.js';

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

export const PERSISTED_OPERATION_MODES = ['off', 'accept', 'only'] as const;
export type PersistedOperationMode = (typeof PERSISTED_OPERATION_MODES)[number];

export interface PersistedOperationsConfig {
  mode: PersistedOperationMode;
  /** Hash -> operation text; empty when `mode` is `off`. */
  manifest: ReadonlyMap<string, string>;
  /** Where the manifest was read from (for the start-up log and errors). */
  manifestPath: string;
}

export const PersistedOperationErrorCode = {
  /** A document (or nothing) was sent where only a manifest hash is accepted. */
  PERSISTED_OPERATION_REQUIRED: 'PERSISTED_OPERATION_REQUIRED',
  /** The hash is not in the manifest. */
  PERSISTED_OPERATION_NOT_FOUND: 'PERSISTED_OPERATION_NOT_FOUND',
} as const;

export const DEFAULT_MANIFEST_PATH = fileURLToPath(new URL('../schema/generated/persisted-documents.json', import.meta.url));

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Reads PERSISTED_OPERATIONS and its manifest; appends every problem to `problems` (loadConfig reports them together). */
export function loadPersistedOperationsConfig(env: Env, problems: string[]): PersistedOperationsConfig {
  const raw = env.PERSISTED_OPERATIONS?.trim().toLowerCase() || 'off';
  const manifestPath = env.PERSISTED_OPERATIONS_MANIFEST?.trim() || DEFAULT_MANIFEST_PATH;
  if (!(PERSISTED_OPERATION_MODES as readonly string[]).includes(raw)) {
    problems.push(`PERSISTED_OPERATIONS must be one of ${PERSISTED_OPERATION_MODES.join(', ')}, got "${env.PERSISTED_OPERATIONS}"`);
    return { mode: 'off', manifest: new Map(), manifestPath };
  }
  const mode = raw as PersistedOperationMode;
  if (mode === 'off') return { mode, manifest: new Map(), manifestPath };
  return { mode, manifest: readManifest(manifestPath, problems), manifestPath };
}

/** The manifest, checked entry by entry: every key must be the sha256 of its text, so no entry can be swapped. */
export function readManifest(path: string, problems: string[]): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    problems.push(`PERSISTED_OPERATIONS_MANIFEST ${path} cannot be read as JSON (${(error as Error).message})`);
    return new Map();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(`PERSISTED_OPERATIONS_MANIFEST ${path} must be a JSON object of hash -> operation`);
    return new Map();
  }
  const manifest = new Map<string, string>();
  for (const [hash, text] of Object.entries(parsed)) {
    if (!SHA256_HEX.test(hash) || typeof text !== 'string' || createHash('sha256').update(text).digest('hex') !== hash) {
      problems.push(`PERSISTED_OPERATIONS_MANIFEST ${path}: entry "${hash.slice(0, 80)}" is not the sha256 of its operation`);
      continue;
    }
    manifest.set(hash, text);
  }
  if (manifest.size === 0 && problems.length === 0) problems.push(`PERSISTED_OPERATIONS_MANIFEST ${path} holds no operations`);
  return manifest;
}

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
