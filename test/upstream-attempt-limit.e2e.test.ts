import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import { ErrorCode, UpstreamError } from '../src/errors.js';
import { createRequestScope, runInRequestScope } from '../src/request-scope.js';
import { DEFAULT_HTTP_SETTINGS, HttpClient } from '../src/vendors/http.js';
import { wireSchema } from '../src/vendors/wire-schema.js';

/**
 * An attempt's time limit covers headers and body together: a vendor that sends its headers at once and then
 * a byte every 30 ms never trips undici's own headers or body (idle) timeouts, only the attempt's limit does.
 * And the query goes on the wire as a URL's searchParams serialized it.
 */
const schema = wireSchema(z.object({ items: z.array(z.string()) }));
const seen: string[] = [];
let server: Server;
let port: number;
const clients: HttpClient[] = [];

function client(timeoutMs: number, maxAttempts = 1): HttpClient {
  const http = new HttpClient({
    ...DEFAULT_HTTP_SETTINGS,
    timeoutMs,
    retry: { ...DEFAULT_HTTP_SETTINGS.retry, maxAttempts, baseDelayMs: 1 },
    breakerThreshold: 0,
    provider: 'FLASHBACK',
    baseUrl: `http://127.0.0.1:${port}/v1`,
    headers: { authorization: 'Bearer t' },
  });
  clients.push(http);
  return http;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request.url ?? '');
    if (request.url?.startsWith('/v1/drip')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"items":[');
      const drip = setInterval(() => response.write(' '), 30);
      response.on('close', () => clearInterval(drip));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"items":["a"]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const http of clients) await http.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe("an attempt's time limit", () => {
  it('cuts a body that keeps dripping: UPSTREAM_TIMEOUT at the limit, the URL sanitized in its facts', async () => {
    const started = Date.now();
    const error = await failure(client(200).get({ endpoint: '/drip', path: '/drip', query: { secret: 's3cret' }, schema }));
    const took = Date.now() - started;
    expect(error.facts).toMatchObject({ code: ErrorCode.UPSTREAM_TIMEOUT, provider: 'FLASHBACK', method: 'GET', url: `http://127.0.0.1:${port}/v1/drip` });
    expect(error.facts.deadline).toBeUndefined();
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(2_000);
  });

  it('is capped by the request deadline: the deadline error, no retry after it', async () => {
    const http = client(10_000, 3);
    const before = http.requestCount;
    const scope = createRequestScope({ requestId: 'r-drip', deadlineMs: 250, upstreamCallLimit: 10 });
    const started = Date.now();
    const error = await failure(runInRequestScope(scope, () => http.get({ endpoint: '/drip', path: '/drip', schema })));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.facts).toMatchObject({ code: ErrorCode.UPSTREAM_TIMEOUT, deadline: true });
    expect(http.requestCount - before).toBe(1);
  });

  it('leaves an answered call alone and sends the query as URLSearchParams serializes it', async () => {
    const http = client(1_000);
    const answer = await http.get({ endpoint: '/items', path: '/items', query: { limit: 20, q: "a b+c&d=é!'()~*", none: null, skip: undefined, on: true }, schema });
    expect(answer.items).toEqual(['a']);
    const expected = new URLSearchParams([['limit', '20'], ['q', "a b+c&d=é!'()~*"], ['on', 'true']]).toString();
    expect(seen.at(-1)).toBe(`/v1/items?${expected}`);
  });
});
