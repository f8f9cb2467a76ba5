import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Env } from './env-reader.js';

/** PERSISTED_OPERATIONS and its manifest, read with the rest of the configuration (the plugins: persisted-operations.ts). */
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

