import type { AppConfig } from '../config.js';
import type { Provider } from '../domain.js';
import type { UpstreamRuntime } from './upstream-runtime.js';
import type { VendorAdapter } from './port.js';

/** One adapter per configured vendor (its module's `createAdapter`), in the vendor list's order (which also breaks ties). */
export function createAdapters(config: AppConfig, runtime: UpstreamRuntime): Map<Provider, VendorAdapter> {
  const http = { ...config.http, coalesce: config.performance.coalesceUpstream };
  const adapters = new Map<Provider, VendorAdapter>();
  for (const vendor of config.vendors) {
    const settings = config.vendorConfigs[vendor.provider];
    if (settings) adapters.set(vendor.provider, vendor.createAdapter(settings, { http, runtime, scans: config.scans }));
  }
  return adapters;
}
