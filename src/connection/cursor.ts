import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { JsonValue } from '../domain.js';
import { badUserInput } from '../errors.js';

/**
 * Cursors are `v1.<payload>.<signature>`: base64url JSON, signed with the
 * server's secret. The payload names what the cursor is bound to (a hash of
 * the connection, its providers and its filter), so a cursor reused with
 * another filter, another connection or a forged one is refused.
 */

const VERSION = 'v1';

export interface CursorCodec {
  encode(binding: string, payload: JsonValue): string;
  /** Returns the payload, or throws BAD_USER_INPUT saying why the cursor is refused. */
  decode(binding: string, cursor: string, argument: string): JsonValue;
}

/** A short, stable digest of whatever a cursor is bound to. */
export function bindingOf(value: JsonValue): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url').slice(0, 16);
}

/** JSON with object keys sorted, so equal values digest equally. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function createCursorCodec(secret: string): CursorCodec {
  const sign = (text: string): string => createHmac('sha256', secret).update(text).digest('base64url').slice(0, 22);
  return {
    encode(binding, payload) {
      const body = Buffer.from(JSON.stringify({ b: binding, p: payload }), 'utf8').toString('base64url');
      return `${VERSION}.${body}.${sign(`${VERSION}.${body}`)}`;
    },
    decode(binding, cursor, argument) {
      const refuse = (reason: string): never => {
        throw badUserInput(`The \`${argument}\` cursor ${reason}.`, { argument });
      };
      const parts = cursor.split('.');
      if (parts.length !== 3 || parts[0] !== VERSION) refuse('was not issued by this graph');
      const [version, body, signature] = parts as [string, string, string];
      const expected = Buffer.from(sign(`${version}.${body}`));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) refuse('was not issued by this graph');
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
      } catch {
        return refuse('was not issued by this graph');
      }
      if (typeof decoded !== 'object' || decoded === null || !('b' in decoded) || !('p' in decoded)) {
        return refuse('was not issued by this graph');
      }
      const { b, p } = decoded as { b: unknown; p: JsonValue };
      if (b !== binding) refuse('belongs to another query (different connection, providers or filter)');
      return p;
    },
  };
}
