import type { CodegenConfig } from '@graphql-codegen/cli';

/** Where the typed documents go; the drift test points this at a temporary directory. */
const outputDirectory = process.env.CODEGEN_OUTPUT_DIR ?? 'schema/generated/';

/** Typed documents for the example operations; `npm run codegen` prints the schema first. */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: 'schema/operations/*.graphql',
  ignoreNoDocuments: false,
  generates: {
    [outputDirectory]: {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
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
