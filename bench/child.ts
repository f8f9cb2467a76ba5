import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the bench's target processes (the graph, the pass-through) share: a stats route the runner
 * reads before and after each run, and a clean stop (so `--cpu-prof` writes its profile).
 */

export const STATS_PATH = '/__bench/stats';

export interface ProcessStats {
  pid: number;
  /** User plus system CPU time of this process since it started, in microseconds. */
  cpuMicros: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** Buffers and other memory outside the V8 heap (undici bodies, sockets). */
  externalBytes: number;
}

export function answerStats(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.url !== STATS_PATH && request.url !== `${STATS_PATH}?gc=1`) return false;
  // With --expose-gc, `?gc=1` collects first: what the process retains, not what it has yet to collect.
  if (request.url.endsWith('?gc=1')) (globalThis as { gc?: () => void }).gc?.();
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const stats: ProcessStats = {
    pid: process.pid,
    cpuMicros: cpu.user + cpu.system,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
  };
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(stats));
  return true;
}

/** Listens on a free loopback port, prints `LISTENING <port>` for the runner, and stops on SIGTERM. */
export async function serve(server: Server, close: () => Promise<void>): Promise<void> {
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  console.log(`LISTENING ${(server.address() as AddressInfo).port}`);
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close();
    void close().finally(() => process.exit(0));
  });
}
