import type { Conversation, ConversationFilter, Message, Person, Provider } from '../domain.js';
import type { MessageStream, OrderedStream } from '../streams/stream.js';
import type { HttpClientOptions } from './http.js';

/**
 * The port every vendor adapter implements. The graph sees vendors only
 * through this file: ordered streams with opaque positions, batch look-ups,
 * and people and messages of a conversation.
 */

export type { MessageStream, OrderedStream, Position, SortKey, StreamChunk, StreamItem, WalkContext, WalkWarning } from '../streams/stream.js';
export { ID_ABOVE_ALL, ID_BELOW_ALL, isAfterKey, isBeforeKey } from '../streams/stream.js';

/** What a global id carries besides provider and vendor id, to narrow look-ups. */
export interface ConversationKey {
  providerId: string;
  /** Creation instant in ms, when known. */
  createdAtMs: number | null;
  /** Vendor-specific narrowing hint (e.g. which of the vendor's lists holds it). */
  hint: string | null;
}

/** What a Message global id carries: its conversation's key and the vendor's message id. */
export interface MessageKey {
  conversation: ConversationKey;
  /** `Message.providerId`: the vendor's id, or the synthetic one where the vendor has none. */
  providerId: string;
}

export interface VendorSession {
  readonly provider: Provider;
  /** Conversations matching the filter, newest `createdAt` first. */
  conversations(filter: ConversationFilter): OrderedStream<Conversation>;
  /** Batched per request; null when the conversation does not exist. */
  loadConversation(key: ConversationKey): Promise<Conversation | null>;
  /** The key that `loadConversation` accepts for this conversation (goes into its global id). */
  keyOf(conversation: Conversation): ConversationKey;
  creator(conversation: Conversation): Promise<Person | null>;
  members(conversation: Conversation): Promise<Person[]>;
  /** Messages oldest first, or null when the vendor has no messages (say why in `capabilities`). */
  messages(conversation: Conversation): MessageStream | null;
  /**
   * One message found again by its key, batched per request with the
   * conversation's other look-ups; null when it does not exist (or the vendor
   * has no messages). Ids that cannot be the vendor's answer null without a call.
   */
  loadMessage(key: MessageKey): Promise<Message | null>;
}

export interface VendorCapabilities {
  backward: boolean;
  totalCount: boolean;
  messages: boolean;
}

export interface VendorAdapter {
  readonly provider: Provider;
  readonly capabilities: VendorCapabilities;
  /** Built once per GraphQL request: its loaders live and die with the request. */
  openSession(): VendorSession;
  close(): Promise<void>;
}

export type { HttpClientOptions };
