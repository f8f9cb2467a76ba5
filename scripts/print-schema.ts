import { writeFileSync } from 'node:fs';
import { printClientSchemaArtifact, printSchemaArtifact } from '../src/schema/print.js';

writeFileSync(new URL('../schema/schema.graphql', import.meta.url), printSchemaArtifact());
console.log('wrote schema/schema.graphql');
writeFileSync(new URL('../schema/client.graphql', import.meta.url), printClientSchemaArtifact());
console.log('wrote schema/client.graphql (the API schema frontends compile against)');
