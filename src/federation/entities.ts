import { isUnionType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { GraphContext } from '../context.js';
import { badUserInput } from '../errors.js';

/**
 * Checks `_entities` arguments before any representation is resolved, so that refused input costs no
 * vendor call: at most `config.federation.maxEntityRepresentations` representations, each an object
 * naming one of this subgraph's entity types. Mutates the subgraph schema's `_entities` field in place.
 */
export function guardEntityRepresentations(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()._entities;
  const entityUnion = schema.getType('_Entity');
  if (!field?.resolve || !isUnionType(entityUnion)) throw new Error('the subgraph schema has no _entities field');
  const entityTypes = new Set(entityUnion.getTypes().map((type) => type.name));
  const resolveEntities = field.resolve as GraphQLFieldResolver<unknown, GraphContext>;
  field.resolve = (source, args: { representations?: unknown }, context: GraphContext, info) => {
    const representations = args.representations;
    if (!Array.isArray(representations)) {
      throw badUserInput('`representations` must be a list.', { argument: 'representations' });
    }
    const limit = context.config.federation.maxEntityRepresentations;
    if (representations.length > limit) {
      throw badUserInput(`At most ${limit} representations per _entities request; got ${representations.length}.`, {
        argument: 'representations',
        limit,
      });
    }
    representations.forEach((representation: unknown, index) => {
      const typename = (representation as { __typename?: unknown } | null)?.__typename;
      if (typeof typename !== 'string' || !entityTypes.has(typename)) {
        throw badUserInput(`Representation ${index} does not name an entity type of this subgraph (${[...entityTypes].join(', ')}).`, {
          argument: 'representations',
        });
      }
    });
    return resolveEntities(source, args, context, info);
  };
  return schema;
}
