import { z } from 'zod/v4';
import type { HttpSettings } from '../http-settings.js';
import { VendorClient } from '../vendor-client.js';
import type { UpstreamHooks } from '../upstream-runtime.js';
import { wireSchema } from '../wire-schema.js';

const instant = z.string().datetime({ offset: true });

export const moveworksConversationSchema = z.object({
  conversation_id: z.string().min(1),
  title: z.string().nullish(),
  archived: z.boolean(),
  created_at: instant,
  updated_at: instant,
});
export type MoveworksConversationWire = z.infer<typeof moveworksConversationSchema>;

export const moveworksMessageSchema = z.object({
  message_id: z.string().min(1),
  conversation_id: z.string(),
  response_id: z.string().nullish(),
  actor: z.string(),
  content: z.object({
    type: z.string(),
    commonmark_text: z.object({ text: z.string() }).nullish(),
  }),
  created_at: instant,
});
export type MoveworksMessageWire = z.infer<typeof moveworksMessageSchema>;

/** `metadata` is not a required member in the docs: without it there is no next page. */
const metadataSchema = z.object({ next_cursor: z.string().nullish() }).nullish();

const conversationsSchema = wireSchema(z.object({
  conversations: z.array(moveworksConversationSchema),
  metadata: metadataSchema,
}));
const messagesSchema = wireSchema(z.object({
  messages: z.array(moveworksMessageSchema),
  metadata: metadataSchema,
}));

export interface MoveworksPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** `limit` is 1..100 upstream. */
export const MOVEWORKS_CONVERSATIONS_MAX_LIMIT = 100;

/** The vendor's error code from `{ "error": { "code", "message" } }`. */
export function moveworksErrorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code) ? code : undefined;
}

/** MOVEWORKS_CONVERSATIONS_BASE_URL, MOVEWORKS_CONVERSATIONS_TOKEN, MOVEWORKS_ASSISTANT_NAME and MOVEWORKS_CONVERSATIONS_SCAN_LIMIT. */
export interface MoveworksConversationsConfig {
  baseUrl: string;
  token: string;
  assistantName: string;
  /** Conversations one scan may index (per archived state); beyond, backward and totalCount are refused. */
  scanLimit?: number;
}

export const DEFAULT_SCAN_LIMIT = 20_000;

/** What every call to the Moveworks Conversations API carries. */
export function moveworksConversationsHeaders(config: MoveworksConversationsConfig): Record<string, string> {
  return { authorization: `Bearer ${config.token}`, 'assistant-name': config.assistantName };
}

export class MoveworksConversationsClient extends VendorClient {
  constructor(config: MoveworksConversationsConfig, settings: HttpSettings, hooks: UpstreamHooks = {}) {
    super({
      provider: 'MOVEWORKS_CONVERSATIONS',
      baseUrl: config.baseUrl,
      headers: moveworksConversationsHeaders(config),
      ...settings,
      ...hooks,
    });
  }

  /** `GET /conversations`: newest `updated_at` first. */
  async listConversations(query: {
    archived: boolean;
    limit: number;
    cursor: string | null;
  }): Promise<MoveworksPage<MoveworksConversationWire>> {
    const body = await this.http.get({
      endpoint: '/conversations',
      path: '/conversations',
      query: { archived: query.archived, limit: query.limit, cursor: query.cursor },
      schema: conversationsSchema,
      vendorCode: moveworksErrorCode,
    });
    return { items: body.conversations, nextCursor: body.metadata?.next_cursor ?? null };
  }

  /** `GET /conversations/{conversation_id}/messages`: newest first. */
  async listMessages(
    conversationId: string,
    query: { limit: number; cursor: string | null },
  ): Promise<MoveworksPage<MoveworksMessageWire>> {
    const body = await this.http.get({
      endpoint: '/conversations/{id}/messages',
      path: `/conversations/${encodeURIComponent(conversationId)}/messages`,
      query: { limit: query.limit, cursor: query.cursor },
      schema: messagesSchema,
      vendorCode: moveworksErrorCode,
    });
    return { items: body.messages, nextCursor: body.metadata?.next_cursor ?? null };
  }
}
