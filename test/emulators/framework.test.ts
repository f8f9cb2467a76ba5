import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startFlashbackEmulator, type FlashbackEmulator } from '../../src/emulators/flashback.js';

let flashback: FlashbackEmulator;
const agent = new Agent({ keepAliveTimeout: 10, pipelining: 0 });
const list = (signal?: AbortSignal) =>
  request(`${flashback.emulator.baseUrl}/conversation?take=2`, {
    headers: { authorization: `Bearer ${flashback.token}` },
    dispatcher: agent,
    signal,
  });
const control = async (action: string, body?: unknown) => {
  const response = await request(`${flashback.emulator.origin}/__control/${action}`, {
    method: body === undefined ? 'GET' : 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: agent,
  });
  return { status: response.statusCode, body: (await response.body.json()) as unknown };
};

beforeAll(async () => {
  flashback = await startFlashbackEmulator({ seed: 3, size: 20, anchor: new Date('2026-11-01T00:00:00Z') });
});
afterAll(async () => {
  await flashback.emulator.close();
  await agent.close();
});
beforeEach(() => flashback.emulator.reset());

describe('emulator knobs, over the control route', () => {
  it.each([
    ['status500', 500],
    ['status503', 503],
    ['status429', 429],
  ] as const)('%s answers %i with the vendor error body, for the next N requests only', async (kind, status) => {
    expect((await control('faults', { kind, count: 2 })).status).toBe(200);
    for (const expected of [status, status, 200]) {
      const response = await list();
      expect(response.statusCode).toBe(expected);
      const body = (await response.body.json()) as { success?: boolean; message?: string };
      if (expected !== 200) expect(body).toMatchObject({ success: false, conversations: [], total: 0 });
    }
  });

  it('status429RetryAfter sends Retry-After', async () => {
    await control('faults', { kind: 'status429RetryAfter', retryAfterSeconds: 7 });
    const response = await list();
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    await response.body.dump();
  });

  it('truncatedJson sends 200 with a body cut in half', async () => {
    await control('faults', { kind: 'truncatedJson' });
    const response = await list();
    expect(response.statusCode).toBe(200);
    const text = await response.body.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(text.startsWith('{"success":true')).toBe(true);
  });

  it('resetConnection drops the connection', async () => {
    await control('faults', { kind: 'resetConnection' });
    await expect(list()).rejects.toThrow();
    expect((await list()).statusCode).toBe(200);
  });

  it('hang never answers until the client gives up', async () => {
    await control('faults', { kind: 'hang' });
    await expect(list(AbortSignal.timeout(200))).rejects.toThrow();
    expect((await list()).statusCode).toBe(200);
  });

  it('a share of requests fails, drawn from a seeded generator, optionally for one path only', async () => {
    await control('faults', { kind: 'status500', share: 0.5, pathPrefix: '/conversation' });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i += 1) {
      const response = await list();
      statuses.push(response.statusCode);
      await response.body.dump();
    }
    const failures = statuses.filter((status) => status === 500).length;
    expect(failures).toBeGreaterThan(8);
    expect(failures).toBeLessThan(32);
    await control('faults', { kind: 'status503', pathPrefix: '/elsewhere' });
    expect((await list()).statusCode).not.toBe(503);
  });

  it('adds latency, logs and counts requests per endpoint, and resets', async () => {
    await control('latency', { fixedMs: 120, jitterMs: 0 });
    const started = performance.now();
    await (await list()).body.dump();
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    const log = (await control('log')).body as Array<{ endpoint: string; status: number; search: string }>;
    expect(log).toEqual([expect.objectContaining({ endpoint: 'listConversations', status: 200, search: 'take=2' })]);
    expect((await control('counters')).body).toEqual({ listConversations: 1 });
    await control('reset', {});
    expect((await control('counters')).body).toEqual({});
    const again = performance.now();
    await (await list()).body.dump();
    expect(performance.now() - again).toBeLessThan(115);
  });

  it('refuses an unknown fault kind with 400', async () => {
    expect((await control('faults', { kind: 'explode' })).status).toBe(400);
  });
});
