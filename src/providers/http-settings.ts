import type { SharedStore } from '../shared-state/store.js';
import type { RetrySettings, UpstreamGate, UpstreamObserver } from './http.js';

/** How every vendor client talks HTTP. */
export interface HttpSettings {
  timeoutMs: number;
  retry: RetrySettings;
  breakerThreshold: number;
  breakerHalfOpenAfterMs: number;
  connections: number;
  maxResponseBytes: number;
  /** Wired by the graph at start, never read from the environment (see UpstreamRuntime). */
  observer?: UpstreamObserver;
  gate?: UpstreamGate;
  store?: SharedStore;
  /** From `performance.coalesceUpstream`; see HttpClientOptions. */
  coalesce?: boolean;
}
