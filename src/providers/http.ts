import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  DelegateBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
  type IPolicy,
} from 'cockatiel';
import type { ZodType } from 'zod/v4';
import type { Provider } from '../domain.js';
import { ErrorCode, UpstreamError } from '../errors.js';

export interface RetrySettings {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface HttpClientOptions {
  provider: Provider;
  baseUrl: string;
  /** Sent with every request (credentials, `Assistant-Name`, …). */
  headers: Record<string, string>;
  timeoutMs: number;
  retry: RetrySettings;
  /** Consecutive failures that open the breaker; 0 disables it. */
  breakerThreshold: number;
  breakerHalfOpenAfterMs: number;
  connections: number;
  /** Test seam: undici's MockAgent, or any dispatcher. */
  dispatcher?: Dispatcher;
}

export const DEFAULT_HTTP_SETTINGS = {
  timeoutMs: 10_000,
  retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 },
  breakerThreshold: 10,
  breakerHalfOpenAfterMs: 5_000,
  connections: 16,
} satisfies Omit<HttpClientOptions, 'provider' | 'baseUrl' | 'headers'>;

export type QueryValue = string | number | boolean | null | undefined;

export interface GetRequest<T> {
  /** Path after the base URL, with segments already `encodeURIComponent`-ed. */
  path: string;
  query?: Record<string, QueryValue>;
  /** A full URL the vendor handed out (OData `@odata.nextLink`); must stay on the base URL's origin. */
  absoluteUrl?: string;
  schema: ZodType<T>;
  /** Extracts the vendor's error code from an error body, when it has one. */
  vendorCode?: (body: unknown) => string | undefined;
}

const RETRYABLE_CODES = new Set<string>([
  ErrorCode.UPSTREAM_UNAVAILABLE,
  ErrorCode.UPSTREAM_RATE_LIMITED,
  ErrorCode.UPSTREAM_TIMEOUT,
  ErrorCode.UPSTREAM_CONNECTION_FAILED,
  ErrorCode.UPSTREAM_BAD_RESPONSE,
]);

/**
 * One undici Pool per vendor and one way to call it: `get<T>()` times out,
 * retries what is worth retrying (honouring `Retry-After`), breaks the
 * circuit after repeated failures, maps every failure to an UpstreamError
 * that keeps its facts, and validates the body.
 */
export class HttpClient {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly policy: IPolicy;
  /** Requests sent, retries included. */
  requestCount = 0;

  constructor(private readonly options: HttpClientOptions) {
    const base = new URL(options.baseUrl);
    this.origin = base.origin;
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher =
      options.dispatcher ??
      new Pool(this.origin, {
        connections: options.connections,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
    const retryable = handleWhen(
      (error) => error instanceof UpstreamError && RETRYABLE_CODES.has(error.facts.code),
    );
    const retryPolicy = retry(retryable, {
      maxAttempts: Math.max(0, options.retry.maxAttempts - 1),
      backoff: new DelegateBackoff((context: { attempt: number; result: unknown }) => {
        const failure = context.result as { error?: unknown };
        const retryAfter = failure.error instanceof UpstreamError ? failure.error.facts.retryAfter : undefined;
        const exponential = options.retry.baseDelayMs * 2 ** (context.attempt - 1);
        const wanted = retryAfter !== undefined ? retryAfter * 1000 : exponential;
        return Math.min(wanted, options.retry.maxDelayMs);
      }),
    });
    if (options.breakerThreshold > 0) {
      const breaker = circuitBreaker(retryable, {
        halfOpenAfter: options.breakerHalfOpenAfterMs,
        breaker: new ConsecutiveBreaker(options.breakerThreshold),
      });
      this.policy = wrap(retryPolicy, breaker);
    } else {
      this.policy = retryPolicy;
    }
  }

  get provider(): Provider {
    return this.options.provider;
  }

  async get<T>(request: GetRequest<T>): Promise<T> {
    const url = this.buildUrl(request);
    try {
      return await this.policy.execute(() => this.once(url, request));
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new UpstreamError(`${this.options.provider} is failing repeatedly; calls are paused briefly`, {
          provider: this.options.provider,
          code: ErrorCode.UPSTREAM_CIRCUIT_OPEN,
          method: 'GET',
          url: sanitize(url),
        });
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
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
    const url = new URL(this.origin + this.basePath + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.append(name, String(value));
    }
    return url;
  }

  private async once<T>(url: URL, request: GetRequest<T>): Promise<T> {
    const { provider, timeoutMs } = this.options;
    const facts = { provider, method: 'GET', url: sanitize(url) };
    this.requestCount += 1;
    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher.request({
        origin: this.origin,
        path: url.pathname + url.search,
        method: 'GET',
        headers: { accept: 'application/json', ...this.options.headers },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw transportError(error, facts);
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw transportError(error, facts);
    }
    const status = response.statusCode;
    if (status < 200 || status >= 300) {
      let vendorCode: string | undefined;
      try {
        vendorCode = request.vendorCode?.(JSON.parse(text) as unknown);
      } catch {
        vendorCode = undefined;
      }
      const retryAfter = parseRetryAfter(response.headers['retry-after']);
      throw new UpstreamError(`${provider} answered HTTP ${status}`, {
        ...facts,
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
      throw new UpstreamError(`${provider} sent a body that is not JSON`, { ...facts, code: ErrorCode.UPSTREAM_BAD_RESPONSE, status }, { cause: error });
    }
    const parsed = request.schema.safeParse(body);
    if (!parsed.success) {
      throw new UpstreamError(`${provider} sent a body of an unexpected shape`, { ...facts, code: ErrorCode.UPSTREAM_BAD_RESPONSE, status }, { cause: parsed.error });
    }
    return parsed.data;
  }
}

function statusCode(status: number): ErrorCode {
  if (status === 401 || status === 403) return ErrorCode.UPSTREAM_AUTH_FAILED;
  if (status === 404) return ErrorCode.UPSTREAM_NOT_FOUND;
  if (status === 429) return ErrorCode.UPSTREAM_RATE_LIMITED;
  if (status >= 500) return ErrorCode.UPSTREAM_UNAVAILABLE;
  return ErrorCode.UPSTREAM_BAD_REQUEST;
}

function transportError(error: unknown, facts: { provider: Provider; method: string; url: string }): UpstreamError {
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
