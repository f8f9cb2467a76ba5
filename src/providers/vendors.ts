import { PROVIDERS, type Provider } from '../domain.js';
import { chatbaseVendor } from './chatbase/vendor.js';
import { flashbackVendor } from './flashback/vendor.js';
import { moveworksConversationsVendor } from './moveworks-conversations/vendor.js';
import { moveworksDataVendor } from './moveworks-data/vendor.js';
import { symblVendor } from './symbl/vendor.js';
import type { VendorModule } from './vendor-module.js';

/**
 * The vendors the graph serves: the one list everything per vendor derives from (config, registry, schema,
 * limits, emulators, /ready, bench, tests). One entry per `Provider` enum value, each the module of that
 * value: the compiler refuses a missing, extra or mismatched entry. The list's order is the graph's fixed
 * vendor order (it breaks ties in the merge).
 */
const MODULES: { readonly [P in Provider]: VendorModule & { readonly provider: P } } = {
  FLASHBACK: flashbackVendor,
  CHATBASE: chatbaseVendor,
  MOVEWORKS_DATA: moveworksDataVendor,
  SYMBL: symblVendor,
  MOVEWORKS_CONVERSATIONS: moveworksConversationsVendor,
};

export const VENDORS: readonly VendorModule[] = PROVIDERS.map((provider) => MODULES[provider]);

export function vendorModule(provider: Provider, vendors: readonly VendorModule[] = VENDORS): VendorModule {
  const module = vendors.find((candidate) => candidate.provider === provider);
  if (!module) throw new Error(`no vendor module for ${provider}`);
  return module;
}
