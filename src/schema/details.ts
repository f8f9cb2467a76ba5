import type { ConversationDetails } from '../domain.js';
import type { DetailsObjectSpec, OutputFieldSpec, VendorModule } from '../vendors/vendor-module.js';
import type { GraphBuilder } from './builder.js';

type FieldSpecs = { readonly [field: string]: OutputFieldSpec<never> };

/** The GraphQL fields of a details spec: scalars, lists of them, and nested object types (each built once, by name). */
function fieldsOf(builder: GraphBuilder, specs: FieldSpecs, objects: Map<string, unknown>) {
  // The specs pair each type with a resolver of its values (OutputFieldSpec); Pothos cannot see that through the map.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (t: any) =>
    Object.fromEntries(
      Object.entries(specs).map(([field, spec]) => {
        const base = typeof spec.type === 'string' ? spec.type : objectOf(builder, spec.type, objects);
        return [
          field,
          t.field({
            type: spec.list === true ? [base] : base,
            nullable: spec.nullable ?? false,
            description: spec.description,
            resolve: (value: never) => (spec.resolve as (value: never) => unknown)(value),
          }),
        ];
      }),
    );
}

function objectOf(builder: GraphBuilder, spec: DetailsObjectSpec<never>, objects: Map<string, unknown>): unknown {
  const known = objects.get(spec.name);
  if (known) return known;
  const ref = builder.objectRef<object>(spec.name);
  objects.set(spec.name, ref);
  ref.implement({ description: spec.description, fields: fieldsOf(builder, spec.fields as FieldSpecs, objects) });
  return ref;
}

/** `ConversationDetails`: one object type per vendor, built from its module's `details`. */
export function defineDetails(builder: GraphBuilder, vendors: readonly VendorModule[]) {
  const objects = new Map<string, unknown>();
  const typeByProvider = new Map(
    vendors.map((vendor) => {
      const { name, description, fields } = vendor.details;
      const ref = builder.objectRef<ConversationDetails>(name).implement({
        description,
        isTypeOf: (details) => (details as ConversationDetails).provider === vendor.provider,
        fields: fieldsOf(builder, fields as FieldSpecs, objects),
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
