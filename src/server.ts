import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from './config.js';
import type { Graph } from './yoga.js';

export interface RunningServer {
  server: Server;
  /** The bound port (PORT=0 picks a free one). */
  port: number;
  /** http://<host>:<port>/graphql, with `localhost` when listening on every interface. */
  url: string;
  /**
   * The graceful stop: /ready answers 503 at once; after SHUTDOWN_DELAY_MS the listener closes, in-flight
   * requests get up to SHUTDOWN_GRACE_MS to finish (then their connections are cut), and the vendor pools
   * close. Calling it again returns the same promise. Resolves with how the requests ended.
   */
  drain(): Promise<DrainOutcome>;
  /** HTTP requests being answered right now. */
  inFlight(): number;
}

export interface DrainOutcome {
  /** Requests still running when the grace period ended (their connections were cut). */
  cutRequests: number;
  durationMs: number;
}

const POOL_CLOSE_WAIT_MS = 2_000;

/** The graph on a node:http listener, with the drain that SIGTERM/SIGINT start (see main.ts). */
export async function startServer(graph: Graph, config: AppConfig): Promise<RunningServer> {
  const { shutdownDelayMs, shutdownGraceMs, host } = config.operations;
  const { state, logger } = graph.observability;
  let inFlight = 0;
  const server = createServer((req, res) => {
    inFlight += 1;
    if (state.draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight -= 1;
      // A keep-alive connection that just finished its last request would hold the drain open.
      if (state.draining) setImmediate(() => server.closeIdleConnections());
    });
    void graph.yoga(req, res);
  });
  // A client that opens a connection and sends nothing must not hold the drain either.
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === undefined || host === '0.0.0.0' || host === '::' ? 'localhost' : address.address.includes(':') ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}/graphql`;

  let drained: Promise<DrainOutcome> | null = null;
  const drain = (): Promise<DrainOutcome> => {
    drained ??= (async () => {
      const started = performance.now();
      state.draining = true;
      logger.info({ inFlight, shutdownDelayMs, shutdownGraceMs }, 'draining: /ready answers 503');
      if (shutdownDelayMs > 0) await sleep(shutdownDelayMs);
      // Subscriptions never end by themselves: complete every stream (its client sees `complete` and may
      // subscribe again elsewhere), so their connections close before the grace period instead of being cut.
      await graph.live?.completeAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let cutRequests = 0;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'grace'>((resolve) => {
        timer = setTimeout(() => resolve('grace'), shutdownGraceMs);
      });
      const first = await Promise.race([closed.then(() => 'closed' as const), grace]);
      clearTimeout(timer);
      if (first === 'grace') {
        cutRequests = inFlight;
        logger.warn({ cutRequests, shutdownGraceMs }, 'grace period over: cutting the connections still open');
        server.closeAllConnections();
        await closed;
      }
      // A cut request may leave vendor calls running until their own deadline; the pools wait for them, the exit need not.
      const poolsClosed = await Promise.race([graph.close().then(() => true), sleep(POOL_CLOSE_WAIT_MS, false, { ref: false })]);
      if (!poolsClosed) logger.warn({ waitedMs: POOL_CLOSE_WAIT_MS }, 'vendor pools still had calls running; stopping without them');
      const durationMs = Math.round(performance.now() - started);
      logger.info({ durationMs, cutRequests }, 'stopped: listener closed, vendor pools closed');
      return { cutRequests, durationMs };
    })();
    return drained;
  };
  return { server, port: address.port, url, drain, inFlight: () => inFlight };
}
