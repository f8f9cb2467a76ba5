import fc from 'fast-check';
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

  it.each([
    ['not flag and n gt 1', ['b']],
    ['not flag and n gt 0', ['b']],
    ['not flag or n eq 1', ['a', 'b', "d'"]],
    ['not (flag and n gt 0)', ['b', 'c', "d'"]],
    ['n gt 0 and not flag or n eq null', ['b', 'c']],
  ])('not binds tighter than and/or: %s', (filter, expected) => {
    expect(matching(filter)).toEqual(expected);
  });

  it.each([
    ["id eq 'x%27 or 1 eq 1'", []],
    ["id in ('a) or (b', 'a')", ['a']],
    ["id eq 'id in (''a'')'", []],
    ["id in ('d''', 'z')", ["d'"]],
    ["id in ( 'a' , 'b' ) and n gt 1", ['b']],
    ["n in (2.5) or id in ('a')", ['a', 'b']],
  ])('reads text that looks like syntax as text: %s', (filter, expected) => {
    expect(matching(filter)).toEqual(expected);
  });

  it('matches strings holding %, percent escapes and control characters exactly', () => {
    const odd = ['100%', 'a%27b', '%25', 'tab\there', 'line\nbreak', '\u0000', "it's"];
    const table = odd.map((id) => ({ id }));
    for (const id of odd) {
      const tree = parseFilter(`id eq '${id.replaceAll("'", "''")}'`, { id: 'string' });
      expect(table.filter((row) => evaluate(tree, row)).map((row) => row.id)).toEqual([id]);
    }
  });

  it.each(['id in ()', "id in ('a' 'b')", "id in ('a',)", 'id in (n)', "id in('a')", "id in ('a'"])('rejects the in list %s', (filter) => {
    expect(() => parseFilter(filter, fields)).toThrow(ODataQueryError);
  });

  it('evaluates and, or, not and parentheses with OData precedence, for any expression (differential)', () => {
    type Tree = { atom: number } | { not: Tree } | { op: 'and' | 'or'; left: Tree; right: Tree } | { paren: Tree };
    const atoms = ["id eq 'a'", 'n gt 1', 'flag', 'at lt 2024-01-01T00:00:00Z', 'n eq null'];
    const truth = (row: Row, atom: number): boolean =>
      [row.id === 'a', row.n !== null && row.n > 1, row.flag, Date.parse(row.at) < Date.parse('2024-01-01T00:00:00Z'), row.n === null][atom] as boolean;
    const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ atom: fc.integer({ min: 0, max: atoms.length - 1 }) }),
        fc.record({ not: tie('tree') }),
        fc.record({ op: fc.constantFrom('and' as const, 'or' as const), left: tie('tree'), right: tie('tree') }),
        fc.record({ paren: tie('tree') }),
      ),
    }));
    // The text has no parenthesis but those the tree asks for (and around a `not` operand that is not an atom).
    const text = (t: Tree): string => {
      if ('atom' in t) return atoms[t.atom] as string;
      if ('not' in t) return `not ${'atom' in t.not ? atoms[t.not.atom] : `(${text(t.not)})`}`;
      if ('paren' in t) return `(${text(t.paren)})`;
      return `${text(t.left)} ${t.op} ${text(t.right)}`;
    };
    // Its meaning under OData precedence (not > and > or), computed from the flat operator sequence,
    // independently of any parser.
    const meaning = (t: Tree, row: Row): boolean => {
      const operands: boolean[] = [];
      const ops: ('and' | 'or')[] = [];
      const flat = (u: Tree): void => {
        if ('op' in u) {
          flat(u.left);
          ops.push(u.op);
          flat(u.right);
        } else operands.push('atom' in u ? truth(row, u.atom) : 'not' in u ? !meaning(u.not, row) : meaning(u.paren, row));
      };
      flat(t);
      let result = false;
      let term = operands[0] as boolean;
      ops.forEach((op, index) => {
        const next = operands[index + 1] as boolean;
        if (op === 'and') term = term && next;
        else {
          result = result || term;
          term = next;
        }
      });
      return result || term;
    };
    fc.assert(
      fc.property(tree, (t) => {
        const parsed = parseFilter(text(t), fields);
        for (const row of rows) expect(evaluate(parsed, { ...row })).toBe(meaning(t, row));
      }),
      { seed: 7, numRuns: 400 },
    );
  });

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
