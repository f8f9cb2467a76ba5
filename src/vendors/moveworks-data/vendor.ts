import { defineDetailsType, defineVendor } from '../vendor-module.js';
import type { MoveworksDataDetails } from './mapper.js';
import { MOVEWORKS_DATA_FILTER } from './filter.js';
import { createMoveworksDataAdapter } from './adapter.js';
import { moveworksDataHeaders, type MoveworksDataConfig } from './client.js';
import { MOVEWORKS_DATA_CONVERSATION_ID } from './ids.js';


/** The vendor's server pages (`@odata.nextLink`) by 50. */
const SERVER_PAGE = 50;

export const moveworksDataVendor = defineVendor<'MOVEWORKS_DATA', MoveworksDataConfig>({
  provider: 'MOVEWORKS_DATA',
  names: { display: 'Moveworks Data API', folder: 'moveworks-data', envPrefix: 'MOVEWORKS_DATA' },
  configuration: {
    variables: ['MOVEWORKS_DATA_BASE_URL', 'MOVEWORKS_DATA_TOKEN'],
    read(env) {
      const baseUrl = env.url('MOVEWORKS_DATA_BASE_URL');
      return baseUrl ? { baseUrl, token: env.required('MOVEWORKS_DATA_TOKEN', 'MOVEWORKS_DATA_BASE_URL') } : null;
    },
  },
  credentialHeaders: moveworksDataHeaders,
  ids: { conversation: MOVEWORKS_DATA_CONVERSATION_ID },
  capabilities: {
    pagination: { style: 'offset', maxPageSize: SERVER_PAGE },
    backward: true,
    totalCount: true,
    messages: true,
    people: { creator: true, members: true },
    lookUp: 'by-id',
  },
  filter: MOVEWORKS_DATA_FILTER,
  details: defineDetailsType<MoveworksDataDetails>({
    name: 'MoveworksDataConversationDetails',
    fields: {
      userId: { type: 'String', nullable: true, resolve: (d) => d.userId },
      route: { type: 'String', nullable: true, resolve: (d) => d.route },
      primaryDomain: { type: 'String', nullable: true, resolve: (d) => d.primaryDomain },
    },
  }),
  cost: {
    // `$top` = count + 1 (to learn whether more follow), served in server pages of 50; `last` without `before` counts first.
    listCalls: ({ count, backwardFromEnd }) => Math.ceil((count + 1) / SERVER_PAGE) + (backwardFromEnd ? 1 : 0),
  },
  emulator: {
    defaultPort: 4103,
    start: async (options) => (await import('../../emulators/moveworks-data.js')).startMoveworksDataEmulator(options),
  },
  createAdapter: (settings, { http, runtime }) => createMoveworksDataAdapter(settings, http, {}, runtime),
});
