import { defineDetailsType, defineVendor } from '../vendor-module.js';
import type { FlashbackDetails } from './mapper.js';
import { FLASHBACK_FILTER } from './filter.js';
import { createFlashbackAdapter } from './adapter.js';
import { FLASHBACK_MAX_TAKE, flashbackHeaders, type FlashbackConfig } from './client.js';
import { FLASHBACK_CONVERSATION_ID } from './ids.js';


export const flashbackVendor = defineVendor<'FLASHBACK', FlashbackConfig>({
  provider: 'FLASHBACK',
  names: { display: 'Flashback', folder: 'flashback', envPrefix: 'FLASHBACK' },
  configuration: {
    variables: ['FLASHBACK_BASE_URL', 'FLASHBACK_TOKEN'],
    read(env) {
      const baseUrl = env.url('FLASHBACK_BASE_URL');
      return baseUrl ? { baseUrl, token: env.required('FLASHBACK_TOKEN', 'FLASHBACK_BASE_URL') } : null;
    },
  },
  credentialHeaders: flashbackHeaders,
  ids: { conversation: FLASHBACK_CONVERSATION_ID },
  capabilities: {
    pagination: { style: 'offset', maxPageSize: FLASHBACK_MAX_TAKE },
    backward: true,
    totalCount: true,
    // The API has no messages endpoint.
    messages: false,
    people: { creator: true, members: true },
    // No look-up by id: the global id carries the creation instant, and the adapter lists that instant.
    lookUp: 'by-created-at',
  },
  filter: FLASHBACK_FILTER,
  details: defineDetailsType<FlashbackDetails>({
    name: 'FlashbackConversationDetails',
    description: 'What Flashback says of a conversation beyond the common fields.',
    fields: {
      orgId: { type: 'String', nullable: true, resolve: (d) => d.orgId },
      workspaceId: { type: 'String', nullable: true, resolve: (d) => d.workspaceId },
      repoId: { type: 'String', nullable: true, resolve: (d) => d.repoId },
      createdBy: { type: 'String', nullable: true, resolve: (d) => d.createdBy },
      tokensIn: { type: 'String', nullable: true, description: 'Input tokens as a decimal string: exact even beyond 2^53.', resolve: (d) => d.tokensIn },
      tokensOut: { type: 'String', nullable: true, description: 'Output tokens as a decimal string: exact even beyond 2^53.', resolve: (d) => d.tokensOut },
    },
  }),
  emulator: {
    defaultPort: 4101,
    start: async (options) => (await import('../../emulators/flashback.js')).startFlashbackEmulator(options),
  },
  createAdapter: (settings, { http, runtime }) => createFlashbackAdapter(settings, http, runtime),
});
