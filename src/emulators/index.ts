import type { Provider } from '../domain.js';
import type { VendorModule } from '../vendors/vendor-module.js';
import { VENDORS } from '../vendors/vendors.js';
import type { Emulator } from './framework.js';
import type { EmulatorOptions } from './options.js';

/** Default ports of `npm run emulators` (each module's `emulator.defaultPort`); `npm start` and tests use free ports instead. */
export function defaultEmulatorPorts(vendors: readonly VendorModule[] = VENDORS): Record<Provider, number> {
  return Object.fromEntries(vendors.map((vendor) => [vendor.provider, vendor.emulator.defaultPort]));
}

export interface EmulatorSet {
  /** The started emulators by vendor. */
  emulators: Record<Provider, Emulator>;
  /** The DESIGN.md variables (base URLs and credentials) that point the graph at these emulators. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface EmulatorSetOptions extends Omit<EmulatorOptions, 'port'> {
  ports?: Partial<Record<Provider, number>>;
  /** Per-vendor `size`, overriding `size` for that vendor. */
  sizes?: Partial<Record<Provider, number>>;
  /** Start only these vendors' emulators (every listed vendor's by default); `BENCH_EMULATORS=per-vendor` runs each in its own process. */
  only?: readonly Provider[];
  /** The vendors whose emulators start (default: the graph's list). */
  vendors?: readonly VendorModule[];
  /** New conversations per minute per vendor (EMULATOR_LIVE_RATE); 0 (default): the seeded data only. */
  liveRatePerMinute?: number;
}

/** Starts the emulator of every listed vendor on loopback, loaded with seeded demo data. */
export async function startEmulators(options: EmulatorSetOptions = {}): Promise<EmulatorSet> {
  const { ports = {}, sizes = {}, only, liveRatePerMinute = 0, vendors = VENDORS, ...common } = options;
  const optionsOf = (provider: Provider): EmulatorOptions => ({ ...common, size: sizes[provider] ?? common.size, port: ports[provider] ?? 0 });
  const chosen = vendors.filter((vendor) => !only || only.includes(vendor.provider));
  const started = await Promise.all(chosen.map(async (vendor) => [vendor.provider, await vendor.emulator.start(optionsOf(vendor.provider))] as const));
  const emulators: Record<Provider, Emulator> = {};
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
      await Promise.all(Object.values(emulators).map((emulator) => emulator?.close()));
    },
  };
}
