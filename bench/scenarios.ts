/**
 * The benchmark's scenarios, shared by `npm run bench` (bench/run.ts) and the CI smoke test
 * (test/bench-smoke.test.ts). Each is one GraphQL request, repeated; `prepare` runs once against the
 * graph to fetch what the request needs (a cursor in the middle of a walk, ids of real conversations).
 */

import { VENDORS } from '../src/vendors/vendors.js';

export interface GraphQLBody {
  query: string;
  variables?: Record<string, unknown>;
}

export interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export type SendQuery = (body: GraphQLBody) => Promise<GraphQLAnswer>;

export interface Scenario {
  id: string;
  /** As printed in the table. */
  name: string;
  /** The request to repeat. */
  prepare(send: SendQuery): Promise<GraphQLBody>;
  /** Upstream calls one request may make, at most (the CI smoke fails above it). */
  upstreamCallLimit: number;
}

const CONNECTION_PAGE = /* GraphQL */ `
  query Page($first: Int, $after: String, $last: Int, $before: String, $providers: [Provider!]) {
    conversations(first: $first, after: $after, last: $last, before: $before, providers: $providers) {
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id provider providerId createdAt title } }
    }
  }
`;

const PAGE_WITH_PEOPLE = /* GraphQL */ `
  query People($first: Int) {
    conversations(first: $first) {
      pageInfo { hasNextPage endCursor }
      edges {
        cursor
        node {
          id provider createdAt title
          creator { displayName email }
          members { displayName email }
          messages(first: 5) { edges { node { text role } } }
        }
      }
    }
  }
`;

const NODES = /* GraphQL */ `
  query Nodes($ids: [ID!]!) {
    nodes(ids: $ids) { id ... on Conversation { provider providerId createdAt title } }
  }
`;

/** Vendors that page backward by themselves (one that goes back through a scan index is left out: its first page pays the scan). */
export const BACKWARD_PROVIDERS = VENDORS.filter((vendor) => vendor.capabilities.backward && vendor.capabilities.scanIndex !== true).map(
  (vendor) => vendor.provider,
);

interface PageData {
  conversations: {
    pageInfo: { endCursor: string | null };
    edges: Array<{ node: { id: string } }>;
  };
}

async function page(send: SendQuery, variables: Record<string, unknown>): Promise<PageData['conversations']> {
  const answer = await send({ query: CONNECTION_PAGE, variables });
  if (!answer.data || answer.errors) throw new Error(`bench setup failed: ${JSON.stringify(answer.errors)}`);
  return (answer.data as unknown as PageData).conversations;
}

/**
 * Upstream call limits are the costs measured before issue #12's work (test data of startTestGraph); they may only
 * fall. The sixth vendor raised them when it joined the merged pages (one search a page; a contact search, the
 * teammates and one conversation read each for people and messages): merged-20 8 → 9, merged-100 13 → 14,
 * walk-20 8 → 9, last-20 14 → 15 (its one ascending search), people-50 43 → 49 (50 the first time in a process, when its teammates are read), nodes-50 39 → 42
 * (measured, test/bench-smoke.test.ts prints them).
 */
export const SCENARIOS: Scenario[] = [
  {
    id: 'merged-20',
    name: 'merged first 20, all vendors, with cursors',
    upstreamCallLimit: 9,
    prepare: async () => ({ query: CONNECTION_PAGE, variables: { first: 20 } }),
  },
  {
    id: 'merged-100',
    name: 'merged first 100, all vendors',
    upstreamCallLimit: 14,
    prepare: async () => ({ query: CONNECTION_PAGE, variables: { first: 100 } }),
  },
  {
    id: 'walk-20',
    name: 'walk: first 20 after the 40th',
    upstreamCallLimit: 9,
    prepare: async (send) => {
      const first = await page(send, { first: 20 });
      const second = await page(send, { first: 20, after: first.pageInfo.endCursor });
      return { query: CONNECTION_PAGE, variables: { first: 20, after: second.pageInfo.endCursor } };
    },
  },
  {
    id: 'last-20',
    name: '`last: 20`, backward-capable vendors',
    upstreamCallLimit: 15,
    prepare: async () => ({ query: CONNECTION_PAGE, variables: { last: 20, providers: [...BACKWARD_PROVIDERS] } }),
  },
  {
    id: 'people-50',
    name: 'page of 50 with creator, members, 5 messages',
    upstreamCallLimit: 49,
    prepare: async () => ({ query: PAGE_WITH_PEOPLE, variables: { first: 50 } }),
  },
  {
    id: 'nodes-50',
    name: '`nodes` of 50 ids, all vendors',
    upstreamCallLimit: 42,
    prepare: async (send) => {
      const fifty = await page(send, { first: 50 });
      return { query: NODES, variables: { ids: fifty.edges.map((edge) => edge.node.id) } };
    },
  },
];

export function scenario(id: string): Scenario {
  const found = SCENARIOS.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no bench scenario ${id}`);
  return found;
}
