import { describe, expect, it } from 'vitest';
import { EMPTY_FILTER, type ConversationFilter } from '../../domain.js';
import { CHATBASE_SOURCES as EMULATOR_SOURCES } from '../../emulators/chatbase.js';
import { CHATBASE_SOURCES, translateFilter, utcDay, type ChatbasePlan } from './filter.js';

const configured = ['support-bot', 'sales-bot', 'bot-émoji-🤖'];
const at = (iso: string): Date => new Date(iso);
const filter = (patch: Partial<ConversationFilter>): ConversationFilter => ({ ...EMPTY_FILTER, ...patch });
const none: ChatbasePlan = { chatbotIds: [], query: {}, refine: null, empty: true };

const cases: { name: string; filter: ConversationFilter; plan: ChatbasePlan }[] = [
  { name: 'no filter: every configured chatbot, no parameters', filter: EMPTY_FILTER, plan: { chatbotIds: configured, query: {}, refine: null, empty: false } },
  {
    name: 'chatbotIds: a subset, in configuration order',
    filter: filter({ chatbase: { chatbotIds: ['bot-émoji-🤖', 'support-bot'], sources: null } }),
    plan: { chatbotIds: ['support-bot', 'bot-émoji-🤖'], query: {}, refine: null, empty: false },
  },
  {
    name: 'chatbotIds: unconfigured ids are skipped',
    filter: filter({ chatbase: { chatbotIds: ['sales-bot', 'someone-elses-bot'], sources: null } }),
    plan: { chatbotIds: ['sales-bot'], query: {}, refine: null, empty: false },
  },
  { name: 'chatbotIds: only unconfigured ids → empty', filter: filter({ chatbase: { chatbotIds: ['x'], sources: null } }), plan: none },
  { name: 'chatbotIds: [] → empty', filter: filter({ chatbase: { chatbotIds: [], sources: null } }), plan: none },
  {
    name: 'sources: documented order, deduplicated',
    filter: filter({ chatbase: { chatbotIds: null, sources: ['Slack', 'API', 'Slack'] } }),
    plan: { chatbotIds: configured, query: { filteredSources: 'API,Slack' }, refine: null, empty: false },
  },
  {
    name: 'sources: an undocumented one is dropped',
    filter: filter({ chatbase: { chatbotIds: null, sources: ['Chatbase site', 'WhatsApp'] } }),
    plan: { chatbotIds: configured, query: { filteredSources: 'Chatbase site' }, refine: null, empty: false },
  },
  { name: 'sources: only undocumented → empty', filter: filter({ chatbase: { chatbotIds: null, sources: ['WhatsApp'] } }), plan: none },
  { name: 'sources: [] → empty', filter: filter({ chatbase: { chatbotIds: null, sources: [] } }), plan: none },
  {
    name: 'sources: all of them → no parameter',
    filter: filter({ chatbase: { chatbotIds: null, sources: [...CHATBASE_SOURCES] } }),
    plan: { chatbotIds: configured, query: {}, refine: null, empty: false },
  },
  {
    name: 'createdAt within days: widened to whole days, refined locally',
    filter: filter({ createdAt: { from: at('2024-03-10T08:00:00Z'), to: at('2024-03-12T17:30:00Z') } }),
    plan: {
      chatbotIds: configured,
      query: { startDate: '2024-03-10', endDate: '2024-03-12' },
      refine: { from: at('2024-03-10T08:00:00Z'), to: at('2024-03-12T17:30:00Z') },
      empty: false,
    },
  },
  {
    name: 'createdAt on midnights: exact upstream, to is exclusive (endDate = day before)',
    filter: filter({ createdAt: { from: at('2024-03-10T00:00:00Z'), to: at('2024-03-12T00:00:00Z') } }),
    plan: { chatbotIds: configured, query: { startDate: '2024-03-10', endDate: '2024-03-11' }, refine: null, empty: false },
  },
  {
    name: 'createdAt: one millisecond',
    filter: filter({ createdAt: { from: at('2024-03-10T23:59:59.999Z'), to: at('2024-03-11T00:00:00Z') } }),
    plan: {
      chatbotIds: configured,
      query: { startDate: '2024-03-10', endDate: '2024-03-10' },
      refine: { from: at('2024-03-10T23:59:59.999Z'), to: at('2024-03-11T00:00:00Z') },
      empty: false,
    },
  },
  {
    name: 'createdAt: from only',
    filter: filter({ createdAt: { from: at('2024-03-10T00:00:00.001Z'), to: null } }),
    plan: { chatbotIds: configured, query: { startDate: '2024-03-10' }, refine: { from: at('2024-03-10T00:00:00.001Z'), to: null }, empty: false },
  },
  {
    name: 'createdAt: to only, on a midnight',
    filter: filter({ createdAt: { from: null, to: at('2024-01-01T00:00:00Z') } }),
    plan: { chatbotIds: configured, query: { endDate: '2023-12-31' }, refine: null, empty: false },
  },
  { name: 'createdAt: from = to → empty', filter: filter({ createdAt: { from: at('2024-03-10T00:00:00Z'), to: at('2024-03-10T00:00:00Z') } }), plan: none },
  { name: 'createdAt: from > to → empty', filter: filter({ createdAt: { from: at('2024-03-11T00:00:00Z'), to: at('2024-03-10T00:00:00Z') } }), plan: none },
  {
    name: 'createdAt: a year the vendor cannot write is left to local refinement',
    filter: filter({ createdAt: { from: at('0500-01-01T00:00:00Z'), to: at('+012000-01-01T00:00:00Z') } }),
    plan: { chatbotIds: configured, query: {}, refine: { from: at('0500-01-01T00:00:00Z'), to: at('+012000-01-01T00:00:00Z') }, empty: false },
  },
  {
    name: 'everything at once',
    filter: filter({
      createdAt: { from: at('2024-03-10T12:00:00Z'), to: null },
      chatbase: { chatbotIds: ['sales-bot'], sources: ['Instagram', 'Messenger'] },
    }),
    plan: {
      chatbotIds: ['sales-bot'],
      query: { filteredSources: 'Instagram,Messenger', startDate: '2024-03-10' },
      refine: { from: at('2024-03-10T12:00:00Z'), to: null },
      empty: false,
    },
  },
];

describe('translateFilter', () => {
  it.each(cases)('$name', ({ filter: input, plan }) => {
    expect(translateFilter(input, configured)).toEqual(plan);
  });

  it('knows the same sources as the docs (and the emulator)', () => {
    expect([...CHATBASE_SOURCES]).toEqual([...EMULATOR_SOURCES]);
  });
});

describe('utcDay', () => {
  it.each([
    [Date.UTC(2024, 1, 29, 23, 59, 59, 999), '2024-02-29'],
    [Date.UTC(2024, 2, 1), '2024-03-01'],
    [Date.UTC(999, 11, 31), null],
    [Date.UTC(10000, 0, 1), null],
  ])('%s → %s', (ms, day) => {
    expect(utcDay(ms)).toBe(day);
  });
});
