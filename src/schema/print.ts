import { printSubgraphSchema } from '@apollo/subgraph';
import {
  GraphQLObjectType,
  GraphQLSchema,
  isSpecifiedDirective,
  isSpecifiedScalarType,
  lexicographicSortSchema,
  printSchema,
  type GraphQLNamedType,
} from 'graphql';
import { schema } from './index.js';

/** The subgraph SDL as committed in schema/schema.graphql (federation directives kept, types sorted). */
export function printSchemaArtifact(): string {
  return `${printSubgraphSchema(lexicographicSortSchema(schema)).trim()}\n`;
}

/** Root fields only a gateway asks for. */
const FEDERATION_FIELDS = new Set(['_service', '_entities']);

/**
 * Types of the federation and link specs: `_Any`, `_Entity`, `_Service`, and the namespaced ones
 * (`link__Import`, `federation__FieldSet`, …). Introspection types (`__Type`) are not in `toConfig().types`.
 */
const isFederationType = (type: GraphQLNamedType): boolean => type.name.startsWith('_') || type.name.includes('__');

/**
 * The API schema frontends compile against (schema/client.graphql): the subgraph's types, fields and
 * arguments, without `@link`, the federation directives, `_service`, `_entities` and their types. Only the
 * directives every GraphQL server has (`@deprecated`, `@specifiedBy`, …) remain. relay-compiler, graphql-codegen's
 * client preset and Apollo's tooling read it as it is.
 */
export function clientSchema(): GraphQLSchema {
  const config = schema.toConfig();
  const query = config.query;
  if (!query) throw new Error('the schema has no Query type');
  const queryConfig = query.toConfig();
  const clientQuery = new GraphQLObjectType({
    ...queryConfig,
    fields: Object.fromEntries(Object.entries(queryConfig.fields).filter(([name]) => !FEDERATION_FIELDS.has(name))),
  });
  return new GraphQLSchema({
    ...config,
    query: clientQuery,
    types: config.types.filter((type) => type !== query && !isFederationType(type) && !isSpecifiedScalarType(type)),
    directives: config.directives.filter((directive) => isSpecifiedDirective(directive)),
    astNode: undefined,
    extensionASTNodes: [],
    extensions: {},
  });
}

/** schema/client.graphql. */
export function printClientSchemaArtifact(): string {
  return `${printSchema(lexicographicSortSchema(clientSchema())).trim()}\n`;
}
