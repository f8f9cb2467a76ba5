/**
 * Symbl's `filter` parameter built from a typed expression, never by pasting
 * strings. The type only admits what the vendor accepts: a conjunction (OR is
 * not representable), comparisons from an allow-list of operators, selectors
 * from an allow-list of conversation fields or metadata keys made of
 * unreserved characters, and every value double-quoted with `\` escaping.
 * Rendering also enforces the vendor's "at most two distinct selectors".
 */

export const RSQL_OPERATORS = ['==', '!=', '=in=', '=out=', '=gt=', '=ge=', '=lt=', '=le='] as const;
export type RsqlOperator = (typeof RSQL_OPERATORS)[number];

export type ConversationField = 'id' | 'type' | 'name' | 'startTime' | 'endTime';

export type RsqlSelector = { kind: 'conversation'; field: ConversationField } | { kind: 'metadata'; key: string };

export type RsqlValue = string | Date;

export interface RsqlComparison {
  selector: RsqlSelector;
  operator: RsqlOperator;
  /** One value, except for `=in=` / `=out=` which take one or more. */
  values: RsqlValue[];
}

/** The only shape the vendor accepts: comparisons joined by AND. */
export interface RsqlConjunction {
  and: RsqlComparison[];
}

export const SYMBL_MAX_SELECTORS = 2;

export class RsqlBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RsqlBuildError';
  }
}

/** Metadata keys that can be written as a selector without quoting (RSQL selectors cannot be quoted). */
export function isSafeMetadataKey(key: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(key);
}

export function selectorName(selector: RsqlSelector): string {
  return selector.kind === 'conversation' ? `conversation.${selector.field}` : `metadata.${selector.key}`;
}

/** A value as an RSQL double-quoted string: `\` and `"` escaped, dates in ISO 8601 UTC. */
export function quoteRsqlValue(value: RsqlValue): string {
  const text = typeof value === 'string' ? value : value.toISOString();
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function distinctSelectors(expression: RsqlConjunction): string[] {
  return [...new Set(expression.and.map((comparison) => selectorName(comparison.selector)))];
}

/** Renders the expression; null when it has no comparisons (send no `filter`). */
export function renderRsql(expression: RsqlConjunction): string | null {
  if (expression.and.length === 0) return null;
  const selectors = distinctSelectors(expression);
  if (selectors.length > SYMBL_MAX_SELECTORS) {
    throw new RsqlBuildError(`Symbl accepts at most ${SYMBL_MAX_SELECTORS} selectors, got ${selectors.length}`);
  }
  return expression.and
    .map((comparison) => {
      const { selector, operator, values } = comparison;
      if (selector.kind === 'metadata' && !isSafeMetadataKey(selector.key)) {
        throw new RsqlBuildError('metadata key is not a plain selector');
      }
      if (!(RSQL_OPERATORS as readonly string[]).includes(operator)) throw new RsqlBuildError('operator not allowed');
      const multi = operator === '=in=' || operator === '=out=';
      if (values.length === 0 || (!multi && values.length !== 1)) {
        throw new RsqlBuildError(`operator ${operator} got ${values.length} values`);
      }
      const rendered = multi ? `(${values.map(quoteRsqlValue).join(',')})` : quoteRsqlValue(values[0] as RsqlValue);
      return `${selectorName(selector)}${operator}${rendered}`;
    })
    .join(';');
}
