import type { VendorModule } from '../vendors/vendor-module.js';
import type { GraphBuilder } from './builder.js';

export function defineProviderEnum(builder: GraphBuilder, vendors: readonly VendorModule[]) {
  return builder.enumType('Provider', {
    description: 'A vendor whose conversations the graph serves.',
    values: vendors.map((vendor) => vendor.provider),
  });
}

export type ProviderEnumRef = ReturnType<typeof defineProviderEnum>;
