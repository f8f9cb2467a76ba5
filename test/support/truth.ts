import type { Provider } from '../../src/domain.js';
import { chatbaseDemoData } from '../../src/emulators/chatbase.js';
import { flashbackDemoData } from '../../src/emulators/flashback.js';
import { intercomDemoData } from '../../src/emulators/intercom.js';
import { moveworksConversationsDemoData } from '../../src/emulators/moveworks-conversations.js';
import { moveworksDataDemoData } from '../../src/emulators/moveworks-data.js';
import { symblDemoData } from '../../src/emulators/symbl.js';

/** What the emulators hold, regenerated from the same seeds: the truth a count is checked against. */
export interface TruthRow {
  provider: Provider;
  providerId: string;
  createdAtMs: number;
  /** Chatbase source, Symbl name, Moveworks Conversations archived state: what the per-vendor filters below read. */
  source?: string;
  name?: string;
  archived?: boolean;
}

export function emulatorTruth(options: { anchor: Date; size?: number }): TruthRow[] {
  const data = { anchor: options.anchor, ...(options.size !== undefined ? { size: options.size } : {}) };
  const rows: TruthRow[] = [];
  for (const c of flashbackDemoData(data)) rows.push({ provider: 'FLASHBACK', providerId: c.id, createdAtMs: Date.parse(c.createdAt) });
  for (const list of Object.values(chatbaseDemoData(data))) {
    for (const c of list) rows.push({ provider: 'CHATBASE', providerId: c.id, createdAtMs: Date.parse(c.created_at), source: c.source });
  }
  for (const c of moveworksDataDemoData(data).conversations) {
    rows.push({ provider: 'MOVEWORKS_DATA', providerId: c.id, createdAtMs: Date.parse(c.created_time) });
  }
  for (const c of symblDemoData(data).conversations) {
    rows.push({ provider: 'SYMBL', providerId: c.id, createdAtMs: Date.parse(c.startTime), name: c.name });
  }
  for (const c of moveworksConversationsDemoData(data).conversations) {
    rows.push({ provider: 'MOVEWORKS_CONVERSATIONS', providerId: c.conversation_id, createdAtMs: Date.parse(c.created_at), archived: c.archived });
  }
  // Intercom: the conversations with Fin (INTERCOM_AI_ONLY defaults to true), in whole seconds.
  for (const { conversation: c } of intercomDemoData(data).records) {
    if (c.ai_agent_participated) rows.push({ provider: 'INTERCOM', providerId: c.id, createdAtMs: c.created_at * 1000 });
  }
  return rows;
}

/** The graph's filter subset these tests use, applied to the truth the way each vendor's docs define it. */
export interface TruthFilter {
  createdAt?: { from?: string; to?: string };
  chatbase?: { sources: string[] };
  symbl?: { nameContains: string };
  moveworksConversations?: { archived: boolean };
}

export function matches(row: TruthRow, filter: TruthFilter): boolean {
  const from = filter.createdAt?.from ? Date.parse(filter.createdAt.from) : null;
  const to = filter.createdAt?.to ? Date.parse(filter.createdAt.to) : null;
  if (from !== null && row.createdAtMs < from) return false;
  if (to !== null && row.createdAtMs >= to) return false;
  if (row.provider === 'CHATBASE' && filter.chatbase && !filter.chatbase.sources.includes(row.source ?? '')) return false;
  if (row.provider === 'SYMBL' && filter.symbl && !(row.name ?? '').toLowerCase().includes(filter.symbl.nameContains.toLowerCase())) return false;
  if (row.provider === 'MOVEWORKS_CONVERSATIONS' && filter.moveworksConversations && row.archived !== filter.moveworksConversations.archived) {
    return false;
  }
  return true;
}
