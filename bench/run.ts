import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { request } from 'undici';
import { loadConfig } from '../src/config.js';
import { createGraph } from '../src/yoga.js';

/**
 * `npm run bench`: the graph in front of the five emulators, loaded by autocannon (loopback only).
 * The emulators run in a child process (`npm run emulators` on ports 4201–4205), so the figures are
 * the graph's own. Each scenario runs BENCH_SECONDS (default 10) with BENCH_CONNECTIONS (default 10)
 * connections; emulator latency is BENCH_UPSTREAM_MS fixed plus 20% jitter (default 5 ms).
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

const ports = { FLASHBACK: 4201, CHATBASE: 4202, MOVEWORKS_DATA: 4203, SYMBL: 4204, MOVEWORKS_CONVERSATIONS: 4205 };
const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulators/main.ts'], {
  env: { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([provider, port]) => [`EMULATOR_${provider}_PORT`, String(port)])) },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const env: Record<string, string> = {};
for await (const line of createInterface({ input: child.stdout })) {
  const match = /^([A-Z_]+)=(.*)$/.exec(line);
  if (match) env[match[1] as string] = match[2] as string;
  if (Object.keys(env).length === 12) break;
}
const origins = Object.values(ports).map((port) => `http://127.0.0.1:${port}`);
const control = async (path: string, body?: unknown): Promise<unknown> => {
  const results = await Promise.all(
    origins.map(async (origin) => {
      const response = await request(`${origin}/__control/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
      return response.body.json();
    }),
  );
  return results;
};
const upstreamTotal = async (): Promise<number> =>
  ((await control('counters')) as Array<Record<string, number>>).reduce(
    (sum, counters) => sum + Object.values(counters).reduce((a, b) => a + b, 0),
    0,
  );

await control('latency', { fixedMs: upstreamMs, jitterMs: upstreamMs / 5 });
const graph = createGraph(loadConfig({ ...env, UPSTREAM_BREAKER_THRESHOLD: '0' }));
const server = createServer(graph.yoga);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

console.log(`node ${process.version}, ${seconds}s per scenario, ${connections} connections, upstream latency ${upstreamMs}ms (emulators in a child process)`);
for (const scenario of scenarios) {
  await control('reset', {});
  await control('latency', { fixedMs: upstreamMs, jitterMs: upstreamMs / 5 });
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: scenario.query }),
  });
  const upstream = await upstreamTotal();
  const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
  console.log(
    `${scenario.name}: ${result.requests.average.toFixed(0)} req/s, latency p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms, ` +
      `${result.non2xx} non-2xx, ${result.errors} errors, ${(upstream / Math.max(1, result.requests.total)).toFixed(1)} upstream requests per query, graph RSS ${rssMb} MB`,
  );
}

server.closeAllConnections();
server.close();
await graph.close();
child.kill('SIGTERM');
