/** Scan indexes and probed counts that outlive a request, kept in the shared store. */
export interface ScanSettings {
  /** How long a completed scan index is reused (and how long a partial one waits to be continued). */
  indexTtlMs: number;
  /** How long a probed count is reused; 0: never cached. */
  countTtlMs: number;
}

export const DEFAULT_SCAN_SETTINGS: ScanSettings = {
  indexTtlMs: 120_000,
  countTtlMs: 60_000,
};
