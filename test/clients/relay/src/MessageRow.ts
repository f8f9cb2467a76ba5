import { graphql } from './graphql-tag.js';

/** One message and its sender, each refetchable on its own now that both are Nodes. */
export const MessageRowFragment = graphql`
  fragment MessageRow_message on Message @refetchable(queryName: "MessageRowRefetchQuery") {
    role
    text
    createdAt
    sender {
      ...PersonChip_member
    }
  }
`;
