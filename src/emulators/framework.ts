import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createRandom, type Random } from './random.js';

/**
 * A tiny HTTP framework for vendor emulators: one real server on loopback per
 * vendor, with the knobs tests and benchmarks need (latency, faults, request
 * log, counters, reset), usable in-process and over `/__control/*`.
 */

export const FAULT_KINDS = [
  'status500',
  'status503',
  'status429',
  'status429RetryAfter',
  'hang',
  'truncatedJson',
  'resetConnection',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  kind: FaultKind;
  /** Apply to the next N matching requests (default: unlimited when `share` is set, else 1). */
  count?: number;
  /** Apply to this share (0..1) of matching requests, drawn from a seeded generator. */
  share?: number;
  /** Only requests whose path (after the base path) starts with this. */
  pathPrefix?: string;
  /** Only requests to this route (its name in the request log, e.g. `getMessages`). */
  endpoint?: string;
  /** For `status429RetryAfter`: the header value in seconds (default 1). */
  retryAfterSeconds?: number;
}

export interface LatencySetting {
  fixedMs: number;
  jitterMs: number;
}

export interface EmulatorRequest {
  method: string;
  /** Path after the emulator's base path, e.g. `/conversation`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw request body (POST routes); `''` when there is none. */
  body: string;
}

export interface EmulatorResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** The raw query string, without `?`. */
  search: string;
  /** The request body of a POST (a vendor's search query), else `''`. */
  body: string;
  endpoint: string;
  status: number;
  fault: FaultKind | null;
  /** Epoch ms the request arrived (rate-limit tests count requests per window). */
  at: number;
}

export interface EmulatorRoute {
  /** Counter name, e.g. `listConversations`. */
  endpoint: string;
  method: 'GET' | 'POST';
  /** Matched against the path after the base path; capture groups become `params`. */
  pattern: RegExp;
  handle(request: EmulatorRequest, params: string[]): EmulatorResponse | Promise<EmulatorResponse>;
}

export interface EmulatorDefinition {
  /** Short vendor name used in logs (its folder name). */
  name: string;
  /** Prefix before the vendor's paths, e.g. `/api/v1`; `''` when none. */
  basePath: string;
  /** Returns the vendor's own 401/403 response when the request is not authorized, else null. */
  authenticate(request: EmulatorRequest): EmulatorResponse | null;
  /** The vendor's error body for a status and message, used for injected faults and 404s. */
  errorBody(status: number, message: string): unknown;
  routes: EmulatorRoute[];
  /** How the control endpoints change the vendor's conversations (absent: the data is fixed). */
  live?: LiveData;
}

/** A conversation the control endpoints added. */
export interface LiveConversation {
  id: string;
  /** ISO instant, as the vendor's list reports it. */
  createdAt: string;
}

/**
 * The vendor's conversations as the control endpoints change them. Each
 * vendor keeps its own list in its own order; the seeded data is untouched
 * until a change is asked for.
 */
export interface LiveData {
  /**
   * Adds a conversation created at `createdAtMs`. `fields` places it where a
   * vendor has more than one list (a bot's id, an archived state);
   * unknown fields are refused (an Error).
   */
  add(createdAtMs: number, random: Random, fields: Readonly<Record<string, unknown>>): LiveConversation;
  /** Removes the conversation; false when there is none with this id. */
  remove(id: string): boolean;
  /**
   * Records an update at `atMs` (never before the conversation's creation).
   * Where the vendor orders by update time the
   * conversation moves to the head of that order; elsewhere only its
   * update field changes.
   */
  touch(id: string, atMs: number): boolean;
  /** Every conversation with its creation instant, in the vendor's order. */
  list(): LiveConversation[];
}

/** Inserts `item` into `list` (sorted by `compare`, ascending) at its place, after any equal items. */
export function insertSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (compare(list[middle] as T, item) <= 0) low = middle + 1;
    else high = middle;
  }
  list.splice(low, 0, item);
}

/** Removes the first item `matches` accepts; whether one was found. */
export function removeWhere<T>(list: T[], matches: (item: T) => boolean): boolean {
  const index = list.findIndex(matches);
  if (index < 0) return false;
  list.splice(index, 1);
  return true;
}

export interface StartOptions {
  port?: number;
  host?: string;
  /** Seed of the generator that draws `share` faults and latency jitter. */
  seed?: number;
}

interface ActiveFault extends FaultRule {
  remaining: number;
}

export class Emulator {
  readonly requestLog: RequestLogEntry[] = [];
  /** Connections whose first request was a vendor call (not `/__control`), since start; never reset. Shows whether clients reuse keep-alive sockets. */
  connectionsAccepted = 0;
  private readonly countedSockets = new WeakSet<Socket>();
  private faults: ActiveFault[] = [];
  private latency: LatencySetting = { fixedMs: 0, jitterMs: 0 };
  private readonly random: Random;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  /** Draws the fields of conversations added live; its own seed, so the seeded data and fault draws are unaffected. */
  private readonly liveRandom: Random;
  private liveFeed: NodeJS.Timeout | null = null;
  private liveRatePerMinute = 0;

  private constructor(
    readonly definition: EmulatorDefinition,
    private readonly server: http.Server,
    readonly origin: string,
    seed: number,
  ) {
    this.random = createRandom(seed);
    this.liveRandom = createRandom((seed ^ 0x5eed1157) >>> 0);
  }

  /** The vendor base URL as the graph's `*_BASE_URL` variable expects it. */
  get baseUrl(): string {
    return this.origin + this.definition.basePath;
  }

  static async start(definition: EmulatorDefinition, options: StartOptions = {}): Promise<Emulator> {
    const server = http.createServer();
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const emulator = new Emulator(definition, server, `http://${host}:${address.port}`, options.seed ?? 1);
    server.on('connection', (socket) => {
      emulator.sockets.add(socket);
      socket.on('close', () => emulator.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      if (!emulator.countedSockets.has(req.socket)) {
        emulator.countedSockets.add(req.socket);
        if (!req.url?.startsWith('/__control/')) emulator.connectionsAccepted += 1;
      }
      emulator.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          emulator.send(res, { status: 500, body: definition.errorBody(500, 'Emulator failure') });
        }
        console.error(`[${definition.name} emulator]`, error);
      });
    });
    return emulator;
  }

  setLatency(latency: Partial<LatencySetting>): void {
    this.latency = { ...this.latency, ...latency };
  }

  injectFault(rule: FaultRule): void {
    if (!FAULT_KINDS.includes(rule.kind)) throw new Error(`Unknown fault kind ${String(rule.kind)}`);
    const remaining = rule.count ?? (rule.share !== undefined ? Number.POSITIVE_INFINITY : 1);
    this.faults.push({ ...rule, remaining });
  }

  clearFaults(): void {
    this.faults = [];
    this.releaseHanging();
  }

  /** Requests per endpoint since the last reset, faults included. */
  counters(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of this.requestLog) counts[entry.endpoint] = (counts[entry.endpoint] ?? 0) + 1;
    return counts;
  }

  clearLog(): void {
    this.requestLog.length = 0;
  }

  /** Back to the state after start: no faults, no latency, empty log. Data is unchanged. */
  reset(): void {
    this.clearFaults();
    this.latency = { fixedMs: 0, jitterMs: 0 };
    this.clearLog();
  }

  private get live(): LiveData {
    const live = this.definition.live;
    if (!live) throw new Error(`the ${this.definition.name} emulator has no live data`);
    return live;
  }

  /** Adds a conversation (created now unless `createdAt` says otherwise); see LiveData.add. */
  addConversation(input: { createdAt?: Date; fields?: Record<string, unknown> } = {}): LiveConversation {
    const createdAtMs = (input.createdAt ?? new Date()).getTime();
    if (!Number.isFinite(createdAtMs)) throw new Error('createdAt must be a valid instant');
    return this.live.add(createdAtMs, this.liveRandom, input.fields ?? {});
  }

  deleteConversation(id: string): boolean {
    return this.live.remove(id);
  }

  /** An update now (or at `at`): a vendor ordered by update time moves the conversation to the head of its order. */
  touchConversation(id: string, at: Date = new Date()): boolean {
    return this.live.touch(id, at.getTime());
  }

  conversationIds(): string[] {
    return this.live.list().map((conversation) => conversation.id);
  }

  /** Every conversation (id, createdAt) in the vendor's order: the truth a walk over a changing inbox is checked against. */
  liveConversations(): LiveConversation[] {
    return this.live.list();
  }

  /** Adds `perMinute` conversations a minute, each created at the moment it is added (0 stops the feed). */
  setLiveRate(perMinute: number): void {
    if (!Number.isFinite(perMinute) || perMinute < 0 || perMinute > 60_000) throw new Error('the live rate must be from 0 to 60000 a minute');
    if (perMinute > 0) void this.live;
    if (this.liveFeed) clearInterval(this.liveFeed);
    this.liveFeed = null;
    this.liveRatePerMinute = perMinute;
    if (perMinute === 0) return;
    this.liveFeed = setInterval(() => this.addConversation(), 60_000 / perMinute);
    this.liveFeed.unref();
  }

  get liveRate(): number {
    return this.liveRatePerMinute;
  }

  async close(): Promise<void> {
    this.setLiveRate(0);
    this.releaseHanging();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private releaseHanging(): void {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    if (url.pathname.startsWith('/__control/')) {
      await this.handleControl(req, res, url);
      return;
    }
    const basePath = this.definition.basePath;
    const method = req.method ?? 'GET';
    const at = Date.now();
    const body = method === 'POST' ? await readText(req) : '';
    const log = (endpoint: string, status: number, fault: FaultKind | null): void => {
      this.requestLog.push({ method, path: url.pathname, search: url.search.slice(1), body, endpoint, status, fault, at });
    };
    if (!url.pathname.startsWith(basePath + '/') && url.pathname !== basePath) {
      log('unknown', 404, null);
      this.send(res, { status: 404, body: this.definition.errorBody(404, 'Not found') });
      return;
    }
    const path = url.pathname.slice(basePath.length) || '/';
    const request: EmulatorRequest = { method, path, query: url.searchParams, headers: req.headers, body };
    const match = this.match(method, path);
    const endpoint = match?.route.endpoint ?? 'unknown';

    await this.delay();
    const fault = this.takeFault(path, endpoint);
    if (fault) {
      log(endpoint, this.faultStatus(fault.kind), fault.kind);
      await this.applyFault(fault, res, req, request, match);
      return;
    }
    const response = this.definition.authenticate(request) ??
      (match
        ? await match.route.handle(request, match.params)
        : { status: 404, body: this.definition.errorBody(404, 'Not found') });
    log(endpoint, response.status, null);
    this.send(res, response);
  }

  private match(method: string, path: string): { route: EmulatorRoute; params: string[] } | null {
    for (const route of this.definition.routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (found) return { route, params: found.slice(1).map((part) => decodeURIComponent(part)) };
    }
    return null;
  }

  private async delay(): Promise<void> {
    const { fixedMs, jitterMs } = this.latency;
    const ms = fixedMs + (jitterMs > 0 ? this.random.next() * jitterMs : 0);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  private takeFault(path: string, endpoint: string): ActiveFault | null {
    for (const fault of this.faults) {
      if (fault.remaining <= 0) continue;
      if (fault.pathPrefix && !path.startsWith(fault.pathPrefix)) continue;
      if (fault.endpoint && fault.endpoint !== endpoint) continue;
      if (fault.share !== undefined && this.random.next() >= fault.share) continue;
      fault.remaining -= 1;
      return fault;
    }
    return null;
  }

  private faultStatus(kind: FaultKind): number {
    switch (kind) {
      case 'status500':
        return 500;
      case 'status503':
        return 503;
      case 'status429':
      case 'status429RetryAfter':
        return 429;
      default:
        return 0;
    }
  }

  private async applyFault(
    fault: ActiveFault,
    res: ServerResponse,
    req: IncomingMessage,
    request: EmulatorRequest,
    match: { route: EmulatorRoute; params: string[] } | null,
  ): Promise<void> {
    const errorBody = this.definition.errorBody;
    switch (fault.kind) {
      case 'status500':
        this.send(res, { status: 500, body: errorBody(500, 'Internal server error') });
        return;
      case 'status503':
        this.send(res, { status: 503, body: errorBody(503, 'Service unavailable') });
        return;
      case 'status429':
        this.send(res, { status: 429, body: errorBody(429, 'Rate limit exceeded') });
        return;
      case 'status429RetryAfter':
        this.send(res, {
          status: 429,
          body: errorBody(429, 'Rate limit exceeded'),
          headers: { 'retry-after': String(fault.retryAfterSeconds ?? 1) },
        });
        return;
      case 'hang':
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      case 'resetConnection': {
        const socket = req.socket as Socket & { resetAndDestroy?: () => void };
        if (socket.resetAndDestroy) socket.resetAndDestroy();
        else socket.destroy();
        return;
      }
      case 'truncatedJson': {
        const real = match ? await match.route.handle(request, match.params) : { status: 200, body: { value: [] } };
        const text = JSON.stringify(real.body);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
        return;
      }
    }
  }

  send(res: ServerResponse, response: EmulatorResponse): void {
    const text = JSON.stringify(response.body);
    res.writeHead(response.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...response.headers,
    });
    res.end(text);
  }

  private async handleControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const action = url.pathname.slice('/__control/'.length);
    const body = req.method === 'POST' ? await readJson(req) : null;
    const ok = (payload: unknown = { ok: true }): void => this.send(res, { status: 200, body: payload });
    try {
      if (req.method === 'GET' && action === 'log') return ok(this.requestLog);
      if (req.method === 'GET' && action === 'counters') return ok(this.counters());
      if (req.method === 'GET' && action === 'connections') return ok({ accepted: this.connectionsAccepted });
      if (req.method === 'POST' && action === 'faults') {
        this.injectFault(body as FaultRule);
        return ok();
      }
      if (req.method === 'POST' && action === 'faults/clear') {
        this.clearFaults();
        return ok();
      }
      if (req.method === 'POST' && action === 'latency') {
        this.setLatency(body as Partial<LatencySetting>);
        return ok();
      }
      if (req.method === 'POST' && action === 'reset') {
        this.reset();
        return ok();
      }
      if (action === 'conversations' || action.startsWith('conversations/')) return this.handleLiveControl(req, res, action, body);
      if (req.method === 'GET' && action === 'live') return ok({ ratePerMinute: this.liveRatePerMinute });
      if (req.method === 'POST' && action === 'live') {
        this.setLiveRate(Number((body as { ratePerMinute?: unknown } | null)?.ratePerMinute));
        return ok({ ratePerMinute: this.liveRatePerMinute });
      }
      this.send(res, { status: 404, body: { error: `unknown control action ${action}` } });
    } catch (error) {
      this.send(res, { status: 400, body: { error: error instanceof Error ? error.message : 'bad control request' } });
    }
  }


  /**
   * `GET /__control/conversations` (ids, vendor order), `POST` (add: `{ createdAt?, ...fields }`),
   * `DELETE /__control/conversations/{id}`, `POST /__control/conversations/{id}/touch` (`{ at? }`).
   */
  private handleLiveControl(req: IncomingMessage, res: ServerResponse, action: string, body: unknown): void {
    const record = (body ?? {}) as Record<string, unknown>;
    const instant = (name: string): Date | undefined => {
      const raw = record[name];
      if (raw === undefined) return undefined;
      const ms = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
      if (!Number.isFinite(ms)) throw new Error(`${name} must be an ISO 8601 instant`);
      return new Date(ms);
    };
    const parts = action.split('/').map((part) => decodeURIComponent(part));
    if (parts.length === 1 && req.method === 'GET') return this.send(res, { status: 200, body: { ids: this.conversationIds(), conversations: this.liveConversations() } });
    if (parts.length === 1 && req.method === 'POST') {
      const { createdAt: _createdAt, ...fields } = record;
      const createdAt = instant('createdAt');
      return this.send(res, { status: 201, body: this.addConversation({ ...(createdAt ? { createdAt } : {}), fields }) });
    }
    const id = parts[1] as string;
    const found = (done: boolean): void =>
      this.send(res, done ? { status: 200, body: { ok: true } } : { status: 404, body: { error: `no conversation ${id}` } });
    if (parts.length === 2 && req.method === 'DELETE') return found(this.deleteConversation(id));
    if (parts.length === 3 && parts[2] === 'touch' && req.method === 'POST') return found(this.touchConversation(id, instant('at')));
    this.send(res, { status: 404, body: { error: `unknown control action ${req.method ?? ''} ${action}` } });
  }
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readText(req);
  return text ? (JSON.parse(text) as unknown) : {};
}

/** `Authorization: Bearer <token>` check shared by the vendors that use it. */
export function bearerToken(headers: IncomingHttpHeaders): string | null {
  const value = headers.authorization;
  if (typeof value !== 'string') return null;
  const match = /^Bearer\s+(.+)$/i.exec(value.trim());
  return match?.[1] ?? null;
}

/** Parses a non-negative integer query parameter; `undefined` when absent, `null` when malformed. */
export function integerParam(query: URLSearchParams, name: string): number | undefined | null {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) return null;
  return Number(raw);
}
