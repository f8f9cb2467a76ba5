import { createHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import type { JsonValue, Provider } from '../domain.js';
import { ErrorCode, UpstreamError } from '../errors.js';
import { currentDeadlineAt, currentRequestScope } from '../request-scope.js';
import { InFlightCalls } from './coalesce.js';
import type { HttpSettings } from './http-settings.js';
import type { UpstreamHooks } from './upstream-runtime.js';
import type { WireSchema } from './wire-schema.js';

/** One vendor's client: where it calls, with what credentials, its settings and the graph's runtime hooks. */
export interface HttpClientOptions extends HttpSettings, UpstreamHooks {
  provider: Provider;
  baseUrl: string;
  /** Sent with every request (credentials, `Assistant-Name`, …). */
  headers: Record<string, string>;
  /** Test seam: undici's MockAgent, or any dispatcher. */
  dispatcher?: Dispatcher;
}


export const DEFAULT_HTTP_SETTINGS = {
  timeoutMs: 10_000,
  retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 },
  breakerThreshold: 10,
  breakerHalfOpenAfterMs: 5_000,
  connections: 16,
  maxResponseBytes: 16 * 1_048_576,
} satisfies HttpSettings;

export type QueryValue = string | number | boolean | null | undefined;

export interface GetRequest<T> {
  /** Route template for metrics, logs and traces, e.g. `/conversations/{id}`: bounded, never an id or a query. */
  endpoint: string;
  /** Path after the base URL, with segments already `encodeURIComponent`-ed. */
  path: string;
  query?: Record<string, QueryValue>;
  /** A full URL the vendor handed out (OData `@odata.nextLink`); must stay on the base URL's origin. */
  absoluteUrl?: string;
  /** The body's shape (wire-schema.ts): a body of another shape is UPSTREAM_BAD_RESPONSE. */
  schema: WireSchema<T>;
  /** Extracts the vendor's error code from an error body, when it has one. */
  vendorCode?: (body: unknown) => string | undefined;
  /**
   * Seconds to wait before calling again, from a vendor's own headers, for an answer without `Retry-After`
   * (a rate-limit window's reset instant, say); honoured as `Retry-After` is.
   */
  retryAfterFrom?: (headers: Record<string, string | string[] | undefined>) => number | undefined;
}

/**
 * A read sent as a POST with a JSON body (a vendor's search endpoint). It is
 * retried, gated, budgeted and validated as a GET is; identical POSTs in flight
 * together share one call as identical GETs do (the body is part of the key).
 */
export interface PostRequest<T> extends Omit<GetRequest<T>, 'absoluteUrl'> {
  body: JsonValue;
}

/** What one call sends: the method and, for a POST, its serialized body. */
interface Call<T> {
  request: GetRequest<T>;
  method: 'GET' | 'POST';
  body: string | null;
}

/**
 * The least time worth sending a call with after waiting (a back-off, a vendor's `Retry-After`, the rate window):
 * a call sent with less is cut by the deadline, and the answer would be a timeout instead of the vendor's refusal.
 */
const MIN_ATTEMPT_MS = 50;

const RETRYABLE_CODES = new Set<string>([
  ErrorCode.UPSTREAM_UNAVAILABLE,
  ErrorCode.UPSTREAM_RATE_LIMITED,
  ErrorCode.UPSTREAM_TIMEOUT,
  ErrorCode.UPSTREAM_CONNECTION_FAILED,
  ErrorCode.UPSTREAM_BAD_RESPONSE,
]);

/**
 * One undici Pool per vendor and one way to call it: `get<T>()` times out,
 * retries what is worth retrying (honouring `Retry-After`) within the
 * request's deadline and call budget, breaks the circuit after repeated
 * failures, maps every failure to an UpstreamError that keeps its facts, and
 * validates the body.
 */
export class HttpClient {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly breaker: CircuitBreakerPolicy | null;
  /** A short digest of the credential headers: a key for gates, caches and coalescing, never the secret. */
  readonly credential: string;
  /** Requests sent, retries included. */
  requestCount = 0;
  private readonly inFlight: InFlightCalls | null;
  /** Every GET's and every POST's headers, built once: undici reads them, never changes them. */
  private readonly getHeaders: Record<string, string>;
  private readonly postHeaders: Record<string, string>;

  constructor(private readonly options: HttpClientOptions) {
    this.getHeaders = { accept: 'application/json', ...options.headers };
    this.postHeaders = { accept: 'application/json', 'content-type': 'application/json', ...options.headers };
    const base = new URL(options.baseUrl);
    this.origin = base.origin;
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.credential = createHash('sha256')
      .update(JSON.stringify([options.provider, options.baseUrl, Object.entries(options.headers).sort()]))
      .digest('base64url')
      .slice(0, 16);
    this.inFlight = options.coalesce === false ? null : new InFlightCalls();
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher =
      options.dispatcher ??
      new Pool(this.origin, {
        connections: options.connections,
        maxResponseSize: options.maxResponseBytes,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
    if (options.breakerThreshold > 0) {
      this.breaker = circuitBreaker(
        handleWhen((error) => error instanceof UpstreamError && RETRYABLE_CODES.has(error.facts.code)),
        { halfOpenAfter: options.breakerHalfOpenAfterMs, breaker: new ConsecutiveBreaker(options.breakerThreshold) },
      );
      this.breaker.onStateChange((state) => {
        options.observer?.breaker?.({ provider: options.provider, open: state === CircuitState.Open });
      });
    } else {
      this.breaker = null;
    }
  }

  get provider(): Provider {
    return this.options.provider;
  }

  /** True while the breaker holds calls back. */
  get circuitOpen(): boolean {
    return this.breaker?.state === CircuitState.Open;
  }

  /** Calls that joined an identical call in flight instead of going upstream. */
  get coalescedCount(): number {
    return this.inFlight?.joined ?? 0;
  }

  get<T>(request: GetRequest<T>): Promise<T> {
    return this.call({ request, method: 'GET', body: null });
  }

  post<T>(request: PostRequest<T>): Promise<T> {
    const { body, ...rest } = request;
    return this.call({ request: rest, method: 'POST', body: JSON.stringify(body) });
  }

  private async call<T>(call: Call<T>): Promise<T> {
    const request = call.request;
    try {
      const url = this.buildUrl(request);
      return await (this.inFlight ? this.getShared(this.inFlight, call, url) : this.getWithRetries(call, url));
    } catch (error) {
      if (error instanceof UpstreamError) {
        this.options.observer?.failure?.({ provider: this.options.provider, endpoint: request.endpoint, error });
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private getShared<T>(inFlight: InFlightCalls, call: Call<T>, url: URL): Promise<T> {
    const { provider, observer } = this.options;
    const request = call.request;
    const deadlineAt = currentDeadlineAt();
    const key = call.body === null ? `${this.credential} ${url.href}` : `${this.credential} POST ${url.href} ${call.body}`;
    return inFlight.run(key, request.schema, () => this.getWithRetries(call, url), {
      provider,
      deadlineAt,
      deadlineError: () => deadlineError({ provider, method: call.method, url: sanitize(url) }),
      onJoin: () => observer?.coalesced?.({ provider, endpoint: request.endpoint }),
      callAlone: () => this.getWithRetries(call, url),
    });
  }

  private async getWithRetries<T>(call: Call<T>, url: URL): Promise<T> {
    const { provider, retry } = this.options;
    const request = call.request;
    // Built only when a call fails: a call that succeeds never needs its sanitized URL.
    const facts = (): Facts => this.factsOf(call, url);
    const scope = currentRequestScope();
    const deadlineAt = currentDeadlineAt();
    // The vendor's last 429: when waiting out its pause used the time up, that refusal is the answer, not a timeout.
    let rateLimited: UpstreamError | undefined;
    for (let attempt = 1; ; attempt += 1) {
      if (Date.now() >= deadlineAt) throw rateLimited ?? deadlineError(facts());
      if (scope && !scope.takeUpstreamCall(provider)) {
        throw new UpstreamError(
          `This request reached its budget of ${scope.upstreamCallLimit} upstream calls; ${provider} was not called`,
          { ...facts(), code: ErrorCode.UPSTREAM_BUDGET_EXCEEDED },
        );
      }
      // Outside the retries: a gate that cannot let the call through in time has answered for good.
      // A pause (or a full rate window) that ends too close to the deadline for a call to be answered is refused now.
      if (this.options.gate) await this.options.gate.acquire({ provider, credential: this.credential, deadlineAt: deadlineAt - MIN_ATTEMPT_MS });
      if (rateLimited && Date.now() >= deadlineAt - MIN_ATTEMPT_MS) throw rateLimited;
      try {
        const timeoutMs = Math.min(this.options.timeoutMs, deadlineAt - Date.now());
        const attemptOnce = (): Promise<T> => this.once(url, call, attempt, timeoutMs, deadlineAt);
        return await (this.breaker ? this.breaker.execute(attemptOnce) : attemptOnce());
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          throw new UpstreamError(`${provider} is failing repeatedly; calls are paused briefly`, {
            ...facts(),
            code: ErrorCode.UPSTREAM_CIRCUIT_OPEN,
          });
        }
        // Every replica holds back for a vendor's Retry-After, whether or not this call is retried.
        if (error instanceof UpstreamError && error.facts.retryAfter !== undefined && this.options.gate) {
          await this.options.gate.pause({ provider, credential: this.credential, seconds: error.facts.retryAfter });
        }
        if (!(error instanceof UpstreamError) || !RETRYABLE_CODES.has(error.facts.code) || attempt >= retry.maxAttempts) throw error;
        // The deadline cut this attempt: nothing is left to retry with.
        if (error.facts.deadline) throw error;
        const retryAfter = error.facts.retryAfter;
        if (retryAfter !== undefined) rateLimited = error;
        // The vendor's own pause is not shortened to the back-off cap: a call sent before it ends is refused again.
        const delayMs = retryAfter !== undefined ? retryAfter * 1000 : Math.min(retry.baseDelayMs * 2 ** (attempt - 1), retry.maxDelayMs);
        // A retry that could only start after the deadline (or too close to it to be answered) is not worth its
        // wait: answer now with this failure.
        if (Date.now() + delayMs + MIN_ATTEMPT_MS >= deadlineAt) throw error;
        this.options.observer?.retry?.({ provider, endpoint: request.endpoint, attempt, delayMs, code: error.facts.code });
        if (delayMs > 0) await sleep(delayMs);
      }
    }
  }

  /** A failed call's facts: its URL sanitized (origin and path), computed only once it has failed. */
  private factsOf(call: Call<unknown>, url: URL): Facts {
    return { provider: this.options.provider, method: call.method, url: sanitize(url) };
  }

  private buildUrl(request: GetRequest<unknown>): URL {
    if (request.absoluteUrl) {
      const url = new URL(request.absoluteUrl);
      if (url.origin !== this.origin || !url.pathname.startsWith(this.basePath)) {
        throw new UpstreamError(`${this.options.provider} returned a next link outside its base URL`, {
          provider: this.options.provider,
          code: ErrorCode.UPSTREAM_BAD_RESPONSE,
        });
      }
      return url;
    }
    const query = request.query ? formEncode(request.query) : '';
    return new URL(this.origin + this.basePath + request.path + (query === '' ? '' : `?${query}`));
  }

  private async once<T>(url: URL, call: Call<T>, attempt: number, timeoutMs: number, deadlineAt: number): Promise<T> {
    const { provider } = this.options;
    this.requestCount += 1;
    const started = performance.now();
    const finish = this.options.observer?.attempt?.({ provider, endpoint: call.request.endpoint, method: call.method, attempt });
    let status: number | undefined;
    // The attempt's whole time, headers and body: a timer cleared as soon as the body is read. Not
    // AbortSignal.timeout, whose timer lives on for its full delay after the call has answered (and held
    // each answered call's objects that long: under load the heap grew by every call of the last 5 s).
    const limit = new AttemptLimit(timeoutMs);
    try {
      const result = await this.send(url, call, timeoutMs, deadlineAt, limit, (code) => {
        status = code;
      });
      finish?.({ outcome: 'ok', status, durationMs: performance.now() - started });
      return result;
    } catch (error) {
      const outcome = error instanceof UpstreamError ? error.facts.code : ErrorCode.UPSTREAM_BAD_RESPONSE;
      finish?.({ outcome, status, durationMs: performance.now() - started });
      throw error;
    } finally {
      limit.clear();
    }
  }

  /**
   * A transport failure of one attempt. A timeout of an attempt whose time the deadline capped is the deadline's
   * (timers may fire a hair before `deadlineAt`): no retry follows it.
   */
  private attemptFailure(error: unknown, facts: Facts, timeoutMs: number, deadlineAt: number): UpstreamError {
    if (Date.now() >= deadlineAt) return deadlineError(facts, error);
    const failure = transportError(error, facts);
    const cappedByDeadline = timeoutMs < this.options.timeoutMs;
    return cappedByDeadline && failure.facts.code === ErrorCode.UPSTREAM_TIMEOUT ? deadlineError(facts, error) : failure;
  }

  private async send<T>(
    url: URL,
    call: Call<T>,
    timeoutMs: number,
    deadlineAt: number,
    limit: AttemptLimit,
    onStatus: (status: number) => void,
  ): Promise<T> {
    const { provider } = this.options;
    const request = call.request;
    const facts = (): Facts => this.factsOf(call, url);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher.request({
        origin: this.origin,
        path: url.pathname + url.search,
        method: call.method,
        headers: call.body === null ? this.getHeaders : this.postHeaders,
        body: call.body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        // undici takes an EventEmitter-shaped signal beside an AbortSignal (`once('abort')`, `removeListener`).
        signal: limit as unknown as EventEmitter,
      });
    } catch (error) {
      throw this.attemptFailure(error, facts(), timeoutMs, deadlineAt);
    }
    onStatus(response.statusCode);
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw this.attemptFailure(error, facts(), timeoutMs, deadlineAt);
    }
    const status = response.statusCode;
    if (status < 200 || status >= 300) {
      let vendorCode: string | undefined;
      try {
        vendorCode = request.vendorCode?.(JSON.parse(text) as unknown);
      } catch {
        vendorCode = undefined;
      }
      const retryAfter = parseRetryAfter(response.headers['retry-after']) ?? (status === 429 ? request.retryAfterFrom?.(response.headers) : undefined);
      throw new UpstreamError(`${provider} answered HTTP ${status}`, {
        ...facts(),
        code: statusCode(status),
        status,
        ...(vendorCode ? { vendorCode } : {}),
        ...(retryAfter !== undefined ? { retryAfter } : {}),
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch (error) {
      throw new UpstreamError(`${provider} sent a body that is not JSON`, { ...facts(), code: ErrorCode.UPSTREAM_BAD_RESPONSE, status }, { cause: error });
    }
    const checked = request.schema.check(body);
    if (!checked.ok) {
      throw new UpstreamError(
        `${provider} sent a body of an unexpected shape`,
        { ...facts(), code: ErrorCode.UPSTREAM_BAD_RESPONSE, status },
        { cause: new TypeError(checked.problem) },
      );
    }
    return checked.value;
  }
}

/**
 * One attempt's time limit, as the `signal` undici aborts the attempt on: a timer and the one listener undici
 * adds, in place of an AbortController whose AbortSignal (an EventTarget) cost each call more than the rest of
 * its dispatch. Aborts with the reason a timed-out AbortSignal has (a `TimeoutError` DOMException), so a cut
 * attempt fails as UPSTREAM_TIMEOUT (or the deadline's error) as before. `clear()` drops the timer and the
 * listener as soon as the body is read.
 */
class AttemptLimit {
  aborted = false;
  reason: DOMException | undefined = undefined;
  // undici 7's request() adds one listener; kept as a list so a version that adds another loses none.
  private listeners: Array<() => void> = [];
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    this.timer = setTimeout(() => this.abort(), ms);
  }

  on(_event: 'abort', listener: () => void): this {
    this.listeners.push(listener);
    return this;
  }

  once(event: 'abort', listener: () => void): this {
    return this.on(event, listener);
  }

  removeListener(_event: 'abort', listener: () => void): this {
    const index = this.listeners.indexOf(listener);
    if (index !== -1) this.listeners.splice(index, 1);
    return this;
  }

  clear(): void {
    clearTimeout(this.timer);
    this.listeners = [];
  }

  private abort(): void {
    this.aborted = true;
    this.reason = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}

/** What every UpstreamError of a call carries: never a query string, never a header. */
interface Facts {
  provider: Provider;
  method: string;
  url: string;
}

/** A name or value that `application/x-www-form-urlencoded` leaves as it is. */
const FORM_SAFE = /^[A-Za-z0-9*._-]*$/;

/**
 * The query as URLSearchParams serializes it (`a=1&b=x+y`), without a URL's search params: each
 * `url.searchParams.append` re-serialized the query and re-parsed the whole URL. Names and values of safe
 * characters (numbers, cursors, ids) go as they are; any other is serialized by URLSearchParams itself.
 */
export function formEncode(query: Record<string, QueryValue>): string {
  let out = '';
  for (const name of Object.keys(query)) {
    const value = query[name];
    if (value === undefined || value === null) continue;
    const text = String(value);
    const pair = FORM_SAFE.test(name) && FORM_SAFE.test(text) ? `${name}=${text}` : new URLSearchParams([[name, text]]).toString();
    out = out === '' ? pair : `${out}&${pair}`;
  }
  return out;
}

function statusCode(status: number): ErrorCode {
  if (status === 401 || status === 403) return ErrorCode.UPSTREAM_AUTH_FAILED;
  if (status === 404) return ErrorCode.UPSTREAM_NOT_FOUND;
  if (status === 429) return ErrorCode.UPSTREAM_RATE_LIMITED;
  if (status >= 500) return ErrorCode.UPSTREAM_UNAVAILABLE;
  return ErrorCode.UPSTREAM_BAD_REQUEST;
}

function deadlineError(facts: Facts, cause?: unknown): UpstreamError {
  return new UpstreamError(
    `${facts.provider} did not answer before this request's deadline`,
    { ...facts, code: ErrorCode.UPSTREAM_TIMEOUT, deadline: true },
    { cause },
  );
}

function transportError(error: unknown, facts: Facts): UpstreamError {
  if (error instanceof undiciErrors.ResponseExceededMaxSizeError) {
    return new UpstreamError(`${facts.provider} sent a body over UPSTREAM_MAX_RESPONSE_BYTES`, { ...facts, code: ErrorCode.UPSTREAM_BAD_RESPONSE }, { cause: error });
  }
  const timedOut =
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError ||
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));
  return new UpstreamError(
    timedOut ? `${facts.provider} did not answer in time` : `${facts.provider} could not be reached`,
    { ...facts, code: timedOut ? ErrorCode.UPSTREAM_TIMEOUT : ErrorCode.UPSTREAM_CONNECTION_FAILED },
    { cause: error },
  );
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim());
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Origin and path: query strings can carry filter values, headers carry secrets; neither leaves. */
function sanitize(url: URL): string {
  return url.origin + url.pathname;
}
