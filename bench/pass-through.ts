import { createServer, type IncomingMessage } from 'node:http';
import { Pool } from 'undici';
import { loadConfig } from '../src/config.js';
import { answerStats, callHeaders, serve, type UpstreamCall } from './child.js';
import { vendorHeadersByOrigin } from './vendor-headers.js';

/**
 * The bench's baseline: the thinnest server that gives a client the same data. For a planned page it
 * makes the same upstream calls the graph made for it (all at once, same credentials, same pool size; a
 * vendor's search POST with its body), parses each body and answers them concatenated. No validation, merge,
 * cursors or GraphQL.
 *
 * POST /__plan/<id> with `{ "calls": [{ url, method, body }, ...] }` records a page; any request to /page/<id> then serves it.
 */

const config = loadConfig(process.env);
const headersByOrigin = vendorHeadersByOrigin(config);

interface PlannedCall {
  pool: Pool;
  path: string;
  method: 'GET' | 'POST';
  body: string;
  headers: Record<string, string>;
}

const pools = new Map<string, Pool>();
const plans = new Map<string, PlannedCall[]>();

function plan(calls: UpstreamCall[]): PlannedCall[] {
  return calls.map((planned) => {
    const url = new URL(planned.url);
    let pool = pools.get(url.origin);
    if (!pool) {
      pool = new Pool(url.origin, { connections: config.http.connections });
      pools.set(url.origin, pool);
    }
    return { pool, path: url.pathname + url.search, method: planned.method, body: planned.body, headers: callHeaders(planned, headersByOrigin.get(url.origin)) };
  });
}

async function call({ pool, path, method, body, headers }: PlannedCall): Promise<unknown> {
  const response = await pool.request(method === 'POST' ? { method, path, headers, body } : { method, path, headers });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`upstream answered ${response.statusCode} for ${path}`);
  return JSON.parse(text) as unknown;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const server = createServer((request, response) => {
  if (answerStats(request, response)) return;
  const url = request.url ?? '/';
  void (async () => {
    const body = await readBody(request);
    if (url.startsWith('/__plan/')) {
      plans.set(url.slice('/__plan/'.length), plan((JSON.parse(body) as { calls: UpstreamCall[] }).calls));
      response.writeHead(204).end();
      return;
    }
    const calls = url.startsWith('/page/') ? plans.get(url.slice('/page/'.length)) : undefined;
    if (!calls) {
      response.writeHead(404).end();
      return;
    }
    try {
      const bodies = await Promise.all(calls.map(call));
      const text = JSON.stringify({ data: bodies });
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
    } catch (error) {
      response.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
    }
  })();
});
await serve(server, async () => {
  await Promise.all([...pools.values()].map((pool) => pool.close()));
});
