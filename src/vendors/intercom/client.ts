import { z } from 'zod/v4';
import type { HttpSettings } from '../http-settings.js';
import { VendorClient } from '../vendor-client.js';
import type { UpstreamHooks } from '../upstream-runtime.js';
import type { JsonValue } from '../../domain.js';
import { ErrorCode, UpstreamError } from '../../errors.js';
import { wireSchema } from '../wire-schema.js';
import { INTERCOM_PROVIDER } from './ids.js';

/**
 * Intercom's REST API as the adapter uses it (shared/providers/intercom-conversations.md): conversation
 * search (POST), one conversation with its parts, contact search (POST) and the teammates. Schemas are
 * lenient where the contract is (integers or numeric strings for `per_page`, avatar as object or string,
 * `teammates.admins` or `teammates.teammates`, fields that come and go with `Intercom-Version`).
 */

export interface IntercomConfig {
  baseUrl: string;
  token: string;
  /** Sent as `Intercom-Version` on every call (default 2.14): the shape and enums of the answers follow it. */
  version: string;
  /** Only conversations Fin took part in (`ai_agent_participated = true`); default true. */
  aiOnly: boolean;
}

export const INTERCOM_DEFAULT_VERSION = '2.14';

export function intercomHeaders(config: Pick<IntercomConfig, 'token' | 'version'>): Record<string, string> {
  return { authorization: `Bearer ${config.token}`, 'intercom-version': config.version };
}

const seconds = z.number().int();

const authorSchema = z.object({
  type: z.string(),
  id: z.string().nullish(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  from_ai_agent: z.boolean().nullish(),
  is_ai_answer: z.boolean().nullish(),
});
export type IntercomAuthorWire = z.infer<typeof authorSchema>;

const refList = z.array(z.object({ type: z.string().nullish(), id: z.union([z.string(), z.number()]) }));

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
) as z.ZodType<JsonValue>;

export const intercomConversationSchema = z.object({
  id: z.string().min(1),
  title: z.string().nullish(),
  created_at: seconds,
  updated_at: seconds.nullish(),
  open: z.boolean().nullish(),
  state: z.string().nullish(),
  read: z.boolean().nullish(),
  priority: z.string().nullish(),
  admin_assignee_id: z.union([z.number(), z.string()]).nullish(),
  team_assignee_id: z.union([z.number(), z.string()]).nullish(),
  tags: z.object({ tags: z.array(z.object({ id: z.union([z.string(), z.number()]).nullish(), name: z.string() })).nullish() }).nullish(),
  source: z
    .object({
      id: z.union([z.string(), z.number()]).nullish(),
      type: z.string().nullish(),
      delivered_as: z.string().nullish(),
      subject: z.string().nullish(),
      body: z.string().nullish(),
      author: authorSchema.nullish(),
    })
    .nullish(),
  contacts: z.object({ contacts: refList.nullish() }).nullish(),
  teammates: z.object({ admins: refList.nullish(), teammates: refList.nullish() }).nullish(),
  custom_attributes: z.record(z.string(), jsonValue).nullish(),
  statistics: z.object({ count_conversation_parts: z.number().int().nullish() }).nullish(),
  ai_agent_participated: z.boolean().nullish(),
  ai_agent: z
    .object({
      source_type: z.string().nullish(),
      source_title: z.string().nullish(),
      last_answer_type: z.string().nullish(),
      resolution_state: z.string().nullish(),
      rating: z.number().int().nullish(),
      rating_remark: z.string().nullish(),
      content_sources: z
        .object({
          content_sources: z
            .array(z.object({ content_type: z.string().nullish(), url: z.string().nullish(), title: z.string().nullish(), locale: z.string().nullish() }))
            .nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
export type IntercomConversationWire = z.infer<typeof intercomConversationSchema>;

export const intercomPartSchema = z.object({
  id: z.string().min(1),
  part_type: z.string(),
  body: z.string().nullish(),
  created_at: seconds,
  author: authorSchema.nullish(),
});
export type IntercomPartWire = z.infer<typeof intercomPartSchema>;

const fullConversationSchema = intercomConversationSchema.extend({
  conversation_parts: z.object({ conversation_parts: z.array(intercomPartSchema), total_count: z.number().int().nullish() }).nullish(),
});
export type IntercomFullConversationWire = z.infer<typeof fullConversationSchema>;

const pagesSchema = z
  .object({
    next: z.object({ starting_after: z.string().nullish() }).nullish(),
  })
  .nullish();

export const intercomContactSchema = z.object({
  id: z.string().min(1),
  role: z.string().nullish(),
  email: z.string().nullish(),
  name: z.string().nullish(),
  external_id: z.string().nullish(),
});
export type IntercomContactWire = z.infer<typeof intercomContactSchema>;

export const intercomAdminSchema = z.object({
  id: z.union([z.string(), z.number()]),
  name: z.string().nullish(),
  email: z.string().nullish(),
  job_title: z.string().nullish(),
});
export type IntercomAdminWire = z.infer<typeof intercomAdminSchema>;

const searchSchema = wireSchema(
  z.object({ conversations: z.array(intercomConversationSchema), total_count: z.number().int().nonnegative(), pages: pagesSchema }),
);
const conversationSchema = wireSchema(fullConversationSchema);
const contactsSchema = wireSchema(z.object({ data: z.array(intercomContactSchema), pages: pagesSchema }));
const adminsSchema = wireSchema(z.object({ admins: z.array(intercomAdminSchema) }));

/** Largest `per_page` of every list and search. */
export const INTERCOM_MAX_PER_PAGE = 150;
/** Ids per contact search (`id IN [...]`): its longest page, so one call answers them all. */
export const INTERCOM_CONTACTS_PER_SEARCH = 150;

/** A search filter or group, in Intercom's query language. */
export type IntercomFilter = { field: string; operator: string; value: string | number | boolean | Array<string | number> };
export type IntercomQuery = IntercomFilter | { operator: 'AND' | 'OR'; value: IntercomQuery[] };

export interface IntercomSearchBody {
  query: IntercomQuery;
  pagination: { per_page: number; starting_after?: string };
  sort?: { field: string; order: 'ascending' | 'descending' };
}

export interface IntercomSearchPage {
  conversations: IntercomConversationWire[];
  totalCount: number;
  nextCursor: string | null;
}

/** The first error code of Intercom's `error.list` body. */
export function intercomVendorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const errors = (body as { errors?: unknown }).errors;
  const code = Array.isArray(errors) ? (errors[0] as { code?: unknown } | undefined)?.code : undefined;
  return typeof code === 'string' && /^[a-z_]{1,64}$/.test(code) ? code : undefined;
}

/**
 * Intercom's 429 carries no `Retry-After` (unconfirmed) but `X-RateLimit-Reset`, the Unix second its 10-second
 * window ends: wait until then (every replica, through the rate gate), at least one second.
 */
export function intercomRetryAfter(headers: Record<string, string | string[] | undefined>, now: number = Date.now()): number | undefined {
  const raw = headers['x-ratelimit-reset'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !/^\d{9,11}$/.test(value.trim())) return undefined;
  const seconds = Number(value) - Math.floor(now / 1000);
  return seconds > 60 ? undefined : Math.max(1, seconds);
}

function isNotFound(error: unknown): boolean {
  return error instanceof UpstreamError && error.facts.code === ErrorCode.UPSTREAM_NOT_FOUND && error.facts.vendorCode === 'not_found';
}

export class IntercomClient extends VendorClient {
  constructor(config: IntercomConfig, settings: HttpSettings, hooks: UpstreamHooks = {}) {
    super({ provider: INTERCOM_PROVIDER, baseUrl: config.baseUrl, headers: intercomHeaders(config), ...settings, ...hooks });
  }

  async searchConversations(body: IntercomSearchBody): Promise<IntercomSearchPage> {
    const answer = await this.http.post({
      endpoint: '/conversations/search',
      path: '/conversations/search',
      schema: searchSchema,
      body: body as unknown as JsonValue,
      vendorCode: intercomVendorCode,
      retryAfterFrom: intercomRetryAfter,
    });
    return { conversations: answer.conversations, totalCount: answer.total_count, nextCursor: answer.pages?.next?.starting_after ?? null };
  }

  /** One conversation with (at most the 500 newest of) its parts as plain text; null when it does not exist. */
  async getConversation(id: string): Promise<IntercomFullConversationWire | null> {
    try {
      return await this.http.get({
        endpoint: '/conversations/{id}',
        path: `/conversations/${encodeURIComponent(id)}`,
        query: { display_as: 'plaintext' },
        schema: conversationSchema,
        vendorCode: intercomVendorCode,
        retryAfterFrom: intercomRetryAfter,
      });
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** Contacts by id (`id IN [...]`, at most INTERCOM_CONTACTS_PER_SEARCH): merged-away ones are simply absent. */
  contactsById(ids: readonly string[]): Promise<IntercomContactWire[]> {
    return this.searchContacts({ field: 'id', operator: 'IN', value: [...ids] });
  }

  /** Contacts with exactly this email (several can share one: a user and a lead). */
  contactsByEmail(email: string): Promise<IntercomContactWire[]> {
    return this.searchContacts({ field: 'email', operator: '=', value: email });
  }

  private async searchContacts(query: IntercomFilter): Promise<IntercomContactWire[]> {
    const found: IntercomContactWire[] = [];
    let startingAfter: string | null = null;
    // One page holds an IN list of 150 ids; more pages only for a search by email that matches more.
    for (let page = 0; page < 10; page += 1) {
      const answer: { data: IntercomContactWire[]; pages?: { next?: { starting_after?: string | null } | null } | null } = await this.http.post({
        endpoint: '/contacts/search',
        path: '/contacts/search',
        schema: contactsSchema,
        body: { query, pagination: { per_page: INTERCOM_MAX_PER_PAGE, ...(startingAfter ? { starting_after: startingAfter } : {}) } },
        vendorCode: intercomVendorCode,
        retryAfterFrom: intercomRetryAfter,
      });
      found.push(...answer.data);
      startingAfter = answer.pages?.next?.starting_after ?? null;
      if (!startingAfter) break;
    }
    return found;
  }

  async listAdmins(): Promise<IntercomAdminWire[]> {
    const answer = await this.http.get({ endpoint: '/admins', path: '/admins', schema: adminsSchema, vendorCode: intercomVendorCode, retryAfterFrom: intercomRetryAfter });
    return answer.admins;
  }
}
