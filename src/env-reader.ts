/** The environment as the process sees it. */
export type Env = Record<string, string | undefined>;

export interface EnvReader {
  /** The trimmed value, or undefined when unset or blank. */
  read(name: string): string | undefined;
  /** `true`/`1` or `false`/`0` (any case); anything else is a problem and gives the fallback. */
  flag(name: string, fallback: boolean): boolean;
  /** An integer in [min, max]; anything else is a problem and gives the fallback. */
  integer(name: string, fallback: number, min: number, max: number): number;
}

/** Typed readers of `env` that append every problem to `problems`, so loadConfig can report them all at once. */
export function createEnvReader(env: Env, problems: string[]): EnvReader {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  return {
    read,
    flag(name, fallback) {
      const value = read(name);
      if (value === undefined) return fallback;
      const lower = value.toLowerCase();
      if (lower === 'true' || lower === '1') return true;
      if (lower === 'false' || lower === '0') return false;
      problems.push(`${name} must be true or false, got "${value}"`);
      return fallback;
    },
    integer(name, fallback, min, max) {
      const value = read(name);
      if (value === undefined) return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
        problems.push(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
        return fallback;
      }
      return parsed;
    },
  };
}
