import { defineDetailsType, defineVendor } from '../vendor-module.js';
import type { MoveworksConversationsDetails } from './mapper.js';
import { MOVEWORKS_CONVERSATIONS_FILTER } from './filter.js';
import { createMoveworksConversationsAdapter } from './adapter.js';
import {
  DEFAULT_SCAN_LIMIT,
  MOVEWORKS_CONVERSATIONS_MAX_LIMIT,
  moveworksConversationsHeaders,
  type MoveworksConversationsConfig,
} from './client.js';
import { MOVEWORKS_CONVERSATIONS_CONVERSATION_ID } from './ids.js';


export const moveworksConversationsVendor = defineVendor<'MOVEWORKS_CONVERSATIONS', MoveworksConversationsConfig>({
  provider: 'MOVEWORKS_CONVERSATIONS',
  names: { display: 'Moveworks Conversations API', folder: 'moveworks-conversations', envPrefix: 'MOVEWORKS_CONVERSATIONS' },
  configuration: {
    variables: ['MOVEWORKS_CONVERSATIONS_BASE_URL', 'MOVEWORKS_CONVERSATIONS_TOKEN', 'MOVEWORKS_ASSISTANT_NAME', 'MOVEWORKS_CONVERSATIONS_SCAN_LIMIT'],
    read(env) {
      // Read whether or not the vendor is configured, so a bad value is reported either way.
      const scanLimit = env.integer('MOVEWORKS_CONVERSATIONS_SCAN_LIMIT', DEFAULT_SCAN_LIMIT, 100, 1_000_000);
      const baseUrl = env.url('MOVEWORKS_CONVERSATIONS_BASE_URL');
      if (!baseUrl) return null;
      return {
        baseUrl,
        token: env.required('MOVEWORKS_CONVERSATIONS_TOKEN', 'MOVEWORKS_CONVERSATIONS_BASE_URL'),
        assistantName: env.required('MOVEWORKS_ASSISTANT_NAME', 'MOVEWORKS_CONVERSATIONS_BASE_URL'),
        scanLimit,
      };
    },
  },
  credentialHeaders: moveworksConversationsHeaders,
  ids: { conversation: MOVEWORKS_CONVERSATIONS_CONVERSATION_ID },
  capabilities: {
    pagination: { style: 'cursor', maxPageSize: MOVEWORKS_CONVERSATIONS_MAX_LIMIT },
    backward: true,
    scanIndex: true,
    totalCount: true,
    messages: true,
    // The vendor's data has no people.
    people: { creator: false, members: false },
    lookUp: 'by-id',
  },
  filter: MOVEWORKS_CONVERSATIONS_FILTER,
  details: defineDetailsType<MoveworksConversationsDetails>({
    name: 'MoveworksConversationsConversationDetails',
    fields: {
      title: { type: 'String', nullable: true, resolve: (d) => d.title },
      archived: { type: 'Boolean', resolve: (d) => d.archived },
    },
  }),
  cost: {
    // A watermark merge over pages of 100: up to 4 calls per block of 100 (docs: what a page costs upstream).
    listCalls: ({ count }) => 4 * Math.max(1, Math.ceil(count / 100)),
  },
  emulator: {
    defaultPort: 4105,
    start: async (options) => (await import('../../emulators/moveworks-conversations.js')).startMoveworksConversationsEmulator(options),
  },
  createAdapter: (settings, { http, runtime, scans }) => createMoveworksConversationsAdapter(settings, http, scans, undefined, runtime),
});
