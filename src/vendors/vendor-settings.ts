import type { Env } from '../env-reader.js';
import { createEnvReader } from '../env-reader.js';
import type { Provider } from '../domain.js';
import { LIVE_POLL_INTERVAL_RANGE } from '../live/settings.js';
import type { VendorEnvReader, VendorModule, VendorSettings } from './vendor-module.js';

/**
 * The variables every vendor has, named after its `names.envPrefix`: read here for every module in the list,
 * so a new vendor gets them without a line of its own. Add a shared per-vendor setting here (its suffix, its
 * reader) and to `SharedVendorSettings`.
 */
export interface SharedVendorSettings {
  /** `<PREFIX>_RATE_LIMIT`: requests per second, fractions allowed (0.5 is one request every 2 s); null: not limited by the graph. */
  rateLimitPerSecond: number | null;
  /** `<PREFIX>_LIVE_POLL_INTERVAL_MS`: how often subscriptions poll this vendor's head; null: LIVE_POLL_INTERVAL_MS (src/live/). */
  livePollIntervalMs: number | null;
}

export const SHARED_VENDOR_VARIABLE_SUFFIXES = ['_RATE_LIMIT', '_LIVE_POLL_INTERVAL_MS'] as const;

/** The names of the shared per-vendor variables of one vendor. */
export function sharedVendorVariables(module: VendorModule): string[] {
  return SHARED_VENDOR_VARIABLE_SUFFIXES.map((suffix) => `${module.names.envPrefix}${suffix}`);
}

/** Readers for modules: the graph's env reader plus `url`, `required`, `list` and `problem`, reporting into `problems`. */
export function createVendorEnvReader(env: Env, problems: string[]): VendorEnvReader {
  const { read, integer } = createEnvReader(env, problems);
  return {
    read,
    integer,
    url(name) {
      const value = read(name);
      if (value === undefined) return undefined;
      try {
        const parsed = new URL(value);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
        return value.replace(/\/+$/, '');
      } catch {
        problems.push(`${name} must be an http(s) URL, got "${value}"`);
        return undefined;
      }
    },
    required(name, because) {
      const value = read(name);
      if (value === undefined) problems.push(`${name} is required because ${because} is set`);
      return value ?? '';
    },
    list(name) {
      return [...new Set((read(name) ?? '').split(',').map((entry) => entry.trim()).filter(Boolean))];
    },
    problem(message) {
      problems.push(message);
    },
  };
}

/** Settings of every configured vendor in the list (its module's `configuration.read`), every problem appended to `problems`. */
export function readVendorSettings(vendors: readonly VendorModule[], env: Env, problems: string[]): Partial<Record<Provider, VendorSettings>> {
  const reader = createVendorEnvReader(env, problems);
  const settings: Partial<Record<Provider, VendorSettings>> = {};
  for (const vendor of vendors) {
    const own = vendor.configuration.read(reader);
    if (own) settings[vendor.provider] = own;
  }
  return settings;
}

/** The shared per-vendor settings of every vendor in the list, configured or not. */
export function readSharedVendorSettings(vendors: readonly VendorModule[], env: Env, problems: string[]): Record<Provider, SharedVendorSettings> {
  const reader = createVendorEnvReader(env, problems);
  const shared = {} as Record<Provider, SharedVendorSettings>;
  for (const vendor of vendors) {
    const pollName = `${vendor.names.envPrefix}_LIVE_POLL_INTERVAL_MS`;
    shared[vendor.provider] = {
      rateLimitPerSecond: rateLimit(`${vendor.names.envPrefix}_RATE_LIMIT`, reader),
      livePollIntervalMs: reader.read(pollName) === undefined ? null : reader.integer(pollName, 0, LIVE_POLL_INTERVAL_RANGE.min, LIVE_POLL_INTERVAL_RANGE.max),
    };
  }
  return shared;
}

function rateLimit(name: string, reader: VendorEnvReader): number | null {
  const value = reader.read(name);
  if (value === undefined) return null;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0 || parsed > 100_000) {
    reader.problem(`${name} must be a number of requests per second above 0 and at most 100000, got "${value}"`);
    return null;
  }
  return parsed;
}
