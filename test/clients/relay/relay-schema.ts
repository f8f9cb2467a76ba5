import { Kind, parse, print } from 'graphql';

/**
 * The shim between schema/schema.graphql (a Federation v2 subgraph SDL) and
 * relay-compiler: the compiler (v21) panics on a schema extension
 * ("SchemaExtension not implemented") and the subgraph SDL opens with
 * `extend schema @link(url: "https://specs.apollo.dev/federation/v2.x", …)`.
 * Dropping that schema extension is all it takes; the federation directives
 * on types (`@key`, `@shareable`) are ignored by Relay. Types, fields and
 * arguments are unchanged, so what compiles here compiles against the graph.
 */
export function relaySchemaFrom(subgraphSdl: string): string {
  const document = parse(subgraphSdl);
  return print({ ...document, definitions: document.definitions.filter((definition) => definition.kind !== Kind.SCHEMA_EXTENSION) });
}
