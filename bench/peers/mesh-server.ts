import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { getComposedSchemaFromConfig } from '@graphql-mesh/compose-cli';
import restTransport from '@graphql-mesh/transport-rest';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';
import { answerStats, serve } from '../child.js';

/**
 * The bench's peer: GraphQL Mesh as a user would set it up for these vendors — Hive Gateway serving a
 * supergraph composed (Mesh compose) from an OpenAPI description of each vendor's list endpoint, passing the
 * vendor's JSON through. MESH_SUBGRAPHS: JSON array of { name, source (an OpenAPI file), endpoint, headers }.
 */

interface SubgraphSetting {
  name: string;
  source: string;
  endpoint: string;
  headers: Record<string, string>;
}

const subgraphs = JSON.parse(process.env.MESH_SUBGRAPHS ?? '[]') as SubgraphSetting[];
const quiet = { debug() {}, info() {}, warn: console.warn, error: console.error, log() {}, child: () => quiet };
const supergraph = await getComposedSchemaFromConfig(
  {
    subgraphs: subgraphs.map((subgraph) => ({
      sourceHandler: loadOpenAPISubgraph(subgraph.name, {
        source: subgraph.source,
        endpoint: subgraph.endpoint,
        operationHeaders: subgraph.headers,
      }),
    })),
  },
  quiet as never,
);
if (process.env.MESH_PRINT_SUPERGRAPH) console.error(supergraph);
const gateway = createGatewayRuntime({
  supergraph,
  transports: { rest: restTransport as never },
  logging: 'error',
  graphqlEndpoint: '/graphql',
  landingPage: false,
  graphiql: false,
});
const server = createServer((request, response) => {
  if (answerStats(request, response)) return;
  void gateway(request, response);
});
await serve(server, async () => {
  await gateway.dispose();
});
