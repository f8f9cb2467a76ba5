import { graphql } from './graphql-tag.js';

/** A person: refetchable on its own (a Member is a Node). */
export const PersonChipFragment = graphql`
  fragment PersonChip_member on Member @refetchable(queryName: "PersonChipRefetchQuery") {
    displayName
    email
  }
`;
