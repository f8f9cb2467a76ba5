import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimitConfig } from './settings.js';
import type { Provider } from '../domain.js';
import { ErrorCode, UpstreamError } from '../errors.js';
import type { UpstreamGate } from '../vendors/upstream-runtime.js';
import { SlidingWindowLog, windowFor, type Reservation } from './sliding-window.js';

export interface GateCall {
  provider: Provider;
  credential: string;
  deadlineAt: number;
}

/** A gate that runs in this process: the embedded default, and what the Redis gate falls back to. */
export interface MemoryGate extends UpstreamGate {
  /** Notes a call the Redis gate let through at `at` (epoch ms), so a fall-back starts from this replica's own history. */
  record(provider: Provider, credential: string, at: number): void;
}

/** How long a call may wait: the queue, but never past its request's deadline. */
export function maxWaitFor(call: GateCall, limits: RateLimitConfig, now: number): number {
  return Math.max(0, Math.min(limits.queueMs, call.deadlineAt - now));
}

/** Waits for a granted reservation, or throws the coded error for a refused one. */
export async function honour(reservation: Reservation, call: GateCall, limits: RateLimitConfig): Promise<void> {
  if (!reservation.granted) throw rateLimited(call.provider, limits.perSecond[call.provider], reservation.waitMs);
  if (reservation.waitMs > 0) await sleep(reservation.waitMs);
}

export function rateLimited(provider: Provider, limit: number | undefined, waitMs: number): UpstreamError {
  const reason =
    limit === undefined
      ? `${provider} asked the graph to pause its calls`
      : `${provider}'s rate limit of ${limit} requests per second is used up (or the vendor asked to pause)`;
  return new UpstreamError(`${reason}; this call was not sent`, {
    provider,
    code: ErrorCode.UPSTREAM_RATE_LIMITED,
    retryAfter: Math.max(1, Math.ceil(waitMs / 1_000)),
  });
}

/** `<VENDOR>_RATE_LIMIT` and `Retry-After` pauses, per process: each replica keeps its own count. */
export function createMemoryGate(limits: RateLimitConfig, now: () => number = Date.now): MemoryGate {
  const logs = new Map<string, SlidingWindowLog>();
  const logFor = (provider: Provider, credential: string): SlidingWindowLog => {
    const key = `${provider}:${credential}`;
    let log = logs.get(key);
    if (!log) {
      const limit = limits.perSecond[provider];
      log = new SlidingWindowLog(limit === undefined ? undefined : windowFor(limit));
      logs.set(key, log);
    }
    return log;
  };
  return {
    async acquire(call) {
      const at = now();
      const reservation = logFor(call.provider, call.credential).reserve(at, maxWaitFor(call, limits, at));
      await honour(reservation, call, limits);
    },
    pause({ provider, credential, seconds }) {
      logFor(provider, credential).pause(now() + seconds * 1_000);
    },
    record(provider, credential, at) {
      logFor(provider, credential).record(now(), at);
    },
  };
}
