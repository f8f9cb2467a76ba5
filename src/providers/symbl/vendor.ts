import type { SymblDetails } from '../../domain.js';
import { filterList, filterText } from '../filter-values.js';
import { defineDetailsType, defineVendor, defineVendorFilter } from '../vendor-module.js';
import { createSymblAdapter } from './adapter.js';
import { symblHeaders, type SymblConfig } from './client.js';
import { SYMBL_CONVERSATION_ID } from './ids.js';

export interface SymblFilterSection {
  types: string[] | null;
  nameContains: string | null;
  metadata: Record<string, string> | null;
}

export const SYMBL_FILTER = defineVendorFilter({
  key: 'symbl',
  input: {
    name: 'SymblFilter',
    description: 'Applies to Symbl conversations only.',
    fields: {
      types: { type: 'String', list: true, description: 'Conversation types, e.g. meeting.' },
      nameContains: { type: 'String', description: 'Case-insensitive substring of the name.' },
      metadata: {
        type: { name: 'MetadataEntry', fields: { key: { type: 'String', required: true }, value: { type: 'String', required: true } } },
        list: true,
        description: 'Every entry must match exactly.',
      },
    },
  },
  parse: (value, argument): SymblFilterSection => {
    const metadata = value.metadata ? Object.fromEntries(value.metadata.map((entry) => [entry.key, entry.value])) : null;
    return {
      types: filterList(value.types, `${argument}.types`),
      nameContains: filterText(value.nameContains),
      metadata: metadata && Object.keys(metadata).length > 0 ? metadata : null,
    };
  },
});

export const symblVendor = defineVendor<'SYMBL', SymblConfig>({
  provider: 'SYMBL',
  names: { display: 'Symbl.ai', folder: 'symbl', envPrefix: 'SYMBL' },
  configuration: {
    variables: ['SYMBL_BASE_URL', 'SYMBL_TOKEN'],
    read(env) {
      const baseUrl = env.url('SYMBL_BASE_URL');
      return baseUrl ? { baseUrl, token: env.required('SYMBL_TOKEN', 'SYMBL_BASE_URL') } : null;
    },
  },
  credentialHeaders: symblHeaders,
  ids: { conversation: SYMBL_CONVERSATION_ID },
  capabilities: {
    pagination: { style: 'offset', maxPageSize: 100 },
    backward: true,
    totalCount: true,
    messages: true,
    // The list names no creator; members come inline or from `/members`.
    people: { creator: false, members: true },
    lookUp: 'by-id',
  },
  filter: SYMBL_FILTER,
  details: defineDetailsType<SymblDetails>({
    name: 'SymblConversationDetails',
    fields: {
      type: { type: 'String', nullable: true, resolve: (d) => d.type },
      name: { type: 'String', nullable: true, resolve: (d) => d.name },
      endTime: { type: 'DateTime', nullable: true, resolve: (d) => d.endTime },
      metadata: { type: 'JSONObject', resolve: (d) => d.metadata },
    },
  }),
  cost: {
    // Blocks of 100; `last` without `before` first finds the end: probes of 100 (3 for a few hundred items).
    listCalls: ({ count, backwardFromEnd }) => Math.max(1, Math.ceil(count / 100)) + (backwardFromEnd ? 3 : 0),
  },
  emulator: {
    defaultPort: 4104,
    start: async (options) => (await import('../../emulators/symbl.js')).startSymblEmulator(options),
  },
  createAdapter: (settings, { http, scans }) => createSymblAdapter(settings, http, {}, scans),
});
