import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import { answerStats, type UpstreamCall } from './child.js';

/**
 * The bench's upstream that costs almost nothing: one port per vendor origin, each in front of that
 * vendor's emulator. In `record` mode every call is proxied to the emulator once and its answer kept,
 * keyed by port + method + URL + body; in `replay` mode the kept answer is served byte for byte (status,
 * headers, body) with no parsing, no data and no framework, so the graph and the pass-through get
 * identical bodies at wire speed. A call not recorded is proxied and recorded too, and counted as a miss:
 * the bench reports misses (they should be 0: a target's calls for a page do not change between repeats).
 *
 * REPLAY_UPSTREAMS: JSON array of upstream origins. Prints `LISTENING <port>` (the control port, which
 * also serves the first upstream) and `REPLAY <origin> <port>` per upstream. Control routes on any port:
 * POST /__replay/mode {"mode":"record"|"replay"}, GET /__replay/counters, GET /__replay/log (the calls: url, method, body), POST /__replay/reset,
 * and the bench's stats route.
 */

export interface ReplayCounters {
  /** Vendor calls answered since the last reset. */
  calls: number;
  /** Of those, calls proxied because nothing was recorded for them (in replay mode). */
  misses: number;
  recorded: number;
  /** Connections whose first request was a vendor call, since start; never reset. */
  connections: number;
}

interface Recorded {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date', 'host', 'upgrade', 'proxy-connection', 'te', 'trailer']);

export interface ReplayServer {
  /** This server's origin for each upstream origin. */
  origins: Map<string, string>;
  close(): Promise<void>;
}


function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    forwarded[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return forwarded;
}

/**
 * A vendor's answer as if this server had sent it: links it gives back to itself (an OData next link, its
 * metadata URL) name the origin it was called at, so the emulator's origin becomes this port's. Done once,
 * when recording: every replay of the answer is then the same bytes.
 */
function asServedBy(answer: Buffer, upstream: string, origin: string): Buffer {
  if (answer.indexOf(upstream) < 0) return answer;
  // Not a longer port that starts with the same digits.
  const named = new RegExp(`${upstream.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\d)`, 'g');
  return Buffer.from(answer.toString('utf8').replace(named, origin), 'utf8');
}

async function proxy(upstream: string, origin: string, incoming: IncomingMessage, body: Buffer): Promise<Recorded> {
  const response = await request(upstream + (incoming.url ?? '/'), {
    method: (incoming.method ?? 'GET') as 'GET',
    headers: forwardedHeaders(incoming.headers),
    ...(body.length > 0 ? { body } : {}),
  });
  const answer = asServedBy(Buffer.from(await response.body.arrayBuffer()), upstream, origin);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  headers['content-length'] = String(answer.length);
  return { status: response.statusCode, headers, body: answer };
}

/** Starts one loopback port per upstream origin, in record mode. */
export async function startReplayServer(upstreams: readonly string[]): Promise<ReplayServer> {
  if (upstreams.length === 0) throw new Error('the replay server needs at least one upstream origin');
  let mode: 'record' | 'replay' = 'record';
  const answers = new Map<string, Recorded>();
  const log: UpstreamCall[] = [];
  const counters: ReplayCounters = { calls: 0, misses: 0, recorded: 0, connections: 0 };
  const seenSockets = new WeakSet<object>();
  const servers: Server[] = [];
  const origins = new Map<string, string>();
  function control(url: string, request: IncomingMessage, body: Buffer, response: ServerResponse): void {
    const json = (value: unknown): void => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    const action = url.slice('/__replay/'.length);
    if (action === 'mode' && request.method === 'POST') {
      const asked = (JSON.parse(body.toString('utf8')) as { mode?: string }).mode;
      if (asked !== 'record' && asked !== 'replay') return void response.writeHead(400).end('mode must be record or replay');
      mode = asked;
      return json({ mode });
    }
    if (action === 'counters') return json(counters);
    if (action === 'log') return json(log);
    if (action === 'reset' && request.method === 'POST') {
      counters.calls = 0;
      counters.misses = 0;
      log.length = 0;
      return json({ reset: true });
    }
    response.writeHead(404).end();
  }

  function handler(index: number, upstream: string, origin: () => string) {
    return (request: IncomingMessage, response: ServerResponse): void => {
      if (answerStats(request, response)) return;
      const url = request.url ?? '/';
      void readBody(request).then(async (body) => {
        if (url.startsWith('/__replay/')) return control(url, request, body, response);
        if (!seenSockets.has(request.socket)) {
          seenSockets.add(request.socket);
          counters.connections += 1;
        }
        counters.calls += 1;
        log.push({ url: origin() + url, method: request.method === 'POST' ? 'POST' : 'GET', body: body.toString('utf8') });
        const key = `${index} ${request.method} ${url} ${body.toString('latin1')}`;
        let answer = mode === 'replay' ? answers.get(key) : undefined;
        if (!answer) {
          if (mode === 'replay') counters.misses += 1;
          try {
            answer = await proxy(upstream, origin(), request, body);
          } catch (error) {
            response.writeHead(502, { 'content-type': 'text/plain' }).end(`replay: upstream ${upstream} failed: ${String(error)}`);
            return;
          }
          if (!answers.has(key)) counters.recorded += 1;
          answers.set(key, answer);
        }
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      });
    };
  }

  for (const [index, upstream] of upstreams.entries()) {
    let port = 0;
    const server = createServer(handler(index, upstream, () => `http://127.0.0.1:${port}`));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    servers.push(server);
    origins.set(upstream, `http://127.0.0.1:${port}`);
  }
  return {
    origins,
    close: async () => {
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}

// As a process (the bench's): REPLAY_UPSTREAMS names the upstream origins.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startReplayServer(JSON.parse(process.env.REPLAY_UPSTREAMS ?? '[]') as string[]);
  for (const [upstream, origin] of server.origins) console.log(`REPLAY ${upstream} ${new URL(origin).port}`);
  console.log(`LISTENING ${new URL([...server.origins.values()][0] as string).port}`);
  process.on('SIGTERM', () => {
    void server.close().finally(() => process.exit(0));
  });
}
