import { defineDetailsObject, defineDetailsType, defineVendor, defineVendorFilter } from '../vendor-module.js';
import { TIE_SLACK, createIntercomAdapter } from './adapter.js';
import { INTERCOM_DEFAULT_VERSION, INTERCOM_MAX_PER_PAGE, intercomHeaders, type IntercomConfig } from './client.js';
import { parseIntercomSection, type IntercomFilterSection } from './filter.js';
import { INTERCOM_CONVERSATION_ID } from './ids.js';
import type { IntercomAiAgentDetails, IntercomDetails } from './mapper.js';

/** The module of Intercom (Fin's conversations): see README.md beside this file for what each call costs. */

export const INTERCOM_FILTER = defineVendorFilter({
  key: 'intercom',
  input: {
    name: 'IntercomFilter',
    description: 'Applies to Intercom conversations only.',
    fields: {
      states: { type: 'String', list: true, description: 'Any of: open, closed, snoozed.' },
      aiResolutionStates: {
        type: 'String',
        list: true,
        description:
          "Fin's resolution states, as `INTERCOM_VERSION` names them: 2.11–2.14 assumed_resolution, confirmed_resolution, routed_to_team, abandoned; " +
          '2.15+ assumed_resolution, confirmed_resolution, escalated, negative_feedback, procedure_handoff.',
      },
      contactEmail: { type: 'String', description: 'Conversations with a contact of this email (exact).' },
    },
  },
  parse: (value, argument): IntercomFilterSection => parseIntercomSection(value, argument),
});

/** `INTERCOM_VERSION`: a numbered version (`2.14`) or `Preview`/`Unstable`. */
const VERSION = /^(?:\d{1,2}\.\d{1,2}|Preview|Unstable)$/;

type ContentSource = IntercomAiAgentDetails['contentSources'][number];

const CONTENT_SOURCE = defineDetailsObject<ContentSource>({
  name: 'IntercomContentSource',
  description: 'An article, snippet or other source Fin answered from.',
  fields: {
    contentType: { type: 'String', nullable: true, resolve: (s) => s.contentType },
    title: { type: 'String', nullable: true, resolve: (s) => s.title },
    url: { type: 'String', nullable: true, resolve: (s) => s.url },
    locale: { type: 'String', nullable: true, resolve: (s) => s.locale },
  },
});

const AI_AGENT = defineDetailsObject<IntercomAiAgentDetails>({
  name: 'IntercomAiAgent',
  description: "What Intercom says of Fin's part in the conversation (`ai_agent`); the resolution states follow INTERCOM_VERSION.",
  fields: {
    participated: { type: 'Boolean', description: '`ai_agent_participated`.', resolve: (a) => a.participated },
    resolutionState: { type: 'String', nullable: true, resolve: (a) => a.resolutionState },
    lastAnswerType: { type: 'String', nullable: true, description: 'ai_answer or custom_answer.', resolve: (a) => a.lastAnswerType },
    sourceType: { type: 'String', nullable: true, resolve: (a) => a.sourceType },
    sourceTitle: { type: 'String', nullable: true, resolve: (a) => a.sourceTitle },
    rating: { type: 'Int', nullable: true, description: '1–5.', resolve: (a) => a.rating },
    ratingRemark: { type: 'String', nullable: true, resolve: (a) => a.ratingRemark },
    contentSources: { type: CONTENT_SOURCE, list: true, resolve: (a) => a.contentSources },
  },
});

export const intercomVendor = defineVendor<'INTERCOM', IntercomConfig>({
  provider: 'INTERCOM',
  names: { display: 'Intercom', folder: 'intercom', envPrefix: 'INTERCOM' },
  configuration: {
    variables: ['INTERCOM_BASE_URL', 'INTERCOM_TOKEN', 'INTERCOM_VERSION', 'INTERCOM_AI_ONLY'],
    read(env) {
      const version = env.read('INTERCOM_VERSION') ?? INTERCOM_DEFAULT_VERSION;
      if (!VERSION.test(version)) env.problem(`INTERCOM_VERSION must be an Intercom API version such as 2.14 or Preview, got "${version.slice(0, 40)}"`);
      const rawAiOnly = env.read('INTERCOM_AI_ONLY')?.toLowerCase();
      if (rawAiOnly !== undefined && !['true', 'false', '1', '0'].includes(rawAiOnly)) env.problem(`INTERCOM_AI_ONLY must be true or false, got "${rawAiOnly.slice(0, 40)}"`);
      const baseUrl = env.url('INTERCOM_BASE_URL');
      if (!baseUrl) return null;
      return {
        baseUrl,
        token: env.required('INTERCOM_TOKEN', 'INTERCOM_BASE_URL'),
        version,
        aiOnly: rawAiOnly === undefined ? true : rawAiOnly === 'true' || rawAiOnly === '1',
      };
    },
  },
  credentialHeaders: intercomHeaders,
  ids: { conversation: INTERCOM_CONVERSATION_ID },
  capabilities: {
    pagination: { style: 'cursor', maxPageSize: INTERCOM_MAX_PER_PAGE },
    backward: true,
    totalCount: true,
    messages: true,
    people: { creator: true, members: true },
    lookUp: 'by-id',
  },
  filter: INTERCOM_FILTER,
  details: defineDetailsType<IntercomDetails>({
    name: 'IntercomConversationDetails',
    description: 'What Intercom says of a conversation beyond the common fields.',
    fields: {
      state: { type: 'String', nullable: true, description: 'open, closed or snoozed.', resolve: (d) => d.state },
      open: { type: 'Boolean', nullable: true, resolve: (d) => d.open },
      read: { type: 'Boolean', nullable: true, resolve: (d) => d.read },
      priority: { type: 'String', nullable: true, description: 'priority or not_priority.', resolve: (d) => d.priority },
      adminAssigneeId: {
        type: 'ID',
        nullable: true,
        description: 'The teammate assigned: Intercom\'s integer id, in decimal (ids pass 32 bits; null when the vendor sends no integer).',
        resolve: (d) => d.adminAssigneeId,
      },
      teamAssigneeId: { type: 'ID', nullable: true, description: 'The team assigned, as adminAssigneeId.', resolve: (d) => d.teamAssigneeId },
      tags: { type: 'String', list: true, description: 'Tag names.', resolve: (d) => d.tags },
      customAttributes: { type: 'JSONObject', description: "The workspace's conversation attributes, as Intercom sends them.", resolve: (d) => d.customAttributes },
      aiAgent: { type: AI_AGENT, resolve: (d) => d.aiAgent },
    },
  }),
  cost: {
    // One search per page of up to 150 - 6 (look-ahead and tie slack); members +1 contact search, +1 /admins.
    listCalls: ({ count }) => Math.max(1, Math.ceil((count + 1 + TIE_SLACK) / INTERCOM_MAX_PER_PAGE)),
  },
  emulator: {
    defaultPort: 4106,
    start: async (options) => (await import('../../emulators/intercom.js')).startIntercomEmulator(options),
  },
  createAdapter: (settings, { http, runtime }) => createIntercomAdapter(settings, http, (filter) => INTERCOM_FILTER.of(filter), {}, runtime),
});
