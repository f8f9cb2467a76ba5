import type { GraphQLSchema } from 'graphql';
import { guardEntityRepresentations } from '../federation/entities.js';
import { defineNodeEntities } from '../federation/node-entities.js';
import type { VendorModule } from '../vendors/vendor-module.js';
import { VENDORS } from '../vendors/vendors.js';
import { createBuilder } from './builder.js';
import { defineConversation } from './conversation.js';
import { defineConversationsField } from './conversations.js';
import { defineDetails } from './details.js';
import { defineFilterInput } from './filter.js';
import { defineMessage } from './message.js';
import { NodeIds } from './node-ids.js';
import { definePeople } from './person.js';
import { defineProviderEnum } from './provider.js';
import { defineSubscription } from './subscription.js';

/**
 * The subgraph schema (Apollo Federation v2) over a list of vendors: `_service`, `_entities`, every Node an
 * entity keyed by `id`; the `Provider` enum, `ConversationFilter` and `ConversationDetails` come from the modules.
 */
export function createSchema(vendors: readonly VendorModule[]): GraphQLSchema {
  const builder = createBuilder();
  const nodeIds = new NodeIds();
  const ProviderEnum = defineProviderEnum(builder, vendors);
  const people = definePeople(builder, ProviderEnum, nodeIds);
  const message = defineMessage(builder, ProviderEnum, people, nodeIds);
  const ConversationDetailsUnion = defineDetails(builder, vendors);
  const ConversationFilterInput = defineFilterInput(builder, vendors);
  const ConversationNode = defineConversation(builder, { vendors, ProviderEnum, ConversationDetailsUnion, people, message, nodeIds });
  const ConversationEdgeRef = defineConversationsField(builder, { vendors, ProviderEnum, ConversationNode, ConversationFilterInput });
  defineSubscription(builder, { vendors, ProviderEnum, ConversationFilterInput, ConversationEdgeRef });
  defineNodeEntities(builder, { ConversationNode, message, people });
  return nodeIds.install(
    guardEntityRepresentations(
      builder.toSubGraphSchema({
        // v2.9 for the demand-control directives (costs.ts).
        linkUrl: 'https://specs.apollo.dev/federation/v2.9',
        federationDirectives: ['@key', '@shareable', '@cost', '@listSize'],
      }),
    ),
  );
}

const schemas = new WeakMap<readonly VendorModule[], GraphQLSchema>();

/** One schema per vendor list, built on first use. */
export function schemaFor(vendors: readonly VendorModule[]): GraphQLSchema {
  let schema = schemas.get(vendors);
  if (!schema) {
    schema = createSchema(vendors);
    schemas.set(vendors, schema);
  }
  return schema;
}

/** The schema of the graph's own vendor list (what schema/schema.graphql holds). */
export const schema = schemaFor(VENDORS);
