import { z } from 'zod/v4';
import type { HttpSettings } from '../http-settings.js';
import { VendorClient } from '../vendor-client.js';
import type { UpstreamHooks } from '../upstream-runtime.js';
import { wireSchema } from '../wire-schema.js';
import type { ChatbaseQuery } from './filter.js';

const messageSchema = z.object({
  role: z.string(),
  content: z.string().nullish(),
});

export const chatbaseConversationSchema = z.object({
  id: z.string().min(1),
  created_at: z.string().datetime({ offset: true }),
  messages: z.array(messageSchema).nullish(),
  chatbot_id: z.string().nullish(),
  customer: z.string().nullish(),
  source: z.string().nullish(),
});
export type ChatbaseConversationWire = z.infer<typeof chatbaseConversationSchema>;

const listShape = z.object({ data: z.array(chatbaseConversationSchema) });
export type ChatbaseList = z.infer<typeof listShape>;
const listSchema = wireSchema(listShape);

/** Query of `GET /get-conversations`, in the vendor's own names. */
export interface ChatbaseListQuery extends ChatbaseQuery {
  chatbotId: string;
  page: number;
  size: number;
}

/** CHATBASE_BASE_URL, CHATBASE_API_KEY and CHATBASE_CHATBOT_IDS (the chatbots the graph lists, each its own stream). */
export interface ChatbaseConfig {
  baseUrl: string;
  apiKey: string;
  chatbotIds: string[];
}

/** What every call to Chatbase carries. */
export function chatbaseHeaders(config: ChatbaseConfig): Record<string, string> {
  return { authorization: `Bearer ${config.apiKey}` };
}

/** The one class that talks to Chatbase. Its error bodies are `{ message }`, with no code: the HTTP status decides. */
export class ChatbaseClient extends VendorClient {
  constructor(config: ChatbaseConfig, settings: HttpSettings, hooks: UpstreamHooks = {}) {
    super({
      provider: 'CHATBASE',
      baseUrl: config.baseUrl,
      headers: chatbaseHeaders(config),
      ...settings,
      ...hooks,
    });
  }

  /** `GET /get-conversations`: one page of one chatbot's conversations. */
  getConversations(query: ChatbaseListQuery): Promise<ChatbaseList> {
    return this.http.get({ endpoint: '/get-conversations', path: '/get-conversations', query: { ...query }, schema: listSchema });
  }
}
