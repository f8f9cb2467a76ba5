import { describe, expect, it } from 'vitest';
import { EMPTY_FILTER, type Conversation, type ConversationFilter } from '../../domain.js';
import { SYMBL_EPOCH, planSymblQuery, symblListQueries, type SymblQueryPlan } from './filter.js';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const at = (iso: string): Date => new Date(iso);
const filter = (patch: Partial<ConversationFilter>): ConversationFilter => ({ ...EMPTY_FILTER, ...patch });
const symbl = (patch: Partial<NonNullable<ConversationFilter['symbl']>>): ConversationFilter =>
  filter({ symbl: { types: null, nameContains: null, metadata: null, ...patch } });

type Expected = Pick<SymblQueryPlan, 'empty' | 'params' | 'pushed' | 'localOnly'>;

const cases: { name: string; filter: ConversationFilter; plan: Expected }[] = [
  {
    name: 'no filter: explicit epoch startTime (never the 7-day default), no RSQL',
    filter: EMPTY_FILTER,
    plan: { empty: false, params: { startTime: SYMBL_EPOCH, filter: null }, pushed: [], localOnly: [] },
  },
  {
    name: 'from: the startTime parameter, exact',
    filter: filter({ createdAt: { from: at('2025-03-01T10:00:00.123Z'), to: null } }),
    plan: { empty: false, params: { startTime: '2025-03-01T10:00:00.123Z', filter: null }, pushed: ['createdAt.from'], localOnly: [] },
  },
  {
    name: 'to: RSQL startTime=lt= (never the endTime parameter)',
    filter: filter({ createdAt: { from: null, to: at('2025-03-01T00:00:00Z') } }),
    plan: {
      empty: false,
      params: { startTime: SYMBL_EPOCH, filter: 'conversation.startTime=lt="2025-03-01T00:00:00.000Z"' },
      pushed: ['createdAt.to'],
      localOnly: [],
    },
  },
  {
    name: 'from before 1970 is clamped to the epoch',
    filter: filter({ createdAt: { from: at('1960-01-01T00:00:00Z'), to: null } }),
    plan: { empty: false, params: { startTime: SYMBL_EPOCH, filter: null }, pushed: ['createdAt.from'], localOnly: [] },
  },
  {
    name: 'one type: ==',
    filter: symbl({ types: ['call', 'call'] }),
    plan: { empty: false, params: { startTime: SYMBL_EPOCH, filter: 'conversation.type=="call"' }, pushed: ['types'], localOnly: [] },
  },
  {
    name: 'several types: =in=',
    filter: symbl({ types: ['call', 'chat'] }),
    plan: { empty: false, params: { startTime: SYMBL_EPOCH, filter: 'conversation.type=in=("call","chat")' }, pushed: ['types'], localOnly: [] },
  },
  {
    name: 'to + types + metadata: two selectors upstream, metadata locally',
    filter: filter({
      createdAt: { from: at('2025-01-01T00:00:00Z'), to: at('2025-02-01T00:00:00Z') },
      symbl: { types: ['meeting'], nameContains: null, metadata: { agentId: 'johndoe' } },
    }),
    plan: {
      empty: false,
      params: { startTime: '2025-01-01T00:00:00.000Z', filter: 'conversation.startTime=lt="2025-02-01T00:00:00.000Z";conversation.type=="meeting"' },
      pushed: ['createdAt.from', 'createdAt.to', 'types'],
      localOnly: ['metadata.agentId'],
    },
  },
  {
    name: 'metadata by key order; quotes and backslashes escaped; a third selector stays local',
    filter: symbl({ metadata: { region: 'eu', customerId: 'ACME "Corp" \\', agentId: "o'brien" } }),
    plan: {
      empty: false,
      params: { startTime: SYMBL_EPOCH, filter: 'metadata.agentId=="o\'brien";metadata.customerId=="ACME \\"Corp\\" \\\\"' },
      pushed: ['metadata.agentId', 'metadata.customerId'],
      localOnly: ['metadata.region'],
    },
  },
  {
    name: 'a metadata key that is not a plain selector is refined locally only',
    filter: symbl({ metadata: { 'a;b': 'x', ok: 'y' } }),
    plan: { empty: false, params: { startTime: SYMBL_EPOCH, filter: 'metadata.ok=="y"' }, pushed: ['metadata.ok'], localOnly: ['metadata.a;b'] },
  },
  {
    name: 'nameContains: RSQL has no "contains", local only',
    filter: symbl({ nameContains: 'Sync' }),
    plan: { empty: false, params: { startTime: SYMBL_EPOCH, filter: null }, pushed: [], localOnly: ['nameContains'] },
  },
  { name: 'types: [] matches nothing', filter: symbl({ types: [] }), plan: { empty: true, params: { startTime: SYMBL_EPOCH, filter: null }, pushed: [], localOnly: [] } },
  {
    name: 'to <= from matches nothing',
    filter: filter({ createdAt: { from: at('2025-02-01T00:00:00Z'), to: at('2025-02-01T00:00:00Z') } }),
    plan: {
      empty: true,
      params: { startTime: '2025-02-01T00:00:00.000Z', filter: 'conversation.startTime=lt="2025-02-01T00:00:00.000Z"' },
      pushed: ['createdAt.from', 'createdAt.to'],
      localOnly: [],
    },
  },
  {
    name: 'from in the future matches nothing (the vendor would answer 400)',
    filter: filter({ createdAt: { from: at('2025-06-02T00:00:00Z'), to: null } }),
    plan: { empty: true, params: { startTime: '2025-06-02T00:00:00.000Z', filter: null }, pushed: ['createdAt.from'], localOnly: [] },
  },
];

describe('planSymblQuery', () => {
  it.each(cases)('$name', ({ filter: input, plan }) => {
    const { keep: _keep, ...actual } = planSymblQuery(input, NOW);
    expect(actual).toEqual(plan);
  });

  const conversation = (startTime: string, type: string, name: string, metadata: Record<string, string>): Conversation => ({
    provider: 'SYMBL',
    providerId: '1',
    createdAt: new Date(startTime),
    updatedAt: null,
    title: name,
    creator: null,
    members: [],
    messages: null,
    details: { provider: 'SYMBL', type, name, endTime: null, metadata },
  });

  it('keep re-checks the whole filter locally (half-open createdAt, case-insensitive nameContains)', () => {
    const { keep } = planSymblQuery(
      filter({
        createdAt: { from: at('2025-01-01T00:00:00Z'), to: at('2025-02-01T00:00:00Z') },
        symbl: { types: ['call'], nameContains: 'sYnC', metadata: { agentId: 'x', region: 'eu' } },
      }),
      NOW,
    );
    const good = conversation('2025-01-01T00:00:00Z', 'call', 'Weekly sync', { agentId: 'x', region: 'eu' });
    expect(keep?.(good)).toBe(true);
    expect(keep?.(conversation('2025-02-01T00:00:00Z', 'call', 'Weekly sync', { agentId: 'x', region: 'eu' }))).toBe(false);
    expect(keep?.(conversation('2025-01-05T00:00:00Z', 'chat', 'Weekly sync', { agentId: 'x', region: 'eu' }))).toBe(false);
    expect(keep?.(conversation('2025-01-05T00:00:00Z', 'call', 'Weekly', { agentId: 'x', region: 'eu' }))).toBe(false);
    expect(keep?.(conversation('2025-01-05T00:00:00Z', 'call', 'sync', { agentId: 'x' }))).toBe(false);
    expect(planSymblQuery(EMPTY_FILTER, NOW).keep).toBeNull();
  });
});

describe('symblListQueries: offset window -> upstream requests', () => {
  const params = { startTime: SYMBL_EPOCH, filter: 'conversation.type=="call"' };
  const base = { order: 'desc', sort: 'conversation.startTime', startTime: SYMBL_EPOCH, filter: 'conversation.type=="call"' };
  const cases = [
    { name: 'first page of 10 (+1 look-ahead)', window: { offset: 0, limit: 11 }, requests: [{ ...base, limit: 11, offset: 0 }] },
    { name: 'after position 40, 25 items (+1)', window: { offset: 40, limit: 26 }, requests: [{ ...base, limit: 26, offset: 40 }] },
    { name: 'one-item probe (end finding)', window: { offset: 128, limit: 1 }, requests: [{ ...base, limit: 1, offset: 128 }] },
    {
      name: 'beyond the 65536 cap: split',
      window: { offset: 10, limit: 70_000 },
      requests: [
        { ...base, limit: 65536, offset: 10 },
        { ...base, limit: 70_000 - 65536, offset: 65546 },
      ],
    },
    { name: 'empty window: no request', window: { offset: 5, limit: 0 }, requests: [] },
  ];
  it.each(cases)('$name', ({ window, requests }) => {
    expect(symblListQueries(params, window)).toEqual(requests);
  });

  it('omits filter when there is none', () => {
    expect(symblListQueries({ startTime: SYMBL_EPOCH, filter: null }, { offset: 0, limit: 3 })).toEqual([
      { order: 'desc', sort: 'conversation.startTime', startTime: SYMBL_EPOCH, limit: 3, offset: 0 },
    ]);
  });
});
