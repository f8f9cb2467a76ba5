import { createHash, createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import type { JsonValue } from '../domain.js';
import { badUserInput } from '../errors.js';
import { canonicalJson } from '../streams/canonical-json.js';
import { decodeBinaryJson, encodeBinaryJsonBase64url } from './binary-json.js';

export { canonicalJson };

/**
 * Cursors are `<payload>.<signature>`: the payload in compact binary JSON
 * (binary-json.ts) after a version byte, base64url; the signature an HMAC of
 * the binding and the payload with the server's secret, truncated to 128
 * bits. The binding (a digest of the connection, its providers and its
 * filter) is signed, not carried: a cursor reused with another filter or
 * connection fails its signature exactly as a forged one does.
 */

const VERSION = 2;
const SIGNATURE_CHARS = 22;
const VERSION_PREFIX = [VERSION] as const;

export interface CursorCodec {
  encode(binding: string, payload: JsonValue): string;
  /** Returns the payload, or throws BAD_USER_INPUT saying why the cursor is refused. */
  decode(binding: string, cursor: string, argument: string): JsonValue;
}

/** A short, stable digest of whatever a cursor is bound to. */
export function bindingOf(value: JsonValue): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url').slice(0, 16);
}


const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function createCursorCodec(secret: string): CursorCodec {
  // The key made once: given the string, every signature would convert it again (the same bytes: UTF-8).
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  const sign = (binding: string, body: string): string =>
    createHmac('sha256', key).update(`${binding}.${body}`).digest('base64url').slice(0, SIGNATURE_CHARS);
  return {
    encode(binding, payload) {
      const body = encodeBinaryJsonBase64url(payload, VERSION_PREFIX);
      return `${body}.${sign(binding, body)}`;
    },
    decode(binding, cursor, argument) {
      const refuse = (): never => {
        throw badUserInput(
          `The \`${argument}\` cursor was not issued by this graph for this query (same connection, providers and filter).`,
          { argument },
        );
      };
      const dot = cursor.length - SIGNATURE_CHARS - 1;
      if (dot < 1 || cursor[dot] !== '.') return refuse();
      const body = cursor.slice(0, dot);
      if (!BASE64URL.test(body)) return refuse();
      const expected = Buffer.from(sign(binding, body));
      const given = Buffer.from(cursor.slice(dot + 1));
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return refuse();
      const bytes = Buffer.from(body, 'base64url');
      if (bytes[0] !== VERSION) return refuse();
      try {
        return decodeBinaryJson(bytes.subarray(1));
      } catch {
        return refuse();
      }
    },
  };
}
