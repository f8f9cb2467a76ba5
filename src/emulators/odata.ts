/**
 * A small OData v4 query engine for emulators: `$filter` (eq ne gt ge lt le,
 * and or not, parentheses, `in (…)`, quoted strings with `''` escaping,
 * unquoted ISO datetimes compared as instants, numbers, null, true, false),
 * `$select`, `$orderby`, `$top`, `$skip`, `$count`, and server-driven paging
 * with an absolute `@odata.nextLink` carrying a `$skiptoken`.
 *
 * Strict on purpose: an unknown property, an operand of the wrong type or a
 * malformed expression is a 400, so an adapter that builds a sloppy query
 * fails its tests instead of silently matching nothing.
 */

export type FieldType = 'string' | 'number' | 'datetime' | 'boolean' | 'object';

export interface ODataTable<Row> {
  /** Entity set name, used in `@odata.context`. */
  name: string;
  /** Every property of the entity and its type. `object` properties can be selected, not filtered or ordered. */
  fields: Readonly<Record<string, FieldType>>;
  rows: readonly Row[];
}

export class ODataQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ODataQueryError';
  }
}

// ---------------------------------------------------------------- tokens

type LiteralType = 'string' | 'number' | 'datetime' | 'boolean' | 'null';

type Token =
  | { kind: 'word'; text: string; position: number }
  | { kind: 'literal'; type: LiteralType; value: string | number | boolean | null; text: string; position: number }
  | { kind: 'lparen' | 'rparen' | 'comma' | 'end'; text: string; position: number };

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,12})?)?(?:Z|[+-]\d{2}:\d{2})/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/;
const WORD = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Parses an ISO datetime to epoch ms; fractions beyond milliseconds are truncated. */
export function parseInstant(text: string): number {
  const normalized = text.replace(/(\.\d{3})\d+/, '$1');
  return Date.parse(normalized);
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < input.length) {
    const char = input[index] as string;
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    const position = index;
    if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: char === '(' ? 'lparen' : char === ')' ? 'rparen' : 'comma', text: char, position });
      index += 1;
      continue;
    }
    if (char === "'") {
      let value = '';
      index += 1;
      for (;;) {
        if (index >= input.length) throw new ODataQueryError(`Unterminated string literal at position ${position}`);
        const next = input[index] as string;
        if (next === "'") {
          if (input[index + 1] === "'") {
            value += "'";
            index += 2;
            continue;
          }
          index += 1;
          break;
        }
        value += next;
        index += 1;
      }
      tokens.push({ kind: 'literal', type: 'string', value, text: input.slice(position, index), position });
      continue;
    }
    const rest = input.slice(index);
    const datetime = DATETIME.exec(rest);
    if (datetime) {
      const instant = parseInstant(datetime[0]);
      if (Number.isNaN(instant)) throw new ODataQueryError(`Invalid datetime literal at position ${position}`);
      tokens.push({ kind: 'literal', type: 'datetime', value: instant, text: datetime[0], position });
      index += datetime[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number) {
      tokens.push({ kind: 'literal', type: 'number', value: Number(number[0]), text: number[0], position });
      index += number[0].length;
      continue;
    }
    const word = WORD.exec(rest);
    if (word) {
      const text = word[0];
      if (text === 'null') tokens.push({ kind: 'literal', type: 'null', value: null, text, position });
      else if (text === 'true' || text === 'false') tokens.push({ kind: 'literal', type: 'boolean', value: text === 'true', text, position });
      else tokens.push({ kind: 'word', text, position });
      index += text.length;
      continue;
    }
    throw new ODataQueryError(`Unexpected character at position ${position}`);
  }
  tokens.push({ kind: 'end', text: '', position: input.length });
  return tokens;
}

// ---------------------------------------------------------------- syntax tree

export const COMPARISON_OPERATORS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];
const KEYWORDS = new Set<string>([...COMPARISON_OPERATORS, 'and', 'or', 'not', 'in']);

type Operand =
  | { kind: 'field'; name: string; type: FieldType }
  | { kind: 'literal'; type: LiteralType; value: string | number | boolean | null };

export type FilterNode =
  | { kind: 'compare'; op: ComparisonOperator; left: Operand; right: Operand }
  | { kind: 'in'; left: Operand; values: Operand[] }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'constant'; value: boolean };

function operandType(operand: Operand): FieldType | LiteralType {
  return operand.type;
}

function compatible(a: Operand, b: Operand): boolean {
  const left = operandType(a);
  const right = operandType(b);
  if (left === 'object' || right === 'object') return false;
  return left === 'null' || right === 'null' || left === right;
}

/** Parses a `$filter` value against a table's properties; throws ODataQueryError. */
export function parseFilter(input: string, fields: Readonly<Record<string, FieldType>>): FilterNode {
  const tokens = tokenize(input);
  let index = 0;
  const peek = (): Token => tokens[index] as Token;
  const take = (): Token => tokens[index++] as Token;
  const isWord = (token: Token, text: string): boolean => token.kind === 'word' && token.text === text;
  const fail = (token: Token, what: string): never => {
    throw new ODataQueryError(`${what} at position ${token.position}`);
  };

  const operand = (): Operand => {
    const token = take();
    if (token.kind === 'literal') return { kind: 'literal', type: token.type, value: token.value };
    if (token.kind === 'word' && !KEYWORDS.has(token.text)) {
      const type = fields[token.text];
      if (!type) return fail(token, `Unknown property '${token.text}'`);
      if (type === 'object') return fail(token, `Property '${token.text}' cannot be used in $filter`);
      return { kind: 'field', name: token.text, type };
    }
    return fail(token, token.kind === 'end' ? 'Unexpected end of $filter' : 'Expected a property or a literal');
  };

  const primary = (): FilterNode => {
    const start = peek();
    if (start.kind === 'lparen') {
      take();
      const inner = or();
      if (peek().kind !== 'rparen') fail(peek(), "Expected ')'");
      take();
      return inner;
    }
    const left = operand();
    const next = peek();
    if (next.kind === 'word' && (COMPARISON_OPERATORS as readonly string[]).includes(next.text)) {
      take();
      const right = operand();
      if (!compatible(left, right)) fail(next, `Operator '${next.text}' cannot compare these operand types`);
      return { kind: 'compare', op: next.text as ComparisonOperator, left, right };
    }
    if (isWord(next, 'in')) {
      take();
      if (peek().kind !== 'lparen') fail(peek(), "Expected '(' after 'in'");
      take();
      const values: Operand[] = [];
      for (;;) {
        const valueToken = peek();
        const value = operand();
        if (value.kind !== 'literal') fail(valueToken, "Only literals are allowed in 'in' lists");
        if (!compatible(left, value)) fail(valueToken, "A value in the 'in' list has the wrong type");
        values.push(value);
        const separator = take();
        if (separator.kind === 'rparen') break;
        if (separator.kind !== 'comma') fail(separator, "Expected ',' or ')' in 'in' list");
      }
      return { kind: 'in', left, values };
    }
    if (left.kind === 'literal' && left.type === 'boolean') return { kind: 'constant', value: left.value === true };
    if (left.kind === 'field' && left.type === 'boolean') {
      return { kind: 'compare', op: 'eq', left, right: { kind: 'literal', type: 'boolean', value: true } };
    }
    return fail(next, 'Expected a comparison operator');
  };

  const unary = (): FilterNode => {
    if (isWord(peek(), 'not')) {
      take();
      return { kind: 'not', operand: unary() };
    }
    return primary();
  };

  const and = (): FilterNode => {
    let left = unary();
    while (isWord(peek(), 'and')) {
      take();
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };

  function or(): FilterNode {
    let left = and();
    while (isWord(peek(), 'or')) {
      take();
      left = { kind: 'or', left, right: and() };
    }
    return left;
  }

  if (peek().kind === 'end') throw new ODataQueryError('Empty $filter');
  const tree = or();
  if (peek().kind !== 'end') fail(peek(), 'Unexpected token');
  return tree;
}

// ---------------------------------------------------------------- evaluation

type Scalar = string | number | boolean | null;

function valueOf(operand: Operand, row: Record<string, unknown>): Scalar {
  if (operand.kind === 'literal') return operand.value;
  const raw = row[operand.name];
  if (raw === undefined || raw === null) return null;
  if (operand.type === 'datetime') return typeof raw === 'string' ? parseInstant(raw) : null;
  return raw as Scalar;
}

function compareScalars(a: Exclude<Scalar, null>, b: Exclude<Scalar, null>): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

export function evaluate(node: FilterNode, row: Record<string, unknown>): boolean {
  switch (node.kind) {
    case 'constant':
      return node.value;
    case 'not':
      return !evaluate(node.operand, row);
    case 'and':
      return evaluate(node.left, row) && evaluate(node.right, row);
    case 'or':
      return evaluate(node.left, row) || evaluate(node.right, row);
    case 'in': {
      const left = valueOf(node.left, row);
      return node.values.some((value) => valueOf(value, row) === left);
    }
    case 'compare': {
      const left = valueOf(node.left, row);
      const right = valueOf(node.right, row);
      if (node.op === 'eq') return left === right;
      if (node.op === 'ne') return left !== right;
      if (left === null || right === null) return false;
      const order = compareScalars(left, right);
      if (node.op === 'gt') return order > 0;
      if (node.op === 'ge') return order >= 0;
      if (node.op === 'lt') return order < 0;
      return order <= 0;
    }
  }
}

// ---------------------------------------------------------------- $orderby and $select

export interface OrderKey {
  field: string;
  type: FieldType;
  descending: boolean;
}

export function parseOrderBy(input: string, fields: Readonly<Record<string, FieldType>>): OrderKey[] {
  return input.split(',').map((part) => {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/.exec(part);
    if (!match) throw new ODataQueryError('Malformed $orderby');
    const field = match[1] as string;
    const type = fields[field];
    if (!type) throw new ODataQueryError(`Unknown property '${field}' in $orderby`);
    if (type === 'object') throw new ODataQueryError(`Property '${field}' cannot be used in $orderby`);
    return { field, type, descending: match[2] === 'desc' };
  });
}

export function compareRows(keys: readonly OrderKey[], a: Record<string, unknown>, b: Record<string, unknown>): number {
  for (const key of keys) {
    const operand: Operand = { kind: 'field', name: key.field, type: key.type };
    const left = valueOf(operand, a);
    const right = valueOf(operand, b);
    let order: number;
    // OData: null sorts before any value in ascending order.
    if (left === null || right === null) order = left === right ? 0 : left === null ? -1 : 1;
    else order = compareScalars(left, right);
    if (order !== 0) return key.descending ? -order : order;
  }
  return 0;
}

export function parseSelect(input: string, fields: Readonly<Record<string, FieldType>>): string[] | null {
  const names = input.split(',').map((part) => part.trim());
  if (names.length === 1 && names[0] === '*') return null;
  for (const name of names) {
    if (!name) throw new ODataQueryError('Malformed $select');
    if (!fields[name]) throw new ODataQueryError(`Unknown property '${name}' in $select`);
  }
  return [...new Set(names)];
}

// ---------------------------------------------------------------- the query

const SUPPORTED_OPTIONS = new Set(['$filter', '$select', '$orderby', '$top', '$skip', '$count', '$skiptoken']);

export interface ODataRequest {
  query: URLSearchParams;
  /** Absolute URL of the collection, without a query: the base of `@odata.nextLink`. */
  collectionUrl: string;
  /** Absolute URL of the service's `$metadata`: the base of `@odata.context`. */
  metadataUrl: string;
  /** Most rows one response carries; more are behind `@odata.nextLink`. */
  pageSize: number;
}

export type ODataResult = { ok: true; body: Record<string, unknown> } | { ok: false; message: string };

function nonNegativeInteger(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new ODataQueryError(`${name} must be a non-negative integer`);
  return Number(raw);
}

function encodeSkipToken(delivered: number): string {
  return Buffer.from(`delivered:${delivered}`, 'utf8').toString('base64url');
}

function decodeSkipToken(token: string): number {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const match = /^delivered:(\d{1,15})$/.exec(text);
  if (!match) throw new ODataQueryError('Invalid $skiptoken');
  return Number(match[1]);
}

/** Runs one OData collection request over a table. */
export function executeQuery<Row extends object>(table: ODataTable<Row>, request: ODataRequest): ODataResult {
  try {
    return { ok: true, body: run(table, request) };
  } catch (error) {
    if (error instanceof ODataQueryError) return { ok: false, message: error.message };
    throw error;
  }
}

function run<Row extends object>(table: ODataTable<Row>, request: ODataRequest): Record<string, unknown> {
  const { query } = request;
  const seen = new Set<string>();
  for (const name of query.keys()) {
    if (!name.startsWith('$')) continue;
    if (!SUPPORTED_OPTIONS.has(name)) throw new ODataQueryError(`The query option '${name}' is not supported`);
    if (seen.has(name)) throw new ODataQueryError(`The query option '${name}' appears more than once`);
    seen.add(name);
  }
  const filterText = query.get('$filter');
  const filter = filterText !== null ? parseFilter(filterText, table.fields) : null;
  const selectText = query.get('$select');
  const select = selectText !== null ? parseSelect(selectText, table.fields) : null;
  const orderText = query.get('$orderby');
  const order = orderText !== null ? parseOrderBy(orderText, table.fields) : null;
  const top = nonNegativeInteger(query, '$top');
  const skip = nonNegativeInteger(query, '$skip') ?? 0;
  const countText = query.get('$count');
  if (countText !== null && countText !== 'true' && countText !== 'false') {
    throw new ODataQueryError('$count must be true or false');
  }
  const skipTokenText = query.get('$skiptoken');
  const delivered = skipTokenText !== null ? decodeSkipToken(skipTokenText) : 0;

  const rows = table.rows as readonly Record<string, unknown>[];
  let matching = filter ? rows.filter((row) => evaluate(filter, row)) : [...rows];
  if (order) matching = [...matching].sort((a, b) => compareRows(order, a, b));

  const start = skip + delivered;
  const remaining = top === undefined ? Number.POSITIVE_INFINITY : Math.max(0, top - delivered);
  const wanted = Math.min(remaining, Math.max(0, matching.length - start));
  const taken = Math.min(wanted, request.pageSize);
  const page = matching.slice(start, start + taken).map((row) => project(row, select));

  const body: Record<string, unknown> = {
    '@odata.context': `${request.metadataUrl}#${table.name}${select ? `(${select.join(',')})` : ''}`,
  };
  if (countText === 'true') body['@odata.count'] = matching.length;
  body.value = page;
  if (taken < wanted) {
    const next = new URLSearchParams();
    for (const [name, value] of query) if (name !== '$skiptoken') next.append(name, value);
    next.append('$skiptoken', encodeSkipToken(delivered + taken));
    body['@odata.nextLink'] = `${request.collectionUrl}?${next.toString()}`;
  }
  return body;
}

function project(row: Record<string, unknown>, select: string[] | null): Record<string, unknown> {
  if (!select) return { ...row };
  const out: Record<string, unknown> = {};
  for (const name of select) out[name] = row[name] ?? null;
  return out;
}
