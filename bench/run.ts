import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.js';
import { startEmulators } from '../src/emulators/index.js';
import { createGraph } from '../src/yoga.js';

/**
 * `npm run bench`: the graph in front of the five emulators (loopback only), loaded by autocannon.
 * Each scenario runs BENCH_SECONDS (default 10) with BENCH_CONNECTIONS (default 10) connections;
 * emulator latency is BENCH_UPSTREAM_MS fixed + 20% jitter (default 5 ms).
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const upstreamMs = Number(process.env.BENCH_UPSTREAM_MS ?? 5);

const scenarios: Array<{ name: string; query: string }> = [
  {
    name: 'first page of 20, all vendors',
    query: '{ conversations(first: 20) { edges { node { id provider createdAt } } pageInfo { hasNextPage endCursor } } }',
  },
  {
    name: 'page of 50 with creator, members, 5 messages',
    query:
      '{ conversations(first: 50) { edges { node { id provider creator { displayName } members { displayName } messages(first: 5) { edges { node { text } } } } } } }',
  },
  {
    name: 'last 20, backward-capable vendors',
    query: '{ conversations(last: 20, providers: [FLASHBACK, CHATBASE, MOVEWORKS_DATA, SYMBL]) { edges { node { id } } } }',
  },
];

const emulators = await startEmulators({ anchor: new Date('2026-11-01T00:00:00Z') });
for (const emulator of Object.values(emulators.emulators)) emulator.setLatency({ fixedMs: upstreamMs, jitterMs: upstreamMs / 5 });
const graph = createGraph(loadConfig({ ...emulators.env, UPSTREAM_BREAKER_THRESHOLD: '0' }));
const server = createServer(graph.yoga);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

console.log(`node ${process.version}, ${seconds}s per scenario, ${connections} connections, upstream latency ${upstreamMs}ms`);
for (const scenario of scenarios) {
  for (const emulator of Object.values(emulators.emulators)) emulator.clearLog();
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: scenario.query }),
  });
  const upstream = Object.values(emulators.emulators).reduce((sum, emulator) => sum + emulator.requestLog.length, 0);
  const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
  console.log(
    `${scenario.name}: ${result.requests.average.toFixed(0)} req/s, latency p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms, ` +
      `${result.non2xx} non-2xx, ${result.errors} errors, ${(upstream / Math.max(1, result.requests.total)).toFixed(1)} upstream requests per query, RSS ${rssMb} MB`,
  );
}

server.closeAllConnections();
server.close();
await graph.close();
await emulators.close();
