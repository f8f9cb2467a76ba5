import { z } from 'zod/v4';
import type { HttpSettings } from '../http-settings.js';
import { VendorClient } from '../vendor-client.js';
import type { UpstreamHooks } from '../upstream-runtime.js';
import type { JsonValue } from '../../domain.js';
import { ErrorCode, UpstreamError } from '../../errors.js';
import type { QueryValue } from '../http.js';
import { looseInstant, wireSchema, type WireSchema } from '../wire-schema.js';

/** Zod schemas of the Symbl.ai Conversation API's JSON (docs + COMPANIONS.md). Lenient where the docs are vague. */

const instant = looseInstant();

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
) as z.ZodType<JsonValue>;

export const symblMemberSchema = z.object({
  id: z.string().nullish(),
  name: z.string().nullish(),
  email: z.string().nullish(),
});
export type SymblMemberWire = z.infer<typeof symblMemberSchema>;

export const symblConversationSchema = z.object({
  id: z.string().min(1),
  type: z.string().nullish(),
  name: z.string().nullish(),
  startTime: instant,
  endTime: instant.nullish(),
  members: z.array(symblMemberSchema).nullish(),
  metadata: z.record(z.string(), jsonValue).nullish(),
});
export type SymblConversationWire = z.infer<typeof symblConversationSchema>;

export const symblMessageSchema = z.object({
  id: z.string().min(1),
  text: z.string().nullish(),
  from: z
    .object({ id: z.string().nullish(), name: z.string().nullish(), userId: z.string().nullish() })
    .nullish(),
  startTime: instant.nullish(),
  endTime: instant.nullish(),
  conversationId: z.string().nullish(),
});
export type SymblMessageWire = z.infer<typeof symblMessageSchema>;

const listSchema = wireSchema(z.object({ conversations: z.array(symblConversationSchema) }));
const conversationSchema = wireSchema(symblConversationSchema);
const messagesSchema = wireSchema(z.object({ messages: z.array(symblMessageSchema) }));
const membersSchema = wireSchema(z.object({ members: z.array(symblMemberSchema) }));

/** Query of `GET /conversations`, in the vendor's own names. */
export interface SymblListQuery {
  limit: number;
  offset: number;
  order: 'asc' | 'desc';
  sort: string;
  startTime: string;
  endTime?: string;
  filter?: string | null;
}

/** Largest `limit` the vendor accepts. */
export const SYMBL_MAX_LIMIT = 65536;

/**
 * Symbl's error bodies carry a fixed `message` and no code. The documented
 * messages become stable vendor codes (the text itself never leaves), so a
 * 404 "conversation not found" can be told from a 404 of a wrong base URL.
 */
export function symblVendorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const text = (body as { message?: unknown }).message;
  if (typeof text !== 'string') return undefined;
  if (text.startsWith('Unauthorized')) return 'UNAUTHORIZED';
  if (text.includes('could not be found')) return 'CONVERSATION_NOT_FOUND';
  if (text.startsWith('Something went wrong')) return 'INTERNAL_ERROR';
  return undefined;
}

function isConversationNotFound(error: unknown): boolean {
  return error instanceof UpstreamError && error.facts.code === ErrorCode.UPSTREAM_NOT_FOUND && error.facts.vendorCode === 'CONVERSATION_NOT_FOUND';
}

/** SYMBL_BASE_URL and SYMBL_TOKEN. */
export interface SymblConfig {
  baseUrl: string;
  token: string;
}

/** What every call to Symbl carries. */
export function symblHeaders(config: SymblConfig): Record<string, string> {
  return { authorization: `Bearer ${config.token}` };
}

/** One class per upstream; one method per resource; every call through `request()`. */
export class SymblClient extends VendorClient {
  constructor(config: SymblConfig, settings: HttpSettings, hooks: UpstreamHooks = {}) {
    super({
      provider: 'SYMBL',
      baseUrl: config.baseUrl,
      headers: symblHeaders(config),
      ...settings,
      ...hooks,
    });
  }

  async listConversations(query: SymblListQuery): Promise<SymblConversationWire[]> {
    const { filter, ...rest } = query;
    const body = await this.request('/conversations', '/conversations', listSchema, { ...rest, filter: filter ?? undefined });
    return body.conversations;
  }

  /** One conversation; null when the vendor says it does not exist. */
  getConversation(conversationId: string): Promise<SymblConversationWire | null> {
    return this.orNull(this.request('/conversations/{id}', `/conversations/${encodeURIComponent(conversationId)}`, conversationSchema));
  }

  /** Messages oldest first (not paginated upstream); null when the conversation does not exist. */
  async getMessages(conversationId: string): Promise<SymblMessageWire[] | null> {
    const body = await this.orNull(this.request('/conversations/{id}/messages', `/conversations/${encodeURIComponent(conversationId)}/messages`, messagesSchema));
    return body ? body.messages : null;
  }

  /** Members; null when the conversation does not exist. */
  async getMembers(conversationId: string): Promise<SymblMemberWire[] | null> {
    const body = await this.orNull(this.request('/conversations/{id}/members', `/conversations/${encodeURIComponent(conversationId)}/members`, membersSchema));
    return body ? body.members : null;
  }

  private request<T>(endpoint: string, path: string, schema: WireSchema<T>, query?: Record<string, QueryValue>): Promise<T> {
    return this.http.get<T>({ endpoint, path, query, schema, vendorCode: symblVendorCode });
  }

  private async orNull<T>(pending: Promise<T>): Promise<T | null> {
    try {
      return await pending;
    } catch (error) {
      if (isConversationNotFound(error)) return null;
      throw error;
    }
  }
}
