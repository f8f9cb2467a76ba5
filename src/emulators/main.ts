import type { Provider } from '../domain.js';
import { defaultEmulatorPorts, startEmulators } from './index.js';
import { readLiveRate, readRateLimits } from './options.js';

const DEFAULT_EMULATOR_PORTS = defaultEmulatorPorts();

/** `npm run emulators`: every listed vendor's emulator (or EMULATOR_ONLY's) on fixed ports (EMULATOR_<PROVIDER>_PORT overrides), then KEY=VALUE lines. */
const ports = Object.fromEntries(
  Object.entries(DEFAULT_EMULATOR_PORTS).map(([provider, port]) => [provider, Number(process.env[`EMULATOR_${provider}_PORT`] ?? port)]),
) as Record<Provider, number>;
const seed = process.env.EMULATOR_SEED ? Number(process.env.EMULATOR_SEED) : undefined;
const size = process.env.EMULATOR_SIZE ? Number(process.env.EMULATOR_SIZE) : undefined;

// EMULATOR_ONLY=<PROVIDER>,<PROVIDER>: only those vendors (BENCH_EMULATORS=per-vendor starts one process per vendor).
const only = process.env.EMULATOR_ONLY?.split(',').map((name) => name.trim().toUpperCase());
const unknown = only?.filter((name) => !(name in DEFAULT_EMULATOR_PORTS));
if (unknown && unknown.length > 0) {
  console.error(`EMULATOR_ONLY names unknown vendors: ${unknown.join(', ')} (known: ${Object.keys(DEFAULT_EMULATOR_PORTS).join(', ')})`);
  process.exit(1);
}

let liveRatePerMinute: number;
let rateLimits: boolean;
try {
  liveRatePerMinute = readLiveRate(process.env, 0);
  rateLimits = readRateLimits(process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const set = await startEmulators({ ports, seed, size, liveRatePerMinute, rateLimits, ...(only ? { only: only as Provider[] } : {}) });
for (const [key, value] of Object.entries(set.env)) console.log(`${key}=${value}`);
console.error('# emulators running; Ctrl-C stops them. Control routes: <base origin>/__control/{log,counters,connections,faults,latency,reset,live,conversations}');
const stop = (): void => {
  void set.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
