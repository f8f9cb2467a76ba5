import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluate, parseFilter } from '../../emulators/odata.js';
import {
  ODataBuildError,
  and,
  compare,
  datetime,
  inList,
  not,
  number,
  or,
  renderFilter,
  renderLiteral,
  renderOrderBy,
  renderSelect,
  string,
  type Expression,
  type Literal,
} from './odata.js';

const FIELDS = ['id', 'route', 'created_time'] as const;
type Field = (typeof FIELDS)[number];

describe('renderLiteral', () => {
  const cases: [string, Literal, string][] = [
    ['plain string', string('DM'), "'DM'"],
    ['quote doubled', string("O'Brien"), "'O''Brien'"],
    ['only quotes', string("''"), "''''''"],
    ['injection attempt stays inside the literal', string("x') or (1 eq 1"), "'x'') or (1 eq 1'"],
    ['backslash kept as is', string('C:\\Temp'), "'C:\\Temp'"],
    ['non-ASCII kept as is', string('Sécurité — 美咲'), "'Sécurité — 美咲'"],
    ['datetime as ISO instant, unquoted', datetime(new Date('2024-01-02T03:04:05.678+02:00')), '2024-01-02T01:04:05.678Z'],
    ['integer', number(42), '42'],
    ['negative decimal', number(-1.5), '-1.5'],
    ['true', { type: 'boolean', value: true }, 'true'],
    ['null', { type: 'null' }, 'null'],
  ];
  it.each(cases)('%s', (_name, literal, expected) => {
    expect(renderLiteral(literal)).toBe(expected);
  });

  it('refuses an invalid date and a non-finite number', () => {
    expect(() => renderLiteral(datetime(new Date('nope')))).toThrow(ODataBuildError);
    expect(() => renderLiteral(number(Number.NaN))).toThrow(ODataBuildError);
    expect(() => renderLiteral(number(Number.POSITIVE_INFINITY))).toThrow(ODataBuildError);
  });
});

describe('renderFilter', () => {
  const from = new Date('2024-01-01T00:00:00.000Z');
  const to = new Date('2024-02-01T00:00:00.000Z');
  const cases: [string, Expression<Field>, string][] = [
    ['comparison', compare('route', 'eq', string('DM')), "route eq 'DM'"],
    ['in list', inList('route', [string('DM'), string("it's")]), "route in ('DM','it''s')"],
    [
      'half-open range',
      and(compare('created_time', 'ge', datetime(from)), compare('created_time', 'lt', datetime(to))),
      'created_time ge 2024-01-01T00:00:00.000Z and created_time lt 2024-02-01T00:00:00.000Z',
    ],
    ['single operand collapses', and(compare('id', 'ne', string('a'))), "id ne 'a'"],
    [
      'nested groups are parenthesized',
      and(or(compare('route', 'eq', string('DM')), compare('route', 'eq', string('X'))), compare('id', 'gt', string('m'))),
      "(route eq 'DM' or route eq 'X') and id gt 'm'",
    ],
    ['not wraps its operand', not(compare('route', 'eq', string('DM'))), "not (route eq 'DM')"],
    ['null comparison', compare('route', 'eq', { type: 'null' }), 'route eq null'],
  ];
  it.each(cases)('%s', (_name, expression, expected) => {
    expect(renderFilter(expression, FIELDS)).toBe(expected);
  });

  it('refuses a property outside the allow-list', () => {
    const sneaky = compare('route eq route or id' as Field, 'eq', string('x'));
    expect(() => renderFilter(sneaky, FIELDS)).toThrow(ODataBuildError);
    expect(() => renderFilter(compare('secret' as Field, 'eq', string('x')), FIELDS)).toThrow(ODataBuildError);
  });

  it('refuses an operator outside the allow-list', () => {
    const sneaky = { kind: 'compare', field: 'id', op: 'eq 1 or id', value: string('x') } as unknown as Expression<Field>;
    expect(() => renderFilter(sneaky, FIELDS)).toThrow(ODataBuildError);
  });

  it('refuses empty in-lists and empty groups', () => {
    expect(() => renderFilter(inList<Field>('id', []), FIELDS)).toThrow(ODataBuildError);
    expect(() => renderFilter(and<Field>(), FIELDS)).toThrow(ODataBuildError);
  });

  it('renders what the emulator parses back to the same predicate, for any strings (round trip through URL encoding)', () => {
    const emulatorFields = { id: 'string', route: 'string', created_time: 'datetime' } as const;
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 4 }), fc.string({ maxLength: 12 }), (wanted, others, actual) => {
        const expression = or(compare<Field>('route', 'eq', string(wanted)), inList<Field>('id', others.map(string)));
        const encoded = new URLSearchParams({ $filter: renderFilter(expression, FIELDS) }).toString();
        const decoded = new URLSearchParams(encoded).get('$filter') as string;
        const tree = parseFilter(decoded, emulatorFields);
        for (const row of [{ route: actual, id: actual }, { route: wanted, id: '' }, { route: '', id: others[0] }]) {
          expect(evaluate(tree, row)).toBe(row.route === wanted || others.includes(row.id as string));
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('renderOrderBy and renderSelect', () => {
  it('renders keys and directions', () => {
    expect(
      renderOrderBy<Field>(
        [
          { field: 'created_time', direction: 'desc' },
          { field: 'id', direction: 'desc' },
        ],
        FIELDS,
      ),
    ).toBe('created_time desc,id desc');
    expect(renderSelect<Field>(['id', 'route'], FIELDS)).toBe('id,route');
  });

  it('refuses unknown properties, bad directions and empty lists', () => {
    expect(() => renderOrderBy([{ field: 'nope' as Field, direction: 'asc' }], FIELDS)).toThrow(ODataBuildError);
    expect(() => renderOrderBy([{ field: 'id', direction: 'sideways' as 'asc' }], FIELDS)).toThrow(ODataBuildError);
    expect(() => renderOrderBy<Field>([], FIELDS)).toThrow(ODataBuildError);
    expect(() => renderSelect(['id', 'x,y' as Field], FIELDS)).toThrow(ODataBuildError);
    expect(() => renderSelect<Field>([], FIELDS)).toThrow(ODataBuildError);
  });
});
