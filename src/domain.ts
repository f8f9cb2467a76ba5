/**
 * The graph's own model of conversations, people and messages. Adapters map
 * vendor JSON into these types; the schema layer only ever sees these.
 */

export const PROVIDERS = [
  'FLASHBACK',
  'CHATBASE',
  'MOVEWORKS_DATA',
  'SYMBL',
  'MOVEWORKS_CONVERSATIONS',
] as const;

export type Provider = (typeof PROVIDERS)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface Person {
  provider: Provider;
  /** The vendor's id for this person, when it has one. */
  providerId: string | null;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  department: string | null;
  role: string | null;
}

export type MessageRole = 'USER' | 'ASSISTANT' | 'OTHER';

export interface Message {
  provider: Provider;
  /** Vendor id of the message, or a stable synthetic one (conversation id + index) where the vendor has none. */
  providerId: string;
  conversationProviderId: string;
  role: MessageRole;
  /** The vendor's own label for the author (`role`, `actor`, `type`, speaker name). */
  authorLabel: string | null;
  text: string;
  createdAt: Date | null;
  endedAt: Date | null;
  sender: Person | null;
}

export interface FlashbackDetails {
  provider: 'FLASHBACK';
  orgId: string | null;
  workspaceId: string | null;
  repoId: string | null;
  createdBy: string | null;
  /** Decimal strings: the vendor sends token counts as strings that can exceed 2^53. */
  tokensIn: string | null;
  tokensOut: string | null;
}

export interface ChatbaseDetails {
  provider: 'CHATBASE';
  chatbotId: string;
  source: string | null;
  customer: string | null;
}

export interface MoveworksDataDetails {
  provider: 'MOVEWORKS_DATA';
  userId: string | null;
  route: string | null;
  primaryDomain: string | null;
}

export interface SymblDetails {
  provider: 'SYMBL';
  type: string | null;
  name: string | null;
  endTime: Date | null;
  metadata: JsonObject;
}

export interface MoveworksConversationsDetails {
  provider: 'MOVEWORKS_CONVERSATIONS';
  title: string | null;
  archived: boolean;
}

export type ConversationDetails =
  | FlashbackDetails
  | ChatbaseDetails
  | MoveworksDataDetails
  | SymblDetails
  | MoveworksConversationsDetails;

export interface Conversation {
  provider: Provider;
  providerId: string;
  createdAt: Date;
  updatedAt: Date | null;
  title: string | null;
  /** Set when the list endpoint carries the creator inline. */
  creator: Person | null;
  /** Set when the list endpoint carries members inline; null means "ask the adapter". */
  members: Person[] | null;
  /** Set when the list endpoint carries messages inline; null means "ask the adapter". */
  messages: Message[] | null;
  details: ConversationDetails;
}

/**
 * The graph's filter, already validated. Vendor sections apply to their vendor only: each vendor's section is at
 * its module's `filter.key` (null when the client sent none) and read back with the module's `filter.of`.
 */
export interface ConversationFilter {
  createdAt: { from: Date | null; to: Date | null } | null;
  readonly [vendorFilterKey: string]: unknown;
  flashback: { userId: string | null; workspaceId: string | null; repoId: string | null } | null;
  chatbase: { chatbotIds: string[] | null; sources: string[] | null } | null;
  moveworksData: { userIds: string[] | null; routes: string[] | null; primaryDomains: string[] | null } | null;
  symbl: { types: string[] | null; nameContains: string | null; metadata: Record<string, string> | null } | null;
  moveworksConversations: { archived: boolean | null } | null;
}

export const EMPTY_FILTER: ConversationFilter = {
  createdAt: null,
  flashback: null,
  chatbase: null,
  moveworksData: null,
  symbl: null,
  moveworksConversations: null,
};

/** Half-open range check used by every adapter's local refinement. */
export function createdAtInRange(createdAt: Date, range: ConversationFilter['createdAt']): boolean {
  if (!range) return true;
  const t = createdAt.getTime();
  if (range.from && t < range.from.getTime()) return false;
  if (range.to && t >= range.to.getTime()) return false;
  return true;
}
