import type { AppConfig } from '../src/config.js';

/** The headers each vendor client of the graph sends, by vendor origin, so the baseline calls upstream as the graph does. */
export function vendorHeadersByOrigin(config: AppConfig): Map<string, Record<string, string>> {
  const headers = new Map<string, Record<string, string>>();
  for (const vendor of config.vendors) {
    const settings = config.vendorConfigs[vendor.provider];
    if (settings) headers.set(new URL(settings.baseUrl).origin, { accept: 'application/json', ...vendor.credentialHeaders(settings) });
  }
  return headers;
}
