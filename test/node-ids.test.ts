import { isObjectType, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { GraphContext } from '../src/context.js';
import { schema } from '../src/schema/index.js';
import { encodeNodeId } from '../src/schema/global-id.js';
import { conversationLocalId, creatorLocalId, memberLocalId, messageLocalId, type ConversationAddress } from '../src/schema/node-keys.js';

/**
 * Every Node's `id` resolves to its string, not to a promise: a page of 50 conversations used to cost 50 promises
 * (and the request scope's hook on each) for ids alone, and the compiled executor finished each edge later.
 * The ids themselves are what they were: base64url of `Typename:localId` (test/node-identity.e2e.test.ts finds
 * every one again through `nodes`).
 */
const conversation: ConversationAddress = { provider: 'FLASHBACK', key: { providerId: 'c-1', createdAtMs: 1_700_000_000_000, hint: null } };
const context = { session: () => ({ keyOf: () => conversation.key }) } as unknown as GraphContext;
const message = { provider: conversation.provider, key: { conversation: conversation.key, providerId: 'm-1' } };

const cases: Array<[typename: string, parent: object, localId: string]> = [
  ['Conversation', { provider: 'FLASHBACK', providerId: 'c-1' }, conversationLocalId('FLASHBACK', conversation.key)],
  ['Message', { address: message }, messageLocalId(message)],
  ['Creator', { place: { kind: 'creator', conversation } }, creatorLocalId(conversation)],
  ['Member', { place: { kind: 'member', conversation, person: ['id', 'p-1'] } }, memberLocalId({ kind: 'member', conversation, person: ['id', 'p-1'] })],
  ['Member', { place: { kind: 'sender', message } }, memberLocalId({ kind: 'sender', message })],
];

describe('Node ids', () => {
  it.each(cases)('%s: the id is resolved at once, the same global id as before', (typename, parent, localId) => {
    const type = schema.getType(typename);
    if (!isObjectType(type)) throw new Error(`${typename} is not an object type`);
    const resolved = type.getFields().id?.resolve?.(parent, {}, context, {} as GraphQLResolveInfo);
    expect(resolved).toBe(encodeNodeId(typename, localId));
    expect(Buffer.from(resolved as string, 'base64url').toString('utf8')).toBe(`${typename}:${localId}`);
  });
});
