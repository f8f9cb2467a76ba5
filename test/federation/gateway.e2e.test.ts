import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/domain.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../support/graph.js';
import { composeSupergraph, fetchSubgraphSdl } from './supergraph.js';
import { seedTickets, startTicketsSubgraph, type Ticket, type TicketsSubgraph } from './tickets-subgraph.js';

interface ConversationFacts {
  id: string;
  provider: Provider;
  providerId: string;
  title: string | null;
}

interface Gateway {
  url: string;
  query<TData>(document: string): Promise<GraphQLResponse<TData>>;
  close(): Promise<void>;
}

/** Hive Gateway in-process over the composed supergraph, served over HTTP on a free port. */
async function startGateway(supergraph: string, planner: 'rust' | 'stitching'): Promise<Gateway> {
  const runtime: GatewayRuntime = createGatewayRuntime({
    supergraph,
    logging: false,
    ...(planner === 'rust' ? { unifiedGraphHandler } : {}),
  });
  const server: Server = createServer(runtime);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    async query<TData>(document: string) {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
        body: JSON.stringify({ query: document }),
      });
      return (await response.body.json()) as GraphQLResponse<TData>;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}

const SPANNING_CONVERSATIONS = /* GraphQL */ `
  { conversations(first: 30) { incompleteProviders edges { node { id provider providerId title tickets { id subject status } } } } }
`;
const SPANNING_TICKETS = /* GraphQL */ `
  { tickets(first: 100) { pageInfo { hasNextPage } edges { node { id subject status conversation { id provider providerId title } } } } }
`;

let graph: TestGraph;
let tickets: TicketsSubgraph;
let conversations: ConversationFacts[];
let supergraph: string;

beforeAll(async () => {
  graph = await startTestGraph();
  const page = await graph.query<{ conversations: { edges: Array<{ node: ConversationFacts }> } }>(
    '{ conversations(first: 30) { edges { node { id provider providerId title } } } }',
  );
  conversations = page.data!.conversations.edges.map((edge) => edge.node);
  tickets = await startTicketsSubgraph(seedTickets(conversations.map((conversation) => conversation.id)));
  supergraph = composeSupergraph([
    { name: 'conversations', url: graph.url, sdl: await fetchSubgraphSdl(graph.url) },
    { name: 'tickets', url: tickets.url, sdl: await fetchSubgraphSdl(tickets.url) },
  ]);
});
afterAll(async () => {
  await tickets.close();
  await graph.close();
});
beforeEach(() => graph.resetEmulators());

const ticketsOf = (conversationId: string) =>
  tickets.tickets.filter((ticket) => ticket.conversationId === conversationId).map(({ id, subject, status }) => ({ id, subject, status }));
const conversationOf = (ticket: Ticket) => conversations.find((conversation) => conversation.id === ticket.conversationId)!;

for (const planner of ['rust', 'stitching'] as const) {
  describe(`Hive Gateway (${planner === 'rust' ? 'Rust query planner, @graphql-hive/router-runtime' : 'default stitching planner'}) over conversations + tickets`, () => {
    let gateway: Gateway;
    beforeAll(async () => {
      gateway = await startGateway(supergraph, planner);
    });
    afterAll(async () => {
      await gateway.close();
    });

    it('answers a query from conversations into tickets', async () => {
      const response = await gateway.query<{ conversations: { incompleteProviders: Provider[]; edges: Array<{ node: ConversationFacts & { tickets: unknown[] } }> } }>(
        SPANNING_CONVERSATIONS,
      );
      expect(response.errors).toBeUndefined();
      const nodes = response.data!.conversations.edges.map((edge) => edge.node);
      expect(nodes.map(({ tickets: _tickets, ...facts }) => facts)).toEqual(conversations);
      for (const node of nodes) expect(node.tickets).toEqual(ticketsOf(node.id));
      expect(nodes.filter((node) => node.tickets.length > 0).length).toBe(20);
    });

    it('answers a query from tickets into conversations (our _entities), batched upstream', async () => {
      const response = await gateway.query<{ tickets: { pageInfo: { hasNextPage: boolean }; edges: Array<{ node: { id: string; conversation: ConversationFacts } }> } }>(
        SPANNING_TICKETS,
      );
      expect(response.errors).toBeUndefined();
      const edges = response.data!.tickets.edges;
      expect(edges).toHaveLength(tickets.tickets.length);
      expect(response.data!.tickets.pageInfo.hasNextPage).toBe(false);
      edges.forEach((edge, index) => {
        expect(edge.node.id).toBe(tickets.tickets[index]!.id);
        expect(edge.node.conversation).toEqual(conversationOf(tickets.tickets[index]!));
      });
      // The gateway sends the references in one _entities call: Moveworks Data answers them with one query.
      const moveworksData = graph.emulators.emulators.MOVEWORKS_DATA!.requestLog;
      expect(moveworksData.filter((entry) => entry.path.endsWith('/records/conversations'))).toHaveLength(1);
      console.log(`[${planner}] tickets → conversation for ${edges.length} tickets (${new Set(edges.map((edge) => edge.node.conversation.id)).size} conversations): ${graph.upstreamRequests()} upstream requests`);
    });

    it('answers a failing vendor\'s entities as null with our coded error (code and provider intact)', async () => {
      graph.emulators.emulators.SYMBL!.injectFault({ kind: 'status500', count: 1000 });
      const response = await gateway.query<{ tickets: { edges: Array<{ node: { id: string; conversation: ConversationFacts | null } }> } }>(SPANNING_TICKETS);
      const edges = response.data!.tickets.edges;
      expect(edges).toHaveLength(tickets.tickets.length);
      const failed = edges.flatMap((edge, index) => (conversationOf(tickets.tickets[index]!).provider === 'SYMBL' ? [index] : []));
      expect(failed.length).toBeGreaterThan(0);
      edges.forEach((edge, index) => {
        expect(edge.node.conversation).toEqual(failed.includes(index) ? null : conversationOf(tickets.tickets[index]!));
      });
      const errors = response.errors ?? [];
      expect(errors.length).toBeGreaterThanOrEqual(failed.length);
      for (const index of failed) {
        const error = errors.find((candidate) => candidate.path?.slice(0, 5).join('.') === `tickets.edges.${index}.node.conversation`);
        expect(error?.extensions, `ticket ${index}`).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', provider: 'SYMBL', status: 500 });
      }
    });

    it('keeps a failing vendor out of a page: the others\' data, incompleteProviders, tickets still joined', async () => {
      graph.emulators.emulators.SYMBL!.injectFault({ kind: 'status500', count: 1000 });
      const response = await gateway.query<{ conversations: { incompleteProviders: Provider[]; edges: Array<{ node: ConversationFacts & { tickets: unknown[] } }> } }>(
        SPANNING_CONVERSATIONS,
      );
      const page = response.data!.conversations;
      expect(page.incompleteProviders).toEqual(['SYMBL']);
      expect(page.edges.length).toBe(30);
      for (const { node } of page.edges) {
        expect(node.provider).not.toBe('SYMBL');
        expect(node.tickets).toEqual(ticketsOf(node.id));
      }
      if (planner === 'rust') {
        // The page-level error (path ["conversations"], on a field that has data) reaches the client.
        expect(response.errors).toEqual([
          expect.objectContaining({
            path: ['conversations'],
            extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', provider: 'SYMBL', status: 500, serviceName: 'conversations' }),
          }),
        ]);
      }
      // The default planner (graphql-tools stitching) drops a subgraph error whose path ends at a field
      // that has data; there `incompleteProviders` is what tells the client (README: Federation).
    });
  });
}

describe('Hive Gateway with the Rust planner, two vendors failing', () => {
  it('passes on one coded error per failed vendor', async () => {
    const gateway = await startGateway(supergraph, 'rust');
    try {
      graph.emulators.emulators.SYMBL!.injectFault({ kind: 'status500', count: 1000 });
      graph.emulators.emulators.CHATBASE!.injectFault({ kind: 'status503', count: 1000 });
      const response = await gateway.query<{ conversations: { incompleteProviders: Provider[]; edges: unknown[] } }>(SPANNING_CONVERSATIONS);
      expect(response.data!.conversations.incompleteProviders).toEqual(['CHATBASE', 'SYMBL']);
      expect(response.data!.conversations.edges).toHaveLength(30);
      expect(response.errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.provider]).sort()).toEqual([
        [['conversations'], 'UPSTREAM_UNAVAILABLE', 'CHATBASE'],
        [['conversations'], 'UPSTREAM_UNAVAILABLE', 'SYMBL'],
      ]);
    } finally {
      await gateway.close();
    }
  });
});
