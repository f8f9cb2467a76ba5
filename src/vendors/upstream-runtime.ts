import type { Provider } from '../domain.js';
import type { ErrorCode, UpstreamError } from '../errors.js';
import type { SharedStore } from '../shared-state/store.js';

/**
 * The runtime hooks port: what the graph wires into every vendor client at start (never read from the
 * environment). Shared state implements the gate and the store, observability the observer; the HTTP client
 * calls them. Plain settings are HttpSettings (http-settings.ts).
 */

/** What every vendor's HttpClient calls (HttpClientOptions extends it). */
export interface UpstreamHooks {
  /** Sees every attempt, retry, breaker change and final failure (metrics, logs, traces). */
  observer?: UpstreamObserver;
  /** Decides when a call may go (rate limits shared by replicas). */
  gate?: UpstreamGate;
}

/**
 * Wired by the graph at start (not read from the environment) and handed to every adapter beside its plain
 * HttpSettings (VendorAdapterContext.runtime): the hooks its client calls and the store its streams keep state in.
 */
export interface UpstreamRuntime extends UpstreamHooks {
  /** State that outlives a request (scan indexes, counts): per process, or shared by replicas. */
  store: SharedStore;
}

export interface UpstreamAttemptStart {
  provider: Provider;
  /** Route template (`/conversations/{id}/messages`): never a raw URL or id. */
  endpoint: string;
  method: 'GET' | 'POST';
  /** 1 for the first attempt. */
  attempt: number;
}

export interface UpstreamAttemptEnd {
  /** `ok`, or the error code the attempt failed with. */
  outcome: 'ok' | ErrorCode;
  status?: number;
  durationMs: number;
}

export interface UpstreamObserver {
  /** Called as an attempt starts; the returned function is called once as it ends. */
  attempt?(start: UpstreamAttemptStart): ((end: UpstreamAttemptEnd) => void) | void;
  retry?(event: { provider: Provider; endpoint: string; attempt: number; delayMs: number; code: ErrorCode }): void;
  breaker?(event: { provider: Provider; open: boolean }): void;
  /** A call failed for good (after its retries). */
  failure?(event: { provider: Provider; endpoint: string; error: UpstreamError }): void;
  /** A call joined an identical one in flight instead of going upstream (coalesce.ts). */
  coalesced?(event: { provider: Provider; endpoint: string }): void;
}

export interface UpstreamGate {
  /** Resolves when the call may be sent; rejects with an UpstreamError (UPSTREAM_RATE_LIMITED) when it cannot be in time. */
  acquire(call: { provider: Provider; credential: string; deadlineAt: number }): Promise<void>;
  /** The vendor answered with `Retry-After`: hold every call to it for that long. */
  pause(call: { provider: Provider; credential: string; seconds: number }): void | Promise<void>;
}
