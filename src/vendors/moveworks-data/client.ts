import { z } from 'zod/v4';
import { ErrorCode, UpstreamError } from '../../errors.js';
import type { HttpSettings } from '../http-settings.js';
import { VendorClient } from '../vendor-client.js';
import type { UpstreamHooks } from '../upstream-runtime.js';
import { looseInstant, wireSchema, type WireSchema } from '../wire-schema.js';
import type { Query } from './query.js';

/** Wire format of the Moveworks Data API tables (only what the graph reads; every column may be absent under `$select`). */

const instant = looseInstant();
const text = z.string().nullable().optional();

export const wireConversationSchema = z.object({
  id: z.string(),
  user_id: text,
  primary_domain: text,
  route: text,
  created_time: instant,
  last_updated_time: instant.nullable().optional(),
});
export type WireConversation = z.infer<typeof wireConversationSchema>;

export const wireUserSchema = z.object({
  id: z.string(),
  first_name: text,
  last_name: text,
  email_addr: text,
  full_name: text,
  department: text,
  role: text,
});
export type WireUser = z.infer<typeof wireUserSchema>;

export const wireInteractionSchema = z.object({
  id: z.string(),
  conversation_id: z.string(),
  user_id: text,
  type: text,
  actor: text,
  created_time: instant.nullable().optional(),
  details: z.object({ content: z.string().nullable().optional() }).passthrough().nullable().optional(),
});
export type WireInteraction = z.infer<typeof wireInteractionSchema>;

function pageSchema<T extends z.ZodTypeAny>(row: T) {
  return z.object({
    '@odata.context': z.string().optional(),
    '@odata.count': z.number().int().nonnegative().optional(),
    '@odata.nextLink': z.string().optional(),
    value: z.array(row),
  });
}

export interface Rows {
  conversations: WireConversation;
  users: WireUser;
  interactions: WireInteraction;
}
export type Table = keyof Rows;

interface RawPage<T> {
  '@odata.context'?: string;
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
  value: T[];
}

const SCHEMAS: { [K in Table]: WireSchema<RawPage<Rows[K]>> } = {
  conversations: wireSchema(pageSchema(wireConversationSchema)),
  users: wireSchema(pageSchema(wireUserSchema)),
  interactions: wireSchema(pageSchema(wireInteractionSchema)),
};

export interface ODataPage<T> {
  rows: T[];
  /** `@odata.count`, when `$count=true` was asked. */
  count: number | null;
  nextLink: string | null;
}

/** The vendor's error code, from `{ "error": { "code": … } }`. */
export function vendorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** MOVEWORKS_DATA_BASE_URL and MOVEWORKS_DATA_TOKEN. */
export interface MoveworksDataConfig {
  baseUrl: string;
  token: string;
}

/**
 * What every call to the Moveworks Data API carries. The vendor takes the credential as the whole header value
 * (an API key, or `Bearer <token>` for OAuth2): it is sent exactly as configured.
 */
export function moveworksDataHeaders(config: MoveworksDataConfig): Record<string, string> {
  return { authorization: config.token };
}

/** One client for the three tables; every call goes through its HttpClient. */
export class MoveworksDataClient extends VendorClient {
  constructor(config: MoveworksDataConfig, settings: HttpSettings, hooks: UpstreamHooks = {}) {
    super({
      provider: 'MOVEWORKS_DATA',
      baseUrl: config.baseUrl,
      headers: moveworksDataHeaders(config),
      ...settings,
      ...hooks,
    });
  }

  /** One page of a table. */
  async list<K extends Table>(table: K, query: Query): Promise<ODataPage<Rows[K]>> {
    return this.page(table, { path: `/records/${encodeURIComponent(table)}`, query });
  }

  /** The page behind a `@odata.nextLink` (HttpClient keeps it on the configured origin and base path). */
  async follow<K extends Table>(table: K, nextLink: string): Promise<ODataPage<Rows[K]>> {
    return this.page(table, { path: '', absoluteUrl: nextLink });
  }

  /**
   * Rows of a query across server pages: follows `@odata.nextLink` until the
   * vendor stops or `limit` rows arrived. `count` is the first page's.
   */
  async collect<K extends Table>(table: K, query: Query, limit = Number.POSITIVE_INFINITY): Promise<{ rows: Rows[K][]; count: number | null }> {
    let page = await this.list(table, query);
    const rows = [...page.rows];
    const count = page.count;
    const seen = new Set<string>();
    while (page.nextLink !== null && rows.length < limit) {
      if (seen.has(page.nextLink) || page.rows.length === 0) {
        throw new UpstreamError('MOVEWORKS_DATA returned a next link that does not advance', {
          provider: 'MOVEWORKS_DATA',
          code: ErrorCode.UPSTREAM_BAD_RESPONSE,
        });
      }
      seen.add(page.nextLink);
      page = await this.follow(table, page.nextLink);
      rows.push(...page.rows);
    }
    return { rows, count };
  }

  private async page<K extends Table>(table: K, request: { path: string; query?: Query; absoluteUrl?: string }): Promise<ODataPage<Rows[K]>> {
    const schema: WireSchema<RawPage<Rows[K]>> = SCHEMAS[table];
    const body = await this.http.get({ ...request, endpoint: `/records/${table}`, schema, vendorCode });
    return {
      rows: body.value,
      count: body['@odata.count'] ?? null,
      nextLink: body['@odata.nextLink'] ?? null,
    };
  }
}
