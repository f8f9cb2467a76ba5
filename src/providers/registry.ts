import type { AppConfig } from '../config.js';
import { PROVIDERS, type Provider } from '../domain.js';
import { createFlashbackAdapter } from './flashback/adapter.js';
import type { ProviderAdapter } from './provider.js';

/** One adapter per configured provider, in the graph's fixed provider order. */
export function createAdapters(config: AppConfig): Map<Provider, ProviderAdapter> {
  const adapters = new Map<Provider, ProviderAdapter>();
  const { providers, http } = config;
  for (const provider of PROVIDERS) {
    switch (provider) {
      case 'FLASHBACK':
        if (providers.FLASHBACK) adapters.set(provider, createFlashbackAdapter(providers.FLASHBACK, http));
        break;
      default:
        break;
    }
  }
  return adapters;
}
