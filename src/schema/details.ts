import type { ConversationDetails } from '../domain.js';
import type { VendorModule } from '../providers/vendor-module.js';
import type { GraphBuilder } from './builder.js';

/** `ConversationDetails`: one object type per vendor, built from its module's `details`. */
export function defineDetails(builder: GraphBuilder, vendors: readonly VendorModule[]) {
  const typeByProvider = new Map(
    vendors.map((vendor) => {
      const { name, description, fields } = vendor.details;
      const ref = builder.objectRef<ConversationDetails>(name).implement({
        description,
        isTypeOf: (details) => (details as ConversationDetails).provider === vendor.provider,
        fields: (t) =>
          Object.fromEntries(
            Object.entries(fields).map(([field, spec]) => [
              field,
              // The spec pairs each scalar with a resolver of its type (OutputFieldSpec); Pothos cannot see that through the map.
              t.field({ type: spec.type as 'String', nullable: spec.nullable ?? false, description: spec.description, resolve: (details) => spec.resolve(details) as string }),
            ]),
          ),
      });
      return [vendor.provider, ref] as const;
    }),
  );
  return builder.unionType('ConversationDetails', {
    description: 'Vendor-only fields of a conversation, one type per vendor.',
    types: [...typeByProvider.values()],
    // Named, not found by trying each isTypeOf: one look-up per conversation, and the compiled executor
    // (graphql-jit) calls resolveType without the abstract type graphql-js's default resolver needs.
    resolveType: (details) => {
      const type = typeByProvider.get(details.provider);
      if (!type) throw new Error(`no details type for ${details.provider}`);
      return type;
    },
  });
}

export type DetailsUnionRef = ReturnType<typeof defineDetails>;
