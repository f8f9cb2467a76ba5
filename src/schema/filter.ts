import type { ConversationFilter } from '../domain.js';
import { badUserInput } from '../errors.js';
import { builder } from './builder.js';

export const DateTimeRangeInput = builder.inputType('DateTimeRange', {
  description: 'Half-open: from <= value < to. Either end may be left out.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', required: false }),
    to: t.field({ type: 'DateTime', required: false }),
  }),
});

const FlashbackFilterInput = builder.inputType('FlashbackFilter', {
  description: 'Applies to Flashback conversations only.',
  fields: (t) => ({
    userId: t.string({ required: false, description: 'The user who created the conversation.' }),
    workspaceId: t.string({ required: false }),
    repoId: t.string({ required: false }),
  }),
});

const ChatbaseFilterInput = builder.inputType('ChatbaseFilter', {
  description: 'Applies to Chatbase conversations only.',
  fields: (t) => ({
    chatbotIds: t.stringList({ required: false, description: 'A subset of the configured chatbots.' }),
    sources: t.stringList({
      required: false,
      description: 'Any of: API, Chatbase site, Instagram, Messenger, Slack, Unspecified.',
    }),
  }),
});

const MoveworksDataFilterInput = builder.inputType('MoveworksDataFilter', {
  description: 'Applies to Moveworks Data API conversations only.',
  fields: (t) => ({
    userIds: t.stringList({ required: false }),
    routes: t.stringList({ required: false }),
    primaryDomains: t.stringList({ required: false }),
  }),
});

const MetadataEntryInput = builder.inputType('MetadataEntry', {
  fields: (t) => ({
    key: t.string({ required: true }),
    value: t.string({ required: true }),
  }),
});

const SymblFilterInput = builder.inputType('SymblFilter', {
  description: 'Applies to Symbl conversations only.',
  fields: (t) => ({
    types: t.stringList({ required: false, description: 'Conversation types, e.g. meeting.' }),
    nameContains: t.string({ required: false, description: 'Case-insensitive substring of the name.' }),
    metadata: t.field({ type: [MetadataEntryInput], required: false, description: 'Every entry must match exactly.' }),
  }),
});

const MoveworksConversationsFilterInput = builder.inputType('MoveworksConversationsFilter', {
  description: 'Applies to Moveworks Conversations API conversations only.',
  fields: (t) => ({
    archived: t.boolean({ required: false, description: 'Only archived (true) or only active (false); both when left out.' }),
  }),
});

export const ConversationFilterInput = builder.inputType('ConversationFilter', {
  fields: (t) => ({
    createdAt: t.field({ type: DateTimeRangeInput, required: false }),
    flashback: t.field({ type: FlashbackFilterInput, required: false }),
    chatbase: t.field({ type: ChatbaseFilterInput, required: false }),
    moveworksData: t.field({ type: MoveworksDataFilterInput, required: false }),
    symbl: t.field({ type: SymblFilterInput, required: false }),
    moveworksConversations: t.field({ type: MoveworksConversationsFilterInput, required: false }),
  }),
});

export type ConversationFilterArg = typeof ConversationFilterInput.$inferInput;

function list(values: readonly string[] | null | undefined, argument: string): string[] | null {
  if (values === null || values === undefined) return null;
  if (values.length === 0) throw badUserInput(`\`${argument}\` must not be an empty list; leave it out instead.`, { argument });
  if (values.some((value) => value.length === 0)) throw badUserInput(`\`${argument}\` must not hold empty strings.`, { argument });
  return [...new Set(values)];
}

function text(value: string | null | undefined): string | null {
  return value === null || value === undefined || value === '' ? null : value;
}

/** Validates the filter argument into the domain filter; every refusal is BAD_USER_INPUT. */
export function toDomainFilter(arg: ConversationFilterArg | null | undefined): ConversationFilter {
  const createdAt = arg?.createdAt;
  const from = createdAt?.from ?? null;
  const to = createdAt?.to ?? null;
  if (from && to && from.getTime() >= to.getTime()) {
    throw badUserInput('`filter.createdAt.from` must be before `filter.createdAt.to`.', { argument: 'filter.createdAt' });
  }
  const symbl = arg?.symbl;
  const metadata = symbl?.metadata ? Object.fromEntries(symbl.metadata.map((entry) => [entry.key, entry.value])) : null;
  return {
    createdAt: from || to ? { from, to } : null,
    flashback: arg?.flashback
      ? {
          userId: text(arg.flashback.userId),
          workspaceId: text(arg.flashback.workspaceId),
          repoId: text(arg.flashback.repoId),
        }
      : null,
    chatbase: arg?.chatbase
      ? {
          chatbotIds: list(arg.chatbase.chatbotIds, 'filter.chatbase.chatbotIds'),
          sources: list(arg.chatbase.sources, 'filter.chatbase.sources'),
        }
      : null,
    moveworksData: arg?.moveworksData
      ? {
          userIds: list(arg.moveworksData.userIds, 'filter.moveworksData.userIds'),
          routes: list(arg.moveworksData.routes, 'filter.moveworksData.routes'),
          primaryDomains: list(arg.moveworksData.primaryDomains, 'filter.moveworksData.primaryDomains'),
        }
      : null,
    symbl: symbl
      ? {
          types: list(symbl.types, 'filter.symbl.types'),
          nameContains: text(symbl.nameContains),
          metadata: metadata && Object.keys(metadata).length > 0 ? metadata : null,
        }
      : null,
    moveworksConversations: arg?.moveworksConversations
      ? { archived: arg.moveworksConversations.archived ?? null }
      : null,
  };
}
