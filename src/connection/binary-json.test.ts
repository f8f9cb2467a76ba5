import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../domain.js';
import { decodeBinaryJson, encodeBinaryJson } from './binary-json.js';

const viaJson = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value)) as JsonValue;

describe('binary JSON', () => {
  it('round-trips any JSON value exactly as JSON does', () => {
    const isoInstant = fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((date) => date.toISOString());
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), isoInstant, fc.stringMatching(/^[A-Za-z0-9_-]{0,40}$/));
    const json = fc.letrec<{ value: JsonValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.integer({ min: -1e15, max: 1e15 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(0, 63, 64, 127, 128, 2 ** 53 - 1, -(2 ** 53 - 1)),
        text,
        fc.array(tie('value'), { maxLength: 20 }),
        fc.dictionary(text, tie('value'), { maxKeys: 20 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, (value) => {
        expect(decodeBinaryJson(encodeBinaryJson(value))).toEqual(viaJson(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('drops undefined object entries and keeps -0 and non-finite numbers as JSON does', () => {
    const value = { a: undefined, b: [undefined, -0, Number.NaN], c: 1 } as unknown as JsonValue;
    expect(decodeBinaryJson(encodeBinaryJson(value))).toEqual(viaJson(value));
  });

  it('keeps "__proto__" as an ordinary key', () => {
    const value = JSON.parse('{"__proto__":{"x":1},"y":2}') as JsonValue;
    const decoded = decodeBinaryJson(encodeBinaryJson(value)) as Record<string, JsonValue>;
    expect(Object.keys(decoded)).toEqual(['__proto__', 'y']);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
  });

  it('takes about half the bytes of JSON for a merged cursor payload', () => {
    const payload: JsonValue = [
      [[4], [[[1], [2], [0]]], [2], [7], [[[{ c: null, k: ['2026-10-30T01:45:48.338Z', 'conv_01M657R3HJD8WP5M42ZPD80SVV'] }], [{ c: null, k: ['2026-10-30T09:01:23.583Z', 'conv_01M660NP7ZW9493V48WR3HJFWR'] }]]]],
      3,
      [8],
    ];
    expect(encodeBinaryJson(payload).length).toBeLessThan(JSON.stringify(payload).length * 0.6);
  });

  it('writes the bytes it always wrote, so cursors issued before a release still read after it', () => {
    const value: JsonValue = {
      c: 'abc',
      k: ['2026-11-29T17:00:00.000Z', 'conv_01HZX9ABCDEFG'],
      p: { FLASHBACK: 20, CHATBASE: [1, 'sales-bot', 'bot-émoji-🤖'] },
      e: true,
      n: null,
      f: 1.5,
      big: 2 ** 40,
      neg: -7,
      r: 'abc',
    };
    expect(encodeBinaryJson(value).toString('base64')).toBe(
      'mQcBYwcDYWJjBwFrggaAuv6DxWgIEnKJ7/9NR2V/QAQgxBRgBwFwkggJFLASHBACKFQICAhwEwQEhINBCAmxqV6z5ui0Bw9ib3Qtw6ltb2ppLfCfpJYHAWUCBwFuAAcBZgMAAAAAAAD4PwcDYmlnBICAgICAIAcDbmVnBQcHAXIJAQ==',
    );
  });

  it('refuses truncated, padded or impossible input', () => {
    const good = encodeBinaryJson({ list: [1, 'two', '2026-10-30T01:45:48.338Z', 'conv_01M657R3HJD8WP5M42ZPD80SVV'] });
    for (let cut = 0; cut < good.length; cut += 1) expect(() => decodeBinaryJson(good.subarray(0, cut))).toThrow(RangeError);
    expect(() => decodeBinaryJson(Buffer.concat([good, Buffer.from([0])]))).toThrow(RangeError);
    expect(() => decodeBinaryJson(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]))).toThrow(RangeError);
    expect(() => decodeBinaryJson(Buffer.from([0x09, 0x00]))).toThrow(RangeError);
    expect(() => decodeBinaryJson(Buffer.from([0x3f]))).toThrow(RangeError);
    expect(() => decodeBinaryJson(Buffer.from(Array.from({ length: 200 }, () => 0x81)))).toThrow(RangeError);
  });
});
