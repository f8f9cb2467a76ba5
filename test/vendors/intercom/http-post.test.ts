import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import { startIntercomEmulator, type IntercomEmulator } from '../../../src/emulators/intercom.js';
import { DEFAULT_HTTP_SETTINGS, HttpClient, type HttpClientOptions } from '../../../src/vendors/http.js';
import type { UpstreamAttemptStart } from '../../../src/vendors/upstream-runtime.js';
import { wireSchema } from '../../../src/vendors/wire-schema.js';
import { ErrorCode, UpstreamError } from '../../../src/errors.js';

/** HttpClient.post: a read sent as a POST with a JSON body (a search endpoint), retried, coalesced and checked like a GET. */

const schema = wireSchema(z.object({ total_count: z.number(), conversations: z.array(z.object({ id: z.string() })) }));
const body = { query: { field: 'ai_agent_participated', operator: '=', value: true }, pagination: { per_page: 2 } };
const search = { endpoint: '/conversations/search', path: '/conversations/search', schema, body };

describe('HttpClient.post', () => {
  let intercom: IntercomEmulator;
  const clients: HttpClient[] = [];
  const client = (options: Partial<HttpClientOptions> = {}): HttpClient => {
    const created = new HttpClient({
      ...DEFAULT_HTTP_SETTINGS,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      breakerThreshold: 0,
      // The label only names the vendor in errors and metrics.
      provider: 'SYMBL',
      baseUrl: intercom.emulator.baseUrl,
      headers: { authorization: `Bearer ${intercom.token}`, 'intercom-version': '2.14' },
      ...options,
    });
    clients.push(created);
    return created;
  };
  beforeAll(async () => {
    intercom = await startIntercomEmulator({ anchor: new Date('2026-11-01T00:00:00Z') });
  });
  afterEach(async () => {
    intercom.emulator.reset();
    await Promise.all(clients.splice(0).map((created) => created.close()));
  });
  afterAll(async () => {
    await intercom.emulator.close();
  });

  it('sends the JSON body with Content-Type and Accept, and the observer sees POST', async () => {
    const attempts: UpstreamAttemptStart[] = [];
    const http = client({ observer: { attempt: (start) => void attempts.push(start) } });
    const answer = await http.post(search);
    expect(answer.conversations).toHaveLength(2);
    expect(intercom.emulator.requestLog.map((entry) => [entry.method, entry.endpoint, JSON.parse(entry.body)])).toEqual([['POST', 'searchConversations', body]]);
    expect(attempts.map((attempt) => attempt.method)).toEqual(['POST']);
  });

  it('retries a 5xx, and coalesces identical bodies in flight but not different ones', async () => {
    intercom.emulator.injectFault({ kind: 'status500', count: 1 });
    const http = client();
    expect((await http.post(search)).conversations).toHaveLength(2);
    expect(intercom.emulator.requestLog.map((entry) => entry.status)).toEqual([500, 200]);
    intercom.emulator.clearLog();
    intercom.emulator.setLatency({ fixedMs: 50, jitterMs: 0 });
    const other = { ...search, body: { ...body, pagination: { per_page: 3 } } };
    await Promise.all([http.post(search), http.post(search), http.post(other)]);
    expect(intercom.emulator.requestLog).toHaveLength(2);
    expect(http.coalescedCount).toBe(1);
  });

  it('a 400 keeps its status and is not retried', async () => {
    const http = client();
    const refused = await http.post({ ...search, body: { query: { operator: 'XOR', value: [] } } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UpstreamError);
    expect((refused as UpstreamError).facts).toMatchObject({ code: ErrorCode.UPSTREAM_BAD_REQUEST, status: 400, method: 'POST' });
    expect(intercom.emulator.requestLog).toHaveLength(1);
  });
});
