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

/**
 * One scratch buffer for every encode (encoding is synchronous, so no two share it): a cursor costs no
 * growing array of numbers and no Buffer per float or key, only its final bytes.
 */
let scratch = Buffer.allocUnsafeSlow(1024);
let length = 0;
const strings = new Map<string, number>();

function room(bytes: number): void {
  if (length + bytes <= scratch.length) return;
  const grown = Buffer.allocUnsafeSlow(Math.max(scratch.length * 2, length + bytes));
  scratch.copy(grown, 0, 0, length);
  scratch = grown;
}

function pushByte(byte: number): void {
  room(1);
  scratch[length++] = byte;
}

function pushUint(n: number): void {
  room(8);
  // LEB128 with arithmetic, not bit operations: exact up to 2^53.
  while (n >= 0x80) {
    scratch[length++] = (n % 0x80) + 0x80;
    n = Math.floor(n / 0x80);
  }
  scratch[length++] = n;
}

function pushString(text: string): void {
  const seen = strings.get(text);
  if (seen !== undefined) {
    pushByte(REPEATED_STRING);
    pushUint(seen);
    return;
  }
  strings.set(text, strings.size);
  if (ISO.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms) && new Date(ms).toISOString() === text) {
      pushByte(ISO_INSTANT);
      pushUint(ms < 0 ? -2 * ms - 1 : 2 * ms);
      return;
    }
  }
  if (text.length >= 4 && BASE64URL.test(text)) {
    pushByte(BASE64URL_CHARS);
    pushUint(text.length);
    room(Math.ceil((text.length * 6) / 8));
    let buffer = 0;
    let bits = 0;
    for (let index = 0; index < text.length; index += 1) {
      buffer = ((buffer << 6) | (ALPHABET_INDEX[text.charCodeAt(index)] as number)) & 0xffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        scratch[length++] = (buffer >> bits) & 0xff;
      }
    }
    if (bits > 0) scratch[length++] = (buffer << (8 - bits)) & 0xff;
    return;
  }
  pushByte(UTF8);
  if (isAscii(text)) {
    // ASCII is its own UTF-8.
    pushUint(text.length);
    room(text.length);
    for (let index = 0; index < text.length; index += 1) scratch[length++] = text.charCodeAt(index);
    return;
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  pushUint(bytes);
  room(bytes);
  length += scratch.write(text, length, 'utf8');
}

function pushValue(item: JsonValue | undefined, depth: number): void {
  if (depth > MAX_DEPTH) throw new RangeError('value nested too deeply');
  if (item === null || item === undefined) {
    pushByte(NULL);
  } else if (item === true || item === false) {
    pushByte(item ? TRUE : FALSE);
  } else if (typeof item === 'number') {
    if (!Number.isFinite(item)) {
      pushByte(NULL); // as JSON.stringify does
    } else if (Number.isSafeInteger(item)) {
      if (item >= 0 && item < 64) pushByte(SMALL_INT + item);
      else if (item >= 0) (pushByte(UINT), pushUint(item));
      else (pushByte(NEGATIVE_INT), pushUint(-item));
    } else {
      pushByte(FLOAT);
      room(8);
      length = scratch.writeDoubleLE(item, length);
    }
  } else if (typeof item === 'string') {
    pushString(item);
  } else if (Array.isArray(item)) {
    if (item.length < 16) pushByte(SMALL_ARRAY + item.length);
    else (pushByte(ARRAY), pushUint(item.length));
    for (const element of item) pushValue(element, depth + 1);
  } else {
    const keys = Object.keys(item);
    let defined = 0;
    for (const key of keys) if (item[key] !== undefined) defined += 1;
    if (defined < 16) pushByte(SMALL_OBJECT + defined);
    else (pushByte(OBJECT), pushUint(defined));
    for (const key of keys) {
      const entry = item[key];
      if (entry === undefined) continue;
      pushString(key);
      pushValue(entry, depth + 1);
    }
  }
}

/** Encodes `value` into the scratch buffer after `prefix` (bytes written before it, e.g. a version). */
function encodeIntoScratch(value: JsonValue, prefix: readonly number[]): void {
  length = 0;
  strings.clear();
  try {
    for (const byte of prefix) pushByte(byte);
    pushValue(value, 0);
  } finally {
    strings.clear();
  }
}

export function encodeBinaryJson(value: JsonValue): Buffer {
  encodeIntoScratch(value, []);
  return Buffer.from(scratch.subarray(0, length));
}

/** `prefix` and then `value` in binary JSON, as base64url: what a cursor carries, without a Buffer of its own. */
export function encodeBinaryJsonBase64url(value: JsonValue, prefix: readonly number[]): string {
  encodeIntoScratch(value, prefix);
  return scratch.toString('base64url', 0, length);
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
