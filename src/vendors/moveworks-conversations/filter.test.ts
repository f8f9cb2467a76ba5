import { describe, expect, it } from 'vitest';
import { EMPTY_FILTER, type ConversationFilter } from '../../domain.js';
import { inCreatedRange, planScan, type MoveworksScanPlan } from './filter.js';

const at = (iso: string): Date => new Date(iso);
const FROM = at('2024-06-01T00:00:00.000Z');
const TO = at('2024-07-01T00:00:00.000Z');

const cases: { name: string; filter: ConversationFilter; plan: MoveworksScanPlan }[] = [
  {
    name: 'no filter: both archived states, merged',
    filter: EMPTY_FILTER,
    plan: { archived: [false, true], createdAt: null, stopBelowMs: null, empty: false },
  },
  {
    name: 'archived null: both states',
    filter: { ...EMPTY_FILTER, moveworksConversations: { archived: null } },
    plan: { archived: [false, true], createdAt: null, stopBelowMs: null, empty: false },
  },
  {
    name: 'archived true: one scan with archived=true',
    filter: { ...EMPTY_FILTER, moveworksConversations: { archived: true } },
    plan: { archived: [true], createdAt: null, stopBelowMs: null, empty: false },
  },
  {
    name: 'archived false: one scan with archived=false',
    filter: { ...EMPTY_FILTER, moveworksConversations: { archived: false } },
    plan: { archived: [false], createdAt: null, stopBelowMs: null, empty: false },
  },
  {
    name: 'createdAt from: refined locally and ends the scan early',
    filter: { ...EMPTY_FILTER, createdAt: { from: FROM, to: null } },
    plan: { archived: [false, true], createdAt: { fromMs: FROM.getTime(), toMs: null }, stopBelowMs: FROM.getTime(), empty: false },
  },
  {
    name: 'createdAt to: refined locally only',
    filter: { ...EMPTY_FILTER, createdAt: { from: null, to: TO }, moveworksConversations: { archived: true } },
    plan: { archived: [true], createdAt: { fromMs: null, toMs: TO.getTime() }, stopBelowMs: null, empty: false },
  },
  {
    name: 'empty range: no upstream call',
    filter: { ...EMPTY_FILTER, createdAt: { from: TO, to: FROM } },
    plan: { archived: [false, true], createdAt: { fromMs: TO.getTime(), toMs: FROM.getTime() }, stopBelowMs: TO.getTime(), empty: true },
  },
  {
    name: 'from equal to to: empty (half-open)',
    filter: { ...EMPTY_FILTER, createdAt: { from: FROM, to: FROM } },
    plan: { archived: [false, true], createdAt: { fromMs: FROM.getTime(), toMs: FROM.getTime() }, stopBelowMs: FROM.getTime(), empty: true },
  },
];

describe('planScan', () => {
  it.each(cases)('$name', ({ filter, plan }) => {
    expect(planScan(filter)).toEqual(plan);
  });
});

describe('inCreatedRange', () => {
  const range = { fromMs: FROM.getTime(), toMs: TO.getTime() };
  it.each([
    ['before from', FROM.getTime() - 1, false],
    ['at from (inclusive)', FROM.getTime(), true],
    ['inside', FROM.getTime() + 1, true],
    ['at to (exclusive)', TO.getTime(), false],
  ])('%s', (_, ms, expected) => {
    expect(inCreatedRange(ms, range)).toBe(expected);
  });
  it('keeps everything without a range', () => {
    expect(inCreatedRange(0, null)).toBe(true);
  });
});
