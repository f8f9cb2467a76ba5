import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formEncode, type QueryValue } from './http.js';

/** What the client sent before formEncode: a URL's searchParams, appended one by one. */
function viaSearchParams(query: Record<string, QueryValue>): string {
  const url = new URL('http://vendor.test/v1/conversations');
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) url.searchParams.append(name, String(value));
  }
  return url.search.slice(1);
}

const value = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '+', '&', '=', '%', '~', '!', "'", '(', ')', '*', '-', '.', '_', '/', '?', '#', 'é', '\uD800') }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);

describe('formEncode', () => {
  it('serializes a query byte for byte as a URL’s searchParams did (names, values, order, skipped nulls)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('limit', 'page[size]', 'a b', '__proto__')), value), (query) => {
        expect(formEncode(query)).toBe(viaSearchParams(query));
      }),
      { numRuns: 2_000, seed: 21 },
    );
  });

  it('leaves numbers, cursors and ids as they are', () => {
    expect(formEncode({ limit: 50, cursor: 'eyJhIjoxfQ', archived: false, skip: undefined, none: null })).toBe('limit=50&cursor=eyJhIjoxfQ&archived=false');
    expect(formEncode({ q: 'a b+c&d=é' })).toBe('q=a+b%2Bc%26d%3D%C3%A9');
  });
});
