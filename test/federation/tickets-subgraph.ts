import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { createYoga } from 'graphql-yoga';

/**
 * An example second subgraph, as another team would write it: support tickets about conversations.
 * It is a Relay subgraph too (its own `Node`, `PageInfo` and connection), and it extends our
 * `Conversation` entity with `tickets`. Ticket.conversation is a reference the gateway resolves
 * through our `_entities`.
 */
export const TICKETS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])

  interface Node {
    id: ID!
  }

  type PageInfo @shareable {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  enum TicketStatus {
    OPEN
    CLOSED
  }

  type Ticket implements Node @key(fields: "id") {
    id: ID!
    subject: String!
    status: TicketStatus!
    """Null when the conversations subgraph cannot load it (its vendor failed)."""
    conversation: Conversation
  }

  type TicketEdge {
    node: Ticket!
    cursor: String!
  }

  type TicketConnection {
    pageInfo: PageInfo!
    edges: [TicketEdge!]!
  }

  type Conversation @key(fields: "id") {
    id: ID!
    tickets: [Ticket!]!
  }

  type Query {
    tickets(first: Int, after: String): TicketConnection!
  }
`;

export interface Ticket {
  id: string;
  subject: string;
  status: 'OPEN' | 'CLOSED';
  conversationId: string;
}

/** Seeded tickets: conversation i of the list gets i mod 3 of them (so some have none). */
export function seedTickets(conversationIds: readonly string[]): Ticket[] {
  return conversationIds.flatMap((conversationId, index) =>
    Array.from({ length: index % 3 }, (_, k): Ticket => ({
      id: `ticket-${index}-${k}`,
      subject: `Follow-up ${k + 1} on conversation #${index}`,
      status: (index + k) % 2 === 0 ? 'OPEN' : 'CLOSED',
      conversationId,
    })),
  );
}

const encodeCursor = (offset: number): string => Buffer.from(`tickets:${offset}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const match = /^tickets:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new GraphQLError('Bad cursor.', { extensions: { code: 'BAD_USER_INPUT' } });
  return Number(match[1]);
}

export interface TicketsSubgraph {
  url: string;
  tickets: readonly Ticket[];
  close(): Promise<void>;
}

/** The tickets subgraph over real HTTP on a free loopback port. */
export async function startTicketsSubgraph(tickets: readonly Ticket[]): Promise<TicketsSubgraph> {
  const schema = buildSubgraphSchema({
    typeDefs: parse(TICKETS_SDL),
    resolvers: {
      Query: {
        tickets: (_root: unknown, args: { first?: number | null; after?: string | null }) => {
          const first = Math.min(Math.max(args.first ?? 10, 0), 100);
          const start = args.after ? decodeCursor(args.after) + 1 : 0;
          const slice = tickets.slice(start, start + first);
          return {
            edges: slice.map((ticket, index) => ({ node: ticket, cursor: encodeCursor(start + index) })),
            pageInfo: {
              hasNextPage: start + first < tickets.length,
              hasPreviousPage: start > 0,
              startCursor: slice.length > 0 ? encodeCursor(start) : null,
              endCursor: slice.length > 0 ? encodeCursor(start + slice.length - 1) : null,
            },
          };
        },
      },
      Ticket: {
        __resolveReference: (reference: { id: string }) => tickets.find((ticket) => ticket.id === reference.id) ?? null,
        conversation: (ticket: Ticket) => ({ __typename: 'Conversation', id: ticket.conversationId }),
      },
      Conversation: {
        __resolveReference: (reference: { id: string }) => reference,
        tickets: (conversation: { id: string }) => tickets.filter((ticket) => ticket.conversationId === conversation.id),
      },
    },
  });
  const yoga = createYoga({ schema, graphiql: false, landingPage: false });
  const server: Server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    tickets,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
