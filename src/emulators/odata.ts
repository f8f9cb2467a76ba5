/**
 * A small OData v4 query engine for emulators: `$filter` (eq ne gt ge lt le,
 * and or not, parentheses, OData 4.01 `in (…)`, quoted strings with `''`
 * escaping, unquoted ISO datetimes compared as instants, numbers, null, true,
 * false), `$select`, `$orderby`, `$top`, `$skip`, `$count`, and server-driven
 * paging with an absolute `@odata.nextLink` carrying a `$skiptoken`.
 *
 * `$filter` is read by `@odata/parser` (a parser of the OASIS OData v4 ABNF
 * that the graph did not write), so the emulator checks the graph's filter
 * builder against an independent reading of the syntax. That grammar is
 * OData 4.0's; the one 4.01 production the vendor documents beyond it, `in`,
 * is read here as its definition, `a in (x, y)` = `(a eq x or a eq y)`, with
 * each list item read by the library's own literal rule (see `expandIn`).
 *
 * Strict on purpose: an unknown property, an operand of the wrong type or a
 * malformed expression is a 400, so an adapter that builds a sloppy query
 * fails its tests instead of silently matching nothing.
 */

import { defaultParser, BWS, CLOSE, COMMA, OPEN, RWS, TokenType, type Token } from '@odata/parser';
import { odataIdentifier } from '@odata/parser/lib/nameOrIdentifier.js';
import { primitiveLiteral, stringValue } from '@odata/parser/lib/primitiveLiteral.js';

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

// ---------------------------------------------------------------- literals

type LiteralType = 'string' | 'number' | 'datetime' | 'boolean' | 'null';

/** Parses an ISO datetime to epoch ms; fractions beyond milliseconds are truncated. */
export function parseInstant(text: string): number {
  const normalized = text.replace(/(\.\d{3})\d+/, '$1');
  return Date.parse(normalized);
}

// ---------------------------------------------------------------- syntax tree

export const COMPARISON_OPERATORS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

type Operand =
  | { kind: 'field'; name: string; type: FieldType }
  | { kind: 'literal'; type: LiteralType; value: string | number | boolean | null };

export type FilterNode =
  | { kind: 'compare'; op: ComparisonOperator; left: Operand; right: Operand }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'constant'; value: boolean };

function compatible(a: Operand, b: Operand): boolean {
  if (a.type === 'object' || b.type === 'object') return false;
  return a.type === 'null' || b.type === 'null' || a.type === b.type;
}

/**
 * The library's grammar is over URL text, where `%27` is a quote and control
 * characters are percent-encoded. The emulator receives the decoded value, so
 * it gives the library back a URL form in which every `%` and every control
 * character is percent-encoded (nothing else is), and decodes literals after.
 */
const URL_ESCAPED = /[%\u0000-\u001f\u007f]/g;
const toUrlText = (decoded: string): string =>
  decoded.replace(URL_ESCAPED, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
const fromUrlText = (text: string): string => text.replace(/%([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

/** UTF-16 code units, as the library reads them (indices match the string's). */
function source(text: string): Uint16Array {
  const units = new Uint16Array(text.length);
  for (let index = 0; index < text.length; index += 1) units[index] = text.charCodeAt(index);
  return units;
}

/**
 * OData 4.01's `in` written as what it is defined to mean (URL Conventions
 * 5.1.1.1.12): `p in (x, y)` becomes `(p eq x or p eq y)`. String literals are
 * skipped whole with the library's string rule, so text inside quotes is never
 * taken for syntax; the property and the list items are read with the
 * library's identifier and literal rules and copied verbatim.
 */
function expandIn(text: string): string {
  const src = source(text);
  let out = '';
  let index = 0;
  while (index < src.length) {
    if (text[index] === "'") {
      const literal = stringValue(src, index);
      if (!literal) return out + text.slice(index); // unterminated: the library refuses it
      out += literal.raw;
      index = literal.next;
      continue;
    }
    const name = /[A-Za-z_]/.test(text[index] as string) && (index === 0 || !/[A-Za-z0-9_.]/.test(text[index - 1] as string)) ? odataIdentifier(src, index) : undefined;
    if (!name) {
      out += text[index];
      index += 1;
      continue;
    }
    const afterName = RWS(src, name.next);
    const afterIn = afterName > name.next && text.startsWith('in', afterName) ? RWS(src, afterName + 2) : afterName;
    const open = afterIn > afterName + 2 ? OPEN(src, afterIn) : 0;
    if (!open) {
      out += name.raw;
      index = name.next;
      continue;
    }
    const items: string[] = [];
    let at = open;
    for (;;) {
      at = BWS(src, at);
      const item = primitiveLiteral(src, at);
      if (!item) throw new ODataQueryError("Only literals are allowed in an 'in' list");
      items.push(item.raw);
      at = BWS(src, item.next);
      const comma = COMMA(src, at);
      if (comma) {
        at = comma;
        continue;
      }
      const close = CLOSE(src, at);
      if (!close) throw new ODataQueryError("Expected ',' or ')' in an 'in' list");
      at = close;
      break;
    }
    out += `(${items.map((item) => `${name.raw} eq ${item}`).join(' or ')})`;
    index = at;
  }
  return out;
}

const COMPARISONS: Partial<Record<TokenType, ComparisonOperator>> = {
  [TokenType.EqualsExpression]: 'eq',
  [TokenType.NotEqualsExpression]: 'ne',
  [TokenType.GreaterThanExpression]: 'gt',
  [TokenType.GreaterOrEqualsExpression]: 'ge',
  [TokenType.LesserThanExpression]: 'lt',
  [TokenType.LesserOrEqualsExpression]: 'le',
};

const NUMBER_TYPES = new Set(['Edm.SByte', 'Edm.Byte', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.Decimal', 'Edm.Double', 'Edm.Single']);

function literalOf(token: Token): Operand {
  const edm = token.value as string;
  if (edm === 'null') return { kind: 'literal', type: 'null', value: null };
  if (edm === 'Edm.Boolean') return { kind: 'literal', type: 'boolean', value: token.raw === 'true' };
  if (edm === 'Edm.String') return { kind: 'literal', type: 'string', value: fromUrlText(token.raw.slice(1, -1).replaceAll("''", "'")) };
  if (NUMBER_TYPES.has(edm)) {
    const value = Number(token.raw);
    if (!Number.isFinite(value)) throw new ODataQueryError(`Unsupported number literal '${token.raw}'`);
    return { kind: 'literal', type: 'number', value };
  }
  if (edm === 'Edm.DateTimeOffset') {
    const instant = parseInstant(token.raw);
    if (Number.isNaN(instant)) throw new ODataQueryError(`Invalid datetime literal '${token.raw}'`);
    return { kind: 'literal', type: 'datetime', value: instant };
  }
  throw new ODataQueryError(`Literals of type ${edm} are not supported`);
}

/**
 * Reads a `$filter` value against a table's properties; throws ODataQueryError.
 * The syntax is the library's; this maps its tree to the emulator's nodes and
 * checks properties and operand types.
 */
export function parseFilter(input: string, fields: Readonly<Record<string, FieldType>>): FilterNode {
  if (input.trim() === '') throw new ODataQueryError('Empty $filter');
  let tree: Token;
  try {
    tree = defaultParser.filter(expandIn(toUrlText(input)));
  } catch (error) {
    if (error instanceof ODataQueryError) throw error;
    throw new ODataQueryError(`Malformed $filter (${error instanceof Error ? error.message : 'unreadable'})`);
  }

  const operand = (token: Token): Operand => {
    if (token.type === TokenType.CommonExpression || token.type === TokenType.ParenExpression) return operand(token.value as Token);
    if (token.type === TokenType.Literal) return literalOf(token);
    if (token.type === TokenType.FirstMemberExpression) {
      const type = fields[token.raw];
      if (!type) throw new ODataQueryError(`Unknown property '${token.raw}'`);
      if (type === 'object') throw new ODataQueryError(`Property '${token.raw}' cannot be used in $filter`);
      return { kind: 'field', name: token.raw, type };
    }
    throw new ODataQueryError('Only properties and literals can be compared');
  };

  /**
   * The library keeps the operands and `and`/`or` of a boolean expression in
   * their order, but it nests them as the ABNF's greedy rules fall out (`not`
   * takes everything after it: `not a and b` comes back as `not (a and b)`;
   * `a and not b or c` as `a and not (b or c)`). So the emulator takes from its
   * tree only that sequence, a `not` belonging to the operand it precedes,
   * and builds the tree with OData's precedence: not, then and, then or.
   */
  type Step = { operand: FilterNode } | { op: 'and' | 'or' };
  const steps = (token: Token, out: Step[] = []): Step[] => {
    if (token.type === TokenType.AndExpression || token.type === TokenType.OrExpression) {
      const { left, right } = token.value as { left: Token; right: Token };
      steps(left, out);
      out.push({ op: token.type === TokenType.AndExpression ? 'and' : 'or' });
      return steps(right, out);
    }
    if (token.type === TokenType.NotExpression) {
      const negated = steps(token.value as Token);
      const first = negated[0] as { operand: FilterNode };
      out.push({ operand: { kind: 'not', operand: first.operand } }, ...negated.slice(1));
      return out;
    }
    out.push({ operand: primary(token) });
    return out;
  };
  const build = (sequence: readonly Step[]): FilterNode => {
    let result: FilterNode | null = null;
    let term = (sequence[0] as { operand: FilterNode }).operand;
    for (let index = 1; index < sequence.length; index += 2) {
      const { op } = sequence[index] as { op: 'and' | 'or' };
      const next = (sequence[index + 1] as { operand: FilterNode }).operand;
      if (op === 'and') term = { kind: 'and', left: term, right: next };
      else {
        result = result ? { kind: 'or', left: result, right: term } : term;
        term = next;
      }
    }
    return result ? { kind: 'or', left: result, right: term } : term;
  };
  const node = (token: Token): FilterNode => build(steps(token));

  const primary = (token: Token): FilterNode => {
    const op = COMPARISONS[token.type];
    if (op) {
      const { left, right } = token.value as { left: Token; right: Token };
      const a = operand(left);
      const b = operand(right);
      if (!compatible(a, b)) throw new ODataQueryError(`Operator '${op}' cannot compare these operand types`);
      return { kind: 'compare', op, left: a, right: b };
    }
    if (token.type === TokenType.BoolParenExpression) return node(token.value as Token);
    if (token.type === TokenType.CommonExpression) {
      const single = operand(token.value as Token);
      if (single.kind === 'literal' && single.type === 'boolean') return { kind: 'constant', value: single.value === true };
      if (single.kind === 'field' && single.type === 'boolean') {
        return { kind: 'compare', op: 'eq', left: single, right: { kind: 'literal', type: 'boolean', value: true } };
      }
      throw new ODataQueryError('Expected a comparison');
    }
    throw new ODataQueryError(`Unsupported $filter expression '${token.raw}'`);
  };

  return node(tree);
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
