import type { ConversationFilter } from '../domain.js';
import { badUserInput } from '../errors.js';
import type { InputFieldSpec, InputObjectSpec, VendorModule } from '../vendors/vendor-module.js';
import type { GraphBuilder } from './builder.js';

/** The `filter` argument as coerced: the range and each vendor's section (its module's `filter.input`). */
export interface ConversationFilterArg {
  readonly createdAt?: { readonly from?: Date | null; readonly to?: Date | null } | null;
  readonly [vendorFilterKey: string]: unknown;
}

/** `ConversationFilter`: `createdAt` and one section per vendor, each built from its module's `filter.input`. */
export function defineFilterInput(builder: GraphBuilder, vendors: readonly VendorModule[]) {
  const DateTimeRangeInput = builder.inputType('DateTimeRange', {
    description: 'Half-open: from <= value < to. Either end may be left out.',
    fields: (t) => ({
      from: t.field({ type: 'DateTime', required: false }),
      to: t.field({ type: 'DateTime', required: false }),
    }),
  });
  const inputs = new Map<string, ReturnType<typeof builder.inputRef<Record<string, unknown>>>>();
  const inputOf = (spec: InputObjectSpec) => {
    const known = inputs.get(spec.name);
    if (known) return known;
    const ref = builder.inputRef<Record<string, unknown>>(spec.name);
    inputs.set(spec.name, ref);
    ref.implement({
      description: spec.description,
      fields: (t) => Object.fromEntries(Object.entries(spec.fields).map(([name, field]) => [name, t.field({ type: typeOf(field) as 'String', required: field.required ?? false, description: field.description })])),
    });
    return ref;
  };
  const typeOf = (field: InputFieldSpec) => {
    const single = typeof field.type === 'string' ? field.type : inputOf(field.type);
    return field.list ? [single] : single;
  };
  for (const vendor of vendors) inputOf(vendor.filter.input);
  return builder.inputType('ConversationFilter', {
    fields: (t) => ({
      createdAt: t.field({ type: DateTimeRangeInput, required: false }),
      ...Object.fromEntries(vendors.map((vendor) => [vendor.filter.key, t.field({ type: inputOf(vendor.filter.input), required: false })])),
    }),
  });
}

export type FilterInputRef = ReturnType<typeof defineFilterInput>;

/** Validates the filter argument into the domain filter (every vendor's section at its key, null when left out); every refusal is BAD_USER_INPUT. */
export function toDomainFilter(arg: ConversationFilterArg | null | undefined, vendors: readonly VendorModule[]): ConversationFilter {
  const createdAt = arg?.createdAt;
  const from = createdAt?.from ?? null;
  const to = createdAt?.to ?? null;
  if (from && to && from.getTime() >= to.getTime()) {
    throw badUserInput('`filter.createdAt.from` must be before `filter.createdAt.to`.', { argument: 'filter.createdAt' });
  }
  const filter: { createdAt: ConversationFilter['createdAt']; [key: string]: unknown } = { createdAt: from || to ? { from, to } : null };
  for (const vendor of vendors) {
    const { key } = vendor.filter;
    const section = arg?.[key];
    filter[key] = section === null || section === undefined ? null : vendor.filter.parse(section, `filter.${key}`);
  }
  return filter;
}
