import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

/** Where the typed documents go; the drift test points this at a temporary directory. */
const outputDirectory = process.env.CODEGEN_OUTPUT_DIR ?? 'schema/generated/';

/** Typed documents for the example operations; `npm run codegen` prints the schema first. */
const config: CodegenConfig = {
  // The API schema (no federation types): what a frontend's own codegen reads.
  schema: 'schema/client.graphql',
  documents: 'schema/operations/*.graphql',
  ignoreNoDocuments: false,
  generates: {
    [outputDirectory]: {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        // persisted-documents.json (sha256 of each operation's text -> the text): what PERSISTED_OPERATIONS serves.
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
      // With a persisted operation the graph runs the manifest's text, not the client's: it must already ask for
      // the `__typename`s that normalized caches (Apollo Client, urql Graphcache) need.
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: {
        useTypeImports: true,
        emitLegacyCommonJSImports: false,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSONObject: 'Record<string, unknown>' },
      },
    },
  },
};

export default config;
