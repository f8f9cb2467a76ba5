/**
 * The graph's own model of conversations, people and messages. Adapters map
 * vendor JSON into these types; the schema layer only ever sees these.
 */

/**
 * A vendor's GraphQL `Provider` enum value (its module's `provider`, src/vendors/vendor-module.ts). Open: the
 * graph serves the vendors of its list (src/vendors/vendors.ts, or a test's own list).
 */
export type Provider = string;

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

/** Vendor-only fields of a conversation: each vendor defines its own type (its module's `details` serves it). */
export interface ConversationDetails {
  readonly provider: Provider;
  readonly [vendorField: string]: unknown;
}

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
}

/** No filter at all: no range, no vendor section. */
export const EMPTY_FILTER: ConversationFilter = { createdAt: null };

/** A conversation's details as its vendor's own type, or null when the conversation is another vendor's. */
export function detailsOf<Details extends ConversationDetails>(conversation: Conversation, provider: Details['provider']): Details | null {
  return conversation.details.provider === provider ? (conversation.details as Details) : null;
}

/** Half-open range check used by every adapter's local refinement. */
export function createdAtInRange(createdAt: Date, range: ConversationFilter['createdAt']): boolean {
  if (!range) return true;
  const t = createdAt.getTime();
  if (range.from && t < range.from.getTime()) return false;
  if (range.to && t >= range.to.getTime()) return false;
  return true;
}

/** A conversation's fields past its key (provider, vendor id, `createdAt`), as a vendor's mapper builds them. */
export type ConversationBody = Omit<Conversation, 'provider' | 'providerId' | 'createdAt'>;

/**
 * A conversation mapped in two steps: its key (provider, vendor id, `createdAt`: what the streams order, bound
 * and merge by) when its vendor's list is read, the rest (`mapBody`, once) when one of those fields is first
 * read. A page reads every item of the vendor pages it fetches (about 190 for a merged page of 20) and shows
 * few of them. Each vendor's mapper subclasses it; the fields are prototype getters, not accessors of an object
 * literal, which V8 builds slowly. `toJSON` gives the plain conversation (the live inbox sends them as JSON).
 */
export abstract class DeferredConversation<Wire> implements Conversation {
  // Fields declared, not defined (here and in the subclasses): a class field costs each instance a call of
  // V8's member initializer, plain assignments in the constructor do not (docs/benchmarks.md, "Third round: CPU").
  declare readonly provider: Provider;
  declare readonly providerId: string;
  declare readonly createdAt: Date;
  /** The vendor's item, which `mapBody` reads. */
  declare protected readonly wire: Wire;
  /** Absent until a field past the key is read. */
  declare private mapped: ConversationBody | undefined;
  protected constructor(provider: Provider, providerId: string, createdAt: Date, wire: Wire) {
    this.provider = provider;
    this.providerId = providerId;
    this.createdAt = createdAt;
    this.wire = wire;
  }
  protected abstract mapBody(): ConversationBody;
  private body(): ConversationBody {
    return (this.mapped ??= this.mapBody());
  }
  get updatedAt(): Date | null {
    return this.body().updatedAt;
  }
  get title(): string | null {
    return this.body().title;
  }
  get creator(): Person | null {
    return this.body().creator;
  }
  get members(): Person[] | null {
    return this.body().members;
  }
  get messages(): Message[] | null {
    return this.body().messages;
  }
  get details(): ConversationDetails {
    return this.body().details;
  }
  toJSON(): Conversation {
    return plainConversation(this);
  }
}

/** The conversation as a plain object of its fields (what JSON and a deep comparison see). */
export function plainConversation(conversation: Conversation): Conversation {
  return {
    provider: conversation.provider,
    providerId: conversation.providerId,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
    title: conversation.title,
    creator: conversation.creator,
    members: conversation.members,
    messages: conversation.messages,
    details: conversation.details,
  };
}

const DIGIT_0 = 48;

/** The digits of `text` from `start` to `end` as a number, or -1 when one is not a digit. */
function digitsAt(text: string, start: number, end: number): number {
  let value = 0;
  for (let index = start; index < end; index += 1) {
    const digit = text.charCodeAt(index) - DIGIT_0;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * `Date.parse(text)`, the same number for every string, read without the engine's general parser when the text
 * has the shape vendors send (`YYYY-MM-DDTHH:MM:SSZ`, with `.sss` or without): about a third of the time. A
 * merged page reads several hundred instants (every item's, and the scans'). Anything else, and any field out
 * of the ranges below, goes to `Date.parse`.
 */
export function parseInstant(text: string): number {
  const length = text.length;
  if (
    (length === 24 || length === 20) &&
    text.charCodeAt(length - 1) === 90 /* Z */ &&
    text.charCodeAt(4) === 45 /* - */ &&
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 84 /* T */ &&
    text.charCodeAt(13) === 58 /* : */ &&
    text.charCodeAt(16) === 58 &&
    (length === 20 || text.charCodeAt(19) === 46) /* . */
  ) {
    const year = digitsAt(text, 0, 4);
    const month = digitsAt(text, 5, 7);
    const day = digitsAt(text, 8, 10);
    const hour = digitsAt(text, 11, 13);
    const minute = digitsAt(text, 14, 16);
    const second = digitsAt(text, 17, 19);
    const ms = length === 24 ? digitsAt(text, 20, 23) : 0;
    // Years below 100 are read as 19xx by Date.UTC, hour 24 is Date.parse's own case: both go to it.
    if (year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 && ms >= 0) {
      return Date.UTC(year, month - 1, day, hour, minute, second, ms);
    }
  }
  return Date.parse(text);
}
