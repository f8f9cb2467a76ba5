import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { basename, join } from 'node:path';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { CRITICAL_PATH_PATH, answerCriticalPath } from './critical-path.js';

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

/** One vendor call a target made for a page, as the upstream logged it: replayed as it was (a search may be a POST). */
export interface UpstreamCall {
  url: string;
  method: 'GET' | 'POST';
  /** The request body of a POST, else `''`. */
  body: string;
}

/** The headers of a call beside its vendor's credential headers: a POST carries JSON. */
export function callHeaders(call: UpstreamCall, credentials: Record<string, string> | undefined): Record<string, string> {
  return call.body === '' ? { ...credentials } : { ...credentials, 'content-type': 'application/json' };
}

export const ALLOCATION_PATH = '/__bench/allocation';

/** Bytes this process allocated on the V8 heap between `?start` and `?stop` of ALLOCATION_PATH. */
export interface AllocationStats {
  allocatedBytes: number;
  /** Collections in the window, and their main-thread time. */
  collections: number;
  collectionMs: number;
}

let allocationWindow: { profiler: GCProfiler; usedAtStart: number } | null = null;

/**
 * BENCH_HEAP_PROF (a directory): the allocation window also runs V8's sampling heap profiler with the objects
 * collected in the window kept in it (`--heap-prof` keeps only what is still live when the process ends),
 * and writes `<script>-<pid>.heapprofile` there at `?stop`: where the window's bytes were allocated.
 */
const heapProfileDir = process.env.BENCH_HEAP_PROF;
let heapSession: Session | null = null;

async function startHeapProfile(): Promise<void> {
  if (!heapProfileDir) return;
  heapSession = new Session();
  heapSession.connect();
  await heapSession.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
}

async function stopHeapProfile(): Promise<void> {
  if (!heapSession || !heapProfileDir) return;
  const { profile } = await heapSession.post('HeapProfiler.stopSampling');
  heapSession.disconnect();
  heapSession = null;
  writeFileSync(join(heapProfileDir, `${basename(process.argv[1] ?? 'target', '.js')}-${process.pid}.heapprofile`), JSON.stringify(profile));
}

/**
 * Allocation is counted, not sampled: every byte allocated is either still in the heap at the end or was
 * freed by a collection in between, so allocated = (used at stop − used at start) + Σ(used before − used
 * after) over the window's collections, read from V8's own heap statistics around each collection
 * (v8.GCProfiler). A difference of heap sizes alone would miss all the garbage collected in between.
 */
function answerAllocation(url: string, response: ServerResponse): void {
  if (url.endsWith('?start')) {
    allocationWindow?.profiler.stop();
    void startHeapProfile().then(() => {
      const profiler = new GCProfiler();
      profiler.start();
      allocationWindow = { profiler, usedAtStart: getHeapStatistics().used_heap_size };
      response.writeHead(204).end();
    });
    return;
  }
  if (!allocationWindow) {
    response.writeHead(409).end('no allocation window started');
    return;
  }
  const usedAtStop = getHeapStatistics().used_heap_size;
  const { statistics } = allocationWindow.profiler.stop();
  let freed = 0;
  let collectionMs = 0;
  for (const collection of statistics) {
    freed += collection.beforeGC.heapStatistics.usedHeapSize - collection.afterGC.heapStatistics.usedHeapSize;
    collectionMs += collection.cost / 1000;
  }
  const stats: AllocationStats = {
    allocatedBytes: usedAtStop - allocationWindow.usedAtStart + freed,
    collections: statistics.length,
    collectionMs: Number(collectionMs.toFixed(1)),
  };
  allocationWindow = null;
  void stopHeapProfile().then(() => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(stats));
  });
}

export function answerStats(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.url?.startsWith(ALLOCATION_PATH)) {
    answerAllocation(request.url, response);
    return true;
  }
  if (request.url?.startsWith(CRITICAL_PATH_PATH)) {
    answerCriticalPath(request, response);
    return true;
  }
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
