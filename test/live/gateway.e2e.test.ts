import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Provider } from '../../src/domain.js';
import { composeSupergraph, fetchSubgraphSdl } from '../federation/supergraph.js';
import { seedTickets, startTicketsSubgraph, type TicketsSubgraph } from '../federation/tickets-subgraph.js';
import { startTestGraph, type TestGraph } from '../support/graph.js';
import { collect, metricValue, okPolls } from '../support/live.js';

/**
 * `conversationAdded` through Hive Gateway: the client subscribes at the gateway over SSE (graphql-sse's
 * client), the gateway subscribes to our subgraph over SSE and resolves each event's fields of the other
 * subgraph (`tickets`) through `_entities`.
 */

const POLL_MS = 150;
const PROVIDER: Provider = 'FLASHBACK';

let graph: TestGraph;
let tickets: TicketsSubgraph;
let supergraph: string;

beforeAll(async () => {
  graph = await startTestGraph({ only: [PROVIDER], env: { LIVE_POLL_INTERVAL_MS: String(POLL_MS) } });
  tickets = await startTicketsSubgraph(seedTickets([]));
  supergraph = composeSupergraph([
    { name: 'conversations', url: graph.url, sdl: await fetchSubgraphSdl(graph.url) },
    { name: 'tickets', url: tickets.url, sdl: await fetchSubgraphSdl(tickets.url) },
  ]);
});
afterAll(async () => {
  await tickets.close();
  await graph.close();
});

for (const planner of ['rust', 'stitching'] as const) {
  describe(`through Hive Gateway (${planner === 'rust' ? 'Rust query planner' : 'default stitching planner'})`, () => {
    let runtime: GatewayRuntime;
    let server: Server;
    let gatewayUrl: string;
    beforeAll(async () => {
      runtime = createGatewayRuntime({
        supergraph,
        logging: false,
        ...(planner === 'rust' ? { unifiedGraphHandler } : {}),
        // Hive Gateway subscribes to a subgraph with an SSE GET: CSRF prevention (on by default) wants a preflight
        // header on it, as docs/federation.md says.
        transportEntries: { conversations: { headers: [['x-graphql-yoga-csrf', '1']] } },
      });
      server = createServer(runtime);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    });

    it('a subscription at the gateway receives the conversation added at the vendor, with fields of the other subgraph', async () => {
      // The poller of the test before stops one interval after its subscriber left, and its last poll may still be in
      // flight: that poll must not pass for the new poller's first one (which only learns the head and announces
      // nothing). So: no poller left over, then this subscription's poller has read the head, then the addition.
      const registry = graph.graph.observability.registry;
      await vi.waitFor(async () => expect(await metricValue(registry, 'live_pollers', { provider: PROVIDER, role: 'polling' })).toBe(0), { interval: 10, timeout: 10_000 });
      const subscription = collect(
        gatewayUrl,
        {},
        {},
        'subscription { conversationAdded(providers: [FLASHBACK]) { cursor node { id providerId tickets { id } } } }',
      );
      // The gateway opened its own SSE subscription to the subgraph.
      await vi.waitFor(() => expect(graph.graph.live?.active()).toBe(1), { interval: 10, timeout: 10_000 });
      const before = await okPolls(registry, PROVIDER);
      await vi.waitFor(async () => expect(await okPolls(registry, PROVIDER)).toBeGreaterThan(before), { interval: 10, timeout: 10_000 });
      const created = graph.emulators.emulators[PROVIDER]?.addConversation();
      const [event] = await subscription.until(1);
      expect(event?.errors).toBeUndefined();
      expect(event?.data?.conversationAdded.node).toMatchObject({ providerId: created?.id, tickets: [] });
      subscription.close();
      // Closing at the gateway closes the subgraph's subscription.
      await vi.waitFor(() => expect(graph.graph.live?.active()).toBe(0), { interval: 10, timeout: 10_000 });
    });
  });
}
