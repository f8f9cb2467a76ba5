import { defineDetailsType, defineVendor } from '../vendor-module.js';
import type { ChatbaseDetails } from './mapper.js';
import { CHATBASE_FILTER } from './filter.js';
import { createChatbaseAdapter } from './adapter.js';
import { chatbaseHeaders, type ChatbaseConfig } from './client.js';
import { CHATBASE_CONVERSATION_ID } from './ids.js';
import { CHATBASE_MAX_PAGE_SIZE } from './pages.js';


export const chatbaseVendor = defineVendor<'CHATBASE', ChatbaseConfig>({
  provider: 'CHATBASE',
  names: { display: 'Chatbase', folder: 'chatbase', envPrefix: 'CHATBASE' },
  configuration: {
    variables: ['CHATBASE_BASE_URL', 'CHATBASE_API_KEY', 'CHATBASE_CHATBOT_IDS'],
    read(env) {
      const baseUrl = env.url('CHATBASE_BASE_URL');
      if (!baseUrl) return null;
      const chatbotIds = env.list('CHATBASE_CHATBOT_IDS');
      if (chatbotIds.length === 0) env.problem('CHATBASE_CHATBOT_IDS must list at least one chatbot id because CHATBASE_BASE_URL is set');
      return { baseUrl, apiKey: env.required('CHATBASE_API_KEY', 'CHATBASE_BASE_URL'), chatbotIds };
    },
  },
  credentialHeaders: chatbaseHeaders,
  ids: { conversation: CHATBASE_CONVERSATION_ID },
  capabilities: {
    pagination: { style: 'page', maxPageSize: CHATBASE_MAX_PAGE_SIZE },
    backward: true,
    totalCount: true,
    messages: true,
    people: { creator: true, members: true },
    lookUp: 'by-id',
  },
  filter: CHATBASE_FILTER,
  details: defineDetailsType<ChatbaseDetails>({
    name: 'ChatbaseConversationDetails',
    fields: {
      chatbotId: { type: 'String', resolve: (d) => d.chatbotId },
      source: { type: 'String', nullable: true, description: 'API, Chatbase site, Instagram, Messenger, Slack or Unspecified.', resolve: (d) => d.source },
      customer: { type: 'String', nullable: true, resolve: (d) => d.customer },
    },
  }),
  cost: {
    // Per chatbot: up to 2 pages per block of 100 (a window may straddle two pages); `last` without `before`
    // first finds each chatbot's end with block probes of 100 (3 for a few hundred items).
    listCalls: ({ count, backwardFromEnd }, settings) =>
      Math.max(1, settings?.chatbotIds.length ?? 0) * (2 * Math.max(1, Math.ceil(count / 100)) + (backwardFromEnd ? 3 : 0)),
  },
  emulator: {
    defaultPort: 4102,
    start: async (options) => (await import('../../emulators/chatbase.js')).startChatbaseEmulator(options),
  },
  createAdapter: (settings, { http, runtime, scans }) => createChatbaseAdapter(settings, http, scans, runtime),
});
