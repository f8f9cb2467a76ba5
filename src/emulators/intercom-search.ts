/**
 * Intercom's search query language as the emulator checks and runs it
 * (contract: shared/providers/intercom-conversations.md §3 and §5):
 * a filter `{field, operator, value}` or a group `{operator: AND|OR, value: [...]}`,
 * at most 2 nested levels and 15 entries per group, values of the field's type,
 * operators valid for the type. Every refusal names Intercom's error code.
 */

export type FieldType = 'string' | 'integer' | 'date' | 'boolean';

export interface SearchRefusal {
  code: string;
  message: string;
  field?: string;
}

export type SearchValue = string | number | boolean | null | Array<string | number | boolean | null>;

/** Reads one field of a record: a scalar, or a list for multi-valued fields (`contact_ids`). */
export type FieldReader<R> = (record: R) => SearchValue | undefined;

export interface SearchSchema<R> {
  fields: Record<string, { type: FieldType; read: FieldReader<R> }>;
  /** Operators this resource accepts on dates (contacts: `= > <` only). */
  dateOperators: readonly string[];
  /** Operators accepted on integers. */
  integerOperators: readonly string[];
}

export interface SearchSemantics {
  /** `>` and `<` include equality (the docs say "greater/lower (or equal)"): unconfirmed, a switch. */
  rangeInclusive: boolean;
  /** Dates compared by UTC calendar day rather than by the second (as contact search does): unconfirmed, a switch. */
  datesByDay: boolean;
}

export const MAX_NESTED_LEVELS = 2;
export const MAX_FILTERS_PER_GROUP = 15;

const STRING_OPERATORS = ['=', '!=', 'IN', 'NIN', '~', '!~', '^', '$'] as const;
const BOOLEAN_OPERATORS = ['=', '!='] as const;
const ALL_OPERATORS = new Set(['=', '!=', 'IN', 'NIN', '>', '<', '>=', '<=', '~', '!~', '^', '$']);

export type Predicate<R> = (record: R) => boolean;

function refusal(code: string, message: string, field?: string): SearchRefusal {
  return field === undefined ? { code, message } : { code, message, field };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A date value: an integer of seconds, or the same as a numeric string (the spec's own example sends one). */
function dateValue(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,12}$/.test(value)) return Number(value);
  return null;
}

function typed(type: FieldType, value: unknown): string | number | boolean | null | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string' || value === null ? value : undefined;
    case 'integer':
      return (typeof value === 'number' && Number.isInteger(value)) || value === null ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'date': {
      if (value === null) return null;
      const seconds = dateValue(value);
      return seconds === null ? undefined : seconds;
    }
  }
}

const DAY = 86_400;

/** Compiles a query into a predicate, or the refusal Intercom answers with a 400. */
export function compileSearch<R>(query: unknown, schema: SearchSchema<R>, semantics: SearchSemantics): Predicate<R> | SearchRefusal {
  const compile = (node: unknown, level: number): Predicate<R> | SearchRefusal => {
    if (!isObject(node)) return refusal('parameter_invalid', 'query must be an object');
    if ('field' in node) return compileFilter(node);
    const operator = node.operator;
    if (operator !== 'AND' && operator !== 'OR') {
      return refusal('invalid_operator', 'Composite operators must be of type AND or OR');
    }
    if (level > MAX_NESTED_LEVELS) {
      return refusal('parameter_invalid', `Search supports at most ${MAX_NESTED_LEVELS} nested levels of groups`);
    }
    const children = node.value;
    if (!Array.isArray(children) || children.length === 0) return refusal('parameter_invalid', 'A group needs a non-empty value array');
    if (children.length > MAX_FILTERS_PER_GROUP) {
      return refusal('parameter_invalid', `A group accepts at most ${MAX_FILTERS_PER_GROUP} filters`);
    }
    const predicates: Predicate<R>[] = [];
    for (const child of children) {
      const compiled = compile(child, level + 1);
      if (typeof compiled !== 'function') return compiled;
      predicates.push(compiled);
    }
    return operator === 'AND'
      ? (record) => predicates.every((predicate) => predicate(record))
      : (record) => predicates.some((predicate) => predicate(record));
  };

  const compileFilter = (node: Record<string, unknown>): Predicate<R> | SearchRefusal => {
    const { field, operator, value } = node;
    if (typeof field !== 'string') return refusal('parameter_invalid', 'field must be a string');
    const spec = schema.fields[field];
    if (!spec) return refusal('parameter_invalid', `${field} is not a searchable field`, field);
    if (typeof operator !== 'string' || !ALL_OPERATORS.has(operator)) {
      return refusal('invalid_operator', `Operator ${String(operator)} is not supported`, field);
    }
    const allowed: readonly string[] =
      spec.type === 'string'
        ? STRING_OPERATORS
        : spec.type === 'boolean'
          ? BOOLEAN_OPERATORS
          : spec.type === 'date'
            ? schema.dateOperators
            : schema.integerOperators;
    if (!allowed.includes(operator)) {
      return refusal('invalid_operator', `Operator ${operator} is not valid for the ${spec.type} field ${field}`, field);
    }
    const multi = operator === 'IN' || operator === 'NIN';
    if (multi !== Array.isArray(value)) {
      return refusal('parameter_invalid', multi ? `${operator} needs an array value` : `${operator} needs a single value`, field);
    }
    const raw = multi ? (value as unknown[]) : [value];
    const targets = raw.map((entry) => typed(spec.type, entry));
    if (targets.some((target) => target === undefined)) {
      return refusal('parameter_invalid', `The value of ${field} must be of type ${spec.type}`, field);
    }
    const values = targets as Array<string | number | boolean | null>;
    const target = values[0] ?? null;
    const inclusive = semantics.rangeInclusive;
    const byDay = spec.type === 'date' && semantics.datesByDay;
    const norm = (x: string | number | boolean | null): string | number | boolean | null =>
      byDay && typeof x === 'number' ? Math.floor(x / DAY) : x;
    const one = (actual: string | number | boolean | null): boolean => {
      const a = norm(actual);
      const t = norm(target);
      switch (operator) {
        case '=':
          return a === t;
        case '!=':
          return a !== t;
        case 'IN':
          return values.some((candidate) => norm(candidate) === a);
        case 'NIN':
          return values.every((candidate) => norm(candidate) !== a);
        case '>':
          return a !== null && t !== null && (inclusive ? a >= t : a > t);
        case '<':
          return a !== null && t !== null && (inclusive ? a <= t : a < t);
        case '>=':
          return a !== null && t !== null && a >= t;
        case '<=':
          return a !== null && t !== null && a <= t;
      }
      // String operators: case-insensitive, as Intercom's are.
      if (typeof actual !== 'string' || typeof target !== 'string') return operator === '!~';
      const haystack = actual.toLowerCase();
      const needle = target.toLowerCase();
      switch (operator) {
        case '~':
          return haystack.includes(needle);
        case '!~':
          return !haystack.includes(needle);
        case '^':
          return haystack.startsWith(needle);
        default:
          return haystack.endsWith(needle);
      }
    };
    return (record) => {
      const actual = spec.read(record);
      if (Array.isArray(actual)) {
        // Multi-valued fields: "contains" for the positive operators, "contains none" for the negative ones.
        if (operator === '!=' || operator === 'NIN' || operator === '!~') return actual.every((entry) => one(entry));
        return actual.some((entry) => one(entry));
      }
      return one(actual ?? null);
    };
  };

  return compile(query, 1);
}

/** Intercom matches `source.body` word by word: `= "support"` finds "I need support", "need support" finds nothing. */
export function wordsOf(text: string | null): string[] {
  if (!text) return [];
  return text
    .replace(/<[^>]*>/g, ' ')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}
