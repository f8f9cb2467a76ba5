import { createEnvReader, type Env } from '../env-reader.js';

/** What the graph refuses before any upstream call, and how a request's deadline is shared (`config.limits`). */
export interface LimitsConfig {
  /** Share (percent) of REQUEST_DEADLINE_MS the list of conversations may take, leaving the rest to nested fields. */
  listDeadlineSharePct: number;
  /** Share (percent) of REQUEST_DEADLINE_MS the `node`/`nodes`/`_entities` look-ups may take, leaving the rest to nested fields. */
  lookupDeadlineSharePct: number;
  /** Largest estimated number of upstream calls of one operation (computed from the coerced arguments). */
  maxEstimatedUpstreamCalls: number;
  /** Largest estimated number of objects one operation can return. */
  maxEstimatedCost: number;
  /** Deepest selection outside introspection, fragments expanded. */
  maxDepth: number;
  /** Deepest selection under `__schema`/`__type` (GraphiQL's introspection query needs 13). */
  maxIntrospectionDepth: number;
  /** Longest string argument or input field value (characters). */
  maxStringLength: number;
  /** Most entries in a list argument or input field (except `nodes(ids:)`). */
  maxListLength: number;
  /** Most ids in one `nodes(ids:)` (a Relay refetch of a page of 20 with its people and messages takes up to ~180). */
  maxNodeIds: number;
  /** Largest request body (bytes); larger answers HTTP 413. */
  maxRequestBodyBytes: number;
}

export const DEFAULT_LIMITS: LimitsConfig = {
  listDeadlineSharePct: 60,
  lookupDeadlineSharePct: 60,
  maxEstimatedUpstreamCalls: 250,
  maxEstimatedCost: 20_000,
  maxDepth: 12,
  maxIntrospectionDepth: 15,
  maxStringLength: 256,
  maxListLength: 100,
  maxNodeIds: 200,
  maxRequestBodyBytes: 1_048_576,
};

/** Reads the limit variables; appends every problem to `problems` (loadConfig reports them together). */
export function loadLimitsConfig(env: Env, problems: string[]): LimitsConfig {
  const { integer } = createEnvReader(env, problems);
  return {
    listDeadlineSharePct: integer('LIST_DEADLINE_SHARE_PCT', DEFAULT_LIMITS.listDeadlineSharePct, 10, 100),
    lookupDeadlineSharePct: integer('LOOKUP_DEADLINE_SHARE_PCT', DEFAULT_LIMITS.lookupDeadlineSharePct, 10, 100),
    maxEstimatedUpstreamCalls: integer('MAX_ESTIMATED_UPSTREAM_CALLS', DEFAULT_LIMITS.maxEstimatedUpstreamCalls, 1, 1_000_000),
    maxEstimatedCost: integer('MAX_ESTIMATED_COST', DEFAULT_LIMITS.maxEstimatedCost, 1, 10_000_000),
    maxDepth: integer('MAX_QUERY_DEPTH', DEFAULT_LIMITS.maxDepth, 2, 100),
    maxIntrospectionDepth: integer('MAX_INTROSPECTION_DEPTH', DEFAULT_LIMITS.maxIntrospectionDepth, 2, 100),
    maxStringLength: integer('MAX_STRING_INPUT_LENGTH', DEFAULT_LIMITS.maxStringLength, 1, 1_000_000),
    maxListLength: integer('MAX_LIST_INPUT_LENGTH', DEFAULT_LIMITS.maxListLength, 1, 100_000),
    maxNodeIds: integer('MAX_NODE_IDS', DEFAULT_LIMITS.maxNodeIds, 1, 100_000),
    maxRequestBodyBytes: integer('MAX_REQUEST_BODY_BYTES', DEFAULT_LIMITS.maxRequestBodyBytes, 1024, 100 * 1_048_576),
  };
}
