/**
 * OData query values built from typed expressions, never by pasting strings:
 * property names come from an allow-list, operators from a fixed set, string
 * literals are quoted with `'` doubled, datetimes are rendered as ISO
 * instants. The rendered text is then URL-encoded as a whole by
 * URLSearchParams (HttpClient's `query`).
 */

export const COMPARISON_OPERATORS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export type Literal =
  | { type: 'string'; value: string }
  | { type: 'datetime'; value: Date }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' };

export type Expression<F extends string> =
  | { kind: 'compare'; field: F; op: ComparisonOperator; value: Literal }
  | { kind: 'in'; field: F; values: readonly Literal[] }
  | { kind: 'and' | 'or'; operands: readonly Expression<F>[] }
  | { kind: 'not'; operand: Expression<F> };

export interface OrderKey<F extends string> {
  field: F;
  direction: 'asc' | 'desc';
}

/** A programming error: an expression the builder refuses to render. */
export class ODataBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ODataBuildError';
  }
}

// ------------------------------------------------------------ constructors

export const string = (value: string): Literal => ({ type: 'string', value });
export const datetime = (value: Date): Literal => ({ type: 'datetime', value });
export const number = (value: number): Literal => ({ type: 'number', value });

export function compare<F extends string>(field: F, op: ComparisonOperator, value: Literal): Expression<F> {
  return { kind: 'compare', field, op, value };
}

export function inList<F extends string>(field: F, values: readonly Literal[]): Expression<F> {
  return { kind: 'in', field, values };
}

export function and<F extends string>(...operands: Expression<F>[]): Expression<F> {
  return { kind: 'and', operands };
}

export function or<F extends string>(...operands: Expression<F>[]): Expression<F> {
  return { kind: 'or', operands };
}

export function not<F extends string>(operand: Expression<F>): Expression<F> {
  return { kind: 'not', operand };
}

// ------------------------------------------------------------ rendering

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPERATORS = new Set<string>(COMPARISON_OPERATORS);

function checkField<F extends string>(field: F, allowed: readonly F[]): F {
  if (!allowed.includes(field) || !FIELD_NAME.test(field)) throw new ODataBuildError('property not in the allow-list');
  return field;
}

/** One literal in OData syntax. */
export function renderLiteral(literal: Literal): string {
  switch (literal.type) {
    case 'string':
      return `'${literal.value.replaceAll("'", "''")}'`;
    case 'datetime': {
      const ms = literal.value.getTime();
      if (Number.isNaN(ms)) throw new ODataBuildError('invalid datetime literal');
      return literal.value.toISOString();
    }
    case 'number':
      if (!Number.isFinite(literal.value)) throw new ODataBuildError('non-finite number literal');
      return String(literal.value);
    case 'boolean':
      return literal.value ? 'true' : 'false';
    case 'null':
      return 'null';
  }
}

/** A `$filter` value; every property is checked against `allowed`. */
export function renderFilter<F extends string>(expression: Expression<F>, allowed: readonly F[]): string {
  const render = (node: Expression<F>, nested: boolean): string => {
    switch (node.kind) {
      case 'compare':
        if (!OPERATORS.has(node.op)) throw new ODataBuildError('operator not in the allow-list');
        return `${checkField(node.field, allowed)} ${node.op} ${renderLiteral(node.value)}`;
      case 'in':
        if (node.values.length === 0) throw new ODataBuildError("an 'in' list needs at least one value");
        return `${checkField(node.field, allowed)} in (${node.values.map(renderLiteral).join(',')})`;
      case 'not':
        return `not (${render(node.operand, false)})`;
      case 'and':
      case 'or': {
        if (node.operands.length === 0) throw new ODataBuildError(`'${node.kind}' needs at least one operand`);
        if (node.operands.length === 1) return render(node.operands[0] as Expression<F>, nested);
        const text = node.operands.map((operand) => render(operand, true)).join(` ${node.kind} `);
        return nested ? `(${text})` : text;
      }
    }
  };
  return render(expression, false);
}

/** A `$orderby` value. */
export function renderOrderBy<F extends string>(keys: readonly OrderKey<F>[], allowed: readonly F[]): string {
  if (keys.length === 0) throw new ODataBuildError('$orderby needs at least one key');
  return keys
    .map(({ field, direction }) => {
      if (direction !== 'asc' && direction !== 'desc') throw new ODataBuildError('direction not asc or desc');
      return `${checkField(field, allowed)} ${direction}`;
    })
    .join(',');
}

/** A `$select` value. */
export function renderSelect<F extends string>(fields: readonly F[], allowed: readonly F[]): string {
  if (fields.length === 0) throw new ODataBuildError('$select needs at least one property');
  return fields.map((field) => checkField(field, allowed)).join(',');
}
