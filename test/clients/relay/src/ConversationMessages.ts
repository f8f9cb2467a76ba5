import { graphql } from './graphql-tag.js';

/** A conversation's messages, paged inside the conversation: Relay refetches it through node(id:). */
export const ConversationMessagesFragment = graphql`
  fragment ConversationMessages_conversation on Conversation
  @argumentDefinitions(count: { type: "Int", defaultValue: 3 }, cursor: { type: "String" })
  @refetchable(queryName: "ConversationMessagesPaginationQuery") {
    messagesAvailable
    messages(first: $count, after: $cursor) @connection(key: "ConversationMessages_messages") {
      edges {
        node {
          id
          ...MessageRow_message
        }
      }
    }
  }
`;
