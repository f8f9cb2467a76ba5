import { describe, expect, it } from 'vitest';
import { ODataQueryError, evaluate, executeQuery, parseFilter, parseInstant, type ODataTable } from './odata.js';

/** The emulator's OData engine on its own, for what the Moveworks tables do not exercise (numbers, booleans). */

interface Row {
  id: string;
  n: number | null;
  flag: boolean;
  at: string;
}
const fields = { id: 'string', n: 'number', flag: 'boolean', at: 'datetime' } as const;
const rows: Row[] = [
  { id: 'a', n: 1, flag: true, at: '2024-01-01T00:00:00.000Z' },
  { id: 'b', n: 2.5, flag: false, at: '2024-01-01T00:00:00.000Z' },
  { id: 'c', n: null, flag: true, at: '2024-06-01T12:00:00.000Z' },
  { id: "d'", n: -3, flag: false, at: '2023-12-31T23:59:59.999Z' },
];
const table: ODataTable<Row> = { name: 'things', fields, rows };

const matching = (filter: string): string[] => rows.filter((row) => evaluate(parseFilter(filter, fields), { ...row })).map((row) => row.id);

describe('emulator $filter', () => {
  it.each([
    ['n gt 1', ['b']],
    ['n ge -3 and n lt 2', ['a', "d'"]],
    ['n le 2.5e0', ['a', 'b', "d'"]],
    ['n eq null', ['c']],
    ['n in (1, null)', ['a', 'c']],
    ['flag', ['a', 'c']],
    ['not flag', ['b', "d'"]],
    ['flag eq false or n gt 2', ['b', "d'"]],
    ['true', ['a', 'b', 'c', "d'"]],
    ["id eq 'd'''", ["d'"]],
    ['at lt 2024-01-01T01:00:00+01:00', ["d'"]],
    ['at eq 2024-01-01T00:00:00.000999Z', ['a', 'b']],
    ['not (n gt 0) and not (n eq null)', ["d'"]],
    ["((id eq 'a'))", ['a']],
  ])('%s', (filter, expected) => {
    expect(matching(filter)).toEqual(expected);
  });

  it.each(["n eq '1'", 'flag eq 1', 'at gt 5', 'n in (1, id)', "id eq 'x' and", 'or', 'n gt', "id eq 'x' id eq 'y'", 'n ~ 1'])(
    'rejects %s',
    (filter) => {
      expect(() => parseFilter(filter, fields)).toThrow(ODataQueryError);
    },
  );

  it('parses instants with offsets and truncates sub-millisecond fractions', () => {
    expect(parseInstant('2024-01-01T02:00:00+02:00')).toBe(Date.parse('2024-01-01T00:00:00Z'));
    expect(parseInstant('2024-01-01T00:00:00.1239Z')).toBe(Date.parse('2024-01-01T00:00:00.123Z'));
  });
});

describe('emulator query execution', () => {
  const run = (query: Record<string, string>, pageSize = 2) =>
    executeQuery(table, { query: new URLSearchParams(query), collectionUrl: 'http://x/things', metadataUrl: 'http://x/$metadata', pageSize });

  it('orders numbers with nulls first ascending and last descending', () => {
    const asc = run({ $orderby: 'n', $select: 'id' }, 10);
    const desc = run({ $orderby: 'n desc', $select: 'id' }, 10);
    expect(asc.ok && asc.body.value).toEqual([{ id: 'c' }, { id: "d'" }, { id: 'a' }, { id: 'b' }]);
    expect(desc.ok && desc.body.value).toEqual([{ id: 'b' }, { id: 'a' }, { id: "d'" }, { id: 'c' }]);
  });

  it('continues through $skiptoken links until $top is used up', () => {
    const first = run({ $orderby: 'id', $top: '3', $select: 'id', $count: 'true' });
    if (!first.ok) throw new Error(first.message);
    expect(first.body).toMatchObject({ '@odata.count': 4, value: [{ id: 'a' }, { id: 'b' }] });
    const next = new URL(first.body['@odata.nextLink'] as string);
    const second = run(Object.fromEntries(next.searchParams));
    if (!second.ok) throw new Error(second.message);
    expect(second.body.value).toEqual([{ id: 'c' }]);
    expect(second.body['@odata.nextLink']).toBeUndefined();
  });

  it('refuses duplicated options', () => {
    const query = new URLSearchParams([['$top', '1'], ['$top', '2']]);
    const result = executeQuery(table, { query, collectionUrl: 'http://x/things', metadataUrl: 'http://x/$metadata', pageSize: 2 });
    expect(result.ok).toBe(false);
  });
});
