import type { Message, Person, Provider } from '../domain.js';
import type { ConversationKey, MessageKey } from '../vendors/port.js';
import type { VendorModule } from '../vendors/vendor-module.js';
import { vendorConversationIdProblem } from '../vendors/vendor-ids.js';

/**
 * The local part of every global id (after `Typename:`), and the values the
 * schema passes around so an object can name itself. Each id carries what
 * finds the object again: a conversation's key narrows its look-up; messages
 * and people are found again through their conversation (or message).
 */

export interface ConversationAddress {
  provider: Provider;
  key: ConversationKey;
}

export interface MessageAddress {
  provider: Provider;
  key: MessageKey;
}

/**
 * Who a person is within the object they were read from: the vendor's id, or,
 * where the vendor gives none, what it does give.
 */
export type PersonKey = ['id', string] | ['as', string | null, string | null];

/**
 * Where a person was read: the creator of a conversation, a member of it, or
 * the sender of a message. The same human can appear in several places under
 * several ids: few vendors have a directory of people, and a vendor's
 * speaker record and member record need not agree, so a place's data is what
 * that place says.
 */
export type PersonPlace =
  | { kind: 'creator'; conversation: ConversationAddress }
  | { kind: 'member'; conversation: ConversationAddress; person: PersonKey }
  | { kind: 'sender'; message: MessageAddress };

/** A message with the address of its conversation: what the `Message` type resolves. */
export interface PlacedMessage {
  message: Message;
  address: MessageAddress;
}

/** A person with the place it was read: what `Creator` and `Member` resolve. */
export interface PlacedPerson {
  person: Person;
  place: PersonPlace;
}

type ConversationTuple = [Provider, string, number | null, string | null];

function conversationTuple(address: ConversationAddress): ConversationTuple {
  return [address.provider, address.key.providerId, address.key.createdAtMs, address.key.hint];
}

function parseJsonArray(localId: string): unknown[] | null {
  try {
    const parsed = JSON.parse(localId) as unknown;
    return Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function parseConversationTuple(parts: readonly unknown[], vendors: readonly VendorModule[]): ConversationAddress | null {
  const [provider, providerId, createdAtMs, hint] = parts;
  if (!vendors.some((vendor) => vendor.provider === provider) || typeof providerId !== 'string' || providerId === '') return null;
  // The vendor id reaches URL paths and filters: it must look like one of that vendor's ids (BAD_USER_INPUT).
  if (vendorConversationIdProblem(provider as Provider, providerId, vendors) !== null) return null;
  if (createdAtMs !== null && !Number.isSafeInteger(createdAtMs)) return null;
  if (hint !== null && typeof hint !== 'string') return null;
  return {
    provider: provider as Provider,
    key: { providerId, createdAtMs: createdAtMs as number | null, hint: hint as string | null },
  };
}

/** `Conversation` (and `Creator`): `[provider, vendor id, createdAt ms, hint]`. */
export function conversationLocalId(provider: Provider, key: ConversationKey): string {
  return JSON.stringify(conversationTuple({ provider, key }));
}

export function parseConversationLocalId(localId: string, vendors: readonly VendorModule[]): ConversationAddress | null {
  const parts = parseJsonArray(localId);
  return parts && parts.length === 4 ? parseConversationTuple(parts, vendors) : null;
}

/** `Message`: the conversation's tuple and the message's `providerId`. */
export function messageLocalId(address: MessageAddress): string {
  return JSON.stringify([
    ...conversationTuple({ provider: address.provider, key: address.key.conversation }),
    address.key.providerId,
  ]);
}

export function parseMessageLocalId(localId: string, vendors: readonly VendorModule[]): MessageAddress | null {
  const parts = parseJsonArray(localId);
  if (!parts || parts.length !== 5) return null;
  const conversation = parseConversationTuple(parts.slice(0, 4), vendors);
  const providerId = parts[4];
  if (!conversation || typeof providerId !== 'string' || providerId === '') return null;
  return { provider: conversation.provider, key: { conversation: conversation.key, providerId } };
}

export function personKeyOf(person: Person): PersonKey {
  return person.providerId !== null ? ['id', person.providerId] : ['as', person.email, person.displayName];
}

export function isPerson(person: Person, key: PersonKey): boolean {
  return key[0] === 'id'
    ? person.providerId === key[1]
    : person.providerId === null && person.email === key[1] && person.displayName === key[2];
}

function isPersonKey(value: unknown): value is PersonKey {
  if (!Array.isArray(value)) return false;
  if (value[0] === 'id') return value.length === 2 && typeof value[1] === 'string';
  const nullableString = (part: unknown) => part === null || typeof part === 'string';
  return value[0] === 'as' && value.length === 3 && nullableString(value[1]) && nullableString(value[2]);
}

/** `Creator`: the same tuple as its conversation (a conversation has one creator). */
export function creatorLocalId(conversation: ConversationAddress): string {
  return JSON.stringify(conversationTuple(conversation));
}

export const parseCreatorLocalId = parseConversationLocalId;

/** `Member`: the conversation's tuple, then `"member", <person key>` or `"sender", <message providerId>`. */
export function memberLocalId(place: Exclude<PersonPlace, { kind: 'creator' }>): string {
  if (place.kind === 'member') {
    return JSON.stringify([...conversationTuple(place.conversation), 'member', place.person]);
  }
  const conversation = { provider: place.message.provider, key: place.message.key.conversation };
  return JSON.stringify([...conversationTuple(conversation), 'sender', place.message.key.providerId]);
}

export function parseMemberLocalId(localId: string, vendors: readonly VendorModule[]): Exclude<PersonPlace, { kind: 'creator' }> | null {
  const parts = parseJsonArray(localId);
  if (!parts || parts.length !== 6) return null;
  const conversation = parseConversationTuple(parts.slice(0, 4), vendors);
  if (!conversation) return null;
  const [, , , , kind, detail] = parts;
  if (kind === 'member' && isPersonKey(detail)) return { kind: 'member', conversation, person: detail };
  if (kind === 'sender' && typeof detail === 'string' && detail !== '') {
    return { kind: 'sender', message: { provider: conversation.provider, key: { conversation: conversation.key, providerId: detail } } };
  }
  return null;
}
