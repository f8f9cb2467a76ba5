/** Seeded, deterministic generators for emulator demo data. */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
  /** A hex string of `length` characters. */
  hex(length: number): string;
}

/** mulberry32: small, fast and good enough for demo data. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    chance: (probability) => next() < probability,
    hex: (length) => {
      let out = '';
      while (out.length < length) out += Math.floor(next() * 16).toString(16);
      return out;
    },
  };
}

/** A deterministic RFC 4122-shaped UUID (version 4 layout) from the generator. */
export function uuidFrom(random: Random): string {
  const h = random.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** First names with non-ASCII letters, quotes and a backslash, so every adapter meets them. */
export const FIRST_NAMES = [
  'Ada', 'José', 'Zoë', 'Łukasz', 'Søren', 'Amélie', '美咲', 'Дмитрий', "O'Brien", 'Nadia',
  'Kwame', 'Ingrid', 'Raphaël', 'Chloé', 'Björn', 'Aiko', 'Mateo', 'Fatima', 'Grzegorz', 'Élodie',
] as const;

export const LAST_NAMES = [
  'Lovelace', 'Müller', "D'Angelo", 'Nguyễn', 'García', 'Østergaard', '山田', 'Smith "Smitty"', 'Back\\slash',
  'Kowalski', 'Dubois', 'Okafor', 'Johansson', 'Tanaka', 'Rossi', 'Haddad', 'Novák', 'Ivanova',
] as const;

export const TOPICS = [
  'Reset my VPN password',
  'Quarterly report — draft ✍️',
  'Why does the build fail with "ENOENT"?',
  'Path C:\\Users\\ada\\config not found',
  "Can't access the O'Reilly share",
  'Résumé template for the new hire',
  'Laptop replacement 💻',
  'Expense policy for 出張',
  'Onboarding checklist',
  'SQL: WHERE name = \'x\' OR 1=1 --',
  'Printer on floor 3 jams',
  'Ünïcödé in filenames',
] as const;

/**
 * `count` instants, newest first, spread over `spanDays` days before `anchor`.
 * About one in `tieEvery` instants repeats its predecessor exactly, so every
 * adapter meets equal timestamps.
 */
export function timeline(random: Random, count: number, anchor: Date, spanDays: number, tieEvery = 12): Date[] {
  const spanMs = spanDays * 24 * 3600 * 1000;
  const points: number[] = [];
  for (let i = 0; i < count; i += 1) points.push(anchor.getTime() - 60_000 - Math.floor(random.next() * spanMs));
  points.sort((a, b) => b - a);
  for (let i = 1; i < points.length; i += 1) {
    if (i % tieEvery === 0) points[i] = points[i - 1] as number;
  }
  return points.map((ms) => new Date(ms));
}

/** Start of the current UTC day: the default anchor, so recent data always exists and data is stable within a day. */
export function startOfUtcDay(now: Date = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
