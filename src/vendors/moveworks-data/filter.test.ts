import { describe, expect, it } from 'vitest';
import { EMPTY_FILTER, type ConversationFilter } from '../../domain.js';
import { conversationScope } from './filter.js';
import { renderFilter } from './odata.js';
import { CONVERSATION_FIELDS } from './query.js';

const from = new Date('2025-01-01T00:00:00.000Z');
const to = new Date('2025-02-01T12:30:00.000Z');
const section = (part: Partial<NonNullable<ConversationFilter['moveworksData']>>): ConversationFilter['moveworksData'] => ({
  userIds: null,
  routes: null,
  primaryDomains: null,
  ...part,
});

function filterText(filter: ConversationFilter): string | null | 'NOTHING' {
  const scope = conversationScope(filter);
  if (scope.matchesNothing) return 'NOTHING';
  return scope.filter ? renderFilter(scope.filter, CONVERSATION_FIELDS) : null;
}

describe('graph filter -> $filter', () => {
  const cases: [string, ConversationFilter, string | null | 'NOTHING'][] = [
    ['no filter', EMPTY_FILTER, null],
    ['createdAt from only', { ...EMPTY_FILTER, createdAt: { from, to: null } }, 'created_time ge 2025-01-01T00:00:00.000Z'],
    ['createdAt to only (exclusive)', { ...EMPTY_FILTER, createdAt: { from: null, to } }, 'created_time lt 2025-02-01T12:30:00.000Z'],
    [
      'createdAt half-open range',
      { ...EMPTY_FILTER, createdAt: { from, to } },
      'created_time ge 2025-01-01T00:00:00.000Z and created_time lt 2025-02-01T12:30:00.000Z',
    ],
    ['one route -> eq', { ...EMPTY_FILTER, moveworksData: section({ routes: ['DM'] }) }, "route eq 'DM'"],
    [
      'several routes -> in, duplicates dropped',
      { ...EMPTY_FILTER, moveworksData: section({ routes: ['DM', 'Notification engagement', 'DM'] }) },
      "route in ('DM','Notification engagement')",
    ],
    [
      'quotes in values are doubled',
      { ...EMPTY_FILTER, moveworksData: section({ primaryDomains: ["Payroll 'Q&A'", "x') or (1 eq 1"] }) },
      "primary_domain in ('Payroll ''Q&A''','x'') or (1 eq 1')",
    ],
    [
      'every section AND-ed',
      { ...EMPTY_FILTER, createdAt: { from, to: null }, moveworksData: section({ userIds: ['u1', 'u2'], routes: ['DM'], primaryDomains: ['IT'] }) },
      "created_time ge 2025-01-01T00:00:00.000Z and user_id in ('u1','u2') and route eq 'DM' and primary_domain eq 'IT'",
    ],
    ['an empty list matches nothing', { ...EMPTY_FILTER, moveworksData: section({ userIds: [] }) }, 'NOTHING'],
    ['other vendors\' sections are ignored', { ...EMPTY_FILTER, chatbase: { chatbotIds: ['x'], sources: null } }, null],
  ];
  it.each(cases)('%s', (_name, filter, expected) => {
    expect(filterText(filter)).toBe(expected);
  });
});
