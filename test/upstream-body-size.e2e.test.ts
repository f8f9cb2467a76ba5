import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import { ErrorCode, UpstreamError } from '../src/errors.js';
import { DEFAULT_HTTP_SETTINGS, HttpClient } from '../src/vendors/http.js';
import { wireSchema } from '../src/vendors/wire-schema.js';

/**
 * A vendor that answers a huge body (a bug, a proxy's error page, an attack) must cost a coded error,
 * not the graph's memory: UPSTREAM_MAX_RESPONSE_BYTES, whether the body declares its length or streams.
 */

const MAX = 1_048_576;
const bigBody = JSON.stringify({ items: Array.from({ length: 40_000 }, (_, index) => `item-${index}-${'x'.repeat(20)}`) });
const smallBody = JSON.stringify({ items: ['a', 'b'] });
const schema = wireSchema(z.object({ items: z.array(z.string()) }));

let server: Server;
let baseUrl: string;
const clients: HttpClient[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/declared') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(bigBody) }).end(bigBody);
    } else if (request.url === '/streamed') {
      // No Content-Length: chunked, so the size is only known as it arrives.
      response.writeHead(200, { 'content-type': 'application/json' });
      for (let offset = 0; offset < bigBody.length; offset += 65_536) response.write(bigBody.slice(offset, offset + 65_536));
      response.end();
    } else {
      response.writeHead(200, { 'content-type': 'application/json' }).end(smallBody);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(): HttpClient {
  const created = new HttpClient({
    ...DEFAULT_HTTP_SETTINGS,
    maxResponseBytes: MAX,
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    breakerThreshold: 0,
    provider: 'FLASHBACK',
    baseUrl,
    headers: {},
  });
  clients.push(created);
  return created;
}

describe('vendor bodies over UPSTREAM_MAX_RESPONSE_BYTES', () => {
  it.each(['/declared', '/streamed'])('%s: refused as UPSTREAM_BAD_RESPONSE, not buffered', async (path) => {
    expect(Buffer.byteLength(bigBody)).toBeGreaterThan(MAX);
    const failure = await client()
      .get({ endpoint: path, path, schema })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(UpstreamError);
    expect((failure as UpstreamError).facts.code).toBe(ErrorCode.UPSTREAM_BAD_RESPONSE);
    expect((failure as UpstreamError).message).toMatch(/UPSTREAM_MAX_RESPONSE_BYTES/);
  });

  it('a body under the limit is served by the same client', async () => {
    const http = client();
    await http.get({ endpoint: '/declared', path: '/declared', schema }).catch(() => null);
    await expect(http.get({ endpoint: '/small', path: '/small', schema })).resolves.toEqual({ items: ['a', 'b'] });
  });
});
