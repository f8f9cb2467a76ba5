import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import { createRequestScope, runInRequestScope } from '../src/request-scope.js';
import { DEFAULT_HTTP_SETTINGS, HttpClient } from '../src/vendors/http.js';
import { wireSchema } from '../src/vendors/wire-schema.js';

/**
 * An answered vendor call keeps nothing alive: its time limit ends with it. Each call had an
 * AbortSignal.timeout, whose timer lived on for the call's whole limit (up to the request's deadline)
 * after the answer and kept the call's async context (every AsyncLocalStorage store of its request)
 * reachable that long; under load the heap grew by the requests of the last few seconds
 * (docs/benchmarks.md "Third round: memory").
 */
const requestData = new AsyncLocalStorage<number[]>();

const body = JSON.stringify({ items: Array.from({ length: 200 }, (_, index) => `item-${index}`) });
const schema = wireSchema(z.object({ items: z.array(z.string()) }));

let server: Server;
let http: HttpClient;

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  http = new HttpClient({
    ...DEFAULT_HTTP_SETTINGS,
    timeoutMs: 60_000,
    breakerThreshold: 0,
    provider: 'FLASHBACK',
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    headers: {},
  });
});

afterAll(async () => {
  await http.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('an answered vendor call', () => {
  it('leaves its async context to the collector once answered (200 calls, each in its own request scope)', async () => {
    const call = (index: number): Promise<number> =>
      // What a request's async context carries (here 80 KB in another AsyncLocalStorage, as a tracer's context would).
      requestData.run(new Array(10_000).fill(index), () =>
        runInRequestScope(createRequestScope({ requestId: `r${index}`, deadlineMs: 60_000, upstreamCallLimit: 10 }), async () => {
          const answer = await http.get({ endpoint: '/items', path: '/items', schema });
          return answer.items.length;
        }),
      );
    for (let index = 0; index < 10; index += 1) await call(index);
    const before = heapUsed();
    for (let index = 0; index < 200; index += 1) expect(await call(index)).toBe(200);
    const retainedPerCall = (heapUsed() - before) / 200;
    // Before: 80 KB a call (the context of every call stayed until its 60 s timer fired); now about 2.5 KB.
    expect(retainedPerCall).toBeLessThan(20_000);
  });
});
