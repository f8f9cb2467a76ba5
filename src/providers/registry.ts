import type { AppConfig } from '../config.js';
import type { Provider } from '../domain.js';
import { createChatbaseAdapter } from './chatbase/adapter.js';
import { createFlashbackAdapter } from './flashback/adapter.js';
import { createMoveworksConversationsAdapter } from './moveworks-conversations/adapter.js';
import { createMoveworksDataAdapter } from './moveworks-data/adapter.js';
import type { UpstreamRuntime } from './http.js';
import type { ProviderAdapter } from './provider.js';
import { createMemoryStore } from '../shared-state/store.js';
import { createSymblAdapter } from './symbl/adapter.js';

/** One adapter per configured provider, in the graph's fixed provider order (which also breaks ties). */
export function createAdapters(config: AppConfig, runtime: UpstreamRuntime = { store: createMemoryStore() }): Map<Provider, ProviderAdapter> {
  const { providers } = config;
  // Adapters receive the runtime hooks inside their http settings; every HttpClient spreads them into its options.
  const http = { ...config.http, ...runtime, coalesce: config.performance.coalesceUpstream };
  const adapters = new Map<Provider, ProviderAdapter>();
  if (providers.FLASHBACK) adapters.set('FLASHBACK', createFlashbackAdapter(providers.FLASHBACK, http));
  if (providers.CHATBASE) adapters.set('CHATBASE', createChatbaseAdapter(providers.CHATBASE, http, config.scans));
  if (providers.MOVEWORKS_DATA) adapters.set('MOVEWORKS_DATA', createMoveworksDataAdapter(providers.MOVEWORKS_DATA, http));
  if (providers.SYMBL) adapters.set('SYMBL', createSymblAdapter(providers.SYMBL, http, {}, config.scans));
  if (providers.MOVEWORKS_CONVERSATIONS) {
    adapters.set('MOVEWORKS_CONVERSATIONS', createMoveworksConversationsAdapter(providers.MOVEWORKS_CONVERSATIONS, http, config.scans));
  }
  return adapters;
}
