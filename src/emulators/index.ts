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
}

/** Starts the emulators of all five vendors on loopback, loaded with seeded demo data. */
export async function startEmulators(options: EmulatorSetOptions = {}): Promise<EmulatorSet> {
  const { ports = {}, sizes = {}, ...common } = options;
  const dataOf = (provider: Provider): Omit<EmulatorOptions, 'port'> => ({ ...common, size: sizes[provider] ?? common.size });
  const started = await Promise.all([
    startFlashbackEmulator({ ...dataOf('FLASHBACK'), port: ports.FLASHBACK ?? 0 }).then((handle) => ['FLASHBACK', handle] as const),
    startChatbaseEmulator({ ...dataOf('CHATBASE'), port: ports.CHATBASE ?? 0 }).then((handle) => ['CHATBASE', handle] as const),
    startMoveworksDataEmulator({ ...dataOf('MOVEWORKS_DATA'), port: ports.MOVEWORKS_DATA ?? 0 }).then((handle) => ['MOVEWORKS_DATA', handle] as const),
    startSymblEmulator({ ...dataOf('SYMBL'), port: ports.SYMBL ?? 0 }).then((handle) => ['SYMBL', handle] as const),
    startMoveworksConversationsEmulator({ ...dataOf('MOVEWORKS_CONVERSATIONS'), port: ports.MOVEWORKS_CONVERSATIONS ?? 0 }).then(
      (handle) => ['MOVEWORKS_CONVERSATIONS', handle] as const,
    ),
  ]);
  const emulators: Partial<Record<Provider, Emulator>> = {};
  let env: Record<string, string> = {};
  for (const [provider, handle] of started) {
    emulators[provider] = handle.emulator;
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
