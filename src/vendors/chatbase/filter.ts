import type { ConversationFilter } from '../../domain.js';
import { filterList } from '../filter-values.js';
import { defineVendorFilter } from '../vendor-module.js';

export interface ChatbaseFilterSection {
  chatbotIds: string[] | null;
  sources: string[] | null;
}

export const CHATBASE_FILTER = defineVendorFilter({
  key: 'chatbase',
  input: {
    name: 'ChatbaseFilter',
    description: 'Applies to Chatbase conversations only.',
    fields: {
      chatbotIds: { type: 'String', list: true, description: 'A subset of the configured chatbots.' },
      sources: { type: 'String', list: true, description: 'Any of: API, Chatbase site, Instagram, Messenger, Slack, Unspecified.' },
    },
  },
  parse: (value, argument): ChatbaseFilterSection => ({
    chatbotIds: filterList(value.chatbotIds, `${argument}.chatbotIds`),
    sources: filterList(value.sources, `${argument}.sources`),
  }),
});

/**
 * Translation of the graph's filter into Chatbase's query parameters. Pure.
 * Chatbase filters by chatbot (one per request), by source (exactly) and by
 * whole UTC days (inclusive `startDate`/`endDate`); the half-open `createdAt`
 * range is widened to days upstream and refined locally.
 */

/** The sources the vendor's docs list for `filteredSources`. */
export const CHATBASE_SOURCES = ['API', 'Chatbase site', 'Instagram', 'Messenger', 'Slack', 'Unspecified'] as const;
export type ChatbaseSource = (typeof CHATBASE_SOURCES)[number];

/** Query parameters that a filter adds to every `get-conversations` request. */
export interface ChatbaseQuery {
  startDate?: string;
  endDate?: string;
  filteredSources?: string;
}

export interface ChatbasePlan {
  /** Chatbots to read, in configuration order (the merge breaks ties by it). */
  chatbotIds: string[];
  query: ChatbaseQuery;
  /** Exact range to refine locally, null when no refinement is needed. */
  refine: ConversationFilter['createdAt'];
  /** True when nothing can match: no upstream request is needed. */
  empty: boolean;
}

const DAY_MS = 24 * 3600 * 1000;

/** `YYYY-MM-DD` of the UTC day holding `ms`; null outside four-digit years (then the bound is left to local refinement). */
export function utcDay(ms: number): string | null {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 1000 || year > 9999) return null;
  return date.toISOString().slice(0, 10);
}

export function translateFilter(filter: ConversationFilter, configuredChatbotIds: readonly string[]): ChatbasePlan {
  const section = CHATBASE_FILTER.of(filter);
  const none: ChatbasePlan = { chatbotIds: [], query: {}, refine: null, empty: true };

  // Ids that are not configured are skipped: the provider is the configured chatbots, nothing else.
  const wantedIds = section?.chatbotIds ?? null;
  const chatbotIds = wantedIds === null ? [...configuredChatbotIds] : configuredChatbotIds.filter((id) => wantedIds.includes(id));
  if (chatbotIds.length === 0) return none;

  const query: ChatbaseQuery = {};
  const wantedSources = section?.sources ?? null;
  if (wantedSources !== null) {
    // Only documented sources can match; an undocumented one matches nothing (the vendor would answer 400).
    const sources = CHATBASE_SOURCES.filter((source) => wantedSources.includes(source));
    if (sources.length === 0) return none;
    if (sources.length < CHATBASE_SOURCES.length) query.filteredSources = sources.join(',');
  }

  const range = filter.createdAt;
  let refine: ConversationFilter['createdAt'] = null;
  if (range && (range.from || range.to)) {
    const from = range.from?.getTime() ?? null;
    const to = range.to?.getTime() ?? null;
    if (from !== null && to !== null && from >= to) return none;
    if (from !== null) {
      const day = utcDay(from);
      if (day !== null) query.startDate = day;
    }
    if (to !== null) {
      const day = utcDay(to - 1);
      if (day !== null) query.endDate = day;
    }
    // Refinement is needed unless both ends already fall on day boundaries the vendor applied.
    const exactFrom = from === null || (query.startDate !== undefined && from % DAY_MS === 0);
    const exactTo = to === null || (query.endDate !== undefined && to % DAY_MS === 0);
    refine = exactFrom && exactTo ? null : { from: range.from, to: range.to };
  }
  return { chatbotIds, query, refine, empty: false };
}
