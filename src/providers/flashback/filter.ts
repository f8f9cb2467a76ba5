import type { ConversationFilter } from '../../domain.js';
import type { FlashbackListQuery } from './client.js';

export type FlashbackFilterQuery = Omit<FlashbackListQuery, 'take' | 'skip'>;

/**
 * The graph's filter in Flashback's terms. Flashback's `from`/`to` are
 * inclusive at both ends (as our emulator reads its docs); the graph's range
 * is half-open, so `to` goes up as `to - 1 ms` (timestamps carry
 * milliseconds) and the adapter still refines locally.
 */
export function toFlashbackQuery(filter: ConversationFilter): FlashbackFilterQuery {
  const query: FlashbackFilterQuery = {};
  if (filter.createdAt?.from) query.from = filter.createdAt.from.toISOString();
  if (filter.createdAt?.to) query.to = new Date(filter.createdAt.to.getTime() - 1).toISOString();
  if (filter.flashback?.userId) query.userId = filter.flashback.userId;
  if (filter.flashback?.workspaceId) query.workspaceId = filter.flashback.workspaceId;
  if (filter.flashback?.repoId) query.repoId = filter.flashback.repoId;
  return query;
}
