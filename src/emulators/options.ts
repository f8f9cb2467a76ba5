/** Options every vendor emulator accepts. */
export interface EmulatorOptions {
  /** Seed of the demo data; the same seed and anchor give the same data. */
  seed?: number;
  /** Number of conversations (per list, for a vendor with several). */
  size?: number;
  /** The newest data is just before this instant (default: start of the current UTC day). */
  anchor?: Date;
  /** Port to listen on; 0 or absent picks a free one. */
  port?: number;
  /** Credential the emulator accepts. */
  token?: string;
  /**
   * `false` (`EMULATOR_RATE_LIMITS=off`): an emulator that models its vendor's rate window answers every call
   * instead, so a load such as the bench's measures the graph, not the window. Default: the vendor's window.
   */
  rateLimits?: boolean;
}

/** `EMULATOR_RATE_LIMITS`: `on` (default) or `off` (see `EmulatorOptions.rateLimits`). */
export function readRateLimits(env: Record<string, string | undefined>): boolean {
  const raw = env.EMULATOR_RATE_LIMITS?.trim().toLowerCase();
  if (!raw || raw === 'on') return true;
  if (raw === 'off') return false;
  throw new Error(`EMULATOR_RATE_LIMITS must be on or off, got "${env.EMULATOR_RATE_LIMITS}"`);
}

/**
 * `EMULATOR_LIVE_RATE`: conversations each emulator adds per minute, created
 * at the moment they are added (0: the data stays as seeded). `fallback`
 * when unset: a few in `npm start`'s demo, 0 for `npm run emulators` (the
 * bench and tests count on fixed data).
 */
export function readLiveRate(env: Record<string, string | undefined>, fallback: number): number {
  const raw = env.EMULATOR_LIVE_RATE?.trim();
  if (!raw) return fallback;
  const rate = Number(raw);
  if (!Number.isFinite(rate) || rate < 0 || rate > 600) throw new Error(`EMULATOR_LIVE_RATE must be a number from 0 to 600 (a minute), got "${raw}"`);
  return rate;
}

/** The demo's default rate (`npm start`): a handful of new conversations a minute across the vendors. */
export const DEMO_LIVE_RATE = 2;
