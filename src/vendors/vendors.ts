import { chatbaseVendor } from './chatbase/vendor.js';
import { flashbackVendor } from './flashback/vendor.js';
import { intercomVendor } from './intercom/vendor.js';
import { moveworksConversationsVendor } from './moveworks-conversations/vendor.js';
import { moveworksDataVendor } from './moveworks-data/vendor.js';
import { symblVendor } from './symbl/vendor.js';
import type { VendorModule } from './vendor-module.js';

/**
 * The GraphQL `Provider` enum this graph serves, in the graph's fixed vendor order (it breaks ties in the
 * merge). A value here is served forever: it is inside global ids and cursor bindings.
 */
export const PROVIDERS = ['FLASHBACK', 'CHATBASE', 'MOVEWORKS_DATA', 'SYMBL', 'MOVEWORKS_CONVERSATIONS', 'INTERCOM'] as const;

export type KnownProvider = (typeof PROVIDERS)[number];

/**
 * One module per enum value, each the module of that value: the compiler refuses a missing, extra or
 * mismatched entry. Adding a vendor: its enum value above, its module here; nothing else outside its folders.
 */
const MODULES: { readonly [P in KnownProvider]: VendorModule & { readonly provider: P } } = {
  FLASHBACK: flashbackVendor,
  CHATBASE: chatbaseVendor,
  MOVEWORKS_DATA: moveworksDataVendor,
  SYMBL: symblVendor,
  MOVEWORKS_CONVERSATIONS: moveworksConversationsVendor,
  INTERCOM: intercomVendor,
};

/** The vendors the graph serves: everything per vendor derives from this list (tests may pass their own). */
export const VENDORS: readonly VendorModule[] = PROVIDERS.map((provider) => MODULES[provider]);

/** The module of `provider` in `vendors` (default: the graph's list); throws for a vendor the list does not hold. */
export function vendorModule(provider: string, vendors: readonly VendorModule[] = VENDORS): VendorModule {
  const module = vendors.find((candidate) => candidate.provider === provider);
  if (!module) throw new Error(`no vendor module for ${provider}`);
  return module;
}
