import { randomUUID } from 'node:crypto';
import { Emulator, bearerToken, insertSorted, removeWhere, type EmulatorDefinition, type EmulatorRequest, type EmulatorResponse, type EmulatorRoute, type LiveData } from './framework.js';
import { FIRST_NAMES, LAST_NAMES, TOPICS, createRandom, startOfUtcDay, type Random } from './random.js';
import { compileSearch, wordsOf, type FieldType, type SearchRefusal, type SearchSchema, type SearchValue } from './intercom-search.js';
import type { EmulatorOptions } from './options.js';

/**
 * Emulator of Intercom's REST API as far as listing Fin's conversations needs it
 * (shared/providers/intercom-conversations.md; the numbered "things an emulator
 * must reproduce" are all here):
 * - `POST /conversations/search` with the query language (intercom-search.ts),
 *   `sort`, `pagination {per_page ≤ 150, starting_after}`; `GET /conversations`
 *   (no filter, no sort); `GET /conversations/{id}` with `display_as=plaintext`
 *   and only the 500 newest parts; `POST /contacts/search`, `GET /contacts/{id}`;
 *   `GET /admins` (teammates).
 * - Stateless cursors: base64 of `[sort value (ms), last id, next page]`; the next
 *   page is whatever follows that key in the order at the time it is asked for.
 * - `Intercom-Version` (1.0…2.16, Preview/Unstable; the default when absent is
 *   the app's, `defaultVersion`): the shape and enums follow it (`resolution_state`
 *   2.11–2.14 vs 2.15+, `from_ai_agent`/`is_ai_answer` from 2.14, no
 *   `custom_attributes` in 2.12/2.13). An unknown version is a 400.
 * - 401 without or with a wrong bearer (no rate-limit headers), 406 without a
 *   JSON `Accept`, 404 `not_found`, 403 `api_plan_restricted` as a switch,
 *   fixed 10-second rate windows with `X-RateLimit-*` and 429.
 * - Timestamps are whole seconds, with several conversations inside one second.
 *
 * Where the contract says "unconfirmed", `IntercomSwitches` holds both readings;
 * the defaults are the readings the doc calls most likely.
 */

// ---------------------------------------------------------------- wire types

export interface IntercomWireAuthor {
  type: string;
  id: string;
  name: string | null;
  email: string;
  from_ai_agent?: boolean;
  is_ai_answer?: boolean;
}

export interface IntercomWirePart {
  type: 'conversation_part';
  id: string;
  part_type: string;
  body: string | null;
  created_at: number;
  updated_at: number;
  notified_at: number;
  assigned_to: { type: string; id: string | null } | null;
  author: IntercomWireAuthor;
  attachments: unknown[];
  external_id: string | null;
  redacted: boolean;
  state?: string;
  tags?: Array<{ type: 'tag'; id: string; name: string }> | null;
}

export interface IntercomWireContentSource {
  content_type: string;
  url: string;
  title: string;
  locale: string;
}

export interface IntercomWireAiAgent {
  source_type: string | null;
  source_title: string | null;
  last_answer_type: string | null;
  resolution_state: string | null;
  rating: number | null;
  rating_remark: string | null;
  created_at?: number;
  updated_at?: number;
  content_sources: { type: 'content_source.list'; total_count: number; content_sources: IntercomWireContentSource[] };
}

export interface IntercomWireConversation {
  type: 'conversation';
  id: string;
  title: string | null;
  created_at: number;
  updated_at: number;
  waiting_since: number | null;
  snoozed_until: number | null;
  open: boolean;
  state: 'open' | 'closed' | 'snoozed';
  read: boolean;
  priority: 'priority' | 'not_priority';
  admin_assignee_id: number | null;
  team_assignee_id: number | null;
  tags: { type: 'tag.list'; tags: Array<{ type: 'tag'; id: string; name: string; applied_at: number }> };
  conversation_rating: { rating: number; remark: string | null; created_at: number; contact: { type: 'contact'; id: string } } | null;
  source: {
    type: string;
    id: string;
    delivered_as: string;
    subject: string;
    body: string;
    author: IntercomWireAuthor;
    attachments: unknown[];
    url: string | null;
    redacted: boolean;
  };
  contacts: { type: 'contact.list'; contacts: Array<{ type: 'contact'; id: string; external_id: string | null }> };
  teammates: { type: 'admin.list'; admins: Array<{ type: 'admin'; id: string }> } | null;
  custom_attributes?: Record<string, string | number | boolean | null>;
  first_contact_reply: { created_at: number; type: string; url: string | null } | null;
  sla_applied: null;
  statistics: { type: 'conversation_statistics'; count_conversation_parts: number; first_contact_reply_at: number | null; last_close_at: number | null };
  linked_objects: { type: 'list'; data: unknown[]; total_count: number; has_more: boolean };
  ai_agent_participated: boolean;
  ai_agent: IntercomWireAiAgent | null;
}

export interface IntercomWireContact {
  type: 'contact';
  id: string;
  external_id: string | null;
  workspace_id: string;
  role: 'user' | 'lead';
  email: string;
  name: string | null;
  phone: string | null;
  avatar: { type: 'avatar'; image_url: string | null } | string | null;
  created_at: number;
  updated_at: number;
  last_seen_at: number | null;
}

export interface IntercomWireAdmin {
  type: 'admin';
  id: string;
  name: string;
  email: string;
  job_title: string | null;
  away_mode_enabled: boolean;
  has_inbox_seat: boolean;
}

/** One conversation as stored: the wire object (2.14 baseline), all its parts, and its 2.15+ resolution state. */
export interface IntercomRecord {
  conversation: IntercomWireConversation;
  /** Oldest first; may exceed the 500 that `GET /conversations/{id}` returns. */
  parts: IntercomWirePart[];
  /** `ai_agent.resolution_state` under 2.15+ and Preview (2.14's `routed_to_team` became `escalated`, …). */
  resolutionStateFrom215: string | null;
}

export interface IntercomDemoData {
  /** Newest first by (created_at, id). */
  records: IntercomRecord[];
  contacts: IntercomWireContact[];
  /** Contacts merged into another: referenced by conversations, absent from search, 404 on GET. */
  mergedContactIds: Set<string>;
  admins: IntercomWireAdmin[];
  /** Fin's author record on its parts. */
  fin: IntercomWireAuthor;
}

// ---------------------------------------------------------------- switches

export type IntercomListOrder = 'newest' | 'recently-updated' | 'oldest';

/** The contract's "unconfirmed" behaviours, both readings each (defaults: the likeliest), plus switchable faults. */
export interface IntercomSwitches {
  /** §3: `>`/`<` include equality. */
  rangeInclusive: boolean;
  /** §3: conversation search matches dates by calendar day (as contact search does). */
  datesByDay: boolean;
  /** §3: the `sort` object (absent from the OpenAPI) is honoured; when false, search answers in the list order. */
  honourSort: boolean;
  /** §3: the field search sorts by when no `sort` is sent (descending). */
  defaultSortField: 'created_at' | 'updated_at';
  /** §1: the list's order. */
  listOrder: IntercomListOrder;
  /** §2: `display_as=plaintext` also turns `source.body` into plain text. */
  plaintextSource: boolean;
  /** §2: `conversation_parts.total_count` counts every part (true) or those returned (false). */
  partsTotalCountAll: boolean;
  /** Common: `per_page` above 150 (or ≤ 0) is a 400 (`reject`) or clamped (`clamp`). */
  perPageOutOfRange: 'reject' | 'clamp';
  /** §5: longest `IN` list contact search accepts (null: no limit). */
  contactsMaxIn: number | null;
  /** §5: `avatar` as the spec's object or the SDK's URL string. */
  avatarAsString: boolean;
  /** Rate limits: a `Retry-After` header on 429s. */
  retryAfterOn429: boolean;
  /** 403 `api_plan_restricted` on every call. */
  planRestricted: boolean;
  /** Requests per 10-second window per token (10,000/min ÷ 6 ≈ 1,667). */
  rateLimitPerWindow: number;
}

export const DEFAULT_INTERCOM_SWITCHES: IntercomSwitches = {
  rangeInclusive: false,
  datesByDay: false,
  honourSort: true,
  defaultSortField: 'created_at',
  listOrder: 'newest',
  plaintextSource: false,
  partsTotalCountAll: false,
  perPageOutOfRange: 'reject',
  contactsMaxIn: null,
  avatarAsString: false,
  retryAfterOn429: false,
  planRestricted: false,
  rateLimitPerWindow: 1667,
};

// ---------------------------------------------------------------- constants

export const INTERCOM_DEFAULT_TOKEN = 'intercom-demo-token';
export const INTERCOM_MAX_PER_PAGE = 150;
export const INTERCOM_DEFAULT_PER_PAGE = 20;
export const INTERCOM_CONTACTS_DEFAULT_PER_PAGE = 50;
export const INTERCOM_PARTS_CAP = 500;
export const INTERCOM_RATE_WINDOW_SECONDS = 10;

export const INTERCOM_VERSIONS = [
  '1.0', '1.1', '1.2', '1.3', '1.4',
  '2.0', '2.1', '2.2', '2.3', '2.4', '2.5', '2.6', '2.7', '2.8', '2.9', '2.10', '2.11', '2.12', '2.13', '2.14', '2.15', '2.16',
  'Preview', 'Unstable',
] as const;

/** `ai_agent.resolution_state` by version (§4). */
export const RESOLUTION_STATES_2_14 = ['assumed_resolution', 'confirmed_resolution', 'routed_to_team', 'abandoned'] as const;
export const RESOLUTION_STATES_2_15 = ['assumed_resolution', 'confirmed_resolution', 'escalated', 'negative_feedback', 'procedure_handoff'] as const;

/** [major, minor]; Preview and Unstable come after every numbered version. */
export function versionRank(version: string): number {
  if (version === 'Preview' || version === 'Unstable') return Number.POSITIVE_INFINITY;
  const [major, minor] = version.split('.').map(Number) as [number, number];
  return major * 1000 + minor;
}
const V = (version: string): number => versionRank(version);

// ---------------------------------------------------------------- demo data

const TAGS = [
  { type: 'tag' as const, id: '7001', name: 'billing' },
  { type: 'tag' as const, id: '7002', name: 'vpn' },
  { type: 'tag' as const, id: '7003', name: 'urgent ⚡' },
  { type: 'tag' as const, id: '7004', name: 'refund "priority"' },
];
const ARTICLES = [
  'How to reset your password',
  'Refunds & returns',
  'VPN set-up on macOS',
  'Réinitialiser le mot de passe',
  'Billing FAQ',
];
const FIN_ANSWERS = [
  'You can reset it from Settings → Security. Did that help?',
  'Refunds take 5–7 days & appear on your statement as "ACME".',
  "Here's the article: <VPN set-up on macOS>.",
  'Je peux vous aider avec ça 🙂',
  'I could not find that; let me pass you to the team.',
];
const USER_LINES = [
  'It still does not work',
  'Thanks, that worked!',
  'Where is C:\\Users\\me\\vpn.conf?',
  'Can I talk to a human?',
  'Merci beaucoup',
  '<script>alert(1)</script> is in my invoice',
];
const ADMIN_LINES = ['Hi, I am looking into this now.', 'Fixed on our side — please retry.', "I've issued the refund."];

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
function html(text: string): string {
  return `<p>${escapeHtml(text)}</p>`;
}

/** Intercom's plaintext rendering: tags out, paragraphs and breaks as newlines, entities decoded. */
export function toPlainText(body: string | null): string | null {
  if (body === null) return null;
  return body
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function hexId(random: Random): string {
  return random.hex(24);
}

/** Newest first by created_at, then by id (numeric) descending: the inferred list order. */
export function compareNewest(a: IntercomWireConversation, b: IntercomWireConversation): number {
  if (a.created_at !== b.created_at) return b.created_at - a.created_at;
  return compareNumericIds(b.id, a.id);
}

export function compareNumericIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Demo data: `size` conversations (default 320) over ~60 days before `anchor`, in
 * whole seconds, with ties (one second holds 7 conversations, more hold 2–3);
 * about three quarters with Fin, a third of those handed to a teammate; a few
 * without contacts or with a contact merged away; one conversation with 620 parts
 * (over the 500 cap), one with no message at all (an empty source, events only); HTML bodies with entities, quotes, backslashes and non-ASCII.
 */
export function intercomDemoData(options: EmulatorOptions = {}): IntercomDemoData {
  const random = createRandom(options.seed ?? 23);
  const size = options.size ?? 320;
  const anchorSeconds = Math.floor((options.anchor ?? startOfUtcDay()).getTime() / 1000);
  const spanSeconds = 60 * 86_400;

  const admins: IntercomWireAdmin[] = Array.from({ length: 6 }, (_, i) => {
    const first = FIRST_NAMES[(i * 3 + 1) % FIRST_NAMES.length] as string;
    const last = LAST_NAMES[(i * 7 + 2) % LAST_NAMES.length] as string;
    return {
      type: 'admin',
      id: String(5017690 + i * 13),
      name: `${first} ${last}`,
      email: `${first.toLowerCase().replace(/[^a-z]/g, '') || 'teammate'}.${i}@support.example.com`,
      job_title: random.pick(['Support engineer', 'Team lead', null]),
      away_mode_enabled: random.chance(0.2),
      has_inbox_seat: true,
    };
  });
  const fin: IntercomWireAuthor = { type: 'bot', id: '4312001', name: 'Fin', email: 'operator+fin@intercom.io', from_ai_agent: true, is_ai_answer: true };

  const contacts: IntercomWireContact[] = Array.from({ length: 90 }, (_, i) => {
    const first = FIRST_NAMES[i % FIRST_NAMES.length] as string;
    const last = LAST_NAMES[(i * 5) % LAST_NAMES.length] as string;
    const created = anchorSeconds - spanSeconds - random.int(0, 400) * 86_400;
    return {
      type: 'contact',
      id: hexId(random),
      external_id: random.chance(0.5) ? `crm-${1000 + i}` : null,
      workspace_id: 'ecahpwf5',
      role: random.chance(0.8) ? 'user' : 'lead',
      email: `${first.toLowerCase().replace(/[^a-z]/g, '') || 'contact'}.${i}@customer.example.com`,
      name: random.chance(0.1) ? null : `${first} ${last}`,
      phone: random.chance(0.3) ? `+44 20 7946 0${String(100 + i).slice(-3)}` : null,
      avatar: { type: 'avatar', image_url: random.chance(0.5) ? `https://static.example.com/avatars/${i}.png` : null },
      created_at: created,
      updated_at: created + random.int(0, 86_400),
      last_seen_at: random.chance(0.8) ? anchorSeconds - random.int(0, spanSeconds) : null,
    };
  });
  const mergedContactIds = new Set(contacts.slice(0, 4).map((contact) => contact.id));

  // Instants: whole seconds, newest first, with ties: every 11th repeats its predecessor, and one second holds 7.
  const seconds: number[] = [];
  for (let i = 0; i < size; i += 1) seconds.push(anchorSeconds - 60 - random.int(0, spanSeconds));
  seconds.sort((a, b) => b - a);
  for (let i = 1; i < seconds.length; i += 1) if (i % 11 === 0) seconds[i] = seconds[i - 1] as number;
  const cluster = Math.min(30, Math.max(0, size - 7));
  for (let i = cluster + 1; i < Math.min(size, cluster + 7); i += 1) seconds[i] = seconds[cluster] as number;

  // Ids grow with time (Intercom's do), but within one second their order is arbitrary.
  const ids: string[] = [];
  let next = 100_000_000 + size * 40;
  for (let i = 0; i < size; i += 1) {
    next -= random.int(1, 37);
    ids.push(String(next));
  }
  for (let i = 1; i < size; i += 1) {
    if (seconds[i] === seconds[i - 1] && random.chance(0.5)) [ids[i], ids[i - 1]] = [ids[i - 1] as string, ids[i] as string];
  }

  let partId = 9_000_000_000;
  const records: IntercomRecord[] = seconds.map((createdAt, index) => {
    const id = ids[index] as string;
    // One conversation holds no message at all: an empty source (an attachment-only start) and events only.
    // It is one with Fin, so the default (`INTERCOM_AI_ONLY`) serves it.
    const silent = index === Math.min(size - 1, 17);
    const withFin = random.chance(0.75) || silent;
    const handedOver = withFin && random.chance(0.33);
    const finStarted = withFin && random.chance(0.06);
    const contactCount = random.chance(0.04) ? 0 : random.chance(0.1) ? 2 : 1;
    const people: IntercomWireContact[] = [];
    for (let c = 0; c < contactCount; c += 1) {
      const contact = random.pick(contacts);
      if (!people.includes(contact)) people.push(contact);
    }
    const admin = random.pick(admins);
    const contact = people[0] ?? null;
    const contactAuthor = (who: IntercomWireContact): IntercomWireAuthor => ({
      type: who.role,
      id: who.id,
      name: who.name,
      email: who.email,
      from_ai_agent: false,
      is_ai_answer: false,
    });
    const adminAuthor: IntercomWireAuthor = { type: 'admin', id: admin.id, name: admin.name, email: admin.email, from_ai_agent: false, is_ai_answer: false };
    const topic = random.pick(TOPICS);
    const sourceAuthor = finStarted || !contact ? { ...fin, is_ai_answer: false } : contactAuthor(contact);

    const parts: IntercomWirePart[] = [];
    let at = createdAt;
    const part = (partType: string, author: IntercomWireAuthor, body: string | null, extra: Partial<IntercomWirePart> = {}): void => {
      at += random.int(1, 90);
      partId += 1;
      parts.push({
        type: 'conversation_part',
        id: String(partId),
        part_type: partType,
        body,
        created_at: at,
        updated_at: at,
        notified_at: at,
        assigned_to: null,
        author,
        attachments: [],
        external_id: null,
        redacted: false,
        state: 'open',
        tags: null,
        ...extra,
      });
    };
    const big = index === Math.min(size - 1, 12);
    const turns = big ? 300 : silent ? 0 : random.int(0, 4);
    for (let t = 0; t < turns; t += 1) {
      if (withFin && !(handedOver && t > 1)) {
        part(random.chance(0.15) ? 'quick_reply' : 'comment', fin, html(random.pick(FIN_ANSWERS)));
      } else {
        part('comment', adminAuthor, html(random.pick(ADMIN_LINES)));
      }
      if (contact) part('comment', contactAuthor(contact), html(random.pick(USER_LINES)));
      if (handedOver && t === 1) {
        part('assignment', fin, null, { assigned_to: { type: 'admin', id: admin.id } });
        if (random.chance(0.5)) part('note', adminAuthor, html('Customer is on the "Pro" plan & asked twice.'));
      }
    }
    if (big) for (let k = 0; k < 20; k += 1) part(k % 2 === 0 ? 'close' : 'open', adminAuthor, null);
    const state = random.pick(['open', 'closed', 'closed', 'snoozed'] as const);
    if (state === 'closed') part('close', handedOver ? adminAuthor : fin, null, { state: 'closed' });
    const updatedAt = Math.max(createdAt, at) + random.int(0, 600);

    const resolution214 = withFin
      ? handedOver
        ? 'routed_to_team'
        : random.pick(['assumed_resolution', 'assumed_resolution', 'confirmed_resolution', 'abandoned'])
      : null;
    const resolution215 =
      resolution214 === 'routed_to_team'
        ? random.chance(0.3)
          ? 'procedure_handoff'
          : 'escalated'
        : resolution214 === 'abandoned'
          ? 'negative_feedback'
          : resolution214;
    const sources = random.int(0, 2);
    const aiAgent: IntercomWireAiAgent | null = withFin
      ? {
          source_type: random.pick(['workflow', 'profile', 'essentials_plan_setup', 'fin_preview']),
          source_title: random.chance(0.7) ? random.pick(['Fin over Messenger', 'Fin — email "support"', 'Fin 出張']) : null,
          last_answer_type: random.pick(['ai_answer', 'ai_answer', 'custom_answer', null]),
          resolution_state: resolution214,
          rating: random.chance(0.3) ? random.int(1, 5) : null,
          rating_remark: random.chance(0.15) ? random.pick(['Great', 'Not helpful "at all"', 'Très utile']) : null,
          created_at: createdAt + 5,
          updated_at: updatedAt,
          content_sources: {
            type: 'content_source.list',
            total_count: sources,
            content_sources: Array.from({ length: sources }, (_, k) => ({
              content_type: random.pick(['article', 'content_snippet', 'external_content']),
              url: `/fin-ai-agent/article/${8000 + k + index}`,
              title: random.pick(ARTICLES),
              locale: random.pick(['en', 'fr']),
            })),
          },
        }
      : null;
    const customAttributes: Record<string, string | number | boolean | null> = {};
    if (random.chance(0.5)) customAttributes.Plan = random.pick(['Free', 'Pro', 'Enterprise']);
    if (random.chance(0.3)) customAttributes.Seats = random.int(1, 500);
    if (random.chance(0.2)) customAttributes['Beta user'] = random.chance(0.5);
    if (random.chance(0.1)) customAttributes.Notes = 'He said "hi" \\ Ünïcödé';
    const tags = TAGS.filter(() => random.chance(0.2)).map((tag) => ({ ...tag, applied_at: createdAt + 60 }));
    const teammates = handedOver || !withFin ? [{ type: 'admin' as const, id: admin.id }] : [];
    if (!withFin && parts.length === 0 && !silent) part('comment', adminAuthor, html(random.pick(ADMIN_LINES)));
    if (silent) part('assignment', adminAuthor, null, { assigned_to: { type: 'admin', id: admin.id } });
    const conversation: IntercomWireConversation = {
      type: 'conversation',
      id,
      title: random.chance(0.3) ? topic : null,
      created_at: createdAt,
      updated_at: updatedAt,
      waiting_since: state === 'open' ? updatedAt : null,
      snoozed_until: state === 'snoozed' ? anchorSeconds + random.int(1, 5) * 86_400 : null,
      open: state !== 'closed',
      state,
      read: random.chance(0.7),
      priority: random.chance(0.15) ? 'priority' : 'not_priority',
      admin_assignee_id: handedOver || (!withFin && random.chance(0.8)) ? Number(admin.id) : null,
      team_assignee_id: handedOver && random.chance(0.5) ? 814 : null,
      tags: { type: 'tag.list', tags },
      conversation_rating:
        contact && random.chance(0.2)
          ? { rating: random.int(1, 5), remark: random.chance(0.5) ? 'Quick & helpful' : null, created_at: updatedAt, contact: { type: 'contact', id: contact.id } }
          : null,
      source: {
        type: random.pick(['conversation', 'conversation', 'email']),
        id: String(400_000_000 + index),
        delivered_as: finStarted ? 'automated' : 'customer_initiated',
        subject: '',
        body: silent ? '' : html(topic),
        author: sourceAuthor,
        attachments: [],
        url: random.chance(0.3) ? 'https://www.example.com/help?q="vpn"&lang=en' : null,
        redacted: false,
      },
      contacts: { type: 'contact.list', contacts: people.map((who) => ({ type: 'contact', id: who.id, external_id: who.external_id })) },
      teammates: { type: 'admin.list', admins: teammates },
      custom_attributes: customAttributes,
      first_contact_reply: contact ? { created_at: createdAt, type: 'conversation', url: null } : null,
      sla_applied: null,
      statistics: {
        type: 'conversation_statistics',
        count_conversation_parts: parts.length,
        first_contact_reply_at: contact ? createdAt : null,
        last_close_at: state === 'closed' ? at : null,
      },
      linked_objects: { type: 'list', data: [], total_count: 0, has_more: false },
      ai_agent_participated: withFin,
      ai_agent: aiAgent,
    };
    return { conversation, parts, resolutionStateFrom215: resolution215 };
  });
  records.sort((a, b) => compareNewest(a.conversation, b.conversation));
  return { records, contacts, mergedContactIds, admins, fin };
}

// ---------------------------------------------------------------- rendering by version

function authorFor(author: IntercomWireAuthor, version: number): IntercomWireAuthor {
  if (version >= V('2.14')) return author;
  const { from_ai_agent: _ai, is_ai_answer: _answer, ...older } = author;
  return older;
}

/** The conversation as `version` sends it (list and search items carry no parts). */
export function renderConversation(record: IntercomRecord, version: number): IntercomWireConversation {
  const c = record.conversation;
  const rendered: IntercomWireConversation = { ...c, source: { ...c.source, author: authorFor(c.source.author, version) } };
  if (c.ai_agent) {
    const aiAgent: IntercomWireAiAgent = { ...c.ai_agent, resolution_state: version >= V('2.15') ? record.resolutionStateFrom215 : c.ai_agent.resolution_state };
    if (version < V('2.14')) {
      delete aiAgent.created_at;
      delete aiAgent.updated_at;
    }
    rendered.ai_agent = aiAgent;
  }
  if (version === V('2.12') || version === V('2.13')) delete rendered.custom_attributes;
  return rendered;
}

function renderPart(part: IntercomWirePart, version: number, plaintext: boolean): IntercomWirePart {
  const rendered: IntercomWirePart = { ...part, author: authorFor(part.author, version), body: plaintext ? toPlainText(part.body) : part.body };
  if (version < V('2.13')) {
    delete rendered.state;
    delete rendered.tags;
  }
  return rendered;
}

// ---------------------------------------------------------------- search schemas

const conversationFields = (version: () => number): SearchSchema<IntercomRecord>['fields'] => {
  const f = (type: FieldType, read: (c: IntercomWireConversation, r: IntercomRecord) => SearchValue | undefined) => ({
    type,
    read: (record: IntercomRecord) => read(record.conversation, record),
  });
  return {
    id: f('string', (c) => c.id),
    created_at: f('date', (c) => c.created_at),
    updated_at: f('date', (c) => c.updated_at),
    waiting_since: f('date', (c) => c.waiting_since),
    snoozed_until: f('date', (c) => c.snoozed_until),
    'source.type': f('string', (c) => c.source.type),
    'source.id': f('string', (c) => c.source.id),
    'source.delivered_as': f('string', (c) => c.source.delivered_as),
    'source.subject': f('string', (c) => c.source.subject),
    'source.body': f('string', (c) => wordsOf(c.source.body)),
    'source.url': f('string', (c) => c.source.url),
    'source.author.id': f('string', (c) => c.source.author.id),
    'source.author.type': f('string', (c) => c.source.author.type),
    'source.author.name': f('string', (c) => c.source.author.name),
    'source.author.email': f('string', (c) => c.source.author.email),
    contact_ids: f('string', (c) => c.contacts.contacts.map((contact) => contact.id)),
    teammate_ids: f('string', (c) => (c.teammates?.admins ?? []).map((admin) => admin.id)),
    tag_ids: f('string', (c) => c.tags.tags.map((tag) => tag.id)),
    channel_initiated: f('string', (c) => c.source.type),
    state: f('string', (c) => c.state),
    priority: f('string', (c) => c.priority),
    admin_assignee_id: f('integer', (c) => c.admin_assignee_id),
    team_assignee_id: f('integer', (c) => c.team_assignee_id),
    open: f('boolean', (c) => c.open),
    read: f('boolean', (c) => c.read),
    'statistics.count_conversation_parts': f('integer', (c) => c.statistics.count_conversation_parts),
    'statistics.last_close_at': f('date', (c) => c.statistics.last_close_at),
    'statistics.first_contact_reply_at': f('date', (c) => c.statistics.first_contact_reply_at),
    'conversation_rating.rating': f('integer', (c) => c.conversation_rating?.rating ?? null),
    'conversation_rating.remark': f('string', (c) => c.conversation_rating?.remark ?? null),
    ai_agent_participated: f('boolean', (c) => c.ai_agent_participated),
    'ai_agent.resolution_state': f('string', (c, r) => (version() >= V('2.15') ? r.resolutionStateFrom215 : (c.ai_agent?.resolution_state ?? null))),
    'ai_agent.last_answer_type': f('string', (c) => c.ai_agent?.last_answer_type ?? null),
    'ai_agent.source_type': f('string', (c) => c.ai_agent?.source_type ?? null),
    'ai_agent.source_title': f('string', (c) => c.ai_agent?.source_title ?? null),
    'ai_agent.rating_remark': f('string', (c) => c.ai_agent?.rating_remark ?? null),
    'ai_agent.rating': f('integer', (c) => c.ai_agent?.rating ?? null),
  };
};

const CONTACT_FIELDS: SearchSchema<IntercomWireContact>['fields'] = {
  id: { type: 'string', read: (c) => c.id },
  external_id: { type: 'string', read: (c) => c.external_id },
  email: { type: 'string', read: (c) => c.email },
  name: { type: 'string', read: (c) => c.name },
  role: { type: 'string', read: (c) => c.role },
  phone: { type: 'string', read: (c) => c.phone },
  created_at: { type: 'date', read: (c) => c.created_at },
  updated_at: { type: 'date', read: (c) => c.updated_at },
  last_seen_at: { type: 'date', read: (c) => c.last_seen_at },
};

/** Sortable keys: dates in ms for the cursor's first element (the guide's cursors hold ms). */
const SORT_FIELDS: Record<string, (c: IntercomWireConversation) => number> = {
  created_at: (c) => c.created_at * 1000,
  updated_at: (c) => c.updated_at * 1000,
  waiting_since: (c) => (c.waiting_since ?? 0) * 1000,
  id: (c) => Number(c.id),
};

// ---------------------------------------------------------------- the server

export interface IntercomEmulatorOptions extends EmulatorOptions {
  /** The app's version in the Developer Hub: what applies without an `Intercom-Version` header (default 2.11). */
  defaultVersion?: string;
  switches?: Partial<IntercomSwitches>;
  /** The emulator's clock (rate windows). Default: real time. */
  now?: () => number;
}

type Body = Record<string, unknown>;

function errorList(errors: SearchRefusal[]): Body {
  return { type: 'error.list', request_id: randomUUID(), errors };
}
function error(status: number, code: string, message: string, field?: string): EmulatorResponse {
  return { status, body: errorList([field === undefined ? { code, message } : { code, message, field }]) };
}
const notFound = (): EmulatorResponse => error(404, 'not_found', 'Resource Not Found');

function encodeCursor(sortValue: number, id: string, page: number): string {
  return Buffer.from(JSON.stringify([sortValue, /^\d{1,15}$/.test(id) ? Number(id) : id, page])).toString('base64');
}
function decodeCursor(cursor: string): { sortValue: number; id: string; page: number } | null {
  try {
    if (!/^[A-Za-z0-9+/=_-]+$/.test(cursor)) return null;
    const parsed = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as unknown;
    if (!Array.isArray(parsed) || parsed.length !== 3) return null;
    const [sortValue, id, page] = parsed as unknown[];
    if (typeof sortValue !== 'number' || (typeof id !== 'number' && typeof id !== 'string') || typeof page !== 'number' || !Number.isInteger(page) || page < 2) return null;
    return { sortValue, id: String(id), page };
  } catch {
    return null;
  }
}

interface Ordering<R> {
  compare: (a: R, b: R) => number;
  key: (r: R) => number;
  id: (r: R) => string;
  /** -1 descending, 1 ascending. */
  sign: number;
}

function ordering<R>(key: (r: R) => number, id: (r: R) => string, descending: boolean): Ordering<R> {
  const sign = descending ? -1 : 1;
  return {
    key,
    id,
    sign,
    compare: (a, b) => {
      const x = key(a);
      const y = key(b);
      if (x !== y) return (x > y ? 1 : -1) * sign;
      return compareNumericIds(id(a), id(b)) * sign;
    },
  };
}

/** One page of `items` (already in order) after `cursor`: the stateless cursor names the last key seen, not an offset. */
function paginate<R>(
  items: R[],
  order: Ordering<R>,
  perPage: number,
  cursor: { sortValue: number; id: string; page: number } | null,
): { page: R[]; pages: Body; total: number } {
  let start = 0;
  if (cursor) {
    start = items.findIndex((item) => {
      const key = order.key(item);
      const sign = key !== cursor.sortValue ? (key > cursor.sortValue ? 1 : -1) : compareNumericIds(order.id(item), cursor.id);
      return sign * order.sign > 0;
    });
    if (start < 0) start = items.length;
  }
  const page = items.slice(start, start + perPage);
  const pageNumber = cursor?.page ?? 1;
  const total = items.length;
  const pages: Body = { type: 'pages', page: pageNumber, per_page: perPage, total_pages: Math.ceil(total / perPage) };
  const last = page[page.length - 1];
  if (last !== undefined && start + perPage < total) {
    pages.next = { page: pageNumber + 1, starting_after: encodeCursor(order.key(last), order.id(last), pageNumber + 1) };
  }
  return { page, pages, total };
}

export interface IntercomEmulator {
  emulator: Emulator;
  data: IntercomDemoData;
  token: string;
  env: Record<string, string>;
  switches: IntercomSwitches;
  /** Change switches (tests); `reset()` of the emulator does not touch them, `resetSwitches()` does. */
  setSwitches(patch: Partial<IntercomSwitches>): void;
  resetSwitches(): void;
  /** Records newest first, as the list and the default search order hold them. */
  records(): IntercomRecord[];
  /** Adds a conversation created at that second (the framework's live data); returns it. */
  addConversation(createdAt: number): IntercomRecord;
  deleteConversation(id: string): boolean;
  /** Moves the clock of the rate windows. */
  setNow(now: (() => number) | null): void;
}

/**
 * Live changes through the framework's control endpoints: an added conversation
 * copies a seeded one with Fin (new id, created at the given second, no parts);
 * a touch moves `updated_at` (the list order `recently-updated` follows it).
 */
function intercomLive(data: IntercomDemoData): LiveData {
  let nextId = Math.max(...data.records.map((record) => Number(record.conversation.id)), 100_000_000) + 1;
  const templates = data.records.filter((record) => record.conversation.ai_agent_participated);
  return {
    add(createdAtMs, random, fields) {
      if (Object.keys(fields).length > 0) throw new Error('intercom conversations take no placement fields');
      const base = templates.length > 0 ? random.pick(templates) : (data.records[0] as IntercomRecord);
      const createdAt = Math.floor(createdAtMs / 1000);
      const id = String(nextId);
      nextId += 1;
      const record: IntercomRecord = {
        ...base,
        parts: [],
        conversation: {
          ...base.conversation,
          id,
          created_at: createdAt,
          updated_at: createdAt,
          statistics: { ...base.conversation.statistics, count_conversation_parts: 0 },
        },
      };
      insertSorted(data.records, record, (a, b) => compareNewest(a.conversation, b.conversation));
      return { id, createdAt: new Date(createdAt * 1000).toISOString() };
    },
    remove: (id) => removeWhere(data.records, (record) => record.conversation.id === id),
    touch(id, atMs) {
      const record = data.records.find((candidate) => candidate.conversation.id === id);
      if (!record) return false;
      record.conversation = { ...record.conversation, updated_at: Math.max(record.conversation.created_at, Math.floor(atMs / 1000)) };
      return true;
    },
    list: () => data.records.map((record) => ({ id: record.conversation.id, createdAt: new Date(record.conversation.created_at * 1000).toISOString() })),
  };
}

export function intercomDefinition(
  data: IntercomDemoData,
  token: string,
  state: { switches: IntercomSwitches; now: () => number; defaultVersion: string },
): EmulatorDefinition {
  let requestVersion = versionRank(state.defaultVersion);
  const windows = new Map<string, { window: number; used: number }>();
  const byId = (): Map<string, IntercomRecord> => new Map(data.records.map((record) => [record.conversation.id, record]));

  const versionOf = (request: EmulatorRequest): number | EmulatorResponse => {
    const raw = request.headers['intercom-version'];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) return versionRank(state.defaultVersion);
    if (!(INTERCOM_VERSIONS as readonly string[]).includes(value)) {
      return error(400, 'intercom_version_invalid', `Requested resource is not available in version ${value}`);
    }
    return versionRank(value);
  };

  const perPageOf = (raw: unknown, fallback: number): number | EmulatorResponse => {
    if (raw === undefined || raw === null) return fallback;
    // The guide prints `per_page` as a string; accept both.
    const value = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isInteger(value)) return error(400, 'parameter_invalid', 'per_page must be an integer', 'per_page');
    if (value >= 1 && value <= INTERCOM_MAX_PER_PAGE) return value;
    if (state.switches.perPageOutOfRange === 'clamp') return Math.min(INTERCOM_MAX_PER_PAGE, Math.max(1, value));
    return error(400, 'parameter_invalid', `per_page must be between 1 and ${INTERCOM_MAX_PER_PAGE}`, 'per_page');
  };

  const cursorOf = (raw: unknown): { sortValue: number; id: string; page: number } | null | EmulatorResponse => {
    if (raw === undefined || raw === null) return null;
    const decoded = typeof raw === 'string' ? decodeCursor(raw) : null;
    return decoded ?? error(400, 'parameter_invalid', 'starting_after is not a valid cursor', 'starting_after');
  };

  const parseJsonBody = (request: EmulatorRequest): Body | EmulatorResponse => {
    const type = request.headers['content-type'];
    if (typeof type !== 'string' || !type.toLowerCase().startsWith('application/json')) {
      return error(400, 'parameter_invalid', 'Content-Type must be application/json');
    }
    try {
      const parsed = JSON.parse(request.body) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      return parsed as Body;
    } catch {
      return error(400, 'parameter_invalid', 'There was a problem parsing the JSON body');
    }
  };

  const listOrdering = (): Ordering<IntercomRecord> => {
    switch (state.switches.listOrder) {
      case 'recently-updated':
        return ordering((r) => r.conversation.updated_at * 1000, (r) => r.conversation.id, true);
      case 'oldest':
        return ordering((r) => r.conversation.created_at * 1000, (r) => r.conversation.id, false);
      default:
        return ordering((r) => r.conversation.created_at * 1000, (r) => r.conversation.id, true);
    }
  };

  const list = (version: number, perPage: number, cursor: ReturnType<typeof decodeCursor>, matching: IntercomRecord[], order: Ordering<IntercomRecord>): EmulatorResponse => {
    const sorted = [...matching].sort(order.compare);
    const { page, pages, total } = paginate(sorted, order, perPage, cursor);
    return {
      status: 200,
      body: { type: 'conversation.list', pages, total_count: total, conversations: page.map((record) => renderConversation(record, version)) },
    };
  };

  const searchConversations = (request: EmulatorRequest): EmulatorResponse => {
    const body = parseJsonBody(request);
    if ('status' in body && 'body' in body && typeof body.status === 'number') return body as unknown as EmulatorResponse;
    const parsed = body as Body;
    if (!('query' in parsed)) return error(400, 'parameter_not_found', 'query is required', 'query');
    const schema: SearchSchema<IntercomRecord> = {
      fields: conversationFields(() => requestVersion),
      dateOperators: ['=', '!=', '>', '<'],
      integerOperators: ['=', '!=', 'IN', 'NIN', '>', '<'],
    };
    const predicate = compileSearch(parsed.query, schema, state.switches);
    if (typeof predicate !== 'function') return { status: 400, body: errorList([predicate]) };
    const pagination = (parsed.pagination ?? {}) as Body;
    if (typeof pagination !== 'object' || pagination === null) return error(400, 'parameter_invalid', 'pagination must be an object', 'pagination');
    const perPage = perPageOf(pagination.per_page, INTERCOM_DEFAULT_PER_PAGE);
    if (typeof perPage !== 'number') return perPage;
    const cursor = cursorOf(pagination.starting_after);
    if (cursor !== null && 'status' in cursor) return cursor;
    let order: Ordering<IntercomRecord>;
    const sort = parsed.sort as Body | undefined;
    if (sort !== undefined) {
      if (typeof sort !== 'object' || sort === null || typeof sort.field !== 'string' || !(sort.field in SORT_FIELDS)) {
        return error(400, 'parameter_invalid', 'sort.field must be a sortable field', 'sort');
      }
      if (sort.order !== undefined && sort.order !== 'ascending' && sort.order !== 'descending') {
        return error(400, 'parameter_invalid', 'sort.order must be ascending or descending', 'sort');
      }
    }
    if (!state.switches.honourSort) {
      order = listOrdering();
    } else {
      const field = typeof sort?.field === 'string' ? sort.field : state.switches.defaultSortField;
      const key = SORT_FIELDS[field] as (c: IntercomWireConversation) => number;
      order = ordering((r) => key(r.conversation), (r) => r.conversation.id, sort?.order !== 'ascending');
    }
    return list(requestVersion, perPage, cursor, data.records.filter(predicate), order);
  };

  const listConversations = (request: EmulatorRequest): EmulatorResponse => {
    const perPage = perPageOf(request.query.get('per_page') ?? undefined, INTERCOM_DEFAULT_PER_PAGE);
    if (typeof perPage !== 'number') return perPage;
    const cursor = cursorOf(request.query.get('starting_after') ?? undefined);
    if (cursor !== null && 'status' in cursor) return cursor;
    return list(requestVersion, perPage, cursor, data.records, listOrdering());
  };

  const getConversation = (request: EmulatorRequest, id: string): EmulatorResponse => {
    const record = byId().get(id);
    if (!record) return notFound();
    const plaintext = request.query.get('display_as') === 'plaintext';
    const conversation = renderConversation(record, requestVersion);
    if (plaintext && state.switches.plaintextSource) conversation.source = { ...conversation.source, body: toPlainText(conversation.source.body) ?? '' };
    const kept = record.parts.slice(-INTERCOM_PARTS_CAP).map((part) => renderPart(part, requestVersion, plaintext));
    return {
      status: 200,
      body: {
        ...conversation,
        conversation_parts: {
          type: 'conversation_part.list',
          conversation_parts: kept,
          total_count: state.switches.partsTotalCountAll ? record.parts.length : kept.length,
        },
      },
    };
  };

  const renderContact = (contact: IntercomWireContact): IntercomWireContact =>
    state.switches.avatarAsString && contact.avatar !== null && typeof contact.avatar === 'object'
      ? { ...contact, avatar: contact.avatar.image_url }
      : contact;

  const searchContacts = (request: EmulatorRequest): EmulatorResponse => {
    const body = parseJsonBody(request);
    if ('status' in body && 'body' in body && typeof body.status === 'number') return body as unknown as EmulatorResponse;
    const parsed = body as Body;
    if (!('query' in parsed)) return error(400, 'parameter_not_found', 'query is required', 'query');
    const limit = state.switches.contactsMaxIn;
    if (limit !== null && JSON.stringify(parsed.query).length > 0) {
      const tooLong = (node: unknown): boolean =>
        typeof node === 'object' && node !== null &&
        (Array.isArray((node as Body).value)
          ? ((node as Body).operator === 'IN' || (node as Body).operator === 'NIN'
              ? ((node as Body).value as unknown[]).length > limit
              : ((node as Body).value as unknown[]).some(tooLong))
          : false);
      if (tooLong(parsed.query)) return error(400, 'parameter_invalid', `IN accepts at most ${limit} values`);
    }
    const predicate = compileSearch(
      parsed.query,
      { fields: CONTACT_FIELDS, dateOperators: ['=', '>', '<'], integerOperators: ['=', '!=', 'IN', 'NIN', '>', '<', '>=', '<='] },
      // Contact search matches dates by calendar day (documented).
      { rangeInclusive: state.switches.rangeInclusive, datesByDay: true },
    );
    if (typeof predicate !== 'function') return { status: 400, body: errorList([predicate]) };
    const pagination = (parsed.pagination ?? {}) as Body;
    const perPage = perPageOf(pagination.per_page, INTERCOM_CONTACTS_DEFAULT_PER_PAGE);
    if (typeof perPage !== 'number') return perPage;
    const cursor = cursorOf(pagination.starting_after);
    if (cursor !== null && 'status' in cursor) return cursor;
    const order = ordering<IntercomWireContact>((c) => c.created_at * 1000, (c) => c.id, true);
    const matching = data.contacts.filter((contact) => !data.mergedContactIds.has(contact.id)).filter(predicate).sort(order.compare);
    const { page, pages, total } = paginate(matching, order, perPage, cursor);
    return { status: 200, body: { type: 'list', data: page.map(renderContact), total_count: total, pages } };
  };

  const getContact = (_request: EmulatorRequest, id: string): EmulatorResponse => {
    const contact = data.contacts.find((candidate) => candidate.id === id);
    return contact && !data.mergedContactIds.has(id) ? { status: 200, body: renderContact(contact) } : notFound();
  };

  /** Auth, version, plan and rate window, then the route; rate headers on every authenticated answer. */
  const guarded = (endpoint: string, method: 'GET' | 'POST', pattern: RegExp, handle: (request: EmulatorRequest, id: string) => EmulatorResponse): EmulatorRoute => ({
    endpoint,
    method,
    pattern,
    handle: (request, params) => {
      const version = versionOf(request);
      if (typeof version !== 'number') return version;
      requestVersion = version;
      const window = Math.floor(state.now() / 1000 / INTERCOM_RATE_WINDOW_SECONDS);
      const reset = (window + 1) * INTERCOM_RATE_WINDOW_SECONDS;
      const limit = state.switches.rateLimitPerWindow;
      const current = windows.get(token);
      const slot = current && current.window === window ? current : { window, used: 0 };
      windows.set(token, slot);
      slot.used += 1;
      const headers: Record<string, string> = {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(Math.max(0, limit - slot.used)),
        'x-ratelimit-reset': String(reset),
      };
      if (slot.used > limit) {
        const rateLimited = error(429, 'rate_limit_exceeded', `Exceeded rate limit of ${limit} in 10_seconds`);
        if (state.switches.retryAfterOn429) headers['retry-after'] = String(Math.max(1, reset - Math.floor(state.now() / 1000)));
        return { ...rateLimited, headers };
      }
      if (state.switches.planRestricted) return { ...error(403, 'api_plan_restricted', 'Active subscription needed.'), headers };
      return { ...handle(request, params[0] ?? ''), headers };
    },
  });

  return {
    name: 'intercom',
    basePath: '',
    live: intercomLive(data),
    authenticate: (request) => {
      if (bearerToken(request.headers) !== token) return error(401, 'unauthorized', 'Access Token Invalid');
      const accept = request.headers.accept;
      if (typeof accept !== 'string' || !/application\/json|\*\/\*/i.test(accept)) {
        return error(406, 'media_type_not_acceptable', 'The Accept header should send a media type of application/json');
      }
      return null;
    },
    errorBody: (status, message) => {
      const code = status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : status === 429 ? 'rate_limit_exceeded' : status === 503 ? 'service_unavailable' : status >= 500 ? 'server_error' : 'parameter_invalid';
      return errorList([{ code, message }]);
    },
    routes: [
      guarded('searchConversations', 'POST', /^\/conversations\/search\/?$/, searchConversations),
      guarded('listConversations', 'GET', /^\/conversations\/?$/, listConversations),
      guarded('getConversation', 'GET', /^\/conversations\/([^/]+)\/?$/, getConversation),
      guarded('searchContacts', 'POST', /^\/contacts\/search\/?$/, searchContacts),
      guarded('getContact', 'GET', /^\/contacts\/([^/]+)\/?$/, getContact),
      guarded('listAdmins', 'GET', /^\/admins\/?$/, () => ({ status: 200, body: { type: 'admin.list', admins: data.admins } })),
    ],
  };
}

export async function startIntercomEmulator(options: IntercomEmulatorOptions = {}): Promise<IntercomEmulator> {
  const data = intercomDemoData(options);
  const token = options.token ?? INTERCOM_DEFAULT_TOKEN;
  const initialClock = options.now ?? Date.now;
  // Without rate limits (EMULATOR_RATE_LIMITS=off) the window is one no load reaches; a switch given still wins.
  const initialSwitches = (): IntercomSwitches => ({
    ...DEFAULT_INTERCOM_SWITCHES,
    ...(options.rateLimits === false ? { rateLimitPerWindow: Number.MAX_SAFE_INTEGER } : {}),
    ...options.switches,
  });
  const state = {
    switches: initialSwitches(),
    now: initialClock,
    defaultVersion: options.defaultVersion ?? '2.11',
  };
  const emulator = await Emulator.start(intercomDefinition(data, token, state), { port: options.port, seed: options.seed });
  return {
    emulator,
    data,
    token,
    env: { INTERCOM_BASE_URL: emulator.baseUrl, INTERCOM_TOKEN: token },
    get switches() {
      return state.switches;
    },
    setSwitches: (patch) => {
      state.switches = { ...state.switches, ...patch };
    },
    resetSwitches: () => {
      state.switches = initialSwitches();
    },
    records: () => data.records,
    addConversation: (createdAt) => {
      const added = emulator.addConversation({ createdAt: new Date(createdAt * 1000) });
      return data.records.find((record) => record.conversation.id === added.id) as IntercomRecord;
    },
    deleteConversation: (id) => emulator.deleteConversation(id),
    setNow: (now) => {
      state.now = now ?? initialClock;
    },
  };
}
