import { Redis } from 'ioredis';

/** Where shared-state messages go (a pino logger fits). */
export interface SharedStateLogger {
  info(message: string): void;
  warn(message: string): void;
}

export const consoleLogger: SharedStateLogger = {
  info: (message) => console.log(message),
  warn: (message) => console.warn(message),
};

export interface RedisLinkOptions {
  url: string;
  /** Bound on every command; a slower answer counts as Redis being away. */
  commandTimeoutMs: number;
  logger?: SharedStateLogger;
  /** While away but connected (a slow Redis), how often to try a PING. */
  probeIntervalMs?: number;
}

/**
 * The one Redis connection of a replica, and whether to use it. Any failed
 * or slow command switches the replica to per-process state at once (one
 * log line); ioredis reconnects by itself, and a successful reconnection or
 * probe switches back (one more line). Commands never queue while Redis is
 * away: they fail at once, so a query never waits on a dead Redis.
 */
export class RedisLink {
  readonly client: Redis;
  private state: 'starting' | 'shared' | 'fallback' | 'closed' = 'starting';
  private probe: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(fallback: boolean) => void>();
  private readonly logger: SharedStateLogger;
  private readonly where: string;

  constructor(private readonly options: RedisLinkOptions) {
    this.logger = options.logger ?? consoleLogger;
    const url = new URL(options.url);
    this.where = `${url.hostname}:${url.port || '6379'}`;
    this.client = new Redis(options.url, {
      connectionName: 'conversations-graph',
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(1_000, options.commandTimeoutMs),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 5), 1_000),
    });
    this.client.on('ready', () => this.markShared());
    this.client.on('error', (error: Error) => this.markAway(error.message));
    this.client.on('close', () => this.markAway('connection closed'));
  }

  /** True while calls go to Redis; false while the replica uses its own state. */
  get shared(): boolean {
    return this.state === 'shared';
  }

  /** `fn` against Redis when it is there; `fallback` when it is not, or when `fn` fails or is slow. */
  async attempt<T>(fn: (client: Redis) => Promise<T>, fallback: () => T | Promise<T>): Promise<T> {
    if (this.state !== 'shared') return fallback();
    let result: T;
    try {
      result = await fn(this.client);
    } catch (error) {
      this.markAway(error instanceof Error ? error.message : String(error));
      return fallback();
    }
    return result;
  }

  /** Called with `true` when the replica falls back to its own state, `false` when Redis is shared again. */
  onChange(listener: (fallback: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.state = 'closed';
    this.stopProbe();
    this.listeners.clear();
    this.client.disconnect();
  }

  private markShared(): void {
    if (this.state === 'shared' || this.state === 'closed') return;
    const before = this.state;
    this.state = 'shared';
    this.stopProbe();
    if (before === 'starting') this.logger.info(`Shared state: Redis at ${this.where}; rate limits and caches are shared by every replica.`);
    else this.logger.info(`Shared state: Redis at ${this.where} is reachable again; rate limits and caches are shared again.`);
    this.emit(false);
  }

  private markAway(reason: string): void {
    if (this.state === 'fallback' || this.state === 'closed') {
      return;
    }
    this.state = 'fallback';
    this.logger.warn(
      `Shared state: Redis at ${this.where} is unavailable (${reason}); using per-process state ` +
        '(rate limits per replica, caches not shared) until it is back.',
    );
    this.emit(true);
    this.startProbe();
  }

  /** ioredis reconnects a lost connection itself; a connection that is up but was slow needs a PING to be trusted again. */
  private startProbe(): void {
    if (this.probe) return;
    this.probe = setInterval(() => {
      if (this.client.status !== 'ready') return;
      this.client.ping().then(
        () => this.markShared(),
        () => undefined,
      );
    }, this.options.probeIntervalMs ?? 1_000);
    this.probe.unref();
  }

  private stopProbe(): void {
    if (this.probe) clearInterval(this.probe);
    this.probe = null;
  }

  private emit(fallback: boolean): void {
    for (const listener of this.listeners) listener(fallback);
  }
}
