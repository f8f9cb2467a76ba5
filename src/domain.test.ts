import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInstant } from './domain.js';

describe('parseInstant', () => {
  it('is Date.parse on the shapes it reads itself and on their near misses', () => {
    const digits = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((list) => list.join(''));
    const shaped = fc
      .tuple(digits(4), digits(2), digits(2), digits(2), digits(2), digits(2), fc.option(digits(3)))
      .map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${ms === null ? '' : `.${ms}`}Z`);
    const mutated = fc.tuple(shaped, fc.nat(), fc.constantFrom(...'0123456789-:T.Zzt +x')).map(([text, at, char]) => {
      const index = at % text.length;
      return text.slice(0, index) + char + text.slice(index + 1);
    });
    fc.assert(
      fc.property(fc.oneof(shaped, mutated, fc.string()), (text) => {
        expect(Object.is(parseInstant(text), Date.parse(text))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('is Date.parse on the edge cases', () => {
    for (const text of [
      '2025-02-29T00:00:00Z', '2024-02-29T10:00:00.000Z', '2025-02-31T00:00:00.000Z', '2025-04-31T23:59:59.999Z',
      '2025-01-01T24:00:00Z', '2025-01-01T24:00:00.000Z', '2025-01-01T23:59:60Z', '2025-13-01T00:00:00Z', '2025-00-10T00:00:00Z',
      '2025-01-00T00:00:00Z', '2025-01-32T00:00:00Z', '0000-01-01T00:00:00Z', '0099-12-31T23:59:59.999Z', '0100-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z', '+002025-01-01T00:00:00Z', '2025-01-01t00:00:00z', '2025-01-01T00:00:00.1234Z',
      '2025-01-01T00:00:00+00:00', '2025-01-01T00:00Z', '2025-01-01', '', 'not an instant', '1970-01-01T00:00:00.000Z',
    ]) {
      expect(Object.is(parseInstant(text), Date.parse(text)), text).toBe(true);
    }
  });
});
