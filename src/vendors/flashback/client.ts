import { z } from 'zod/v4';
import type { HttpSettings } from '../http-settings.js';
import { VendorClient } from '../vendor-client.js';
import type { UpstreamHooks } from '../upstream-runtime.js';
import { wireSchema } from '../wire-schema.js';

const creatorSchema = z.object({
  id: z.string(),
  name: z.string().nullish(),
  lastName: z.string().nullish(),
  email: z.string().nullish(),
});

export const flashbackConversationSchema = z.object({
  id: z.string(),
  orgId: z.string().nullish(),
  createdBy: z.string().nullish(),
  createdAt: z.string().datetime({ offset: true }),
  lastUpdatedAt: z.string().datetime({ offset: true }).nullish(),
  workspaceId: z.string().nullish(),
  repoId: z.string().nullish(),
  tokensIn: z.string().regex(/^\d+$/).nullish(),
  tokensOut: z.string().regex(/^\d+$/).nullish(),
  creator: creatorSchema.nullish(),
});
export type FlashbackConversationWire = z.infer<typeof flashbackConversationSchema>;

const listShape = z.object({
  success: z.boolean().optional(),
  conversations: z.array(flashbackConversationSchema),
  total: z.number().int().nonnegative(),
});
export type FlashbackList = z.infer<typeof listShape>;
const listSchema = wireSchema(listShape);

/** Query of `GET /conversation`, in the vendor's own names. */
export interface FlashbackListQuery {
  take: number;
  skip: number;
  from?: string;
  to?: string;
  userId?: string;
  workspaceId?: string;
  repoId?: string;
}

export const FLASHBACK_MAX_TAKE = 100;

/** FLASHBACK_BASE_URL and FLASHBACK_TOKEN. */
export interface FlashbackConfig {
  baseUrl: string;
  token: string;
}

/** What every call to Flashback carries. */
export function flashbackHeaders(config: FlashbackConfig): Record<string, string> {
  return { authorization: `Bearer ${config.token}` };
}

export class FlashbackClient extends VendorClient {
  constructor(config: FlashbackConfig, settings: HttpSettings, hooks: UpstreamHooks = {}) {
    super({
      provider: 'FLASHBACK',
      baseUrl: config.baseUrl,
      headers: flashbackHeaders(config),
      ...settings,
      ...hooks,
    });
  }

  listConversations(query: FlashbackListQuery): Promise<FlashbackList> {
    return this.http.get({ endpoint: '/conversation', path: '/conversation', query: { ...query }, schema: listSchema });
  }
}
