import { getNamedType, introspectionFromSchema, isAbstractType, isObjectType, type GraphQLObjectType, type IntrospectionQuery } from 'graphql';
import { schema } from '../../src/schema/index.js';
import type { Provider } from '../../src/domain.js';
import { VENDORS } from '../../src/vendors/vendors.js';

/** What the frontend clients under test/clients ask for: one conversations page, with people and vendor details. */
export const INBOX = /* GraphQL */ `
  query ClientInbox($first: Int, $after: String, $last: Int, $before: String, $providers: [Provider!], $filter: ConversationFilter) {
    conversations(first: $first, after: $after, last: $last, before: $before, providers: $providers, filter: $filter) {
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges {
        cursor
        node {
          id
          provider
          providerId
          createdAt
          title
          creator { id displayName email }
          details {
            __typename
            ... on ChatbaseConversationDetails { chatbotId source }
            ... on MoveworksDataConversationDetails { route }
            ... on SymblConversationDetails { type }
            ... on MoveworksConversationsConversationDetails { archived }
            ... on IntercomConversationDetails { state aiAgent { resolutionState contentSources { title } } }
          }
        }
      }
    }
  }
`;

export interface InboxPage {
  conversations: {
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
    edges: Array<{ cursor: string; node: { id: string; provider: Provider; createdAt: string } }>;
  };
}

/** The vendors that page backward (a cursor-paged vendor from its scan index): today every listed vendor. */
export const BACKWARD_PROVIDERS: Provider[] = VENDORS.filter((vendor) => vendor.capabilities.backward).map((vendor) => vendor.provider);

/** The ids of a whole forward walk done by hand over HTTP: the sequence a client cache must end up holding. */
export async function plainWalk(url: string, variables: { providers?: Provider[]; first: number }): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 1_000; page += 1) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: INBOX, variables: { ...variables, after } }),
    });
    const body = (await response.json()) as { data?: InboxPage; errors?: unknown[] };
    if (body.errors || !body.data) throw new Error(`plain walk failed: ${JSON.stringify(body.errors)}`);
    ids.push(...body.data.conversations.edges.map((edge) => edge.node.id));
    if (!body.data.conversations.pageInfo.hasNextPage) return ids;
    after = body.data.conversations.pageInfo.endCursor;
  }
  throw new Error('plain walk did not end');
}

/** The graph's introspection, as urql Graphcache takes it. */
export function introspection(): IntrospectionQuery {
  return introspectionFromSchema(schema);
}

/** Apollo Client's `possibleTypes`: every interface and union with its object types. */
export function possibleTypes(): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    const named = getNamedType(type);
    if (isAbstractType(named) && !named.name.startsWith('__')) {
      map[named.name] = schema.getPossibleTypes(named).map((object) => object.name);
    }
  }
  return map;
}

/** The object types without an id inside `ConversationDetails`: its members and the objects their fields hold. */
export function detailsValueTypes(): string[] {
  const found = new Set<string>();
  const visit = (type: GraphQLObjectType): void => {
    if (found.has(type.name) || 'id' in type.getFields()) return;
    found.add(type.name);
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      if (isObjectType(named)) visit(named);
    }
  };
  const details = schema.getType('ConversationDetails');
  if (!details || !isAbstractType(details)) throw new Error('the schema has no ConversationDetails union');
  for (const member of schema.getPossibleTypes(details)) visit(member);
  return [...found];
}
