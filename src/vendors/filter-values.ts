import { badUserInput } from '../errors.js';

/** A list argument of a vendor's filter: null when left out; empty lists and empty strings refused; duplicates dropped. */
export function filterList(values: readonly string[] | null | undefined, argument: string): string[] | null {
  if (values === null || values === undefined) return null;
  if (values.length === 0) throw badUserInput(`\`${argument}\` must not be an empty list; leave it out instead.`, { argument });
  if (values.some((value) => value.length === 0)) throw badUserInput(`\`${argument}\` must not hold empty strings.`, { argument });
  return [...new Set(values)];
}

/** A text argument of a vendor's filter: null when left out or empty. */
export function filterText(value: string | null | undefined): string | null {
  return value === null || value === undefined || value === '' ? null : value;
}
