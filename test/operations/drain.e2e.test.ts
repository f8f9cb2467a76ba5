import { connect } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startEmulators, type EmulatorSet } from '../../src/emulators/index.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createGraph } from '../../src/yoga.js';
import { TEST_HTTP_ENV, type GraphQLResponse } from '../support/graph.js';
import { PROVIDERS } from '../../src/vendors/vendors.js';

/** Resolves once `check` holds; polls the graph's own state, never sleeps for a fixed time. */
async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const portIsClosed = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe('a drain (what SIGTERM starts)', () => {
  let emulators: EmulatorSet;
  let running: RunningServer;

  beforeAll(async () => {
    emulators = await startEmulators({ anchor: new Date('2026-11-01T00:00:00Z') });
    const env: Record<string, string> = { ...TEST_HTTP_ENV, ...emulators.env, PORT: '0', HOST: '127.0.0.1', UPSTREAM_TIMEOUT_MS: '10000', REQUEST_DEADLINE_MS: '30000', SHUTDOWN_DELAY_MS: '1000', SHUTDOWN_GRACE_MS: '10000', LOG_LEVEL: 'silent' };
    for (const provider of PROVIDERS.filter((provider) => provider !== 'FLASHBACK')) delete env[`${provider}_BASE_URL`];
    const config = loadConfig(env);
    running = await startServer(createGraph(config), config);
  });
  afterAll(async () => {
    await running?.drain();
    await emulators?.close();
  });

  it('turns /ready to 503 at once, answers the request in flight, then frees the port', async () => {
    // HOST chose the address.
    expect(running.server.address()).toMatchObject({ address: '127.0.0.1' });
    expect(running.url).toBe(`http://127.0.0.1:${running.port}/graphql`);
    const base = running.url.replace(/\/graphql$/, '');
    const ready = await request(`${base}/ready`);
    expect(ready.statusCode).toBe(200);
    expect(await ready.body.json()).toMatchObject({ status: 'ready', providers: { FLASHBACK: { configured: true, breaker: 'closed' }, SYMBL: { configured: false } } });

    emulators.emulators.FLASHBACK?.setLatency({ fixedMs: 1500 });
    let answered = false;
    const slow = request(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ conversations(first: 2) { totalCount } }' }),
    }).then(async (response) => ({ status: response.statusCode, body: (await response.body.json()) as GraphQLResponse }))
      .finally(() => {
        answered = true;
      });
    await until(() => running.inFlight() === 1);

    const drained = running.drain();
    const during = await request(`${base}/ready`);
    expect(during.statusCode).toBe(503);
    expect(await during.body.json()).toMatchObject({ status: 'draining' });
    const health = await request(`${base}/health`);
    await health.body.dump();
    expect(health.statusCode).toBe(200);

    // After SHUTDOWN_DELAY_MS the listener closes while the slow request is still being answered.
    await until(() => !running.server.listening);
    expect(answered).toBe(false);
    expect(await portIsClosed(running.port)).toBe(true);

    expect(await slow).toEqual({ status: 200, body: { data: { conversations: { totalCount: 260 } } } });
    expect(await drained).toMatchObject({ cutRequests: 0 });
    expect(await portIsClosed(running.port)).toBe(true);
  });

  it('cuts what is still running when SHUTDOWN_GRACE_MS is over, and still stops', async () => {
    const env: Record<string, string> = { ...TEST_HTTP_ENV, ...emulators.env, PORT: '0', HOST: '127.0.0.1', UPSTREAM_TIMEOUT_MS: '60000', REQUEST_DEADLINE_MS: '60000', SHUTDOWN_GRACE_MS: '300', LOG_LEVEL: 'silent' };
    const config = loadConfig(env);
    const impatient = await startServer(createGraph(config), config);
    emulators.emulators.FLASHBACK?.setLatency({ fixedMs: 0 });
    emulators.emulators.FLASHBACK?.injectFault({ kind: 'hang', count: 1 });
    const hung = request(impatient.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ conversations(first: 1, providers: [FLASHBACK]) { totalCount } }' }),
    }).then(
      () => 'answered',
      () => 'cut',
    );
    await until(() => impatient.inFlight() === 1);
    const started = performance.now();
    expect(await impatient.drain()).toMatchObject({ cutRequests: 1 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await hung).toBe('cut');
    expect(await portIsClosed(impatient.port)).toBe(true);
    emulators.emulators.FLASHBACK?.clearFaults();
  });
});
