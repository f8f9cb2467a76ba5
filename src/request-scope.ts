import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Provider } from './domain.js';

/**
 * What one GraphQL request may spend upstream: a deadline for every vendor
 * call it makes and a budget of calls. It travels with the request's async
 * work (AsyncLocalStorage), so the HTTP client sees it without every adapter
 * passing it along.
 */
export interface RequestScope {
  readonly requestId: string;
  readonly startedAt: number;
  /** Epoch ms by which every upstream call of this request must have answered. */
  readonly deadlineAt: number;
  readonly upstreamCallLimit: number;
  /** Upstream calls sent so far (retries included), by provider. */
  readonly upstreamCalls: Map<Provider, number>;
  /** Counts one upstream call; false when the budget is spent (the call must not be sent). */
  takeUpstreamCall(provider: Provider): boolean;
  /** Milliseconds left before the deadline (never negative). */
  remainingMs(): number;
}

export interface RequestScopeOptions {
  requestId: string;
  deadlineMs: number;
  upstreamCallLimit: number;
  /** When the HTTP request arrived (epoch ms); default now. The deadline counts from here, parsing included. */
  startedAt?: number;
}

export function createRequestScope(options: RequestScopeOptions): RequestScope {
  const startedAt = options.startedAt ?? Date.now();
  const upstreamCalls = new Map<Provider, number>();
  let spent = 0;
  return {
    requestId: options.requestId,
    startedAt,
    deadlineAt: startedAt + options.deadlineMs,
    upstreamCallLimit: options.upstreamCallLimit,
    upstreamCalls,
    takeUpstreamCall(provider) {
      if (spent >= options.upstreamCallLimit) return false;
      spent += 1;
      upstreamCalls.set(provider, (upstreamCalls.get(provider) ?? 0) + 1);
      return true;
    },
    remainingMs() {
      return Math.max(0, this.deadlineAt - Date.now());
    },
  };
}

/**
 * One AsyncLocalStorage for the scope and the phase's deadline: each storage in use writes its own property
 * on every promise the process creates (Node 20's promise hook), so a second one costs every page a
 * property per promise (measured in docs/benchmarks.md, "Second round").
 */
interface Frame {
  readonly scope: RequestScope | undefined;
  /** The earliest phase deadline around this code (epoch ms), or +∞. */
  readonly phaseDeadlineAt: number;
}

const storage = new AsyncLocalStorage<Frame>();

/** Runs `fn` (and every async continuation it starts) inside `scope`; a phase deadline around it still holds. */
export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run({ scope, phaseDeadlineAt: storage.getStore()?.phaseDeadlineAt ?? Number.POSITIVE_INFINITY }, fn);
}

/** Runs `fn` with an earlier deadline for its upstream calls (a phase of the request); the scope stays the same. */
export function runWithDeadline<T>(deadlineAt: number, fn: () => T): T {
  const frame = storage.getStore();
  return storage.run({ scope: frame?.scope, phaseDeadlineAt: Math.min(deadlineAt, frame?.phaseDeadlineAt ?? Number.POSITIVE_INFINITY) }, fn);
}

/** When the upstream calls made here must have answered: the request's deadline, or its phase's if earlier. */
export function currentDeadlineAt(): number {
  const frame = storage.getStore();
  return Math.min(frame?.scope?.deadlineAt ?? Number.POSITIVE_INFINITY, frame?.phaseDeadlineAt ?? Number.POSITIVE_INFINITY);
}

/**
 * The request's scope as the current phase sees it: the same budget, the phase's deadline. A view for code that
 * plans its own calls against what is left (a scan deciding whether one more page fits); never a key (it is a
 * fresh object each time).
 */
export function currentPhaseView(): RequestScope | undefined {
  const scope = storage.getStore()?.scope;
  if (!scope) return undefined;
  const deadlineAt = currentDeadlineAt();
  if (deadlineAt === scope.deadlineAt) return scope;
  return {
    requestId: scope.requestId,
    startedAt: scope.startedAt,
    deadlineAt,
    upstreamCallLimit: scope.upstreamCallLimit,
    upstreamCalls: scope.upstreamCalls,
    takeUpstreamCall: (provider) => scope.takeUpstreamCall(provider),
    remainingMs: () => Math.max(0, deadlineAt - Date.now()),
  };
}

/** The scope of the GraphQL request this code runs for; undefined outside one (scripts, tests of adapters). */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore()?.scope;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's `x-request-id` when it is a sane token, else a fresh UUID (a hostile header never reaches logs). */
export function requestIdFrom(header: string | null | undefined): string {
  return header && REQUEST_ID.test(header) ? header : randomUUID();
}

const arrivals = new WeakMap<Request, number>();

/** Notes when a request arrived, so its deadline counts from there rather than from when execution starts. */
export function markArrival(request: Request): void {
  if (!arrivals.has(request)) arrivals.set(request, Date.now());
}

export function arrivalOf(request: Request | undefined): number | undefined {
  return request ? arrivals.get(request) : undefined;
}
