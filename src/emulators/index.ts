import type { Provider } from '../domain.js';
import type { Emulator } from './framework.js';
import { startChatbaseEmulator } from './chatbase.js';
import { startFlashbackEmulator } from './flashback.js';
import { startMoveworksConversationsEmulator } from './moveworks-conversations.js';
import { startMoveworksDataEmulator } from './moveworks-data.js';
import { startSymblEmulator } from './symbl.js';
import type { EmulatorOptions } from './options.js';

/** Default ports of `npm run emulators`; `npm start` and tests use free ports instead. */
export const DEFAULT_EMULATOR_PORTS: Record<Provider, number> = {
  FLASHBACK: 4101,
  CHATBASE: 4102,
  MOVEWORKS_DATA: 4103,
  SYMBL: 4104,
  MOVEWORKS_CONVERSATIONS: 4105,
};

export interface EmulatorSet {
  emulators: Partial<Record<Provider, Emulator>>;
  /** The DESIGN.md variables (base URLs and credentials) that point the graph at these emulators. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface EmulatorSetOptions extends Omit<EmulatorOptions, 'port'> {
  ports?: Partial<Record<Provider, number>>;
  /** Per-vendor `size`, overriding `size` for that vendor. */
  sizes?: Partial<Record<Provider, number>>;
  /** Start only these vendors' emulators (all five by default); `BENCH_EMULATORS=per-vendor` runs each in its own process. */
  only?: readonly Provider[];
  /** New conversations per minute per vendor (EMULATOR_LIVE_RATE); 0 (default): the seeded data only. */
  liveRatePerMinute?: number;
}

/** Starts the emulators of all five vendors on loopback, loaded with seeded demo data. */
export async function startEmulators(options: EmulatorSetOptions = {}): Promise<EmulatorSet> {
  const { ports = {}, sizes = {}, only, liveRatePerMinute = 0, ...common } = options;
  const optionsOf = (provider: Provider): EmulatorOptions => ({ ...common, size: sizes[provider] ?? common.size, port: ports[provider] ?? 0 });
  const starters: Record<Provider, (options: EmulatorOptions) => Promise<{ emulator: Emulator; env: Record<string, string> }>> = {
    FLASHBACK: startFlashbackEmulator,
    CHATBASE: startChatbaseEmulator,
    MOVEWORKS_DATA: startMoveworksDataEmulator,
    SYMBL: startSymblEmulator,
    MOVEWORKS_CONVERSATIONS: startMoveworksConversationsEmulator,
  };
  const providers = (Object.keys(starters) as Provider[]).filter((provider) => !only || only.includes(provider));
  const started = await Promise.all(providers.map(async (provider) => [provider, await starters[provider](optionsOf(provider))] as const));
  const emulators: Partial<Record<Provider, Emulator>> = {};
  let env: Record<string, string> = {};
  for (const [provider, handle] of started) {
    emulators[provider] = handle.emulator;
    if (liveRatePerMinute > 0) handle.emulator.setLiveRate(liveRatePerMinute);
    env = { ...env, ...handle.env };
  }
  return {
    emulators,
    env,
    close: async () => {
      await Promise.all(Object.values(emulators).map((emulator) => emulator.close()));
    },
  };
}
