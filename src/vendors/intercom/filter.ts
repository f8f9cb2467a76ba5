import type { Conversation, ConversationFilter } from '../../domain.js';
import { badUserInput } from '../../errors.js';
import type { IntercomFilter, IntercomQuery } from './client.js';
import { detailsOf } from './mapper.js';

/**
 * The graph's filter as Intercom search filters. Values only ever land in a filter's `value` (JSON, never
 * pasted into a string), fields and operators come from this file alone, and the query keeps Intercom's
 * limits by construction: one AND group of at most 7 filters (≤ 15 per group, 1 level of the 2 allowed).
 * What cannot be asked of this API version is refused with BAD_USER_INPUT before any call.
 */

export interface IntercomFilterSection {
  /** `state IN [...]`: open, closed, snoozed. */
  states: string[] | null;
  /** `ai_agent.resolution_state IN [...]`: the values of the configured `Intercom-Version`. */
  aiResolutionStates: string[] | null;
  /** Conversations with a contact of this email (found by a contact search, then `contact_ids IN [...]`). */
  contactEmail: string | null;
}

export const INTERCOM_STATES = ['open', 'closed', 'snoozed'] as const;
export const RESOLUTION_STATES_BEFORE_2_15 = ['assumed_resolution', 'confirmed_resolution', 'routed_to_team', 'abandoned'] as const;
export const RESOLUTION_STATES_FROM_2_15 = ['assumed_resolution', 'confirmed_resolution', 'escalated', 'negative_feedback', 'procedure_handoff'] as const;

/** Whether `version` uses the 2.15+ resolution states (2.15, 2.16, later, Preview/Unstable). */
export function usesResolutionStatesFrom215(version: string): boolean {
  if (version === 'Preview' || version === 'Unstable') return true;
  const match = /^(\d+)\.(\d+)$/.exec(version);
  if (!match) return true;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 2 || (major === 2 && minor >= 15);
}

export function resolutionStatesOf(version: string): readonly string[] {
  return usesResolutionStatesFrom215(version) ? RESOLUTION_STATES_FROM_2_15 : RESOLUTION_STATES_BEFORE_2_15;
}

const EMAIL_MAX = 320;

function values(list: readonly string[] | null | undefined, allowed: readonly string[], argument: string): string[] | null {
  if (list === null || list === undefined) return null;
  if (list.length === 0) throw badUserInput(`\`${argument}\` must not be an empty list; leave it out instead.`, { argument });
  const normalized = [...new Set(list.map((value) => value.trim().toLowerCase()))];
  const unknown = normalized.filter((value) => !allowed.includes(value));
  if (unknown.length > 0) {
    throw badUserInput(`\`${argument}\` accepts ${allowed.join(', ')}; got ${unknown.slice(0, 3).map((value) => JSON.stringify(value.slice(0, 40))).join(', ')}.`, { argument });
  }
  return normalized;
}

/** Validates the GraphQL section (shape-checked already); version-dependent values are checked by `planIntercomQuery`. */
export function parseIntercomSection(
  value: { states?: readonly string[] | null; aiResolutionStates?: readonly string[] | null; contactEmail?: string | null },
  argument: string,
): IntercomFilterSection {
  const email = value.contactEmail?.trim() ?? '';
  if (value.contactEmail !== null && value.contactEmail !== undefined) {
    if (email.length === 0 || email.length > EMAIL_MAX || !email.includes('@') || /[\u0000-\u001f\u007f]/.test(email)) {
      throw badUserInput(`\`${argument}.contactEmail\` must be an email address of at most ${EMAIL_MAX} characters.`, { argument: `${argument}.contactEmail` });
    }
  }
  return {
    states: values(value.states, INTERCOM_STATES, `${argument}.states`),
    aiResolutionStates: values(value.aiResolutionStates, [...new Set([...RESOLUTION_STATES_BEFORE_2_15, ...RESOLUTION_STATES_FROM_2_15])], `${argument}.aiResolutionStates`),
    contactEmail: email.length > 0 ? email : null,
  };
}

export interface IntercomQueryPlan {
  /** Nothing can match (an empty window): no call. */
  empty: boolean;
  /** Inclusive bounds in whole seconds of the wanted `created_at`, null when open. */
  lowest: number | null;
  highest: number | null;
  /** The filters every search of this stream carries, besides `created_at` bounds and `contact_ids`. */
  filters: IntercomFilter[];
  /** To resolve into `contact_ids IN [...]` before the first search. */
  contactEmail: string | null;
  /** Exact local check of what the filters ask, besides the window (a vendor answering more is refined, never trusted). */
  keep(conversation: Conversation, contactIds: ReadonlySet<string> | null): boolean;
}

export function planIntercomQuery(filter: ConversationFilter, section: IntercomFilterSection | null, options: { aiOnly: boolean; version: string }): IntercomQueryPlan {
  const range = filter.createdAt;
  // Whole seconds: from (ms, inclusive) -> the first second at or after it; to (ms, exclusive) -> the last second before it.
  const lowest = range?.from ? Math.ceil(range.from.getTime() / 1000) : null;
  const highest = range?.to ? Math.ceil(range.to.getTime() / 1000) - 1 : null;
  const empty = lowest !== null && highest !== null && lowest > highest;
  const states = section?.states ?? null;
  const resolutions = section?.aiResolutionStates ?? null;
  if (resolutions) {
    const allowed = resolutionStatesOf(options.version);
    const other = resolutions.filter((state) => !allowed.includes(state));
    if (other.length > 0) {
      throw badUserInput(
        `\`filter.intercom.aiResolutionStates\`: Intercom-Version ${options.version} knows ${allowed.join(', ')}; not ${other.join(', ')}.`,
        { argument: 'filter.intercom.aiResolutionStates' },
      );
    }
  }
  const filters: IntercomFilter[] = [];
  if (options.aiOnly) filters.push({ field: 'ai_agent_participated', operator: '=', value: true });
  if (states) filters.push({ field: 'state', operator: 'IN', value: states });
  if (resolutions) filters.push({ field: 'ai_agent.resolution_state', operator: 'IN', value: resolutions });
  return {
    empty,
    lowest,
    highest,
    filters,
    contactEmail: section?.contactEmail ?? null,
    keep: (conversation, contactIds) => {
      const details = detailsOf(conversation);
      const seconds = conversation.createdAt.getTime() / 1000;
      if (lowest !== null && seconds < lowest) return false;
      if (highest !== null && seconds > highest) return false;
      if (options.aiOnly && !details.aiAgent.participated) return false;
      if (states && (details.state === null || !states.includes(details.state))) return false;
      if (resolutions && (details.aiAgent.resolutionState === null || !resolutions.includes(details.aiAgent.resolutionState))) return false;
      if (contactIds && !details.contactIds.some((id) => contactIds.has(id))) return false;
      return true;
    },
  };
}

/** `created_at` bounds in the query language: `>`/`<` of unknown inclusivity, so each is asked one second wider. */
export interface SecondBounds {
  /** Wanted: created_at >= atLeast. */
  atLeast: number | null;
  /** Wanted: created_at <= atMost. */
  atMost: number | null;
}

export interface Inclusivity {
  /** Evidence that `>` includes equality (an answer held the bound itself). */
  greaterIncludes: boolean;
  lessIncludes: boolean;
}

/** The search query: the plan's filters, `contact_ids`, and the window as strict-or-inclusive-proof bounds. */
export function searchQuery(filters: readonly IntercomFilter[], contactIds: readonly string[] | null, bounds: SecondBounds, inclusivity: Inclusivity): IntercomQuery {
  const all: IntercomFilter[] = [...filters];
  if (contactIds) all.push({ field: 'contact_ids', operator: 'IN', value: [...contactIds] });
  // `> atLeast - 1` is exactly `>= atLeast` when `>` is strict, one second more when it is not (dropped locally);
  // once an answer shows `>` inclusive, `> atLeast` is exact.
  if (bounds.atLeast !== null) all.push({ field: 'created_at', operator: '>', value: inclusivity.greaterIncludes ? bounds.atLeast : bounds.atLeast - 1 });
  if (bounds.atMost !== null) all.push({ field: 'created_at', operator: '<', value: inclusivity.lessIncludes ? bounds.atMost : bounds.atMost + 1 });
  if (all.length === 0) return { field: 'created_at', operator: '>', value: -1 };
  if (all.length === 1) return all[0] as IntercomFilter;
  return { operator: 'AND', value: all };
}
