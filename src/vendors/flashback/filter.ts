import type { ConversationFilter } from '../../domain.js';
import type { FlashbackListQuery } from './client.js';
import { filterText } from '../filter-values.js';
import { defineVendorFilter } from '../vendor-module.js';

export interface FlashbackFilterSection {
  userId: string | null;
  workspaceId: string | null;
  repoId: string | null;
}

export const FLASHBACK_FILTER = defineVendorFilter({
  key: 'flashback',
  input: {
    name: 'FlashbackFilter',
    description: 'Applies to Flashback conversations only.',
    fields: {
      userId: { type: 'String', description: 'The user who created the conversation.' },
      workspaceId: { type: 'String' },
      repoId: { type: 'String' },
    },
  },
  parse: (value): FlashbackFilterSection => ({
    userId: filterText(value.userId),
    workspaceId: filterText(value.workspaceId),
    repoId: filterText(value.repoId),
  }),
});

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
  const section = FLASHBACK_FILTER.of(filter);
  if (section?.userId) query.userId = section.userId;
  if (section?.workspaceId) query.workspaceId = section.workspaceId;
  if (section?.repoId) query.repoId = section.repoId;
  return query;
}
