import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { comparisonsOf, parseRsql } from '../../emulators/rsql.js';
import { RsqlBuildError, quoteRsqlValue, renderRsql, type RsqlComparison } from './rsql.js';

const type = (operator: RsqlComparison['operator'], ...values: string[]): RsqlComparison => ({
  selector: { kind: 'conversation', field: 'type' },
  operator,
  values,
});

describe('renderRsql', () => {
  const cases: { name: string; and: RsqlComparison[]; rsql: string | null }[] = [
    { name: 'no comparisons: no filter parameter', and: [], rsql: null },
    { name: 'one value, double-quoted', and: [type('==', 'call')], rsql: 'conversation.type=="call"' },
    { name: 'a list', and: [type('=in=', 'call', 'chat')], rsql: 'conversation.type=in=("call","chat")' },
    {
      name: 'dates in ISO 8601 UTC',
      and: [{ selector: { kind: 'conversation', field: 'startTime' }, operator: '=lt=', values: [new Date('2025-01-02T03:04:05.006Z')] }],
      rsql: 'conversation.startTime=lt="2025-01-02T03:04:05.006Z"',
    },
    {
      name: 'reserved characters, quotes and backslashes are quoted and escaped',
      and: [{ selector: { kind: 'metadata', key: 'customerId' }, operator: '==', values: ['a;b,c=(d) "q" \\ \'s\' or x'] }],
      rsql: 'metadata.customerId=="a;b,c=(d) \\"q\\" \\\\ \'s\' or x"',
    },
    {
      name: 'AND with ";", a selector may repeat',
      and: [type('!=', 'call'), type('!=', 'chat'), { selector: { kind: 'metadata', key: 'agent_id-2' }, operator: '==', values: ['x'] }],
      rsql: 'conversation.type!="call";conversation.type!="chat";metadata.agent_id-2=="x"',
    },
  ];
  it.each(cases)('$name', ({ and, rsql }) => {
    expect(renderRsql({ and })).toBe(rsql);
  });

  it('refuses more than two distinct selectors', () => {
    const three: RsqlComparison[] = [
      type('==', 'call'),
      { selector: { kind: 'metadata', key: 'a' }, operator: '==', values: ['1'] },
      { selector: { kind: 'metadata', key: 'b' }, operator: '==', values: ['2'] },
    ];
    expect(() => renderRsql({ and: three })).toThrow(RsqlBuildError);
  });

  it('refuses metadata keys that are not plain selectors, and wrong arities', () => {
    expect(() => renderRsql({ and: [{ selector: { kind: 'metadata', key: 'a==1;b' }, operator: '==', values: ['x'] }] })).toThrow(RsqlBuildError);
    expect(() => renderRsql({ and: [type('==', 'a', 'b')] })).toThrow(RsqlBuildError);
    expect(() => renderRsql({ and: [type('=in=')] })).toThrow(RsqlBuildError);
  });

  it('any string survives a round trip through an RSQL parser (the emulator\'s)', () => {
    const unit = fc.oneof(
      fc.constantFrom('"', "'", '\\', ';', ',', '(', ')', '=', '!', '~', '<', '>', ' ', '\t', 'é', '美', '🤖', ' or ', ' and '),
      fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.array(fc.string({ unit }), { minLength: 1, maxLength: 4 }), (values) => {
        const parsed = parseRsql(renderRsql({ and: [type('=in=', ...values), { ...type('==', values[0] as string) }] }) as string);
        const [list, single] = comparisonsOf(parsed);
        expect(list?.values).toEqual(values);
        expect(single?.values).toEqual([values[0]]);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('quotes every value', () => {
    expect(quoteRsqlValue('plain')).toBe('"plain"');
    expect(quoteRsqlValue('')).toBe('""');
  });
});
