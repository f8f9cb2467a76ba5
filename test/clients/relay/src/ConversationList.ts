import { graphql } from './graphql-tag.js';

/** An inbox as a Relay app writes it: the root connection, paged with usePaginationFragment. */
export const ConversationListQuery = graphql`
  query ConversationListQuery($providers: [Provider!]) {
    ...ConversationList_query @arguments(providers: $providers)
  }
`;

export const ConversationListFragment = graphql`
  fragment ConversationList_query on Query
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 10 }
    cursor: { type: "String" }
    providers: { type: "[Provider!]" }
  )
  @refetchable(queryName: "ConversationListPaginationQuery") {
    conversations(first: $count, after: $cursor, providers: $providers)
      @connection(key: "ConversationList_conversations", filters: ["providers"]) {
      totalCount
      edges {
        node {
          id
          provider
          createdAt
          title
          creator {
            id
            displayName
          }
          ...ConversationMessages_conversation
        }
      }
    }
  }
`;
