import { writeFileSync } from 'node:fs';
import { printSchemaArtifact } from '../src/schema/print.js';

writeFileSync(new URL('../schema/schema.graphql', import.meta.url), printSchemaArtifact());
console.log('wrote schema/schema.graphql');
