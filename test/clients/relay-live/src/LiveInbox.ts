import { graphql } from './graphql-tag.js';

/**
 * A live inbox as a Relay app writes it: the root connection (`@connection`, paged with the refetchable
 * pagination query) and the subscription whose edges Relay prepends to it (`@prependEdge`).
 */
export const LiveInboxQuery = graphql`
  query LiveInboxQuery($count: Int!, $providers: [Provider!]) {
    ...LiveInbox_query @arguments(count: $count, providers: $providers)
  }
`;

export const LiveInboxFragment = graphql`
  fragment LiveInbox_query on Query
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 10 }
    cursor: { type: "String" }
    providers: { type: "[Provider!]" }
  )
  @refetchable(queryName: "LiveInboxPaginationQuery") {
    conversations(first: $count, after: $cursor, providers: $providers)
      @connection(key: "LiveInbox_conversations", filters: ["providers"]) {
      __id
      edges {
        cursor
        node {
          id
          provider
          providerId
          createdAt
        }
      }
    }
  }
`;

export const LiveInboxAddedSubscription = graphql`
  subscription LiveInboxAddedSubscription($providers: [Provider!], $connections: [ID!]!) {
    conversationAdded(providers: $providers) @prependEdge(connections: $connections) {
      cursor
      node {
        id
        provider
        providerId
        createdAt
      }
    }
  }
`;
