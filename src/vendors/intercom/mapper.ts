import { DeferredConversation, type Conversation, type ConversationBody, type ConversationDetails, type JsonObject, type Message, type MessageRole, type Person } from '../../domain.js';
import type { IntercomAdminWire, IntercomAuthorWire, IntercomContactWire, IntercomConversationWire, IntercomFullConversationWire, IntercomPartWire } from './client.js';
import { INTERCOM_PROVIDER } from './ids.js';

/**
 * Intercom JSON -> domain, pure.
 * - createdAt/updatedAt from whole Unix seconds; title from `title` (null when Intercom has none).
 * - creator: the author of `source` (the first message), as the source names it: a contact (`user`/`lead`),
 *   a teammate (`admin`) or Fin (`bot`, role `AI_AGENT`).
 * - members: the contacts (resolved by the adapter's contact search) and the teammates (`teammates.admins`,
 *   else `teammates.teammates`, resolved through `/admins`).
 * - messages: `source` first (unless it has no text), then the parts that are messages (MESSAGE_PART_TYPES; not notes, assignments
 *   or state events), oldest first. Intercom returns only the 500 newest parts: `truncated` says when more exist.
 */

export interface IntercomAiAgentDetails {
  participated: boolean;
  resolutionState: string | null;
  lastAnswerType: string | null;
  sourceType: string | null;
  sourceTitle: string | null;
  rating: number | null;
  ratingRemark: string | null;
  contentSources: Array<{ contentType: string | null; title: string | null; url: string | null; locale: string | null }>;
}

export interface IntercomDetails extends ConversationDetails {
  provider: 'INTERCOM';
  state: string | null;
  open: boolean | null;
  read: boolean | null;
  priority: string | null;
  /** Integers upstream (PR #453), in decimal: GraphQL's Int stops at 32 bits, the vendor's ids need not. */
  adminAssigneeId: string | null;
  teamAssigneeId: string | null;
  tags: string[];
  customAttributes: JsonObject;
  aiAgent: IntercomAiAgentDetails;
  /** Contact ids (`contacts.contacts[].id`) and teammate ids, for the members look-up. */
  contactIds: string[];
  teammateIds: string[];
  /** Whom `source` names as its author. */
  sourceAuthor: IntercomAuthorWire | null;
}

/** Part types that are turns of the conversation (the others are events: assignment, open, close, snoozed, …). */
export const MESSAGE_PART_TYPES: ReadonlySet<string> = new Set(['comment', 'quick_reply']);

/** Person.role of Fin's parts and of anything Intercom marks `from_ai_agent`. */
export const AI_AGENT_ROLE = 'AI_AGENT';

/**
 * An integer id as its decimal digits. A number past 2^53 has already lost digits in JSON.parse, so it is
 * null rather than another teammate's id; digits sent as a string are kept exactly.
 */
function integerId(value: number | string | null | undefined): string | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : null;
  if (typeof value === 'string') return /^\d{1,40}$/.test(value) ? value : null;
  return null;
}

const ids = (list: ReadonlyArray<{ id: string | number }> | null | undefined): string[] => (list ?? []).map((entry) => String(entry.id));

export function detailsOf(conversation: Conversation): IntercomDetails {
  return conversation.details as IntercomDetails;
}

/** Whether an author is Fin (or another AI agent): the 2.14 flag, else the `bot` type older versions send. */
export function isAiAuthor(author: IntercomAuthorWire | null | undefined): boolean {
  if (!author) return false;
  return author.from_ai_agent === true || (author.from_ai_agent === undefined || author.from_ai_agent === null ? author.type === 'bot' : false);
}

export function personOfAuthor(author: IntercomAuthorWire): Person {
  return {
    provider: INTERCOM_PROVIDER,
    providerId: author.id ?? null,
    displayName: author.name ?? null,
    firstName: null,
    lastName: null,
    email: author.email ?? null,
    department: null,
    role: isAiAuthor(author) ? AI_AGENT_ROLE : author.type,
  };
}

export function personOfContact(contact: IntercomContactWire): Person {
  return {
    provider: INTERCOM_PROVIDER,
    providerId: contact.id,
    displayName: contact.name ?? null,
    firstName: null,
    lastName: null,
    email: contact.email ?? null,
    department: null,
    role: contact.role ?? 'contact',
  };
}

/** A contact the search did not return (merged into another, or too new to be indexed): only its id is known. */
export function personOfContactId(id: string): Person {
  return { provider: INTERCOM_PROVIDER, providerId: id, displayName: null, firstName: null, lastName: null, email: null, department: null, role: 'contact' };
}

export function personOfAdmin(id: string, admin: IntercomAdminWire | undefined): Person {
  return {
    provider: INTERCOM_PROVIDER,
    providerId: id,
    displayName: admin?.name ?? null,
    firstName: null,
    lastName: null,
    email: admin?.email ?? null,
    department: admin?.job_title ?? null,
    role: 'admin',
  };
}

/** Key at once, the rest when first read (DeferredConversation). */
class IntercomConversation extends DeferredConversation<IntercomConversationWire> {
  constructor(wire: IntercomConversationWire) {
    super(INTERCOM_PROVIDER, wire.id, new Date(wire.created_at * 1000), wire);
  }
  protected mapBody(): ConversationBody {
    const wire = this.wire;
    const ai = wire.ai_agent ?? null;
    const details: IntercomDetails = {
      provider: 'INTERCOM',
      state: wire.state ?? null,
      open: wire.open ?? null,
      read: wire.read ?? null,
      priority: wire.priority ?? null,
      adminAssigneeId: integerId(wire.admin_assignee_id),
      teamAssigneeId: integerId(wire.team_assignee_id),
      tags: (wire.tags?.tags ?? []).map((tag) => tag.name),
      customAttributes: (wire.custom_attributes ?? {}) as JsonObject,
      aiAgent: {
        participated: wire.ai_agent_participated ?? false,
        resolutionState: ai?.resolution_state ?? null,
        lastAnswerType: ai?.last_answer_type ?? null,
        sourceType: ai?.source_type ?? null,
        sourceTitle: ai?.source_title ?? null,
        rating: ai?.rating ?? null,
        ratingRemark: ai?.rating_remark ?? null,
        contentSources: (ai?.content_sources?.content_sources ?? []).map((source) => ({
          contentType: source.content_type ?? null,
          title: source.title ?? null,
          url: source.url ?? null,
          locale: source.locale ?? null,
        })),
      },
      contactIds: ids(wire.contacts?.contacts),
      // The API sends `admins` (the SDKs override the spec's `teammates` key to it); read both.
      teammateIds: ids(wire.teammates?.admins ?? wire.teammates?.teammates),
      sourceAuthor: wire.source?.author ?? null,
    };
    return {
      updatedAt: wire.updated_at === null || wire.updated_at === undefined ? null : new Date(wire.updated_at * 1000),
      title: wire.title ?? null,
      creator: wire.source?.author ? personOfAuthor(wire.source.author) : null,
      // People are ids here: the adapter resolves them (contact search, /admins).
      members: null,
      messages: null,
      details,
    };
  }
}

export function toConversation(wire: IntercomConversationWire): Conversation {
  return new IntercomConversation(wire);
}

/**
 * Plain text of a body. Parts come as text (`display_as=plaintext`); whether `source.body` does too is
 * unconfirmed, so HTML is turned into text here whatever arrives.
 */
export function plainText(body: string | null | undefined): string {
  if (!body) return '';
  if (!/[<&]/.test(body)) return body;
  return body
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

function roleOf(author: IntercomAuthorWire | null | undefined): MessageRole {
  if (!author) return 'OTHER';
  if (isAiAuthor(author)) return 'ASSISTANT';
  if (author.type === 'user' || author.type === 'lead' || author.type === 'contact') return 'USER';
  return 'OTHER';
}

function message(conversationId: string, id: string, author: IntercomAuthorWire | null | undefined, text: string, createdAt: number | null): Message {
  return {
    provider: INTERCOM_PROVIDER,
    providerId: id,
    conversationProviderId: conversationId,
    role: roleOf(author),
    // Fin's generated answers say so (`is_ai_answer`); other turns carry the author's type.
    authorLabel: author ? (author.is_ai_answer ? 'ai_answer' : author.type) : null,
    text,
    createdAt: createdAt === null ? null : new Date(createdAt * 1000),
    endedAt: null,
    sender: author ? personOfAuthor(author) : null,
  };
}

export interface IntercomMessages {
  /** How many messages the conversation holds (source and message parts). */
  count: number;
  /** Messages `offset` to `offset + limit`, oldest first: only these are mapped. */
  slice(offset: number, limit: number): Message[];
  /** The message with this id, or null. */
  find(providerId: string): Message | null;
  /** More parts exist upstream than Intercom returned (it keeps only the 500 newest). */
  truncated: boolean;
}

/**
 * A conversation's messages, mapped when read: a page shows a few of up to 500 parts, and each mapping
 * (text from HTML, its author, its instant) is paid only for those (measured in docs/benchmarks.md,
 * "Second round").
 */
export function toMessages(wire: IntercomFullConversationWire): IntercomMessages {
  const entries: Array<() => Message> = [];
  const ids: string[] = [];
  // A source without text (an attachment-only or empty start) is no message.
  const source = wire.source;
  const sourceText = source ? plainText(source.body) : '';
  if (source && sourceText.trim().length > 0) {
    const sourceId = source.id === null || source.id === undefined ? `${wire.id}:source` : String(source.id);
    ids.push(sourceId);
    entries.push(() => message(wire.id, sourceId, source.author, sourceText, wire.created_at));
  }
  const parts = wire.conversation_parts?.conversation_parts ?? [];
  // The examples list parts oldest first, but no source says so: order them here (stable for equal seconds).
  const inOrder = parts.every((part, index) => index === 0 || parts[index - 1]!.created_at <= part.created_at);
  const ordered = inOrder
    ? parts
    : parts
        .map((part, index) => ({ part, index }))
        .sort((a, b) => a.part.created_at - b.part.created_at || a.index - b.index)
        .map(({ part }) => part);
  for (const part of ordered as IntercomPartWire[]) {
    if (!MESSAGE_PART_TYPES.has(part.part_type) || part.body === null || part.body === undefined) continue;
    ids.push(part.id);
    entries.push(() => message(wire.id, part.id, part.author, plainText(part.body), part.created_at));
  }
  const total = Math.max(wire.statistics?.count_conversation_parts ?? 0, wire.conversation_parts?.total_count ?? 0);
  const made = new Map<number, Message>();
  const at = (index: number): Message => {
    let found = made.get(index);
    if (!found) made.set(index, (found = entries[index]!()));
    return found;
  };
  return {
    count: entries.length,
    slice: (offset, limit) => {
      const end = Math.min(entries.length, offset + limit);
      const list: Message[] = [];
      for (let index = Math.max(0, offset); index < end; index += 1) list.push(at(index));
      return list;
    },
    find: (providerId) => {
      const index = ids.indexOf(providerId);
      return index === -1 ? null : at(index);
    },
    truncated: total > parts.length,
  };
}
