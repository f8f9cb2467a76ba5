import { badUserInput } from '../errors.js';

/** The types that are Nodes: an id naming any other type was not issued by this graph. */
const NODE_TYPES = new Set(['Conversation', 'Message', 'Creator', 'Member']);

/** Global ids are base64url of `Typename:id`: opaque to clients, refused cleanly when not ours. */
export function encodeNodeId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${String(id)}`, 'utf8').toString('base64url');
}

export function decodeNodeId(globalId: string): { typename: string; id: string } {
  const text = /^[A-Za-z0-9_-]+$/.test(globalId) ? Buffer.from(globalId, 'base64url').toString('utf8') : '';
  const separator = text.indexOf(':');
  const typename = text.slice(0, separator);
  if (separator <= 0 || !NODE_TYPES.has(typename) || Buffer.from(text, 'utf8').toString('base64url') !== globalId) {
    throw badUserInput('This id was not issued by this graph.', { argument: 'id' });
  }
  return { typename, id: text.slice(separator + 1) };
}
