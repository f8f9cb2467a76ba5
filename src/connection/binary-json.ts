import type { JsonValue } from '../domain.js';

/**
 * A compact binary form of JSON values, for cursors. It round-trips exactly what JSON.stringify +
 * JSON.parse would (keys with undefined values dropped, undefined array items as null), in about half
 * the bytes of JSON for cursor payloads: one-byte tags with small integers and short array
 * and object lengths inlined, varints, ISO timestamps as milliseconds, base64url-alphabet strings at
 * six bits a character, and repeated strings as back-references.
 */

const NULL = 0x00;
const FALSE = 0x01;
const TRUE = 0x02;
const FLOAT = 0x03;
const UINT = 0x04;
const NEGATIVE_INT = 0x05;
const ISO_INSTANT = 0x06;
const UTF8 = 0x07;
const BASE64URL_CHARS = 0x08;
const REPEATED_STRING = 0x09;
const ARRAY = 0x0a;
const OBJECT = 0x0b;
const SMALL_INT = 0x40; // 0x40..0x7f: 0..63
const SMALL_ARRAY = 0x80; // 0x80..0x8f: length 0..15
const SMALL_OBJECT = 0x90; // 0x90..0x9f: 0..15 entries

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Six-bit value by char code (ASCII); only read for strings BASE64URL has matched. */
const ALPHABET_INDEX = new Uint8Array(128);
for (let index = 0; index < ALPHABET.length; index += 1) ALPHABET_INDEX[ALPHABET.charCodeAt(index)] = index;
const MAX_DEPTH = 64;

function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) > 0x7f) return false;
  return true;
}

export function encodeBinaryJson(value: JsonValue): Buffer {
  const bytes: number[] = [];
  const strings = new Map<string, number>();
  const uint = (n: number): void => {
    // LEB128 with arithmetic, not bit operations: exact up to 2^53.
    while (n >= 0x80) {
      bytes.push((n % 0x80) + 0x80);
      n = Math.floor(n / 0x80);
    }
    bytes.push(n);
  };
  const string = (text: string): void => {
    const seen = strings.get(text);
    if (seen !== undefined) {
      bytes.push(REPEATED_STRING);
      uint(seen);
      return;
    }
    strings.set(text, strings.size);
    if (ISO.test(text)) {
      const ms = Date.parse(text);
      if (Number.isFinite(ms) && new Date(ms).toISOString() === text) {
        bytes.push(ISO_INSTANT);
        uint(ms < 0 ? -2 * ms - 1 : 2 * ms);
        return;
      }
    }
    if (text.length >= 4 && BASE64URL.test(text)) {
      bytes.push(BASE64URL_CHARS);
      uint(text.length);
      let buffer = 0;
      let bits = 0;
      for (let index = 0; index < text.length; index += 1) {
        buffer = ((buffer << 6) | (ALPHABET_INDEX[text.charCodeAt(index)] as number)) & 0xffff;
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          bytes.push((buffer >> bits) & 0xff);
        }
      }
      if (bits > 0) bytes.push((buffer << (8 - bits)) & 0xff);
      return;
    }
    bytes.push(UTF8);
    if (isAscii(text)) {
      // ASCII is its own UTF-8: no Buffer for the short keys every payload repeats.
      uint(text.length);
      for (let index = 0; index < text.length; index += 1) bytes.push(text.charCodeAt(index));
      return;
    }
    const utf8 = Buffer.from(text, 'utf8');
    uint(utf8.length);
    for (const byte of utf8) bytes.push(byte);
  };
  const write = (item: JsonValue | undefined, depth: number): void => {
    if (depth > MAX_DEPTH) throw new RangeError('value nested too deeply');
    if (item === null || item === undefined) {
      bytes.push(NULL);
    } else if (item === true || item === false) {
      bytes.push(item ? TRUE : FALSE);
    } else if (typeof item === 'number') {
      if (!Number.isFinite(item)) {
        bytes.push(NULL); // as JSON.stringify does
      } else if (Number.isSafeInteger(item)) {
        if (item >= 0 && item < 64) bytes.push(SMALL_INT + item);
        else if (item >= 0) (bytes.push(UINT), uint(item));
        else (bytes.push(NEGATIVE_INT), uint(-item));
      } else {
        bytes.push(FLOAT);
        const float = Buffer.alloc(8);
        float.writeDoubleLE(item);
        for (const byte of float) bytes.push(byte);
      }
    } else if (typeof item === 'string') {
      string(item);
    } else if (Array.isArray(item)) {
      if (item.length < 16) bytes.push(SMALL_ARRAY + item.length);
      else (bytes.push(ARRAY), uint(item.length));
      for (const element of item) write(element, depth + 1);
    } else {
      const entries = Object.entries(item).filter(([, entry]) => entry !== undefined);
      if (entries.length < 16) bytes.push(SMALL_OBJECT + entries.length);
      else (bytes.push(OBJECT), uint(entries.length));
      for (const [key, entry] of entries) {
        string(key);
        write(entry, depth + 1);
      }
    }
  };
  write(value, 0);
  return Buffer.from(bytes);
}

/** Throws a RangeError on anything `encodeBinaryJson` cannot have written. */
export function decodeBinaryJson(input: Uint8Array): JsonValue {
  let offset = 0;
  const strings: string[] = [];
  const fail = (): never => {
    throw new RangeError('malformed binary JSON');
  };
  const byte = (): number => (offset < input.length ? (input[offset++] as number) : fail());
  const uint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const next = byte();
      value += (next % 0x80) * scale;
      if (value > Number.MAX_SAFE_INTEGER) fail();
      if (next < 0x80) return value;
      scale *= 0x80;
    }
  };
  const length = (): number => {
    const n = uint();
    // Every element takes at least one byte: a longer claim is malformed (and must not allocate).
    return n > input.length - offset ? fail() : n;
  };
  const string = (tag: number): string => {
    let text: string;
    if (tag === REPEATED_STRING) {
      return strings[uint()] ?? fail();
    } else if (tag === ISO_INSTANT) {
      const zigzag = uint();
      const ms = zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
      const date = new Date(ms);
      text = Number.isNaN(date.getTime()) ? fail() : date.toISOString();
    } else if (tag === BASE64URL_CHARS) {
      const chars = uint();
      const byteCount = Math.ceil((chars * 6) / 8);
      if (byteCount > input.length - offset) fail();
      let buffer = 0;
      let bits = 0;
      let out = '';
      while (out.length < chars) {
        if (bits < 6) {
          buffer = ((buffer << 8) | byte()) & 0xffff;
          bits += 8;
        }
        bits -= 6;
        out += ALPHABET[(buffer >> bits) & 0x3f];
      }
      text = out;
    } else if (tag === UTF8) {
      const size = length();
      text = Buffer.from(input.subarray(offset, offset + size)).toString('utf8');
      offset += size;
    } else {
      return fail();
    }
    strings.push(text);
    return text;
  };
  const read = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail();
    const tag = byte();
    if (tag >= SMALL_OBJECT && tag < SMALL_OBJECT + 16) return object(tag - SMALL_OBJECT, depth);
    if (tag >= SMALL_ARRAY && tag < SMALL_ARRAY + 16) return array(tag - SMALL_ARRAY, depth);
    if (tag >= SMALL_INT && tag < SMALL_INT + 64) return tag - SMALL_INT;
    switch (tag) {
      case NULL:
        return null;
      case FALSE:
        return false;
      case TRUE:
        return true;
      case FLOAT: {
        if (offset + 8 > input.length) fail();
        const value = Buffer.from(input.subarray(offset, offset + 8)).readDoubleLE(0);
        offset += 8;
        return value;
      }
      case UINT:
        return uint();
      case NEGATIVE_INT:
        return -uint();
      case ARRAY:
        return array(length(), depth);
      case OBJECT:
        return object(length(), depth);
      default:
        return string(tag);
    }
  };
  const array = (count: number, depth: number): JsonValue[] => {
    const items: JsonValue[] = [];
    for (let index = 0; index < count; index += 1) items.push(read(depth + 1));
    return items;
  };
  const object = (count: number, depth: number): { [key: string]: JsonValue } => {
    const record: { [key: string]: JsonValue } = {};
    for (let index = 0; index < count; index += 1) {
      const key = string(byte());
      if (Object.prototype.hasOwnProperty.call(record, key)) fail();
      Object.defineProperty(record, key, { value: read(depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return record;
  };
  const value = read(0);
  if (offset !== input.length) fail();
  return value;
}
