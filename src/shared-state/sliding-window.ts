/**
 * The rate-limit rule, in one place: at most `capacity` calls start in any
 * (half-open) window of `windowMs`, and none before a vendor's pause ends.
 * A call that cannot start now reserves the earliest instant it may start,
 * so callers queue in arrival order; a call whose instant is further away
 * than it may wait is refused and reserves nothing.
 *
 * The Redis gate runs the same rule in a Lua script (redis-gate.ts); this is
 * the per-process version, used without Redis and while Redis is away.
 */

export interface Window {
  capacity: number;
  windowMs: number;
}

/**
 * `limit` requests per second as a window: 10/s is 10 per 1 s; a fraction
 * keeps whole calls and stretches the window (2.5/s is 2 per 800 ms, 0.5/s
 * is 1 per 2 s).
 */
export function windowFor(limit: number): Window {
  const capacity = Math.max(1, Math.floor(limit));
  return { capacity, windowMs: Math.round((capacity / limit) * 1_000) };
}

export interface Reservation {
  granted: boolean;
  /** Milliseconds from now until the call may start (when refused: until it could have). */
  waitMs: number;
}

export class SlidingWindowLog {
  /** Start instants of calls in the current window and reserved ones after it, ascending. */
  private starts: number[] = [];
  private pausedUntil = 0;

  /** No `window`: the vendor has no limit; only pauses hold calls back. */
  constructor(private readonly window: Window | undefined) {}

  reserve(now: number, maxWaitMs: number): Reservation {
    this.forget(now);
    let at = Math.max(now, this.pausedUntil);
    const window = this.window;
    if (window && this.starts.length >= window.capacity) {
      const oldestThatCounts = this.starts[this.starts.length - window.capacity] as number;
      at = Math.max(at, oldestThatCounts + window.windowMs);
    }
    const waitMs = at - now;
    if (waitMs > maxWaitMs) return { granted: false, waitMs };
    if (window) this.insert(at);
    return { granted: true, waitMs };
  }

  /** Records a call granted by the Redis gate, so a fall-back starts from this replica's own recent calls. */
  record(now: number, at: number): void {
    if (!this.window) return;
    this.forget(now);
    this.insert(at);
  }

  pause(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  private insert(at: number): void {
    let index = this.starts.length;
    while (index > 0 && (this.starts[index - 1] as number) > at) index -= 1;
    this.starts.splice(index, 0, at);
  }

  private forget(now: number): void {
    if (!this.window) return;
    const horizon = now - this.window.windowMs;
    let expired = 0;
    while (expired < this.starts.length && (this.starts[expired] as number) <= horizon) expired += 1;
    if (expired > 0) this.starts.splice(0, expired);
  }
}
