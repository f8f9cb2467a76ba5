/**
 * How every vendor client talks HTTP: plain settings, read from the environment (config.ts) or given by a test.
 * The hooks the graph wires in at start (observer, rate-limit gate, shared store) are not settings: they are the
 * runtime port, upstream-runtime.ts, passed beside these.
 */
export interface HttpSettings {
  timeoutMs: number;
  retry: RetrySettings;
  /** Consecutive failures that open the breaker; 0 disables it. */
  breakerThreshold: number;
  breakerHalfOpenAfterMs: number;
  connections: number;
  /** A vendor body longer than this is refused as it arrives (UPSTREAM_BAD_RESPONSE), never buffered whole. */
  maxResponseBytes: number;
  /** Share identical GETs in flight at the same moment (coalesce.ts); on unless false. From `performance.coalesceUpstream`. */
  coalesce?: boolean;
}

export interface RetrySettings {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}
