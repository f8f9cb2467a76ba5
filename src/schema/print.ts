import { printSubgraphSchema } from '@apollo/subgraph';
import { lexicographicSortSchema } from 'graphql';
import { schema } from './index.js';

/** The subgraph SDL as committed in schema/schema.graphql (federation directives kept, types sorted). */
export function printSchemaArtifact(): string {
  return `${printSubgraphSchema(lexicographicSortSchema(schema)).trim()}\n`;
}
