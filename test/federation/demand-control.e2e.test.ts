import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { parse } from 'graphql';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configuredProviders } from '../../src/config.js';
import { checkOperation } from '../../src/limits/operation-check.js';
import { schema } from '../../src/schema/index.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../support/graph.js';
import { composeSupergraph, fetchSubgraphSdl } from './supergraph.js';
import { seedTickets, startTicketsSubgraph, type TicketsSubgraph } from './tickets-subgraph.js';

/**
 * Issue 22, point 1: the subgraph publishes IBM cost directives (`@cost`, `@listSize`, federation v2.9), the live
 * SDL composes with them kept, and Hive Gateway with demand control on refuses an operation over its limit without
 * a single request to the subgraph, while the README's and schema/operations' example operations pass. The
 * gateway's estimate and the graph's own (MAX_ESTIMATED_COST) are printed for docs/federation.md's table.
 */

/** The gateway's limit: docs/federation.md recommends it for the graph's defaults. */
const MAX_GATEWAY_COST = 5_000;
const ROOT = new URL('../../', import.meta.url).pathname;

let graph: TestGraph;
let tickets: TicketsSubgraph;
let counted: Server;
/** HTTP requests that reached the conversations subgraph through the gateway. */
let subgraphRequests = 0;
let supergraph: string;
let runtime: GatewayRuntime;
let gateway: Server;
let gatewayUrl: string;
let sampleIds: { conversation: string };

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
};

beforeAll(async () => {
  graph = await startTestGraph();
  // The same graph on a second listener that counts what reaches it: the gateway's only way in.
  counted = createServer((req, res) => {
    subgraphRequests += 1;
    void graph.graph.yoga(req, res);
  });
  const countedUrl = await listen(counted);
  tickets = await startTicketsSubgraph(seedTickets([]));
  supergraph = composeSupergraph([
    { name: 'conversations', url: countedUrl, sdl: await fetchSubgraphSdl(graph.url) },
    { name: 'tickets', url: tickets.url, sdl: await fetchSubgraphSdl(tickets.url) },
  ]);
  runtime = createGatewayRuntime({ supergraph, logging: false, demandControl: { maxCost: MAX_GATEWAY_COST, includeExtensionMetadata: true } });
  gateway = createServer(runtime);
  gatewayUrl = await listen(gateway);
  const page = await graph.query<{ conversations: { edges: Array<{ node: { id: string } }> } }>('{ conversations(first: 1, providers: [SYMBL]) { edges { node { id } } } }');
  sampleIds = { conversation: page.data!.conversations.edges[0]!.node.id };
});
afterAll(async () => {
  for (const server of [gateway, counted]) {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
  await runtime?.dispose();
  await tickets?.close();
  await graph?.close();
});

async function viaGateway(document: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse & { extensions?: { cost?: { estimated: number } } }> {
  const response = await request(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query: document, variables }),
  });
  return (await response.body.json()) as GraphQLResponse & { extensions?: { cost?: { estimated: number } } };
}

/** The graph's own estimate (what MAX_ESTIMATED_COST and MAX_ESTIMATED_UPSTREAM_CALLS are compared with). */
function ownEstimate(document: string, variables: Record<string, unknown>) {
  const config = graph.config;
  return checkOperation(schema, parse(document), undefined, variables, {
    ...config.limits,
    maxPageSize: config.maxPageSize,
    configuredProviders: configuredProviders(config),
    vendors: config.vendors,
    vendorConfigs: config.vendorConfigs,
  }).estimate;
}

describe('the cost directives in the subgraph SDL', () => {
  it('imports @cost and @listSize through federation v2.9 and puts them on every connection and list that calls a vendor', async () => {
    const sdl = await fetchSubgraphSdl(graph.url);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@cost", "@listSize"])');
    expect(sdl).toMatch(/conversations\([^)]*\): ConversationConnection! @cost\(weight: \d+\) @listSize\(slicingArguments: \["first", "last"\], sizedFields: \["edges"\]\)/);
    expect(sdl).toMatch(/messages\([^)]*\): MessageConnection @cost\(weight: 1\) @listSize\(slicingArguments: \["first", "last"\], sizedFields: \["edges"\]\)/);
    expect(sdl).toMatch(/members: \[Member!\] @cost\(weight: 1\) @listSize\(assumedSize: 10\)/);
    expect(sdl).toMatch(/nodes\(ids: \[ID!\]!\): \[Node\]! @cost\(weight: 1\) @listSize\(assumedSize: 200\)/);
    // A subscription keeps every served vendor polled: it weighs a page of conversations, one edge at a time.
    const vendors = graph.config.vendors.length;
    expect(sdl).toMatch(new RegExp(`conversationAdded\\([^)]*\\): ConversationEdge! @cost\\(weight: ${vendors}\\)\n`));
  });

  it('composes with another subgraph with the directives kept in the supergraph', () => {
    expect(supergraph).toMatch(/conversations\([^)]*\): ConversationConnection! @join__field[^\n]*@cost\(weight: \d+\)[^\n]*@listSize\(slicingArguments: \["first", "last"\], sizedFields: \["edges"\]/);
    expect(supergraph).toMatch(/members: \[Member!\][^\n]*@cost\(weight: 1\)[^\n]*@listSize\(assumedSize: 10\)/);
    expect(supergraph).toMatch(/conversationAdded\([^)]*\): ConversationEdge![^\n]*@cost\(weight: \d+\)/);
  });
});

/** The example operations: schema/operations/*.graphql and the README's tour, with the variables they are shown with. */
function exampleOperations(): Array<{ name: string; document: string; variables: Record<string, unknown> }> {
  const variablesFor = (document: string): Record<string, unknown> => {
    const variables: Record<string, unknown> = {};
    if (/\$id: ID!/.test(document)) variables.id = sampleIds.conversation;
    if (/\$first: Int/.test(document)) variables.first = 20;
    return variables;
  };
  const files = readdirSync(`${ROOT}schema/operations`).filter((file) => file.endsWith('.graphql'));
  const operations = files.map((file) => {
    const document = readFileSync(`${ROOT}schema/operations/${file}`, 'utf8');
    return { name: `schema/operations/${file}`, document, variables: variablesFor(document) };
  });
  const readme = [...readFileSync(`${ROOT}README.md`, 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);
  readme.forEach((document, index) => {
    if (!/^\s*subscription\b/.test(document)) operations.push({ name: `README tour block ${index + 1}`, document, variables: variablesFor(document) });
  });
  return operations;
}

describe('Hive Gateway with demand control on (maxCost 5,000)', () => {
  it("passes the README's and schema/operations' example operations", async () => {
    const rows: string[] = [];
    const operations = exampleOperations();
    expect(operations.length).toBeGreaterThanOrEqual(7);
    for (const { name, document, variables } of operations) {
      const response = await viaGateway(document, variables);
      expect(response.errors?.map((error) => error.extensions?.code) ?? [], name).not.toContain('COST_ESTIMATED_TOO_EXPENSIVE');
      expect(response.data, name).toBeTruthy();
      const gatewayCost = response.extensions?.cost?.estimated;
      expect(gatewayCost, name).toBeGreaterThan(0);
      expect(gatewayCost!, name).toBeLessThanOrEqual(MAX_GATEWAY_COST);
      const own = ownEstimate(document, variables);
      rows.push(`| ${name} | ${JSON.stringify(variables.first ?? null)} | ${gatewayCost} | ${own.cost} | ${own.upstreamCalls} |`);
    }
    // The table in docs/federation.md#demand-control.
    console.log(['| operation | first | gateway estimate | graph: MAX_ESTIMATED_COST estimate | graph: upstream calls |', ...rows].join('\n'));
  });

  it('refuses an operation over its limit without one request to the subgraph', async () => {
    const heavy = /* GraphQL */ `
      { conversations(first: 100) { edges { node { id members { displayName } messages(first: 50) { edges { node { text } } } } } } }
    `;
    subgraphRequests = 0;
    graph.resetEmulators();
    const response = await viaGateway(heavy);
    expect(response.errors?.map((error) => error.extensions?.code)).toContain('COST_ESTIMATED_TOO_EXPENSIVE');
    expect(response.data ?? null).toBeNull();
    expect(subgraphRequests).toBe(0);
    expect(graph.upstreamRequests()).toBe(0);
    const own = ownEstimate(heavy, {});
    console.log(`over the limit: gateway ${JSON.stringify(response.errors?.[0]?.extensions?.cost)}, graph cost ${own.cost}, upstream calls ${own.upstreamCalls}`);

    // The same operation within the limit reaches the subgraph.
    subgraphRequests = 0;
    const light = await viaGateway('{ conversations(first: 5) { edges { node { id members { displayName } messages(first: 3) { edges { node { text } } } } } } }');
    expect(light.errors).toBeUndefined();
    expect(subgraphRequests).toBeGreaterThan(0);
  });
});
