/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: string; output: string; }
  /** The `JSONObject` scalar type represents JSON objects as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSONObject: { input: Record<string, unknown>; output: Record<string, unknown>; }
};

export type ChatbaseConversationDetails = {
  __typename?: 'ChatbaseConversationDetails';
  chatbotId: Scalars['String']['output'];
  customer?: Maybe<Scalars['String']['output']>;
  /** API, Chatbase site, Instagram, Messenger, Slack or Unspecified. */
  source?: Maybe<Scalars['String']['output']>;
};

/** Applies to Chatbase conversations only. */
export type ChatbaseFilter = {
  /** A subset of the configured chatbots. */
  chatbotIds?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Any of: API, Chatbase site, Instagram, Messenger, Slack, Unspecified. */
  sources?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** One AI conversation, from any vendor. */
export type Conversation = Node & {
  __typename?: 'Conversation';
  createdAt: Scalars['DateTime']['output'];
  /** Null where the vendor does not say who started the conversation (Symbl.ai, Moveworks Conversations API). */
  creator?: Maybe<Creator>;
  details: ConversationDetails;
  id: Scalars['ID']['output'];
  /** Null, with a coded error naming the provider, when the vendor failed to list them. */
  members?: Maybe<Array<Member>>;
  /** Messages oldest first. Null, with a coded error naming the provider, when the vendor failed to list them. */
  messages?: Maybe<MessageConnection>;
  /** False where the vendor offers no messages (Flashback): `messages` is then always empty. */
  messagesAvailable: Scalars['Boolean']['output'];
  provider: Provider;
  /** The vendor's own id. */
  providerId: Scalars['String']['output'];
  title?: Maybe<Scalars['String']['output']>;
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
};


/** One AI conversation, from any vendor. */
export type ConversationMessagesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

export type ConversationConnection = {
  __typename?: 'ConversationConnection';
  edges: Array<ConversationEdge>;
  /** Providers that failed for this page; follow `endCursor` (or repeat the request) to get their conversations later. */
  incompleteProviders: Array<Provider>;
  pageInfo: PageInfo;
  /** Conversations matching the filter across the chosen providers, computed only when asked (see docs/vendors.md for its upstream cost per vendor); null when any of them fails to count, which `errors` then names. */
  totalCount?: Maybe<Scalars['Int']['output']>;
};

/** Vendor-only fields of a conversation, one type per vendor. */
export type ConversationDetails = ChatbaseConversationDetails | FlashbackConversationDetails | IntercomConversationDetails | MoveworksConversationsConversationDetails | MoveworksDataConversationDetails | SymblConversationDetails;

export type ConversationEdge = {
  __typename?: 'ConversationEdge';
  cursor: Scalars['String']['output'];
  node: Conversation;
};

export type ConversationFilter = {
  chatbase?: InputMaybe<ChatbaseFilter>;
  createdAt?: InputMaybe<DateTimeRange>;
  flashback?: InputMaybe<FlashbackFilter>;
  intercom?: InputMaybe<IntercomFilter>;
  moveworksConversations?: InputMaybe<MoveworksConversationsFilter>;
  moveworksData?: InputMaybe<MoveworksDataFilter>;
  symbl?: InputMaybe<SymblFilter>;
};

/** The person who started a conversation. Its id names "the creator of that conversation": `node` finds it again through the conversation. */
export type Creator = Node & Person & {
  __typename?: 'Creator';
  department?: Maybe<Scalars['String']['output']>;
  displayName?: Maybe<Scalars['String']['output']>;
  email?: Maybe<Scalars['String']['output']>;
  firstName?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  lastName?: Maybe<Scalars['String']['output']>;
  provider: Provider;
  /** The vendor's id for this person, when it has one. */
  providerId?: Maybe<Scalars['String']['output']>;
  role?: Maybe<Scalars['String']['output']>;
};

/** Half-open: from <= value < to. Either end may be left out. */
export type DateTimeRange = {
  from?: InputMaybe<Scalars['DateTime']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

/** What Flashback says of a conversation beyond the common fields. */
export type FlashbackConversationDetails = {
  __typename?: 'FlashbackConversationDetails';
  createdBy?: Maybe<Scalars['String']['output']>;
  orgId?: Maybe<Scalars['String']['output']>;
  repoId?: Maybe<Scalars['String']['output']>;
  /** Input tokens as a decimal string: exact even beyond 2^53. */
  tokensIn?: Maybe<Scalars['String']['output']>;
  /** Output tokens as a decimal string: exact even beyond 2^53. */
  tokensOut?: Maybe<Scalars['String']['output']>;
  workspaceId?: Maybe<Scalars['String']['output']>;
};

/** Applies to Flashback conversations only. */
export type FlashbackFilter = {
  repoId?: InputMaybe<Scalars['String']['input']>;
  /** The user who created the conversation. */
  userId?: InputMaybe<Scalars['String']['input']>;
  workspaceId?: InputMaybe<Scalars['String']['input']>;
};

/** What Intercom says of Fin's part in the conversation (`ai_agent`); the resolution states follow INTERCOM_VERSION. */
export type IntercomAiAgent = {
  __typename?: 'IntercomAiAgent';
  contentSources: Array<IntercomContentSource>;
  /** ai_answer or custom_answer. */
  lastAnswerType?: Maybe<Scalars['String']['output']>;
  /** `ai_agent_participated`. */
  participated: Scalars['Boolean']['output'];
  /** 1–5. */
  rating?: Maybe<Scalars['Int']['output']>;
  ratingRemark?: Maybe<Scalars['String']['output']>;
  resolutionState?: Maybe<Scalars['String']['output']>;
  sourceTitle?: Maybe<Scalars['String']['output']>;
  sourceType?: Maybe<Scalars['String']['output']>;
};

/** An article, snippet or other source Fin answered from. */
export type IntercomContentSource = {
  __typename?: 'IntercomContentSource';
  contentType?: Maybe<Scalars['String']['output']>;
  locale?: Maybe<Scalars['String']['output']>;
  title?: Maybe<Scalars['String']['output']>;
  url?: Maybe<Scalars['String']['output']>;
};

/** What Intercom says of a conversation beyond the common fields. */
export type IntercomConversationDetails = {
  __typename?: 'IntercomConversationDetails';
  /** The teammate assigned: Intercom's integer id, in decimal (ids pass 32 bits; null when the vendor sends no integer). */
  adminAssigneeId?: Maybe<Scalars['ID']['output']>;
  aiAgent: IntercomAiAgent;
  /** The workspace's conversation attributes, as Intercom sends them. */
  customAttributes: Scalars['JSONObject']['output'];
  open?: Maybe<Scalars['Boolean']['output']>;
  /** priority or not_priority. */
  priority?: Maybe<Scalars['String']['output']>;
  read?: Maybe<Scalars['Boolean']['output']>;
  /** open, closed or snoozed. */
  state?: Maybe<Scalars['String']['output']>;
  /** Tag names. */
  tags: Array<Scalars['String']['output']>;
  /** The team assigned, as adminAssigneeId. */
  teamAssigneeId?: Maybe<Scalars['ID']['output']>;
};

/** Applies to Intercom conversations only. */
export type IntercomFilter = {
  /** Fin's resolution states, as `INTERCOM_VERSION` names them: 2.11–2.14 assumed_resolution, confirmed_resolution, routed_to_team, abandoned; 2.15+ assumed_resolution, confirmed_resolution, escalated, negative_feedback, procedure_handoff. */
  aiResolutionStates?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Conversations with a contact of this email (exact). */
  contactEmail?: InputMaybe<Scalars['String']['input']>;
  /** Any of: open, closed, snoozed. */
  states?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** A person who took part in a conversation. Its id names a member of that conversation, or the sender of one message (a vendor's speaker and member records need not agree). */
export type Member = Node & Person & {
  __typename?: 'Member';
  department?: Maybe<Scalars['String']['output']>;
  displayName?: Maybe<Scalars['String']['output']>;
  email?: Maybe<Scalars['String']['output']>;
  firstName?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  lastName?: Maybe<Scalars['String']['output']>;
  provider: Provider;
  /** The vendor's id for this person, when it has one. */
  providerId?: Maybe<Scalars['String']['output']>;
  role?: Maybe<Scalars['String']['output']>;
};

/** One turn of a conversation. `node` finds it again through its conversation (docs/vendors.md gives the cost per vendor). */
export type Message = Node & {
  __typename?: 'Message';
  /** The vendor's own label for the author (role, actor, type or speaker name). */
  authorLabel?: Maybe<Scalars['String']['output']>;
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  endedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  provider: Provider;
  /** The vendor's message id; where the vendor has none, `<conversation id>:<index>`. */
  providerId: Scalars['String']['output'];
  role: MessageRole;
  sender?: Maybe<Member>;
  text: Scalars['String']['output'];
};

export type MessageConnection = {
  __typename?: 'MessageConnection';
  edges: Array<MessageEdge>;
  pageInfo: PageInfo;
  /** Null where the vendor cannot count. */
  totalCount?: Maybe<Scalars['Int']['output']>;
  /** True when the vendor keeps only the newest messages and older ones exist that it cannot return (a vendor that returns only the newest few hundred); the list then starts after a gap. */
  truncated: Scalars['Boolean']['output'];
};

export type MessageEdge = {
  __typename?: 'MessageEdge';
  cursor: Scalars['String']['output'];
  node: Message;
};

export type MessageRole =
  | 'ASSISTANT'
  | 'OTHER'
  | 'USER';

export type MetadataEntry = {
  key: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

export type MoveworksConversationsConversationDetails = {
  __typename?: 'MoveworksConversationsConversationDetails';
  archived: Scalars['Boolean']['output'];
  title?: Maybe<Scalars['String']['output']>;
};

/** Applies to Moveworks Conversations API conversations only. */
export type MoveworksConversationsFilter = {
  /** Only archived (true) or only active (false); both when left out. */
  archived?: InputMaybe<Scalars['Boolean']['input']>;
};

export type MoveworksDataConversationDetails = {
  __typename?: 'MoveworksDataConversationDetails';
  primaryDomain?: Maybe<Scalars['String']['output']>;
  route?: Maybe<Scalars['String']['output']>;
  userId?: Maybe<Scalars['String']['output']>;
};

/** Applies to Moveworks Data API conversations only. */
export type MoveworksDataFilter = {
  primaryDomains?: InputMaybe<Array<Scalars['String']['input']>>;
  routes?: InputMaybe<Array<Scalars['String']['input']>>;
  userIds?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type Node = {
  id: Scalars['ID']['output'];
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  hasPreviousPage: Scalars['Boolean']['output'];
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** Someone who took part in a conversation, as the vendor knows them. Fields the vendor does not know are null. */
export type Person = {
  department?: Maybe<Scalars['String']['output']>;
  displayName?: Maybe<Scalars['String']['output']>;
  email?: Maybe<Scalars['String']['output']>;
  firstName?: Maybe<Scalars['String']['output']>;
  lastName?: Maybe<Scalars['String']['output']>;
  provider: Provider;
  /** The vendor's id for this person, when it has one. */
  providerId?: Maybe<Scalars['String']['output']>;
  role?: Maybe<Scalars['String']['output']>;
};

/** A vendor whose conversations the graph serves. */
export type Provider =
  | 'CHATBASE'
  | 'FLASHBACK'
  | 'INTERCOM'
  | 'MOVEWORKS_CONVERSATIONS'
  | 'MOVEWORKS_DATA'
  | 'SYMBL';

export type Query = {
  __typename?: 'Query';
  /** Conversations of the chosen providers (default: all configured), newest `createdAt` first, as one connection. When a provider fails, the page holds the others and `errors` names it; its conversations are deferred to later pages, never skipped. */
  conversations: ConversationConnection;
  node?: Maybe<Node>;
  nodes: Array<Maybe<Node>>;
};


export type QueryConversationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ConversationFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  providers?: InputMaybe<Array<Provider>>;
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNodesArgs = {
  ids: Array<Scalars['ID']['input']>;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** Conversations as the vendors report them (polled every LIVE_POLL_INTERVAL_MS), each once, oldest first in createdAt order across vendors (an event waits for the other vendors' next polls, at most LIVE_ORDER_MAX_WAIT_MS), as an edge of `conversations` with the same providers and filter (prepend it). A vendor failing while polled sends one event with a coded error naming it (data null) and the others keep flowing. `after` (an event cursor, or the `Last-Event-ID` of a reconnecting EventSource) first sends what arrived after that event, at most LIVE_RESUME_LIMIT conversations. */
  conversationAdded: ConversationEdge;
};


export type SubscriptionConversationAddedArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ConversationFilter>;
  providers?: InputMaybe<Array<Provider>>;
};

export type SymblConversationDetails = {
  __typename?: 'SymblConversationDetails';
  endTime?: Maybe<Scalars['DateTime']['output']>;
  metadata: Scalars['JSONObject']['output'];
  name?: Maybe<Scalars['String']['output']>;
  type?: Maybe<Scalars['String']['output']>;
};

/** Applies to Symbl conversations only. */
export type SymblFilter = {
  /** Every entry must match exactly. */
  metadata?: InputMaybe<Array<MetadataEntry>>;
  /** Case-insensitive substring of the name. */
  nameContains?: InputMaybe<Scalars['String']['input']>;
  /** Conversation types, e.g. meeting. */
  types?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type ConversationDetailQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
}>;


export type ConversationDetailQuery = { __typename: 'Query', node?:
    | { __typename: 'Conversation', id: string, provider: Provider, providerId: string, createdAt: string, messagesAvailable: boolean, creator?: { __typename: 'Creator', id: string, displayName?: string | null, email?: string | null } | null, members?: Array<{ __typename: 'Member', id: string, providerId?: string | null, displayName?: string | null, email?: string | null }> | null, messages?: { __typename: 'MessageConnection', totalCount?: number | null, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, hasPreviousPage: boolean, startCursor?: string | null, endCursor?: string | null }, edges: Array<{ __typename: 'MessageEdge', cursor: string, node: { __typename: 'Message', id: string, providerId: string, role: MessageRole, authorLabel?: string | null, text: string, createdAt?: string | null } }> } | null }
    | { __typename: 'Creator' }
    | { __typename: 'Member' }
    | { __typename: 'Message' }
   | null };

export type InboxQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  providers?: InputMaybe<Array<Provider> | Provider>;
  filter?: InputMaybe<ConversationFilter>;
}>;


export type InboxQuery = { __typename: 'Query', conversations: { __typename: 'ConversationConnection', totalCount?: number | null, incompleteProviders: Array<Provider>, pageInfo: { __typename: 'PageInfo', hasNextPage: boolean, hasPreviousPage: boolean, startCursor?: string | null, endCursor?: string | null }, edges: Array<{ __typename: 'ConversationEdge', cursor: string, node: { __typename: 'Conversation', id: string, provider: Provider, providerId: string, createdAt: string, updatedAt?: string | null, title?: string | null, creator?: { __typename: 'Creator', id: string, providerId?: string | null, displayName?: string | null, email?: string | null } | null, details:
          | { __typename: 'ChatbaseConversationDetails', chatbotId: string, source?: string | null, customer?: string | null }
          | { __typename: 'FlashbackConversationDetails', workspaceId?: string | null, repoId?: string | null, tokensIn?: string | null, tokensOut?: string | null }
          | { __typename: 'IntercomConversationDetails', state?: string | null, priority?: string | null, aiAgent: { __typename: 'IntercomAiAgent', participated: boolean, resolutionState?: string | null } }
          | { __typename: 'MoveworksConversationsConversationDetails', archived: boolean }
          | { __typename: 'MoveworksDataConversationDetails', route?: string | null, primaryDomain?: string | null }
          | { __typename: 'SymblConversationDetails', type?: string | null, name?: string | null, endTime?: string | null, metadata: Record<string, unknown> }
         } }> } };


export const ConversationDetailDocument = {"__meta__":{"hash":"4f18abe145d7295ec0a958b372e057b37f2c849ddfb95c1e278762ac461752b2"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConversationDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"last"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"before"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Conversation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"creator"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"members"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"providerId"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"messagesAvailable"}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"Variable","name":{"kind":"Name","value":"last"}}},{"kind":"Argument","name":{"kind":"Name","value":"before"},"value":{"kind":"Variable","name":{"kind":"Name","value":"before"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"providerId"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"authorLabel"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConversationDetailQuery, ConversationDetailQueryVariables>;
export const InboxDocument = {"__meta__":{"hash":"b36ec9fd840e7a094a0dd913f895f889a01efd8893e0858c073ba328c870eb3f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Inbox"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"last"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"before"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"providers"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Provider"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ConversationFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"conversations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"Variable","name":{"kind":"Name","value":"last"}}},{"kind":"Argument","name":{"kind":"Name","value":"before"},"value":{"kind":"Variable","name":{"kind":"Name","value":"before"}}},{"kind":"Argument","name":{"kind":"Name","value":"providers"},"value":{"kind":"Variable","name":{"kind":"Name","value":"providers"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"incompleteProviders"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"providerId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"creator"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"providerId"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"details"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FlashbackConversationDetails"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"workspaceId"}},{"kind":"Field","name":{"kind":"Name","value":"repoId"}},{"kind":"Field","name":{"kind":"Name","value":"tokensIn"}},{"kind":"Field","name":{"kind":"Name","value":"tokensOut"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ChatbaseConversationDetails"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"chatbotId"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"customer"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MoveworksDataConversationDetails"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"route"}},{"kind":"Field","name":{"kind":"Name","value":"primaryDomain"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SymblConversationDetails"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"endTime"}},{"kind":"Field","name":{"kind":"Name","value":"metadata"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MoveworksConversationsConversationDetails"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"archived"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"IntercomConversationDetails"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"aiAgent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"participated"}},{"kind":"Field","name":{"kind":"Name","value":"resolutionState"}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<InboxQuery, InboxQueryVariables>;