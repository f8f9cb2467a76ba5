import { isObjectType, type GraphQLSchema } from 'graphql';
import type { GraphContext } from '../context.js';
import { encodeNodeId } from './global-id.js';

type LocalIdOf<T> = (node: T, context: GraphContext) => string;

/**
 * The `id` of each Node type, resolved without a promise. Pothos's relay plugin resolves every `id` through an
 * `async` wrapper: a promise (and the request scope's promise hook) per node, and the compiled executor finished
 * every edge of a page asynchronously. `install` puts the same ids (`encodeNodeId` of the same local id) on the
 * built schema as plain functions; `of` gives Pothos the local id, which `node`/`nodes` and its caches use.
 */
export class NodeIds {
  readonly #byType = new Map<string, LocalIdOf<never>>();

  /** The `id` option of `builder.loadableNode(typename, …)`. */
  of<T>(typename: string, localIdOf: LocalIdOf<T>): { resolve: (node: T, args: object, context: GraphContext) => string } {
    this.#byType.set(typename, localIdOf as LocalIdOf<never>);
    return { resolve: (node, _args, context) => localIdOf(node, context) };
  }

  install(schema: GraphQLSchema): GraphQLSchema {
    for (const [typename, localIdOf] of this.#byType) {
      const type = schema.getType(typename);
      const field = isObjectType(type) ? type.getFields().id : undefined;
      if (!field) throw new Error(`${typename} has no id field to resolve`);
      field.resolve = (node: unknown, _args, context: GraphContext) => encodeNodeId(typename, localIdOf(node as never, context));
    }
    return schema;
  }
}
