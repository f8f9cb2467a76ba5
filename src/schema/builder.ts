import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import RelayPlugin from '@pothos/plugin-relay';
import { DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';
import type { GraphContext } from '../context.js';
import type { JsonObject } from '../domain.js';
import { NODES_COST, NODE_COST } from './costs.js';
import { decodeNodeId, encodeNodeId } from './global-id.js';

/** A fresh builder: each vendor list gets its own schema (src/schema/index.ts). */
export function createBuilder() {
  const builder = new SchemaBuilder<{
    Context: GraphContext;
    DefaultFieldNullability: false;
    Scalars: {
      DateTime: { Input: Date; Output: Date };
      JSONObject: { Input: JsonObject; Output: JsonObject };
    };
  }>({
    plugins: [DirectivesPlugin, RelayPlugin, DataloaderPlugin, FederationPlugin],
    defaultFieldNullability: false,
    relay: {
      cursorType: 'String',
      clientMutationId: 'omit',
      encodeGlobalID: encodeNodeId,
      decodeGlobalID: decodeNodeId,
      // Every Relay subgraph defines PageInfo: shareable, so the supergraph composes (test/federation).
      pageInfoTypeOptions: { shareable: true },
      nodeQueryOptions: NODE_COST,
      nodesQueryOptions: NODES_COST,
    },
  });

  builder.addScalarType('DateTime', DateTimeResolver);
  builder.addScalarType('JSONObject', JSONObjectResolver);
  builder.queryType({});
  return builder;
}

export type GraphBuilder = ReturnType<typeof createBuilder>;
