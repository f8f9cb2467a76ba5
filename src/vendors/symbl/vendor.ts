import { defineDetailsType, defineVendor } from '../vendor-module.js';
import type { SymblDetails } from './mapper.js';
import { SYMBL_FILTER } from './filter.js';
import { createSymblAdapter } from './adapter.js';
import { symblHeaders, type SymblConfig } from './client.js';
import { SYMBL_CONVERSATION_ID } from './ids.js';


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
  createAdapter: (settings, { http, runtime, scans }) => createSymblAdapter(settings, http, {}, scans, runtime),
});
